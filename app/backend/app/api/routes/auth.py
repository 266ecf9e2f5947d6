from __future__ import annotations

from datetime import datetime, timezone

from fastapi import APIRouter, HTTPException, Response, status
from sqlalchemy.exc import IntegrityError

from app import crud
from app.api.deps import ClaimsDep, CurrentUser, DbDep, SettingsDep
from app.core.security import create_token, verify_password
from app.models import Credentials, LoginCredentials, TokenOut, UserOut

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _token_out(user, settings) -> TokenOut:
    token, _, _ = create_token(user.id, settings.jwt_secret, settings.jwt_expire_minutes)
    return TokenOut(access_token=token, user=UserOut(id=user.id, email=user.email))


@router.post("/signup", status_code=status.HTTP_201_CREATED, response_model=TokenOut)
def signup(body: Credentials, db: DbDep, settings: SettingsDep) -> TokenOut:
    if crud.get_user_by_email(db, body.email) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="an account with this email already exists: log in")
    try:
        user = crud.create_user(db, body.email, body.password)
    except IntegrityError:
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, detail="an account with this email already exists: log in")
    return _token_out(user, settings)


@router.post("/login", response_model=TokenOut)
def login(body: LoginCredentials, db: DbDep, settings: SettingsDep) -> TokenOut:
    user = crud.get_user_by_email(db, body.email)
    if not verify_password(user.password_hash if user else None, body.password) or user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="wrong email or password")
    return _token_out(user, settings)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(claims: ClaimsDep, db: DbDep) -> Response:
    crud.revoke_token(db, claims["jti"], datetime.fromtimestamp(claims["exp"], timezone.utc))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser) -> UserOut:
    return UserOut(id=user.id, email=user.email)
