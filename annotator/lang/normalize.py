"""The matching form of Persian text, from one table of character variants.

Persian news mixes Arabic and Persian letter forms (ي/ی, ك/ک), three digit
sets, diacritics, tatweel and ZWNJ-or-space-or-nothing inside compounds. The
matchers compare forms in which all of those variants collapse to one.
`annotator/data/characters.json` is the one table of those variants; this
module turns it into the translation tables the rest of the package uses:

* `normalize`: a token's norm (`token.norm_`, installed by
  `annotator.lang.lex_attrs`): letters and digits folded, marks and spaces
  removed;
* `fold`: a same-length fold of letters and digits, for code that must keep
  offsets into the original string (the number parser);
* `letter_class`: a regex class of a letter and its variants, for patterns
  that run on raw text (the tokenizer's affixes).

The user's text is never rewritten: these forms are for matching only.
No spaCy here, so the number parser can use it on plain strings.
"""
from __future__ import annotations

import re
from functools import lru_cache

from hazm.constants import NUMBERS_DST, NUMBERS_SRC, TRANSLATION_DST, TRANSLATION_SRC

from annotator.lexicons import read_json

_CHARS = read_json("characters.json")
LETTERS: dict[str, str] = dict(_CHARS["letters"])
DIGIT_SETS: tuple[str, ...] = tuple(_CHARS["digits"])
MARKS: str = "".join(_CHARS["marks"].values())
SPACES: str = _CHARS["spaces"]


def _norm_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for src, dst in zip(TRANSLATION_SRC, TRANSLATION_DST):
        if src != " ":
            table[ord(src)] = dst
    # hazm's digit table writes Persian digits: the norm keeps that form.
    for src, dst in zip(NUMBERS_SRC, NUMBERS_DST):
        table[ord(src)] = dst
    for src, dst in LETTERS.items():
        table[ord(src)] = dst
    for ch in MARKS + SPACES:
        table[ord(ch)] = None
    return table


_NORM = _norm_table()


def normalize(text: str) -> str:
    """The matching form of one token's text.

    Spaces are dropped too, so a token the tokenizer joined across a space
    («سازمان های») shares its norm with «سازمان‌های» and «سازمانهای». A token
    made only of deleted marks keeps its text, so no norm is empty.
    """
    out = text.translate(_NORM).lower()
    return out if out else text


def normalize_all(texts: list[str]) -> list[str]:
    """`normalize` of each text, in one pass over their join: word lists of
    six figures load in a fraction of the time. The separator is a control
    character no table maps, so the pieces come back one for one."""
    joined = "\x1f".join(texts)
    if "\x1f" in joined.replace("\x1f", "", len(texts) - 1):
        return [normalize(t) for t in texts]  # a text holds the separator itself
    outs = joined.translate(_NORM).lower().split("\x1f")
    return [out if out else text for out, text in zip(outs, texts)]


@lru_cache(maxsize=4)
def fold_table(digits: str = "0123456789") -> dict[int, str]:
    """Same-length translation: variant letters to the standard letter, every
    digit set to `digits`."""
    table = {ord(src): dst for src, dst in LETTERS.items()}
    for digit_set in DIGIT_SETS:
        for value, ch in enumerate(digit_set):
            if ch != digits[value]:
                table[ord(ch)] = digits[value]
    return table


def fold(text: str, digits: str = "0123456789") -> str:
    """`text` with letters and digits folded, character for character, so an
    offset into the result is an offset into `text`."""
    return text.translate(fold_table(digits))


def letter_class(letter: str) -> str:
    """A regex matching `letter` or any of its variant spellings («ی» →
    «[یيى]»); other characters are escaped as they are."""
    variants = [src for src, dst in LETTERS.items() if dst == letter and len(src) == 1]
    if not variants:
        return re.escape(letter)
    return "[" + letter + "".join(variants) + "]"
