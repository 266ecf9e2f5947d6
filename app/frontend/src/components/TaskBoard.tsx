"use client";

import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, type Task } from "@/lib/client";

type Filter = "all" | "pending" | "completed";
const FILTERS: { value: Filter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "pending", label: "Pending" },
  { value: "completed", label: "Completed" },
];

export default function TaskBoard() {
  const [filter, setFilter] = useState<Filter>("all");
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [adding, setAdding] = useState(false);

  const load = useCallback(async (f: Filter) => {
    const res = await api<Task[]>(`/api/tasks?status=${f}`);
    if (res.ok) {
      setTasks(Array.isArray(res.data) ? res.data : []);
      setError(null);
    } else {
      setError(res.error);
    }
  }, []);

  useEffect(() => {
    // Loading the list from the server is this effect's whole purpose.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load(filter);
  }, [filter, load]);

  async function add(e: FormEvent) {
    e.preventDefault();
    const t = title.trim();
    if (!t) {
      setError("Give the task a title.");
      return;
    }
    setAdding(true);
    const body: Record<string, string> = { title: t };
    if (description.trim()) body.description = description.trim();
    const res = await api<Task>("/api/tasks", { method: "POST", body });
    setAdding(false);
    if (!res.ok) {
      setError(res.error);
      return;
    }
    setTitle("");
    setDescription("");
    await load(filter);
  }

  async function mutate(p: Promise<{ ok: boolean; error?: string }>) {
    const res = await p;
    if (!res.ok) setError(res.error ?? "Request failed.");
    await load(filter);
  }

  return (
    <section aria-labelledby="tasks-title">
      <h1 id="tasks-title">Your tasks</h1>
      <form className="panel" onSubmit={add} aria-label="Add a task">
        <div className="row">
          <div className="grow">
            <label htmlFor="new-title">Title</label>
            <input id="new-title" type="text" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} data-testid="new-task-title" />
          </div>
          <div className="grow">
            <label htmlFor="new-description">Description (optional)</label>
            <input id="new-description" type="text" value={description} maxLength={1000} onChange={(e) => setDescription(e.target.value)} />
          </div>
          <button type="submit" className="primary" disabled={adding} data-testid="add-task">
            Add task
          </button>
        </div>
      </form>

      <div className="filters" role="group" aria-label="Show">
        {FILTERS.map((f) => (
          <button key={f.value} type="button" aria-pressed={filter === f.value} onClick={() => setFilter(f.value)} data-testid={`filter-${f.value}`}>
            {f.label}
          </button>
        ))}
      </div>

      {error && <p className="error" role="alert">{error}</p>}

      <div className="panel">
        {tasks === null ? (
          <p className="muted" aria-live="polite">Loading…</p>
        ) : tasks.length === 0 ? (
          <p className="muted" data-testid="no-tasks">{filter === "all" ? "No tasks yet. Add one above, or ask the assistant in Chat." : `No ${filter} tasks.`}</p>
        ) : (
          <ul className="task-list" data-testid="task-list" aria-label="Tasks">
            {tasks.map((t) => (
              <TaskItem
                key={t.id}
                task={t}
                onToggle={() => mutate(api(`/api/tasks/${t.id}/complete`, { method: "PATCH" }))}
                onDelete={() => mutate(api(`/api/tasks/${t.id}`, { method: "DELETE" }))}
                onSave={(patch) => mutate(api(`/api/tasks/${t.id}`, { method: "PUT", body: patch }))}
              />
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

function TaskItem({
  task,
  onToggle,
  onDelete,
  onSave,
}: {
  task: Task;
  onToggle: () => Promise<void>;
  onDelete: () => Promise<void>;
  onSave: (patch: { title: string; description: string }) => Promise<void>;
}) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description ?? "");
  const [busy, setBusy] = useState(false);

  async function run(fn: () => Promise<void>) {
    setBusy(true);
    try {
      await fn();
    } finally {
      setBusy(false);
    }
  }

  if (editing) {
    return (
      <li className="task" data-testid="task" data-task-id={task.id}>
        <form
          className="body"
          aria-label={`Edit task ${task.title}`}
          onSubmit={(e) => {
            e.preventDefault();
            if (!title.trim()) return;
            void run(async () => {
              await onSave({ title: title.trim(), description: description.trim() });
              setEditing(false);
            });
          }}
        >
          <div className="field">
            <label htmlFor={`edit-title-${task.id}`}>Title</label>
            <input id={`edit-title-${task.id}`} type="text" value={title} maxLength={200} required onChange={(e) => setTitle(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`edit-description-${task.id}`}>Description</label>
            <textarea id={`edit-description-${task.id}`} value={description} maxLength={1000} onChange={(e) => setDescription(e.target.value)} />
          </div>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>Save</button>
            <button type="button" onClick={() => { setEditing(false); setTitle(task.title); setDescription(task.description ?? ""); }}>Cancel</button>
          </div>
        </form>
      </li>
    );
  }

  return (
    <li className={task.completed ? "task done" : "task"} data-testid="task" data-task-id={task.id} data-completed={task.completed}>
      <input
        type="checkbox"
        checked={task.completed}
        disabled={busy}
        onChange={() => void run(onToggle)}
        aria-label={`${task.completed ? "Mark as pending" : "Mark as complete"}: ${task.title}`}
      />
      <div className="body">
        <div className="title" data-testid="task-title">{task.title}</div>
        {task.description && <div className="desc">{task.description}</div>}
      </div>
      <div className="actions">
        <button type="button" onClick={() => setEditing(true)} disabled={busy} aria-label={`Edit: ${task.title}`}>Edit</button>
        <button type="button" className="danger" onClick={() => void run(onDelete)} disabled={busy} aria-label={`Delete: ${task.title}`}>Delete</button>
      </div>
    </li>
  );
}
