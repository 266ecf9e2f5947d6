# helm test: the backend answers /healthz and is ready (/readyz: database and MCP server reachable).
import json
import os
import urllib.request

base = os.environ["BACKEND_URL"]
for path in ("/healthz", "/readyz"):
    with urllib.request.urlopen(base + path, timeout=10) as resp:
        body = resp.read().decode()
        assert resp.status == 200, f"{path}: HTTP {resp.status} {body}"
        print(f"{path}: {resp.status} {body[:200]}")
print("backend ready: ok")
