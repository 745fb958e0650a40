"""Prodigy tasks in and out: hashes, tokens, spans, claims.

Tasks must be ones Prodigy's `ner.manual`, `ner.correct` and `db-in` take
unchanged, so the hashes are computed exactly as Prodigy computes them (see
`../shared/data/README.md`; checked against real `db-out` exports in the
tests): MurmurHash3 x86 32-bit, seed 0, signed, over `key=` + compact,
key-sorted, ASCII-escaped JSON.
"""
from __future__ import annotations

import json
from typing import Any

from murmurhash import hash as murmur
from spacy.attrs import IDX, LENGTH, SPACY
from spacy.tokens import Doc

INPUT_KEYS = ("text", "image", "html", "input")
#: A claim's span label (`--quantity-spans`) and the label of the relation
#: from a claim to its speaker (`--relations`), in tasks we write and read.
QUANTITY = "QUANTITY"
SPEAKER = "SPEAKER"
TASK_KEYS = ("spans", "label", "options", "arcs")
IGNORE_KEYS = frozenset(
    ["score", "rank", "model", "source", "pattern", "priority", "path",
     "_view_id", "_session_id", "_annotator_id", "answer"]
)


def is_offset(value: Any) -> bool:
    """A character offset read from JSON: an int, and not a bool (JSON's
    `true` is not an offset)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _strip(value: Any) -> Any:
    """Drop the keys Prodigy ignores for task hashes, at every depth."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in IGNORE_KEYS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def input_hash(task: dict) -> int:
    """Prodigy's `_input_hash`: what the annotator sees (the text)."""
    return murmur("".join(f"{k}={_dumps(task[k])}" for k in INPUT_KEYS if k in task))


def record_hash(text: str, extra: dict | None = None) -> int:
    """The `_input_hash` of the task written for an input record: its text
    and, as Prodigy hashes them, any other input keys it has (`image` …)."""
    task = {"text": text}
    if extra:
        task.update((k, extra[k]) for k in INPUT_KEYS if k in extra and k != "text")
    return input_hash(task)


def task_hash(task: dict, input_hash_value: int | None = None) -> int:
    """Prodigy's `_task_hash`: the input plus the question asked about it."""
    ih = input_hash(task) if input_hash_value is None else input_hash_value
    parts = [str(ih)]
    parts.extend(f"{k}={_dumps(_strip(task[k]))}" for k in TASK_KEYS if k in task)
    return murmur("".join(parts))


def set_hashes(task: dict, *, overwrite: bool = False) -> dict:
    """Add `_input_hash` and `_task_hash` (keeping existing ones unless told)."""
    if overwrite or "_input_hash" not in task:
        task["_input_hash"] = input_hash(task)
    if overwrite or "_task_hash" not in task:
        task["_task_hash"] = task_hash(task, task["_input_hash"])
    return task


def tokens_of(doc: Doc, text: str | None = None) -> list[dict]:
    """Prodigy's tokens. Read from the Doc's arrays rather than its Token
    objects: this runs on every token of every document written."""
    text = doc.text if text is None else text
    arr = doc.to_array([IDX, LENGTH, SPACY])
    starts, lengths, spaces = arr[:, 0].tolist(), arr[:, 1].tolist(), (arr[:, 2] == 1).tolist()
    return [
        {"text": text[s:s + n], "start": s, "end": s + n, "id": i, "ws": ws}
        for i, (s, n, ws) in enumerate(zip(starts, lengths, spaces))
    ]


def span_dict(span, label: str | None = None) -> dict:
    """A Prodigy span: character offsets, inclusive `token_end`."""
    return {
        "start": span.start_char,
        "end": span.end_char,
        "token_start": span.start,
        "token_end": span.end - 1,
        "label": label if label is not None else span.label_,
    }


#: Keys of an output task that are computed here, whatever the input had.
COMPUTED_KEYS = frozenset(["text", "meta", "_input_hash", "_task_hash", "tokens", "spans", "claims", "relations"])


def doc_to_task(
    doc: Doc, meta: dict | None = None, *, quantity_spans: bool = False, relations: bool = False,
    text: str | None = None, extra: dict | None = None,
) -> dict:
    """The output contract of ANNOTATION.md for one annotated document.

    `spans` are the flat entities (`doc.ents`); `claims` come from the claims
    component (`doc._.claims`). For review in Prodigy, `quantity_spans` adds
    each claim to `spans` as a `QUANTITY` span, and `relations` adds a
    `SPEAKER` relation from each claim to its speaker mention (Prodigy's
    relations format: `head`/`child` are the last tokens of the two spans;
    it implies `quantity_spans`, so that each relation's spans are in the
    task). The hashes cover `text` and `spans`, as Prodigy's do. `text`,
    when the caller has it, saves rebuilding it from the tokens (it must be
    `doc.text`).

    `extra`: the input task's other keys. They pass through unchanged
    (`custom`, `_session_id`, `answer` …), except the keys computed here.
    The input's own `spans` (say, reviewed in Prodigy) are kept as they
    are, with token indices of our tokens; ours are added where they
    overlap none of them: what a person marked wins.
    """
    text = doc.text if text is None else text
    extra = extra or {}
    quantity_spans = quantity_spans or relations
    spans = [span_dict(ent) for ent in doc.ents]
    claims = list(doc._.claims or []) if Doc.has_extension("claims") else []
    if quantity_spans:
        spans.extend(_claim_span(c, QUANTITY) for c in claims)
    given = [_on_tokens(doc, s) for s in extra.get("spans") or []]
    if given:
        spans = given + [s for s in spans if not any(s["start"] < g["end"] and g["start"] < s["end"] for g in given)]
    spans.sort(key=lambda s: (s["start"], s["end"]))
    task: dict[str, Any] = {"text": text, "meta": dict(meta or {})}
    task.update((k, v) for k, v in extra.items() if k not in COMPUTED_KEYS)
    task["_input_hash"] = input_hash(task)
    task["tokens"] = tokens_of(doc, text)
    task["spans"] = spans
    task["claims"] = claims
    if relations:
        task["relations"] = [_speaker_relation(doc, c) for c in claims if c.get("speaker")]
    task["_task_hash"] = task_hash(task, task["_input_hash"])
    return task


def _on_tokens(doc: Doc, span: dict) -> dict:
    """An input span with the token indices of the tokens it covers in `doc`
    (its offsets, label and other keys as they are)."""
    tokens = doc.char_span(span["start"], span["end"], alignment_mode="expand")
    if tokens is None:
        return dict(span)
    return {**span, "token_start": tokens.start, "token_end": tokens.end - 1}


def _claim_span(claim: dict, label: str) -> dict:
    return {k: claim[k] for k in ("start", "end", "token_start", "token_end")} | {"label": label}


def _speaker_relation(doc: Doc, claim: dict) -> dict:
    speaker = claim["speaker"]
    sp = doc.char_span(speaker["start"], speaker["end"], alignment_mode="expand")
    child = span_dict(sp, speaker.get("label") or sp.label_)
    head = _claim_span(claim, QUANTITY)
    return {
        "head": head["token_end"],
        "child": child["token_end"],
        "head_span": head,
        "child_span": child,
        "label": SPEAKER,
    }
