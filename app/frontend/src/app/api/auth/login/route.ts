import type { NextRequest } from "next/server";
import { authenticate } from "@/lib/auth-route";

export function POST(req: NextRequest) {
  return authenticate(req, "login");
}
