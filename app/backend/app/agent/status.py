"""Done or not done: the completion vocabulary and the scope of a negation, for the offline agent.

Words about a task's state are of two kinds: DONE words ("done", "finished", "ticked off",
"crossed off", "complete" in any form) and OPEN words ("pending", "left", "remaining", "still",
"outstanding", "unfinished", "to do"). Two things turn a DONE word into its opposite:

- a negation before it, within a few words of the same clause: "not yet done", "haven't
  finished", "isn't ticked off", "except the finished ones", "other than the completed ones"
  (and "not pending", "no longer open" turn an OPEN word to done);
- an infinitive or a modal before it, which speaks of work still ahead: "have to finish",
  "need to complete", "yet to be done", "should tick off".

`list_status` reads a list request that way: every state word is a vote, and votes that
disagree ("done and not done", "which are finished and which are not") list everything. `completion` reads an order: whether it asks to
complete a task, to reopen one, or says something negated or ahead that is no order at all.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.agent.words import stem, tokens

# verbs that complete by themselves ("tick the report", "finish task 2")
DONE_VERBS = {stem(w) for w in ("complete", "finish", "accomplish", "tick")}
# verbs that complete only with a particle after them ("check off", "cross the dentist off")
PHRASAL = {stem(w) for w in ("check", "cross", "strike", "struck", "scratch", "knock", "mark", "tick")}
PARTICLES = {"off", "through"}
# past forms that say a task is done on their own ("checked tasks", "the report is closed")
DONE_FORMS = {"done", "closed", "resolved", "checked", "crossed", "struck", "ticked", "complete",
              "completed", "finished", "accomplished"}
OPEN_FORMS = {"pending", "open", "remaining", "remain", "remains", "left", "outstanding",
              "incomplete", "uncompleted", "unfinished", "undone", "unchecked", "unticked",
              "unmarked", "due", "overdue", "active", "waiting", "still", "next", "reopened"}
OPEN_VERBS = {"reopen", "uncheck", "untick", "unmark", "uncomplete"}
OPEN_FORMS |= OPEN_VERBS
MARKERS = {"mark", "marked", "set", "make", "flag"}  # "mark task 2 (as done)"
SETTERS = MARKERS | {"change", "update", "switch", "turn", "move", "put"}
NEGATIONS = {"not", "never", "without", "except", "excluding", "minus"}
# two-word negations, by their second word: "other than", "rather than", "apart from", "no longer"
NEGATION_PAIRS = {"than": {"other", "rather"}, "from": {"apart", "aside"}, "longer": {"no"}, "more": {"no"}}
AHEAD = {"to", "will", "shall", "must", "should", "gonna", "gotta", "can", "could"}
BOUNDARY = {"and", "or", "but", "nor", "then", "while", "although", "because", ","}
NEGATION_REACH = 4   # words from a negation to the state word it turns ("not yet fully done")
AHEAD_REACH = 2      # words from "to"/"will" to the verb it governs ("will then finish")
PARTICLE_REACH = 6   # words from "cross" to its "off" ("cross the dentist appointment off")


@dataclass(frozen=True)
class StateWord:
    index: int       # position in the token list
    done: bool       # what it says after negation and tense: done (True) or not done (False)
    negated: bool
    ahead: bool
    verb: bool       # a verb a person orders with ("tick", "finish", "uncheck"), not only a state


def _tokens_keep_commas(text: str) -> list[str]:
    out: list[str] = []
    for part in text.split(","):
        out.extend(tokens(part))
        out.append(",")
    return out[:-1]


def _before(toks: list[str], i: int, words: set[str], reach: int) -> int | None:
    """Index of the nearest word of `words` at most `reach` words before i, in the same clause."""
    for j in range(i - 1, max(-1, i - 1 - reach), -1):
        if toks[j] in BOUNDARY:
            return None
        if toks[j] in words:
            return j
    return None


def _negated(toks: list[str], i: int) -> bool:
    for j in range(i - 1, max(-1, i - 1 - NEGATION_REACH), -1):
        if toks[j] in BOUNDARY:
            return False
        if toks[j] in NEGATIONS or (j > 0 and toks[j - 1] in NEGATION_PAIRS.get(toks[j], ())):
            return True
    return False


def _ahead(toks: list[str], i: int, participle: bool) -> bool:
    """Whether the state word at i speaks of work ahead: "to finish", "will tick", "to be done"."""
    if participle:  # "done", "finished": ahead only as "to be done", "will get it finished"
        j = _before(toks, i, {"be", "get"}, AHEAD_REACH)
        return j is not None and j > 0 and toks[j - 1] in AHEAD
    j = _before(toks, i, AHEAD, AHEAD_REACH)
    if j is None:
        return False
    # "set task 4 to complete", "mark it to finished": a state given to a task, not work ahead
    return not (toks[j] == "to" and _before(toks, j, SETTERS, 8) is not None)


def state_words(text: str) -> list[StateWord]:
    toks = _tokens_keep_commas(text)
    found: list[StateWord] = []
    for i, w in enumerate(toks):
        s = stem(w)
        if w == "to" and i + 1 < len(toks) and toks[i + 1] == "do" and \
                (i + 2 >= len(toks) or toks[i + 2] not in ("list", "lists")):
            neg = _negated(toks, i)
            found.append(StateWord(i, neg, neg, False, False))  # "things to do"
        elif w in OPEN_FORMS:
            neg = _negated(toks, i)
            found.append(StateWord(i, neg, neg, False, w in OPEN_VERBS))
        elif w in DONE_FORMS or s in DONE_VERBS or (s in PHRASAL and any(
                t in PARTICLES for t in toks[i + 1:i + 1 + PARTICLE_REACH])):
            neg, ahead = _negated(toks, i), _ahead(toks, i, participle=w in DONE_FORMS)
            found.append(StateWord(i, neg == ahead, neg, ahead, w not in ("done", "complete", "completed")))
    return found


def list_status(text: str) -> str:
    """'pending', 'completed' or 'all' for a request to list tasks."""
    words = state_words(text)
    votes = {w.done for w in words}
    toks = _tokens_keep_commas(text)
    if words and any(t in NEGATIONS and (i + 1 == len(toks) or toks[i + 1] in BOUNDARY | {"yet"})
                     and i > words[0].index for i, t in enumerate(toks)):
        votes.add(not words[0].done)  # "which are finished and which are not": both
    if votes == {True}:
        return "completed"
    if votes == {False}:
        return "pending"
    return "all"


def completion(text: str) -> str | None:
    """What an order says about completing a task:

    'complete'  complete it ("tick off the report", "mark 2 as finished", "the report is done")
    'reopen'    make it not done again ("mark 3 as not done", "uncheck the report")
    'negated'   a completion negated or still ahead, so no order ("I haven't finished it",
                "don't tick 3", "I will finish the report", "the report isn't done")
    None        nothing about completion
    A bare "mark task 2" (no state named) is 'complete'.
    """
    toks = _tokens_keep_commas(text)
    words = state_words(text)
    mark = next((i for i, t in enumerate(toks) if t in MARKERS), None)
    verb = next((w for w in words if w.verb), None)
    if verb is not None and (mark is None or verb.index < mark):
        if verb.negated or verb.ahead:
            return "negated"
        later = [w for w in words if w.index >= verb.index]
        return "complete" if all(w.done for w in later) else "reopen"
    if mark is not None:
        later = [w for w in words if w.index > mark]
        if not later and toks[mark] not in ("mark", "marked", "flag"):
            return None  # "set up the printer", "make dinner": no state named
        if _negated(toks, mark) or _before(toks, mark, AHEAD, AHEAD_REACH) is not None:
            return "negated"
        return "complete" if all(w.done for w in later) else "reopen"
    if not words:
        return None
    return "complete" if all(w.done for w in words) else "negated"


def negated_at(text: str, verbs: set[str]) -> bool:
    """Whether the first of `verbs` in `text` is negated: "don't delete the report"."""
    toks = _tokens_keep_commas(text)
    i = next((i for i, t in enumerate(toks) if t in verbs), None)
    return i is not None and _negated(toks, i)
