# helm test: the frontend serves its login page (HTML with a password field) and its health route.
import json
import os
import urllib.request

base = os.environ["FRONTEND_URL"]
with urllib.request.urlopen(base + "/api/health", timeout=10) as resp:
    health = json.loads(resp.read())
    assert resp.status == 200 and health.get("status") == "ok", health
with urllib.request.urlopen(base + "/login", timeout=15) as resp:
    page = resp.read().decode("utf-8", "replace")
    ctype = resp.headers.get("Content-Type", "")
    assert resp.status == 200, f"/login: HTTP {resp.status}"
    assert "text/html" in ctype, f"/login: Content-Type {ctype}"
    assert 'type="password"' in page, "/login: no password field in the page"
print("frontend login page: ok")
