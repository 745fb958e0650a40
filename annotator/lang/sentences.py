"""Sentence starts without a parser: after sentence-final punctuation and at
line breaks, so a headline line is a sentence of its own.

Our tokenizer sets them on every Doc it makes (`sentence_starts`, on its own
word arrays, in one pass). The components need `doc.sents`; on a Doc from
another tokenizer without a parser or sentencizer, `ensure_sentences` sets
them with the same rule.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc

# Sentence-final punctuation, as in hazm's SentenceTokenizer, plus «…».
SENT_END = frozenset("!.?⸮؟…")
CLOSING = frozenset(['»', '"', "'", ")", "]", "}", "”", "’", ">"])


def in_abbreviation(text: str, start: int, end: int) -> bool:
    """A dot inside an abbreviation ends no sentence: «بی‌.‌بی‌.‌سی» (dots
    between ZWNJs), «U.S.» (a single letter before it, another dot or letter
    right after it)."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before == "\u200c" or after == "\u200c":
        return True
    return (start >= 1 and before.isalpha() and (start < 2 or not text[start - 2].isalpha())
            and (after == "." or after.isalpha()))


def sentence_starts(words: Sequence[str], ends: Iterable[int], breaks: Iterable[int], first_word: int) -> list[bool]:
    """Sentence starts of a token sequence: the token after each index in
    `ends` (a sentence-final token; closing quotes and brackets stay with its
    sentence) or `breaks` (a whitespace token holding a line break), skipping
    whitespace. No sentence starts before `first_word`."""
    ends = set(ends)
    starts = [False] * len(words)
    if starts:
        starts[0] = True
    for i in sorted(ends | set(breaks)):
        j = i + 1
        if i in ends:
            while j < len(words) and words[j] in CLOSING:
                j += 1
        while j < len(words) and words[j].isspace():
            j += 1
        if j < len(words) and j > first_word:
            starts[j] = True
    return starts


def ensure_sentences(doc: Doc) -> None:
    """Set sentence starts on a Doc that has none (from another tokenizer,
    with no parser or sentencizer before us)."""
    if len(doc) == 0 or doc.has_annotation("SENT_START"):
        return
    text = doc.text
    words = [t.text for t in doc]
    ends = [t.i for t in doc if t.text and t.text[-1] in SENT_END and not in_abbreviation(text, t.idx, t.idx + len(t))]
    breaks = [t.i for t in doc if t.is_space and "\n" in t.text]
    first = 0
    while first < len(words) - 1 and words[first].isspace():
        first += 1
    set_sentence_starts(doc, sentence_starts(words, ends, breaks, first))


def set_sentence_starts(doc: Doc, starts: Sequence[bool]) -> None:
    """Mark the tokens that start a sentence (every other token does not).
    The same as Doc(..., sent_starts=starts), which converts and checks the
    list in Python: this array path is several times faster."""
    flags = numpy.where(numpy.asarray(starts, dtype=bool), 1, -1).astype("uint64").reshape(-1, 1)
    doc.from_array([SENT_START], flags)
