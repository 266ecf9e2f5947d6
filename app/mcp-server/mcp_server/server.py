"""The five task tools (the contract's table), state in PostgreSQL, behind a service token."""
from __future__ import annotations

import hmac
import json
from typing import Annotated, Literal

import anyio
from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import JSONResponse

from mcp_server.config import Settings
from mcp_server.db import Task, make_engine, utcnow

UserId = Annotated[str, Field(min_length=1, max_length=64, description="The user the tool acts on (set by the backend)")]
TaskId = Annotated[int, Field(ge=1, description="The task's id")]


class TaskChange(BaseModel):
    task_id: int
    status: str
    title: str


class TaskItem(BaseModel):
    id: int
    title: str
    description: str
    completed: bool
    created_at: str
    updated_at: str


def _item(t: Task) -> TaskItem:
    return TaskItem(id=t.id, title=t.title, description=t.description, completed=t.completed,
                    created_at=t.created_at.isoformat(), updated_at=t.updated_at.isoformat())


def _clean_title(title: str | None) -> str | None:
    if title is None:
        return None
    title = title.strip()
    if not title:
        raise ToolError("title must not be blank")
    if len(title) > 200:
        raise ToolError("title is longer than 200 characters")
    return title


def build_mcp(settings: Settings) -> tuple[FastMCP, object]:
    engine = make_engine(settings.database_url)
    mcp = FastMCP(
        name="taskora",
        instructions="Task tools for one Taskora user. user_id is always set by the backend.",
        stateless_http=True,
        json_response=True,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.upper() if settings.log_level.upper() in
        ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL") else "INFO",
        # The service token (and a NetworkPolicy in Kubernetes) guards /mcp; callers reach it by
        # service name, so the localhost-only Host check would refuse legitimate calls.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )

    def run(fn, *args):
        return anyio.to_thread.run_sync(fn, *args)

    def _get(s: Session, user_id: str, task_id: int) -> Task:
        task = s.exec(select(Task).where(Task.user_id == user_id, Task.id == task_id)).first()
        if task is None:
            raise ToolError(f"task {task_id} not found")
        return task

    @mcp.tool(description="Create a task for the user. Returns task_id, status 'created' and title.")
    async def add_task(user_id: UserId,
                       title: Annotated[str, Field(min_length=1, max_length=200, description="Short task title")],
                       description: Annotated[str | None, Field(max_length=4000, description="Optional details")] = None,
                       ) -> TaskChange:
        clean = _clean_title(title)

        def work():
            with Session(engine) as s:
                task = Task(user_id=user_id, title=clean, description=(description or "").strip())
                s.add(task)
                try:
                    s.commit()
                except IntegrityError:
                    raise ToolError(f"unknown user {user_id}") from None
                s.refresh(task)
                return TaskChange(task_id=task.id, status="created", title=task.title)
        return await run(work)

    @mcp.tool(description="List the user's tasks; status is 'all' (default), 'pending' or 'completed'.")
    async def list_tasks(user_id: UserId,
                         status: Annotated[Literal["all", "pending", "completed"],
                                           Field(description="Which tasks to list")] = "all",
                         ) -> list[TaskItem]:
        def work():
            with Session(engine) as s:
                q = select(Task).where(Task.user_id == user_id)
                if status == "pending":
                    q = q.where(col(Task.completed).is_(False))
                elif status == "completed":
                    q = q.where(col(Task.completed).is_(True))
                return [_item(t) for t in s.exec(q.order_by(col(Task.id))).all()]
        return await run(work)

    @mcp.tool(description="Mark one of the user's tasks as completed. Returns task_id, status 'completed' and title.")
    async def complete_task(user_id: UserId, task_id: TaskId) -> TaskChange:
        def work():
            with Session(engine) as s:
                task = _get(s, user_id, task_id)
                if not task.completed:
                    task.completed = True
                    task.updated_at = utcnow()
                    s.add(task)
                    s.commit()
                return TaskChange(task_id=task_id, status="completed", title=task.title)
        return await run(work)

    @mcp.tool(description="Delete one of the user's tasks. Returns task_id, status 'deleted' and title.")
    async def delete_task(user_id: UserId, task_id: TaskId) -> TaskChange:
        def work():
            with Session(engine) as s:
                task = _get(s, user_id, task_id)
                title = task.title
                s.delete(task)
                s.commit()
                return TaskChange(task_id=task_id, status="deleted", title=title)
        return await run(work)

    @mcp.tool(description="Change the title and/or description of one of the user's tasks. "
                          "Returns task_id, status 'updated' and title.")
    async def update_task(user_id: UserId, task_id: TaskId,
                          title: Annotated[str | None, Field(max_length=200, description="New title")] = None,
                          description: Annotated[str | None, Field(max_length=4000, description="New description")] = None,
                          ) -> TaskChange:
        clean = _clean_title(title)
        if clean is None and description is None:
            raise ToolError("nothing to update: give a new title or description")

        def work():
            with Session(engine) as s:
                task = _get(s, user_id, task_id)
                if clean is not None:
                    task.title = clean
                if description is not None:
                    task.description = description.strip()
                task.updated_at = utcnow()
                s.add(task)
                s.commit()
                return TaskChange(task_id=task_id, status="updated", title=task.title)
        return await run(work)

    return mcp, engine


class ServiceTokenMiddleware:
    """Only the backend may call the tools: /mcp needs `Authorization: Bearer <MCP_SERVICE_TOKEN>`."""

    def __init__(self, app, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith("/mcp"):
            got = dict(scope.get("headers", [])).get(b"authorization", b"")
            if not hmac.compare_digest(got, self.expected):
                body = json.dumps({"error": "missing or wrong service token: send "
                                            "'Authorization: Bearer <MCP_SERVICE_TOKEN>'"}).encode()
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"www-authenticate", b"Bearer")]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def create_app(settings: Settings | None = None):
    from mcp_server.config import check_startup
    from mcp_server.logs import RequestIdMiddleware

    settings = settings or Settings()
    check_startup(settings)
    mcp, engine = build_mcp(settings)
    state = {"draining": False}

    @mcp.custom_route("/healthz", methods=["GET"], include_in_schema=False)
    async def healthz(request: Request):
        return JSONResponse({"status": "ok"})

    @mcp.custom_route("/readyz", methods=["GET"], include_in_schema=False)
    async def readyz(request: Request):
        if state["draining"]:
            return JSONResponse({"status": "draining"}, status_code=503)
        try:
            def ping():
                with engine.connect() as c:
                    c.exec_driver_sql("SELECT 1")
            await anyio.to_thread.run_sync(ping)
        except Exception as exc:  # noqa: BLE001
            return JSONResponse({"status": "unavailable", "checks": {"database": type(exc).__name__}},
                                status_code=503)
        return JSONResponse({"status": "ok", "checks": {"database": "ok"}})

    app = mcp.streamable_http_app()
    app.add_middleware(ServiceTokenMiddleware, token=settings.mcp_service_token)
    app.add_middleware(RequestIdMiddleware, logger_name="taskora.mcp.access")
    app.state.taskora = state
    app.state.engine = engine
    return app
