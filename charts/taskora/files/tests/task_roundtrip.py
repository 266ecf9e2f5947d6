# helm test: a task API round trip through the backend: sign up, create, list, complete, delete.
import json
import os
import secrets
import urllib.error
import urllib.request

base = os.environ["BACKEND_URL"]


def call(method, path, body=None, token=None, expect=(200,)):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=15) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    assert status in expect, f"{method} {path}: HTTP {status} {raw[:300]!r}, expected {expect}"
    return json.loads(raw) if raw else None


email = f"helm-test-{secrets.token_hex(6)}@example.com"
auth = call("POST", "/api/auth/signup", {"email": email, "password": secrets.token_urlsafe(18)}, expect=(201,))
token, uid = auth["access_token"], str(auth["user"]["id"])
title = f"helm test task {secrets.token_hex(4)}"
task = call("POST", f"/api/{uid}/tasks", {"title": title, "description": "made by helm test"}, token, expect=(200, 201))
assert task["title"] == title and task["completed"] is False, task
tasks = call("GET", f"/api/{uid}/tasks", token=token)
assert any(t["id"] == task["id"] and t["title"] == title for t in tasks), tasks
done = call("PATCH", f"/api/{uid}/tasks/{task['id']}/complete", token=token)
assert done["completed"] is True, done
call("DELETE", f"/api/{uid}/tasks/{task['id']}", token=token, expect=(200, 204))
call("GET", f"/api/{uid}/tasks/{task['id']}", token=token, expect=(404,))
call("GET", f"/api/{uid}/tasks", expect=(401, 403))
print(f"task round trip: ok (user {uid}, task {task['id']})")
