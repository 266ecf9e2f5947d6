from __future__ import annotations

from datetime import datetime, timezone

from fastapi import APIRouter, HTTPException, Request, Response, status
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app import crud
from app.api.deps import ClaimsDep, CurrentUser, DbDep
from app.core.security import create_token, hash_password, needs_rehash, verify_password
from app.core.throttle import client_address
from app.models import Credentials, LoginCredentials, TokenOut, User, UserOut

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _token_out(user, settings) -> TokenOut:
    token, _, _ = create_token(user.id, settings.jwt_secret, settings.jwt_expire_minutes)
    return TokenOut(access_token=token, user=UserOut(id=user.id, email=user.email))


# Both hash a password: each waits for a slot of the app's hash gate (app/core/throttle.py), so
# a burst queues instead of running 40 argon2 hashes (and their memory) at once. They are async
# so that waiting holds no thread; the database work and the hash run in the thread pool.
@router.post("/signup", status_code=status.HTTP_201_CREATED, response_model=TokenOut)
async def signup(body: Credentials, request: Request) -> TokenOut:
    engine, settings, guard = request.app.state.engine, request.app.state.settings, request.app.state.auth_guard

    def create() -> User | None:
        with Session(engine, expire_on_commit=False) as db:
            if crud.get_user_by_email(db, body.email) is not None:
                return None
            try:
                return crud.create_user(db, body.email, body.password)
            except IntegrityError:
                db.rollback()
                return None

    async with guard.hashing():
        user = await run_in_threadpool(create)
    if user is None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="an account with this email already exists: log in")
    return _token_out(user, settings)


@router.post("/login", response_model=TokenOut)
async def login(body: LoginCredentials, request: Request) -> TokenOut:
    engine, settings, guard = request.app.state.engine, request.app.state.settings, request.app.state.auth_guard
    email = body.email.strip().lower()
    address = client_address(request, settings)
    guard.check_login(email, address)  # 429 at the account's or the address's limit

    def check() -> User | None:
        with Session(engine, expire_on_commit=False) as db:
            user = crud.get_user_by_email(db, email)
            if not verify_password(user.password_hash if user else None, body.password) or user is None:
                return None
            if needs_rehash(user.password_hash):  # made with older parameters: store today's
                user.password_hash = hash_password(body.password)
                db.add(user)
                db.commit()
            return user

    async with guard.hashing():
        guard.check_login(email, address)  # again: failures may have come in while this one waited
        user = await run_in_threadpool(check)
    if user is None:
        guard.login_failed(email, address)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="wrong email or password")
    guard.login_succeeded(email)
    return _token_out(user, settings)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(claims: ClaimsDep, db: DbDep) -> Response:
    crud.revoke_token(db, claims["jti"], datetime.fromtimestamp(claims["exp"], timezone.utc))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser) -> UserOut:
    return UserOut(id=user.id, email=user.email)
