import type { Metadata } from "next";
import { cookies } from "next/headers";
import { SESSION_COOKIE } from "@/lib/backend";
import NavBar from "@/components/NavBar";
import "./globals.css";

export const metadata: Metadata = {
  title: "Taskora",
  description: "Your tasks, and an assistant that manages them for you",
  icons: { icon: "/icon.svg" },
};

export default async function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  const loggedIn = Boolean((await cookies()).get(SESSION_COOKIE)?.value);
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">Skip to content</a>
        <header className="site-header">
          <div className="inner">
            <a className="brand" href={loggedIn ? "/tasks" : "/login"}>Taskora</a>
            <NavBar loggedIn={loggedIn} />
          </div>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
