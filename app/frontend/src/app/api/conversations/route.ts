import { NextResponse, type NextRequest } from "next/server";
import { callBackend, relay, requireSession, userPath } from "@/lib/backend";

export const dynamic = "force-dynamic";

// GET /api/conversations: the caller's conversations (the backend's list, unchanged).
export async function GET(req: NextRequest) {
  const session = await requireSession(req);
  if (session instanceof NextResponse) return session;
  return relay(await callBackend(userPath(session.userId, "/conversations"), { token: session.token }));
}
