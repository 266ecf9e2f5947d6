import { NextResponse, type NextRequest } from "next/server";
import { callBackend, intId, refuseCrossOrigin, relay, requireSession, userPath } from "@/lib/backend";

// PATCH /api/tasks/{id}/complete: toggles completion (as the backend does).
export async function PATCH(req: NextRequest, ctx: { params: Promise<{ id: string }> }) {
  const refused = refuseCrossOrigin(req);
  if (refused) return refused;
  const session = await requireSession(req);
  if (session instanceof NextResponse) return session;
  const id = intId((await ctx.params).id, "task");
  if (id instanceof NextResponse) return id;
  return relay(await callBackend(userPath(session.userId, `/tasks/${id}/complete`), { method: "PATCH", token: session.token }));
}
