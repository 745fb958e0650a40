"""Claims: the quantities of a text with their qualifier, unit and kind.

The number parser (`annotator.numbers`) finds the quantities and their
values in the raw text; this component turns each into a claim as the
guideline defines it: qualifier + number + the unit or counted noun
(«بیش از ۳۷ درصد», «۳۱ هزار و ۵۰۰ واحد صنعتی», «۵ تا ۲۰ هکتاری»). Who said
it is the attribution component's job, which runs after this one.

Claims are stored as plain dicts in the output contract's shape on
`doc._.claims` (so they serialize with the Doc and go straight into Prodigy
tasks), and as spans labelled `QUANTITY` in `doc.spans[spans_key]`.
"""
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Callable, Iterable, Optional, Union

from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.training import Example

from annotator.components.datafiles import DataFilesComponent
from annotator.lang.lex_attrs import require_lex_attrs
from annotator.lang.sentences import ensure_sentences
from annotator.lang.phrases import longest_by_end, longest_by_start
from annotator.lang.verbs import ends_phrase_at, is_verb
from annotator.lang.hazm_words import hazm_words
from annotator.lexicons import parse_json, parse_list, parse_patterns, phrase_variants, table_words
from annotator.numbers import find_numbers

QUALIFIERS = ("more_than", "less_than", "at_least", "at_most", "approximately")
UNIT_KINDS = ("money", "measure", "percent")
# Units that make a number a duration or a date, not a claim («۱۰ سال»).
NOT_CLAIM_UNITS = ("duration", "date")
FILES = ("qualifiers.jsonl", "units.jsonl", "unit_stops.txt", "people_context.txt", "claims_words.json")
MAX_UNIT_WORDS = 4
TITLE_WORDS = 6  # words a quoted title may hold around a number

if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=None)


@Language.factory(
    "annotator_claims",
    assigns=["doc._.claims", "doc.spans"],
    default_config={"spans_key": "claims", "data_dir": None, "scorer": {"@scorers": "annotator.claims_scorer.v1"}},
    default_score_weights={"claims_f": 1.0, "claims_p": 0.0, "claims_r": 0.0},
)
def make_claims(nlp: Language, name: str, spans_key: str, data_dir: Optional[str], scorer: Optional[Callable]) -> "Claims":
    require_lex_attrs(nlp, name)
    return Claims(nlp, name, spans_key=spans_key, data_dir=data_dir, scorer=scorer)


class ClaimsLexicon:
    """Qualifier and unit matchers and word sets, from the claims' data files."""

    def __init__(self, nlp: Language, files: dict[str, str]) -> None:
        self.files = dict(files)
        make_doc = nlp.make_doc
        qualifiers = parse_patterns(files.get("qualifiers.jsonl", ""), "qualifiers.jsonl", labels=QUALIFIERS)
        units = parse_patterns(files.get("units.jsonl", ""), "units.jsonl", labels=UNIT_KINDS + NOT_CLAIM_UNITS)
        self.qualifier_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        for p in qualifiers:
            self.qualifier_matcher.add(p["label"], [make_doc(v) for v in phrase_variants(p["pattern"])])
        self.unit_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        for p in units:
            self.unit_matcher.add(p["label"], [make_doc(v) for v in phrase_variants(p["pattern"])])
        # Single-word units by norm, to see them through an adjective suffix.
        self.unit_words: dict[str, str] = {}
        for p in units:
            doc = make_doc(p["pattern"])
            if len(doc) == 1:
                self.unit_words.setdefault(doc[0].norm_, p["label"])
        self.unit_stops = _norms(make_doc, parse_list(files.get("unit_stops.txt", "")))
        self.people_context = _norms(make_doc, parse_list(files.get("people_context.txt", "")))
        words = parse_json(files.get("claims_words.json", "{}"), "claims_words.json")

        def closed(key: str) -> list[str]:
            return table_words(words, key)

        self.conjunction = words.get("conjunction", "و")
        self.count_context = frozenset(closed("count_context"))
        self.adjective_suffixes = tuple(closed("adjective_suffixes"))
        self.people_units = frozenset(closed("people_units"))
        self.score_words = frozenset(closed("score_words"))
        self.change_words = frozenset(closed("change_words"))
        self.superlative_suffixes = tuple(closed("superlative_suffixes"))
        self.percent_words = tuple(closed("percent_words"))
        self.work_titles = frozenset(_norms(make_doc, closed("work_titles")))


class Claims(DataFilesComponent):
    """Quantities → claims (value, bounds, qualifier, kind, unit)."""

    def __init__(self, nlp: Language, name: str = "annotator_claims", *, spans_key: str = "claims",
                 data_dir: Union[str, Path, None] = None, scorer: Optional[Callable] = None) -> None:
        super().__init__(nlp, name, data_dir=data_dir, scorer=scorer)
        self.spans_key = spans_key

    FILES = FILES

    def build_lexicon(self, files: dict[str, str]) -> ClaimsLexicon:
        return ClaimsLexicon(self.nlp, files)

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        return super().score(examples, spans_key=self.spans_key, **kwargs)

    def __call__(self, doc: Doc) -> Doc:
        lex = self._lexicon()
        ensure_sentences(doc)
        claims: list[dict] = []
        spans: list[Span] = []
        text = doc.text  # rebuilt from the tokens at each call: get it once
        matches = find_numbers(text)
        if matches:
            qualifiers = longest_by_end(doc, lex.qualifier_matcher)
            self._qualifier_starts = {start for start, _ in qualifiers.values()}
            units = longest_by_start(doc, lex.unit_matcher)
            offsets = _Offsets(doc)
            ents = sorted((e.start_char, e.end_char) for e in doc.ents)
            ent_starts = [s for s, _ in ents]
            for k, m in enumerate(matches):
                j = bisect_left(ent_starts, m.end) - 1  # the last entity starting before the number ends
                if j >= 0 and ents[j][1] > m.start:
                    continue  # a number inside a name («شورای ۵+۱»)
                if "/" in (text[m.start - 1:m.start], text[m.end:m.end + 1]) or (
                    text[m.start - 2:m.start] == "/ " and text[m.start - 3:m.start - 2].isdigit()
                ):
                    continue  # a code or a date written apart («انتهای پیام/۱۰۸۳/ن», «۴/ ۱۲/ ۱۳۹۲»)
                if "+" in (text[m.start - 1:m.start], text[m.end:m.end + 1]):
                    continue  # a name: «گروه ۵+۱», «۱+۵»
                number = offsets.span(m.start, m.end)
                if number is None or _score(doc, number, lex.score_words) or _in_title(doc, number, lex.work_titles):
                    continue
                nxt = matches[k + 1] if k + 1 < len(matches) else None
                claim = self._claim(doc, m, number, qualifiers, units, offsets.span(nxt.start, nxt.end) if nxt else None)
                if claim is None:
                    continue
                span = Span(doc, claim.pop("_start"), claim.pop("_end"), label="QUANTITY")
                claims.append(_contract(span, claim))
                spans.append(span)
        doc._.claims = claims
        if self.spans_key:
            doc.spans[self.spans_key] = spans
        return doc

    # ------------------------------------------------------------------ parts

    def _claim(self, doc: Doc, m, number: Span, qualifiers: dict, units: dict, nxt: Optional[Span]) -> dict | None:
        """The claim of number match `m` (its tokens: `number`; `nxt`: the
        next number's tokens, whose unit may be this one's too)."""
        start, end = number.start, number.end
        qualifier = "range" if m.low is not None else "exact"
        if start in qualifiers:
            q_start, q_label = qualifiers[start]
            if qualifier == "exact":
                qualifier = q_label
            start = q_start
        unit, kind = None, "count"
        if m.percent:
            kind = "percent"
            unit = _percent_marker(number, self._lexicon().percent_words)
        else:
            found = self._unit(doc, end, units)
            if found is None and nxt is not None:
                # «از ۳۹۵ به ۶۸۷ هزار تومان»: the unit after the second number
                # is the first one's too.
                after = nxt
                if after is not None and after.start == end + 1 and doc[end].norm_ in self._lexicon().change_words:
                    shared = self._unit(doc, after.end, units)
                    if shared is not None and shared[1] != "count":
                        found = (end, shared[1], shared[2])
            if found is not None and found[1] in NOT_CLAIM_UNITS:
                return None
            if found is None and _year_like(m):
                return None  # «که 2014 بدترین سال بود»: a year, counting nothing
            if found is None and qualifier == "exact" and m.value is not None and m.value < 1000 \
                    and not any(ch.isdigit() for ch in number.text):
                return None  # a number word counting nothing: «به صفر رساند», «به گزارش ورزش سه»
            if found is not None and found[1] == "count" and start == number.start and self._names_a_year(doc, m, number):
                return None
            if found is not None:
                end, kind, unit = found
                if kind == "measure" and doc[end - 1].norm_ in self._lexicon().people_units and (m.value or m.high or 0) < 10000 \
                        and self._people_follow(doc, end):
                    kind = "count"  # «۶۰ تن در این حادثه کشته شدند»: persons, not tons
        return {"_start": start, "_end": end, "value": m.value, "low": m.low, "high": m.high,
                "qualifier": qualifier, "kind": kind, "unit": unit}

    def _names_a_year(self, doc: Doc, m, number: Span) -> bool:
        """«کنکور سراسری ۱۴۰۵», «بازی‌های آسیایی ۲۰۲۶»: a four-digit number
        in the range of years, right after the noun or adjective it
        modifies, is a year in a name, not a count."""
        if not _year_like(m) or number.start == 0:
            return False
        prev = doc[number.start - 1]
        lex = self._lexicon()
        return (prev.is_alpha and prev.norm_ not in lex.unit_stops and prev.norm_ not in lex.count_context
                and not is_verb(prev.norm_))

    def _unit(self, doc: Doc, i: int, units: dict) -> tuple[int, str, str] | None:
        """The unit or counted noun at token i, as (end, kind, unit text)."""
        if i < len(doc) and doc[i].is_space and "\n" not in doc[i].text:
            i += 1  # «۸۱۳  نفر», written with two spaces
        if i >= len(doc):
            return None
        lex = self._lexicon()
        if i in units:
            unit_end, label = units[i]
            return unit_end, label, doc[i:unit_end].text
        tok = doc[i]
        for suffix in lex.adjective_suffixes:
            stem = tok.norm_[: -len(suffix)]
            if tok.norm_.endswith(suffix) and stem in lex.unit_words:
                label = lex.unit_words[stem]
                return i + 1, label, tok.text[: len(tok.text) - len(_tail(tok.text, suffix))]
        if not self._noun_word(doc, i, first=True) or i in self._qualifier_starts:
            return None
        end = i + 1
        while end < len(doc) and end - i < MAX_UNIT_WORDS:
            if doc[end].norm_ == lex.conjunction and self._noun_word(doc, end + 1) and end + 2 - i <= MAX_UNIT_WORDS:
                end += 2
                continue
            if not self._noun_word(doc, end) or doc[end].norm_ in lex.unit_stops:
                break
            end += 1
        return end, "count", doc[i:end].text

    def _people_follow(self, doc: Doc, i: int) -> bool:
        """Whether a word of people_context.txt comes within five words of
        token i, in the same clause."""
        for tok in doc[i:i + 5]:
            if tok.is_punct:
                return False
            if tok.norm_ in self._lexicon().people_context:
                return True
        return False

    def _noun_word(self, doc: Doc, i: int, *, first: bool = False) -> bool:
        """A word that can be (part of) a counted noun phrase. Nouns that
        usually end the phrase («کشور», «استان») can still be its head, the
        first word after the number («۱۰۸ کشور»)."""
        if i >= len(doc):
            return False
        tok = doc[i]
        if tok.is_punct or tok.is_space or tok.like_num or not any(c.isalpha() for c in tok.text):
            return False
        norm = tok.norm_
        lex = self._lexicon()
        if is_verb(norm) or (norm in lex.unit_stops and not (first and "N" in hazm_words().get(norm, ()))):
            return False
        if first and norm.endswith(lex.superlative_suffixes):
            return False  # a superlative («2014 بدترین سال») counts nothing
        return not ends_phrase_at(doc, i)


class _Offsets:
    """Character offsets to token spans, by bisection: `Doc.char_span` looks
    the tokens up one by one, which makes a long document quadratic."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        arr = doc.to_array([IDX, LENGTH])  # arrays, not a Token object per token
        self.starts = arr[:, 0].tolist()
        self.ends = (arr[:, 0] + arr[:, 1]).tolist()

    def span(self, start: int, end: int) -> Optional[Span]:
        """The tokens overlapping [start, end), as `char_span(..., "expand")`."""
        first = bisect_right(self.ends, start)
        last = bisect_left(self.starts, end) - 1
        return self.doc[first:last + 1] if first <= last else None


def _contract(span: Span, claim: dict) -> dict:
    """A claim in the output contract's shape (speaker filled in later)."""
    return {
        "start": span.start_char,
        "end": span.end_char,
        "token_start": span.start,
        "token_end": span.end - 1,
        "text": span.text,
        **claim,
        "speaker": None,
    }


def _score(doc: Doc, number: Span, words: frozenset[str]) -> bool:
    """A match result, «۳ بر صفر», «یک بر یک»: numbers on both sides of «بر»."""
    after = number.end + 1 < len(doc) and doc[number.end].norm_ in words and doc[number.end + 1].like_num
    before = number.start >= 2 and doc[number.start - 1].norm_ in words and doc[number.start - 2].like_num
    return after or before


def _in_title(doc: Doc, number: Span, works: frozenset[str]) -> bool:
    """A number inside the quoted title of a work: «فیلم «دو روی سکه»»,
    «خوب بد جلف ۲» (up to six words between «…», after a word of works)."""
    start = number.start
    while start > 0 and number.start - start < TITLE_WORDS and doc[start - 1].text != "«":
        start -= 1
    if start == 0 or doc[start - 1].text != "«" or start < 2:
        return False
    before = doc[start - 2]
    if before.norm_ not in works and not (start >= 3 and doc[start - 3].norm_ in works):
        return False
    return any(t.text == "»" for t in doc[number.end:number.end + TITLE_WORDS])


def _year_like(m) -> bool:
    """A bare four-digit number in the range of Iranian or Gregorian years,
    counting nothing: a year, not a quantity."""
    return (m.low is None and isinstance(m.value, int) and len(m.text.strip()) == 4
            and (1300 <= m.value <= 1499 or 1900 <= m.value <= 2100))


def _percent_marker(number: Span, words: tuple[str, ...]) -> str:
    """The percent word or sign of a percent, as the claim's unit: the
    word's standard form («درصد» for «درصدی»), or the sign as written."""
    word, signs = words[0], words[1:]
    for tok in reversed(number):
        if word in tok.norm_ or tok.text in signs:
            return word if word in tok.norm_ else tok.text
    return word


def _tail(text: str, suffix: str) -> str:
    """The written form of a normalized suffix at the end of `text` (a
    ZWNJ before it included)."""
    out = text[-len(suffix):]
    if len(text) > len(suffix) and text[-len(suffix) - 1] == "\u200c":
        out = text[-len(suffix) - 1:]
    return out


def _norms(make_doc: Callable, words: list[str]) -> frozenset[str]:
    return frozenset(t.norm_ for w in words for t in make_doc(w))
