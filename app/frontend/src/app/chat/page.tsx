import type { Metadata } from "next";
import ChatPanel from "@/components/ChatPanel";
import { requirePageSession } from "@/lib/guard";

export const metadata: Metadata = { title: "Chat · Taskora" };

export default async function ChatPage({ searchParams }: { searchParams: Promise<{ c?: string | string[] }> }) {
  const { c } = await searchParams;
  await requirePageSession(typeof c === "string" ? `/chat?c=${encodeURIComponent(c)}` : "/chat");
  const id = typeof c === "string" && /^\d+$/.test(c) ? Number(c) : null;
  return <ChatPanel initialConversation={id} />;
}
