"""What the MCP server shares with the backend stays the same: the logging module (one file, kept
in both build contexts) and the tables (the backend's Alembic migrations own the schema; this
server maps it with its own models)."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

MCP_DIR = Path(__file__).resolve().parents[1]
BACKEND_DIR = MCP_DIR.parent / "backend"


def test_the_logging_module_is_the_backends_byte_for_byte():
    mine = MCP_DIR / "mcp_server" / "logs.py"
    theirs = BACKEND_DIR / "app" / "core" / "logging.py"
    assert mine.read_bytes() == theirs.read_bytes(), (
        f"{mine.relative_to(MCP_DIR.parent)} and {theirs.relative_to(MCP_DIR.parent)} differ: "
        "they are one module kept in two build contexts; make the same change in both")


def _migrated_database() -> str:
    admin = os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    name = "d_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    p = urlsplit(admin)
    url = urlunsplit((p.scheme, p.netloc, "/" + name, p.query, ""))
    r = subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=BACKEND_DIR,
                       env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return url


def test_models_match_the_backends_migrated_schema(db_url):
    """The MCP server's tables (users, tasks) as the backend's migrations make them: no drift in
    the columns, types, nullability, keys or indexes of the tables this server maps."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    import mcp_server.db  # noqa: F401  (registers the tables)
    from mcp_server.config import normalize_database_url

    mapped = set(SQLModel.metadata.tables)
    assert mapped >= {"users", "tasks"}

    def only_mapped_tables(obj, name, type_, reflected, compare_to):
        return type_ != "table" or name in mapped

    engine = create_engine(normalize_database_url(_migrated_database()))
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"include_object": only_mapped_tables, "compare_type": True})
            diff = compare_metadata(ctx, SQLModel.metadata)
    finally:
        engine.dispose()
    assert diff == []
