"""Words for the offline agent: tokens with contractions spelled out, and word forms reduced to
one stem, so that "bought groceries", "buying the grocery" and "Buy groceries" compare equal.

Stems come from the Snowball English (Porter 2) stemmer, `snowballstemmer` pinned in
requirements.txt. A stemmer only strips suffixes, so a short table maps the irregular verb forms
a person is likely to use about a to-do ("paid the bills", "wrote the report") to their base
form first; it is a vocabulary, not a list of phrasings.
"""
from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")

# n't, 're, ... spelled out, with or without the apostrophe ("dont", "havent"); "'s" dropped
_WHOLE = {"can't": "can not", "cant": "can not", "won't": "will not", "wont": "will not",
          "shan't": "shall not", "ain't": "is not"}
_NOT_PLAIN = ("dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "havent", "hasnt",
              "hadnt", "wouldnt", "shouldnt", "couldnt", "mustnt", "neednt")
_SUFFIXES = {"n't": " not", "'re": " are", "'ve": " have", "'ll": " will", "'m": " am", "'d": " would", "'s": ""}
_CONTRACTION = re.compile(
    rf"\b({'|'.join(map(re.escape, _WHOLE))})\b|\b({'|'.join(_NOT_PLAIN)})\b|(?<=[a-z])(n't|'re|'ve|'ll|'m|'d|'s)\b")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _spell_out(m: re.Match) -> str:
    whole, plain, suffix = m.groups()
    if whole:
        return _WHOLE[whole]
    if plain:
        return plain[:-2] + " not"
    return _SUFFIXES[suffix]


IRREGULAR = {
    "bought": "buy", "paid": "pay", "wrote": "write", "written": "write", "sent": "send",
    "made": "make", "took": "take", "taken": "take", "went": "go", "gone": "go", "met": "meet",
    "ran": "run", "ate": "eat", "eaten": "eat", "brought": "bring", "got": "get", "gotten": "get",
    "gave": "give", "given": "give", "found": "find", "told": "tell", "sold": "sell", "kept": "keep",
    "built": "build", "drove": "drive", "driven": "drive", "fed": "feed", "spoke": "speak",
    "spoken": "speak", "chose": "choose", "chosen": "choose", "began": "begin", "begun": "begin",
    "threw": "throw", "thrown": "throw", "caught": "catch", "taught": "teach", "drew": "draw",
    "drawn": "draw", "forgot": "forget", "forgotten": "forget", "spent": "spend", "lent": "lend",
    "hid": "hide", "hidden": "hide", "woke": "wake", "woken": "wake", "wore": "wear", "worn": "wear",
    "swept": "sweep", "left": "leave", "did": "do", "done": "do", "children": "child", "men": "man",
    "women": "woman", "people": "person", "feet": "foot", "teeth": "tooth", "mice": "mouse",
}

# words that never tell one task from another; removed from both a request and the titles
STOP = frozenset("""
a an the my our your his her their its this that these those one ones some any
task tasks todo todos to-do to-dos item items entry entries reminder reminders thing things stuff list
about for with of on in at to from by as into onto off out up
please pls just already now yet still also again finally really
i me we us you it them is are was were be been am have has had do does did
which says say said and or all every everything each
""".split())


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[str, ...]:
    t = text.lower().replace("’", "'").replace("‘", "'")
    return tuple(_WORD.findall(_CONTRACTION.sub(_spell_out, t)))


def tokens(text: str) -> list[str]:
    """Lower-case words; contractions spelled out ("haven't" -> "have", "not"); "'s" dropped."""
    return list(_tokens(text))


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    word = word.lower()
    return _STEMMER.stemWord(IRREGULAR.get(word, word))


def content_words(text: str) -> list[str]:
    """The words of `text` that can name a task, in order."""
    return [w for w in tokens(text) if w not in STOP]


def content_stems(text: str) -> list[str]:
    return [stem(w) for w in content_words(text)]
