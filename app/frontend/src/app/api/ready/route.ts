import { NextResponse } from "next/server";
import { backendUrl } from "@/lib/backend";

export const dynamic = "force-dynamic";

const READY_TIMEOUT_MS = 2_000;
// Set by scripts/graceful.cjs (loaded before the server) when SIGTERM starts the drain.
const DRAINING = Symbol.for("taskora.draining");
// Set here once this server has reached the backend (kept on globalThis: one flag per process).
const REACHED = Symbol.for("taskora.reachedBackend");
const flags = globalThis as Record<symbol, unknown>;

// Readiness. A new server is ready once it has reached the backend (its /healthz, the process,
// not /readyz, so a database outage does not count): a frontend with a wrong BACKEND_URL or no
// route to the backend never becomes ready, so a rollout stops before it replaces working pods.
// After that, readiness no longer follows the backend: every frontend pod shares the same
// backend, so failing them all while the backend is briefly gone (its pods replaced, a restart)
// would turn a partial outage into a whole one (connections refused, pages that need no backend
// gone too) instead of the BFF's clear 502/503 answers. Liveness (/api/health) never calls the
// backend. While the server drains before it stops (after SIGTERM) it is not ready, so it leaves
// the Service's endpoints while it still serves.
export async function GET() {
  const headers = { "cache-control": "no-store" };
  if (flags[DRAINING] === true) {
    return NextResponse.json({ status: "draining" }, { status: 503, headers });
  }
  if (flags[REACHED] === true) return NextResponse.json({ status: "ready" }, { headers });
  const base = backendUrl();
  if (!base) return NextResponse.json({ status: "not ready", detail: "BACKEND_URL is not set" }, { status: 503, headers });
  try {
    const res = await fetch(`${base}/healthz`, { cache: "no-store", redirect: "manual", signal: AbortSignal.timeout(READY_TIMEOUT_MS) });
    if (res.ok) {
      flags[REACHED] = true;
      return NextResponse.json({ status: "ready" }, { headers });
    }
    return NextResponse.json({ status: "not ready", detail: `the backend at ${base} answered ${res.status} on /healthz` }, { status: 503, headers });
  } catch {
    return NextResponse.json({ status: "not ready", detail: `the backend at ${base} is unreachable` }, { status: 503, headers });
  }
}
