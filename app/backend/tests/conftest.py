"""Fixtures on real components: a fresh database in the PostgreSQL that DATABASE_URL names
(tests/app/run starts one), migrated by the real `alembic upgrade head`, and the real MCP
server (../mcp-server) started as a process on 127.0.0.1."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient

BACKEND_DIR = Path(__file__).resolve().parents[1]
MCP_DIR = BACKEND_DIR.parent / "mcp-server"
TOKEN = "test-service-token-" + uuid.uuid4().hex


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_db(url: str, name: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, "/" + name, p.query, ""))


def wait_http(url: str, proc: subprocess.Popen | None = None, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer 200 within {timeout}s")


@pytest.fixture(scope="session")
def admin_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.exit("DATABASE_URL is not set: run tests/app/run, which starts PostgreSQL", returncode=2)
    return url.replace("postgresql+psycopg://", "postgresql://")


def create_database(admin_url: str) -> str:
    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin_url, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return with_db(admin_url, name)


def migrate(db_url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=BACKEND_DIR,
                          env={**os.environ, "DATABASE_URL": db_url}, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="session")
def db_url(admin_url) -> str:
    url = create_database(admin_url)
    r = migrate(url)
    assert r.returncode == 0, r.stderr
    return url


def start_process(args, cwd, env, health_url):
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"taskora-test-{uuid.uuid4().hex[:8]}.log", "w+")
    proc = subprocess.Popen(args, cwd=cwd, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_http(health_url, proc)
    except RuntimeError:
        proc.kill()
        log.seek(0)
        raise RuntimeError(f"{args} did not become healthy:\n{log.read()[-3000:]}")
    proc.log = log  # type: ignore[attr-defined]
    return proc


def stop_process(proc) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    proc.log.close()
    Path(proc.log.name).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def mcp_url(db_url):
    port = free_port()
    proc = start_process([sys.executable, "-m", "mcp_server"], MCP_DIR,
                         {"DATABASE_URL": db_url, "MCP_SERVICE_TOKEN": TOKEN, "HOST": "127.0.0.1",
                          "PORT": str(port), "SHUTDOWN_DRAIN_SECONDS": "0", "LOG_LEVEL": "WARNING"},
                         f"http://127.0.0.1:{port}/readyz")
    yield f"http://127.0.0.1:{port}/mcp"
    stop_process(proc)


@pytest.fixture(scope="session")
def settings(db_url, mcp_url):
    from app.core.config import Settings
    return Settings(database_url=db_url, mcp_server_url=mcp_url, mcp_service_token=TOKEN,
                    jwt_secret="test-jwt-secret-" + uuid.uuid4().hex, agent_backend="offline")


def make_client(settings) -> TestClient:
    from app.main import create_app
    return TestClient(create_app(settings))


@pytest.fixture(scope="session")
def client(settings):
    with make_client(settings) as c:
        yield c


class Account:
    def __init__(self, client: TestClient, email: str | None = None, password: str = "correct horse 9"):
        self.email = email or f"u{uuid.uuid4().hex[:10]}@example.com"
        self.password = password
        r = client.post("/api/auth/signup", json={"email": self.email, "password": password})
        assert r.status_code == 201, r.text
        body = r.json()
        self.token = body["access_token"]
        self.id = body["user"]["id"]
        self.headers = {"Authorization": f"Bearer {self.token}"}

    def url(self, path: str = "") -> str:
        return f"/api/{self.id}{path}"


@pytest.fixture
def alice(client) -> Account:
    return Account(client)


@pytest.fixture
def bob(client) -> Account:
    return Account(client)
