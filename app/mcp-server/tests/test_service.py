"""The server as a process: health, readiness, drain on SIGTERM, refused placeholder secrets."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from conftest import MCP_DIR, start


def test_health(server):
    assert httpx.get(f"{server}/healthz").json() == {"status": "ok"}
    r = httpx.get(f"{server}/readyz")
    assert r.status_code == 200 and r.json()["checks"] == {"database": "ok"}
    assert httpx.get(f"{server}/healthz", headers={"X-Request-ID": "rid-7"}).headers["x-request-id"] == "rid-7"


def test_readyz_fails_without_database(db_url):
    dead = "postgresql://u:p@127.0.0.1:9/none"
    proc, base = start(dead)
    try:
        assert httpx.get(f"{base}/healthz").status_code == 200
        r = httpx.get(f"{base}/readyz", timeout=15)
        assert r.status_code == 503 and r.json()["status"] == "unavailable"
    finally:
        proc.kill()
        proc.wait()


def test_sigterm_drains_then_exits(db_url):
    proc, base = start(db_url, {"SHUTDOWN_DRAIN_SECONDS": "2"})
    try:
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        assert httpx.get(f"{base}/readyz").status_code == 503
        assert httpx.get(f"{base}/healthz").status_code == 200
        assert proc.wait(timeout=15) == 0
        assert time.monotonic() - t0 >= 1.8
    finally:
        if proc.poll() is None:
            proc.kill()


def test_production_refuses_placeholder_token():
    env = {**os.environ, "APP_ENV": "production", "MCP_SERVICE_TOKEN": "changeme",
           "DATABASE_URL": "postgresql://u:a-real-password@127.0.0.1:1/db"}
    r = subprocess.run([sys.executable, "-m", "mcp_server"], cwd=MCP_DIR, env=env, capture_output=True,
                       text=True, timeout=20)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "MCP_SERVICE_TOKEN" in r.stderr


def test_production_refuses_a_token_under_32_characters():
    """Issue 26: the service token guards every user's tasks; the chart generates 48 characters."""
    base = {**os.environ, "APP_ENV": "production", "DATABASE_URL": "postgresql://u:a-real-password@127.0.0.1:1/db"}
    r = subprocess.run([sys.executable, "-m", "mcp_server"], cwd=MCP_DIR, env={**base, "MCP_SERVICE_TOKEN": "t" * 31},
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "MCP_SERVICE_TOKEN" in r.stderr and "32" in r.stderr
    from mcp_server.config import Settings
    assert Settings(app_env="production", mcp_service_token="t" * 32,
                    database_url="postgresql://u:a-real-password@127.0.0.1:1/db").problems() == []


def test_bad_database_url_is_one_line():
    env = {**os.environ, "DATABASE_URL": "mysql://u:p@127.0.0.1/db"}
    r = subprocess.run([sys.executable, "-m", "mcp_server"], cwd=MCP_DIR, env=env, capture_output=True,
                       text=True, timeout=20)
    assert r.returncode == 2
    assert r.stderr.strip() == ("taskora-mcp-server: bad settings: DATABASE_URL: DATABASE_URL has scheme 'mysql': "
                                "use postgresql://user:pass@host:5432/db")
