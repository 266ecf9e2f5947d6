"""The offline agent's title matcher and its reading of done / not done, on their own."""
from __future__ import annotations

import pytest

from app.agent.matching import EXACT, NONE, PREFIXES, SAME, WORDS, match, score
from app.agent.status import completion, list_status
from app.agent.words import stem, tokens


def tasks(*titles):
    return [{"id": i, "title": t} for i, t in enumerate(titles, 1)]


def ids(m):
    return [t["id"] for t in m.tasks]


@pytest.mark.parametrize("title,words,expected", [
    ("Buy groceries", "buy groceries", EXACT),
    ("Buy groceries", "  BUY   Groceries ", EXACT),
    ("Buy groceries", "bought the grocery", SAME),      # irregular past, singular
    ("Buy groceries", "buying groceries", SAME),
    ("Write report", "writing the reports", SAME),
    ("Write report", "wrote", WORDS),
    ("Call the dentist", "dentists", WORDS),
    ("Team meeting", "meet", WORDS),                     # "meeting" and "meet" share a stem
    ("Buy groceries", "groc", PREFIXES),                 # the start of a word, 4 letters or more
    ("Buy groceries", "gro", NONE),                      # too short to be a start
    ("Write report", "quarterly report", NONE),          # a word in no title: no partial credit
    ("Write report", "the", NONE),                       # nothing that can name a task
    ("Write report", "", NONE),
])
def test_score(title, words, expected):
    assert score(title, words) == expected


def test_quoted_words_are_taken_as_written():
    assert score("Call the dentist", "the dentist", quoted=True) == WORDS   # a part, word for word
    assert score("Call the dentist", "calling the dentists", quoted=True) == SAME
    assert score("Call the dentist", "dent", quoted=True) == NONE            # no word starts
    assert score("Call the dentist", "dentist call", quoted=True) == SAME    # all its words
    assert score("Call the dentist", "call dentist today", quoted=True) == NONE


def test_the_best_score_wins_over_weaker_matches():
    t = tasks("Call mom", "Call mom tonight")
    m = match(t, "call mom")
    assert (ids(m), m.score) == ([1], EXACT) and m.unique["title"] == "Call mom"
    m = match(tasks("Pay rental deposit", "Pay rent"), "rent")  # a whole word beats the start of one
    assert (ids(m), m.score) == ([2], WORDS)
    m = match(tasks("Report expenses", "Write report"), "writing the report")
    assert (ids(m), m.score) == ([2], SAME)


def test_equal_matches_are_a_tie_not_a_choice():
    m = match(tasks("Pay bill", "Pay bills"), "paid the bill")        # the same words, two forms
    assert ids(m) == [1, 2] and m.score == SAME and m.unique is None
    m = match(tasks("Call mom", "Call the dentist", "Buy milk"), "call")
    assert ids(m) == [1, 2] and m.unique is None
    m = match(tasks("Water plants", "Water plants"), "water plants")  # duplicate titles
    assert ids(m) == [1, 2] and m.score == EXACT


def test_no_match():
    m = match(tasks("Buy groceries", "Team meeting"), "vacation")
    assert m.tasks == [] and m.score == NONE and m.unique is None
    assert match([], "anything").tasks == []


def test_words():
    assert tokens("I haven't done what's left") == ["i", "have", "not", "done", "what", "left"]
    assert tokens("Dont") == ["do", "not"] and tokens("can't") == ["can", "not"]
    assert tokens("mark 'milk' as done") == ["mark", "milk", "as", "done"]
    assert stem("paid") == stem("pay") and stem("bought") == stem("buying") and stem("groceries") == stem("grocery")


@pytest.mark.parametrize("text,expected", [
    ("show my tasks", "all"),
    ("what have I finished", "completed"),
    ("what haven't I finished", "pending"),
    ("what do I have to finish", "pending"),          # work ahead, not done
    ("what is to be done", "pending"),
    ("which ones are not pending", "completed"),
    ("which are finished and which are not", "all"),  # both asked for
    ("done and not done", "all"),
    ("not the completed ones, the open ones", "pending"),
])
def test_list_status(text, expected):
    assert list_status(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("tick off the report", "complete"),
    ("cross the dentist appointment off", "complete"),
    ("set task 4 to complete", "complete"),            # a state given, not "to complete" ahead
    ("mark task 2", "complete"),
    ("mark task 2 as not done", "reopen"),
    ("uncheck the report", "reopen"),
    ("don't mark task 2 as done", "negated"),
    ("I didn't tick off the report", "negated"),
    ("I'm going to finish the report", "negated"),
    ("the report is not done yet", "negated"),
    ("delete the report", None),
    ("set up the printer", None),
])
def test_completion(text, expected):
    assert completion(text) == expected
