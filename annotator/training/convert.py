"""Training and evaluation data in any of four formats, as `Doc`s.

* `docbin`  – a spaCy `DocBin` (`.spacy`), e.g. our `annotator export` output;
* `prodigy` – Prodigy `db-out` JSONL (`ner_manual` / `ner.correct` tasks, and
  binary `ner.teach` accepts), or our own `annotate` output;
* `gold`    – the team's gold JSONL (`{"text", "entities": [{start, end,
  label, optional?}], "claims", ...}`, see ANNOTATION.md);
* `iob`     – token-per-line IOB/BIO/BILUO corpora, such as ARMAN.

Every format comes down to a text and character spans, put on tokens by
`annotator.training.align`: for training, our tokenizer's tokens (a span it
cannot represent is reported and its tokens marked missing); with
`reference=True`, for evaluation, tokens on which every gold span exists
(ours split at span edges; an IOB corpus' or a DocBin's own tokens).
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Container, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from annotator.io.inputs import READ_FAILURES, InputFileError
from annotator.io.records import BadRecord, read_tasks
from annotator.training.align import SPANS_KEY, CharSpan, annotate, list_problem, reference_doc
from annotator.training.docbin import read_docbin
from annotator.training.errors import DataError
from annotator.training.iob import SUFFIXES as IOB_SUFFIXES
from annotator.training.iob import read_iob, sentence_text
from annotator.training.stats import ConversionStats
from annotator.training.tasks import INVALID_TASK, OnBad, read_task_files, tasks_to_docs

FORMATS = ("docbin", "prodigy", "gold", "iob")
STORED_SPAN_GROUPS = ("sc", "entities")  # entity spans, nested too, of a stored Doc


def detect_format(path: str | Path) -> str:
    """`docbin`, `prodigy`, `gold` or `iob`, from the file name and first
    record. Raises `DataError` when neither tells."""
    path = Path(path)
    name = path.name.lower().removesuffix(".gz")
    suffix = Path(name).suffix
    if suffix == ".spacy":
        return "docbin"
    if suffix in (".jsonl", ".json", ".ndjson"):
        first = _first_record(path)
        if first is None or "entities" in first:
            return "gold"
        if any(k in first for k in ("answer", "_input_hash", "spans", "_view_id")):
            return "prodigy"
        raise DataError("neither gold JSONL (\"entities\") nor Prodigy tasks (\"spans\"); say which with --format",
                        f"{path}:1")
    if suffix in IOB_SUFFIXES or suffix == "":
        return "iob"
    raise DataError("unknown training data format (.spacy, .jsonl or an IOB .txt; or say which with --format)", path)


def _first_record(path: Path) -> dict | None:
    """The first line that is a JSON object (bad lines before it are
    reported by the reader, with their line numbers)."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            for raw in f:
                try:
                    first = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(first, dict):
                    return first
    except READ_FAILURES as err:
        raise DataError(f"cannot read ({err})", path) from None
    return None


def read_docs(nlp: Language, paths: Iterable[str | Path], *, fmt: str | None = None,
              labels: Iterable[str] | None = None, spans_key: str = SPANS_KEY, reference: bool = False,
              stats: ConversionStats | None = None, on_bad: OnBad | None = None) -> tuple[list[Doc], ConversionStats]:
    """Every file (any mix of formats) as docs; empty docs are dropped.

    `labels`: the entity labels to keep (others are outside). Records that
    cannot be used at all (malformed JSON, offsets outside the text …) are
    counted as bad and passed to `on_bad`; a file that cannot be read raises
    `DataError`.
    """
    if fmt is not None and fmt not in FORMATS:
        raise DataError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}", "--format")
    stats = stats if stats is not None else ConversionStats()
    keep = set(labels) if labels else None
    docs: list[Doc] = []
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise DataError("no such file" if not path.exists() else "not a file", path)
        kind = fmt or detect_format(path)
        try:
            if kind == "prodigy":
                tasks = read_task_files([path], stats, on_bad=on_bad)
                new, _ = tasks_to_docs(nlp, tasks, use_task_tokens=False, spans_key=spans_key, labels=keep,
                                       reference=reference, stats=stats)
            elif kind == "gold":
                new = gold_docs(nlp, path, stats, labels=keep, spans_key=spans_key, reference=reference, on_bad=on_bad)
            elif kind == "iob":
                new = iob_docs(nlp, path, stats, labels=keep, spans_key=spans_key, reference=reference)
            else:
                new = docbin_docs(nlp, path, stats, labels=keep, spans_key=spans_key, reference=reference)
            docs.extend(new)
        except InputFileError as err:
            raise DataError("; ".join(err.problems), path) from None
    stats.empty_docs = sum(1 for d in docs if len(d) == 0)
    return [d for d in docs if len(d)], stats


def gold_docs(nlp: Language, path: Path, stats: ConversionStats, *, labels: Container[str] | None = None,
              spans_key: str = SPANS_KEY, reference: bool = False, on_bad: OnBad | None = None) -> Iterator[Doc]:
    """Docs from gold JSONL: `optional` entities are missing annotation, and
    `id` and `claims` are kept in `user_data` (``"id"``, ``"claims_gold"``)."""
    for source, line, rec in read_tasks([path]):
        stats.tasks += 1
        if not isinstance(rec, BadRecord):
            problem = _gold_problem(rec)
            if problem is None:
                stats.kept += 1
                yield _gold_doc(nlp, rec, stats, labels=labels, spans_key=spans_key, reference=reference)
                continue
            rec = BadRecord(source, line, INVALID_TASK, problem)
        stats.bad_lines += 1
        if on_bad is not None:
            on_bad(rec)


def _gold_problem(rec: dict) -> str | None:
    if not isinstance(rec.get("text"), str):
        return 'no "text" string'
    return list_problem(rec, "entities") or list_problem(rec, "claims", labelled=False)


def _gold_doc(nlp: Language, rec: dict, stats: ConversionStats, *, labels: Container[str] | None,
              spans_key: str, reference: bool) -> Doc:
    entities = rec.get("entities") or []
    # Offsets are the truth (as for score.py); an entity's "text" is for people.
    spans = [CharSpan(e["start"], e["end"], e["label"]) for e in entities if not e.get("optional")]
    missing = [(e["start"], e["end"]) for e in entities if e.get("optional") and (labels is None or e["label"] in labels)]
    if reference:
        doc, alignment = reference_doc(nlp, rec["text"], spans, missing=missing, labels=labels)
    else:
        doc = nlp.make_doc(rec["text"])
        alignment = annotate(doc, spans, missing=missing, labels=labels, spans_key=spans_key)
    doc.user_data.update({"id": rec.get("id"), "claims_gold": rec.get("claims")})
    stats.add_doc(doc, alignment)
    return doc


def iob_docs(nlp: Language, path: Path, stats: ConversionStats, *, labels: Container[str] | None = None,
             spans_key: str = SPANS_KEY, reference: bool = False) -> Iterator[Doc]:
    """One doc a sentence: the tokens joined by spaces, tokenized by ours
    (or, with `reference`, the corpus' own tokens)."""
    for sent in read_iob(path):
        stats.tasks += 1
        stats.kept += 1
        text, spans = sentence_text(sent)
        if reference:
            words = [w for w, _ in sent]
            doc = Doc(nlp.vocab, words=words, spaces=[True] * (len(words) - 1) + [False])
        else:
            doc = nlp.make_doc(text)
        stats.add_doc(doc, annotate(doc, spans, labels=labels, spans_key=spans_key))
        yield doc


def docbin_docs(nlp: Language, path: Path, stats: ConversionStats, *, labels: Container[str] | None = None,
                spans_key: str = SPANS_KEY, reference: bool = False) -> Iterator[Doc]:
    """Docs of a DocBin, re-tokenized by ours (or, with `reference`, on
    their stored tokens); the stored entities, and the spans of the groups
    "sc" and "entities" nested inside them, are aligned again by
    characters, and tokens stored as missing stay missing."""
    for stored in read_docbin(path, nlp):
        stats.tasks += 1
        stats.kept += 1
        ents = list(stored.ents)
        # Nested spans come from the span groups, those strictly inside an
        # entity only: the stored doc.ents stay the flat layer.
        nested = [s for key in STORED_SPAN_GROUPS for s in stored.spans.get(key, [])
                  if any(e.start <= s.start and s.end <= e.end and len(s) < len(e) for e in ents)]
        spans = list(dict.fromkeys(CharSpan(s.start_char, s.end_char, s.label_) for s in ents + nested))
        missing = [(t.idx, t.idx + len(t)) for t in stored if t.ent_iob == 0]
        if reference:
            doc = stored
        else:
            doc = nlp.make_doc(stored.text)
            doc.user_data.update(stored.user_data)
        stats.add_doc(doc, annotate(doc, spans, missing=missing, labels=labels, spans_key=spans_key))
        yield doc
