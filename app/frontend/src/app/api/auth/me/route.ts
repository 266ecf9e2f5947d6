import { NextResponse, type NextRequest } from "next/server";
import { callBackend, jsonError, readBody, relay, requireSession, toUser } from "@/lib/backend";

export const dynamic = "force-dynamic";

// The current user as {"user": {"id", "email"}}, or 401.
export async function GET(req: NextRequest) {
  const session = await requireSession(req);
  if (session instanceof NextResponse) return session;
  const res = await callBackend("/api/auth/me", { token: session.token });
  if (res instanceof NextResponse || !res.ok) return relay(res);
  const user = toUser(await readBody(res));
  if (!user) return jsonError(502, "the backend's /api/auth/me answer has no user id");
  return NextResponse.json({ user });
}
