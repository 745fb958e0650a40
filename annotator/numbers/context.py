"""The context of a number: the words before it, what follows it, and the
questions the finder asks about a chunk's surroundings (is a percent marker
after it, a «بین» or «از» before it, a minus sign, a list marker...).

`Context` holds one text's atoms and the finder's position in it; the
decisions made from the answers are in `find.py`.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from fractions import Fraction

from .atoms import SPECIAL, Atom, gap_kind, tokenize
from .chars import LETTER, normalize
from .parse import Chunk, Parser
from .patterns import NEXT_WORD, PCT_AFTER
from .words import (BETWEEN, FROM, FROM_BLOCK, MONTH_KEYS, MONTH_SUFFIX, NEGATIVE, UNITS, WORDS, YEAR_BEFORE,
                    YEAR_RANGES, key)

OPENERS = "([«\"'"


def tokens_before(norm: str, pos: int) -> tuple[str, str, int]:
    """The two whitespace-separated tokens before pos (keys), and the start of the nearer one."""
    lo = max(0, pos - 60)
    s = norm[lo:pos].rstrip(" \t")
    s = s.rstrip(OPENERS).rstrip(" \t")
    end = lo + len(s)
    if not s:
        return "", "", pos
    parts = s.split()
    if lo > 0 and len(parts) <= 2 and not norm[lo - 1].isspace():
        parts = parts[1:] if parts else parts  # first piece may be cut
    if not parts:
        return "", "", pos
    w1 = parts[-1]
    w2 = parts[-2] if len(parts) > 1 else ""
    bare = w1.lstrip(OPENERS)
    return key(bare), key(w2.lstrip(OPENERS)), end - len(bare)


def next_key(norm: str, pos: int) -> str:
    m = NEXT_WORD.match(norm, pos)
    return key(m.group(1)) if m else ""


def is_number_token(tok: str) -> bool:
    return bool(tok) and (tok[0].isdigit() or WORDS.get(tok, ("ord",))[0] not in ("ord", "ordsup"))


def is_month(tok: str) -> bool:
    """«آبان», «آبان‌ماه» (key without ZWNJ), not the ambiguous «مه»/«می»."""
    return tok in MONTH_KEYS or (tok.endswith(MONTH_SUFFIX) and tok[: -len(MONTH_SUFFIX)] in MONTH_KEYS)


def year_like(v: Fraction | int) -> bool:
    return v.denominator == 1 and any(lo <= v <= hi for lo, hi in YEAR_RANGES)


def ndigits(ch: Chunk, atoms: list[Atom]) -> int:
    """Digit count of a plain integer chunk, else 0."""
    if not ch.plain:
        return 0
    d = atoms[ch.i0].digits
    return len(d) if d.isdigit() else 0


def expand_year(a: Fraction | int, b: Fraction | int) -> tuple[Fraction | int, Fraction | int]:
    """«۱۳۸۶ تا ۹۰» / «14-2013»: complete an abbreviated year from the other end."""
    sa, sb = str(int(a)), str(int(b))
    if len(sa) == 4 and len(sb) < 4:
        b = int(sa[: 4 - len(sb)] + sb)
    elif len(sb) == 4 and len(sa) < 4:
        a = int(sb[: 4 - len(sa)] + sa)
    return a, b


class Context:
    """One text, its atoms, and what is around each chunk of it.

    `consumed` is the end of the last number found: the text before it is
    used up, and no context is taken from it.
    """

    def __init__(self, text: str):
        self.text = text
        self.norm = normalize(text)
        self.atoms, self.vague_ends = tokenize(self.norm)
        self.starts = [a.start for a in self.atoms]
        self.p = Parser(self.norm, self.atoms)
        self.consumed = 0  # end of the last match: context before it is used up
        self.cur_i1 = 0  # atom index after the chunk being handled
        self._prev: dict[int, tuple[str, str, int]] = {}
        self._pct: dict[int, int | None] = {}

    def prev_tokens(self, pos: int) -> tuple[str, str, int]:
        """prev_tokens(self.norm, pos), computed once per position."""
        r = self._prev.get(pos)
        if r is None:
            r = self._prev[pos] = tokens_before(self.norm, pos)
        return r

    def pct_after(self, ch: Chunk) -> int | None:
        """End of a percent marker right after ch, else None (computed once per offset)."""
        e = ch.end
        if e not in self._pct:
            m = PCT_AFTER.match(self.norm, e)
            self._pct[e] = m.end() if m else None
        return self._pct[e]

    def vague_before(self, ch: Chunk) -> bool:
        k = ch.start
        while k > 0 and self.norm[k - 1] in " \t\u200c":
            k -= 1
        return k in self.vague_ends

    def sign_before(self, ch: Chunk) -> int | None:
        """Start offset of a minus sign / «منفی» that negates ch, else None."""
        norm, s = self.norm, ch.start
        if s > 0 and norm[s - 1] in "-−" and self.atoms[ch.i0].type == "num" and s - 1 >= self.consumed:
            before = norm[s - 2] if s >= 2 else " "
            if not (before.isdigit() or LETTER.match(before)):
                k = s - 2
                while k >= 0 and norm[k] in " \t":
                    k -= 1
                if k < 0 or not norm[k].isdigit():
                    return s - 1
        w1, _, w1s = self.prev_tokens(s)
        if w1 in NEGATIVE and w1s >= self.consumed:
            return w1s
        return None

    def range_prefix(self, ch: Chunk) -> tuple[int | None, str]:
        w1, w2, w1s = self.prev_tokens(ch.start)
        if w1s < self.consumed:
            return None, ""
        if w1 in BETWEEN:
            return w1s, "between"
        if w1 in YEAR_BEFORE and w2 in BETWEEN:  # «بین سال‌های ۱۳۹۰ و ۱۳۹۵»
            return ch.start, "between"
        if w1 in FROM and w2 not in FROM_BLOCK:
            return w1s, "from"
        return None, ""

    def next_chunk(self, m: re.Match | None) -> Chunk | None:
        """The chunk whose first atom starts where separator m ended."""
        if m is None:
            return None
        for k in range(self.cur_i1, min(self.cur_i1 + 2, len(self.atoms))):
            a = self.atoms[k]
            if a.start == m.end() and a.type not in SPECIAL:
                return self.p.chunk(k)
        return None

    def date_end(self, m: re.Match) -> int:
        """End of a date: the month, and the year after it when it is one («۲۳ آبان ۱۴۰۴»)."""
        y = m.group("y")
        if y is not None and len(y) in (2, 4):
            ye = m.end("y")
            if next_key(self.norm, ye) not in UNITS and not PCT_AFTER.match(self.norm, ye) \
                    and not self.scale_at(ye):
                return ye
        return m.end("m")

    def scale_at(self, pos: int) -> bool:
        """Is a scale word the next atom after pos (so a number there is not a year)?"""
        k = bisect_left(self.starts, pos)
        if k < len(self.atoms):
            a = self.atoms[k]
            return a.type == "scale" and gap_kind(self.norm, pos, a.start) == "sp"
        return False

    def line_marker(self, ch: Chunk) -> bool:
        """«1- ...», «2) ...» at the start of a line: list numbering."""
        norm, s = self.norm, ch.start
        k = s - 1
        while k >= 0 and norm[k] in " \t\u200c":
            k -= 1
        if k >= 0 and norm[k] != "\n":
            return False
        e = ch.end
        return e + 1 < len(norm) and norm[e] in "-.)" and norm[e + 1] in " \t"

    def bracketed(self, ch: Chunk) -> bool:
        """«[4]», «(21)», «﴿79﴾»: references and footnotes."""
        norm, s, e = self.norm, ch.start, ch.end
        pairs = {"[": "]", "(": ")", "﴿": "﴾", "﴾": "﴿"}
        return s >= 1 and e < len(norm) and pairs.get(norm[s - 1]) == norm[e]
