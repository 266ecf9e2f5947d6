import type { Metadata } from "next";
import TaskBoard from "@/components/TaskBoard";
import { requirePageSession } from "@/lib/guard";

export const metadata: Metadata = { title: "Tasks · Taskora" };

export default async function TasksPage() {
  await requirePageSession("/tasks");
  return <TaskBoard />;
}
