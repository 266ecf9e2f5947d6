import { NextResponse, type NextRequest } from "next/server";
import { callBackend, jsonError, readBody, readJson, refuseCrossOrigin, relay, setSession, toUser } from "./backend";
import { clientAddress } from "./client-address";

/** POST /api/auth/signup and /api/auth/login: forwards {email, password} to the backend, keeps
 *  its access token in the httpOnly session cookie and answers {"user": {...}} (never the token). */
export async function authenticate(req: NextRequest, kind: "signup" | "login"): Promise<NextResponse> {
  const refused = refuseCrossOrigin(req);
  if (refused) return refused;
  const parsed = await readJson(req);
  if (parsed instanceof NextResponse) return parsed;
  const { email, password } = parsed.body;
  if (typeof email !== "string" || typeof password !== "string") {
    return jsonError(422, "send {\"email\": string, \"password\": string}");
  }
  const res = await callBackend(`/api/auth/${kind}`, { method: "POST", body: { email, password }, clientAddress: clientAddress(req.headers) });
  if (res instanceof NextResponse || !res.ok) return relay(res);
  const body = (await readBody(res)) as { access_token?: unknown } | null;
  const user = toUser(body);
  const token = body && typeof body.access_token === "string" ? body.access_token : null;
  if (!user || !token) return jsonError(502, `the backend's ${kind} answer lacks access_token or user.id`);
  const out = NextResponse.json({ user }, { status: res.status });
  setSession(out, token, user);
  return out;
}
