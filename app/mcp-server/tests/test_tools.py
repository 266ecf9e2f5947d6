"""The MCP server through the official SDK's client over streamable HTTP."""
from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from conftest import TOKEN


def session_run(base, fn, token=TOKEN):
    async def go():
        async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=10) as http:
            async with streamable_http_client(f"{base}/mcp", http_client=http) as (r, w, _):
                async with ClientSession(r, w) as s:
                    init = await s.initialize()
                    return await fn(s, init)
    return asyncio.run(go())


def result(res):
    assert not res.isError, res.content
    sc = res.structuredContent
    return sc["result"] if set(sc) == {"result"} else sc


def call(base, name, args):
    async def fn(s, _):
        return await s.call_tool(name, args)
    return session_run(base, fn)


def test_tool_list_and_schemas(server):
    async def fn(s, init):
        return init, (await s.list_tools()).tools
    init, tools = session_run(server, fn)
    assert init.serverInfo.name == "taskora"
    by = {t.name: t for t in tools}
    assert sorted(by) == ["add_task", "complete_task", "delete_task", "list_tasks", "update_task"]
    schema = lambda n: by[n].inputSchema
    assert set(schema("add_task")["required"]) == {"user_id", "title"}
    assert set(schema("add_task")["properties"]) == {"user_id", "title", "description"}
    assert schema("list_tasks")["required"] == ["user_id"]
    assert schema("list_tasks")["properties"]["status"]["enum"] == ["all", "pending", "completed"]
    for n in ("complete_task", "delete_task"):
        assert set(schema(n)["required"]) == {"user_id", "task_id"}
        assert schema(n)["properties"]["task_id"]["type"] == "integer"
    assert set(schema("update_task")["required"]) == {"user_id", "task_id"}
    assert set(schema("update_task")["properties"]) == {"user_id", "task_id", "title", "description"}
    assert schema("add_task")["properties"]["user_id"]["type"] == "string"
    for t in tools:
        assert t.description


def test_each_tool(server, users):
    u = users[0]
    added = result(call(server, "add_task", {"user_id": u, "title": "Buy groceries", "description": "milk"}))
    assert added["status"] == "created" and added["title"] == "Buy groceries" and isinstance(added["task_id"], int)
    tid = added["task_id"]
    second = result(call(server, "add_task", {"user_id": u, "title": "Team meeting"}))["task_id"]

    listed = result(call(server, "list_tasks", {"user_id": u}))
    assert [t["id"] for t in listed] == [tid, second]
    assert set(listed[0]) == {"id", "title", "description", "completed", "created_at", "updated_at"}
    assert listed[0]["description"] == "milk" and listed[0]["completed"] is False

    done = result(call(server, "complete_task", {"user_id": u, "task_id": tid}))
    assert done == {"task_id": tid, "status": "completed", "title": "Buy groceries"}
    assert [t["id"] for t in result(call(server, "list_tasks", {"user_id": u, "status": "completed"}))] == [tid]
    assert [t["id"] for t in result(call(server, "list_tasks", {"user_id": u, "status": "pending"}))] == [second]

    upd = result(call(server, "update_task", {"user_id": u, "task_id": second, "title": "Weekly sync"}))
    assert upd == {"task_id": second, "status": "updated", "title": "Weekly sync"}
    upd = result(call(server, "update_task", {"user_id": u, "task_id": second, "description": "room 4"}))
    assert upd["title"] == "Weekly sync"
    assert result(call(server, "list_tasks", {"user_id": u}))[1]["description"] == "room 4"

    gone = result(call(server, "delete_task", {"user_id": u, "task_id": tid}))
    assert gone == {"task_id": tid, "status": "deleted", "title": "Buy groceries"}
    assert [t["id"] for t in result(call(server, "list_tasks", {"user_id": u, "status": "all"}))] == [second]


def test_tools_are_scoped_to_the_given_user(server, users):
    a, b = users
    tid = result(call(server, "add_task", {"user_id": a, "title": "A's own"}))["task_id"]
    for name, args in (("complete_task", {}), ("delete_task", {}), ("update_task", {"title": "x"})):
        res = call(server, name, {"user_id": b, "task_id": tid, **args})
        assert res.isError and f"task {tid} not found" in res.content[0].text
    assert all(t["id"] != tid for t in result(call(server, "list_tasks", {"user_id": b})))
    assert result(call(server, "list_tasks", {"user_id": a}))[-1]["title"] == "A's own"


def test_bad_arguments_are_tool_errors(server, users):
    u = users[0]
    for name, args, text in (
        ("add_task", {"user_id": u, "title": "   "}, "blank"),
        ("add_task", {"user_id": u}, "title"),
        ("add_task", {"user_id": "no-such-user", "title": "x"}, "unknown user"),
        ("list_tasks", {"user_id": u, "status": "someday"}, "status"),
        ("update_task", {"user_id": u, "task_id": 1}, "nothing to update"),
        ("complete_task", {"user_id": u, "task_id": "seven"}, "task_id"),
    ):
        res = call(server, name, args)
        assert res.isError, (name, args)
        assert text in res.content[0].text, (name, res.content[0].text)


def test_service_token_is_required(server):
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    h = {"Accept": "application/json, text/event-stream"}
    r = httpx.post(f"{server}/mcp", json=body, headers=h)
    assert r.status_code == 401 and "MCP_SERVICE_TOKEN" in r.json()["error"]
    r = httpx.post(f"{server}/mcp", json=body, headers={**h, "Authorization": "Bearer wrong"})
    assert r.status_code == 401
    with pytest.raises(BaseException):
        session_run(server, lambda s, i: asyncio.sleep(0), token="wrong")


def test_other_host_names_are_accepted(server):
    # In Kubernetes the backend calls http://<release>-mcp-server:8001/mcp
    body = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
    r = httpx.post(f"{server}/mcp", json=body, headers={
        "Authorization": f"Bearer {TOKEN}", "Host": "taskora-mcp-server:8001",
        "Accept": "application/json, text/event-stream"})
    assert r.status_code == 200, r.text
    assert json.loads(r.text)["result"]["serverInfo"]["name"] == "taskora"
