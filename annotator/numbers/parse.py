"""The chunk parser: a run of atoms that forms one number, and its value.

Handles number words («سیصد و بیست و پنج»), digits with scale words
(«۲.۵ میلیارد», «۱۲ هزار و ۵۰۰ میلیارد»), fractions («یک سوم», «۳ چهارم»),
«و نیم», and compound ordinals. Context (ranges, percents, years, dates) is
the finder's job (`find.py`); `parse_number` is this parser alone, for a
string that is one number.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .atoms import Atom, gap_kind, tokenize
from .chars import normalize
from .patterns import PCT_AFTER
from .words import AMBIGUOUS, DEN_HI, DEN_LO, NEGATIVE, key

# The range of a signed 64-bit integer: larger integral values are given as floats.
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


@dataclass(slots=True)
class Chunk:
    """One number: atoms i0..i1-1, a cardinal or an ordinal, with what the
    finder needs to know about how it was written."""

    i0: int
    i1: int  # atom index after the chunk
    start: int
    end: int
    value: Fraction | int
    kind: str  # card | ord
    has_scale: bool = False
    share_mult: int = 1  # the scale of a single-group chunk, to share with a range's first end
    fraction: bool = False
    plain: bool = False  # one digit atom, nothing else
    bare_ambiguous: bool = False
    words: bool = False  # made only of words


class Parser:
    """Reads chunks from the atoms of one normalized text."""

    __slots__ = ("norm", "atoms", "n")

    def __init__(self, norm: str, atoms: list[Atom]):
        self.norm, self.atoms, self.n = norm, atoms, len(atoms)

    def gap(self, i: int) -> str | None:
        """How atom i and atom i+1 are joined: "sp", "and" or None."""
        if i + 1 >= self.n:
            return None
        return gap_kind(self.norm, self.atoms[i].end, self.atoms[i + 1].start)

    def is_den(self, i: int, numerator: Fraction | int) -> bool:
        a = self.atoms[i] if i < self.n else None
        return (a is not None and a.type == "ord" and DEN_LO <= a.value <= DEN_HI
                and a.value > numerator)

    def tens(self, i: int):
        """ten [و unit|ordinal] | teen | unit -> (value, next, is_ordinal)."""
        a = self.atoms[i]
        if a.type == "ten":
            if self.gap(i) == "and":
                b = self.atoms[i + 1]
                if b.type == "unit":
                    return a.value + b.value, i + 2, False
                if b.type in ("ord", "ordsup") and b.value < 10:
                    return a.value + b.value, i + 2, True
            return a.value, i + 1, False
        return a.value, i + 1, False

    def small(self, i: int):
        """A number below the scale words -> (value, next, flags) or None.

        flags: "ord" (ordinal compound), "frac" (fraction), "half" (bare نیم).
        """
        a = self.atoms[i]
        t = a.type
        if t == "num":
            v, j = a.value, i + 1
            if v.denominator == 1 and 1 <= v < 100 and self.gap(i) == "sp" and self.is_den(j, v):
                return Fraction(v, self.atoms[j].value), j + 1, "frac"
        elif t == "half":
            return Fraction(1, 2), i + 1, "half"
        elif t == "zero":
            return 0, i + 1, ""
        elif t in ("hund", "unit", "teen", "ten"):
            v = None
            j = i
            if t == "hund":
                v, j = a.value, i + 1
            elif t == "unit" and self.gap(i) == "sp" and self.atoms[i + 1].type == "hund" \
                    and self.atoms[i + 1].value == 100:
                v, j = a.value * 100, i + 2
            if v is not None:
                if self.gap(j - 1) == "and":
                    b = self.atoms[j]
                    if b.type in ("ten", "teen", "unit"):
                        tv, j, is_ord = self.tens(j)
                        v += tv
                        if is_ord:
                            return v, j, "ord"
                    elif b.type in ("ord", "ordsup") and b.value < 100:
                        return v + b.value, j + 1, "ord"
            else:
                tv, j, is_ord = self.tens(i)
                v = tv
                if is_ord:
                    return v, j, "ord"
            if v >= 1 and self.gap(j - 1) == "sp" and self.is_den(j, v):
                return Fraction(v, self.atoms[j].value), j + 1, "frac"
        else:
            return None
        if self.gap(j - 1) == "and" and self.atoms[j].type == "half":
            return v + Fraction(1, 2), j + 1, ""
        return v, j, ""

    def chunk(self, i: int) -> Chunk | None:
        atoms = self.atoms
        a = atoms[i]
        if a.type in ("ord", "ordsup"):
            return Chunk(i, i + 1, a.start, a.end, a.value, "ord", words=True)
        total = 0
        last = 0
        groups = 0
        end_i = i
        j = i
        kind = "card"
        has_scale = fraction = False
        share = 1
        while True:
            r = self.small(j)
            if r is None:
                if groups == 0 and atoms[j].type == "scale":
                    v, k, flag = 1, j, ""
                else:
                    break
            else:
                v, k, flag = r
            if groups and (flag == "frac" or (flag != "half" and v.denominator != 1)):
                break  # «۲.۵ میلیارد و ۱.۲ میلیون» is a list, not one number
            if flag == "ord":
                if groups and v >= last:
                    break
                total += v
                end_i, kind = k, "ord"
                break
            mult = 1
            m = k
            while m < self.n and atoms[m].type == "scale" and atoms[m].value > mult \
                    and (m == j or self.gap(m - 1) == "sp"):
                mult *= atoms[m].value
                m += 1
            if groups == 0:
                total, last, share = v * mult, mult, mult
            elif flag == "half" and mult == 1:
                total += Fraction(last, 2)
                last = 1
            elif mult == 1:
                if v >= last:
                    break
                total += v
                last = 1
            elif mult < last:
                total += v * mult
                last = mult
            elif mult > last and last == 1000 and total < 1000000:
                # «۱۲ هزار و ۵۰۰ میلیارد» = 12,500 billion
                total = (total + v) * mult
                last = mult
            else:
                break
            groups += 1
            end_i = m
            has_scale = has_scale or mult > 1
            fraction = fraction or flag == "frac"
            if flag == "frac" or last == 1 or m >= self.n or self.gap(m - 1) != "and":
                break
            j = m
        if groups == 0 and kind != "ord":
            return None
        first = atoms[i]
        only = end_i == i + 1
        return Chunk(
            i, end_i, first.start, atoms[end_i - 1].end, total, kind,
            has_scale=has_scale,
            share_mult=share if groups == 1 else 1,
            fraction=fraction,
            plain=only and first.type == "num",
            bare_ambiguous=only and first.type == "unit" and key(self.norm[first.start:first.end]) in AMBIGUOUS,
            words=all(atoms[x].type != "num" for x in range(i, end_i)),
        )


def public_value(v: Fraction | int | None) -> int | float | None:
    """A value as callers see it: an int when integral and within a signed
    64-bit integer (what JSON writers such as orjson can hold), else a float."""
    if v is None:
        return None
    if v.denominator == 1 and _INT64_MIN <= v <= _INT64_MAX:
        return int(v)
    try:
        return float(v)
    except OverflowError:  # beyond 1e308: no parse gets there, but no caller should see it
        return None


def parse_number(text: str) -> float | int | None:
    """Value of a string that is one number expression, else None.

    Context-free: «یک» alone is 1 here and a «سال» does not make a year. A
    trailing percent marker is allowed («۳۷ درصد» -> 37) because claim spans
    carry it; ranges, dates, times, ordinals and phone-like strings give None.
    """
    norm = normalize(text)
    s, e = 0, len(norm)
    while s < e and norm[s].isspace():
        s += 1
    while e > s and norm[e - 1].isspace():
        e -= 1
    if s == e:
        return None
    atoms, _ = tokenize(norm[:e])
    atoms = [a for a in atoms if a.start >= s]
    if not atoms or atoms[0].type not in ("num", "zero", "unit", "teen", "ten", "hund", "scale", "half"):
        return None
    sign = 1
    lead = norm[s:atoms[0].start]
    if lead.strip(" \t\u200c") in ("-", "−") and atoms[0].type == "num":
        sign = -1
    elif key(lead) in NEGATIVE:
        sign = -1
    elif lead.strip(" \t\u200c"):
        return None
    ch = Parser(norm, atoms).chunk(0)
    if ch is None or ch.kind != "card":
        return None
    end = ch.end
    m = PCT_AFTER.match(norm, end)
    if m:
        end = m.end()
    if end != e:
        return None
    return public_value(sign * ch.value)
