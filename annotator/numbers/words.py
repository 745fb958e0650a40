"""The word tables of `data/numbers.json`: number words and context words.

Tables are keyed by `key(word)` (no ZWNJ, spaces or diacritics), so a lookup
ignores how a writer joined or vowelled a word. The regexes built from the
same lists are in `patterns.py` and `atoms.py`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from annotator.lang.normalize import fold
from annotator.lexicons import read_json

def _folded(value):
    """Every word of the tables in the matching form of the text they are
    looked up in: letter variants folded by the one character table
    («ژوئن» -> «ژوین», as the text is folded before matching)."""
    if isinstance(value, str):
        return fold(value)
    if isinstance(value, list):
        return [_folded(v) for v in value]
    if isinstance(value, dict):
        return {_folded(k): _folded(v) for k, v in value.items()}
    return value


DATA: dict = {k: (v if k == "char_map" or k.startswith("_") else _folded(v)) for k, v in read_json("numbers.json").items()}

_DIACRITICS = re.compile("[\u064B-\u065F\u0670]")


@lru_cache(maxsize=1 << 16)
def key(word: str) -> str:
    """Lookup key: no ZWNJ, no spaces, no diacritics."""
    return _DIACRITICS.sub("", word.replace("\u200c", "").replace(" ", "").replace("\t", ""))


def keyset(words: Iterable[str]) -> frozenset[str]:
    return frozenset(key(w) for w in words)


def _word_table() -> dict[str, tuple[str, int]]:
    """key -> (atom type, value) for every number word, ordinals included."""
    table: dict[str, tuple[str, int]] = {}
    for kind, name in (("zero", "zero"), ("unit", "units"), ("teen", "teens"), ("ten", "tens"),
                       ("hund", "hundreds"), ("scale", "scales")):
        for w, v in DATA[name].items():
            table[key(w)] = (kind, v)
    for w in DATA["half"]:
        table[key(w)] = ("half", 0)
    for w, v in DATA["ordinals"].items():
        table[key(w)] = ("ord", v)
        table[key(w + SUPERLATIVE)] = ("ordsup", v)
    return table


SUPERLATIVE = DATA["ordinal_superlative_suffix"]  # «سومین»
WORDS = _word_table()

CARDINAL_WORDS: list[str] = [w for n in ("zero", "units", "teens", "tens", "hundreds", "scales")
                             for w in DATA[n]] + DATA["half"]
ORDINAL_WORDS: list[str] = list(DATA["ordinals"]) + [w + SUPERLATIVE for w in DATA["ordinals"]]
GLUE_BASES: list[str] = [w for n in ("units", "teens", "tens", "hundreds") for w in DATA[n]]  # «دوهزار»
MONTHS_ALL: list[str] = DATA["months_persian"] + DATA["months_gregorian"] + DATA["months_hijri"]
AND: str = DATA["and_word"]

DEN_LO, DEN_HI = DATA["fraction_denominator_range"]
YEAR_RANGES: list[tuple[int, int]] = [tuple(r) for r in DATA["year_like_ranges"]]

AMBIGUOUS = keyset(DATA["ambiguous_bare"])
UNITS = keyset(DATA["unit_words"])
YEAR_BEFORE = keyset(DATA["year_before"])
DECADE_BEFORE = keyset(DATA["decade_before"])
YEAR_WEAK = keyset(DATA["year_before_weak"])
TIME_BEFORE = keyset(DATA["time_before"])
ID_BEFORE = keyset(DATA["identifier_before"])
ID_GLUED = frozenset(DATA["identifier_glued_letters"])
NAME_BEFORE = keyset(DATA["name_before"])
NEGATIVE = keyset(DATA["negative_words"])
BETWEEN = keyset(DATA["range_between"])
FROM = keyset(DATA["range_from"])
FROM_BLOCK = keyset(DATA["range_from_blockers"])
MONTH_KEYS = keyset(MONTHS_ALL)
MONTH_SUFFIX = key(DATA["month_suffix"])
