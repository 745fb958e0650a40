"""Claims and their speakers in a Prodigy task: `QUANTITY` spans, the details
of the task's `claims` list, and `SPEAKER` relations (Prodigy's relations
format: `head`/`child` are the last tokens of the two spans, `head_span` and
`child_span` the spans themselves)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span

from annotator.io.prodigy import span_dict
from annotator.training.align import CharSpan, align_span

CLAIM_FIELDS = ("value", "low", "high", "qualifier", "kind", "unit")


@dataclass
class Speakers:
    """The aligned relations of a task, and each claim's speaker by the
    claim's character offsets."""

    relations: list[dict] = field(default_factory=list)
    by_claim: dict[tuple[int, int], dict] = field(default_factory=dict)


def relation_key(rel: dict) -> tuple:
    """What makes two relations the same one (for merging answers)."""
    def edge(which: str) -> Any:
        span = rel.get(f"{which}_span")
        if isinstance(span, dict):
            return (span.get("start"), span.get("end"))
        return rel.get(which)

    return (edge("head"), edge("child"), rel.get("label"))


def _relation_span(rel: dict, which: str, by_token_end: dict) -> dict | None:
    span = rel.get(f"{which}_span")
    if isinstance(span, dict) and isinstance(span.get("start"), int):
        return span
    # Older Prodigy relations: only the index of the span's last token.
    return by_token_end.get(rel.get(which))


def speakers_of(doc: Doc, spans: list[dict], relations: Any, unaligned: list[dict],
                quantity_label: str, speaker_label: str) -> Speakers:
    """The task's relations on `doc`'s tokens; a `speaker_label` relation
    between a `quantity_label` span and another span names the claim's
    speaker. Relations that cannot be used are reported in `unaligned`."""
    out = Speakers()
    if not isinstance(relations, list):
        return out
    by_token_end = {s.get("token_end"): s for s in spans}
    for rel in relations:
        if not isinstance(rel, dict):
            continue
        head = _relation_span(rel, "head", by_token_end)
        child = _relation_span(rel, "child", by_token_end)
        label = rel.get("label")
        if head is None or child is None:
            unaligned.append({"kind": "relation", "label": label, "reason": "head or child span not found"})
            continue
        hspan = align_span(doc, CharSpan.of(head), unaligned, "relation")
        cspan = align_span(doc, CharSpan.of(child), unaligned, "relation")
        if hspan is None or cspan is None:
            continue
        out.relations.append({"head": hspan.end - 1, "child": cspan.end - 1, "head_span": span_dict(hspan),
                              "child_span": span_dict(cspan), "label": label})
        if label != speaker_label:
            continue
        if head.get("label") == quantity_label and child.get("label") != quantity_label:
            claim, speaker, who = hspan, cspan, child.get("label")
        elif child.get("label") == quantity_label and head.get("label") != quantity_label:
            claim, speaker, who = cspan, hspan, head.get("label")
        else:
            unaligned.append({"kind": "relation", "label": label,
                              "reason": f"a {speaker_label} relation needs one {quantity_label} span"})
            continue
        out.by_claim[(claim.start_char, claim.end_char)] = {
            "start": speaker.start_char, "end": speaker.end_char, "text": speaker.text, "label": who}
    return out


def claims_of(doc: Doc, claim_spans: dict[tuple[int, int], tuple[Span, dict | None]],
              speakers: dict[tuple[int, int], dict], relations_decide: bool, unaligned: list[dict]) -> list[dict]:
    """The claims in the output contract's shape, in text order. With
    `relations_decide`, a claim's speaker is the one its relation names (or
    none); otherwise a relation's speaker, else the claim's own `speaker`."""
    claims: list[dict] = []
    for key in sorted(claim_spans, key=lambda k: (k[0], -k[1])):
        span, detail = claim_spans[key]
        claim: dict[str, Any] = {"start": span.start_char, "end": span.end_char, "token_start": span.start,
                                 "token_end": span.end - 1, "text": span.text}
        for name in CLAIM_FIELDS:
            claim[name] = (detail or {}).get(name)
        if relations_decide:
            claim["speaker"] = speakers.get(key)
        else:
            claim["speaker"] = speakers.get(key) or _own_speaker(doc, (detail or {}).get("speaker"), unaligned)
        claims.append(claim)
    return claims


def _own_speaker(doc: Doc, speaker: Any, unaligned: list[dict]) -> dict | None:
    if not isinstance(speaker, dict):
        return None
    span = align_span(doc, CharSpan.of(speaker, speaker.get("label") or "SPEAKER"), unaligned, "speaker")
    if span is None:
        return None
    return {"start": span.start_char, "end": span.end_char, "text": span.text, "label": speaker.get("label")}
