"""Alembic environment: the URL comes from DATABASE_URL through the app's settings."""
from __future__ import annotations

import sys
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

from app import models  # noqa: F401  (registers the tables)
from app.core.config import Settings, settings_error_line
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = SQLModel.metadata


def _url() -> str:
    url = config.attributes.get("database_url")
    if url:
        return url
    try:
        return Settings().sqlalchemy_url
    except Exception as exc:  # a bad DATABASE_URL: one line, not a traceback
        sys.exit(f"alembic: bad settings: {settings_error_line(exc)}")


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = _url()
    engine = create_engine(url, poolclass=pool.NullPool, connect_args={"connect_timeout": 10})
    try:
        connection = engine.connect()
    except OperationalError as exc:
        where = url.rsplit("@", 1)[-1]
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "unreachable"
        sys.exit(f"alembic: cannot connect to the database at {where}: {reason}; check DATABASE_URL")
    with connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
