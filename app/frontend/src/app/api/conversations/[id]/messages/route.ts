import { NextResponse, type NextRequest } from "next/server";
import { callBackend, intId, relay, requireSession, userPath } from "@/lib/backend";

export const dynamic = "force-dynamic";

// GET /api/conversations/{id}/messages: one conversation's history, oldest first.
export async function GET(req: NextRequest, ctx: { params: Promise<{ id: string }> }) {
  const session = await requireSession(req);
  if (session instanceof NextResponse) return session;
  const id = intId((await ctx.params).id, "conversation");
  if (id instanceof NextResponse) return id;
  return relay(await callBackend(userPath(session.userId, `/conversations/${id}/messages`), { token: session.token }));
}
