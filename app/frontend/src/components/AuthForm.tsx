"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api } from "@/lib/client";

// Only same-origin paths are followed after log-in (no open redirect through ?next=): the value
// is parsed as a URL against this page, as the browser would, and its origin compared; string
// checks miss forms such as "/\\evil.com", which browsers read as "//evil.com".
function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith("/")) return "/tasks";
  try {
    const url = new URL(next, window.location.origin);
    return url.origin === window.location.origin ? `${url.pathname}${url.search}${url.hash}` : "/tasks";
  } catch {
    return "/tasks";
  }
}

export default function AuthForm({ kind, next }: { kind: "login" | "signup"; next?: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const isSignup = kind === "signup";
  const router = useRouter();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (isSignup && password.length < 8) {
      setError("Use a password of at least 8 characters.");
      return;
    }
    setBusy(true);
    const res = await api<{ user: { id: string; email: string } }>(`/api/auth/${kind}`, { method: "POST", body: { email, password } });
    if (res.ok) {
      // refresh() re-renders the server layout, whose navigation depends on the new cookie.
      router.replace(safeNext(next));
      router.refresh();
      return;
    }
    setBusy(false);
    setError(res.status === 401 ? "Wrong email or password." : res.error);
  }

  return (
    <section className="panel narrow" aria-labelledby="auth-title">
      <h1 id="auth-title">{isSignup ? "Create your account" : "Log in"}</h1>
      <form onSubmit={submit} noValidate={false}>
        <div className="field">
          <label htmlFor="email">Email</label>
          <input id="email" name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete={isSignup ? "new-password" : "current-password"}
            required
            minLength={isSignup ? 8 : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby={isSignup ? "password-hint" : undefined}
          />
          {isSignup && <small id="password-hint" className="muted">At least 8 characters.</small>}
        </div>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>
          {isSignup ? "Sign up" : "Log in"}
        </button>
      </form>
      <p className="muted">
        {isSignup ? (
          <>Already have an account? <Link href="/login">Log in</Link></>
        ) : (
          <>New to Taskora? <Link href="/signup">Create an account</Link></>
        )}
      </p>
    </section>
  );
}
