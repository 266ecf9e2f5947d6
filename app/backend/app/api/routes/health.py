"""/healthz: the process answers. /readyz: the database is reachable and the server is not draining.

The MCP server is checked and reported too, but does not decide readiness: without it only the
chat is out (it answers 503 "assistant unavailable"), while the task API keeps serving. Failing
readiness for it would take every backend pod, and so the whole task API, out of rotation
whenever the MCP server restarts."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.core.db import ping
from app.core.http import SSL_CONTEXT

router = APIRouter(tags=["health"])


def mcp_health_url(mcp_url: str) -> str:
    p = urlsplit(mcp_url)
    return urlunsplit((p.scheme, p.netloc, "/healthz", "", ""))


@router.get("/healthz")
async def healthz():
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request):
    state = request.app.state
    if state.draining:
        return JSONResponse({"status": "draining"}, status_code=503)
    checks = {}
    try:
        await run_in_threadpool(ping, state.engine)
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["database"] = f"unreachable: {type(exc).__name__}"
    try:
        async with httpx.AsyncClient(timeout=2.0, verify=SSL_CONTEXT) as c:
            r = await c.get(mcp_health_url(state.settings.mcp_server_url))
        checks["mcp_server"] = "ok" if r.status_code == 200 else f"status {r.status_code}"
    except httpx.HTTPError as exc:
        checks["mcp_server"] = f"unreachable: {type(exc).__name__}"
    if checks["database"] != "ok":
        return JSONResponse({"status": "unavailable", "checks": checks}, status_code=503)
    return JSONResponse({"status": "ok" if checks["mcp_server"] == "ok" else "degraded", "checks": checks},
                        status_code=200)
