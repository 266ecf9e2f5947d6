// A scripted stand-in for the FastAPI backend, for the BFF test only (the browser test uses the
// real backend). It speaks the backend's interface from DEVELOPERS.md and records every request,
// so the test can check what the BFF sent (bearer token, user-scoped path, body).
import { createServer } from "node:http";

export function startMockBackend(port = 0) {
  const users = new Map(); // email -> {id, email, password}
  const tokens = new Map(); // token -> user id
  const tasks = new Map(); // id -> task (with user_id)
  const requests = [];
  // Faults a test can script: drop the next N connections before answering, delay every answer,
  // or answer 503 with Retry-After (a database outage).
  const faults = { dropNext: 0, delayMs: 0, unavailable: false };
  const conversations = new Map(); // id -> {id, user_id, messages}
  let nextConversation = 7;
  let nextUser = 1;
  let nextTask = 1;
  let nextToken = 1;

  const server = createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const url = new URL(req.url, "http://mock");
    requests.push({ method: req.method, path: url.pathname, search: url.search, authorization: req.headers.authorization ?? null, body: raw,
      clientAddress: req.headers["x-taskora-client-address"] ?? null, serviceToken: req.headers["x-taskora-service-token"] ?? null });
    if (faults.dropNext > 0) {
      faults.dropNext -= 1;
      return req.socket.destroy();
    }
    if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
    if (faults.unavailable) {
      res.writeHead(503, { "content-type": "application/json", "retry-after": "3" });
      return res.end(JSON.stringify({ detail: "the database is unavailable; try again shortly" }));
    }
    const send = (status, body) => {
      res.writeHead(status, body === undefined ? {} : { "content-type": "application/json" });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    let body = null;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(422, { detail: [{ loc: ["body"], msg: "invalid JSON", type: "json_invalid" }] });
      }
    }
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
    const caller = auth ? tokens.get(auth[1]) : undefined;
    const p = url.pathname;

    if (p === "/api/auth/signup" || p === "/api/auth/login") {
      if (!body?.email || !body?.password) return send(422, { detail: [{ loc: ["body", "email"], msg: "Field required", type: "missing" }] });
      let user = users.get(body.email);
      if (p.endsWith("signup")) {
        if (user) return send(409, { detail: "an account with this email already exists: log in" });
        user = { id: `u${nextUser++}`, email: body.email, password: body.password };
        users.set(body.email, user);
      } else if (!user || user.password !== body.password) {
        return send(401, { detail: "wrong email or password" });
      }
      const token = `tok-${nextToken++}`;
      tokens.set(token, user.id);
      return send(p.endsWith("signup") ? 201 : 200, { access_token: token, token_type: "bearer", user: { id: user.id, email: user.email } });
    }
    if (p === "/healthz") return send(200, { status: "ok" });
    if (p === "/api/broken/text") return send(500, "boom");
    if (!caller) return send(401, { detail: "not authenticated" });
    if (p === "/api/auth/logout") {
      tokens.delete(auth[1]);
      return send(204);
    }
    if (p === "/api/auth/me") {
      const u = [...users.values()].find((x) => x.id === caller);
      return send(200, { id: u.id, email: u.email });
    }
    const m = /^\/api\/([^/]+)(\/.*)$/.exec(p);
    if (!m) return send(404, { detail: "Not Found" });
    if (m[1] !== caller) return send(403, { detail: "you may only act on your own data" });
    const rest = m[2];
    if (rest === "/tasks" && req.method === "GET") {
      const status = url.searchParams.get("status") ?? "all";
      const mine = [...tasks.values()].filter((t) => t.user_id === caller && (status === "all" || (status === "completed") === t.completed));
      return send(200, mine.map(({ user_id: _u, ...t }) => t)); // eslint-disable-line @typescript-eslint/no-unused-vars
    }
    if (rest === "/tasks" && req.method === "POST") {
      if (typeof body?.title !== "string" || !body.title) return send(422, { detail: [{ loc: ["body", "title"], msg: "Field required", type: "missing" }] });
      const now = new Date().toISOString();
      const t = { id: nextTask++, user_id: caller, title: body.title, description: body.description ?? "", completed: false, created_at: now, updated_at: now };
      tasks.set(t.id, t);
      const { user_id: _u, ...out } = t; // eslint-disable-line @typescript-eslint/no-unused-vars
      return send(201, out);
    }
    const tm = /^\/tasks\/(\d+)(\/complete)?$/.exec(rest);
    if (tm) {
      const t = tasks.get(Number(tm[1]));
      if (!t || t.user_id !== caller) return send(404, { detail: `task ${tm[1]} not found` });
      if (tm[2] && req.method === "PATCH") t.completed = !t.completed;
      else if (req.method === "PUT") Object.assign(t, body ?? {});
      else if (req.method === "DELETE") {
        tasks.delete(t.id);
        return send(204);
      }
      const { user_id: _u, ...out } = t; // eslint-disable-line @typescript-eslint/no-unused-vars
      return send(200, out);
    }
    if (rest === "/chat" && req.method === "POST") {
      if (typeof body?.message !== "string" || !body.message) return send(422, { detail: [{ loc: ["body", "message"], msg: "Field required", type: "missing" }] });
      let conv;
      if (body.conversation_id == null) {
        conv = { id: nextConversation++, user_id: caller, messages: [] };
        conversations.set(conv.id, conv);
      } else {
        conv = conversations.get(body.conversation_id);
        if (!conv || conv.user_id !== caller) return send(404, { detail: `conversation ${body.conversation_id} not found` });
      }
      let response = `echo: ${body.message}`;
      let calls = [{ tool: "list_tasks", arguments: { status: "all" }, result: [] }];
      const add = /add a task to (.+)/i.exec(body.message);
      if (add) {
        const title = add[1][0].toUpperCase() + add[1].slice(1);
        const now = new Date().toISOString();
        const t = { id: nextTask++, user_id: caller, title, description: "", completed: false, created_at: now, updated_at: now };
        tasks.set(t.id, t);
        response = `Added task ${t.id}: ${title}.`;
        calls = [{ tool: "add_task", arguments: { title }, result: { task_id: t.id, status: "created", title } }];
      }
      conv.messages.push({ role: "user", content: body.message, tool_calls: null }, { role: "assistant", content: response, tool_calls: calls });
      return send(200, { conversation_id: conv.id, response, tool_calls: calls });
    }
    if (rest === "/conversations") {
      return send(200, [...conversations.values()].filter((c) => c.user_id === caller).map((c) => ({ id: c.id, created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z", title: c.messages[0]?.content ?? "" })));
    }
    const cm = /^\/conversations\/(\d+)\/messages$/.exec(rest);
    if (cm) {
      const conv = conversations.get(Number(cm[1]));
      if (!conv || conv.user_id !== caller) return send(404, { detail: `conversation ${cm[1]} not found` });
      return send(200, conv.messages.map((m, i) => ({ id: i + 1, conversation_id: conv.id, created_at: "2026-01-01T00:00:00Z", ...m })));
    }
    return send(404, { detail: "Not Found" });
  });

  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, requests, faults, close: () => new Promise((r) => { server.close(r); server.closeAllConnections(); }) });
    });
  });
}

// `node e2e/mock-backend.mjs PORT`: runs it alone, for developing the UI without the real backend.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const b = await startMockBackend(Number(process.argv[2] ?? 8000));
  console.log(`mock backend on ${b.url}`);
}
