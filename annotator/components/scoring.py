"""Scorers for `nlp.evaluate()` and `spacy evaluate`, registered in spaCy's
`scorers` registry and named in each component's default config.

The entity component uses spaCy's own `spacy.ner_scorer.v1` (`ents_p/r/f`,
`ents_per_type`). Claims are scored as spans of `doc.spans["claims"]`
(`claims_p/r/f`, exact offsets), and with the reference's `doc._.claims`
where it has them, the share of matched claims whose value is right
(`claims_value_acc`); attribution as the share of matched claims whose
speaker's text is the reference speaker's (`claims_speaker_acc`). For the
guideline's own figures (optional gold, overlap matching, several accepted
speaker names), use `annotator evaluate`.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from spacy import registry
from spacy.scorer import Scorer
from spacy.tokens import Doc
from spacy.training import Example


def _claims(doc: Doc) -> list[dict] | None:
    return doc._.claims if Doc.has_extension("claims") else None


def _matched(examples: Iterable[Example]) -> Iterable[tuple[dict, dict]]:
    """(predicted, reference) claims with the same offsets."""
    for eg in examples:
        gold = _claims(eg.reference)
        pred = _claims(eg.predicted)
        if not gold or not pred:
            continue
        by_offsets = {(c["start"], c["end"]): c for c in pred}
        for g in gold:
            p = by_offsets.get((g["start"], g["end"]))
            if p is not None:
                yield p, g


def score_claims(examples: Iterable[Example], *, spans_key: str = "claims", **kwargs: Any) -> dict[str, Any]:
    examples = list(examples)
    scores = Scorer.score_spans(
        examples, "claims", getter=lambda doc, attr: doc.spans.get(spans_key, []),
        has_annotation=lambda doc: spans_key in doc.spans, labeled=False,
    )
    out = {k: v for k, v in scores.items() if k in ("claims_p", "claims_r", "claims_f")}
    pairs = list(_matched(examples))
    if pairs:
        same = sum(1 for p, g in pairs if (p.get("value"), p.get("low"), p.get("high")) == (g.get("value"), g.get("low"), g.get("high")))
        out["claims_value_acc"] = same / len(pairs)
    return out


def score_speakers(examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
    pairs = list(_matched(examples))
    if not pairs:
        return {"claims_speaker_acc": None}
    right = sum(1 for p, g in pairs if ((p.get("speaker") or {}).get("text")) == ((g.get("speaker") or {}).get("text")))
    return {"claims_speaker_acc": right / len(pairs)}


@registry.scorers("annotator.claims_scorer.v1")
def make_claims_scorer() -> Callable:
    return score_claims


@registry.scorers("annotator.attribution_scorer.v1")
def make_attribution_scorer() -> Callable:
    return score_speakers
