// The backend-for-frontend core: every /api/* route handler calls the FastAPI backend through
// these helpers. BACKEND_URL and COOKIE_SECURE are read from process.env on every request (run
// time, never baked into the build); the browser only ever talks to this origin.
import { NextResponse, type NextRequest } from "next/server";

export const SESSION_COOKIE = "taskora_session";
// The backend's user-scoped paths are /api/{user_id}/...: the id from the login answer is kept
// in a second httpOnly cookie. It is not a credential: the backend refuses (403) any path id
// that is not the bearer token's user.
export const USER_COOKIE = "taskora_user";

const SESSION_MAX_AGE = 60 * 60 * 24; // seconds; the backend's JWT expiry is what really counts
const BACKEND_TIMEOUT_MS = 30_000;
// A call that fails before any answer is sent again after these pauses (then 502), when that is
// safe: always when the connection could not be made (refused, or no route to the address: the
// backend never saw the request: a pod that just stopped, a Service without a ready endpoint for
// a moment), and for any transport error when the call is idempotent (GET, HEAD, PUT). A POST
// whose connection broke after it was sent is not resent: the backend may have acted on it (a
// task would be created twice).
const RETRY_PAUSES_MS = [100, 300, 900];
const IDEMPOTENT = new Set(["GET", "HEAD", "PUT"]);

export type ApiUser = { id: string; email: string };

export function backendUrl(): string | null {
  const raw = process.env.BACKEND_URL?.trim();
  if (!raw) return null;
  return raw.replace(/\/+$/, "");
}

export function jsonError(status: number, detail: string): NextResponse {
  return NextResponse.json({ detail }, { status });
}

/** Calls the backend; answers a NextResponse (502/504) instead of throwing when it cannot. */
export async function callBackend(
  path: string,
  init: { method?: string; token?: string; body?: unknown; search?: string; clientAddress?: string | null } = {},
): Promise<Response | NextResponse> {
  const base = backendUrl();
  if (!base) return jsonError(502, "BACKEND_URL is not set on the frontend server; set it to the backend's address, e.g. http://backend:8000");
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  // The browser's address for the backend's login throttling, believed only with the service
  // token (the backend's MCP_SERVICE_TOKEN); without the token the backend counts this pod's.
  const serviceToken = process.env.BACKEND_SERVICE_TOKEN?.trim();
  if (init.clientAddress && serviceToken) {
    headers["x-taskora-client-address"] = init.clientAddress;
    headers["x-taskora-service-token"] = serviceToken;
  }
  let body: string | undefined;
  if (init.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.body);
  }
  const method = init.method ?? "GET";
  const signal = AbortSignal.timeout(BACKEND_TIMEOUT_MS); // one budget for all the attempts
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(`${base}${path}${init.search ?? ""}`, { method, headers, body, cache: "no-store", redirect: "manual", signal });
    } catch (err) {
      if (signal.aborted || (err instanceof DOMException && err.name === "TimeoutError")) {
        return jsonError(504, `the backend at ${base} did not answer within ${BACKEND_TIMEOUT_MS / 1000} s`);
      }
      if (attempt >= RETRY_PAUSES_MS.length || !(IDEMPOTENT.has(method) || neverConnected(err))) {
        return jsonError(502, `the backend at ${base} is unreachable`);
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSES_MS[attempt]));
    }
  }
}

// Connect errors: no byte of the request was sent.
const NOT_CONNECTED = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH"]);

/** fetch's "fetch failed" caused by a connection that could not be made (also inside happy eyeballs' AggregateError). */
function neverConnected(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown; errors?: { code?: unknown }[] } } | null)?.cause;
  if (!cause) return false;
  if (NOT_CONNECTED.has(String(cause.code))) return true;
  return Array.isArray(cause.errors) && cause.errors.length > 0 && cause.errors.every((e) => NOT_CONNECTED.has(String(e?.code)));
}

/** Reads a backend answer's body as JSON, or wraps its text so the browser always gets JSON. */
export async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204 || res.status === 304) return null;
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 500) };
  }
}

/** Turns a 422 validation list (FastAPI's {"detail": [{"loc", "msg"}]}) into one readable line,
 *  keeping the original list in `errors`. Other errors pass through unchanged. */
function normaliseError(status: number, body: unknown): unknown {
  if (status >= 400 && body && typeof body === "object" && "detail" in body) {
    const detail = (body as { detail: unknown }).detail;
    if (Array.isArray(detail)) {
      const msg = detail
        .map((d) => {
          if (d && typeof d === "object") {
            const loc = Array.isArray((d as { loc?: unknown }).loc) ? ((d as { loc: unknown[] }).loc.filter((p) => p !== "body").join(".")) : "";
            const m = String((d as { msg?: unknown }).msg ?? "invalid value");
            return loc ? `${loc}: ${m}` : m;
          }
          return String(d);
        })
        .join("; ");
      return { detail: msg || "invalid request", errors: detail };
    }
  }
  if (status >= 400 && (body === null || typeof body !== "object")) {
    return { detail: body === null ? `the backend answered ${status}` : String(body) };
  }
  return body;
}

/** Relays a backend answer to the browser: same status, JSON body (and Retry-After, which the
 *  backend's 503s carry); a 401 also ends the session. */
export async function relay(res: Response | NextResponse): Promise<NextResponse> {
  if (res instanceof NextResponse) return res;
  const body = normaliseError(res.status, await readBody(res));
  const out = res.status === 204 || body === null ? new NextResponse(null, { status: res.status }) : NextResponse.json(body, { status: res.status });
  const retryAfter = res.headers.get("retry-after");
  if (retryAfter) out.headers.set("retry-after", retryAfter);
  if (res.status === 401) clearSession(out);
  return out;
}

export function cookieOptions() {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    path: "/",
    secure: process.env.COOKIE_SECURE === "true",
    maxAge: SESSION_MAX_AGE,
  };
}

export function setSession(res: NextResponse, token: string, user: ApiUser) {
  res.cookies.set(SESSION_COOKIE, token, cookieOptions());
  res.cookies.set(USER_COOKIE, user.id, cookieOptions());
}

export function clearSession(res: NextResponse) {
  res.cookies.set(SESSION_COOKIE, "", { ...cookieOptions(), maxAge: 0 });
  res.cookies.set(USER_COOKIE, "", { ...cookieOptions(), maxAge: 0 });
}

/** Picks {id, email} out of the backend's user object (ids are strings in JSON; numbers tolerated). */
export function toUser(raw: unknown): ApiUser | null {
  if (!raw || typeof raw !== "object") return null;
  const o = raw as { id?: unknown; email?: unknown; user?: unknown };
  if (o.user && typeof o.user === "object") return toUser(o.user);
  if ((typeof o.id === "string" && o.id) || typeof o.id === "number") {
    return { id: String(o.id), email: typeof o.email === "string" ? o.email : "" };
  }
  return null;
}

export type Session = { token: string; userId: string };

/** The caller's session from the cookies, or a 401 response. When only the user-id cookie is
 *  missing (e.g. it was deleted), it is recovered from the backend's GET /api/auth/me. */
export async function requireSession(req: NextRequest): Promise<Session | NextResponse> {
  const token = req.cookies.get(SESSION_COOKIE)?.value;
  if (!token) {
    const res = jsonError(401, "not logged in; log in at /login");
    clearSession(res);
    return res;
  }
  const userId = req.cookies.get(USER_COOKIE)?.value;
  if (userId) return { token, userId };
  const me = await callBackend("/api/auth/me", { token });
  if (me instanceof NextResponse) return me;
  if (!me.ok) return relay(me);
  const user = toUser(await readBody(me));
  if (!user) return jsonError(502, "the backend's /api/auth/me answer has no user id");
  return { token, userId: user.id };
}

/** Every state-changing handler first: refuses (403) a request that a browser marks as coming
 *  from another origin. A browser sends Sec-Fetch-Site (or, older ones, Origin) with every POST,
 *  PUT, PATCH and DELETE, and a page cannot remove or forge them; SameSite=Lax cookies alone let
 *  a sibling subdomain (same site, other origin) post with the session. Requests with neither
 *  header come from programs (curl, the smoke test, the load generator), which hold their own
 *  cookies: nothing to forge there. */
export function refuseCrossOrigin(req: NextRequest): NextResponse | null {
  const site = req.headers.get("sec-fetch-site");
  if (site !== null) {
    if (site === "same-origin" || site === "none") return null;
    return jsonError(403, `refused: a request from another site or origin (Sec-Fetch-Site: ${site.slice(0, 20)})`);
  }
  const origin = req.headers.get("origin");
  if (origin === null) return null;
  const host = (req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? "").split(",")[0].trim().toLowerCase();
  let from = "";
  try {
    from = new URL(origin).host.toLowerCase();
  } catch {
    // "null" (a sandboxed frame, a redirect from elsewhere) or garbage: not this origin
  }
  if (from && from === host) return null;
  return jsonError(403, `refused: a request from another origin (Origin: ${origin.slice(0, 80)})`);
}

/** Reads the browser's JSON body (Content-Type: application/json, which an HTML form cannot
 *  send), or answers 415/422 with one clear line. */
export async function readJson(req: NextRequest): Promise<{ body: Record<string, unknown> } | NextResponse> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") {
    return jsonError(415, `send the body as JSON with Content-Type: application/json (got '${type.slice(0, 60) || "none"}')`);
  }
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return jsonError(422, "the request body must be a JSON object");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return jsonError(422, "the request body must be a JSON object");
  return { body: body as Record<string, unknown> };
}

/** A path id that must be an integer (tasks, conversations), or a 422 response. */
export function intId(raw: string, what: string): string | NextResponse {
  if (!/^\d{1,18}$/.test(raw)) return jsonError(422, `${what} id must be a positive integer, got '${raw.slice(0, 40)}'`);
  return raw;
}

export function userPath(userId: string, rest: string): string {
  return `/api/${encodeURIComponent(userId)}${rest}`;
}
