"""Regexes built from the word lists: the borders of a number atom and the
context around a number (percent markers, months, durations, range words).

All run on the normalized text of `chars.normalize`; the master regex that
finds the atoms themselves is in `atoms.py`.
"""
from __future__ import annotations

import re
from typing import Iterable

from .chars import J, L, LETTER
from .words import AND, CARDINAL_WORDS, DATA, MONTHS_ALL


def alt(words: Iterable[str]) -> str:
    """Regex alternation of words, longest first; ZWNJ/space inside a word is optional."""
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        pieces = re.split("[ \u200c]", w)
        parts.append(f"{J}?".join(re.escape(p) for p in pieces))
    return "(?:" + "|".join(parts) + ")"


CARD_ALT = alt(CARDINAL_WORDS)
PCT_WORDS = [w for w in DATA["percent_markers"] if LETTER.match(w)]
PCT_SIGNS = alt(w for w in DATA["percent_markers"] if not LETTER.match(w))
PCT_ALT = alt(PCT_WORDS)
DURATION_ALT = alt(DATA["duration_suffixes"])
MONTH_ALT = alt(MONTHS_ALL)
DIGIT_ORD_ALT = alt(DATA["digit_ordinal_suffixes"])
WEEKDAY = re.escape(DATA["weekday_suffix"])

# Where an atom may start and end: not inside a word, except that a «و» may be
# glued before it («وسه»), and a percent word or «و» + number may follow it.
LEFT = f"(?:(?<!{L})|(?<=[ \\t\u200c0-9]{AND}))"
RIGHT = f"(?:(?!{L})|(?={PCT_ALT})|(?={AND}{J}*(?:[0-9]|{CARD_ALT})))"
END = f"(?!{L})"

AND_GAP = re.compile(f"{J}*{AND}{J}*")
PCT_AFTER = re.compile(f"{J}*(?:{PCT_SIGNS}|{PCT_ALT}(?:{DATA['percent_marker_suffix']})?{END})")
PCT_BEFORE = re.compile(f"{PCT_SIGNS}[ \t]?")
DURATION_AFTER = re.compile(f"{J}*{DURATION_ALT}{END}")
MONTH_AFTER = re.compile(
    f"{J}*(?P<m>{MONTH_ALT}(?:{J}?{re.escape(DATA['month_suffix'])})?){END}"
    f"(?:[ \\t]+(?P<y>[0-9]{{2,4}})(?![0-9.,/:]))?"
)
MONTH_NEED_YEAR = re.compile(
    f"{J}*{alt(DATA['months_need_year'])}[ \\t]+(?P<y>[0-9]{{4}})(?![0-9.,/:])"
)
DATE_LIST = re.compile(f"{J}*(?:{AND}|،|,){J}*[0-9]{{1,2}}{J}*{MONTH_ALT}{END}")
WEEKDAY_AFTER = re.compile(f"{J}*{WEEKDAY}{END}")
DIGIT_ORD = re.compile(f"(?:[\u200c-]?{DIGIT_ORD_ALT}){END}")
YEAR_GLUED = re.compile(f"{alt(DATA['year_glued_suffixes'])}{END}")
YEAR_AFTER = re.compile(f"{J}*{alt(DATA['year_after'])}{END}")
TIME_AFTER = re.compile(f"{J}*{alt(DATA['time_after'])}{END}")
MINUTES = re.compile(f"{J}*{AND}{J}*(?P<n>[0-9]{{1,2}}){J}*{re.escape(DATA['minute_word'])}{END}")
RANGE_WORD = re.compile(f"{J}*{alt(DATA['range_connectors'])}{END}{J}*")
RANGE_DASH = re.compile(f"[ \\t]*{alt(DATA['range_dashes'])}[ \\t]*")
CHANGE_WORD = re.compile(f"{J}*{alt(DATA['change_to'])}{END}{J}*")
NEXT_WORD = re.compile(f"{J}*({L}+(?:\u200c{L}+)*)")
# After a number word, a ZWNJ may lead only into one of these («سه‌درصد», «ده‌ماهه»).
ZWNJ_CONT = re.compile(f"\u200c(?:{PCT_ALT}|{DURATION_ALT}|{WEEKDAY}|{MONTH_ALT}|{DIGIT_ORD_ALT}){END}")
