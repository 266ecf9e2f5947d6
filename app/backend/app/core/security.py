"""Password hashes (argon2id) and session JWTs (HS256)."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2id with OWASP's parameters (Password Storage Cheat Sheet: m=19 MiB, t=2, p=1): 19 MiB
# per hash instead of argon2-cffi's default 64 MiB (RFC 9106's "second choice" profile), so that
# the few hashes app/core/throttle.py lets run at once stay well inside the pod's memory limit.
# Hashes made with other parameters still verify (they carry their own); check_needs_rehash
# tells login to store a new one.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_PARALLELISM = 1
_hasher = PasswordHasher(time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB,
                         parallelism=ARGON2_PARALLELISM)
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


def needs_rehash(password_hash: str) -> bool:
    """True for a hash made with other parameters than today's (e.g. argon2-cffi's defaults)."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
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
