"""Our tasks (ANNOTATION.md's output contract) as Label Studio tasks.

What the annotator found goes in as one *prediction* per task, which Label
Studio shows read-only and copies into a reviewer's new annotation:

* each entity span is a `labels` region (id ``e<n>``);
* each claim is a `CLAIM` region (id ``c<n>``) with its `value`, `low`,
  `high` and `unit` as per-region text (numbers as JSON) and `qualifier`
  and `kind` as per-region choices; empty fields are left out;
* a claim's speaker is a `SPEAKER` relation from the claim's region to the
  speaker's entity region; a speaker mention that is not one of the spans
  gets a region of its own (id ``s<n>``, with the speaker's label) that
  stays a speaker, not an entity, on the way back.

Everything else of the task (text, meta, hashes, tokens, any other key)
goes into the task's `data`, which Label Studio returns unchanged. A claim's
`QUANTITY` span (`annotate --quantity-spans`) is the claim's region and the
Prodigy `relations` (`--relations`) are the speaker relations, so neither is
kept twice.
"""
from __future__ import annotations

import json

from annotator.io.prodigy import QUANTITY, is_offset

from .config import CHOICE_FIELDS, CLAIM, ENTITY_LABELS, LABELS, NUMBER_FIELDS, SPEAKER, TEXT, TEXT_FIELDS

MODEL_VERSION = "annotator"
REGION_KEYS = ("spans", "claims", "relations")  # what becomes regions, not data
SPEAKER_REGION = "s"  # id prefix of a speaker mention that is not an entity span


def task_problems(task: dict, labels: tuple[str, ...] = ENTITY_LABELS) -> list[str]:
    """What keeps one of our tasks from being a Label Studio task: no text,
    spans or claims or speakers off the text or not matching it, unknown
    labels. Empty when it can be converted."""
    text = task.get("text")
    if not isinstance(text, str):
        return ['no "text"' if text is None else '"text" is not a string']
    problems: list[str] = []
    spans, claims = task.get("spans", []), task.get("claims", [])
    for key, items in (("spans", spans), ("claims", claims)):
        if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
            problems.append(f'"{key}" is not a list of objects')
    if problems:
        return problems
    claimed = {(c.get("start"), c.get("end")) for c in claims}
    for span in spans:
        if span.get("label") == QUANTITY:
            if (span.get("start"), span.get("end")) not in claimed:
                problems.append(f"{QUANTITY} span {_where(span)}: no claim at its offsets")
            continue
        problems.extend(_span_problems(text, span, "span"))
        if span.get("label") not in labels:
            problems.append(f"span {_where(span)}: unknown label {span.get('label')!r} (labels: {', '.join(labels)})")
    for claim in claims:
        problems.extend(_span_problems(text, claim, "claim"))
        problems.extend(_field_problems(claim))
        speaker = claim.get("speaker")
        if speaker is None:
            continue
        if not isinstance(speaker, dict):
            problems.append(f"claim {_where(claim)}: speaker is not an object")
            continue
        problems.extend(_span_problems(text, speaker, "speaker"))
        if speaker.get("label") not in labels:
            problems.append(f"speaker {_where(speaker)}: unknown label {speaker.get('label')!r} "
                            f"(labels: {', '.join(labels)})")
    return problems


def _field_problems(claim: dict) -> list[str]:
    problems = []
    for name in NUMBER_FIELDS:
        value = claim.get(name)
        if value is not None and not (isinstance(value, (int, float)) and not isinstance(value, bool)):
            problems.append(f"claim {_where(claim)}: {name} {value!r} is not a number")
    for name, values in CHOICE_FIELDS.items():
        if claim.get(name) is not None and claim[name] not in values:
            problems.append(f"claim {_where(claim)}: {name} {claim[name]!r} is not one of {', '.join(values)}")
    return problems


def _span_problems(text: str, span: dict, kind: str) -> list[str]:
    start, end = span.get("start"), span.get("end")
    if not (is_offset(start) and is_offset(end) and 0 <= start < end <= len(text)):
        return [f"{kind} {_where(span)}: offsets outside the text (0-{len(text)})"]
    if "text" in span and span["text"] != text[start:end]:
        return [f"{kind} {_where(span)}: its text {span['text']!r} is not the text at its offsets {text[start:end]!r}"]
    return []


def _where(span: dict) -> str:
    return f"{span.get('start')}-{span.get('end')}"


def to_label_studio(task: dict, model_version: str = MODEL_VERSION) -> dict:
    """One of our tasks as a Label Studio task with one prediction. The task
    must be valid (`task_problems` empty)."""
    text = task["text"]
    result: list[dict] = []
    region_of: dict[tuple[int, int, str], str] = {}
    for n, span in enumerate(s for s in task.get("spans", []) if s["label"] != QUANTITY):
        rid = f"e{n}"
        region_of.setdefault((span["start"], span["end"], span["label"]), rid)
        result.append(region(rid, text, span["start"], span["end"], span["label"]))
    for n, claim in enumerate(task.get("claims", [])):
        cid = f"c{n}"
        result.extend(claim_results(cid, text, claim))
        speaker = claim.get("speaker")
        if speaker:
            key = (speaker["start"], speaker["end"], speaker["label"])
            if key not in region_of:
                region_of[key] = f"{SPEAKER_REGION}{n}"
                result.append(region(region_of[key], text, *key))
            result.append(relation(cid, region_of[key]))
    data = {k: v for k, v in task.items() if k not in REGION_KEYS}
    return {"data": data, "predictions": [{"model_version": model_version, "score": 1.0, "result": result}]}


def region(rid: str, text: str, start: int, end: int, label: str) -> dict:
    """A labelled region over `text[start:end]`."""
    return {"id": rid, "from_name": LABELS, "to_name": TEXT, "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


def claim_results(rid: str, text: str, claim: dict) -> list[dict]:
    """A claim's `CLAIM` region and its per-region fields (same id)."""
    start, end = claim["start"], claim["end"]
    out = [region(rid, text, start, end, CLAIM)]
    for name in TEXT_FIELDS:
        value = claim.get(name)
        if value is None or value == "":
            continue
        shown = json.dumps(value, ensure_ascii=False) if name in NUMBER_FIELDS else str(value)
        out.append({"id": rid, "from_name": name, "to_name": TEXT, "type": "textarea",
                    "value": {"start": start, "end": end, "text": [shown]}})
    for name in CHOICE_FIELDS:
        if claim.get(name):
            out.append({"id": rid, "from_name": name, "to_name": TEXT, "type": "choices",
                        "value": {"start": start, "end": end, "choices": [claim[name]]}})
    return out


def relation(from_id: str, to_id: str) -> dict:
    """A `SPEAKER` relation from a claim's region to its speaker's."""
    return {"type": "relation", "from_id": from_id, "to_id": to_id, "direction": "right", "labels": [SPEAKER]}
