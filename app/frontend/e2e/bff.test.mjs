// The backend-for-frontend against a scripted backend: cookies, the bearer token and user-scoped
// paths it sends, and how it maps the backend's errors. Needs `npm run build` first.
import assert from "node:assert/strict";
import { get } from "node:http";
import { existsSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMockBackend } from "./mock-backend.mjs";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort, startFrontend } from "./frontend-server.mjs";

const standalone = join(dirname(fileURLToPath(import.meta.url)), "..", ".next", "standalone");

let backend;
let fe;

before(async () => {
  backend = await startMockBackend();
  fe = await startFrontend({ backendUrl: backend.url });
});

after(async () => {
  await fe?.stop();
  await backend?.close();
});

/** A tiny cookie jar: one browser session. */
function client(base) {
  const jar = new Map();
  async function call(method, path, body, headers = {}) {
    const h = { ...headers };
    if (jar.size) h.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    if (body !== undefined) h["content-type"] = "application/json";
    const res = await fetch(`${base ?? fe.url}${path}`, { method, headers: h, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body), redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      const [k, v] = [pair.slice(0, i), pair.slice(i + 1)];
      if (/max-age=0/i.test(c) || v === "") jar.delete(k);
      else jar.set(k, v);
    }
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json, text, headers: res.headers };
  }
  return { call, jar };
}

function lastBackendRequest(method, pathPrefix) {
  return backend.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix)).at(-1);
}

describe("BFF", () => {
  test("GET /api/health answers {status: ok} without calling the backend", async () => {
    const before = backend.requests.length;
    const r = await client().call("GET", "/api/health");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: "ok" });
    assert.equal(backend.requests.length, before);
  });

  test("GET /api/ready answers {status: ready} once the backend's /healthz answers", async () => {
    const before = backend.requests.length;
    const r = await client().call("GET", "/api/ready");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: "ready" });
    assert.deepEqual(backend.requests.slice(before).map((q) => `${q.method} ${q.path}`), ["GET /healthz"]);
  });

  test("without a session, /api/tasks is 401 with a message and the backend is not called", async () => {
    const before = backend.requests.length;
    const r = await client().call("GET", "/api/tasks");
    assert.equal(r.status, 401);
    assert.match(r.json.detail, /not logged in/);
    assert.equal(backend.requests.length, before);
  });

  test("pages need a session: /tasks redirects to /login", async () => {
    const r = await client().call("GET", "/tasks");
    assert.ok([303, 307, 308].includes(r.status), `status ${r.status}`);
    assert.match(r.headers.get("location"), /^\/login\?next=%2Ftasks$/);
  });

  test("signup sets httpOnly cookies, answers the user but never the token", async () => {
    const c = client();
    const r = await c.call("POST", "/api/auth/signup", { email: "a@example.com", password: "s3cret-pass" });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json, { user: { id: "u1", email: "a@example.com" } });
    assert.ok(!r.text.includes("tok-"), "the token must not reach the browser's JavaScript");
    const cookies = r.headers.getSetCookie();
    const session = cookies.find((x) => x.startsWith("taskora_session="));
    assert.ok(session, `no taskora_session cookie in ${cookies}`);
    assert.match(session, /HttpOnly/i);
    assert.match(session, /SameSite=lax/i);
    assert.match(session, /Path=\//);
    assert.doesNotMatch(session, /Secure/i, "COOKIE_SECURE is unset: no Secure flag");
    assert.equal(c.jar.get("taskora_session"), "tok-1");
  });

  test("tasks: the BFF sends the bearer token to /api/{user_id}/tasks and relays answers", async () => {
    const c = client();
    await c.call("POST", "/api/auth/signup", { email: "b@example.com", password: "s3cret-pass" });
    const token = c.jar.get("taskora_session");
    const uid = c.jar.get("taskora_user");

    const created = await c.call("POST", "/api/tasks", { title: "Buy milk", description: "2 litres" });
    assert.equal(created.status, 201);
    assert.equal(created.json.title, "Buy milk");
    const sent = lastBackendRequest("POST", `/api/${uid}/tasks`);
    assert.equal(sent.authorization, `Bearer ${token}`);
    assert.deepEqual(JSON.parse(sent.body), { title: "Buy milk", description: "2 litres" });

    const id = created.json.id;
    assert.equal((await c.call("PATCH", `/api/tasks/${id}/complete`)).json.completed, true);
    const done = await c.call("GET", "/api/tasks?status=completed");
    assert.deepEqual(done.json.map((t) => t.id), [id]);
    assert.equal(lastBackendRequest("GET", `/api/${uid}/tasks`).search, "?status=completed");
    assert.deepEqual((await c.call("GET", "/api/tasks?status=pending")).json, []);

    const upd = await c.call("PUT", `/api/tasks/${id}`, { title: "Buy oat milk" });
    assert.equal(upd.status, 200);
    assert.equal(upd.json.title, "Buy oat milk");

    const del = await c.call("DELETE", `/api/tasks/${id}`);
    assert.equal(del.status, 204);
    assert.equal(del.text, "");
    const gone = await c.call("PUT", `/api/tasks/${id}`, { title: "x" });
    assert.equal(gone.status, 404);
    assert.equal(gone.json.detail, `task ${id} not found`);
  });

  test("errors keep their status and get one readable message (401, 403, 404, 422, 409)", async () => {
    const c = client();
    const bad = await c.call("POST", "/api/auth/login", { email: "nobody@example.com", password: "wrong-pass" });
    assert.equal(bad.status, 401);
    assert.equal(bad.json.detail, "wrong email or password");

    await c.call("POST", "/api/auth/signup", { email: "c@example.com", password: "s3cret-pass" });
    const dup = await client().call("POST", "/api/auth/signup", { email: "c@example.com", password: "s3cret-pass" });
    assert.equal(dup.status, 409);
    assert.match(dup.json.detail, /already exists/);

    const missing = await c.call("POST", "/api/tasks", { description: "no title" });
    assert.equal(missing.status, 422);
    assert.equal(missing.json.detail, "title: Field required");
    assert.ok(Array.isArray(missing.json.errors));

    const notJson = await c.call("POST", "/api/tasks", "{not json");
    assert.equal(notJson.status, 422);
    assert.match(notJson.json.detail, /JSON object/);

    const badId = await c.call("DELETE", "/api/tasks/..%2F..%2Fauth%2Fme");
    assert.equal(badId.status, 422);
    assert.match(badId.json.detail, /task id must be a positive integer/);

    const badStatus = await c.call("GET", "/api/tasks?status=done");
    assert.equal(badStatus.status, 422);
    assert.match(badStatus.json.detail, /status must be one of all, pending, completed/);

    // A forged user-id cookie: the backend refuses with 403 and the BFF relays it.
    c.jar.set("taskora_user", "u1");
    const forged = await c.call("GET", "/api/tasks");
    assert.equal(forged.status, 403);
    assert.match(forged.json.detail, /own data/);
  });

  test("a lost user-id cookie is recovered through GET /api/auth/me", async () => {
    const c = client();
    const r = await c.call("POST", "/api/auth/signup", { email: "d@example.com", password: "s3cret-pass" });
    c.jar.delete("taskora_user");
    const list = await c.call("GET", "/api/tasks");
    assert.equal(list.status, 200);
    assert.equal(lastBackendRequest("GET", "/api/").path, `/api/${r.json.user.id}/tasks`);
    const me = await c.call("GET", "/api/auth/me");
    assert.deepEqual(me.json, { user: { id: r.json.user.id, email: "d@example.com" } });
  });

  test("chat and conversations are relayed to the user's paths", async () => {
    const c = client();
    const r = await c.call("POST", "/api/auth/signup", { email: "e@example.com", password: "s3cret-pass" });
    const uid = r.json.user.id;
    const first = await c.call("POST", "/api/chat", { message: "hello" });
    assert.equal(first.json.conversation_id, 7);
    const chat = await c.call("POST", "/api/chat", { conversation_id: "7", message: "show my tasks" });
    assert.equal(chat.status, 200);
    assert.equal(chat.json.response, "echo: show my tasks");
    assert.equal(chat.json.tool_calls[0].tool, "list_tasks");
    assert.deepEqual(JSON.parse(lastBackendRequest("POST", `/api/${uid}/chat`).body), { message: "show my tasks", conversation_id: 7 });
    assert.equal((await c.call("POST", "/api/chat", { message: "  " })).status, 422);
    assert.equal((await c.call("POST", "/api/chat", { message: "hi", conversation_id: -2 })).status, 422);
    assert.equal((await c.call("GET", "/api/conversations")).json[0].id, 7);
    assert.equal((await client().call("GET", "/api/conversations")).status, 401);
    const msgs = await c.call("GET", "/api/conversations/7/messages");
    assert.equal(msgs.json[0].content, "hello");
    assert.equal((await c.call("GET", "/api/conversations/8/messages")).status, 404);
  });

  test("logout tells the backend, clears both cookies; the old session is then refused", async () => {
    const c = client();
    await c.call("POST", "/api/auth/signup", { email: "f@example.com", password: "s3cret-pass" });
    const token = c.jar.get("taskora_session");
    const out = await c.call("POST", "/api/auth/logout");
    assert.equal(out.status, 204);
    assert.equal(lastBackendRequest("POST", "/api/auth/logout").authorization, `Bearer ${token}`);
    assert.equal(c.jar.size, 0);
    assert.equal((await c.call("GET", "/api/auth/me")).status, 401);
    // Replaying the revoked token: the backend says 401 and the BFF clears the cookies again.
    const replay = await c.call("GET", "/api/tasks", undefined, { cookie: `taskora_session=${token}; taskora_user=u9` });
    assert.equal(replay.status, 401);
    assert.ok(replay.headers.getSetCookie().some((x) => x.startsWith("taskora_session=;")));
  });

  test("the server wrote nothing under .next at run time (read-only root filesystem)", () => {
    assert.ok(!existsSync(join(standalone, ".next", "cache")), ".next/standalone/.next/cache exists");
  });
});

describe("BACKEND_URL at run time", () => {
  test("COOKIE_SECURE=true marks the cookies Secure", async () => {
    const secure = await startFrontend({ backendUrl: backend.url, env: { COOKIE_SECURE: "true" } });
    try {
      const r = await fetch(`${secure.url}/api/auth/signup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "g@example.com", password: "s3cret-pass" }) });
      assert.equal(r.status, 201);
      for (const c of r.headers.getSetCookie()) assert.match(c, /; Secure/i);
    } finally {
      await secure.stop();
    }
  });

  test("an unreachable backend is a 502 that names it (and /api/ready a 503); an unset BACKEND_URL says how to fix it", async () => {
    const port = await freePort();
    const down = await startFrontend({ backendUrl: `http://127.0.0.1:${port}` });
    const unset = await startFrontend({ backendUrl: undefined });
    try {
      const login = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "a@example.com", password: "x" }) };
      const r = await fetch(`${down.url}/api/auth/login`, login);
      assert.equal(r.status, 502);
      assert.equal((await r.json()).detail, `the backend at http://127.0.0.1:${port} is unreachable`);
      const u = await fetch(`${unset.url}/api/auth/login`, login);
      assert.equal(u.status, 502);
      assert.match((await u.json()).detail, /BACKEND_URL is not set.*set it/);
      assert.match(unset.output(), /BACKEND_URL is not set/);
      // health stays up whatever the backend does
      assert.equal((await fetch(`${down.url}/api/health`)).status, 200);
      // readiness does not: 503, naming what is wrong
      const notReady = await fetch(`${down.url}/api/ready`);
      assert.equal(notReady.status, 503);
      assert.equal((await notReady.json()).detail, `the backend at http://127.0.0.1:${port} is unreachable`);
      const unsetReady = await fetch(`${unset.url}/api/ready`);
      assert.equal(unsetReady.status, 503);
      assert.match((await unsetReady.json()).detail, /BACKEND_URL is not set/);
    } finally {
      await down.stop();
      await unset.stop();
    }
  });
});

describe("resilience", () => {
  const signup = (c, email) => c.call("POST", "/api/auth/signup", { email, password: "s3cret-pass" });

  test("once ready, a frontend stays ready while the backend is gone: the BFF answers 502, the pod stays in its Service", async () => {
    const own = await startMockBackend();
    const port = Number(new URL(own.url).port);
    const fe2 = await startFrontend({ backendUrl: own.url });
    try {
      assert.equal((await fetch(`${fe2.url}/api/ready`)).status, 200, "ready once the backend answered");
      await own.close();
      const login = await fetch(`${fe2.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "a@example.com", password: "x" }) });
      assert.equal(login.status, 502, "the backend is really gone");
      assert.equal((await login.json()).detail, `the backend at http://127.0.0.1:${port} is unreachable`);
      const ready = await fetch(`${fe2.url}/api/ready`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: "ready" });
    } finally {
      await fe2.stop();
    }
  });

  test("a GET whose connection breaks is sent again; a POST is not (the backend may have acted on it)", async () => {
    const c = client();
    assert.equal((await signup(c, "retry@example.com")).status, 201);
    try {
      let n = backend.requests.length;
      backend.faults.dropNext = 2;
      const r = await c.call("GET", "/api/tasks");
      assert.equal(r.status, 200);
      assert.equal(backend.requests.length - n, 3, "two broken connections, then the answer");
      n = backend.requests.length;
      backend.faults.dropNext = 1;
      const p = await c.call("POST", "/api/tasks", { title: "sent once" });
      assert.equal(p.status, 502);
      assert.equal(backend.requests.length - n, 1, "the POST was not resent");
    } finally {
      backend.faults.dropNext = 0;
    }
  });

  test("a refused connection is retried for any method, within a bounded time", async () => {
    const port = await freePort();
    const down = await startFrontend({ backendUrl: `http://127.0.0.1:${port}` });
    let late;
    try {
      const login = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "late@example.com", password: "s3cret-pass" }) };
      const t0 = Date.now();
      const r = await fetch(`${down.url}/api/auth/signup`, login);
      const ms = Date.now() - t0;
      assert.equal(r.status, 502);
      assert.ok(ms >= 1200 && ms < 10_000, `three pauses (100 + 300 + 900 ms) before the 502, took ${ms} ms`);
      // a backend that starts while the BFF waits to retry: the signup goes through
      const pending = fetch(`${down.url}/api/auth/signup`, login);
      await sleep(200);
      late = await startMockBackend(port);
      assert.equal((await pending).status, 201);
      assert.equal(late.requests.filter((x) => x.path === "/api/auth/signup").length, 1);
    } finally {
      await down.stop();
      await late?.close();
    }
  });

  test("state-changing routes refuse other origins (Origin, Sec-Fetch-Site) and the backend is not called", async () => {
    const c = client();
    assert.equal((await signup(c, "csrf@example.com")).status, 201);
    const own = new URL(fe.url);
    const created = await c.call("POST", "/api/tasks", { title: "mine" }, { origin: own.origin, "sec-fetch-site": "same-origin" });
    assert.equal(created.status, 201);
    assert.equal((await c.call("POST", "/api/tasks", { title: "old browser" }, { origin: own.origin })).status, 201);
    const n = backend.requests.length;
    const attempts = [
      ["POST", "/api/tasks", { title: "forged" }, { origin: "http://evil.example" }],
      ["POST", "/api/tasks", { title: "sibling" }, { origin: `http://other.${own.hostname}:${own.port}` }],
      ["POST", "/api/tasks", { title: "sibling" }, { "sec-fetch-site": "same-site", origin: own.origin }],
      ["POST", "/api/tasks", { title: "sandboxed" }, { origin: "null" }],
      ["POST", "/api/chat", { message: "delete task 1" }, { "sec-fetch-site": "cross-site" }],
      ["PUT", `/api/tasks/${created.json.id}`, { title: "x" }, { origin: "https://evil.example" }],
      ["PATCH", `/api/tasks/${created.json.id}/complete`, undefined, { "sec-fetch-site": "same-site" }],
      ["DELETE", `/api/tasks/${created.json.id}`, undefined, { origin: "http://evil.example" }],
      ["POST", "/api/auth/logout", undefined, { "sec-fetch-site": "cross-site" }],
      ["POST", "/api/auth/login", { email: "csrf@example.com", password: "s3cret-pass" }, { origin: "http://evil.example" }],
      ["POST", "/api/auth/signup", { email: "csrf2@example.com", password: "s3cret-pass" }, { "sec-fetch-site": "same-site" }],
    ];
    for (const [method, path, body, headers] of attempts) {
      const r = await c.call(method, path, body, headers);
      assert.equal(r.status, 403, `${method} ${path} ${JSON.stringify(headers)}: ${r.status} ${r.text}`);
      assert.match(r.json.detail, /another (site|origin)/);
    }
    assert.equal(backend.requests.length, n, "a refused request reached the backend");
    assert.ok(c.jar.get("taskora_session"), "the refused logout did not end the session");
  });

  test("JSON bodies need Content-Type: application/json (an HTML form cannot send it)", async () => {
    const c = client();
    assert.equal((await signup(c, "ctype@example.com")).status, 201);
    const n = backend.requests.length;
    for (const [path, body, type] of [
      ["/api/tasks", JSON.stringify({ title: "form" }), "text/plain"],
      ["/api/chat", "message=delete+task+1", "application/x-www-form-urlencoded"],
      ["/api/auth/login", JSON.stringify({ email: "ctype@example.com", password: "s3cret-pass" }), "text/plain;charset=UTF-8"],
    ]) {
      const res = await fetch(`${fe.url}${path}`, { method: "POST", body, headers: { "content-type": type, cookie: [...c.jar].map(([k, v]) => `${k}=${v}`).join("; ") } });
      assert.equal(res.status, 415, `${path} with ${type}`);
      assert.match((await res.json()).detail, /Content-Type: application\/json/);
    }
    assert.equal(backend.requests.length, n);
  });

  test("login and sign-up forward the client address to the backend, with the service token only when configured", async () => {
    const withToken = await startFrontend({ backendUrl: backend.url, env: { BACKEND_SERVICE_TOKEN: "bff-token-0123456789abcdef0123456789" } });
    try {
      const c = client(withToken.url);
      assert.equal((await signup(c, "addr@example.com")).status, 201);
      let sent = lastBackendRequest("POST", "/api/auth/signup");
      assert.equal(sent.clientAddress, "127.0.0.1");
      assert.equal(sent.serviceToken, "bff-token-0123456789abcdef0123456789");
      // behind the ingress controller (a private peer): the address it appended is the client's
      await c.call("POST", "/api/auth/login", { email: "addr@example.com", password: "s3cret-pass" }, { "x-forwarded-for": "203.0.113.5" });
      assert.equal(lastBackendRequest("POST", "/api/auth/login").clientAddress, "203.0.113.5");
      await c.call("POST", "/api/auth/login", { email: "addr@example.com", password: "s3cret-pass" }, { "x-forwarded-for": "198.51.100.7, 10.1.2.3" });
      assert.equal(lastBackendRequest("POST", "/api/auth/login").clientAddress, "198.51.100.7");
      // the peer header is the server's own: a client cannot choose it
      await c.call("POST", "/api/auth/login", { email: "addr@example.com", password: "s3cret-pass" }, { "x-taskora-peer": "198.51.100.1" });
      assert.equal(lastBackendRequest("POST", "/api/auth/login").clientAddress, "127.0.0.1");
      // other calls never carry the token
      await c.call("GET", "/api/tasks");
      sent = lastBackendRequest("GET", "/api/");
      assert.equal(sent.serviceToken, null);
    } finally {
      await withToken.stop();
    }
    // without BACKEND_SERVICE_TOKEN nothing is forwarded (the backend counts the pod's address)
    const c = client();
    assert.equal((await signup(c, "addr2@example.com")).status, 201);
    const sent = lastBackendRequest("POST", "/api/auth/signup");
    assert.equal(sent.clientAddress, null);
    assert.equal(sent.serviceToken, null);
  });

  test("the backend's 503 keeps its Retry-After and is not retried", async () => {
    const c = client();
    assert.equal((await signup(c, "outage@example.com")).status, 201);
    const n = backend.requests.length;
    backend.faults.unavailable = true;
    try {
      const r = await c.call("GET", "/api/tasks");
      assert.equal(r.status, 503);
      assert.equal(r.headers.get("retry-after"), "3");
      assert.equal(r.json.detail, "the database is unavailable; try again shortly");
      assert.equal(backend.requests.length - n, 1);
    } finally {
      backend.faults.unavailable = false;
    }
  });

  test("SIGTERM: readiness fails at once, answers close their connections, requests in flight finish, exit 0", async () => {
    const drain = await startFrontend({ backendUrl: backend.url, env: { SHUTDOWN_DRAIN_SECONDS: "2" } });
    const c = client(drain.url);
    try {
      assert.equal((await signup(c, "drain@example.com")).status, 201);
      const keepAlive = () => new Promise((resolve, reject) => {
        get(`${drain.url}/api/ready`, (res) => { res.resume(); res.on("end", () => resolve({ status: res.statusCode, connection: res.headers.connection })); }).on("error", reject);
      });
      assert.deepEqual(await keepAlive(), { status: 200, connection: "keep-alive" });
      backend.faults.delayMs = 3500;
      const slow = c.call("GET", "/api/tasks").then((r) => ({ ...r, at: Date.now() }));
      await sleep(300); // the slow request is now waiting on the backend
      const signalled = Date.now();
      drain.signal("SIGTERM");
      await sleep(300);
      assert.deepEqual(await keepAlive(), { status: 503, connection: "close" });
      const ready = await fetch(`${drain.url}/api/ready`);
      assert.deepEqual(await ready.json(), { status: "draining" });
      const health = await fetch(`${drain.url}/api/health`);
      assert.equal(health.status, 200, "liveness holds while draining");
      const done = await slow;
      assert.equal(done.status, 200, "the request in flight finished");
      const exit = await drain.exited;
      const stopped = Date.now();
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.ok(stopped - signalled >= 2000, `stopped ${stopped - signalled} ms after SIGTERM, before the 2 s drain ended`);
      assert.ok(stopped >= done.at, "exited only after the request in flight was answered");
      assert.match(drain.output(), /readiness fails now/);
    } finally {
      backend.faults.delayMs = 0;
      await drain.stop();
    }
  });
});
