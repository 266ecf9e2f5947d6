import { NextResponse } from "next/server";
import { backendUrl } from "@/lib/backend";

export const dynamic = "force-dynamic";

const READY_TIMEOUT_MS = 2_000;
// Set by scripts/graceful.cjs (loaded before the server) when SIGTERM starts the drain.
const DRAINING = Symbol.for("taskora.draining");

// Readiness: this server can reach the backend (its /healthz, the process, not /readyz, so a
// database outage does not take every frontend out of its Service). A frontend with a wrong
// BACKEND_URL or no route to the backend never becomes ready, so a rollout stops before it
// replaces working pods. Liveness (/api/health) never calls the backend. While the server
// drains before it stops (after SIGTERM) it is not ready, so it leaves the Service's endpoints
// while it still serves.
export async function GET() {
  const headers = { "cache-control": "no-store" };
  if ((globalThis as Record<symbol, unknown>)[DRAINING] === true) {
    return NextResponse.json({ status: "draining" }, { status: 503, headers });
  }
  const base = backendUrl();
  if (!base) return NextResponse.json({ status: "not ready", detail: "BACKEND_URL is not set" }, { status: 503, headers });
  try {
    const res = await fetch(`${base}/healthz`, { cache: "no-store", redirect: "manual", signal: AbortSignal.timeout(READY_TIMEOUT_MS) });
    if (res.ok) return NextResponse.json({ status: "ready" }, { headers });
    return NextResponse.json({ status: "not ready", detail: `the backend at ${base} answered ${res.status} on /healthz` }, { status: 503, headers });
  } catch {
    return NextResponse.json({ status: "not ready", detail: `the backend at ${base} is unreachable` }, { status: 503, headers });
  }
}
