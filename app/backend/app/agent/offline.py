"""The built-in offline agent: no model, no network beyond the MCP server, the default back end.

It understands the contract's eight commands and their usual variations (other verbs, "todo"
or "item" for task, quoted titles, a task named by its id or by words of its title in other
forms). A request that matches no task or several equally asks back instead of guessing, and
it never deletes or completes everything on one sentence. Small talk and "what can you do"
call no tool. A wrong action is worse than a question, so:

- a negated or future order ("I haven't finished the report", "don't delete it", "I'll tick
  it off later") and a request to reopen a task (no tool does that) change nothing;
- news in the title's own words ("I bought the groceries") completes a task only when it
  names the whole title; a question ("is the report done?") is answered with a list.

Done or not done, and the scope of negations ("the tasks not yet done" lists pending ones),
are read by status.py; which task a few words name, by matching.py. `parse` turns one message into an
Intent (pure, tested on a table of phrasings); `run` carries it out through the MCP tools.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.agent import matching
from app.agent.mcp_client import ToolError
from app.agent.status import completion, list_status, negated_at
from app.agent.words import IRREGULAR, content_words, tokens

NOUN = r"(?:tasks?|todos?|to-dos?|to dos?|items?|entries|entry|reminders?|things?)"
POLITE = re.compile(
    r"^(?:(?:please|pls|kindly|hey|hi|ok|okay|so|and|now|also|assistant|taskora|"
    r"can you|could you|would you|will you|would you mind|i want you to|i'd like you to|"
    r"i would like you to|go ahead and|just)\b[\s,]*)+", re.I)
# "I'd like to tick off ...", "I want to delete ...": a wish that is the order itself
WISH = re.compile(r"^(?:i'?d like to|i would like to|i want to|i wanna)\s+(?=(?:tick|check|cross|strike|mark|"
                  r"delete|remove|erase|rename|change|update|edit)\b)", re.I)
QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”|‘([^’]+)’|(?:^|(?<=[\s:(]))'([^']+)'(?=$|[\s.,!?;:)])")
TASK_REF = re.compile(rf"(?:\b{NOUN}\s*(?:number|no\.?|#)?\s*#?|#|\bnumber\s+)(\d+)\b", re.I)
BARE_NUM = re.compile(r"^\s*#?(\d+)\s*$")
ALL_WORDS = re.compile(rf"\b(?:all|every|everything|each)\b(?:\s+(?:of\s+)?(?:my|the)?\s*{NOUN})?", re.I)

GREETING = re.compile(r"^(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)|howdy|greetings)\b[\s!.,]*(?:there|taskora)?[\s!.]*$", re.I)
THANKS = re.compile(r"^(?:thanks|thank you|thx|cheers|great|awesome|nice|cool|perfect|ok|okay)\b.*$", re.I)
HELP = re.compile(r"\b(?:what can you do|what do you do|how does this work|how do (?:i|you) use|help me\b(?!\s+(?:to|with)\b)|^help\b|who are you|what are you)", re.I)
BYE = re.compile(r"^(?:bye|goodbye|see you|later|good night)\b", re.I)

LIST_START = re.compile(
    r"^(?:show|list|display|view|see|what|what's|whats|which|tell me|give me|get me|read|how many|"
    r"do i have|have i|did i|am i|is|are|was|were|has|does|any|anything|everything i|let me see|"
    r"i want to see|i'd like to see|check(?!\b.*\b(?:off|through)\b))\b", re.I)
# "tasks", "the ones", "anything": a list asked for, not one task named
GENERIC = re.compile(rf"\b(?:{NOUN}|ones|stuff|anything|everything|what|whatever)\b", re.I)
# words of an order that are not the task's name ("tick off", "mark ... as done", "I've just")
ORDER_WORDS = frozenset("""
mark marked flag set make tick ticked check checked cross crossed strike struck scratch scratched
knock knocked off through complete completed completing finish finished finishing done
accomplish accomplished close closed get got gotten as with i have has just already now is are
was be been it please list not never yet except excluding minus other rather than apart aside
""".split())
PAST_NEWS = re.compile(r"^i(?:'ve|\s+have)?(?:\s+(?:just|already|finally|now|also))*\s+(?P<verb>[a-z]+)\b")
DELETE_VERBS = {"delete", "remove", "erase", "drop", "cancel", "trash", "scrap", "get", "throw",
                "discard", "clear"}
DELETE = re.compile(r"\b(?:delete|remove|erase|drop|cancel|trash|scrap|get rid of|throw away|discard|clear)\b", re.I)
UPDATE = re.compile(r"\b(?:change|rename|update|edit|modify|retitle|reword|set)\b", re.I)
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
    kind: str  # add, list, complete, delete, update, help, greet, thanks, bye, refuse_all,
    #            negated (a negated or future order), reopen (no tool does it), unknown
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


def _is_past(word: str) -> bool:
    return word in IRREGULAR or re.fullmatch(r"[a-z]{3,}ed", word) is not None


def _target_words(text: str) -> str:
    """The words naming a task; "the task called X" is X ("called" may be the title's own verb)."""
    text = re.sub(rf"\b({NOUN}|one|something)\s+(?:called|named|titled|that says|saying)\b", r"\1", text, flags=re.I)
    return " ".join(content_words(text))


def parse(message: str) -> Intent:
    raw = message.strip()
    text = _strip_polite(raw)
    text = WISH.sub("", text, count=1)
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
    # or, without a "to", says a task is done ("I have finished the slides", "I got the report done")
    m = ADD_NEED.match(text)
    if m and not LIST_START.match(low):
        rest = text[m.end():]
        first = (tokens(rest) or [""])[0]
        done_news = not re.search(r"\bto\s*$", m.group(0), re.I) and (completion(rest) == "complete" or _is_past(first))
        if not done_news and not re.match(
                r"^(?:delete|remove|complete|mark|finish|change|rename|update)\s+(?:task|todo|item|#|\d)", rest, re.I):
            if ADD_START.match(rest):
                return _parse_add(rest)
            title, desc = _split_description(rest)
            return Intent("add", title=_clean_title(title), description=desc) if title.strip() else Intent("unknown")

    # "add ...", "create ...": an add, whatever verbs its title holds ("add a task to cancel the gym")
    if ADD_START.match(low) and not re.match(rf"^\w+(?:\s+\w+)?\s+(?:{NOUN}\s*)?#?\d+\b", low):
        return _parse_add(text)

    # delete ---------------------------------------------------------------------------------
    if DELETE.search(low) and not LIST_START.match(low) or re.match(r"^(?:delete|remove|erase|drop|cancel)\b", low):
        if negated_at(low, DELETE_VERBS):
            return Intent("negated", extra={"verb": "delete"})  # "don't delete the report"
        if ALL_WORDS.search(low) and _task_id(text) is None and not _quoted(text):
            return Intent("refuse_all")
        return _with_target(Intent("delete"), text, DELETE)

    # update ---------------------------------------------------------------------------------
    if UPDATE.match(low) or re.match(r"^(?:can you |could you )?(?:change|rename|update|edit|modify)\b", low):
        intent = _parse_update(text)
        if intent is not None:
            return intent

    # complete (or not: "I haven't finished it", "mark 3 as not done") -------------------------
    is_question = LIST_START.match(low) is not None
    said = None if is_question or re.match(r"^(?:show|list)\b", low) else completion(low)
    if said is not None:
        names_one = _task_id(text) is not None or _quoted(text) or _target_words(_without_order(text))
        if not names_one and said == "complete" and ALL_WORDS.search(low):
            return Intent("refuse_all", extra={"verb": "complete"})  # "tick off everything"
        if not names_one and GENERIC.search(low):
            return Intent("list", status=list_status(low))  # "the tasks not yet done", "finished items"
        if said == "complete":
            return _with_target(Intent("complete"), text, None)
        return Intent(said, extra={"verb": "complete"})  # reopen, negated: nothing to carry out

    # add ------------------------------------------------------------------------------------
    if ADD_START.match(low) and not is_question:
        return _parse_add(text)

    # "I bought the groceries", "I've called mom": a task reported done in its title's own words
    m = PAST_NEWS.match(low)
    if m and _is_past(m.group("verb")):
        words = _target_words(low[m.start("verb"):])
        if words:
            return Intent("complete", words=words, extra={"whole_title": True})

    # list -----------------------------------------------------------------------------------
    low = re.sub(r"\b(?:to[- ]?do|todo) list\b", "list", low)
    status = list_status(low)
    if is_question or re.search(rf"\b{NOUN}\b", low) or status != "all":
        return Intent("list", status=status)

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
    if re.fullmatch(r"\s*(?:(?:not\s+(?:yet\s+)?)?(?:done|complete|completed|finished)|pending|open|"
                    r"incomplete|unfinished|undone)[.!]?\s*", new, re.I):
        said = completion(f"set it to {new}")
        if said == "complete":
            return _with_target(Intent("complete"), target, None)
        return Intent(said or "unknown", extra={"verb": "complete"})
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


def _without_order(text: str, verb: re.Pattern | None = None) -> str:
    """The words of a request that may name a task: the order's own words taken out."""
    rest = verb.sub(" ", text) if verb is not None else text
    rest = re.sub(r"\b(?:my list|the list|from my list|off my list)\b", " ", rest, flags=re.I)
    return " ".join(w for w in tokens(rest) if w not in ORDER_WORDS)


def _with_target(intent: Intent, text: str, verb: re.Pattern | None) -> Intent:
    q = _quoted(text)
    tid = _task_id(text)
    several = sorted({int(n) for n in TASK_REF.findall(text)})
    if len(several) > 1 and not q:
        intent.extra["several"] = several  # "complete #2 and #4": one at a time, asked which first
        return intent
    if tid is not None and not q:
        intent.task_id = tid
        return intent
    if q:
        intent.words = q[0]
        intent.extra["quoted"] = True
        return intent
    intent.words = _target_words(_without_order(text, verb))
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
            verb = intent.extra.get("verb", "delete")
            return (f"I won't {verb} all your tasks on one sentence. Tell me which task to {verb}, "
                    "by its number or its title, one at a time.")
        if k == "unknown":
            return "Sorry, I didn't understand that. " + HELP_TEXT
        if k == "negated":
            return ("I've left your tasks as they are: that didn't sound like something to "
                    f"{intent.extra.get('verb', 'change')} now. Tell me if you want me to, e.g. "
                    "\"tick off task 3\".")
        if k == "reopen":
            return ("I can only mark tasks as completed, not back as pending; nothing was changed. "
                    "You can reopen a task on the task page.")
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
        if intent.extra.get("several"):
            numbers = " or ".join(f"#{n}" for n in intent.extra["several"])
            return f"I change one task at a time. Which one should I {verb} first, {numbers}?"
        task_id = intent.task_id
        if task_id is None:
            tasks = await tools.call("list_tasks", {"status": "all"})
            m = matching.match(tasks, intent.words or "", bool(intent.extra.get("quoted")))
            if intent.extra.get("whole_title") and m.score < matching.SAME:
                # news in other words than a title ("I bought milk") is no order to act on
                return ("I'm not sure what to do with that, so nothing was changed. If a task is done, "
                        "tell me which one, e.g. \"tick off task 3\".")
            found = m.tasks
            # of several equally good matches, the one still pending is the one to complete
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
    m = re.search(r"Which one should I (delete|complete)\b[^?\n]*\?", history[-1].get("content", ""))
    if not m:
        return None
    text = _strip_polite(message).rstrip(" .!?")
    if not (BARE_NUM.match(text) or re.fullmatch(rf"(?:the\s+)?(?:{NOUN}\s*)?(?:number\s*)?#?\s*\d+", text, re.I)):
        return None
    return Intent(m.group(1), task_id=_task_id(text))
