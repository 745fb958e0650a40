"""Honest scores for a pipeline: entities with spaCy's `Scorer`, claims as
`../shared/tools/score.py` counts them.

Entities: each gold document becomes a *reference* `Doc` whose tokens are
our tokens, split further wherever a gold span starts or ends inside one,
so that every gold span exists in the reference: a span our tokenizer cannot
represent is a miss, not silently dropped. (IOB corpora and DocBins are
their own reference tokenization.) The pipeline's output is the predicted
`Doc`; spaCy's `Scorer` (`get_ner_prf`) aligns the two and counts exact
(start, end, label) matches. Gold entities marked `optional` are *missing*
annotation in the reference: a prediction touching one is ignored, and
missing one costs nothing, as in score.py.

Claims (gold JSONL only): a predicted claim (`doc._.claims`) matches the
first unmatched gold claim it overlaps; optional gold claims absorb one
overlapping prediction each and are not counted. Detection is P/R/F over
those matches; value (value, low, high), qualifier, kind, unit (the gold
unit's first word, normalized, inside the predicted unit) and speaker (the
predicted speaker's text, normalized, among the gold names) are accuracies
over the matched claims; "full" is F1 counting a claim right only when
value, qualifier and speaker all are.
"""
from __future__ import annotations

import re
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Sequence

from spacy.language import Language
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc
from spacy.training import Example

from annotator.training.convert import read_docs
from annotator.training.errors import DataError
from annotator.training.stats import ConversionStats
from annotator.training.tasks import OnBad

CLAIM_FIELDS = ("value", "qualifier", "kind", "unit", "speaker")

# Exactly score.py's comparison form for units and speakers.
_TRANS = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی", "ة": "ه", "أ": "ا", "إ": "ا", "ؤ": "و"})
_DROP = re.compile(r"[\s\u200c\u200d\u200e\u200f\u064b-\u065f\u0670،,:;.()«»\"'!?؟\-_/]+")


def claim_norm(text: str | None) -> str:
    return _DROP.sub("", (text or "").translate(_TRANS))


def _same_num(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _overlap(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


# --------------------------------------------------------------- gold input


class GoldDoc:
    """One evaluation document: its text, reference Doc and gold claims."""

    def __init__(self, text: str, reference: Doc, claims: list[dict] | None = None):
        self.text = text
        self.reference = reference
        self.claims = claims


def read_gold(nlp: Language, path: str | Path, *, fmt: str | None = None, labels: Iterable[str] | None = None,
              on_bad: OnBad | None = None, stats: ConversionStats | None = None) -> list[GoldDoc]:
    """Evaluation documents from any data format (`annotator.training.convert`),
    on reference tokens where every gold span exists. Gold JSONL brings its
    claims too."""
    docs, _ = read_docs(nlp, [path], fmt=fmt, labels=labels, reference=True, stats=stats, on_bad=on_bad)
    return [GoldDoc(doc.text, doc, doc.user_data.get("claims_gold")) for doc in docs]


# ------------------------------------------------------------------- scoring


def score_entities(examples: Sequence[Example], labels: Iterable[str] | None = None) -> dict[str, Any]:
    """P/R/F per label and overall (micro) with spaCy's scorer, plus the
    counts behind them: gold entities, and scored predictions (those not
    touching missing gold annotation), per label."""
    prf = get_ner_prf(examples)
    per_type_prf = prf.get("ents_per_type") or {}
    keep = set(labels) if labels else None
    gold_n: dict[str, int] = defaultdict(int)
    pred_n: dict[str, int] = defaultdict(int)
    for eg in examples:
        if not eg.y.has_annotation("ENT_IOB"):
            continue
        for ent in eg.y.ents:
            gold_n[ent.label_] += 1
        x2y = eg.alignment.x2y
        for ent in eg.x.ents:
            idx = x2y[ent.start:ent.end]
            if len(idx) and all(t.ent_iob != 0 for t in eg.y[idx[0]:idx[-1] + 1]):
                pred_n[ent.label_] += 1
    per_type = {}
    for label in sorted(set(gold_n) | set(per_type_prf)):
        if keep is not None and label not in keep:
            continue
        s = per_type_prf.get(label, {"p": 0.0, "r": 0.0, "f": 0.0})
        per_type[label] = {"p": s["p"], "r": s["r"], "f": s["f"],
                           "gold": gold_n.get(label, 0), "pred": pred_n.get(label, 0)}
    return {"p": prf.get("ents_p") or 0.0, "r": prf.get("ents_r") or 0.0, "f": prf.get("ents_f") or 0.0,
            "gold": sum(gold_n.values()), "pred": sum(pred_n.values()), "per_type": per_type}


def claim_counts(gold: Sequence[dict], pred: Sequence[dict]) -> dict[str, int]:
    """score.py's claim counts for one document."""
    c = {"tp": 0, "np": 0, "ng": 0, **{k: 0 for k in CLAIM_FIELDS}, "full": 0}
    pclaims = list(pred)
    used: set[int] = set()
    for g in gold:
        if g.get("optional"):
            for i, pc in enumerate(pclaims):
                if i not in used and _overlap(pc, g):
                    used.add(i)
                    break
    c["np"] = len(pclaims) - len(used)
    c["ng"] = sum(1 for g in gold if not g.get("optional"))
    for g in gold:
        if g.get("optional"):
            continue
        match = next((i for i, pc in enumerate(pclaims) if i not in used and _overlap(pc, g)), None)
        if match is None:
            continue
        used.add(match)
        pc = pclaims[match]
        c["tp"] += 1
        ok_v = (_same_num(pc.get("value"), g.get("value")) and _same_num(pc.get("low"), g.get("low"))
                and _same_num(pc.get("high"), g.get("high")))
        ok_q = pc.get("qualifier") == g.get("qualifier")
        ok_k = pc.get("kind") == g.get("kind")
        gu = claim_norm((g.get("unit") or "").split(" ")[0])
        ok_u = bool(gu) and gu in claim_norm(pc.get("unit") or "")
        sp = pc.get("speaker")
        if g.get("speaker") is None:
            ok_s = sp is None
        else:
            names = g["speaker"] if isinstance(g["speaker"], list) else [g["speaker"]]
            ok_s = bool(sp) and claim_norm(sp.get("text", "")) in {claim_norm(a) for a in names}
        for key, ok in zip(CLAIM_FIELDS, (ok_v, ok_q, ok_k, ok_u, ok_s)):
            c[key] += int(ok)
        c["full"] += int(ok_v and ok_q and ok_s)
    return c


def score_claims(pairs: Iterable[tuple[Sequence[dict], Sequence[dict]]]) -> dict[str, Any]:
    """Claim figures over (gold claims, predicted claims) pairs."""
    total = {"tp": 0, "np": 0, "ng": 0, **{k: 0 for k in CLAIM_FIELDS}, "full": 0}
    for gold, pred in pairs:
        for key, value in claim_counts(gold, pred).items():
            total[key] += value
    p, r, f = _prf(total["tp"], total["np"], total["ng"])
    out: dict[str, Any] = {"detect": {"p": p, "r": r, "f": f, "gold": total["ng"],
                                      "pred": total["np"], "matched": total["tp"]}}
    for key in CLAIM_FIELDS:
        out[f"{key}_acc"] = total[key] / total["tp"] if total["tp"] else 0.0
    out["full_f"] = _prf(total["full"], total["np"], total["ng"])[2]
    return out


def predicted_claims(doc: Doc) -> list[dict] | None:
    """`doc._.claims` when the pipeline sets it, else None."""
    if not Doc.has_extension("claims"):
        return None
    return doc._.claims


def evaluate(nlp: Language, gold: Sequence[GoldDoc], *, labels: Iterable[str] | None = None,
             batch_size: int = 64) -> dict[str, Any]:
    """Run `nlp` over the gold texts and score entities (and claims, when the
    gold has claims and the pipeline predicts them)."""
    labels = list(labels) if labels else None
    start = time.perf_counter()
    preds = list(nlp.pipe((g.text for g in gold), batch_size=batch_size))
    seconds = time.perf_counter() - start
    words = sum(1 for d in preds for t in d if not t.is_space)
    examples = []
    claim_pairs = []
    has_claims = any(g.claims is not None for g in gold)
    claims_predicted = False
    for g, doc in zip(gold, preds):
        pred = doc
        if labels is not None:
            pred = doc.copy()
            pred.ents = [e for e in doc.ents if e.label_ in labels]
        examples.append(Example(pred, g.reference))
        if g.claims is not None:
            pc = predicted_claims(doc)
            claims_predicted = claims_predicted or pc is not None
            claim_pairs.append((g.claims, pc or []))
    ents = score_entities(examples, labels)
    speed = round(words / seconds, 1) if seconds else None
    result: dict[str, Any] = {
        # spaCy's own keys, as `spacy evaluate --output` writes them
        "ents_p": ents["p"],
        "ents_r": ents["r"],
        "ents_f": ents["f"],
        "ents_per_type": {label: {k: s[k] for k in "prf"} for label, s in ents["per_type"].items()},
        "speed": speed,
        # ours: the counts behind the figures, and claims
        "docs": len(gold),
        "words": words,
        "seconds": round(seconds, 3),
        "words_per_second": speed,
        "pipeline": list(nlp.pipe_names),
        "ents": ents,
    }
    if has_claims:
        result["claims"] = score_claims(claim_pairs)
        result["claims"]["predicted_by_pipeline"] = claims_predicted
    return result


def load_pipeline(name: str | Path) -> Language:
    """A saved pipeline (directory or installed package), or `annotator`
    for the default rule pipeline. Raises `DataError` when there is none."""
    import spacy

    import annotator
    from annotator.pipeline import saved_pipeline_problem

    if str(name) in ("annotator", "rules", "default"):
        return annotator.load()
    path = Path(name)
    if path.exists():
        problem = saved_pipeline_problem(path)
        if problem:
            raise DataError(problem, path)
    elif not spacy.util.is_package(str(name)):
        raise DataError("no such pipeline: neither a directory nor an installed package (or 'annotator' "
                        "for the rules)", name)
    return annotator.load(name)


# ------------------------------------------------------------------- display


def format_table(result: dict[str, Any]) -> str:
    """The figures as aligned text tables."""
    from wasabi import table

    ents = result["ents"]
    rows = [(label, f"{100 * s['p']:.2f}", f"{100 * s['r']:.2f}", f"{100 * s['f']:.2f}", s["gold"], s["pred"])
            for label, s in ents["per_type"].items()]
    rows.append(("ALL", f"{100 * ents['p']:.2f}", f"{100 * ents['r']:.2f}", f"{100 * ents['f']:.2f}",
                 ents["gold"], ents["pred"]))
    out = [f"{result['docs']} docs, {result['words']} words, "
           f"{result['words_per_second'] or 0:.0f} words/s; pipeline: {', '.join(result['pipeline'])}",
           "", "Entities (exact span and label)",
           table(rows, header=("label", "P", "R", "F", "gold", "pred"), divider=True,
                 aligns=("l", "r", "r", "r", "r", "r"))]
    claims = result.get("claims")
    if claims:
        d = claims["detect"]
        crow = [("detection P/R/F", f"{100 * d['p']:.2f} / {100 * d['r']:.2f} / {100 * d['f']:.2f}"),
                ("gold / predicted / matched", f"{d['gold']} / {d['pred']} / {d['matched']}")]
        crow += [(f"{k} accuracy (matched)", f"{100 * claims[k + '_acc']:.2f}") for k in CLAIM_FIELDS]
        crow.append(("full F (value+qualifier+speaker)", f"{100 * claims['full_f']:.2f}"))
        out += ["", "Claims" + ("" if claims.get("predicted_by_pipeline") else " (the pipeline sets no doc._.claims)"),
                table(crow, divider=False, aligns=("l", "r"))]
    return "\n".join(out)
