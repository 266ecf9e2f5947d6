"""Which task a person means when they name it by words rather than by number.

Each task is scored by how well the words match its title, from the strongest to the weakest:

  EXACT     the title itself (case and spaces aside)
  SAME      the same words in other forms: "bought the grocery" for "Buy groceries"
  WORDS     every word given is a word of the title, in some form: "groceries", "the dentist"
  PREFIXES  every word given is a word of the title or the start of one (4+ letters): "groc"

Only the tasks of the best score found are returned. One task is an answer; several are a tie,
and the agent asks which one rather than choosing (a wrong action is worse than a question). A
word that is in no title means no match at all: a request is never matched on some of its words.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.agent.words import STOP, content_stems, content_words, stem, tokens

EXACT, SAME, WORDS, PREFIXES, NONE = 4, 3, 2, 1, 0
PREFIX_MIN = 4


@dataclass(frozen=True)
class Match:
    tasks: list[dict[str, Any]]  # the tasks of the best score, oldest first
    score: int                   # EXACT ... NONE

    @property
    def unique(self) -> dict[str, Any] | None:
        return self.tasks[0] if len(self.tasks) == 1 else None


def _norm(text: str) -> str:
    return " ".join(tokens(text))


def score(title: str, words: str, quoted: bool = False) -> int:
    """How well `words` name a task called `title` (EXACT ... NONE)."""
    if _norm(title) == _norm(words) and _norm(words):
        return EXACT
    if quoted and _norm(words) and f" {_norm(words)} " in f" {_norm(title)} ":
        return WORDS  # a quoted part of a title, word for word
    want, have = content_stems(words), content_stems(title)
    if not want or not have:
        return NONE
    if sorted(set(want)) == sorted(set(have)):
        return SAME
    if quoted:
        return NONE  # quotes ask for these words as written, not for some of them
    if all(w in have for w in want):
        return WORDS
    title_words = set(have) | {w for w in tokens(title) if w not in STOP}
    if all(_starts_some(w, title_words) for w in content_words(words)):
        return PREFIXES
    return NONE


def _starts_some(word: str, title_words: set[str]) -> bool:
    if stem(word) in title_words:
        return True
    return len(word) >= PREFIX_MIN and any(t.startswith(word) or t.startswith(stem(word)) for t in title_words)


def match(tasks: list[dict[str, Any]], words: str, quoted: bool = False) -> Match:
    scored = [(score(t["title"], words, quoted), t) for t in tasks]
    best = max((s for s, _ in scored), default=NONE)
    if best == NONE:
        return Match([], NONE)
    return Match([t for s, t in scored if s == best], best)
