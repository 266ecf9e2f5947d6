import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { SESSION_COOKIE } from "@/lib/backend";

export default async function Home() {
  redirect((await cookies()).get(SESSION_COOKIE)?.value ? "/tasks" : "/login");
}
