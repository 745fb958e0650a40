"""The finder: every number in a text, with what kind of number it is.

Runs the chunk parser over the atoms of a text and decides from the context
(`context.py`) whether each number is a quantity or a year, date, time,
ordinal, duration, identifier or name, joins ranges («۵ تا ۱۰»، «بین X و Y»،
«17-15») and changes («از X به Y»), and attaches percent markers and signs.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .atoms import SPECIAL
from .chars import LETTER
from .context import Context, expand_year, is_month, is_number_token, ndigits, next_key, year_like
from .parse import Chunk, public_value
from .patterns import (AND_GAP, CHANGE_WORD, DATE_LIST, DIGIT_ORD, DURATION_AFTER, MINUTES, MONTH_AFTER,
                       MONTH_NEED_YEAR, PCT_BEFORE, RANGE_DASH, RANGE_WORD, TIME_AFTER, WEEKDAY_AFTER, YEAR_AFTER,
                       YEAR_GLUED)
from .words import (BETWEEN, DECADE_BEFORE, ID_BEFORE, ID_GLUED, MONTH_SUFFIX, NAME_BEFORE, TIME_BEFORE, UNITS,
                    YEAR_BEFORE, YEAR_WEAK)


@dataclass(frozen=True)
class NumberMatch:
    """One number found in a text; offsets index the caller's original string."""

    start: int
    end: int
    text: str
    value: float | int | None
    low: float | int | None
    high: float | int | None
    percent: bool
    kind: str


class Finder(Context):
    """Finds the numbers of one text, left to right (`run`)."""

    def __init__(self, text: str):
        super().__init__(text)
        self.out: list[NumberMatch] = []

    def emit(self, s: int, e: int, kind: str, value=None, low=None, high=None, percent=False) -> None:
        self.out.append(NumberMatch(s, e, self.text[s:e], public_value(value), public_value(low), public_value(high), percent, kind))
        self.consumed = e

    def run(self) -> list[NumberMatch]:
        atoms, norm = self.atoms, self.norm
        i = 0
        n = len(atoms)
        while i < n:
            a = atoms[i]
            if a.start < self.consumed:
                i += 1
                continue
            if a.type in SPECIAL:
                self.special(i)
                i += 1
                continue
            ch = self.p.chunk(i)
            if ch is None:
                i += 1
                continue
            self.cur_i1 = ch.i1
            if self.vague_before(ch):
                i = ch.i1
                continue
            if ch.kind == "card" and self.try_range(ch):
                i = self.cur_i1
                continue
            pct_end = self.pct_after(ch) if ch.kind == "card" else None
            share_pct = False
            if ch.kind == "card":
                ch, share_pct = self.try_change(ch, pct_end)
            res = self.classify(ch, pct_end)
            if res is None:
                i = ch.i1
                continue
            kind, s, e, v = res
            percent = pct_end is not None or share_pct
            if kind == "quantity":
                sg = self.sign_before(ch)
                if sg is not None:
                    s, v = sg, -v
                if pct_end is None and not percent:
                    m = PCT_BEFORE.search(norm, max(0, s - 2), s)
                    if m and m.end() == s and m.start() >= self.consumed and \
                            (m.start() == 0 or not norm[m.start() - 1].isdigit()):
                        s, percent = m.start(), True
            self.emit(s, e, kind, v, percent=percent)
            i = ch.i1
        return self.out

    def special(self, i: int) -> None:
        """Emit atom i, a whole non-quantity (one of SPECIAL)."""
        a = self.atoms[i]
        if a.type == "ndate":
            self.emit(a.start, a.end, "date")
        elif a.type == "time":
            hh, mm = a.digits.split(":")[:2]
            ok = len(hh) <= 2 and len(mm) == 2 and int(hh) <= 24 and int(mm) < 60
            self.emit(a.start, a.end, "time" if ok else "identifier")
        else:
            end = a.end
            if a.type == "long":  # «123…901 میلیارد»: its scale word is no quantity either
                k = i + 1
                while k < len(self.atoms) and self.atoms[k].type == "scale" and self.p.gap(k - 1) == "sp":
                    end = self.atoms[k].end
                    k += 1
            self.emit(a.start, end, "identifier")

    def classify(self, ch: Chunk, pct_end: int | None) -> tuple[str, int, int, Fraction | int | None] | None:
        """-> (kind, start, end, value) for a non-range chunk, or None to drop it."""
        norm, atoms = self.norm, self.atoms
        s, e, v = ch.start, ch.end, ch.value
        w1, w2, _ = self.prev_tokens(s)
        if ch.kind == "ord":
            m = MONTH_AFTER.match(norm, e)
            if m and v <= 31:
                return "date", s, self.date_end(m), None
            if w1 in NAME_BEFORE:
                return "name", s, e, v
            return "ordinal", s, e, v
        if pct_end is not None:
            return "quantity", s, pct_end, v
        if ch.has_scale or ch.fraction:
            return "quantity", s, e, v
        integral = v.denominator == 1
        nd = ndigits(ch, atoms)
        if ch.plain and integral:
            m = DIGIT_ORD.match(norm, e)
            if m and not (nd == 4 and YEAR_GLUED.match(norm, e)):
                return "ordinal", s, m.end(), v
        m = DURATION_AFTER.match(norm, e)
        if m:
            return "duration", s, m.end(), v
        if integral and 1 <= v <= 31:
            m = MONTH_AFTER.match(norm, e)
            if m:
                return "date", s, self.date_end(m), None
            if DATE_LIST.match(norm, e):  # «۲۷ و ۲۸ بهمن»
                return "date", s, e, None
            m = MONTH_NEED_YEAR.match(norm, e)
            if m:
                return "date", s, m.end(), None
            if ch.words and WEEKDAY_AFTER.match(norm, e):
                return "date", s, WEEKDAY_AFTER.match(norm, e).end(), None
        nxt = next_key(norm, e)
        unit_next = nxt in UNITS
        if integral and not unit_next:
            if nd in (2, 4) and w1 in YEAR_BEFORE and not is_number_token(w2):
                return "year", s, e, v
            if (w2 + w1) in YEAR_BEFORE and nd in (2, 4):
                return "year", s, e, v
            if w1 in DECADE_BEFORE and (nd in (2, 4) or (ch.words and v % 10 == 0)):
                return "year", s, e, v
            if nd == 4:
                m = YEAR_GLUED.match(norm, e)
                if m:
                    return "year", s, m.end(), v
                if YEAR_AFTER.match(norm, e) or (w1 in YEAR_WEAK and year_like(v)):
                    return "year", s, e, v
            if nd in (2, 4) and (is_month(w1) or (w1 == MONTH_SUFFIX and is_month(w2))):
                return "date", s, e, None
        # time
        if v <= 24 and not unit_next:
            if w1 in TIME_BEFORE or TIME_AFTER.match(norm, e):
                m = MINUTES.match(norm, e)
                end = m.end() if m and int(m.group("n")) < 60 else e
                if TIME_AFTER.match(norm, end):
                    end = TIME_AFTER.match(norm, end).end()
                return "time", s, end, None
        if w1 in TIME_BEFORE and ch.plain and "/" in atoms[ch.i0].digits:
            return "time", s, e, None
        # slash "decimal" that is really a year/month date: «1398/5»
        if ch.plain and "/" in atoms[ch.i0].digits:
            y, _, mo = atoms[ch.i0].digits.partition("/")
            if len(y) == 4 and year_like(int(y)) and 1 <= int(mo) <= 12 and len(mo) <= 2:
                return "date", s, e, None
        # identifiers
        if integral and not unit_next and w1 in ID_BEFORE:
            return "identifier", s, e, v
        if atoms[ch.i0].type == "num":
            c1 = norm[s - 1] if s >= 1 else ""
            c2 = norm[s - 2] if s >= 2 else ""
            if c1 in ID_GLUED and not LETTER.match(c2 or " "):
                return "identifier", s, e, v
            if c1 == "-" and c2 and LETTER.match(c2):
                return "identifier", s, e, v
            if self.line_marker(ch):
                return "identifier", s, e, v
            if ch.plain and self.bracketed(ch):
                return "identifier", s, e, v
        if ch.bare_ambiguous and not unit_next:
            return None
        return "quantity", s, e, v

    def try_change(self, ch: Chunk, pct_end: int | None) -> tuple[Chunk, bool]:
        """«از ۳۹۵ به ۶۸۷ هزار»: share the second number's scale / percent with the first."""
        pos, kind = self.range_prefix(ch)
        if kind != "from":
            return ch, False
        after = pct_end if pct_end is not None else ch.end
        m = CHANGE_WORD.match(self.norm, after)
        if m is None:
            return ch, False
        self.cur_i1 = ch.i1
        ch2 = self.next_chunk(m)
        if ch2 is None or ch2.kind != "card":
            return ch, False
        share_pct = False
        if pct_end is None and self.pct_after(ch2) is not None:
            share_pct = True
        if not ch.has_scale and ch2.share_mult > 1 and (ch.value < 1000 or ch.value * ch2.share_mult <= ch2.value):
            ch = Chunk(ch.i0, ch.i1, ch.start, ch.end, ch.value * ch2.share_mult, "card",
                        has_scale=True, fraction=ch.fraction, plain=False, words=ch.words)
        return ch, share_pct

    def try_range(self, c1: Chunk) -> bool:
        norm = self.norm
        pct1 = self.pct_after(c1)
        after1 = pct1 if pct1 is not None else c1.end
        prefix, pkind = self.range_prefix(c1)
        sep = "word"
        m = RANGE_WORD.match(norm, after1)
        if m is None and pkind == "between":
            m = AND_GAP.match(norm, after1)
            sep = "and"
        if m is None and pct1 is None and c1.plain:
            m = RANGE_DASH.match(norm, after1)
            sep = "dash"
        if m is None or m.end() == after1:
            return False
        c2 = self.next_chunk(m)
        if c2 is None or c2.kind != "card" or self.vague_before(c2):
            return False
        if sep == "dash" and not c2.plain:
            if self.atoms[c2.i0].type != "num":
                return False
        pct2 = self.pct_after(c2)
        if pct1 is not None and pct2 is None:
            return False
        if c1.has_scale and not c2.has_scale:
            return False
        v1, v2 = c1.value, c2.value
        if not c1.has_scale and c2.share_mult > 1 and v1 * c2.share_mult <= v2:
            v1 = v1 * c2.share_mult
        if sep == "and" and pkind != "between":
            return False
        nd1, nd2 = ndigits(c1, self.atoms), ndigits(c2, self.atoms)
        start = prefix if (prefix is not None and (pkind == "between" or (pkind == "from" and sep == "word"))) \
            else c1.start
        end = pct2 if pct2 is not None else c2.end
        percent = pct2 is not None
        # what kind of range
        kind = "quantity"
        w1, w2, _ = self.prev_tokens(start)
        w1c, w2c, _ = self.prev_tokens(c1.start)
        year_ctx = bool({w1, w1c, w2 + w1, w2c + w1c} & YEAR_BEFORE)
        unit_next = next_key(norm, c2.end) in UNITS
        plain_ints = c1.plain and c2.plain and v1.denominator == 1 and v2.denominator == 1 and not percent
        if not percent and not c2.has_scale:
            md = MONTH_AFTER.match(norm, c2.end)
            du = DURATION_AFTER.match(norm, c2.end)
            if md and v2 <= 31:
                kind, end = "date", self.date_end(md)
            elif du:
                kind, end = "duration", du.end()
            elif plain_ints and not unit_next and (
                    year_ctx or {w1, w1c} & DECADE_BEFORE
                    or ({w1, w1c} & (YEAR_WEAK | BETWEEN) and nd1 == 4 and year_like(c1.value)
                        and (nd2 == 4 and year_like(c2.value) or nd2 <= 2))):
                kind = "year"
            elif (w1 in TIME_BEFORE or w1c in TIME_BEFORE) and v2 <= 24 and not unit_next:
                kind = "time"
            elif plain_ints and not unit_next and w1c in ID_BEFORE:
                kind = "identifier"
        # «۵ تا ۲۰» rises; a dash range may be written either way («17-15»), and so may
        # an abbreviated year range («۱۳۸۶ تا ۹۰», «14-2013»)
        abbreviated = kind == "year" and nd1 and nd2 and nd2 < nd1
        if sep != "dash" and not (v1 < v2 or abbreviated):
            return False
        low, high = min(v1, v2), max(v1, v2)
        if kind == "year":
            low, high = expand_year(c1.value, c2.value)
            low, high = min(low, high), max(low, high)
        elif kind == "quantity":
            sg = self.sign_before(c1) if start == c1.start else None
            if sg is not None:
                start = sg
                v1 = -v1
                low, high = min(v1, v2), max(v1, v2)
        if kind in ("date", "time"):
            low, high = (c1.value, c2.value)
        self.emit(start, end, kind, None, low, high, percent)
        self.cur_i1 = c2.i1
        return True


def find_numbers(text: str, *, quantities_only: bool = True) -> list[NumberMatch]:
    """All numbers in text, in order, with offsets into text itself.

    quantities_only=True keeps only claims-candidates (kind "quantity");
    False also returns dates, years, times, ordinals, identifiers, names and
    durations, so callers can see what was set aside and why.
    """
    found = Finder(text).run()
    if quantities_only:
        return [m for m in found if m.kind == "quantity"]
    return found
