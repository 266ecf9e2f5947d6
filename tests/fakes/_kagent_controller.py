"""A stand-in of kagent v0.9.12's controller HTTP API, served by the fake kubectl's port-forward to
service/kagent-controller (namespace kagent) once the fake helm has installed the kagent chart.

The routes are the ones kagent's CLI uses (go/api/client/*.go, go/core/cli/internal/cli/agent):
GET /version, GET /api/agents (list: {"data": [{"agent": {...}}]}), GET /api/agents/NS/NAME, and
the A2A endpoint POST /api/a2a/NS/NAME (JSON-RPC 2.0 `message/send`), which answers with an A2A
Task ({"kind": "task", "status": {"state": ...}, "artifacts": [{"parts": [{"kind": "text", ...}]}]}).

The agent is no LLM: it answers from the shared fake state (the release's pods), so a test sees
an answer about its own release. Knobs: FAKE_KAGENT_TASK_STATE=failed|input-required (the task
ends that way, as a model error or a tool call that waits for approval), FAKE_KAGENT_ANSWER (the
answer text).
"""
import json
import os
import uuid

VERSION = "0.9.12"


def agents(state):
    return [o for objs in state.get("objects", {}).values() for o in objs if o.get("kind") == "Agent"]


def answer_for(state, ns, text):
    if os.environ.get("FAKE_KAGENT_ANSWER"):
        return os.environ["FAKE_KAGENT_ANSWER"]
    pods = [o for objs in state.get("objects", {}).values() for o in objs
            if o.get("kind") == "Pod" and o["metadata"].get("namespace") == ns]
    bad = [p["metadata"]["name"] for p in pods
           if p["status"].get("phase") not in ("Running", "Succeeded")
           or (p["status"].get("phase") == "Running"
               and not any(c.get("type") == "Ready" and c.get("status") == "True" for c in p["status"].get("conditions", [])))]
    if bad:
        return "These pods in namespace %s are not running and ready: %s. (asked: %s)" % (ns, ", ".join(bad), text)
    return "All %d pods in namespace %s are running (I listed them with k8s_get_resources). (asked: %s)" % (len(pods), ns, text)


def handle(method, path, body, state):
    """Returns (HTTP status, JSON-able body)."""
    parts = [p for p in path.split("?")[0].split("/") if p]
    if method == "GET" and parts == ["version"]:
        return 200, {"kagent_version": VERSION, "git_commit": "fake", "build_date": "2026-07-30"}
    if method == "GET" and parts == ["api", "agents"]:
        return 200, {"message": "Successfully listed agents", "data": [{"agent": a, "id": "%s/%s" % (
            a["metadata"]["namespace"], a["metadata"]["name"])} for a in agents(state)]}
    if method == "GET" and parts[:2] == ["api", "agents"] and len(parts) == 4:
        for a in agents(state):
            if [a["metadata"]["namespace"], a["metadata"]["name"]] == parts[2:]:
                return 200, {"message": "Successfully got agent", "data": {"agent": a, "id": "/".join(parts[2:])}}
        return 404, {"error": "Agent not found", "message": "agents.kagent.dev \"%s\" not found" % parts[3]}
    if method == "POST" and parts[:2] == ["api", "a2a"] and len(parts) == 4:
        ns, name = parts[2:]
        if not any([a["metadata"]["namespace"], a["metadata"]["name"]] == [ns, name] for a in agents(state)):
            return 404, {"error": "agent %s/%s not found" % (ns, name)}
        req = json.loads(body or b"{}")
        if req.get("method") != "message/send":
            return 200, {"jsonrpc": "2.0", "id": req.get("id"), "error": {"code": -32601, "message": "Method not found"}}
        text = "".join(p.get("text", "") for p in req["params"]["message"]["parts"])
        state_name = os.environ.get("FAKE_KAGENT_TASK_STATE", "completed")
        task = {"kind": "task", "id": uuid.uuid4().hex, "contextId": uuid.uuid4().hex,
                "status": {"state": state_name, "timestamp": "2026-12-01T08:00:00Z"}}
        if state_name == "completed":
            task["artifacts"] = [{"artifactId": uuid.uuid4().hex, "parts": [{"kind": "text", "text": answer_for(state, ns, text)}]}]
        elif state_name == "input-required":
            task["status"]["message"] = {"kind": "message", "role": "agent", "messageId": uuid.uuid4().hex, "parts": [
                {"kind": "text", "text": "The tool call k8s_patch_resource needs approval before it runs."}]}
        else:
            task["status"]["message"] = {"kind": "message", "role": "agent", "messageId": uuid.uuid4().hex, "parts": [
                {"kind": "text", "text": "litellm.AuthenticationError: OpenAIException - Incorrect API key provided"}]}
        return 200, {"jsonrpc": "2.0", "id": req.get("id"), "result": task}
    return 404, {"error": "not found"}
