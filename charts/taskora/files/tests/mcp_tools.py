# helm test: the MCP server lists the contract's tools over streamable HTTP, with the service
# token, and refuses a call without it.
import json
import os
import urllib.error
import urllib.request

url = os.environ["MCP_URL"]
token = os.environ["MCP_SERVICE_TOKEN"]
EXPECTED = {"add_task", "list_tasks", "complete_task", "delete_task", "update_task"}


def rpc(payload, session=None, auth=True):
    req = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    req.add_header("Accept", "application/json, text/event-stream")
    if auth:
        req.add_header("Authorization", f"Bearer {token}")
    if session:
        req.add_header("Mcp-Session-Id", session)
    with urllib.request.urlopen(req, timeout=15) as resp:
        raw = resp.read().decode()
        sid = resp.headers.get("Mcp-Session-Id") or session
        if "text/event-stream" in resp.headers.get("Content-Type", ""):
            datas = [line[5:].strip() for line in raw.splitlines() if line.startswith("data:")]
            raw = datas[-1] if datas else ""
        return (json.loads(raw) if raw else None), sid


try:
    rpc({"jsonrpc": "2.0", "id": 0, "method": "tools/list"}, auth=False)
    raise AssertionError("the MCP server answered a call without the service token")
except urllib.error.HTTPError as err:
    assert err.code in (401, 403), f"without token: HTTP {err.code}, expected 401 or 403"

init, sid = rpc({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {},
    "clientInfo": {"name": "taskora-helm-test", "version": "1"}}})
assert "result" in init, init
rpc({"jsonrpc": "2.0", "method": "notifications/initialized"}, sid)
listed, _ = rpc({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, sid)
names = {t["name"] for t in listed["result"]["tools"]}
missing = EXPECTED - names
assert not missing, f"tools missing: {sorted(missing)} (listed: {sorted(names)})"
print(f"MCP tools: ok ({', '.join(sorted(names))})")
