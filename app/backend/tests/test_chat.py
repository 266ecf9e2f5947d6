"""The chat cycle through the real MCP server and database, with the offline agent."""
from __future__ import annotations

from conftest import make_client


def chat(client, acc, message, conversation_id=None, **extra):
    body = {"message": message, **extra}
    if conversation_id is not None:
        body["conversation_id"] = conversation_id
    return client.post(acc.url("/chat"), headers=acc.headers, json=body)


def titles(client, acc, status="all"):
    return [t["title"] for t in client.get(acc.url(f"/tasks?status={status}"), headers=acc.headers).json()]


def test_add_through_chat_shows_on_task_list(client, alice):
    r = chat(client, alice, "add a task to buy milk")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"conversation_id", "response", "tool_calls"}
    assert isinstance(body["conversation_id"], int)
    assert body["tool_calls"] == [{"tool": "add_task", "arguments": {"title": "Buy milk"},
                                   "result": {"task_id": body["tool_calls"][0]["result"]["task_id"],
                                              "status": "created", "title": "Buy milk"}, "error": None}]
    assert "Buy milk" in body["response"]
    assert titles(client, alice) == ["Buy milk"]


def test_the_eight_commands_end_to_end(client, alice):
    conv = None

    def say(msg):
        nonlocal conv
        r = chat(client, alice, msg, conv)
        assert r.status_code == 200, r.text
        conv = r.json()["conversation_id"]
        return r.json()

    say("Add a task to buy groceries")
    say("I need to remember to pay bills")
    say("add 'Team meeting'")
    ids = {t["title"]: t["id"] for t in client.get(alice.url("/tasks"), headers=alice.headers).json()}
    out = say("Show me all my tasks")
    assert out["tool_calls"][0]["tool"] == "list_tasks" and len(out["tool_calls"][0]["result"]) == 3
    assert all(t in out["response"] for t in ids)
    out = say(f"Mark task {ids['Pay bills']} as complete")
    assert out["tool_calls"][0]["result"]["status"] == "completed"
    assert titles(client, alice, "completed") == ["Pay bills"]
    out = say("What's pending?")
    assert [t["title"] for t in out["tool_calls"][0]["result"]] == ["Buy groceries", "Team meeting"]
    out = say("What have I completed?")
    assert [t["title"] for t in out["tool_calls"][0]["result"]] == ["Pay bills"]
    out = say("Delete the meeting task")
    assert [c["tool"] for c in out["tool_calls"]] == ["list_tasks", "delete_task"]
    assert out["tool_calls"][1]["result"] == {"task_id": ids["Team meeting"], "status": "deleted", "title": "Team meeting"}
    out = say(f"Change task {ids['Buy groceries']} to 'Call mom tonight'")
    assert out["tool_calls"][0]["result"]["status"] == "updated"
    assert titles(client, alice) == ["Call mom tonight", "Pay bills"]
    # every call carried only the model-visible arguments, never a user id
    msgs = client.get(alice.url(f"/conversations/{conv}/messages"), headers=alice.headers).json()
    assert len(msgs) == 18 and [m["role"] for m in msgs[:2]] == ["user", "assistant"]
    for m in msgs:
        for c in m["tool_calls"] or []:
            assert "user_id" not in c["arguments"]


def test_conversation_resumes_on_a_fresh_app_instance(settings, client, alice):
    client.post(alice.url("/tasks"), headers=alice.headers, json={"title": "Call mom"})
    client.post(alice.url("/tasks"), headers=alice.headers, json={"title": "Call the dentist"})
    first = chat(client, alice, "delete the call task").json()
    assert "Which one should I delete?" in first["response"]
    assert [c["tool"] for c in first["tool_calls"]] == ["list_tasks"]
    conv = first["conversation_id"]
    dentist = [t for t in client.get(alice.url("/tasks"), headers=alice.headers).json() if "dentist" in t["title"]][0]

    # a new app instance (as after a pod restart): the only state is the database
    with make_client(settings) as fresh:
        r = fresh.post(alice.url("/chat"), headers=alice.headers,
                       json={"conversation_id": conv, "message": str(dentist["id"])})
        assert r.status_code == 200, r.text
        assert r.json()["conversation_id"] == conv
        assert r.json()["tool_calls"][0]["tool"] == "delete_task"
        assert titles(fresh, alice) == ["Call mom"]
        msgs = fresh.get(alice.url(f"/conversations/{conv}/messages"), headers=alice.headers).json()
        assert [m["role"] for m in msgs] == ["user", "assistant", "user", "assistant"]
        assert msgs[0]["content"] == "delete the call task"
        assert msgs[3]["tool_calls"][0]["result"]["status"] == "deleted"
        convs = fresh.get(alice.url("/conversations"), headers=alice.headers).json()
        assert convs[0]["id"] == conv and convs[0]["title"] == "delete the call task"


def test_small_talk_calls_no_tool(client, alice):
    r = chat(client, alice, "What can you do?").json()
    assert r["tool_calls"] == [] and "Add a task" in r["response"]


def test_cross_user_chat(client, alice, bob):
    bt = client.post(bob.url("/tasks"), headers=bob.headers, json={"title": "Bob's report"}).json()
    bconv = chat(client, bob, "hello").json()["conversation_id"]
    # Alice on Bob's path
    assert client.post(bob.url("/chat"), headers=alice.headers, json={"message": "show my tasks"}).status_code == 403
    # Alice continuing Bob's conversation
    r = chat(client, alice, "show my tasks", conversation_id=bconv)
    assert r.status_code == 404
    assert client.get(alice.url(f"/conversations/{bconv}/messages"), headers=alice.headers).status_code == 404
    # Alice naming Bob's task by id, and a user_id in the body: the tools act as Alice only
    r = chat(client, alice, f"delete task {bt['id']}", user_id=bob.id)
    assert r.status_code == 200
    assert r.json()["tool_calls"][0]["error"] == f"task {bt['id']} not found"
    r = chat(client, alice, "show me all my tasks", user_id=bob.id)
    assert r.json()["tool_calls"][0]["result"] == []
    r = chat(client, alice, f"mark task {bt['id']} as done")
    assert r.json()["tool_calls"][0]["error"]
    after = client.get(bob.url("/tasks"), headers=bob.headers).json()
    assert after == [bt]
    assert [m["content"] for m in client.get(bob.url(f"/conversations/{bconv}/messages"),
                                              headers=bob.headers).json()][0] == "hello"


def test_unknown_conversation_and_bad_input(client, alice):
    assert chat(client, alice, "hi", conversation_id=999999).status_code == 404
    assert client.post(alice.url("/chat"), headers=alice.headers, json={"message": ""}).status_code == 422
    assert client.post(alice.url("/chat"), json={"message": "hi"}).status_code == 401


def test_mcp_server_down_only_the_chat_is_unavailable(settings, alice):
    """Without the MCP server the chat answers 503 "assistant unavailable" with Retry-After, while
    the backend stays ready and the task API keeps serving (readiness does not depend on MCP)."""
    down = settings.model_copy(update={"mcp_server_url": "http://127.0.0.1:9/mcp"})
    with make_client(down) as c:
        r = c.post(alice.url("/chat"), headers=alice.headers, json={"message": "show my tasks"})
        assert r.status_code == 503
        assert r.json()["detail"].startswith("assistant unavailable:")
        assert r.headers["retry-after"] == "5"
        ready = c.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["status"] == "degraded"
        assert ready.json()["checks"]["database"] == "ok"
        assert ready.json()["checks"]["mcp_server"].startswith("unreachable")
        r = c.post(alice.url("/tasks"), headers=alice.headers, json={"title": "still works"})
        assert r.status_code == 201
        assert [t["title"] for t in c.get(alice.url("/tasks"), headers=alice.headers).json()][-1] == "still works"


def test_wrong_service_token_is_refused(settings, alice):
    bad = settings.model_copy(update={"mcp_service_token": "not-the-token"})
    with make_client(bad) as c:
        r = c.post(alice.url("/chat"), headers=alice.headers, json={"message": "show my tasks"})
        assert r.status_code == 503
