import { NextResponse } from "next/server";

export const dynamic = "force-dynamic";

// Liveness of the frontend server itself: it does not call the backend, so a backend outage
// does not restart the frontend.
export function GET() {
  return NextResponse.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
