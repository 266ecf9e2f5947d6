"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";

export default function NavBar({ loggedIn }: { loggedIn: boolean }) {
  const pathname = usePathname();
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const current = (href: string) => (pathname === href ? "page" : undefined);

  async function logout() {
    setBusy(true);
    try {
      await fetch("/api/auth/logout", { method: "POST", credentials: "same-origin" });
    } finally {
      window.localStorage.removeItem("taskora.conversation");
      setBusy(false);
      router.replace("/login");
      router.refresh();
    }
  }

  return (
    <nav aria-label="Main">
      {loggedIn ? (
        <>
          <Link href="/tasks" aria-current={current("/tasks")}>Tasks</Link>
          <Link href="/chat" aria-current={current("/chat")}>Chat</Link>
          <button type="button" className="link" onClick={logout} disabled={busy} data-testid="logout">
            Log out
          </button>
        </>
      ) : (
        <>
          <Link href="/login" aria-current={current("/login")}>Log in</Link>
          <Link href="/signup" aria-current={current("/signup")}>Sign up</Link>
        </>
      )}
    </nav>
  );
}
