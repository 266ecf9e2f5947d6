import { NextResponse, type NextRequest } from "next/server";
import { callBackend, jsonError, readJson, refuseCrossOrigin, relay, requireSession, userPath } from "@/lib/backend";

export const dynamic = "force-dynamic";

const STATUSES = new Set(["all", "pending", "completed"]);

// GET /api/tasks?status=all|pending|completed: the caller's tasks.
export async function GET(req: NextRequest) {
  const session = await requireSession(req);
  if (session instanceof NextResponse) return session;
  const status = req.nextUrl.searchParams.get("status");
  if (status !== null && !STATUSES.has(status)) {
    return jsonError(422, `status must be one of all, pending, completed; got '${status.slice(0, 40)}'`);
  }
  const search = status ? `?status=${status}` : "";
  return relay(await callBackend(userPath(session.userId, "/tasks"), { token: session.token, search }));
}

// POST /api/tasks {"title", "description"?}: creates a task (the backend validates the fields).
export async function POST(req: NextRequest) {
  const refused = refuseCrossOrigin(req);
  if (refused) return refused;
  const session = await requireSession(req);
  if (session instanceof NextResponse) return session;
  const parsed = await readJson(req);
  if (parsed instanceof NextResponse) return parsed;
  return relay(await callBackend(userPath(session.userId, "/tasks"), { method: "POST", token: session.token, body: parsed.body }));
}
