"""A fresh database (tables from this server's own mapping; the backend's Alembic migration
makes the same ones in deployments and in the backend's tests) and the server as a process."""
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

MCP_DIR = Path(__file__).resolve().parents[1]
TOKEN = "mcp-test-token-" + uuid.uuid4().hex


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, proc, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {proc.stdout.read()[-2000:]}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


@pytest.fixture(scope="session")
def db_url():
    admin = os.environ.get("DATABASE_URL")
    if not admin:
        pytest.exit("DATABASE_URL is not set: run tests/app/run, which starts PostgreSQL", returncode=2)
    name = "m_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    p = urlsplit(admin)
    url = urlunsplit((p.scheme, p.netloc, "/" + name, p.query, ""))
    from sqlmodel import SQLModel
    from mcp_server.config import normalize_database_url
    from mcp_server.db import make_engine
    engine = make_engine(normalize_database_url(url))
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def users(db_url):
    ids = [str(uuid.uuid4()) for _ in range(2)]
    with psycopg.connect(db_url) as c:
        for i in ids:
            c.execute("INSERT INTO users (id, email, password_hash, created_at) VALUES (%s, %s, 'x', now())",
                      (i, f"{i}@example.com"))
    return ids


def start(db_url, extra=None):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "MCP_SERVICE_TOKEN": TOKEN, "HOST": "127.0.0.1",
           "PORT": str(port), "SHUTDOWN_DRAIN_SECONDS": "0", **(extra or {})}
    proc = subprocess.Popen([sys.executable, "-m", "mcp_server"], cwd=MCP_DIR, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_http(f"http://127.0.0.1:{port}/healthz", proc)
    return proc, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def server(db_url):
    proc, base = start(db_url)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
