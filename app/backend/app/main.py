"""The FastAPI application. Run it with `python -m app` (adds the SIGTERM drain), or
`uvicorn --factory app.main:create_app` for a quick look."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc

from app.api.routes import auth, chat, health, tasks
from app.core.config import Settings, check_startup, get_settings
from app.core.db import make_engine
from app.core.logging import RequestIdMiddleware
from app.core.throttle import AuthGuard

log = logging.getLogger("taskora.backend")
# Seconds a client is told to wait (Retry-After) when the database cannot be reached: about
# the time a PostgreSQL pod takes to restart.
DB_RETRY_AFTER_SECONDS = 3


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    check_startup(settings)
    app = FastAPI(title="Taskora backend", version="0.1.0")
    app.state.settings = settings
    app.state.engine = make_engine(settings)
    app.state.draining = False
    app.state.auth_guard = AuthGuard(settings)

    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(tasks.router)
    app.include_router(chat.router)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(CloseWhileDraining, state=app.state)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        # One readable line first, the details after (FastAPI's own shape, under "errors").
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
        msg = f"{where}: {first.get('msg', 'invalid request')}" if where else first.get("msg", "invalid request")
        return JSONResponse({"detail": msg, "errors": jsonable(exc.errors())}, status_code=422)

    # The database is down or restarting (connection refused, connection lost, pool exhausted):
    # 503 with Retry-After, so that clients retry, instead of a 500 that reads like a bug. A
    # write that ends here was not acknowledged; the client may send it again.
    @app.exception_handler(sa_exc.OperationalError)
    @app.exception_handler(sa_exc.TimeoutError)
    async def _database_unavailable(request: Request, exc: Exception):
        log.warning("database unavailable", extra={"fields": {"error": str(exc).splitlines()[0][:200]}})
        return JSONResponse({"detail": "the database is unavailable; try again shortly"}, status_code=503,
                            headers={"Retry-After": str(DB_RETRY_AFTER_SECONDS)})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error")
        return JSONResponse({"detail": "internal error"}, status_code=500)

    return app


class CloseWhileDraining:
    """Pure ASGI: once SIGTERM has started the drain, every answer says `Connection: close`, so
    that clients holding keep-alive connections to this pod (the frontend's pool) reconnect,
    through the Service, to a pod that is not stopping. Without it, a request sent on such a
    connection just as the server closes it at the end of the drain fails."""

    def __init__(self, app, state) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_closing(message):
            if message["type"] == "http.response.start" and self.state.draining:
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        return await self.app(scope, receive, send_closing)


def jsonable(errors):
    out = []
    for e in errors:
        e = dict(e)
        e.pop("ctx", None)
        e.pop("input", None)
        out.append(e)
    return out
