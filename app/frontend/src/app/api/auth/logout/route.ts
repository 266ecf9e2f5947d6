import { NextResponse, type NextRequest } from "next/server";
import { callBackend, clearSession, refuseCrossOrigin, SESSION_COOKIE } from "@/lib/backend";

// Tells the backend (best effort: the session ends here whatever it answers) and clears the cookies.
export async function POST(req: NextRequest) {
  const refused = refuseCrossOrigin(req);
  if (refused) return refused;
  const token = req.cookies.get(SESSION_COOKIE)?.value;
  if (token) await callBackend("/api/auth/logout", { method: "POST", token });
  const res = new NextResponse(null, { status: 204 });
  clearSession(res);
  return res;
}
