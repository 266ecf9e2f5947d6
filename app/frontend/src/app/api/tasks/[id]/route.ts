import { NextResponse, type NextRequest } from "next/server";
import { callBackend, intId, readJson, refuseCrossOrigin, relay, requireSession, userPath } from "@/lib/backend";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

async function target(req: NextRequest, ctx: Ctx) {
  const session = await requireSession(req);
  if (session instanceof NextResponse) return session;
  const id = intId((await ctx.params).id, "task");
  if (id instanceof NextResponse) return id;
  return { session, path: userPath(session.userId, `/tasks/${id}`) };
}

export async function GET(req: NextRequest, ctx: Ctx) {
  const t = await target(req, ctx);
  if (t instanceof NextResponse) return t;
  return relay(await callBackend(t.path, { token: t.session.token }));
}

// PUT /api/tasks/{id} {"title"?, "description"?, "completed"?}
export async function PUT(req: NextRequest, ctx: Ctx) {
  const refused = refuseCrossOrigin(req);
  if (refused) return refused;
  const t = await target(req, ctx);
  if (t instanceof NextResponse) return t;
  const parsed = await readJson(req);
  if (parsed instanceof NextResponse) return parsed;
  return relay(await callBackend(t.path, { method: "PUT", token: t.session.token, body: parsed.body }));
}

export async function DELETE(req: NextRequest, ctx: Ctx) {
  const refused = refuseCrossOrigin(req);
  if (refused) return refused;
  const t = await target(req, ctx);
  if (t instanceof NextResponse) return t;
  return relay(await callBackend(t.path, { method: "DELETE", token: t.session.token }));
}
