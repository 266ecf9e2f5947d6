"""The OpenAI-compatible back end against a fake Chat Completions server on 127.0.0.1 that
returns scripted tool calls; the tools run for real through the MCP server."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import make_client


class FakeLLM:
    def __init__(self) -> None:
        self.script: list[tuple[int, dict]] = []
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
                status, payload = outer.script.pop(0) if outer.script else (500, {"error": "script exhausted"})
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def tool_calls(self, *calls):
        msg = {"role": "assistant", "content": None, "tool_calls": [
            {"id": f"call_{i}", "type": "function", "function": {"name": n, "arguments": json.dumps(a)}}
            for i, (n, a) in enumerate(calls)]}
        self.script.append((200, {"choices": [{"index": 0, "message": msg, "finish_reason": "tool_calls"}]}))

    def say(self, text):
        self.script.append((200, {"choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                               "finish_reason": "stop"}]}))


@pytest.fixture
def llm():
    f = FakeLLM()
    yield f
    f.server.shutdown()


@pytest.fixture
def llm_client(settings, llm):
    s = settings.model_copy(update={"agent_backend": "openai", "llm_base_url": llm.url,
                                    "llm_model": "fake-model-1", "llm_api_key": "sk-test-key"})
    with make_client(s) as c:
        yield c


def test_scripted_tool_calls_run_as_the_session_user(llm, llm_client, alice, bob):
    # the model tries to act for Bob: the backend drops its user_id and injects Alice's
    llm.tool_calls(("add_task", {"title": "Buy milk", "user_id": bob.id}))
    llm.say("I added Buy milk.")
    r = llm_client.post(alice.url("/chat"), headers=alice.headers, json={"message": "add a task to buy milk"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["response"] == "I added Buy milk."
    assert body["tool_calls"][0]["tool"] == "add_task"
    assert body["tool_calls"][0]["arguments"] == {"title": "Buy milk"}
    assert body["tool_calls"][0]["result"]["status"] == "created"
    assert [t["title"] for t in llm_client.get(alice.url("/tasks"), headers=alice.headers).json()] == ["Buy milk"]
    assert llm_client.get(bob.url("/tasks"), headers=bob.headers).json() == []

    first, second = llm.requests
    assert first["path"] == "/v1/chat/completions" and first["auth"] == "Bearer sk-test-key"
    assert first["body"]["model"] == "fake-model-1"
    names = sorted(t["function"]["name"] for t in first["body"]["tools"])
    assert names == ["add_task", "complete_task", "delete_task", "list_tasks", "update_task"]
    params = {t["function"]["name"]: t["function"]["parameters"] for t in first["body"]["tools"]}
    assert params["update_task"]["properties"]["title"]["type"] == "string"  # not anyOf [string, null]
    assert params["update_task"]["required"] == ["task_id"]
    assert params["list_tasks"]["properties"]["status"]["enum"] == ["all", "pending", "completed"]
    assert "anyOf" not in json.dumps(params)
    for t in first["body"]["tools"]:
        assert "user_id" not in t["function"]["parameters"]["properties"]
        assert "user_id" not in t["function"]["parameters"].get("required", [])
    assert first["body"]["messages"][0]["role"] == "system"
    assert first["body"]["messages"][-1] == {"role": "user", "content": "add a task to buy milk"}
    tool_msg = second["body"]["messages"][-1]
    assert tool_msg["role"] == "tool" and tool_msg["tool_call_id"] == "call_0"
    assert json.loads(tool_msg["content"])["title"] == "Buy milk"


def test_list_then_delete_and_history_is_sent(llm, llm_client, alice):
    t = llm_client.post(alice.url("/tasks"), headers=alice.headers, json={"title": "Team meeting"}).json()
    llm.tool_calls(("list_tasks", {"status": "all"}))
    llm.tool_calls(("delete_task", {"task_id": t["id"]}))
    llm.say("Deleted the meeting task.")
    r = llm_client.post(alice.url("/chat"), headers=alice.headers, json={"message": "Delete the meeting task"})
    body = r.json()
    assert [c["tool"] for c in body["tool_calls"]] == ["list_tasks", "delete_task"]
    assert body["tool_calls"][0]["result"][0]["title"] == "Team meeting"
    assert body["tool_calls"][1]["result"] == {"task_id": t["id"], "status": "deleted", "title": "Team meeting"}
    assert llm_client.get(alice.url("/tasks"), headers=alice.headers).json() == []

    llm.say("You have no tasks.")
    r2 = llm_client.post(alice.url("/chat"), headers=alice.headers,
                         json={"message": "anything left?", "conversation_id": body["conversation_id"]})
    assert r2.status_code == 200
    sent = llm.requests[-1]["body"]["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert sent[1]["content"] == "Delete the meeting task" and sent[2]["content"] == "Deleted the meeting task."


def test_tool_error_and_unknown_tool_go_back_to_the_model(llm, llm_client, alice):
    llm.tool_calls(("complete_task", {"task_id": 987654}), ("drop_database", {}))
    llm.say("I could not find that task.")
    r = llm_client.post(alice.url("/chat"), headers=alice.headers, json={"message": "complete task 987654"})
    assert r.status_code == 200
    results = [json.loads(m["content"]) for m in llm.requests[1]["body"]["messages"] if m["role"] == "tool"]
    assert results[0] == {"error": "task 987654 not found"}
    assert results[1] == {"error": "unknown tool drop_database"}
    assert r.json()["tool_calls"][0]["error"] == "task 987654 not found"
    assert len(r.json()["tool_calls"]) == 1  # the unknown tool never reached the MCP server


def test_llm_failure_is_a_clear_answer(llm, llm_client, alice):
    llm.script.append((500, {"error": {"message": "overloaded"}}))
    r = llm_client.post(alice.url("/chat"), headers=alice.headers, json={"message": "hi"})
    assert r.status_code == 200
    assert "language model is unavailable" in r.json()["response"] and "HTTP 500" in r.json()["response"]


def test_llm_error_shows_one_line_without_url_or_body_and_logs_it_all(llm, llm_client, alice, caplog):
    """Issue 26: the model server's URL and error body stay in the server's log."""
    body = {"error": {"message": "quota exceeded for org-internal-42 at " + "x" * 300}}
    llm.script.append((429, body))
    with caplog.at_level("ERROR", logger="taskora.agent.openai"):
        r = llm_client.post(alice.url("/chat"), headers=alice.headers, json={"message": "hi"})
    assert r.status_code == 200
    answer = r.json()["response"]
    assert answer == "Sorry, the language model is unavailable right now (HTTP 429). Please try again later."
    assert "127.0.0.1" not in answer and "org-internal-42" not in answer and "\n" not in answer
    stored = llm_client.get(alice.url(f"/conversations/{r.json()['conversation_id']}/messages"), headers=alice.headers).json()
    assert stored[-1]["content"] == answer
    logged = [getattr(rec, "fields", {}).get("error", "") for rec in caplog.records]
    assert any(llm.url in e and "org-internal-42" in e and "x" * 300 in e for e in logged), logged
    # a server that cannot be reached: one line too, no URL
    dead = llm_client.app.state.settings.llm_base_url
    llm.server.shutdown()
    llm.server.server_close()
    r = llm_client.post(alice.url("/chat"), headers=alice.headers, json={"message": "hi"})
    answer = r.json()["response"]
    assert "cannot be reached" in answer and dead not in answer and "127.0.0.1" not in answer, answer
