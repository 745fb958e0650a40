"""Reviewed Prodigy tasks back into spaCy: `Doc`s, and `DocBin` training files.

The other half of the Prodigy round trip. `annotator annotate` writes tasks;
people review them in Prodigy (`ner.manual`, `ner.correct`, `relations`,
`review`); `prodigy db-out` writes the answers; this module turns them, or
our own unreviewed output, into `Doc`s:

* **Tokens** are the task's own `tokens` when it has them (what the reviewer
  saw and marked), else the given pipeline's tokenizer (`nlp.make_doc`).
* **Entities**: every span of `spans` except `QUANTITY` goes to
  `doc.spans["entities"]` (nested and overlapping ones too); the outermost,
  non-overlapping ones are `doc.ents`, with every other token `O` (outside)
  — or *missing* (unknown) for a binary `ner.teach` answer, which only
  vouches for the span it showed, and over any span that could not be
  aligned.
* **Claims**: the `QUANTITY` spans go to the span group `doc.spans["claims"]`
  and to `doc._.claims`, as dicts in the output contract's shape
  (ANNOTATION.md); the details (`value`, `unit`, `qualifier` …) come from
  the task's `claims` list where a claim has the same offsets. Tasks written
  without `--quantity-spans` have claims only in `claims`: they are used as
  they are (see `claims_from`).
* **Speakers**: a `SPEAKER` relation between a `QUANTITY` span and another
  span (either direction) makes that span the claim's `speaker`. When a task
  has `relations`, they are the truth: a claim without a `SPEAKER` relation
  has no speaker. Every aligned relation is also kept, in Prodigy's format,
  in `doc.user_data["relations"]`.

A span is aligned to the tokens by its character offsets
(`doc.char_span(..., alignment_mode="strict")`); one whose edges fall inside a
token is not silently moved: it is counted as *unaligned* and returned, so
callers can report it.

`tasks_to_docs` does for a whole dataset what Prodigy's `data-to-spacy` does:
keeps the accepted answers (tasks without an `answer`, i.e. our own output,
count as accepted), merges the answers given on the same input
(`_input_hash`) into one `Doc`, and `split_docs` splits by input hash with a
seeded shuffle, so no text is in both train and dev. `export` writes
`train.spacy` and `dev.spacy` (with `store_user_data=True`, so `doc._.claims`,
`_input_hash` and `meta` survive); `read_docbin` reads them back.
"""
from __future__ import annotations

import os
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Literal, Sequence

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.util import filter_spans

from annotator.io.prodigy import input_hash, span_dict
from annotator.io.records import BadRecord, read_tasks

QUANTITY = "QUANTITY"
SPEAKER = "SPEAKER"
ENTITIES_KEY = "entities"
CLAIMS_KEY = "claims"
CLAIM_FIELDS = ("value", "low", "high", "qualifier", "kind", "unit")
ClaimsFrom = Literal["auto", "spans", "claims"]
# Prodigy views whose spans annotate the whole text (unmarked tokens are O).
MANUAL_VIEWS = frozenset(["ner_manual", "spans_manual", "blocks", "relations", "review"])


def _ensure_claims_extension() -> None:
    if not Doc.has_extension("claims"):
        Doc.set_extension("claims", default=None)


@dataclass
class Conversion:
    """One task as a `Doc`, and what of it could not be aligned to its tokens.

    `unaligned` holds one dict per span, claim, speaker or relation that was
    left out: ``{"kind", "start", "end", "label", "text", "reason"}``.
    `overlapping` counts entity spans kept in ``doc.spans["entities"]`` but
    left out of ``doc.ents`` because they overlap a longer one.
    """

    doc: Doc
    unaligned: list[dict] = field(default_factory=list)
    overlapping: int = 0


def task_to_doc(
    nlp: Language,
    task: dict,
    *,
    claims_from: ClaimsFrom = "auto",
    use_task_tokens: bool = True,
    quantity_label: str = QUANTITY,
    speaker_label: str = SPEAKER,
) -> Conversion:
    """A Prodigy task (ours, or from Prodigy's `db-out`) as an annotated `Doc`.

    `claims_from`: where the claims are. ``"spans"``: the `QUANTITY` spans
    (reviewed in Prodigy; details from the task's `claims` where offsets
    match). ``"claims"``: the task's `claims` list (a task annotated without
    `--quantity-spans`). ``"auto"``: ``"spans"`` if the task has a
    `QUANTITY` span, else ``"claims"`` (`tasks_to_docs` decides for the
    whole dataset instead, so that a text whose `QUANTITY` spans were all
    rejected is not mistaken for one that never had any).

    `use_task_tokens`: build the `Doc` from the task's `tokens` (when they
    reproduce the text); otherwise, or when it has none, `nlp.make_doc`.

    The `Doc`'s `user_data` keeps `_input_hash`, `meta` and `relations`.
    """
    _ensure_claims_extension()
    text = task["text"]
    doc = None
    if use_task_tokens and task.get("tokens"):
        doc = _doc_from_tokens(nlp, text, task["tokens"])
    if doc is None:
        doc = nlp.make_doc(text)
    conv = Conversion(doc)
    doc.user_data["_input_hash"] = task.get("_input_hash", input_hash({"text": text}))
    if isinstance(task.get("meta"), dict):
        doc.user_data["meta"] = task["meta"]

    spans = [s for s in task.get("spans") or [] if isinstance(s, dict)]
    quantity = [s for s in spans if s.get("label") == quantity_label]
    others = [s for s in spans if s.get("label") != quantity_label]
    if claims_from == "auto":
        claims_from = "spans" if quantity else "claims"

    # Entities
    ents: list[Span] = []
    missing: list[Span] = []
    for s in others:
        span = _align(doc, s, s.get("label"), "span", conv)
        if span is None:
            loose = _loose(doc, s)
            if loose is not None:
                missing.append(loose)
        else:
            ents.append(span)
    ents = sorted(set(ents), key=lambda sp: (sp.start, -sp.end, sp.label_))
    doc.spans[ENTITIES_KEY] = ents
    flat = filter_spans(ents)
    conv.overlapping = len(ents) - len(flat)
    missing = _union([m for m in missing if not any(m.start < e.end and e.start < m.end for e in flat)])
    view = task.get("_view_id")
    binary = view == "ner" or (view not in MANUAL_VIEWS and task.get("_is_binary") is True)
    _set_ents(doc, flat, missing, partial=binary)

    # Claims
    details = {}
    for claim in task.get("claims") or []:
        if isinstance(claim, dict) and isinstance(claim.get("start"), int) and isinstance(claim.get("end"), int):
            details.setdefault((claim["start"], claim["end"]), claim)
    if claims_from == "spans":
        wanted = [(s, details.get((s.get("start"), s.get("end")))) for s in quantity]
    else:
        wanted = [(c, c) for c in details.values()]
    claim_spans: dict[tuple[int, int], tuple[Span, dict | None]] = {}
    for source, detail in wanted:
        span = _align(doc, source, quantity_label, "claim", conv)
        if span is not None:
            claim_spans.setdefault((span.start_char, span.end_char), (span, detail))

    # Speakers from relations (the reviewed truth when the task has any)
    relations = task.get("relations")
    speakers: dict[tuple[int, int], dict | None] = {}
    kept_relations: list[dict] = []
    if isinstance(relations, list):
        by_token_end = {s.get("token_end"): s for s in spans}
        for rel in relations:
            if not isinstance(rel, dict):
                continue
            head = _relation_span(rel, "head", by_token_end)
            child = _relation_span(rel, "child", by_token_end)
            label = rel.get("label")
            if head is None or child is None:
                conv.unaligned.append({"kind": "relation", "label": label, "reason": "head or child span not found"})
                continue
            hspan = _align(doc, head, head.get("label"), "relation", conv)
            cspan = _align(doc, child, child.get("label"), "relation", conv)
            if hspan is None or cspan is None:
                continue
            kept_relations.append(
                {
                    "head": hspan.end - 1,
                    "child": cspan.end - 1,
                    "head_span": span_dict(hspan),  # _align gave it the relation's label
                    "child_span": span_dict(cspan),
                    "label": label,
                }
            )
            if label != speaker_label:
                continue
            if head.get("label") == quantity_label and child.get("label") != quantity_label:
                claim, speaker, speaker_label_ = hspan, cspan, child.get("label")
            elif child.get("label") == quantity_label and head.get("label") != quantity_label:
                claim, speaker, speaker_label_ = cspan, hspan, head.get("label")
            else:
                conv.unaligned.append(
                    {"kind": "relation", "label": label, "reason": f"a {speaker_label} relation needs one {quantity_label} span"}
                )
                continue
            speakers[(claim.start_char, claim.end_char)] = {
                "start": speaker.start_char,
                "end": speaker.end_char,
                "text": speaker.text,
                "label": speaker_label_,
            }
    if kept_relations:
        doc.user_data["relations"] = kept_relations

    claims: list[dict] = []
    group: list[Span] = []
    for key in sorted(claim_spans, key=lambda k: (k[0], -k[1])):
        span, detail = claim_spans[key]
        claim = {
            "start": span.start_char,
            "end": span.end_char,
            "token_start": span.start,
            "token_end": span.end - 1,
            "text": span.text,
        }
        for name in CLAIM_FIELDS:
            claim[name] = (detail or {}).get(name)
        if isinstance(relations, list) and claims_from == "spans":
            claim["speaker"] = speakers.get(key)
        else:
            claim["speaker"] = speakers.get(key) or _aligned_speaker(doc, (detail or {}).get("speaker"), conv)
        claims.append(claim)
        group.append(span)
    doc.spans[CLAIMS_KEY] = group
    doc._.claims = claims
    return conv


def _doc_from_tokens(nlp: Language, text: str, tokens: Sequence[dict]) -> Doc | None:
    """The task's tokens as a Doc, or None when they do not reproduce `text`
    exactly (then the caller tokenizes the text itself)."""
    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    try:
        toks = sorted(tokens, key=lambda t: (t["start"], t["end"]))
        for tok in toks:
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
    if not _add_gap(words, spaces, text[pos:]):
        return None
    if not words:
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


def _align(doc: Doc, s: dict, label: Any, kind: str, conv: Conversion) -> Span | None:
    start, end = s.get("start"), s.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not isinstance(label, str) or not label:
        conv.unaligned.append({"kind": kind, "start": start, "end": end, "label": label, "reason": "no offsets or label"})
        return None
    if not 0 <= start < end <= len(doc.text):
        conv.unaligned.append({"kind": kind, "start": start, "end": end, "label": label, "reason": "offsets outside the text"})
        return None
    if isinstance(s.get("text"), str) and s["text"] != doc.text[start:end]:
        conv.unaligned.append(
            {"kind": kind, "start": start, "end": end, "label": label, "text": s["text"], "reason": "span text differs from the text at its offsets"}
        )
        return None
    span = doc.char_span(start, end, label=label, alignment_mode="strict")
    if span is None or not len(span):
        conv.unaligned.append(
            {"kind": kind, "start": start, "end": end, "label": label, "text": doc.text[start:end], "reason": "edges inside a token"}
        )
        return None
    return span


def _loose(doc: Doc, s: dict) -> Span | None:
    start, end = s.get("start"), s.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(doc.text):
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    return span if span is not None and len(span) else None


def _union(spans: list[Span]) -> list[Span]:
    """Overlapping spans merged into one (`set_ents` wants them disjoint)."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda sp: (sp.start, sp.end)):
        if out and span.start < out[-1].end:
            if span.end > out[-1].end:
                out[-1] = span.doc[out[-1].start : span.end]
        else:
            out.append(span)
    return out


def _set_ents(doc: Doc, ents: list[Span], missing: list[Span], *, partial: bool) -> None:
    if partial:
        doc.set_ents(ents, default="missing")
        return
    doc.set_ents(ents, missing=missing, default="outside")



def _relation_span(rel: dict, which: str, by_token_end: dict) -> dict | None:
    span = rel.get(f"{which}_span")
    if isinstance(span, dict) and isinstance(span.get("start"), int):
        return span
    # Older Prodigy relations: only the index of the span's last token.
    return by_token_end.get(rel.get(which))


def _aligned_speaker(doc: Doc, speaker: Any, conv: Conversion) -> dict | None:
    if not isinstance(speaker, dict):
        return None
    span = _align(doc, speaker, speaker.get("label") or "SPEAKER", "speaker", conv)
    if span is None:
        return None
    return {"start": span.start_char, "end": span.end_char, "text": span.text, "label": speaker.get("label")}


# --------------------------------------------------------------------------
# Whole datasets


@dataclass
class ExportStats:
    """What `tasks_to_docs` kept, dropped and could not align."""

    tasks: int = 0
    answers: Counter = field(default_factory=Counter)  # accept / reject / ignore / none
    kept: int = 0  # tasks used
    merged: int = 0  # kept tasks folded into an earlier one on the same input
    docs: int = 0
    bad_lines: int = 0
    unaligned: int = 0
    unaligned_by_kind: Counter = field(default_factory=Counter)
    unaligned_examples: list[dict] = field(default_factory=list)
    overlapping: int = 0
    entities: Counter = field(default_factory=Counter)
    claims: int = 0
    claims_with_speaker: int = 0
    relations: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tasks": self.tasks,
            "answers": dict(self.answers),
            "kept": self.kept,
            "merged": self.merged,
            "docs": self.docs,
            "bad_lines": self.bad_lines,
            "unaligned": self.unaligned,
            "unaligned_by_kind": dict(self.unaligned_by_kind),
            "overlapping": self.overlapping,
            "entities": dict(self.entities.most_common()),
            "claims": self.claims,
            "claims_with_speaker": self.claims_with_speaker,
            "relations": dict(self.relations.most_common()),
        }


def tasks_to_docs(
    nlp: Language,
    tasks: Iterable[dict],
    *,
    answers: Sequence[str] = ("accept",),
    merge: bool = True,
    claims_from: ClaimsFrom = "auto",
    use_task_tokens: bool = True,
    stats: ExportStats | None = None,
) -> tuple[list[Doc], ExportStats]:
    """Prodigy tasks → `Doc`s, as Prodigy's `data-to-spacy` does.

    Keeps tasks whose `answer` is in `answers` (a task without `answer`,
    such as our own unreviewed output, counts as ``"accept"``); tasks
    without a string `text` are counted as bad. With `merge`, all kept
    tasks on the same input (`_input_hash`) become one `Doc`: their spans,
    claims and relations are pooled (identical ones once). ``claims_from=
    "auto"`` means ``"spans"`` for every task if any task in the dataset has
    a `QUANTITY` span, else ``"claims"``. Returns the docs in input order
    and the counts (`stats.unaligned`: spans that could not be aligned).
    """
    stats = stats if stats is not None else ExportStats()
    keep = set(answers)
    groups: dict[Any, list[dict]] = {}
    order: list[Any] = []
    any_quantity = False
    for i, task in enumerate(tasks):
        stats.tasks += 1
        if not isinstance(task, dict) or not isinstance(task.get("text"), str):
            stats.bad_lines += 1
            continue
        answer = task.get("answer")
        stats.answers[answer if answer is not None else "none"] += 1
        if (answer if answer is not None else "accept") not in keep:
            continue
        stats.kept += 1
        any_quantity = any_quantity or any(
            isinstance(s, dict) and s.get("label") == QUANTITY for s in task.get("spans") or []
        )
        key = task.get("_input_hash")
        if not isinstance(key, int):
            key = input_hash({"text": task["text"]})
        if not merge:
            key = (key, i)
        if key in groups:
            groups[key].append(task)
            stats.merged += 1
        else:
            groups[key] = [task]
            order.append(key)
    resolved: ClaimsFrom = claims_from
    if claims_from == "auto":
        resolved = "spans" if any_quantity else "claims"
    docs: list[Doc] = []
    for key in order:
        task = merge_tasks(groups[key])
        conv = task_to_doc(nlp, task, claims_from=resolved, use_task_tokens=use_task_tokens)
        doc = conv.doc
        stats.docs += 1
        stats.unaligned += len(conv.unaligned)
        for u in conv.unaligned:
            stats.unaligned_by_kind[u["kind"]] += 1
            if len(stats.unaligned_examples) < 20:
                stats.unaligned_examples.append(u)
        stats.overlapping += conv.overlapping
        stats.entities.update(e.label_ for e in doc.ents)
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
                    relations.setdefault(_relation_key(r), r)
    merged["spans"] = list(spans.values())
    merged["claims"] = list(claims.values())
    if any_relations:
        merged["relations"] = list(relations.values())
    # Tokens only make sense for spans marked on them: keep them only if all agree.
    first = tasks[0].get("tokens")
    if any(t.get("tokens") != first for t in tasks[1:]):
        merged.pop("tokens", None)
    return merged


def _relation_key(rel: dict) -> tuple:
    def edge(which: str) -> Any:
        span = rel.get(f"{which}_span")
        if isinstance(span, dict):
            return (span.get("start"), span.get("end"))
        return rel.get(which)

    return (edge("head"), edge("child"), rel.get("label"))


def split_docs(docs: Sequence[Doc], eval_split: float, seed: int = 0) -> tuple[list[Doc], list[Doc]]:
    """(train, dev): a seeded shuffle of the distinct `_input_hash`es, the
    first `eval_split` of them dev (at least one when `eval_split` > 0 and
    there are two inputs or more). Docs keep their order within each part;
    docs of one input are never split apart."""
    if not 0.0 <= eval_split < 1.0:
        raise ValueError(f"eval_split must be in [0, 1), not {eval_split}")
    keys: list[Any] = []
    seen: set[Any] = set()
    for doc in docs:
        key = doc.user_data.get("_input_hash", doc.text)
        if key not in seen:
            seen.add(key)
            keys.append(key)
    n_dev = int(round(len(keys) * eval_split))
    if eval_split > 0 and n_dev == 0 and len(keys) >= 2:
        n_dev = 1
    shuffled = sorted(keys, key=lambda k: (str(type(k)), k))
    random.Random(seed).shuffle(shuffled)
    dev_keys = set(shuffled[:n_dev])
    train = [d for d in docs if d.user_data.get("_input_hash", d.text) not in dev_keys]
    dev = [d for d in docs if d.user_data.get("_input_hash", d.text) in dev_keys]
    return train, dev


def write_docbin(docs: Iterable[Doc], path: str | Path) -> Path:
    """A `DocBin` with user data (claims, relations, meta), written atomically."""
    path = Path(path)
    db = DocBin(store_user_data=True)
    for doc in docs:
        db.add(doc)
    tmp = path.with_name(path.name + ".part")
    db.to_disk(tmp)
    os.replace(tmp, path)
    return path


def read_docbin(path: str | Path, nlp_or_vocab: Any) -> list[Doc]:
    """Docs of a `DocBin` written by `export`, with `doc._.claims` and
    `doc.user_data["relations"]` as lists of dicts again (DocBin reads user
    data back with tuples in place of lists)."""
    _ensure_claims_extension()
    vocab = getattr(nlp_or_vocab, "vocab", nlp_or_vocab)
    docs = list(DocBin().from_disk(path).get_docs(vocab))
    for doc in docs:
        if doc._.claims is not None:
            doc._.claims = _lists(doc._.claims)
        if "relations" in doc.user_data:
            doc.user_data["relations"] = _lists(doc.user_data["relations"])
        if "meta" in doc.user_data:
            doc.user_data["meta"] = _lists(doc.user_data["meta"])
    return docs


def _lists(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


def read_task_files(paths: Iterable[str | Path], stats: ExportStats, *, on_bad: Any = None) -> list[dict]:
    """All tasks of JSONL files (`.gz` too); a line that is not a JSON object
    is counted in `stats.bad_lines` and passed to `on_bad` (a BadRecord)."""
    tasks: list[dict] = []
    for _source, _line, item in read_tasks(paths):
        if isinstance(item, BadRecord):
            stats.bad_lines += 1
            stats.tasks += 1
            if on_bad is not None:
                on_bad(item)
            continue
        tasks.append(item)
    return tasks


def export(
    nlp: Language,
    inputs: Sequence[str | Path],
    output_dir: str | Path,
    *,
    dev_inputs: Sequence[str | Path] = (),
    eval_split: float = 0.2,
    seed: int = 0,
    answers: Sequence[str] = ("accept",),
    merge: bool = True,
    claims_from: ClaimsFrom = "auto",
    use_task_tokens: bool = True,
    on_bad: Any = None,
) -> tuple[dict[str, Path], ExportStats, ExportStats | None]:
    """Write `train.spacy` and `dev.spacy` into `output_dir`.

    The dev set is `dev_inputs` when given (then all of `inputs` is train),
    else `eval_split` of the inputs by `split_docs`. Returns the written
    paths and the stats of the train (or whole) and dev inputs.
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    stats = ExportStats()
    tasks = read_task_files(inputs, stats, on_bad=on_bad)
    docs, stats = tasks_to_docs(
        nlp, tasks, answers=answers, merge=merge, claims_from=claims_from, use_task_tokens=use_task_tokens, stats=stats
    )
    dev_stats = None
    if dev_inputs:
        dev_stats = ExportStats()
        dev_tasks = read_task_files(dev_inputs, dev_stats, on_bad=on_bad)
        dev, dev_stats = tasks_to_docs(
            nlp, dev_tasks, answers=answers, merge=merge, claims_from=claims_from, use_task_tokens=use_task_tokens,
            stats=dev_stats,
        )
        train = docs
    else:
        train, dev = split_docs(docs, eval_split, seed)
    paths = {"train": write_docbin(train, out / "train.spacy"), "dev": write_docbin(dev, out / "dev.spacy")}
    return paths, stats, dev_stats
