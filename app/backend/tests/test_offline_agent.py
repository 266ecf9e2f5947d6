"""The offline agent on a table of phrasings: which MCP tools it calls, with which arguments.

The tools here are an in-memory stand-in with the MCP server's semantics, so that the table
checks the agent's understanding alone; test_chat.py runs the same agent through the real
MCP server and database.
"""
from __future__ import annotations

import asyncio
import copy

import pytest

from app.agent.mcp_client import ToolError
from app.agent.offline import OfflineAgent

SEED = [
    {"id": 1, "title": "Buy groceries", "description": "", "completed": False},
    {"id": 2, "title": "Team meeting", "description": "", "completed": False},
    {"id": 3, "title": "Pay bills", "description": "", "completed": True},
    {"id": 4, "title": "Write report", "description": "", "completed": False},
    {"id": 5, "title": "Call mom", "description": "", "completed": False},
    {"id": 6, "title": "Call the dentist", "description": "", "completed": False},
]


class MemoryTools:
    def __init__(self) -> None:
        self.tasks = copy.deepcopy(SEED)
        self.calls: list[tuple[str, dict]] = []

    async def call(self, name: str, args: dict | None = None):
        args = {k: v for k, v in (args or {}).items() if v is not None}
        self.calls.append((name, args))
        if name == "add_task":
            t = {"id": max(t["id"] for t in self.tasks) + 1, "title": args["title"],
                 "description": args.get("description", ""), "completed": False}
            self.tasks.append(t)
            return {"task_id": t["id"], "status": "created", "title": t["title"]}
        if name == "list_tasks":
            st = args.get("status", "all")
            return [t for t in self.tasks if st == "all" or t["completed"] == (st == "completed")]
        task = next((t for t in self.tasks if t["id"] == args["task_id"]), None)
        if task is None:
            raise ToolError(f"task {args['task_id']} not found")
        if name == "complete_task":
            task["completed"] = True
            return {"task_id": task["id"], "status": "completed", "title": task["title"]}
        if name == "delete_task":
            self.tasks.remove(task)
            return {"task_id": task["id"], "status": "deleted", "title": task["title"]}
        if name == "update_task":
            task.update({k: args[k] for k in ("title", "description") if k in args})
            return {"task_id": task["id"], "status": "updated", "title": task["title"]}
        raise AssertionError(name)


L_ALL = ("list_tasks", {"status": "all"})
L_PENDING = ("list_tasks", {"status": "pending"})
L_DONE = ("list_tasks", {"status": "completed"})
PHRASINGS = [
    # --- the contract's eight ---
    ("Add a task to buy groceries", [("add_task", {"title": "Buy groceries"})]),
    ("Show me all my tasks", [L_ALL]),
    ("What's pending?", [("list_tasks", {"status": "pending"})]),
    ("Mark task 3 as complete", [("complete_task", {"task_id": 3})]),
    ("Delete the meeting task", [L_ALL, ("delete_task", {"task_id": 2})]),
    ("Change task 1 to 'Call mom tonight'", [("update_task", {"task_id": 1, "title": "Call mom tonight"})]),
    ("I need to remember to pay bills", [("add_task", {"title": "Pay bills"})]),
    ("What have I completed?", [("list_tasks", {"status": "completed"})]),
    # --- adding, other words ---
    ("add buy milk", [("add_task", {"title": "Buy milk"})]),
    ("Create a new todo: call the plumber", [("add_task", {"title": "Call the plumber"})]),
    ("Please add 'Renew passport' to my list", [("add_task", {"title": "Renew passport"})]),
    ("remind me to water the plants", [("add_task", {"title": "Water the plants"})]),
    ("New item: book flights", [("add_task", {"title": "Book flights"})]),
    ('Can you add a task called "Clean the garage"?', [("add_task", {"title": "Clean the garage"})]),
    ("I have to finish the slides", [("add_task", {"title": "Finish the slides"})]),
    ("Add task 'Pick up kids' with description after school",
     [("add_task", {"title": "Pick up kids", "description": "after school"})]),
    ("jot down get a haircut", [("add_task", {"title": "Get a haircut"})]),
    ("Put 'Submit taxes' on my todo list", [("add_task", {"title": "Submit taxes"})]),
    ("add a new task: Prepare presentation", [("add_task", {"title": "Prepare presentation"})]),
    ("Don't let me forget to call grandma", [("add_task", {"title": "Call grandma"})]),
    ("add an item to my list: renew the car insurance", [("add_task", {"title": "Renew the car insurance"})]),
    # --- listing ---
    ("list my todos", [L_ALL]),
    ("What's left to do?", [("list_tasks", {"status": "pending"})]),
    ("Show completed tasks", [("list_tasks", {"status": "completed"})]),
    ("Which tasks are still open?", [("list_tasks", {"status": "pending"})]),
    ("Show me my finished items", [("list_tasks", {"status": "completed"})]),
    ("display everything", [L_ALL]),
    ("What tasks have I finished?", [("list_tasks", {"status": "completed"})]),
    ("Do I have any incomplete tasks?", [("list_tasks", {"status": "pending"})]),
    ("what's on my list", [L_ALL]),
    ("show tasks that are not done yet", [("list_tasks", {"status": "pending"})]),
    # --- completing ---
    ("complete task 4", [("complete_task", {"task_id": 4})]),
    ("I finished the report", [L_ALL, ("complete_task", {"task_id": 4})]),
    ("task 2 is done", [("complete_task", {"task_id": 2})]),
    ("check off #6", [("complete_task", {"task_id": 6})]),
    ("Mark the groceries task as done", [L_ALL, ("complete_task", {"task_id": 1})]),
    ("finish todo number 5", [("complete_task", {"task_id": 5})]),
    ("done with item 1", [("complete_task", {"task_id": 1})]),
    ("mark 'Call the dentist' as completed", [L_ALL, ("complete_task", {"task_id": 6})]),
    # --- deleting (asks back when nothing or several match; never everything at once) ---
    ("remove task 4", [("delete_task", {"task_id": 4})]),
    ("delete the call task", [L_ALL]),
    ("delete all my tasks", []),
    ("get rid of the groceries item", [L_ALL, ("delete_task", {"task_id": 1})]),
    ("cancel 'Write report'", [L_ALL, ("delete_task", {"task_id": 4})]),
    ("delete everything", []),
    ("remove the vacation task", [L_ALL]),
    ("erase #3", [("delete_task", {"task_id": 3})]),
    ("please delete the dentist todo", [L_ALL, ("delete_task", {"task_id": 6})]),
    # --- updating ---
    ("rename task 2 to Weekly sync", [("update_task", {"task_id": 2, "title": "Weekly sync"})]),
    ("Update the report task to 'Write final report'",
     [L_ALL, ("update_task", {"task_id": 4, "title": "Write final report"})]),
    ("change the description of task 4 to include the Q3 numbers",
     [("update_task", {"task_id": 4, "description": "include the Q3 numbers"})]),
    ("edit #5 to Call mom on Sunday", [("update_task", {"task_id": 5, "title": "Call mom on Sunday"})]),
    ("change the call task to 'Call dad'", [L_ALL]),
    ("I want to add a task to fix the bike", [("add_task", {"title": "Fix the bike"})]),
    ("todo: water plants", [("add_task", {"title": "Water plants"})]),
    ("what is on my todo list", [L_ALL]),
    ("mark 2 as completed", [("complete_task", {"task_id": 2})]),
    ("set task 4 to done", [("complete_task", {"task_id": 4})]),
    ("edit task 2 description: bring snacks", [("update_task", {"task_id": 2, "description": "bring snacks"})]),
    ("clear my list", []),
    ("delete them", []),
    ("add a task to remove the old shelf", [("add_task", {"title": "Remove the old shelf"})]),
    ("add a task to finish the report", [("add_task", {"title": "Finish the report"})]),
    ("remind me to cancel the gym membership", [("add_task", {"title": "Cancel the gym membership"})]),
    ("make task 2 done", [("complete_task", {"task_id": 2})]),
    # --- negation scope in list filters ("not yet done" is pending, "already finished" completed) ---
    ("the tasks not yet done", [L_PENDING]),
    ("what did I already finish?", [L_DONE]),
    ("what's left?", [L_PENDING]),
    ("anything I haven't done?", [L_PENDING]),
    ("what haven't I finished yet", [L_PENDING]),
    ("show me everything I still need to do", [L_PENDING]),
    ("which items are no longer pending", [L_DONE]),
    ("list the ones I have crossed off", [L_DONE]),
    ("what am I yet to finish", [L_PENDING]),
    ("tasks I haven't ticked off", [L_PENDING]),
    ("show me the tasks, not the completed ones", [L_PENDING]),
    ("did I finish anything?", [L_DONE]),
    ("what have I got done so far", [L_DONE]),
    ("show me what's not done and what's done", [L_ALL]),
    ("what remains on my list", [L_PENDING]),
    ("which todos aren't finished", [L_PENDING]),
    ("list what is not pending", [L_DONE]),
    ("show me all tasks except the finished ones", [L_PENDING]),
    ("list tasks other than the completed ones", [L_PENDING]),
    ("which tasks did I never finish", [L_PENDING]),
    ("is the report done?", [L_DONE]),  # a question, not an order
    # --- completion vocabulary ---
    ("tick off the groceries", [L_ALL, ("complete_task", {"task_id": 1})]),
    ("tick task 2", [("complete_task", {"task_id": 2})]),
    ("cross the dentist off my list", [L_ALL, ("complete_task", {"task_id": 6})]),
    ("check off the meeting", [L_ALL, ("complete_task", {"task_id": 2})]),
    ("mark the report as finished", [L_ALL, ("complete_task", {"task_id": 4})]),
    ("strike through the team meeting", [L_ALL, ("complete_task", {"task_id": 2})]),
    ("the team meetings are done", [L_ALL, ("complete_task", {"task_id": 2})]),
    ("I got the report done", [L_ALL, ("complete_task", {"task_id": 4})]),
    ("mark #5 as finished", [("complete_task", {"task_id": 5})]),
    ("I'd like to tick off the groceries", [L_ALL, ("complete_task", {"task_id": 1})]),
    ("the dentist call is finished", [L_ALL, ("complete_task", {"task_id": 6})]),
    ("I want to delete the report", [L_ALL, ("delete_task", {"task_id": 4})]),
    # --- a title in other words: verb forms, plural/singular, a few words or the start of one ---
    ("mark buying groceries as done", [L_ALL, ("complete_task", {"task_id": 1})]),
    ("I bought the groceries", [L_ALL, ("complete_task", {"task_id": 1})]),
    ("I paid the bill", [L_ALL, ("complete_task", {"task_id": 3})]),
    ("I wrote the report", [L_ALL, ("complete_task", {"task_id": 4})]),
    ("I've just called the dentist", [L_ALL, ("complete_task", {"task_id": 6})]),
    ("tick off writing reports", [L_ALL, ("complete_task", {"task_id": 4})]),
    ("delete the meetings", [L_ALL, ("delete_task", {"task_id": 2})]),
    ("remove grocery", [L_ALL, ("delete_task", {"task_id": 1})]),
    ("rename the meetings to 'Team sync'", [L_ALL, ("update_task", {"task_id": 2, "title": "Team sync"})]),
    ("delete the groc task", [L_ALL, ("delete_task", {"task_id": 1})]),
    # --- unsure, so it asks: a tie, a word in no title, news that names no task ---
    ("tick off call", [L_ALL]),
    ("mark calling as done", [L_ALL]),
    ("complete the dentist appointment", [L_ALL]),
    ("I bought milk", [L_ALL]),
    ("I have finished the slides", [L_ALL]),
    # --- negated, ahead or reopening: nothing to carry out ---
    ("I haven't finished the report", []),
    ("the report isn't done yet", []),
    ("don't tick off the groceries", []),
    ("I will finish the report tomorrow", []),
    ("mark task 3 as not done", []),
    ("uncheck the bills", []),
    ("don't delete the report", []),
    ("tick off everything", []),
    ("complete #2 and #4", []),  # one at a time: it asks which first
    # --- no tool ---
    ("hello", []),
    ("What can you do?", []),
    ("thanks!", []),
    ("who are you", []),
    ("help", []),
    ("good morning", []),
]


@pytest.mark.parametrize("message,expected", PHRASINGS, ids=[p[0] for p in PHRASINGS])
def test_phrasing(message, expected):
    tools = MemoryTools()
    answer = asyncio.run(OfflineAgent().run(tools, [], message))
    assert tools.calls == expected, f"{message!r} -> {tools.calls} (answer: {answer!r})"
    assert answer.strip()


def test_table_is_large_enough():
    assert len(PHRASINGS) >= 128  # 71 before issue 13, 57 added for negations, completions, titles


def test_ambiguous_delete_asks_back_then_follows_up():
    tools = MemoryTools()
    answer = asyncio.run(OfflineAgent().run(tools, [], "delete the call task"))
    assert "Which one should I delete?" in answer and "#5" in answer and "#6" in answer
    assert len(tools.tasks) == len(SEED)
    history = [{"role": "user", "content": "delete the call task"}, {"role": "assistant", "content": answer}]
    answer2 = asyncio.run(OfflineAgent().run(tools, history, "6"))
    assert tools.calls[-1] == ("delete_task", {"task_id": 6})
    assert "Call the dentist" in answer2


def test_tie_on_complete_asks_then_follows_up():
    tools = MemoryTools()
    answer = asyncio.run(OfflineAgent().run(tools, [], "tick off call"))
    assert "Which one should I complete?" in answer and "#5" in answer and "#6" in answer
    assert not any(t["completed"] for t in tools.tasks if t["id"] in (5, 6))
    history = [{"role": "user", "content": "tick off call"}, {"role": "assistant", "content": answer}]
    asyncio.run(OfflineAgent().run(tools, history, "task 5"))
    assert tools.calls[-1] == ("complete_task", {"task_id": 5})


def test_several_numbers_ask_which_first_then_follow_up():
    tools = MemoryTools()
    answer = asyncio.run(OfflineAgent().run(tools, [], "complete #2 and #4"))
    assert tools.calls == [] and "#2 or #4" in answer
    history = [{"role": "user", "content": "complete #2 and #4"}, {"role": "assistant", "content": answer}]
    asyncio.run(OfflineAgent().run(tools, history, "4"))
    assert tools.calls == [("complete_task", {"task_id": 4})]


def test_of_equal_matches_the_only_pending_one_is_completed():
    tools = MemoryTools()
    tools.tasks.append({"id": 7, "title": "Pay bill", "description": "", "completed": False})
    asyncio.run(OfflineAgent().run(tools, [], "I paid the bill"))  # "Pay bills" (3) is done already
    assert tools.calls[-1] == ("complete_task", {"task_id": 7})
    asyncio.run(OfflineAgent().run(tools, [], "delete the bill"))  # a delete never guesses
    assert tools.calls[-1] == L_ALL


def test_negated_and_reopen_answers_say_nothing_changed():
    for message in ("I haven't finished the report", "mark task 3 as not done", "don't delete task 4"):
        tools = MemoryTools()
        answer = asyncio.run(OfflineAgent().run(tools, [], message))
        assert tools.calls == [] and tools.tasks == SEED, message
        assert "as they are" in answer or "nothing was changed" in answer, (message, answer)


def test_delete_everything_is_refused_without_tools():
    tools = MemoryTools()
    answer = asyncio.run(OfflineAgent().run(tools, [], "remove all tasks"))
    assert tools.calls == [] and "won't delete all" in answer and len(tools.tasks) == len(SEED)


def test_missing_id_answers_without_guessing():
    tools = MemoryTools()
    answer = asyncio.run(OfflineAgent().run(tools, [], "delete task 99"))
    assert tools.calls == [("delete_task", {"task_id": 99})]
    assert "no task #99" in answer
