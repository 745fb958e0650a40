"""Characters: the same-length normalization that matching runs on, and the
character classes the regexes are built from.

The text is never modified. Matching runs on a normalized copy of the same
length (letter variants and digit sets from the one character table,
`annotator.lang.normalize.fold_table`; ٫ ٬ ٪, Unicode spaces and invisible
marks from `char_map` of `data/numbers.json`), so every offset into the
copy is an offset into the caller's string.
"""
from __future__ import annotations

import re

from annotator.lang.normalize import fold_table

from .words import DATA

ZWNJ = "\u200c"
# A letter, Persian or Latin: numbers do not start or end inside a word.
L = "[\u0621-\u063A\u0640-\u064A\u066E\u066F\u0671-\u06D3\u06D5\u06EE\u06EF\u06FA-\u06FC\u06FFA-Za-z]"
LETTER = re.compile(L)
PERSIAN_LETTERS = L[1:-1].replace("A-Za-z", "")  # L without Latin, as a class body
J = "[ \\t\u200c]"  # joiner inside an expression: space, tab, ZWNJ (never a newline)
JOINERS = " \t\u200c"  # the characters of J


def _build_table() -> dict[int, str]:
    table: dict[int, str] = dict(fold_table("0123456789"))
    for src, dst in DATA["char_map"].items():
        if len(src) != 1 or len(dst) != 1:
            raise ValueError(f"char_map entries must be single characters: {src!r}")
        table[ord(src)] = dst
    return table


TABLE = _build_table()
# str.translate is slow on non-ASCII text; replacing just the characters present is
# much faster and gives the same string, as no replacement is itself mapped again.
_REPLACEMENTS = tuple((chr(k), v) for k, v in TABLE.items())
if {v for _, v in _REPLACEMENTS} & {k for k, _ in _REPLACEMENTS}:
    raise ValueError("char_map/digit_sets: a replacement must not itself be mapped")


def normalize(text: str) -> str:
    """text.translate(TABLE): same length, so offsets into it are offsets into text."""
    for src, dst in _REPLACEMENTS:
        if src in text:
            text = text.replace(src, dst)
    return text
