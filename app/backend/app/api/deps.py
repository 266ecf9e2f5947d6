"""Request dependencies: settings, a DB session, the authenticated user, the path-user check."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import jwt
from fastapi import Depends, HTTPException, Path, Request, status
from sqlmodel import Session

from app import crud
from app.core.config import Settings
from app.core.security import decode_token
from app.models import User

SESSION_COOKIE = "taskora_session"


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as s:
        yield s


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
DbDep = Annotated[Session, Depends(get_db)]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def token_claims(request: Request, settings: SettingsDep, db: DbDep) -> dict:
    """The verified claims of the caller's session: Authorization: Bearer, or the session cookie."""
    auth = request.headers.get("authorization", "")
    token = None
    if auth:
        scheme, _, value = auth.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise _unauthorized("Authorization header must be 'Bearer <token>'")
        token = value.strip()
    else:
        token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise _unauthorized("not authenticated: log in and send the token as 'Authorization: Bearer <token>'")
    try:
        claims = decode_token(token, settings.jwt_secret)
    except jwt.ExpiredSignatureError:
        raise _unauthorized("session expired: log in again")
    except jwt.InvalidTokenError:
        raise _unauthorized("invalid session token: log in again")
    if crud.is_revoked(db, claims["jti"]):
        raise _unauthorized("session ended by logout: log in again")
    return claims


ClaimsDep = Annotated[dict, Depends(token_claims)]


def current_user(claims: ClaimsDep, db: DbDep) -> User:
    user = db.get(User, claims["sub"])
    if user is None:
        raise _unauthorized("the session's user no longer exists: sign up or log in again")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def path_user(user: CurrentUser, user_id: Annotated[str, Path(max_length=64)]) -> User:
    """Every /api/{user_id}/... call: the path must name the caller, whatever the body says."""
    if user_id != user.id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="you can only access your own data")
    return user


PathUser = Annotated[User, Depends(path_user)]
