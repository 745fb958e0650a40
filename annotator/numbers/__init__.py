"""Find and parse numbers in Persian (Farsi) news text.

Works on plain strings, without spaCy, so the claim extractor, the gold tools
and ad-hoc scripts can share one parser. The text is never modified: matching
runs on a same-length normalized copy (Arabic ي/ك, Persian and Arabic-Indic
digits, ٫ ٬ ٪, invisible marks) so every offset points into the input string.

Word lists and context words live in ``data/numbers.json``.

Decisions on ambiguous forms (each has test rows):

* «/» between digits is a decimal point («۲/۵» = 2.5, Fars «5/2 ميليارد» =
  5.2e9), except in dates («۱۴۰۴/۰۶/۰۱», «1398/5») and after «ساعت» (a time).
* «بیلیون» is 1e9 (as «میلیارد»); the JSON holds it if that must change.
  «همت» is a unit, not a scale. «ربع» is not read as 1/4.
* Vague quantities («دهها»، «صدها»، «هزاران»، «چند هزار»، «میلیون‌ها») are not
  numbers and suppress the scale word that follows them.
* Bare «یک» and «نه» (article / "no") are reported only before a unit word or
  a percent marker, or as a range end; «یک میلیون», «یک سوم», «یک و نیم» count.
* «X هزار و Y میلیارد» is (X*1000+Y) billion; «۲ میلیون و ۳ میلیون» and
  «۲.۵ میلیارد و ۱.۲ میلیون» are lists; «۱۰ و ۲۰» (digits, no scale) is a list.
* A scale or percent written only after the second number of a range or of a
  change «از X به Y» applies to the first one too (when that keeps the order).
* «تا»/«الی»/«بین X و Y» ranges must rise; dash ranges may be written either
  way («17-15 سال»); bounds are always sorted (low <= high).
* A bare 4-digit year-like number is a quantity unless «سال»-like or weak
  («در»، «از»، «تا»...) context, a month or a year suffix makes it a year.
* A percent sign before the number («% 12») is a percent marker.
* Non-quantities carry the number they name in ``value`` where one exists
  (year 97, ordinal 3, «ماده ۱۰» -> 10, «ده ماهه» -> 10); dates, times and
  phone-like identifiers carry None. Non-integral values are floats
  (2.5, «یک سوم» -> 0.333...); integral ones are ints, computed exactly.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

__all__ = ["NumberMatch", "find_numbers", "parse_number"]

_DATA = json.loads((Path(__file__).parent.parent / "data" / "numbers.json").read_text(encoding="utf-8"))


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


# --------------------------------------------------------------------------
# normalization (same length, so offsets stay valid)

def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for digits in _DATA["digit_sets"]:
        for i, ch in enumerate(digits):
            table[ord(ch)] = str(i)
    for src, dst in _DATA["char_map"].items():
        if len(src) != 1 or len(dst) != 1:
            raise ValueError(f"char_map entries must be single characters: {src!r}")
        table[ord(src)] = dst
    return table


_TABLE = _build_table()
# str.translate is slow on non-ASCII text; replacing just the characters present is
# much faster and gives the same string, as no replacement is itself mapped again.
_REPLACEMENTS = tuple((chr(k), v) for k, v in _TABLE.items())
if {v for _, v in _REPLACEMENTS} & {k for k, _ in _REPLACEMENTS}:
    raise ValueError("char_map/digit_sets: a replacement must not itself be mapped")


def _normalize(text: str) -> str:
    """text.translate(_TABLE): same length, so offsets into it are offsets into text."""
    for src, dst in _REPLACEMENTS:
        if src in text:
            text = text.replace(src, dst)
    return text


ZWNJ = "\u200c"
_L = "[\u0621-\u063A\u0640-\u064A\u066E\u066F\u0671-\u06D3\u06D5\u06EE\u06EF\u06FA-\u06FC\u06FFA-Za-z]"
_LETTER = re.compile(_L)
_J = "[ \\t\u200c]"  # joiner inside an expression: space, tab, ZWNJ (never a newline)
_DIACRITICS = re.compile("[\u064B-\u065F\u0670]")


@lru_cache(maxsize=1 << 16)
def _key(word: str) -> str:
    """Lookup key: no ZWNJ, no spaces, no diacritics."""
    return _DIACRITICS.sub("", word.replace(ZWNJ, "").replace(" ", "").replace("\t", ""))


def _alt(words) -> str:
    """Regex alternation of words, longest first; ZWNJ/space inside a word is optional."""
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        pieces = re.split("[ \u200c]", w)
        parts.append(f"{_J}?".join(re.escape(p) for p in pieces))
    return "(?:" + "|".join(parts) + ")"


def _keyset(words) -> frozenset[str]:
    return frozenset(_key(w) for w in words)


# --------------------------------------------------------------------------
# word tables

_WORDS: dict[str, tuple[str, int]] = {}
for _type, _name in (("zero", "zero"), ("unit", "units"), ("teen", "teens"), ("ten", "tens"),
                     ("hund", "hundreds"), ("scale", "scales")):
    for _w, _v in _DATA[_name].items():
        _WORDS[_key(_w)] = (_type, _v)
for _w in _DATA["half"]:
    _WORDS[_key(_w)] = ("half", 0)
_SUP = _DATA["ordinal_superlative_suffix"]
for _w, _v in _DATA["ordinals"].items():
    _WORDS[_key(_w)] = ("ord", _v)
    _WORDS[_key(_w + _SUP)] = ("ordsup", _v)

_CARDINAL_WORDS = [w for n in ("zero", "units", "teens", "tens", "hundreds", "scales") for w in _DATA[n]] + _DATA["half"]
_ORDINAL_WORDS = list(_DATA["ordinals"]) + [w + _SUP for w in _DATA["ordinals"]]
_GLUE_BASES = [w for n in ("units", "teens", "tens", "hundreds") for w in _DATA[n]]
_DEN_LO, _DEN_HI = _DATA["fraction_denominator_range"]
_AMBIGUOUS = _keyset(_DATA["ambiguous_bare"])
_UNITS = _keyset(_DATA["unit_words"])
_YEAR_BEFORE = _keyset(_DATA["year_before"])
_DECADE_BEFORE = _keyset(_DATA["decade_before"])
_YEAR_WEAK = _keyset(_DATA["year_before_weak"])
_TIME_BEFORE = _keyset(_DATA["time_before"])
_ID_BEFORE = _keyset(_DATA["identifier_before"])
_ID_GLUED = frozenset(_DATA["identifier_glued_letters"])
_NAME_BEFORE = _keyset(_DATA["name_before"])
_NEGATIVE = _keyset(_DATA["negative_words"])
_BETWEEN = _keyset(_DATA["range_between"])
_FROM = _keyset(_DATA["range_from"])
_FROM_BLOCK = _keyset(_DATA["range_from_blockers"])
_MONTHS_ALL = _DATA["months_persian"] + _DATA["months_gregorian"] + _DATA["months_hijri"]
_MONTH_KEYS = _keyset(_MONTHS_ALL)
_MONTH_SUFFIX = _key(_DATA["month_suffix"])
_YEAR_RANGES = [tuple(r) for r in _DATA["year_like_ranges"]]
_AND = _DATA["and_word"]

_CARD_ALT = _alt(_CARDINAL_WORDS)
_PCT_WORDS = [w for w in _DATA["percent_markers"] if _LETTER.match(w)]
_PCT_SIGNS = _alt(w for w in _DATA["percent_markers"] if not _LETTER.match(w))
_PCT_ALT = _alt(_PCT_WORDS)

_LEFT = f"(?:(?<!{_L})|(?<=[ \\t\u200c0-9]{_AND}))"
_RIGHT = f"(?:(?!{_L})|(?={_PCT_ALT})|(?={_AND}{_J}*(?:[0-9]|{_CARD_ALT})))"
_END = f"(?!{_L})"

_JOINERS = " \t\u200c"  # the characters of _J
_AND_GAP = re.compile(f"{_J}*{_AND}{_J}*")
_PCT_AFTER = re.compile(f"{_J}*(?:{_PCT_SIGNS}|{_PCT_ALT}(?:{_DATA['percent_marker_suffix']})?{_END})")
_PCT_BEFORE = re.compile(f"{_PCT_SIGNS}[ \t]?")
_DURATION_AFTER = re.compile(f"{_J}*{_alt(_DATA['duration_suffixes'])}{_END}")
_MONTH_AFTER = re.compile(
    f"{_J}*(?P<m>{_alt(_MONTHS_ALL)}(?:{_J}?{re.escape(_DATA['month_suffix'])})?){_END}"
    f"(?:[ \\t]+(?P<y>[0-9]{{2,4}})(?![0-9.,/:]))?"
)
_MONTH_NEED_YEAR = re.compile(
    f"{_J}*{_alt(_DATA['months_need_year'])}[ \\t]+(?P<y>[0-9]{{4}})(?![0-9.,/:])"
)
_DATE_LIST = re.compile(f"{_J}*(?:{_AND}|،|,){_J}*[0-9]{{1,2}}{_J}*{_alt(_MONTHS_ALL)}{_END}")
_WEEKDAY_AFTER = re.compile(f"{_J}*{re.escape(_DATA['weekday_suffix'])}{_END}")
_DIGIT_ORD = re.compile(f"(?:[\u200c-]?{_alt(_DATA['digit_ordinal_suffixes'])}){_END}")
_YEAR_GLUED = re.compile(f"{_alt(_DATA['year_glued_suffixes'])}{_END}")
_YEAR_AFTER = re.compile(f"{_J}*{_alt(_DATA['year_after'])}{_END}")
_TIME_AFTER = re.compile(f"{_J}*{_alt(_DATA['time_after'])}{_END}")
_MINUTES = re.compile(f"{_J}*{_AND}{_J}*(?P<n>[0-9]{{1,2}}){_J}*{re.escape(_DATA['minute_word'])}{_END}")
_RANGE_WORD = re.compile(f"{_J}*{_alt(_DATA['range_connectors'])}{_END}{_J}*")
_RANGE_DASH = re.compile(f"[ \\t]*{_alt(_DATA['range_dashes'])}[ \\t]*")
_CHANGE_WORD = re.compile(f"{_J}*{_alt(_DATA['change_to'])}{_END}{_J}*")
_NEXT_WORD = re.compile(f"{_J}*({_L}+(?:\u200c{_L}+)*)")
_ZWNJ_CONT = re.compile(
    f"\u200c(?:{_PCT_ALT}|{_alt(_DATA['duration_suffixes'])}|{re.escape(_DATA['weekday_suffix'])}"
    f"|{_alt(_MONTHS_ALL)}|{_alt(_DATA['digit_ordinal_suffixes'])}){_END}"
)
_OPENERS = "([«\"'"
_SPECIAL = frozenset(("ndate", "time", "phone", "latin"))  # atoms that are whole non-quantities


# --------------------------------------------------------------------------
# the master regex, and where to try it
#
# A match of the master regex is one atom (a number word, a digit string, a date...)
# or a blocked phrase / vague quantifier. Trying a regex at every character is what
# made this slow, so matches are found in two steps: cheap scans list the offsets
# where a match can start (_DIGIT_SCAN, _WORD_SCAN), and the master is tried only
# there, in the variant for the character found (_ATOM_RE). The result is the same
# as _MASTER.finditer would give with the whole master regex: offsets are tried in
# order, and one inside the previous match is skipped.

_DIGIT_FIRST = "0123456789+ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_DIGIT_ATOMS = (  # atoms that start with one of _DIGIT_FIRST; branch order is priority
    "(?P<latin>(?<![A-Za-z])[A-Za-z]+-?[0-9]+(?:[.-][0-9]+)*[A-Za-z0-9]*|(?<![0-9])[0-9]+[A-Za-z][A-Za-z0-9]*)"
    "|(?P<ndate>(?<![0-9])(?:[0-9]{4}(?P<d1>[/.-])[0-9]{1,2}(?P=d1)[0-9]{1,2}"
    "|[0-9]{1,2}(?P<d2>[/.-])[0-9]{1,2}(?P=d2)[0-9]{2,4})(?![0-9]))"
    "|(?P<time>(?<![0-9])[0-9]+:[0-9]+(?::[0-9]+)?(?![0-9]))"
    "|(?P<phone>(?<![0-9.,])(?:\\+[0-9]{7,}|0[0-9]+(?:[-–][0-9]+)*(?![.,/][0-9])"
    "|[0-9]+-0[0-9]+|[0-9]+(?:-[0-9]+){2,})(?![0-9]))"
    "|(?P<num>(?<![0-9])(?<![0-9][.,/:])(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])(?:\\.[0-9]+)?|[0-9]+(?:[./][0-9]+)?))"
)
# Every digit-like atom starts at a digit or «+» not preceded by a digit, or at a Latin
# letter not preceded by a Latin letter.
_DIGIT_SCAN = re.compile("[0-9+A-Za-z](?<![0-9][0-9])(?<![A-Za-z][A-Za-z])")


def _word_atoms(first: str = "") -> str:
    """The word-atom branches of the master regex (branch order is priority).

    With `first`, each word list that a match starts with keeps only the words
    starting with that letter: at a position holding it the others would fail at
    their first letter, so the match is the same, found without trying a few
    hundred alternatives.
    """
    def alt(words) -> str:
        words = [w for w in words if w.startswith(first)]
        return _alt(words) if words else "(?!)"  # (?!) never matches

    return (
        f"{_LEFT}(?:"
        f"(?P<blocked>(?<!{_L})(?:{alt(_DATA['blocked_phrases'])}"
        f"|{alt(_CARDINAL_WORDS)}{_J}?{_alt(_DATA['adjective_suffixes'])}){_END})"
        f"|(?P<vague>(?<!{_L})(?:{alt(_DATA['vague_words'])}"
        f"|{alt(_DATA['vague_plural_bases'])}{_J}?{_alt(_DATA['plural_suffixes'])}){_END})"
        f"|(?<!{_L})(?P<gw>{alt(_GLUE_BASES)})(?P<gs>{_alt(_DATA['glued_scales'])}){_RIGHT}"
        f"|{_LEFT}(?P<sw>{alt(_DATA['scales'])})(?={_alt(_DATA['scale_glued_after'])}{_END})"
        f"|{_LEFT}(?P<word>{alt(_CARDINAL_WORDS + _ORDINAL_WORDS)}){_RIGHT})"
    )


# The whole master regex, for reference and ad-hoc use; _master_matches gives its matches.
_MASTER = re.compile(f"(?=[{_DIGIT_FIRST}])(?:{_DIGIT_ATOMS})|{_word_atoms()}")

_START_WORDS = (_CARDINAL_WORDS + _ORDINAL_WORDS + _DATA["blocked_phrases"] + _DATA["vague_words"]
                + _DATA["vague_plural_bases"])  # what a word-atom match can start with
_WORD_FIRST = frozenset(w[0] for w in _START_WORDS)
_PERSIAN_LETTERS = _L[1:-1].replace("A-Za-z", "")  # _L without Latin, as a class body
if not all(re.fullmatch(f"[{_PERSIAN_LETTERS}]", ch) for w in _START_WORDS for ch in re.sub("[ \u200c]", "", w)):
    raise ValueError("number words must be Persian letters (and joiners): _ATOM_RE, _WORD_SCAN rely on it")

# first character -> the master regex for matches starting with it
_ATOM_RE: dict[str, re.Pattern] = dict.fromkeys(_DIGIT_FIRST, re.compile(_DIGIT_ATOMS))
_ATOM_RE.update((c, re.compile(_word_atoms(c))) for c in _WORD_FIRST)


def _prefix_regex(words, depth: int = 3) -> str:
    """A regex for the first `depth` letters of words, shaped as a trie (one branch
    per distinct letter, not one per word). A joiner inside a word stays optional,
    as in _alt; from a joiner on, the prefix is checked by lookahead, not consumed.
    It matches wherever one of the words does (and in more places).
    """
    trie: dict = {}
    for w in words:
        node = trie
        letters = 0
        for piece_no, piece in enumerate(re.split("[ \u200c]", w)):
            if letters == depth:
                break
            if piece_no:
                node = node.setdefault("J", {})
            for ch in piece[: depth - letters]:
                node = node.setdefault(re.escape(ch), {})
            letters += min(len(piece), depth - letters)
        node[""] = {}  # a word ends here: its prefix is enough

    def emit(node: dict, lookahead: bool) -> str:
        if "" in node:
            return ""
        alts = []
        for tok, child in node.items():
            if tok != "J":
                alts.append(tok + emit(child, lookahead))
            elif lookahead:
                alts.append(f"{_J}?" + emit(child, True))
            else:
                alts.append(f"(?={_J}?" + emit(child, True) + ")")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(trie, False)


# A word atom starts after a non-letter (or after a «و» glued to it, see _LEFT) with the
# first letters of a number word. The scan stops only at characters that are not Persian
# letters (sre skips to them in C: the pattern starts with a character class), and
# consumes nothing but Persian letters after them, so it cannot step over a stop.
# Group "w" is the offset of the word; _LEFT is checked when the master is tried there.
_WORD_SCAN = re.compile(f"[^{_PERSIAN_LETTERS}]\u0648?(?P<w>){_prefix_regex(_START_WORDS)}")


def _master_matches(norm: str) -> list[re.Match]:
    """The matches of _MASTER in norm, as from _MASTER.finditer(norm)."""
    starts = [m.start() for m in _DIGIT_SCAN.finditer(norm)]
    starts += [m.start("w") for m in _WORD_SCAN.finditer(norm)]
    if norm and norm[0] in _WORD_FIRST:  # no character before it for _WORD_SCAN to stop at
        starts.append(0)
    starts.sort()
    out: list[re.Match] = []
    pos = 0  # end of the last match: no match starts before it
    for q in starts:
        if q >= pos:
            m = _ATOM_RE[norm[q]].match(norm, q)
            if m is not None:
                out.append(m)
                pos = m.end()
    return out


# --------------------------------------------------------------------------
# atoms

@dataclass(slots=True)
class _Atom:
    start: int
    end: int
    type: str  # num zero unit teen ten hund scale half ord ordsup | ndate time phone latin
    value: Fraction | int  # an int when integral (exact arithmetic either way)
    digits: str = ""  # for num atoms: the digit string as normalized


def _num_value(s: str) -> Fraction | int:
    s = s.replace(",", "")
    if s.isdigit():
        return int(s)
    v = Fraction(s.replace("/", "."))
    return int(v) if v.denominator == 1 else v


def _atoms(norm: str) -> tuple[list[_Atom], set[int]]:
    """Tokenize number atoms with the master regex; also return the ends of vague quantifiers."""
    raw: list[_Atom] = []
    vague_ends: set[int] = set()
    for m in _master_matches(norm):
        kind = m.lastgroup
        if kind == "blocked":
            continue
        if kind == "vague":
            vague_ends.add(m.end())
            continue
        if kind == "num":
            raw.append(_Atom(m.start(), m.end(), "num", _num_value(m.group()), m.group()))
        elif kind in ("ndate", "time", "phone", "latin"):
            raw.append(_Atom(m.start(), m.end(), kind, 0, m.group()))
        elif kind == "gs":
            t, v = _WORDS[_key(m.group("gw"))]
            raw.append(_Atom(m.start("gw"), m.end("gw"), t, v))
            t, v = _WORDS[_key(m.group("gs"))]
            raw.append(_Atom(m.start("gs"), m.end("gs"), t, v))
        else:  # word, or a scale word with a glued suffix (sw)
            t, v = _WORDS[_key(m.group(kind))]
            raw.append(_Atom(m.start(), m.end(), t, v))
    # ZWNJ rules for words: «یک‌صد», «سی‌ویک» join; «بی‌بی‌سی», «نیم‌کره», «سی‌دی» do not.
    atoms: list[_Atom] = []
    for k, a in enumerate(raw):
        if a.type == "num" or a.type in _SPECIAL:
            atoms.append(a)
            continue
        if a.start > 0 and norm[a.start - 1] == ZWNJ:
            prev = raw[k - 1] if k else None
            ok = prev is not None and prev.type not in _SPECIAL and _gap_kind(norm, prev.end, a.start) is not None
            if not ok:
                continue
        if a.end < len(norm) and norm[a.end] == ZWNJ:
            nxt = raw[k + 1] if k + 1 < len(raw) else None
            ok = nxt is not None and _gap_kind(norm, a.end, nxt.start) is not None
            if not ok and not _ZWNJ_CONT.match(norm, a.end):
                continue
        atoms.append(a)
    return atoms, vague_ends


def _gap_kind(norm: str, s: int, e: int) -> str | None:
    if e < s:
        return None
    gap = norm[s:e].strip(_JOINERS)  # faster than fullmatch with f"{_J}*" and _AND_GAP
    if not gap:
        return "sp"
    if gap == _AND:
        return "and"
    return None


# --------------------------------------------------------------------------
# chunk parsing: a run of atoms forming one number

@dataclass(slots=True)
class _Chunk:
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


class _Parser:
    __slots__ = ("norm", "atoms", "n")

    def __init__(self, norm: str, atoms: list[_Atom]):
        self.norm, self.atoms, self.n = norm, atoms, len(atoms)

    def gap(self, i: int) -> str | None:
        """How atom i and atom i+1 are joined: "sp", "and" or None."""
        if i + 1 >= self.n:
            return None
        return _gap_kind(self.norm, self.atoms[i].end, self.atoms[i + 1].start)

    def is_den(self, i: int, numerator: Fraction | int) -> bool:
        a = self.atoms[i] if i < self.n else None
        return (a is not None and a.type == "ord" and _DEN_LO <= a.value <= _DEN_HI
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

    def chunk(self, i: int) -> _Chunk | None:
        atoms = self.atoms
        a = atoms[i]
        if a.type in ("ord", "ordsup"):
            return _Chunk(i, i + 1, a.start, a.end, a.value, "ord", words=True)
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
        return _Chunk(
            i, end_i, first.start, atoms[end_i - 1].end, total, kind,
            has_scale=has_scale,
            share_mult=share if groups == 1 else 1,
            fraction=fraction,
            plain=only and first.type == "num",
            bare_ambiguous=only and first.type == "unit" and _key(self.norm[first.start:first.end]) in _AMBIGUOUS,
            words=all(atoms[x].type != "num" for x in range(i, end_i)),
        )


# --------------------------------------------------------------------------
# context helpers

def _prev_tokens(norm: str, pos: int) -> tuple[str, str, int]:
    """The two whitespace-separated tokens before pos (keys), and the start of the nearer one."""
    lo = max(0, pos - 60)
    s = norm[lo:pos].rstrip(" \t")
    s = s.rstrip(_OPENERS).rstrip(" \t")
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
    bare = w1.lstrip(_OPENERS)
    return _key(bare), _key(w2.lstrip(_OPENERS)), end - len(bare)


def _next_key(norm: str, pos: int) -> str:
    m = _NEXT_WORD.match(norm, pos)
    return _key(m.group(1)) if m else ""


def _is_number_token(tok: str) -> bool:
    return bool(tok) and (tok[0].isdigit() or _WORDS.get(tok, ("ord",))[0] not in ("ord", "ordsup"))


def _is_month(tok: str) -> bool:
    """«آبان», «آبان‌ماه» (key without ZWNJ), not the ambiguous «مه»/«می»."""
    return tok in _MONTH_KEYS or (tok.endswith(_MONTH_SUFFIX) and tok[: -len(_MONTH_SUFFIX)] in _MONTH_KEYS)


def _year_like(v: Fraction | int) -> bool:
    return v.denominator == 1 and any(lo <= v <= hi for lo, hi in _YEAR_RANGES)


def _ndigits(ch: _Chunk, atoms: list[_Atom]) -> int:
    """Digit count of a plain integer chunk, else 0."""
    if not ch.plain:
        return 0
    d = atoms[ch.i0].digits
    return len(d) if d.isdigit() else 0


def _out(v: Fraction | int | None) -> int | float | None:
    if v is None:
        return None
    if v.denominator == 1:
        return int(v)
    return float(v)


def _expand_year(a: Fraction | int, b: Fraction | int) -> tuple[Fraction | int, Fraction | int]:
    """«۱۳۸۶ تا ۹۰» / «14-2013»: complete an abbreviated year from the other end."""
    sa, sb = str(int(a)), str(int(b))
    if len(sa) == 4 and len(sb) < 4:
        b = int(sa[: 4 - len(sb)] + sb)
    elif len(sb) == 4 and len(sa) < 4:
        a = int(sb[: 4 - len(sa)] + sa)
    return a, b


# --------------------------------------------------------------------------
# the finder

class _Finder:
    def __init__(self, text: str):
        self.text = text
        self.norm = _normalize(text)
        self.atoms, self.vague_ends = _atoms(self.norm)
        self.starts = [a.start for a in self.atoms]
        self.p = _Parser(self.norm, self.atoms)
        self.out: list[NumberMatch] = []
        self.consumed = 0  # end of the last match: context before it is used up
        self.cur_i1 = 0  # atom index after the chunk being handled
        self._prev: dict[int, tuple[str, str, int]] = {}
        self._pct: dict[int, int | None] = {}

    def prev_tokens(self, pos: int) -> tuple[str, str, int]:
        """_prev_tokens(self.norm, pos), computed once per position."""
        r = self._prev.get(pos)
        if r is None:
            r = self._prev[pos] = _prev_tokens(self.norm, pos)
        return r

    # ---- emit
    def emit(self, s: int, e: int, kind: str, value=None, low=None, high=None, percent=False) -> None:
        self.out.append(NumberMatch(s, e, self.text[s:e], _out(value), _out(low), _out(high), percent, kind))
        self.consumed = e

    # ---- pieces of context
    def pct_after(self, ch: _Chunk) -> int | None:
        """End of a percent marker right after ch, else None (computed once per offset)."""
        e = ch.end
        if e not in self._pct:
            m = _PCT_AFTER.match(self.norm, e)
            self._pct[e] = m.end() if m else None
        return self._pct[e]

    def vague_before(self, ch: _Chunk) -> bool:
        k = ch.start
        while k > 0 and self.norm[k - 1] in " \t\u200c":
            k -= 1
        return k in self.vague_ends

    def sign_before(self, ch: _Chunk) -> int | None:
        """Start offset of a minus sign / «منفی» that negates ch, else None."""
        norm, s = self.norm, ch.start
        if s > 0 and norm[s - 1] in "-−" and self.atoms[ch.i0].type == "num" and s - 1 >= self.consumed:
            before = norm[s - 2] if s >= 2 else " "
            if not (before.isdigit() or _LETTER.match(before)):
                k = s - 2
                while k >= 0 and norm[k] in " \t":
                    k -= 1
                if k < 0 or not norm[k].isdigit():
                    return s - 1
        w1, _, w1s = self.prev_tokens(s)
        if w1 in _NEGATIVE and w1s >= self.consumed:
            return w1s
        return None

    def range_prefix(self, ch: _Chunk) -> tuple[int | None, str]:
        w1, w2, w1s = self.prev_tokens(ch.start)
        if w1s < self.consumed:
            return None, ""
        if w1 in _BETWEEN:
            return w1s, "between"
        if w1 in _YEAR_BEFORE and w2 in _BETWEEN:  # «بین سال‌های ۱۳۹۰ و ۱۳۹۵»
            return ch.start, "between"
        if w1 in _FROM and w2 not in _FROM_BLOCK:
            return w1s, "from"
        return None, ""

    def next_chunk(self, m: re.Match | None) -> _Chunk | None:
        """The chunk whose first atom starts where separator m ended."""
        if m is None:
            return None
        for k in range(self.cur_i1, min(self.cur_i1 + 2, len(self.atoms))):
            a = self.atoms[k]
            if a.start == m.end() and a.type not in _SPECIAL:
                return self.p.chunk(k)
        return None

    # ---- classification of a single chunk
    def classify(self, ch: _Chunk, pct_end: int | None) -> tuple[str, int, int, Fraction | int | None] | None:
        """-> (kind, start, end, value) for a non-range chunk, or None to drop it."""
        norm, atoms = self.norm, self.atoms
        s, e, v = ch.start, ch.end, ch.value
        w1, w2, _ = self.prev_tokens(s)
        if ch.kind == "ord":
            m = _MONTH_AFTER.match(norm, e)
            if m and v <= 31:
                return "date", s, self.date_end(m), None
            if w1 in _NAME_BEFORE:
                return "name", s, e, v
            return "ordinal", s, e, v
        if pct_end is not None:
            return "quantity", s, pct_end, v
        if ch.has_scale or ch.fraction:
            return "quantity", s, e, v
        integral = v.denominator == 1
        nd = _ndigits(ch, atoms)
        if ch.plain and integral:
            m = _DIGIT_ORD.match(norm, e)
            if m and not (nd == 4 and _YEAR_GLUED.match(norm, e)):
                return "ordinal", s, m.end(), v
        m = _DURATION_AFTER.match(norm, e)
        if m:
            return "duration", s, m.end(), v
        if integral and 1 <= v <= 31:
            m = _MONTH_AFTER.match(norm, e)
            if m:
                return "date", s, self.date_end(m), None
            if _DATE_LIST.match(norm, e):  # «۲۷ و ۲۸ بهمن»
                return "date", s, e, None
            m = _MONTH_NEED_YEAR.match(norm, e)
            if m:
                return "date", s, m.end(), None
            if ch.words and _WEEKDAY_AFTER.match(norm, e):
                return "date", s, _WEEKDAY_AFTER.match(norm, e).end(), None
        nxt = _next_key(norm, e)
        unit_next = nxt in _UNITS
        if integral and not unit_next:
            if nd in (2, 4) and w1 in _YEAR_BEFORE and not _is_number_token(w2):
                return "year", s, e, v
            if (w2 + w1) in _YEAR_BEFORE and nd in (2, 4):
                return "year", s, e, v
            if w1 in _DECADE_BEFORE and (nd in (2, 4) or (ch.words and v % 10 == 0)):
                return "year", s, e, v
            if nd == 4:
                m = _YEAR_GLUED.match(norm, e)
                if m:
                    return "year", s, m.end(), v
                if _YEAR_AFTER.match(norm, e) or (w1 in _YEAR_WEAK and _year_like(v)):
                    return "year", s, e, v
            if nd in (2, 4) and (_is_month(w1) or (w1 == _MONTH_SUFFIX and _is_month(w2))):
                return "date", s, e, None
        # time
        if v <= 24 and not unit_next:
            if w1 in _TIME_BEFORE or _TIME_AFTER.match(norm, e):
                m = _MINUTES.match(norm, e)
                end = m.end() if m and int(m.group("n")) < 60 else e
                if _TIME_AFTER.match(norm, end):
                    end = _TIME_AFTER.match(norm, end).end()
                return "time", s, end, None
        if w1 in _TIME_BEFORE and ch.plain and "/" in atoms[ch.i0].digits:
            return "time", s, e, None
        # slash "decimal" that is really a year/month date: «1398/5»
        if ch.plain and "/" in atoms[ch.i0].digits:
            y, _, mo = atoms[ch.i0].digits.partition("/")
            if len(y) == 4 and _year_like(int(y)) and 1 <= int(mo) <= 12 and len(mo) <= 2:
                return "date", s, e, None
        # identifiers
        if integral and not unit_next and w1 in _ID_BEFORE:
            return "identifier", s, e, v
        if atoms[ch.i0].type == "num":
            c1 = norm[s - 1] if s >= 1 else ""
            c2 = norm[s - 2] if s >= 2 else ""
            if c1 in _ID_GLUED and not _LETTER.match(c2 or " "):
                return "identifier", s, e, v
            if c1 == "-" and c2 and _LETTER.match(c2):
                return "identifier", s, e, v
            if self.line_marker(ch):
                return "identifier", s, e, v
            if ch.plain and self.bracketed(ch):
                return "identifier", s, e, v
        if ch.bare_ambiguous and not unit_next:
            return None
        return "quantity", s, e, v

    def date_end(self, m: re.Match) -> int:
        """End of a date: the month, and the year after it when it is one («۲۳ آبان ۱۴۰۴»)."""
        y = m.group("y")
        if y is not None and len(y) in (2, 4):
            ye = m.end("y")
            if _next_key(self.norm, ye) not in _UNITS and not _PCT_AFTER.match(self.norm, ye) \
                    and not self.scale_at(ye):
                return ye
        return m.end("m")

    def scale_at(self, pos: int) -> bool:
        """Is a scale word the next atom after pos (so a number there is not a year)?"""
        k = bisect_left(self.starts, pos)
        if k < len(self.atoms):
            a = self.atoms[k]
            return a.type == "scale" and _gap_kind(self.norm, pos, a.start) == "sp"
        return False

    def line_marker(self, ch: _Chunk) -> bool:
        """«1- ...», «2) ...» at the start of a line: list numbering."""
        norm, s = self.norm, ch.start
        k = s - 1
        while k >= 0 and norm[k] in " \t\u200c":
            k -= 1
        if k >= 0 and norm[k] != "\n":
            return False
        e = ch.end
        return e + 1 < len(norm) and norm[e] in "-.)" and norm[e + 1] in " \t"

    def bracketed(self, ch: _Chunk) -> bool:
        """«[4]», «(21)», «﴿79﴾»: references and footnotes."""
        norm, s, e = self.norm, ch.start, ch.end
        pairs = {"[": "]", "(": ")", "﴿": "﴾", "﴾": "﴿"}
        return s >= 1 and e < len(norm) and pairs.get(norm[s - 1]) == norm[e]

    # ---- main loop
    def run(self) -> list[NumberMatch]:
        atoms, norm = self.atoms, self.norm
        i = 0
        n = len(atoms)
        while i < n:
            a = atoms[i]
            if a.start < self.consumed:
                i += 1
                continue
            if a.type in _SPECIAL:
                self.special(a)
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
                    m = _PCT_BEFORE.search(norm, max(0, s - 2), s)
                    if m and m.end() == s and m.start() >= self.consumed and \
                            (m.start() == 0 or not norm[m.start() - 1].isdigit()):
                        s, percent = m.start(), True
            self.emit(s, e, kind, v, percent=percent)
            i = ch.i1
        return self.out

    def special(self, a: _Atom) -> None:
        if a.type == "ndate":
            self.emit(a.start, a.end, "date")
        elif a.type == "time":
            hh, mm = a.digits.split(":")[:2]
            ok = len(hh) <= 2 and len(mm) == 2 and int(hh) <= 24 and int(mm) < 60
            self.emit(a.start, a.end, "time" if ok else "identifier")
        else:
            self.emit(a.start, a.end, "identifier")

    def try_change(self, ch: _Chunk, pct_end: int | None) -> tuple[_Chunk, bool]:
        """«از ۳۹۵ به ۶۸۷ هزار»: share the second number's scale / percent with the first."""
        pos, kind = self.range_prefix(ch)
        if kind != "from":
            return ch, False
        after = pct_end if pct_end is not None else ch.end
        m = _CHANGE_WORD.match(self.norm, after)
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
            ch = _Chunk(ch.i0, ch.i1, ch.start, ch.end, ch.value * ch2.share_mult, "card",
                        has_scale=True, fraction=ch.fraction, plain=False, words=ch.words)
        return ch, share_pct

    def try_range(self, c1: _Chunk) -> bool:
        norm = self.norm
        pct1 = self.pct_after(c1)
        after1 = pct1 if pct1 is not None else c1.end
        prefix, pkind = self.range_prefix(c1)
        sep = "word"
        m = _RANGE_WORD.match(norm, after1)
        if m is None and pkind == "between":
            m = _AND_GAP.match(norm, after1)
            sep = "and"
        if m is None and pct1 is None and c1.plain:
            m = _RANGE_DASH.match(norm, after1)
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
        nd1, nd2 = _ndigits(c1, self.atoms), _ndigits(c2, self.atoms)
        start = prefix if (prefix is not None and (pkind == "between" or (pkind == "from" and sep == "word"))) \
            else c1.start
        end = pct2 if pct2 is not None else c2.end
        percent = pct2 is not None
        # what kind of range
        kind = "quantity"
        w1, w2, _ = self.prev_tokens(start)
        w1c, w2c, _ = self.prev_tokens(c1.start)
        year_ctx = bool({w1, w1c, w2 + w1, w2c + w1c} & _YEAR_BEFORE)
        unit_next = _next_key(norm, c2.end) in _UNITS
        plain_ints = c1.plain and c2.plain and v1.denominator == 1 and v2.denominator == 1 and not percent
        if not percent and not c2.has_scale:
            md = _MONTH_AFTER.match(norm, c2.end)
            du = _DURATION_AFTER.match(norm, c2.end)
            if md and v2 <= 31:
                kind, end = "date", self.date_end(md)
            elif du:
                kind, end = "duration", du.end()
            elif plain_ints and not unit_next and (
                    year_ctx or {w1, w1c} & _DECADE_BEFORE
                    or ({w1, w1c} & (_YEAR_WEAK | _BETWEEN) and nd1 == 4 and _year_like(c1.value)
                        and (nd2 == 4 and _year_like(c2.value) or nd2 <= 2))):
                kind = "year"
            elif (w1 in _TIME_BEFORE or w1c in _TIME_BEFORE) and v2 <= 24 and not unit_next:
                kind = "time"
            elif plain_ints and not unit_next and w1c in _ID_BEFORE:
                kind = "identifier"
        # «۵ تا ۲۰» rises; a dash range may be written either way («17-15»), and so may
        # an abbreviated year range («۱۳۸۶ تا ۹۰», «14-2013»)
        abbreviated = kind == "year" and nd1 and nd2 and nd2 < nd1
        if sep != "dash" and not (v1 < v2 or abbreviated):
            return False
        low, high = min(v1, v2), max(v1, v2)
        if kind == "year":
            low, high = _expand_year(c1.value, c2.value)
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


# --------------------------------------------------------------------------
# public API

def find_numbers(text: str, *, quantities_only: bool = True) -> list[NumberMatch]:
    """All numbers in text, in order, with offsets into text itself.

    quantities_only=True keeps only claims-candidates (kind "quantity");
    False also returns dates, years, times, ordinals, identifiers, names and
    durations, so callers can see what was set aside and why.
    """
    found = _Finder(text).run()
    if quantities_only:
        return [m for m in found if m.kind == "quantity"]
    return found


def parse_number(text: str) -> float | int | None:
    """Value of a string that is one number expression, else None.

    Context-free: «یک» alone is 1 here and a «سال» does not make a year. A
    trailing percent marker is allowed («۳۷ درصد» -> 37) because claim spans
    carry it; ranges, dates, times, ordinals and phone-like strings give None.
    """
    norm = _normalize(text)
    s, e = 0, len(norm)
    while s < e and norm[s].isspace():
        s += 1
    while e > s and norm[e - 1].isspace():
        e -= 1
    if s == e:
        return None
    atoms, _ = _atoms(norm[:e])
    atoms = [a for a in atoms if a.start >= s]
    if not atoms or atoms[0].type not in ("num", "zero", "unit", "teen", "ten", "hund", "scale", "half"):
        return None
    sign = 1
    lead = norm[s:atoms[0].start]
    if lead.strip(" \t\u200c") in ("-", "−") and atoms[0].type == "num":
        sign = -1
    elif _key(lead) in _NEGATIVE:
        sign = -1
    elif lead.strip(" \t\u200c"):
        return None
    ch = _Parser(norm, atoms).chunk(0)
    if ch is None or ch.kind != "card":
        return None
    end = ch.end
    m = _PCT_AFTER.match(norm, end)
    if m:
        end = m.end()
    if end != e:
        return None
    return _out(sign * ch.value)
