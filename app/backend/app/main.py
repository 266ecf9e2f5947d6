"""The FastAPI application. Run it with `python -m app` (adds the SIGTERM drain), or
`uvicorn --factory app.main:create_app` for a quick look."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.api.routes import auth, chat, health, tasks
from app.core.config import Settings, check_startup, get_settings
from app.core.db import make_engine
from app.core.logging import RequestIdMiddleware

log = logging.getLogger("taskora.backend")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    check_startup(settings)
    app = FastAPI(title="Taskora backend", version="0.1.0")
    app.state.settings = settings
    app.state.engine = make_engine(settings)
    app.state.draining = False

    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(tasks.router)
    app.include_router(chat.router)
    app.add_middleware(RequestIdMiddleware)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        # One readable line first, the details after (FastAPI's own shape, under "errors").
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
        msg = f"{where}: {first.get('msg', 'invalid request')}" if where else first.get("msg", "invalid request")
        return JSONResponse({"detail": msg, "errors": jsonable(exc.errors())}, status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error")
        return JSONResponse({"detail": "internal error"}, status_code=500)

    return app


def jsonable(errors):
    out = []
    for e in errors:
        e = dict(e)
        e.pop("ctx", None)
        e.pop("input", None)
        out.append(e)
    return out
