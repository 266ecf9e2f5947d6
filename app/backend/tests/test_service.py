"""The backend as a process: settings refused in production, health, request ids, SIGTERM drain."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import httpx

from conftest import BACKEND_DIR, TOKEN, free_port, migrate, create_database, wait_http

PROD_OK = {"APP_ENV": "production", "JWT_SECRET": uuid.uuid4().hex * 2, "MCP_SERVICE_TOKEN": uuid.uuid4().hex}


def run_backend(env, timeout=20):
    return subprocess.run([sys.executable, "-m", "app"], cwd=BACKEND_DIR, capture_output=True, text=True,
                          timeout=timeout, env={k: v for k, v in {**os.environ, **env}.items() if v is not None})


def test_production_refuses_placeholder_secrets():
    r = run_backend({"APP_ENV": "production", "JWT_SECRET": None, "MCP_SERVICE_TOKEN": "changeme",
                     "DATABASE_URL": "postgresql://u:real-password-1@127.0.0.1:1/db"})
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "JWT_SECRET" in lines[0] and "MCP_SERVICE_TOKEN" in lines[0] and "APP_ENV=production" in lines[0]
    r = run_backend({**PROD_OK, "DATABASE_URL": "postgresql://u:password@127.0.0.1:1/db"})
    assert r.returncode == 2 and "DATABASE_URL" in r.stderr


def test_bad_database_url_is_one_line():
    r = run_backend({"DATABASE_URL": "mysql://u:p@h/db"})
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "postgresql://" in r.stderr


def test_database_url_forms(db_url):
    from app.core.config import Settings
    for scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        s = Settings(database_url=db_url.replace("postgresql", scheme, 1) + "?sslmode=disable")
        assert s.sqlalchemy_url.startswith("postgresql+psycopg://") and s.sqlalchemy_url.endswith("?sslmode=disable")


def test_migration_is_idempotent(admin_url):
    url = create_database(admin_url)
    assert migrate(url).returncode == 0
    r = migrate(url)
    assert r.returncode == 0, r.stderr


def test_health_and_request_id(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["checks"] == {"database": "ok", "mcp_server": "ok"}
    r = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    generated = client.get("/healthz").headers["x-request-id"]
    assert len(generated) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"}).headers["x-request-id"] != "bad id\twith spaces"


def test_sigterm_fails_readiness_then_stops(db_url, mcp_url):
    port = free_port()
    env = {**os.environ, **PROD_OK, "MCP_SERVICE_TOKEN": TOKEN, "DATABASE_URL": db_url, "MCP_SERVER_URL": mcp_url,
           "HOST": "127.0.0.1", "PORT": str(port), "SHUTDOWN_DRAIN_SECONDS": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "app"], cwd=BACKEND_DIR, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/readyz", proc)
        r = httpx.get(base + "/api/auth/me", headers={"X-Request-ID": "trace-me-1"})
        assert r.status_code == 401
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        assert httpx.get(base + "/readyz").status_code == 503  # draining: out of rotation
        alive = httpx.get(base + "/healthz")
        assert alive.status_code == 200  # but alive and serving,
        assert alive.headers["connection"] == "close"  # and moving keep-alive clients elsewhere
        rc = proc.wait(timeout=15)
        elapsed = time.monotonic() - t0
        assert rc == 0 and 1.8 <= elapsed < 12, elapsed
    finally:
        if proc.poll() is None:
            proc.kill()
    out = proc.stdout.read()
    import json
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert lines and all("request_id" in x and "level" in x for x in lines)
    access = [x for x in lines if x.get("path") == "/api/auth/me"]
    assert access and access[0]["request_id"] == "trace-me-1" and access[0]["status"] == 401


def test_migration_errors_are_one_line():
    env = {**os.environ, "DATABASE_URL": "postgresql://u:p@127.0.0.1:9/db"}
    r = subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=BACKEND_DIR, env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("alembic: cannot connect to the database at 127.0.0.1:9/db") and "Traceback" not in r.stderr
    env["DATABASE_URL"] = "sqlite:///x.db"
    r = subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=BACKEND_DIR, env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "use postgresql://" in r.stderr.strip().splitlines()[-1]


def test_models_match_the_migrated_schema(db_url):
    """The SQLModel tables and the Alembic migrations describe the same schema (no drift)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    import app.models  # noqa: F401
    from app.core.config import normalize_database_url

    engine = create_engine(normalize_database_url(db_url))
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_database_down_is_503_with_retry_after(settings, alice):
    """A database that cannot be reached (as while its pod restarts) is a 503 with Retry-After on
    every path that needs it, and readiness fails; never a 500."""
    from conftest import make_client
    dead = settings.model_copy(update={"database_url": "postgresql://u:p@127.0.0.1:9/db"})
    with make_client(dead) as c:
        for method, path, body in (("GET", alice.url("/tasks"), None),
                                   ("POST", alice.url("/tasks"), {"title": "lost?"}),
                                   ("POST", "/api/auth/login", {"email": alice.email, "password": alice.password})):
            r = c.request(method, path, headers=alice.headers, json=body)
            assert r.status_code == 503, (path, r.status_code, r.text)
            assert r.json() == {"detail": "the database is unavailable; try again shortly"}
            assert r.headers["retry-after"] == "3"
        ready = c.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["database"].startswith("unreachable")


def test_answers_say_connection_close_while_draining(client):
    """During the drain every answer closes its connection, so keep-alive clients move to other pods."""
    assert "close" not in client.get("/healthz").headers.get("connection", "")
    client.app.state.draining = True
    try:
        r = client.get("/healthz")
        assert r.status_code == 200 and r.headers["connection"] == "close"
        assert client.get("/readyz").status_code == 503
    finally:
        client.app.state.draining = False
    assert client.get("/readyz").status_code == 200


def test_production_needs_32_character_secrets():
    """Issue 26: HS256 wants a 256-bit key; the chart generates 48 characters."""
    from app.core.config import Settings
    ok = {"app_env": "production", "jwt_secret": "j" * 32, "mcp_service_token": "m" * 32,
          "database_url": "postgresql://u:real-password-1@127.0.0.1:1/db"}
    assert Settings(**ok).problems() == []
    problems = Settings(**{**ok, "jwt_secret": "j" * 31}).problems()
    assert len(problems) == 1 and "JWT_SECRET" in problems[0] and "32" in problems[0]
    problems = Settings(**{**ok, "mcp_service_token": "m" * 31}).problems()
    assert len(problems) == 1 and "MCP_SERVICE_TOKEN" in problems[0] and "32" in problems[0]
    r = run_backend({**PROD_OK, "JWT_SECRET": "a" * 20, "MCP_SERVICE_TOKEN": "b" * 20,
                     "DATABASE_URL": "postgresql://u:real-password-1@127.0.0.1:1/db"})
    assert r.returncode == 2 and "JWT_SECRET" in r.stderr and "MCP_SERVICE_TOKEN" in r.stderr
    assert Settings(**{**ok, "app_env": "development", "jwt_secret": "short"}).problems() == []
