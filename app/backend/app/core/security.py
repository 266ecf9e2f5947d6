"""Password hashes (argon2id) and session JWTs (HS256)."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# Verified against when the e-mail is unknown, so that both cases take the same time.
_DUMMY_HASH = _hasher.hash("taskora-dummy-password")
ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def create_token(user_id: str, secret: str, minutes: int) -> tuple[str, str, datetime]:
    now = datetime.now(timezone.utc)
    exp = now + timedelta(minutes=minutes)
    jti = uuid.uuid4().hex
    token = jwt.encode({"sub": user_id, "iat": now, "exp": exp, "jti": jti}, secret, algorithm=ALGORITHM)
    return token, jti, exp


def decode_token(token: str, secret: str) -> dict[str, Any]:
    """Raises jwt.InvalidTokenError on a bad, expired or foreign token."""
    return jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp", "jti"]})
