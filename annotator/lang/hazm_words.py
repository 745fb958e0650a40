"""hazm's word list (193k words with part-of-speech tags and corpus
counts), keyed by our norm: which words are common nouns, adjectives or
verbs, and how common. Read once; the tokenizer, the verb forms and the
components share it."""
from __future__ import annotations

from functools import lru_cache

from hazm.utils import words_list

from annotator.lang.normalize import normalize_all


def hazm_words() -> dict[str, frozenset[str]]:
    """hazm's 193k-word lexicon as norm -> part-of-speech tags.

    An empty tag set means hazm lists the word without knowing its part of
    speech (mostly rare words and proper names, «نجفی»); a name-like word is
    one missing here or listed without tags.
    """
    return _hazm_lexicon()[0]


def hazm_frequencies() -> dict[str, int]:
    """How often hazm's corpus has each word (norm -> count): a word hazm
    tags as a noun but saw only a few times («علیدوستی») is more likely a
    name than one it saw a million times («تسلیت»)."""
    return _hazm_lexicon()[1]


@lru_cache(maxsize=1)
def _hazm_lexicon() -> tuple[dict[str, frozenset[str]], dict[str, int]]:
    """hazm's word file, read and normalized once for both tables (it is the
    largest part of loading the pipeline)."""
    entries = words_list()
    tag_sets: dict[tuple[str, ...], frozenset[str]] = {}  # a few hundred distinct sets, shared
    tags_of: dict[str, frozenset[str]] = {}
    counts: dict[str, int] = {}
    for key, (_, freq, tags) in zip(normalize_all([e[0] for e in entries]), entries):
        tagset = tag_sets.get(tags)
        if tagset is None:
            tagset = tag_sets[tags] = frozenset(t for t in tags if t != "0")
        before = tags_of.get(key)
        tags_of[key] = tagset if before is None else before | tagset
        if freq > counts.get(key, -1):
            counts[key] = freq
    return tags_of, counts
