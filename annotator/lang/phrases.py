"""Phrases in a Doc: a matcher's longest match at each token, and phrases
as sequences of token norms found in a Doc's NORM array (for word lists too
long to give each entry a Doc, 25,000 given names, and for the names a
document itself defines: a person's surname, seen again later)."""
from __future__ import annotations

from typing import Callable

from spacy.strings import get_string_id
from spacy.tokens import Doc


def longest_by_start(doc: Doc, matcher: Callable) -> dict[int, tuple[int, str]]:
    """A Matcher's or PhraseMatcher's longest match at each first token:
    start -> (end, match key as a string)."""
    out: dict[int, tuple[int, str]] = {}
    for match_id, start, end in matcher(doc):
        if start not in out or end > out[start][0]:
            out[start] = (end, doc.vocab.strings[match_id])
    return out


def longest_by_end(doc: Doc, matcher: Callable) -> dict[int, tuple[int, str]]:
    """The longest match ending before each token: end -> (start, match key)."""
    out: dict[int, tuple[int, str]] = {}
    for match_id, start, end in matcher(doc):
        if end not in out or start < out[end][0]:
            out[end] = (start, doc.vocab.strings[match_id])
    return out


class NormPhrases:
    """Phrases as sequences of token norms, found in a Doc's NORM array: a
    phrase matcher for very long word lists (no Doc per entry, and only
    hashes: nothing is added to the vocab's strings)."""

    def __init__(self) -> None:
        self.single: set[int] = set()  # one-token phrases
        self.longer: dict[tuple[int, int], list[tuple[int, ...]]] = {}  # first two norms -> phrases, longest first
        self.firsts: set[int] = set()  # first norms of the longer phrases
        self.starts: set[int] = set()  # first norms of all phrases

    def add(self, norms: list[str]) -> None:
        key = tuple(get_string_id(n) for n in norms)
        if key:
            self.starts.add(key[0])
        if len(key) == 1:
            self.single.add(key[0])
        elif key:
            self.firsts.add(key[0])
            phrases = self.longer.setdefault(key[:2], [])
            if key not in phrases:
                phrases.append(key)
                phrases.sort(key=len, reverse=True)

    def find(self, norms: list[int]) -> dict[int, int]:
        """start -> end of the longest phrase starting there (`norms`: a
        Doc's NORM hashes). This runs on every token of every document."""
        single, longer, firsts = self.single, self.longer, self.firsts
        out: dict[int, int] = {}
        for i in [i for i, h in enumerate(norms) if h in self.starts]:  # one scan of the Doc
            if norms[i] in firsts:
                for phrase in longer.get(tuple(norms[i:i + 2]), ()):
                    if tuple(norms[i:i + len(phrase)]) == phrase:
                        out[i] = i + len(phrase)
                        break
            if i not in out and norms[i] in single:
                out[i] = i + 1
        return out
