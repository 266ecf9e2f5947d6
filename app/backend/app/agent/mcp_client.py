"""The MCP client the agents use: streamable HTTP, the service token, the user injected here.

The model (or the offline agent) never chooses the user: `call` drops any `user_id` it is
given and sets the authenticated user's id. Each call is recorded for the chat answer.
"""
from __future__ import annotations

import json
from contextlib import AsyncExitStack
from typing import Any

import httpx
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from app.core.http import SSL_CONTEXT
from app.core.logging import request_id_var


class ToolServerUnavailable(Exception):
    pass


class ToolError(Exception):
    pass


class ToolSession:
    def __init__(self, url: str, token: str, user_id: str, timeout: float = 15.0) -> None:
        self.url, self.token, self.user_id, self.timeout = url, token, user_id, timeout
        self.calls: list[dict[str, Any]] = []
        self._stack: AsyncExitStack | None = None
        self._session: ClientSession | None = None
        self._tools: list[Any] | None = None

    async def __aenter__(self) -> "ToolSession":
        self._stack = AsyncExitStack()
        try:
            http = await self._stack.enter_async_context(httpx.AsyncClient(
                headers={"Authorization": f"Bearer {self.token}", "X-Request-ID": request_id_var.get()},
                timeout=httpx.Timeout(self.timeout, read=self.timeout * 2), verify=SSL_CONTEXT,
            ))
            read, write, _ = await self._stack.enter_async_context(
                streamable_http_client(self.url, http_client=http, terminate_on_close=False))
            self._session = await self._stack.enter_async_context(ClientSession(read, write))
            await self._session.initialize()
        except BaseException as exc:  # noqa: BLE001  (anyio raises exception groups)
            await self._close_quietly()
            raise ToolServerUnavailable(f"MCP server at {self.url}: {_describe(exc)}") from None
        return self

    async def __aexit__(self, *exc) -> None:
        await self._close_quietly()

    async def _close_quietly(self) -> None:
        if self._stack is not None:
            stack, self._stack = self._stack, None
            try:
                await stack.aclose()
            except BaseException:  # noqa: BLE001
                pass

    async def list_tools(self) -> list[Any]:
        if self._tools is None:
            assert self._session is not None
            self._tools = list((await self._session.list_tools()).tools)
        return self._tools

    async def call(self, name: str, arguments: dict[str, Any] | None = None) -> Any:
        """Calls a tool as the session's user. Returns the result; raises ToolError on a tool error."""
        assert self._session is not None
        args = {k: v for k, v in (arguments or {}).items() if k != "user_id" and v is not None}
        record: dict[str, Any] = {"tool": name, "arguments": dict(args), "result": None}
        self.calls.append(record)
        try:
            res = await self._session.call_tool(name, {**args, "user_id": self.user_id})
        except BaseException as exc:  # noqa: BLE001
            record["error"] = "tool server unreachable"
            raise ToolServerUnavailable(f"MCP call {name}: {_describe(exc)}") from None
        if res.isError:
            msg = " ".join(getattr(c, "text", "") for c in res.content).strip() or "tool failed"
            prefix = f"Error executing tool {name}: "
            msg = msg[len(prefix):] if msg.startswith(prefix) else msg
            record["error"] = msg
            raise ToolError(msg)
        result = parse_result(res)
        record["result"] = result
        return result


def parse_result(res: Any) -> Any:
    sc = getattr(res, "structuredContent", None)
    if sc is not None:
        if isinstance(sc, dict) and set(sc) == {"result"}:
            return sc["result"]
        return sc
    texts = [getattr(c, "text", None) for c in res.content]
    texts = [t for t in texts if t is not None]
    try:
        vals = [json.loads(t) for t in texts]
    except ValueError:
        return " ".join(texts)
    return vals[0] if len(vals) == 1 else vals


def _describe(exc: BaseException) -> str:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    return f"{type(exc).__name__}: {exc}"[:200]
