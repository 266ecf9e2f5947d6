"use client";

import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { api, type ChatAnswer, type ToolCall } from "@/lib/client";

const STORAGE_KEY = "taskora.conversation";

type Message = { key: string; role: "user" | "assistant"; content: string; tool_calls?: ToolCall[] };
type Conversation = { id: number; created_at?: string; updated_at?: string; title?: string | null };

function asList<T>(data: unknown, key: string): T[] {
  if (Array.isArray(data)) return data as T[];
  if (data && typeof data === "object" && Array.isArray((data as Record<string, unknown>)[key])) return (data as Record<string, T[]>)[key];
  return [];
}

function toMessages(data: unknown): Message[] {
  return asList<Record<string, unknown>>(data, "messages")
    .filter((m) => m && (m.role === "user" || m.role === "assistant"))
    .map((m, i) => ({
      key: `h${String(m.id ?? i)}`,
      role: m.role as "user" | "assistant",
      content: String(m.content ?? ""),
      tool_calls: Array.isArray(m.tool_calls) ? (m.tool_calls as ToolCall[]) : undefined,
    }));
}

function remember(id: number | null) {
  if (id === null) window.localStorage.removeItem(STORAGE_KEY);
  else window.localStorage.setItem(STORAGE_KEY, String(id));
  const url = new URL(window.location.href);
  if (id === null) url.searchParams.delete("c");
  else url.searchParams.set("c", String(id));
  window.history.replaceState(null, "", url.toString());
}

export default function ChatPanel({ initialConversation }: { initialConversation: number | null }) {
  const [conversationId, setConversationId] = useState<number | null>(null);
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [messages, setMessages] = useState<Message[]>([]);
  const [input, setInput] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const counter = useRef(0);
  const endRef = useRef<HTMLLIElement | null>(null);

  const loadConversations = useCallback(async () => {
    const res = await api<unknown>("/api/conversations");
    if (res.ok) setConversations(asList<Conversation>(res.data, "conversations"));
  }, []);

  const open = useCallback(async (id: number | null) => {
    setError(null);
    if (id === null) {
      setConversationId(null);
      setMessages([]);
      remember(null);
      return;
    }
    setLoading(true);
    const res = await api<unknown>(`/api/conversations/${id}/messages`);
    setLoading(false);
    if (res.ok) {
      setConversationId(id);
      setMessages(toMessages(res.data));
      remember(id);
    } else if (res.status === 404 || res.status === 403) {
      // A conversation that is gone or not this user's: start afresh.
      setConversationId(null);
      setMessages([]);
      remember(null);
    } else {
      setError(res.error);
    }
  }, []);

  useEffect(() => {
    const stored = Number(window.localStorage.getItem(STORAGE_KEY));
    const id = initialConversation ?? (Number.isInteger(stored) && stored > 0 ? stored : null);
    void (async () => {
      await Promise.all([open(id), loadConversations()]);
      setLoading(false);
    })();
  }, [initialConversation, open, loadConversations]);

  useEffect(() => {
    endRef.current?.scrollIntoView({ block: "end" });
  }, [messages]);

  async function send(e: FormEvent) {
    e.preventDefault();
    const text = input.trim();
    if (!text || busy) return;
    setError(null);
    setBusy(true);
    const mine: Message = { key: `l${counter.current++}`, role: "user", content: text };
    setMessages((m) => [...m, mine]);
    setInput("");
    const body: Record<string, unknown> = { message: text };
    if (conversationId !== null) body.conversation_id = conversationId;
    const res = await api<ChatAnswer>("/api/chat", { method: "POST", body });
    setBusy(false);
    if (!res.ok) {
      setError(res.error);
      setMessages((m) => m.filter((x) => x !== mine));
      setInput(text);
      return;
    }
    const answer = res.data;
    setMessages((m) => [
      ...m,
      { key: `l${counter.current++}`, role: "assistant", content: answer.response, tool_calls: Array.isArray(answer.tool_calls) ? answer.tool_calls : [] },
    ]);
    if (answer.conversation_id !== conversationId) {
      setConversationId(answer.conversation_id);
      remember(answer.conversation_id);
    }
    void loadConversations();
  }

  return (
    <div className="chat-layout">
      <aside className="panel conversations" aria-labelledby="conv-title">
        <h2 id="conv-title" style={{ fontSize: "1rem", margin: 0 }}>Conversations</h2>
        <button type="button" className="primary" style={{ marginTop: ".5rem" }} onClick={() => void open(null)} data-testid="new-conversation">
          New conversation
        </button>
        <ul>
          {conversations.map((c) => (
            <li key={c.id}>
              <button type="button" aria-current={c.id === conversationId ? "true" : undefined} onClick={() => void open(c.id)}>
                {c.title || `Conversation ${c.id}`}
                {c.updated_at && <span className="muted" style={{ display: "block", fontSize: ".75rem" }}>{new Date(c.updated_at).toLocaleString()}</span>}
              </button>
            </li>
          ))}
        </ul>
      </aside>

      <section className="panel" aria-labelledby="chat-title">
        <h1 id="chat-title">Assistant</h1>
        <p className="muted" style={{ marginTop: 0 }} data-testid="conversation-id" data-conversation-id={conversationId ?? ""}>
          {conversationId === null ? "New conversation" : `Conversation ${conversationId}`}
        </p>
        <ol className="messages" aria-label="Messages" aria-live="polite" data-testid="messages">
          {messages.length === 0 && !loading && (
            <li className="muted">Try “Add a task to buy groceries”, “What’s pending?” or “Mark task 3 as complete”.</li>
          )}
          {messages.map((m) => (
            <li key={m.key} className={`message ${m.role}`} data-testid={`message-${m.role}`}>
              <span className="who">{m.role === "user" ? "You" : "Assistant"}</span>
              {m.content}
              {m.role === "assistant" && m.tool_calls && m.tool_calls.length > 0 && <ToolCalls calls={m.tool_calls} />}
            </li>
          ))}
          {busy && <li className="message assistant muted">Thinking…</li>}
          <li ref={endRef} aria-hidden="true" style={{ listStyle: "none" }} />
        </ol>
        {error && <p className="error" role="alert">{error}</p>}
        <form onSubmit={send} className="row" aria-label="Send a message">
          <div className="grow">
            <label htmlFor="chat-input">Message</label>
            <input id="chat-input" type="text" autoComplete="off" value={input} maxLength={2000} onChange={(e) => setInput(e.target.value)} data-testid="chat-input" />
          </div>
          <button type="submit" className="primary" disabled={busy || !input.trim()} data-testid="chat-send">Send</button>
        </form>
      </section>
    </div>
  );
}

function ToolCalls({ calls }: { calls: ToolCall[] }) {
  return (
    <div className="tool-calls" data-testid="tool-calls">
      <span className="muted">Tools called:</span>
      <ul>
        {calls.map((c, i) => (
          <li key={i} data-testid="tool-call" data-tool={c.tool}>
            <code>{c.tool}</code>
            {c.arguments && Object.keys(c.arguments).length > 0 && <> <code>{JSON.stringify(c.arguments)}</code></>}
            {c.error && <span className="tool-error"> failed: {c.error}</span>}
            {c.result !== undefined && c.result !== null && (
              <details>
                <summary>result</summary>
                <code>{JSON.stringify(c.result)}</code>
              </details>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
