"""Character spans onto tokens: the one aligner of `annotator.training`.

Every annotation we train or score on arrives as character offsets (gold
JSONL, Prodigy tasks, IOB tokens joined into a text, a DocBin made with
another tokenizer). `annotate` puts them on a `Doc`:

* a span is mapped with `doc.char_span(..., alignment_mode="strict")`; one
  whose edges fall inside a token (our tokenizer joins «سازمان های», splits
  «۳۱هزار»), whose `text` differs from the text at its offsets, or that
  crosses a sentence start (spaCy's `ner` never predicts across one, and
  fails to train on one) is not moved: it is reported, and its tokens are
  marked *missing* (neither entity nor `O`), so no model learns they are
  outside an entity;
* the outermost, non-overlapping spans are `doc.ents`; every aligned span,
  nested ones too, goes to the span group `spans_key` (for `spancat`);
* `missing` ranges (optional gold) are missing tokens too, and with
  `partial` (a binary Prodigy answer) every token outside an entity is.

`reference_doc` is the evaluation side: our tokens, split further at every
span edge inside one, so that no gold span is lost to alignment.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Container, Iterable, NamedTuple, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from annotator.io.prodigy import is_offset

SPANS_KEY = "sc"  # the span group spaCy's spancat reads by default

EDGES_INSIDE_A_TOKEN = "edges inside a token"
ACROSS_A_SENTENCE = "across a sentence start"
TEXT_DIFFERS = "span text differs from the text at its offsets"
OUTSIDE_THE_TEXT = "offsets outside the text"
NO_OFFSETS = "no offsets or label"


class CharSpan(NamedTuple):
    """A labelled character span; `text`, when given, must be the text at
    its offsets."""

    start: Any
    end: Any
    label: Any
    text: str | None = None

    @classmethod
    def of(cls, item: dict, label: Any = None) -> "CharSpan":
        """A span dict (`start`, `end`, `label`, optional `text`); `label`
        replaces the dict's own when given."""
        text = item.get("text")
        return cls(item.get("start"), item.get("end"), item.get("label") if label is None else label,
                   text if isinstance(text, str) else None)


@dataclass
class Alignment:
    """What `annotate` did: the spans it aligned and those it could not.

    `unaligned` holds one dict per span left out: ``{"kind", "start", "end",
    "label", "text", "reason"}``. `filtered` counts the spans left out by
    label (not in `labels`).
    """

    spans: list[Span] = field(default_factory=list)
    ents: list[Span] = field(default_factory=list)
    unaligned: list[dict] = field(default_factory=list)
    offered: int = 0
    aligned: int = 0
    filtered: Counter = field(default_factory=Counter)

    @property
    def overlapping(self) -> int:
        """Aligned spans kept in the span group only (inside a longer one)."""
        return len(self.spans) - len(self.ents)


def offsets_problem(item: Any, text: str, *, labelled: bool = True) -> str | None:
    """What is wrong with a span dict's offsets (or label), if anything:
    a span that cannot point into `text` at all."""
    if not isinstance(item, dict):
        return f"is {type(item).__name__}, not an object"
    start, end = item.get("start"), item.get("end")
    if not is_offset(start) or not is_offset(end):
        return f"offsets must be integers (start={start!r}, end={end!r})"
    if start < 0 or end < 0:
        return f"negative offset (start={start}, end={end})"
    if end <= start:
        return f"end {end} is not after start {start}"
    if end > len(text):
        return f"offsets {start}-{end} are outside the text ({len(text)} characters)"
    if labelled and (not isinstance(item.get("label"), str) or not item["label"]):
        return f"no label (label={item.get('label')!r})"
    return None


def list_problem(record: dict, key: str, *, labelled: bool = True) -> str | None:
    """What is wrong with the spans under `key` of a record with a `text`."""
    items = record.get(key)
    if items is None:
        return None
    if not isinstance(items, list):
        return f'"{key}" is {type(items).__name__}, not a list'
    for i, item in enumerate(items):
        problem = offsets_problem(item, record["text"], labelled=labelled)
        if problem:
            return f'"{key}" item {i}: {problem}'
    return None


def align_span(doc: Doc, item: CharSpan, unaligned: list[dict], kind: str = "span") -> Span | None:
    """`item` as a span of `doc`'s tokens, or None (reported in `unaligned`)."""
    start, end, label = item.start, item.end, item.label

    def report(reason: str, text: str | None = None) -> None:
        entry = {"kind": kind, "start": start, "end": end, "label": label, "reason": reason}
        if text is not None:
            entry["text"] = text
        unaligned.append(entry)

    if not is_offset(start) or not is_offset(end) or not isinstance(label, str) or not label:
        report(NO_OFFSETS)
        return None
    if not 0 <= start < end <= len(doc.text):
        report(OUTSIDE_THE_TEXT)
        return None
    if item.text is not None and item.text != doc.text[start:end]:
        report(TEXT_DIFFERS, item.text)
        return None
    span = doc.char_span(start, end, label=label, alignment_mode="strict")
    if span is None or not len(span):
        report(EDGES_INSIDE_A_TOKEN, doc.text[start:end])
        return None
    return span


def covering_span(doc: Doc, start: Any, end: Any) -> Span | None:
    """The tokens under a character range (expanded to whole tokens)."""
    if not is_offset(start) or not is_offset(end) or not 0 <= start < end <= len(doc.text):
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    return span if span is not None and len(span) else None


def annotate(
    doc: Doc,
    spans: Iterable[CharSpan],
    *,
    missing: Iterable[tuple[int, int]] = (),
    partial: bool = False,
    labels: Container[str] | None = None,
    spans_key: str | None = SPANS_KEY,
    kind: str = "span",
) -> Alignment:
    """Set `doc.ents` (and the span group `spans_key`) from character spans.

    Spans whose label is not in `labels` (when given) are left out: their
    tokens are outside. See the module docstring for the rest.
    """
    result = Alignment()
    check_sents = doc.has_annotation("SENT_START")
    unknown: list[Span] = []
    aligned: list[Span] = []
    for item in spans:
        if labels is not None and item.label not in labels:
            result.filtered[item.label] += 1
            continue
        result.offered += 1
        span = align_span(doc, item, result.unaligned, kind)
        if span is None:
            loose = covering_span(doc, item.start, item.end)
            if loose is not None:
                unknown.append(loose)
            continue
        if check_sents and any(tok.is_sent_start for tok in span[1:]):
            # Our sentence splitter cut through it (a dotted abbreviation,
            # a headline broken over two lines).
            result.unaligned.append({"kind": kind, "start": item.start, "end": item.end, "label": item.label,
                                     "text": span.text, "reason": ACROSS_A_SENTENCE})
            unknown.append(span)
            continue
        result.aligned += 1
        aligned.append(span)
    for start, end in missing:
        loose = covering_span(doc, start, end)
        if loose is not None:
            unknown.append(loose)
    result.spans = sorted(set(aligned), key=lambda s: (s.start, -s.end, s.label_))
    if spans_key:
        doc.spans[spans_key] = result.spans
    result.ents = filter_spans(result.spans)
    if partial:
        doc.set_ents(result.ents, default="missing")
    else:
        free = [s for s in unknown if not any(s.start < e.end and e.start < s.end for e in result.ents)]
        doc.set_ents(result.ents, missing=union(free), default="outside")
    return result


def union(spans: Sequence[Span]) -> list[Span]:
    """Overlapping spans merged into one (`set_ents` wants them disjoint)."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if out and span.start < out[-1].end:
            if span.end > out[-1].end:
                out[-1] = span.doc[out[-1].start:span.end]
        else:
            out.append(span)
    return out


def split_tokens(doc: Doc, cuts: Iterable[Any]) -> Doc:
    """A copy of `doc`'s tokens, each split at every offset in `cuts` that
    falls inside it (whitespace kept; user data is not copied)."""
    inside = sorted({c for c in cuts if is_offset(c)})
    if not inside:
        return Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    text = doc.text
    words: list[str] = []
    spaces: list[bool] = []
    for tok in doc:
        start, end = tok.idx, tok.idx + len(tok.text)
        edges = [start, *(c for c in inside if start < c < end), end]
        for i in range(len(edges) - 1):
            words.append(text[edges[i]:edges[i + 1]])
            spaces.append(bool(tok.whitespace_) if i == len(edges) - 2 else False)
    return Doc(doc.vocab, words=words, spaces=spaces)


def reference_doc(nlp: Language, text: str, spans: Sequence[CharSpan], *,
                  missing: Sequence[tuple[int, int]] = (), partial: bool = False,
                  labels: Container[str] | None = None) -> tuple[Doc, Alignment]:
    """Our tokenization of `text`, split at every span edge inside a token,
    with `spans` as entities and `missing` ranges as missing annotation."""
    cuts = [c for s in spans for c in (s.start, s.end)] + [c for r in missing for c in r]
    doc = split_tokens(nlp.make_doc(text), cuts)
    return doc, annotate(doc, spans, missing=missing, partial=partial, labels=labels)
