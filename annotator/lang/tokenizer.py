"""A Persian tokenizer for spaCy that keeps every character offset.

hazm's `WordTokenizer` knows Persian punctuation («،», «؛», «؟», guillemets)
and splits digits from letters («۳۱هزار»), which spaCy's blank `fa` tokenizer
does not. hazm returns strings, not offsets, so its tokenization is applied
here in a form that yields offsets (checked equal to hazm's output in the
tests), then adjusted where news text needs more than hazm gives:

* numbers with separators stay one token («۳۱٬۵۰۰», «31,500», «۲/۵», «۲.۵»),
  and a sentence dot after a number is split off («سال ۱۴۰۲.»);
* affixes written with a space («سازمان های», «می شود») join their word, so
  the spaced and ZWNJ spellings get one norm;
* a conjunction «و» glued to the next word («معدن وتجارت») is split off;
* sentence starts are set from sentence-final punctuation and line breaks,
  so `doc.sents` works without a parser.

`doc.text` is always the input, unchanged.
"""
from __future__ import annotations

import copy
import os
import re
from bisect import bisect_left, bisect_right
from typing import Iterable, Iterator

import spacy
from hazm import WordTokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab

from annotator.lang import lex_attrs
from annotator.lang.normalize import letter_class, normalize
from annotator.lang.sentences import SENT_END, in_abbreviation, sentence_starts, set_sentence_starts
from annotator.lang.hazm_words import hazm_words
from annotator.lexicons import read_json

# hazm splits on " " after turning "\n" and "\t" into spaces; other
# whitespace (\r, NBSP, thin spaces) stays inside its words.
_OTHER_SPACE = re.compile(r"[^\S \n\t]")
_SPACE_RUN = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
_LETTER = r"[\u0620-\u064a\u066e-\u06d3\u06d5\u200c]"
_NOT_LETTER_AFTER = r"(?![\u0620-\u064a\u066e-\u06d3\u06d5\u200c])"
# Endings that make an inflected form of a listed word (وزیران, وزنش).
_INFLECTIONS = ("ان", "ها", "های", "ی", "ای", "ش", "اش", "ت", "م", "ات", "ین", "یان", "ون")
# A word starting with «و», candidate for a conjunction glued to its word.
# ASCII punctuation that hazm leaves glued to a Persian word («رضایی,»,
# «وزیر;»): split off, so names and titles end before it.
_GLUED_PUNCT = re.compile(rf"(?<={_LETTER[:-1]},;])[,;]")
_WA_WORD = re.compile(rf"(?<!{_LETTER})و({_LETTER}{{2,}}){_NOT_LETTER_AFTER}")
# One number: digits with thousands groups and/or decimal, date or clock
# separators between digits.
_NUMBER = re.compile(r"\d+(?:[,٬]\d{3}(?!\d))*(?:[.٫/:]\d+)*")


def _variants(word: str) -> str:
    """A regex for `word` that also accepts its variant letter spellings."""
    return "".join(letter_class(ch) for ch in word)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(_variants(w) for w in sorted(words, key=len, reverse=True))


def _affix_patterns() -> tuple[re.Pattern, re.Pattern]:
    """Spaced affixes as found in raw text: a space, then a suffix ending its
    word (group 1 starts the suffix), or a prefix, then a space (group 1
    starts the word it belongs to)."""
    data = read_json("affixes.json")
    letter, end = _LETTER, _NOT_LETTER_AFTER
    # Both start with a literal or a fixed character, not a lookbehind, so
    # the regex engine skips ahead quickly instead of trying every position.
    suffix = re.compile(
        rf" (?:(?<={letter} )((?:{_alternation(data['suffixes'])}){end})"
        rf"|(?<=[هة] )((?:{_alternation(data['suffixes_after_he'])}){end}))"
    )
    prefixes = sorted(data["prefixes"], key=len, reverse=True)
    starts = "|".join(f"{_variants(p)}(?<!{letter}{_variants(p)})" for p in prefixes)
    prefix = re.compile(rf"(?:{starts}) ({letter})")
    return suffix, prefix


def _offsets_pattern(hazm_pattern: re.Pattern) -> re.Pattern:
    """hazm's word tokenization as one regex that yields offsets.

    `WordTokenizer.tokenize` puts spaces around every match of its pattern
    (sentence punctuation runs, digit runs, single punctuation marks) and
    splits on spaces, tabs and newlines. Its words are therefore the
    pattern's matches and the runs between them; matching exactly that here
    aligns hazm's words with the text in one pass, with no string search
    per word. `tests/test_tokenizer.py` checks the words equal hazm's own
    output, so a change in hazm cannot slip by.
    """
    # Characters at which hazm's pattern can match: the union of its classes.
    starts = r'\d؟!?.:،؛»\])}"«\[({/\\'
    return re.compile(rf"{hazm_pattern.pattern}|[^{starts} \n\t]+")


class PersianTokenizer:
    """Callable tokenizer: text -> Doc with offsets, norms and sentence starts."""

    def __init__(
        self,
        vocab: Vocab,
        *,
        join_affixes: bool = True,
        split_conjunctions: bool = True,
        split_sentences: bool = True,
    ) -> None:
        self.vocab = vocab
        self.join_affixes = join_affixes
        self.split_conjunctions = split_conjunctions
        self.split_sentences = split_sentences
        # Only hazm's splitting pattern is used here; its word list (which
        # WordTokenizer would read again, 193k lines) comes from hazm_words.
        self._hazm_words = _offsets_pattern(WordTokenizer(words_file=os.devnull, join_verb_parts=False).pattern)
        # hazm's word list (193k words) decides whether «وتجارت» is «و» +
        # «تجارت»: only when the whole is not a word and the rest is.
        self._known = hazm_words().keys() if split_conjunctions else frozenset()
        self._suffix_re, self._prefix_re = _affix_patterns()
        lex_attrs.install(vocab)

    def __call__(self, text: str) -> Doc:
        words, spaces, starts = self._doc_arrays(text, self.token_spans(text))
        doc = Doc(self.vocab, words=words, spaces=spaces)
        if self.split_sentences and starts:
            set_sentence_starts(doc, starts)
        return doc

    def without_sentences(self) -> "PersianTokenizer":
        """The same tokenizer, not setting sentence starts: for patterns and
        phrases, tokenized by the thousand when lexicons are built."""
        other = copy.copy(self)
        other.split_sentences = False
        return other

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the non-space tokens, in order."""
        spans = [m.span() for m in self._hazm_words.finditer(text)]
        if _OTHER_SPACE.search(text):
            spans = self._split_spaces(text, spans)
        if "," in text or ";" in text:
            spans = self._split_glued_punct(text, spans)
        if _DIGIT.search(text):
            spans = self._fix_numbers(text, spans)
        if self.split_conjunctions:
            spans = self._split_conjunctions(text, spans)
        if self.join_affixes:
            spans = self._join_affixes(text, spans)
        return spans

    @staticmethod
    def _doc_arrays(text: str, spans: list[tuple[int, int]]) -> tuple[list[str], list[bool], list[bool]]:
        """spaCy's words and spaces (one trailing space is a flag, any other
        gap a whitespace token), and sentence starts.

        A sentence starts after «.», «؟», «!», «…» (and the closing quotes or
        brackets that follow them) and after a line break, which makes a
        headline line a sentence of its own. Whitespace tokens stay with the
        sentence before them. This runs on every token, so the common case
        (words separated by nothing or one space) is done in comprehensions
        and only the rare other gaps are handled one by one.
        """
        if not spans:
            return ([text], [False], [True]) if text else ([], [], [])
        words = [text[s:e] for s, e in spans]
        nexts = [s for s, _ in spans[1:]]
        nexts.append(len(text))
        spaces = [nxt == e + 1 and text[e] == " " for (_, e), nxt in zip(spans, nexts)]
        odd = [i for i, ((_, e), nxt, sp) in enumerate(zip(spans, nexts, spaces)) if nxt > e and not sp]
        ends = {i for i, w in enumerate(words) if w[-1] in SENT_END and not in_abbreviation(text, *spans[i])}
        breaks: set[int] = set()  # indices (into `words`) after which a line ends
        lead = text[: spans[0][0]]
        if odd or lead:
            # Rebuild with whitespace tokens for the other gaps, copying the
            # runs of words between them whole.
            w2: list[str] = [lead] if lead else []
            sp2: list[bool] = [False] if lead else []
            inserted: list[int] = []  # old indices followed by a new whitespace token
            prev = 0
            for i in odd:
                w2.extend(words[prev:i + 1])
                sp2.extend(spaces[prev:i + 1])
                prev = i + 1
                gap = text[spans[i][1]:nexts[i]]
                if gap[0] == " ":
                    sp2[-1] = True
                    gap = gap[1:]
                if gap:
                    w2.append(gap)
                    sp2.append(False)
                    inserted.append(i)
                    if "\n" in gap:
                        breaks.add(len(w2) - 1)
            w2.extend(words[prev:])
            sp2.extend(spaces[prev:])
            shift = 1 if lead else 0
            ends = {i + shift + bisect_left(inserted, i) for i in ends}
            words, spaces = w2, sp2
        starts = sentence_starts(words, ends, breaks, 1 if lead else 0)
        return words, spaces, starts

    @staticmethod
    def _split_spaces(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for start, end in spans:
            pos = start
            for m in _SPACE_RUN.finditer(text, start, end):
                if m.start() > pos:
                    out.append((pos, m.start()))
                pos = m.end()
            if pos < end:
                out.append((pos, end))
        return out

    @staticmethod
    def _split_glued_punct(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """«رضایی,سخنگوی» → «رضایی», «,», «سخنگوی» (a comma between digits is
        a thousands separator and stays, see `_fix_numbers`)."""
        cuts = [m.start() for m in _GLUED_PUNCT.finditer(text)]
        if not cuts:
            return spans
        out: list[tuple[int, int]] = []
        k = 0
        for start, end in spans:
            pos = start
            while k < len(cuts) and cuts[k] < start:
                k += 1
            while k < len(cuts) and cuts[k] < end:
                cut = cuts[k]
                if cut > pos:
                    out.append((pos, cut))
                out.append((cut, cut + 1))
                pos = cut + 1
                k += 1
            if pos < end:
                out.append((pos, end))
        return out

    @staticmethod
    def _fix_numbers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Make every number (with its separators) exactly one token.

        hazm splits «31,500», «۳۱٬۵۰۰» and «۲/۵» at their separators and keeps
        a sentence dot with the digits before it («۱۴۰۲.»). Most numbers are
        already one token, so only the few that are not are patched.
        """
        starts = [s for s, _ in spans]
        patches: list[tuple[int, int, int, int]] = []
        for m in _NUMBER.finditer(text):
            num_start, num_end = m.span()
            i = bisect_right(starts, num_start) - 1
            if spans[i] != (num_start, num_end):
                patches.append((i, bisect_left(starts, num_end) - 1, num_start, num_end))
        if not patches:
            return spans
        out: list[tuple[int, int]] = []
        k = 0
        for i, j, num_start, num_end in patches:
            out.extend(spans[k:i])
            if out and out[-1][1] > spans[i][0]:
                first = out.pop()[0]  # what a previous patch left of token i
            else:
                first = spans[i][0]
            if first < num_start:
                out.append((first, num_start))
            out.append((num_start, num_end))
            if spans[j][1] > num_end:
                # What follows the number in the last token («.», «%») stays
                # a token of its own.
                out.append((num_end, spans[j][1]))
            k = j + 1
        out.extend(spans[k:])
        return out

    def _split_conjunctions(self, text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Split a conjunction «و» written without its space («معدن وتجارت»)."""
        cuts = {m.start(1) for m in _WA_WORD.finditer(text) if self._is_glued(m.group(0))}
        if not cuts:
            return spans
        starts = [s for s, _ in spans]
        split = sorted(i for c in cuts if (i := bisect_left(starts, c - 1)) < len(spans)
                       and starts[i] == c - 1 and spans[i][1] > c)
        out: list[tuple[int, int]] = []
        k = 0
        for i in split:  # only the few split tokens are touched
            out.extend(spans[k:i])
            start, end = spans[i]
            out += [(start, start + 1), (start + 1, end)]
            k = i + 1
        out.extend(spans[k:])
        return out

    def _is_glued(self, word: str) -> bool:
        """«وتجارت»: not a word itself, not an inflection of one, but «و» +
        a word of three letters or more."""
        known = self._known
        whole, rest = normalize(word), normalize(word[1:])
        if len(rest) < 3 or rest not in known or whole in known:
            return False
        return not any(
            whole.endswith(suffix) and whole[: -len(suffix)] in known for suffix in _INFLECTIONS
        )

    def _join_affixes(self, text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Join each spaced suffix to the word before it and each spaced
        prefix to the word after it («سازمان های», «می شود»)."""
        joins = {max(m.start(1), m.start(2)) for m in self._suffix_re.finditer(text)}
        joins.update(m.start(1) for m in self._prefix_re.finditer(text))
        if not joins:
            return spans
        starts = [s for s, _ in spans]
        joined = sorted(i for j in joins if 0 < (i := bisect_left(starts, j)) < len(spans) and starts[i] == j)
        out: list[tuple[int, int]] = []
        k = 0
        for i in joined:  # only the few joined tokens are touched; a run of them joins into one
            out.extend(spans[k:i])
            out[-1] = (out[-1][0], spans[i][1])
            k = i + 1
        out.extend(spans[k:])
        return out

    # Settings live in the config; there is nothing else to save.
    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        return b""

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = tuple()) -> "PersianTokenizer":
        return self

    def to_disk(self, path, *, exclude: Iterable[str] = tuple()) -> None:
        return None

    def from_disk(self, path, *, exclude: Iterable[str] = tuple()) -> "PersianTokenizer":
        return self


@spacy.registry.tokenizers("annotator.PersianTokenizer.v1")
def create_tokenizer(join_affixes: bool = True, split_conjunctions: bool = True, split_sentences: bool = True):
    """Registered factory: `[nlp.tokenizer] @tokenizers = "annotator.PersianTokenizer.v1"`."""

    def make_tokenizer(nlp) -> PersianTokenizer:
        return PersianTokenizer(
            nlp.vocab,
            join_affixes=join_affixes,
            split_conjunctions=split_conjunctions,
            split_sentences=split_sentences,
        )

    return make_tokenizer
