import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { SESSION_COOKIE } from "./backend";

/** For pages that need a session: sends visitors without one to /login (and back afterwards). */
export async function requirePageSession(path: string) {
  if (!(await cookies()).get(SESSION_COOKIE)?.value) redirect(`/login?next=${encodeURIComponent(path)}`);
}
