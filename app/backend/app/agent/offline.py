"""The built-in offline agent: no model, no network beyond the MCP server, the default back end.

It understands the contract's eight commands and their usual variations (other verbs, "todo"
or "item" for task, quoted titles, a task named by its id or by words of its title). A
destructive request that matches no task or several asks back instead of guessing, and it
never deletes everything on one sentence. Small talk and "what can you do" call no tool.

`parse` turns one message into an Intent (pure, tested on a table of phrasings); `run`
carries it out through the MCP tools.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.agent.mcp_client import ToolError

NOUN = r"(?:tasks?|todos?|to-dos?|to dos?|items?|entries|entry|reminders?|things?)"
POLITE = re.compile(
    r"^(?:(?:please|pls|kindly|hey|hi|ok|okay|so|and|now|also|assistant|taskora|"
    r"can you|could you|would you|will you|would you mind|i want you to|i'd like you to|"
    r"i would like you to|go ahead and|just)\b[\s,]*)+", re.I)
QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”|‘([^’]+)’|(?:^|(?<=[\s:(]))'([^']+)'(?=$|[\s.,!?;:)])")
TASK_REF = re.compile(rf"(?:\b{NOUN}\s*(?:number|no\.?|#)?\s*#?|#|\bnumber\s+)(\d+)\b", re.I)
BARE_NUM = re.compile(r"^\s*#?(\d+)\s*$")
ALL_WORDS = re.compile(rf"\b(?:all|every|everything|each)\b(?:\s+(?:of\s+)?(?:my|the)?\s*{NOUN})?", re.I)
STOP = {"the", "a", "an", "my", "our", "that", "this", "one", "task", "tasks", "todo", "todos", "to-do",
        "item", "items", "entry", "reminder", "called", "named", "titled", "about", "for", "with",
        "please", "as", "is", "it", "of", "on", "from", "list", "thing", "which", "says", "say", "to",
        "them", "those", "these", "all", "everything"}

GREETING = re.compile(r"^(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)|howdy|greetings)\b[\s!.,]*(?:there|taskora)?[\s!.]*$", re.I)
THANKS = re.compile(r"^(?:thanks|thank you|thx|cheers|great|awesome|nice|cool|perfect|ok|okay)\b.*$", re.I)
HELP = re.compile(r"\b(?:what can you do|what do you do|how does this work|how do (?:i|you) use|help me\b(?!\s+(?:to|with)\b)|^help\b|who are you|what are you)", re.I)
BYE = re.compile(r"^(?:bye|goodbye|see you|later|good night)\b", re.I)

LIST_START = re.compile(
    r"^(?:show|list|display|view|see|what|what's|whats|which|tell me|give me|get me|read|how many|"
    r"do i have|have i|any|let me see|i want to see|i'd like to see|check)\b", re.I)
COMPLETED_WORDS = re.compile(r"\b(?:completed|complete|done|finished|closed|checked off|ticked off|accomplished)\b", re.I)
PENDING_WORDS = re.compile(
    r"\b(?:pending|open|remaining|left|incomplete|uncompleted|unfinished|outstanding|not done|"
    r"not completed|not finished|to do|still (?:need|have)|due|active|undone)\b", re.I)
DELETE = re.compile(r"\b(?:delete|remove|erase|drop|cancel|trash|scrap|get rid of|throw away|discard|clear)\b", re.I)
UPDATE = re.compile(r"\b(?:change|rename|update|edit|modify|retitle|reword|set)\b", re.I)
COMPLETE = re.compile(
    r"\b(?:mark|complete|finish|finished|completed|check off|checked off|tick off|ticked off|"
    r"cross off|crossed off|done with|is done|are done|as done|accomplished)\b", re.I)
ADD_START = re.compile(
    r"^(?:add|create|new|make|put|insert|jot down|jot|note down|note|save|schedule|plan|record|log|"
    r"set up|start)\b|^(?:new\s+)?(?:task|todo|to-do|reminder|item)\s*:", re.I)
ADD_NEED = re.compile(
    r"^(?:i\s+(?:need|have|want|must|should|gotta|got)\s+(?:to\s+)?(?:remember\s+to\s+)?|"
    r"remind me to\s+|remind me\s+(?=\w)|remember to\s+|don'?t let me forget to\s+|"
    r"i (?:must|should) not forget to\s+|i mustn'?t forget to\s+|i can'?t forget to\s+|"
    r"i (?:need|want) a reminder to\s+|don'?t forget to\s+|i'?ve got to\s+|i have got to\s+)", re.I)


@dataclass
class Intent:
    kind: str  # add, list, complete, delete, update, help, greet, thanks, refuse_all, unknown
    title: str | None = None
    description: str | None = None
    status: str | None = None
    task_id: int | None = None
    words: str | None = None  # how the person named the task, when not by id
    new_title: str | None = None
    new_description: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _strip_polite(text: str) -> str:
    t = text.strip()
    t = POLITE.sub("", t)
    t = re.sub(r"[\s,]*(?:please|pls|thanks|thank you)[\s.!?]*$", "", t, flags=re.I)
    return t.strip()


def _clean_title(t: str) -> str:
    t = t.strip().strip("\"'“”‘’").strip()
    t = re.sub(r"[\s.!?,;:]+$", "", t)
    t = re.sub(r"\s+", " ", t)
    return t[:1].upper() + t[1:] if t else t


def _quoted(text: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None) for m in QUOTED.finditer(text)]


def _task_id(text: str) -> int | None:
    m = TASK_REF.search(text)
    if m:
        return int(m.group(1))
    m = BARE_NUM.match(text)
    return int(m.group(1)) if m else None


def _target_words(text: str) -> str:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return " ".join(w for w in words if w not in STOP)


def parse(message: str) -> Intent:
    raw = message.strip()
    text = _strip_polite(raw)
    low = text.lower().rstrip(" ?!.")
    if not low:
        return Intent("help")
    if HELP.search(low):
        return Intent("help")
    if GREETING.match(low):
        return Intent("greet")
    if BYE.match(low):
        return Intent("bye")

    # "I need to ...", "remind me to ..." add a task, unless what follows is an order about a task
    m = ADD_NEED.match(text)
    if m and not LIST_START.match(low):
        rest = text[m.end():]
        if not re.match(r"^(?:delete|remove|complete|mark|finish|change|rename|update)\s+(?:task|todo|item|#|\d)", rest, re.I):
            if ADD_START.match(rest):
                return _parse_add(rest)
            title, desc = _split_description(rest)
            return Intent("add", title=_clean_title(title), description=desc) if title.strip() else Intent("unknown")

    # "add ...", "create ...": an add, whatever verbs its title holds ("add a task to cancel the gym")
    if ADD_START.match(low) and not re.match(rf"^\w+(?:\s+\w+)?\s+(?:{NOUN}\s*)?#?\d+\b", low):
        return _parse_add(text)

    # delete ---------------------------------------------------------------------------------
    if DELETE.search(low) and not LIST_START.match(low) or re.match(r"^(?:delete|remove|erase|drop|cancel)\b", low):
        if ALL_WORDS.search(low) and _task_id(text) is None and not _quoted(text):
            return Intent("refuse_all")
        return _with_target(Intent("delete"), text, DELETE)

    # update ---------------------------------------------------------------------------------
    if UPDATE.match(low) or re.match(r"^(?:can you |could you )?(?:change|rename|update|edit|modify)\b", low):
        intent = _parse_update(text)
        if intent is not None:
            return intent

    # complete ------------------------------------------------------------------------------
    is_question = LIST_START.match(low) is not None and not re.match(r"^(?:check off|check)\s+(?:task|#|\d)", low)
    names_done = TASK_REF.search(text) is not None and re.search(r"\b(?:done|complete|completed|finished)\b", low)
    if (COMPLETE.search(low) or names_done) and not is_question and not re.match(r"^(?:show|list)\b", low):
        return _with_target(Intent("complete"), text, COMPLETE)

    # add ------------------------------------------------------------------------------------
    if ADD_START.match(low) and not is_question:
        return _parse_add(text)

    # list -----------------------------------------------------------------------------------
    low = re.sub(r"\b(?:to[- ]?do|todo) list\b", "list", low)
    if is_question or re.search(rf"\b{NOUN}\b", low) or PENDING_WORDS.search(low) or COMPLETED_WORDS.search(low):
        if re.search(r"\b(?:not|un|in)(?:\s+yet)?\s*(?:done|completed|finished|complete)\b", low) or PENDING_WORDS.search(low):
            return Intent("list", status="pending")
        if COMPLETED_WORDS.search(low) or re.search(r"\bhave i (?:done|finished)\b", low):
            return Intent("list", status="completed")
        return Intent("list", status="all")

    if THANKS.match(low):
        return Intent("thanks")
    return Intent("unknown")


def _split_description(rest: str) -> tuple[str, str | None]:
    m = re.search(r"\s*(?:,\s*)?(?:with (?:the )?(?:description|details?|note)|described as|description:|details?:)\s*(.+)$",
                  rest, re.I)
    if m:
        return rest[:m.start()], m.group(1).strip().strip("\"'“”").strip() or None
    return rest, None


def _parse_add(text: str) -> Intent:
    q = _quoted(text)
    rest, desc = _split_description(text)
    if q:
        title = q[0]
        if desc is None and len(q) > 1 and re.search(r"description|details?|note", text, re.I):
            desc = q[1]
    else:
        rest = ADD_START.sub("", rest.strip(), count=1)
        head, colon, tail = rest.partition(":")
        filler = {"a", "an", "new", "another", "to", "on", "in", "my", "the", "list", "todo", "to-do",
                  "task", "tasks", "item", "items", "todos", "entry", "reminder", "one", "please"}
        if colon and tail.strip() and all(w in filler for w in re.findall(r"[a-z-]+", head.lower())):
            rest = tail
        rest = re.sub(rf"^\s*(?:(?:a|an|one|another|the|new|my)\s+)*(?:new\s+)?{NOUN}?\s*"
                      r"(?:(?:to|called|named|titled|that says|saying|for|about|:|-)\s+|:\s*)?", "", rest, flags=re.I)
        rest = re.sub(rf"\s+(?:to|on|in|onto)\s+(?:my|the)\s+(?:{NOUN}|list|todo list|to-do list|task list)\s*$", "", rest, flags=re.I)
        rest = re.sub(r"\s+(?:for me|please)\s*$", "", rest, flags=re.I)
        title = rest
    title = _clean_title(title)
    if not title:
        return Intent("unknown", extra={"reason": "add without a title"})
    return Intent("add", title=title, description=desc)


def _parse_update(text: str) -> Intent | None:
    low = text.lower()
    q = _quoted(text)
    desc_change = re.search(r"\b(?:description|details?|notes?)\b", low) is not None
    m = re.search(r"^(?:.*?\b(?:change|rename|update|edit|modify|retitle|reword|set)\b)\s+(?P<target>.*?)"
                  r"(?:\s+(?:to|into|as|with)|\s*:)\s+(?P<new>.+)$", text, re.I | re.S)
    if not m:
        return None
    target, new = m.group("target"), m.group("new")
    if re.fullmatch(r"\s*(?:done|complete|completed|finished)[.!]?\s*", new, re.I):
        return _with_target(Intent("complete"), target, COMPLETE)
    if q:
        new = q[-1]
        target_text = text[:text.find(q[-1]) - 1] if text.find(q[-1]) > 0 else target
        if q and len(q) > 1:
            target = q[0]
        else:
            tm = re.search(r"\b(?:change|rename|update|edit|modify|retitle|reword|set)\b\s+(.*?)\s+(?:to|into|as|with)\s*$",
                           target_text.strip(), re.I)
            target = tm.group(1) if tm else target
    target = re.sub(r"^(?:the\s+)?(?:title|name|description|details?|notes?)\s+(?:of|for|on)\s+", "", target.strip(), flags=re.I)
    target = re.sub(r"(?:'s)?\s+(?:title|name|description|details?|notes?)$", "", target, flags=re.I)
    intent = Intent("update")
    tid = _task_id(target)
    if tid is not None:
        intent.task_id = tid
    else:
        words = _target_words(target)
        if not words:
            return None
        intent.words = words
    new = new.strip()
    if desc_change and not re.search(r"\b(?:title|name)\b", low):
        intent.new_description = new.strip().strip("\"'“”").rstrip(".!")
    else:
        intent.new_title = _clean_title(new)
        if not intent.new_title:
            return None
    return intent


def _with_target(intent: Intent, text: str, verb: re.Pattern) -> Intent:
    q = _quoted(text)
    tid = _task_id(text)
    if tid is not None and not q:
        intent.task_id = tid
        return intent
    if q:
        intent.words = q[0]
        intent.extra["quoted"] = True
        return intent
    rest = verb.sub(" ", text)
    rest = re.sub(r"\b(?:mark|marked|as|complete|completed|done|finished|i|i've|i have|just|already|"
                  r"please|off|it|now|is|are|was|with|from|my list|list|the list)\b", " ", rest, flags=re.I)
    intent.words = _target_words(rest)
    if intent.words.isdigit():
        intent.task_id, intent.words = int(intent.words), None
    elif not intent.words:
        # "clear my list", "delete them": nothing names one task
        intent.extra["reason"] = f"{intent.kind} without a task"
        intent.kind = "refuse_all" if intent.kind == "delete" else "unknown"
    return intent


# ---- carrying it out ----------------------------------------------------------------------

HELP_TEXT = (
    "I manage your task list. Try: \"Add a task to buy groceries\", \"Show me all my tasks\", "
    "\"What's pending?\", \"Mark task 3 as complete\", \"Delete the meeting task\", "
    "\"Change task 1 to 'Call mom tonight'\" or \"What have I completed?\"."
)


def _fmt(tasks: list[dict[str, Any]]) -> str:
    return "\n".join(f"- [{'x' if t.get('completed') else ' '}] #{t['id']} {t['title']}" for t in tasks)


def _match(tasks: list[dict[str, Any]], words: str, quoted: bool) -> list[dict[str, Any]]:
    want = words.strip().lower()
    exact = [t for t in tasks if t["title"].strip().lower() == want]
    if exact:
        return exact
    if quoted:
        return [t for t in tasks if want in t["title"].lower()]
    needles = [w for w in re.findall(r"[a-z0-9']+", want) if w not in STOP]
    if not needles:
        return []

    def has(title_words: list[str], n: str) -> bool:
        for w in title_words:
            if w == n or (len(n) >= 3 and w.startswith(n)) or (len(w) >= 4 and n.startswith(w)):
                return True
            if len(n) >= 5 and len(w) >= 5 and w[:5] == n[:5]:
                return True
        return False

    return [t for t in tasks if all(has(re.findall(r"[a-z0-9']+", t["title"].lower()), n) for n in needles)]


class OfflineAgent:
    async def run(self, tools, history: list[dict[str, str]], message: str) -> str:
        intent = parse(message)
        follow = _follow_up(history, message)
        if follow is not None:
            intent = follow
        k = intent.kind
        if k == "help":
            return HELP_TEXT
        if k == "greet":
            return "Hello! " + HELP_TEXT
        if k == "thanks":
            return "You're welcome! Anything else for your list?"
        if k == "bye":
            return "Goodbye! Your tasks are saved."
        if k == "refuse_all":
            return ("I won't delete all your tasks on one sentence. Tell me which task to delete, "
                    "by its number or its title, one at a time.")
        if k == "unknown":
            return "Sorry, I didn't understand that. " + HELP_TEXT
        if k == "add":
            r = await tools.call("add_task", {"title": intent.title, "description": intent.description})
            return f"Added task #{r['task_id']}: {r['title']}."
        if k == "list":
            tasks = await tools.call("list_tasks", {"status": intent.status or "all"})
            label = {"all": "", "pending": "pending ", "completed": "completed "}[intent.status or "all"]
            if not tasks:
                return f"You have no {label}tasks." if label else "Your task list is empty."
            n = len(tasks)
            return f"You have {n} {label}task{'s' if n != 1 else ''}:\n{_fmt(tasks)}"
        return await self._targeted(tools, intent)

    async def _targeted(self, tools, intent: Intent) -> str:
        verb = {"delete": "delete", "complete": "complete", "update": "update"}[intent.kind]
        task_id = intent.task_id
        if task_id is None:
            tasks = await tools.call("list_tasks", {"status": "all"})
            found = _match(tasks, intent.words or "", bool(intent.extra.get("quoted")))
            if intent.kind == "complete" and len(found) > 1:
                pending = [t for t in found if not t["completed"]]
                found = pending if len(pending) == 1 else found
            if not found:
                listing = f" Your tasks:\n{_fmt(tasks)}" if tasks else " Your task list is empty."
                return f"I couldn't find a task matching \"{intent.words}\". Which one should I {verb}?{listing}"
            if len(found) > 1:
                return (f"Several tasks match \"{intent.words}\". Which one should I {verb}? "
                        f"Tell me its number:\n{_fmt(found)}")
            task_id = found[0]["id"]
        try:
            if intent.kind == "delete":
                r = await tools.call("delete_task", {"task_id": task_id})
                return f"Deleted task #{r['task_id']}: {r['title']}."
            if intent.kind == "complete":
                r = await tools.call("complete_task", {"task_id": task_id})
                return f"Marked task #{r['task_id']} as completed: {r['title']}."
            r = await tools.call("update_task", {"task_id": task_id, "title": intent.new_title,
                                                 "description": intent.new_description})
            what = "description of task" if intent.new_title is None else "task"
            return f"Updated the {what} #{r['task_id']}: {r['title']}."
        except ToolError as exc:
            if "not found" in str(exc):
                return f"There is no task #{task_id} in your list. Which one should I {verb}?"
            return f"I couldn't {verb} task #{task_id}: {exc}"


def _follow_up(history: list[dict[str, str]], message: str) -> Intent | None:
    """"Which one should I delete?" answered by "3" or "task 3" carries out the earlier request."""
    if not history or history[-1].get("role") != "assistant":
        return None
    m = re.search(r"Which one should I (delete|complete)\?", history[-1].get("content", ""))
    if not m:
        return None
    text = _strip_polite(message).rstrip(" .!?")
    if not (BARE_NUM.match(text) or re.fullmatch(rf"(?:the\s+)?(?:{NOUN}\s*)?(?:number\s*)?#?\s*\d+", text, re.I)):
        return None
    return Intent(m.group(1), task_id=_task_id(text))
