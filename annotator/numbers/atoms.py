"""Atoms: the pieces numbers are made of (a digit string, a number word, a
date or time written with digits, an identifier), found by one master regex.

A match of the master regex is one atom or a blocked phrase / vague
quantifier. Trying a regex at every character is what made this slow, so
matches are found in two steps: cheap scans list the offsets where a match
can start (`_DIGIT_SCAN`, `_WORD_SCAN`), and the master is tried only there,
in the variant for the character found (`_ATOM_RE`). The result is the same
as `MASTER.finditer` would give: offsets are tried in order, and one inside
the previous match is skipped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable

from .chars import J, JOINERS, L, PERSIAN_LETTERS, ZWNJ
from .patterns import END, LEFT, RIGHT, ZWNJ_CONT, alt
from .words import AND, CARDINAL_WORDS, DATA, GLUE_BASES, ORDINAL_WORDS, WORDS, key

# A digit run longer than this is an account, card or tracking number, not a
# quantity: 10**18 - 1 is the largest run that always fits a signed 64-bit
# integer, and figures of 10**18 rials and more are not written out in digits.
MAX_DIGITS = 18

# atoms that are whole non-quantities: dates and times in digits, phone-like
# numbers, Latin-glued codes, over-long digit runs
SPECIAL = frozenset(("ndate", "time", "phone", "latin", "long"))

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
    def alt_first(words: Iterable[str]) -> str:
        words = [w for w in words if w.startswith(first)]
        return alt(words) if words else "(?!)"  # (?!) never matches

    return (
        f"{LEFT}(?:"
        f"(?P<blocked>(?<!{L})(?:{alt_first(DATA['blocked_phrases'])}"
        f"|{alt_first(CARDINAL_WORDS)}{J}?{alt(DATA['adjective_suffixes'])}){END})"
        f"|(?P<vague>(?<!{L})(?:{alt_first(DATA['vague_words'])}"
        f"|{alt_first(DATA['vague_plural_bases'])}{J}?{alt(DATA['plural_suffixes'])}){END})"
        f"|(?<!{L})(?P<gw>{alt_first(GLUE_BASES)})(?P<gs>{alt(DATA['glued_scales'])}){RIGHT}"
        f"|{LEFT}(?P<sw>{alt_first(DATA['scales'])})(?={alt(DATA['scale_glued_after'])}{END})"
        f"|{LEFT}(?P<word>{alt_first(CARDINAL_WORDS + ORDINAL_WORDS)}){RIGHT})"
    )


# The whole master regex, for reference and ad-hoc use; master_matches gives its matches.
MASTER = re.compile(f"(?=[{_DIGIT_FIRST}])(?:{_DIGIT_ATOMS})|{_word_atoms()}")

_START_WORDS = (CARDINAL_WORDS + ORDINAL_WORDS + DATA["blocked_phrases"] + DATA["vague_words"]
                + DATA["vague_plural_bases"])  # what a word-atom match can start with
_WORD_FIRST = frozenset(w[0] for w in _START_WORDS)
if not all(re.fullmatch(f"[{PERSIAN_LETTERS}]", ch) for w in _START_WORDS for ch in re.sub("[ \u200c]", "", w)):
    raise ValueError("number words must be Persian letters (and joiners): _ATOM_RE, _WORD_SCAN rely on it")

# first character -> the master regex for matches starting with it
_ATOM_RE: dict[str, re.Pattern] = dict.fromkeys(_DIGIT_FIRST, re.compile(_DIGIT_ATOMS))
_ATOM_RE.update((c, re.compile(_word_atoms(c))) for c in _WORD_FIRST)


def _prefix_regex(words: Iterable[str], depth: int = 3) -> str:
    """A regex for the first `depth` letters of words, shaped as a trie (one branch
    per distinct letter, not one per word). A joiner inside a word stays optional,
    as in `alt`; from a joiner on, the prefix is checked by lookahead, not consumed.
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
                alts.append(f"{J}?" + emit(child, True))
            else:
                alts.append(f"(?={J}?" + emit(child, True) + ")")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(trie, False)


# A word atom starts after a non-letter (or after a «و» glued to it, see LEFT) with the
# first letters of a number word. The scan stops only at characters that are not Persian
# letters (sre skips to them in C: the pattern starts with a character class), and
# consumes nothing but Persian letters after them, so it cannot step over a stop.
# Group "w" is the offset of the word; LEFT is checked when the master is tried there.
_WORD_SCAN = re.compile(f"[^{PERSIAN_LETTERS}]\u0648?(?P<w>){_prefix_regex(_START_WORDS)}")


def master_matches(norm: str) -> list[re.Match]:
    """The matches of MASTER in norm, as from MASTER.finditer(norm)."""
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


@dataclass(slots=True)
class Atom:
    start: int
    end: int
    type: str  # num zero unit teen ten hund scale half ord ordsup | one of SPECIAL
    value: Fraction | int  # an int when integral (exact arithmetic either way)
    digits: str = ""  # for num atoms: the digit string as normalized


def _num_value(s: str) -> Fraction | int:
    s = s.replace(",", "")
    if s.isdigit():
        return int(s)
    v = Fraction(s.replace("/", "."))
    return int(v) if v.denominator == 1 else v


def _too_long(digits: str) -> bool:
    """Has the integer or the fractional part more than MAX_DIGITS digits?"""
    return any(len(run) > MAX_DIGITS for run in re.split("[./]", digits.replace(",", "")))


def tokenize(norm: str) -> tuple[list[Atom], set[int]]:
    """The number atoms of norm, in order; also the ends of vague quantifiers."""
    raw: list[Atom] = []
    vague_ends: set[int] = set()
    for m in master_matches(norm):
        kind = m.lastgroup
        if kind == "blocked":
            continue
        if kind == "vague":
            vague_ends.add(m.end())
            continue
        if kind == "num":
            digits = m.group()
            if len(digits) > MAX_DIGITS and _too_long(digits):
                raw.append(Atom(m.start(), m.end(), "long", 0, digits))
            else:
                raw.append(Atom(m.start(), m.end(), "num", _num_value(digits), digits))
        elif kind in SPECIAL:
            raw.append(Atom(m.start(), m.end(), kind, 0, m.group()))
        elif kind == "gs":
            t, v = WORDS[key(m.group("gw"))]
            raw.append(Atom(m.start("gw"), m.end("gw"), t, v))
            t, v = WORDS[key(m.group("gs"))]
            raw.append(Atom(m.start("gs"), m.end("gs"), t, v))
        else:  # word, or a scale word with a glued suffix (sw)
            t, v = WORDS[key(m.group(kind))]
            raw.append(Atom(m.start(), m.end(), t, v))
    # ZWNJ rules for words: «یک‌صد», «سی‌ویک» join; «بی‌بی‌سی», «نیم‌کره», «سی‌دی» do not.
    atoms: list[Atom] = []
    for k, a in enumerate(raw):
        if a.type == "num" or a.type in SPECIAL:
            atoms.append(a)
            continue
        if a.start > 0 and norm[a.start - 1] == ZWNJ:
            prev = raw[k - 1] if k else None
            ok = prev is not None and prev.type not in SPECIAL and gap_kind(norm, prev.end, a.start) is not None
            if not ok:
                continue
        if a.end < len(norm) and norm[a.end] == ZWNJ:
            nxt = raw[k + 1] if k + 1 < len(raw) else None
            ok = nxt is not None and gap_kind(norm, a.end, nxt.start) is not None
            if not ok and not ZWNJ_CONT.match(norm, a.end):
                continue
        atoms.append(a)
    return atoms, vague_ends


def gap_kind(norm: str, s: int, e: int) -> str | None:
    """How two atoms at s and e are joined: "sp" (joiners only), "and" («و») or None."""
    if e < s:
        return None
    gap = norm[s:e].strip(JOINERS)  # faster than fullmatch with f"{J}*" and AND_GAP
    if not gap:
        return "sp"
    if gap == AND:
        return "and"
    return None
