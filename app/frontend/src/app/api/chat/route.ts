import { NextResponse, type NextRequest } from "next/server";
import { callBackend, jsonError, readJson, refuseCrossOrigin, relay, requireSession, userPath } from "@/lib/backend";

// POST /api/chat {"conversation_id"?, "message"}: one chat turn; answers the backend's
// {"conversation_id", "response", "tool_calls"} unchanged.
export async function POST(req: NextRequest) {
  const refused = refuseCrossOrigin(req);
  if (refused) return refused;
  const session = await requireSession(req);
  if (session instanceof NextResponse) return session;
  const parsed = await readJson(req);
  if (parsed instanceof NextResponse) return parsed;
  const { message, conversation_id } = parsed.body;
  if (typeof message !== "string" || !message.trim()) return jsonError(422, "message must be a non-empty string");
  const body: Record<string, unknown> = { message };
  if (conversation_id !== undefined && conversation_id !== null) {
    const cid = typeof conversation_id === "string" && /^\d+$/.test(conversation_id) ? Number(conversation_id) : conversation_id;
    if (typeof cid !== "number" || !Number.isInteger(cid) || cid < 1) return jsonError(422, "conversation_id must be a positive integer when given");
    body.conversation_id = cid;
  }
  return relay(await callBackend(userPath(session.userId, "/chat"), { method: "POST", token: session.token, body }));
}
