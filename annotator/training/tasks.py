"""Prodigy tasks (`db-out` answers, or our own output) as annotated `Doc`s.

The other half of the Prodigy round trip. `annotator annotate` writes tasks;
people review them in Prodigy (`ner.manual`, `ner.correct`, `relations`,
`review`); `prodigy db-out` writes the answers; `task_to_doc` turns one task
into a `Doc`:

* **Tokens** are the task's own `tokens` when asked and they reproduce the
  text (what the reviewer saw and marked), else `nlp.make_doc`.
* **Entities**: every span of `spans` except `QUANTITY`, put on the tokens by
  `annotator.training.align` (outermost ones in `doc.ents`, all of them in the
  span group `spans_key`; the rest of the text `O`, or *missing* for a binary
  `ner.teach` answer, which only vouches for the span it showed).
* **Claims**: the `QUANTITY` spans go to `doc.spans["claims"]` and to
  `doc._.claims` in the output contract's shape (ANNOTATION.md), with the
  details (`value`, `unit` …) of the task's `claims` entry at the same
  offsets. Tasks written without `--quantity-spans` have claims only in
  `claims`: they are used as they are (see `claims_from`).
* **Speakers**: a `SPEAKER` relation between a `QUANTITY` span and another
  span makes that span the claim's `speaker`; when a task has `relations`,
  they are the truth. Every aligned relation is kept, in Prodigy's format,
  in `doc.user_data["relations"]`.

`tasks_to_docs` does for a dataset what Prodigy's `data-to-spacy` does: keeps
the accepted answers (a task without `answer`, i.e. our own output, counts as
accepted) and merges the answers given on one input (`_input_hash`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Container, Iterable, Literal, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

from annotator.io.prodigy import QUANTITY, SPEAKER, is_offset, record_hash
from annotator.io.records import BadRecord, read_tasks
from annotator.training.align import Alignment, CharSpan, align_span, annotate, list_problem, split_tokens
from annotator.training.docbin import ensure_claims_extension
from annotator.training.relations import claims_of, relation_key, speakers_of
from annotator.training.stats import ConversionStats

ENTITIES_KEY = "entities"  # the span group our entity rules write, nested spans included
CLAIMS_KEY = "claims"
INVALID_TASK = "invalid_task"
ClaimsFrom = Literal["auto", "spans", "claims"]
OnBad = Callable[[BadRecord], None]  # told of each record that is skipped, and why
# Prodigy views whose spans annotate the whole text (unmarked tokens are O).
MANUAL_VIEWS = frozenset(["ner_manual", "spans_manual", "blocks", "relations", "review"])


class Conversion:
    """One task as a `Doc`, and what of it could not be aligned: `unaligned`
    holds one dict per entity span, claim, speaker or relation left out
    (``{"kind", "start", "end", "label", "text", "reason"}``)."""

    def __init__(self, doc: Doc, alignment: Alignment, unaligned: list[dict]) -> None:
        self.doc = doc
        self.alignment = alignment
        self.unaligned = unaligned

    @property
    def overlapping(self) -> int:
        """Entity spans in the span group but not in `doc.ents` (inside a longer one)."""
        return self.alignment.overlapping


def task_problem(task: dict) -> str | None:
    """Why a task cannot be converted at all, if it cannot: no text, or
    `spans` / `claims` that are not a list of spans inside the text."""
    text = task.get("text")
    if not isinstance(text, str):
        return 'no "text"' if text is None else f'"text" is {type(text).__name__}, not a string'
    return list_problem(task, "spans") or list_problem(task, "claims", labelled=False)


def task_to_doc(
    nlp: Language,
    task: dict,
    *,
    claims_from: ClaimsFrom = "auto",
    use_task_tokens: bool = True,
    spans_key: str = ENTITIES_KEY,
    labels: Container[str] | None = None,
    reference: bool = False,
    quantity_label: str = QUANTITY,
    speaker_label: str = SPEAKER,
) -> Conversion:
    """A Prodigy task (ours, or from Prodigy's `db-out`) as an annotated `Doc`.

    `claims_from`: ``"spans"``: the `QUANTITY` spans (details from the task's
    `claims` where offsets match); ``"claims"``: the task's `claims` list;
    ``"auto"``: ``"spans"`` if the task has a `QUANTITY` span.
    `labels`: the entity labels to keep (others are outside).
    `reference`: without task tokens, split our tokens at every span edge
    inside one, so that every span aligns (the gold side of an evaluation).
    The `Doc`'s `user_data` keeps `_input_hash`, `meta` and `relations`.
    """
    ensure_claims_extension()
    text = task["text"]
    spans = [s for s in task.get("spans") or [] if isinstance(s, dict)]
    quantity = [s for s in spans if s.get("label") == quantity_label]
    entities = [CharSpan.of(s) for s in spans if s.get("label") != quantity_label]
    doc = _doc_from_tokens(nlp, text, task["tokens"]) if use_task_tokens and task.get("tokens") else None
    if doc is None:
        doc = nlp.make_doc(text)
        if reference:
            doc = split_tokens(doc, [c for s in entities for c in (s.start, s.end)])
    doc.user_data["_input_hash"] = task["_input_hash"] if "_input_hash" in task else record_hash(text)
    if isinstance(task.get("meta"), dict):
        doc.user_data["meta"] = task["meta"]

    view = task.get("_view_id")
    binary = view == "ner" or (view not in MANUAL_VIEWS and task.get("_is_binary") is True)
    alignment = annotate(doc, entities, partial=binary, labels=labels, spans_key=spans_key)
    unaligned = list(alignment.unaligned)

    if claims_from == "auto":
        claims_from = "spans" if quantity else "claims"
    details = {}
    for claim in task.get("claims") or []:
        if isinstance(claim, dict) and is_offset(claim.get("start")) and is_offset(claim.get("end")):
            details.setdefault((claim["start"], claim["end"]), claim)
    if claims_from == "spans":
        wanted = [(s, details.get((s.get("start"), s.get("end")))) for s in quantity]
    else:
        wanted = [(c, c) for c in details.values()]
    claim_spans: dict[tuple[int, int], tuple[Span, dict | None]] = {}
    for source, detail in wanted:
        span = align_span(doc, CharSpan.of(source, quantity_label), unaligned, "claim")
        if span is not None:
            claim_spans.setdefault((span.start_char, span.end_char), (span, detail))

    relations = task.get("relations")
    speakers = speakers_of(doc, spans, relations, unaligned, quantity_label, speaker_label)
    if speakers.relations:
        doc.user_data["relations"] = speakers.relations
    use_relations = isinstance(relations, list) and claims_from == "spans"
    doc.spans[CLAIMS_KEY] = [claim_spans[k][0] for k in sorted(claim_spans, key=lambda k: (k[0], -k[1]))]
    doc._.claims = claims_of(doc, claim_spans, speakers.by_claim, use_relations, unaligned)
    return Conversion(doc, alignment, unaligned)


def _doc_from_tokens(nlp: Language, text: str, tokens: Sequence[dict]) -> Doc | None:
    """The task's tokens as a Doc, or None when they do not reproduce `text`
    exactly (then the caller tokenizes the text itself)."""
    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    try:
        for tok in sorted(tokens, key=lambda t: (t["start"], t["end"])):
            start, end = int(tok["start"]), int(tok["end"])
            if start < pos or end <= start or end > len(text):
                return None
            if not _add_gap(words, spaces, text[pos:start]):
                return None  # text between tokens that no token covers
            words.append(text[start:end])
            spaces.append(False)
            pos = end
    except (KeyError, TypeError, ValueError):
        return None
    if not _add_gap(words, spaces, text[pos:]) or not words:
        return None
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    return doc if doc.text == text else None


def _add_gap(words: list[str], spaces: list[bool], gap: str) -> bool:
    """Whitespace between tokens: one space as the previous word's trailing
    space, the rest as a whitespace token. False if the gap is not blank."""
    if gap.strip():
        return False
    if gap and words and gap[0] == " ":
        spaces[-1] = True
        gap = gap[1:]
    if gap:
        words.append(gap)
        spaces.append(False)
    return True


# --------------------------------------------------------------------------
# Whole datasets


def read_task_files(paths: Iterable[str | Path], stats: ConversionStats, *,
                    on_bad: OnBad | None = None) -> list[dict]:
    """The tasks of JSONL files (`.gz` too) that can be converted. A line
    that is not a JSON object, or a task `task_problem` refuses, is counted
    in `stats.bad_lines` and passed to `on_bad` (file, line, what is wrong)."""
    tasks: list[dict] = []
    for source, line, item in read_tasks(paths):
        if not isinstance(item, BadRecord):
            problem = task_problem(item)
            if problem is None:
                tasks.append(item)
                continue
            item = BadRecord(source, line, INVALID_TASK, problem)
        stats.tasks += 1
        stats.bad_lines += 1
        if on_bad is not None:
            on_bad(item)
    return tasks


def tasks_to_docs(
    nlp: Language,
    tasks: Iterable[dict],
    *,
    answers: Sequence[str] = ("accept",),
    merge: bool = True,
    claims_from: ClaimsFrom = "auto",
    use_task_tokens: bool = True,
    spans_key: str = ENTITIES_KEY,
    labels: Container[str] | None = None,
    reference: bool = False,
    stats: ConversionStats | None = None,
) -> tuple[list[Doc], ConversionStats]:
    """Prodigy tasks → `Doc`s, as Prodigy's `data-to-spacy` does.

    Keeps tasks whose `answer` is in `answers` (no `answer` counts as
    ``"accept"``); tasks `task_problem` refuses are counted as bad. With
    `merge`, all kept tasks on one input (`_input_hash`) become one `Doc`
    (`merge_tasks`). ``claims_from="auto"`` means ``"spans"`` for every task
    if any task in the dataset has a `QUANTITY` span, else ``"claims"``.
    Returns the docs in input order and the counts.
    """
    stats = stats if stats is not None else ConversionStats()
    keep = set(answers)
    groups: dict[Any, list[dict]] = {}
    any_quantity = False
    for i, task in enumerate(tasks):
        stats.tasks += 1
        if not isinstance(task, dict) or task_problem(task) is not None:
            stats.bad_lines += 1
            continue
        answer = task.get("answer")
        stats.answers[answer if answer is not None else "none"] += 1
        if (answer if answer is not None else "accept") not in keep:
            continue
        stats.kept += 1
        any_quantity = any_quantity or any(
            isinstance(s, dict) and s.get("label") == QUANTITY for s in task.get("spans") or [])
        key = task.get("_input_hash")
        if not isinstance(key, int):
            key = record_hash(task["text"])
        if not merge:
            key = (key, i)
        if key in groups:
            stats.merged += 1
        groups.setdefault(key, []).append(task)
    resolved = ("spans" if any_quantity else "claims") if claims_from == "auto" else claims_from
    docs: list[Doc] = []
    for group in groups.values():
        conv = task_to_doc(nlp, merge_tasks(group), claims_from=resolved, use_task_tokens=use_task_tokens,
                           spans_key=spans_key, labels=labels, reference=reference)
        doc = conv.doc
        stats.add_doc(doc, conv.alignment, conv.unaligned)
        stats.claims += len(doc._.claims or [])
        stats.claims_with_speaker += sum(1 for c in doc._.claims or [] if c.get("speaker"))
        stats.relations.update(r["label"] for r in doc.user_data.get("relations", []))
        docs.append(doc)
    return docs, stats


def merge_tasks(tasks: Sequence[dict]) -> dict:
    """Several answers on one input as one task: the first task, with the
    spans, claims and relations of all of them (each distinct one once)."""
    if len(tasks) == 1:
        return tasks[0]
    merged = dict(tasks[0])
    spans: dict[tuple, dict] = {}
    claims: dict[tuple, dict] = {}
    relations: dict[tuple, dict] = {}
    any_relations = False
    for task in tasks:
        for s in task.get("spans") or []:
            if isinstance(s, dict):
                spans.setdefault((s.get("start"), s.get("end"), s.get("label")), s)
        for c in task.get("claims") or []:
            if isinstance(c, dict):
                claims.setdefault((c.get("start"), c.get("end")), c)
        if isinstance(task.get("relations"), list):
            any_relations = True
            for r in task["relations"]:
                if isinstance(r, dict):
                    relations.setdefault(relation_key(r), r)
    merged["spans"] = list(spans.values())
    merged["claims"] = list(claims.values())
    if any_relations:
        merged["relations"] = list(relations.values())
    # Tokens only make sense for spans marked on them: keep them only if all agree.
    first = tasks[0].get("tokens")
    if any(t.get("tokens") != first for t in tasks[1:]):
        merged.pop("tokens", None)
    return merged
