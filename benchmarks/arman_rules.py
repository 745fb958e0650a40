"""Sanity check only: the entity rules against ARMAN's org/pers annotations.

    python benchmarks/arman_rules.py [../shared/data/arman/test_fold1.txt]

ARMAN's guideline differs from ours (it tags universities as facilities,
newspapers as products, titles not at all), so this is not a target and the
rules are not tuned to it. Our ORG+MINISTRY are compared with its `org`,
our PERSON with its `pers`, as exact spans; OFFICIAL spans are dropped
(ARMAN has no such type) but the ORG inside one is taken from the nested
span group.
"""
from __future__ import annotations

import sys
from pathlib import Path

import annotator
from annotator.training.iob import read_iob, sentence_text

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MAP = {"ORG": "org", "MINISTRY": "org", "PERSON": "pers"}


def gold_spans(sent) -> tuple[str, set[tuple[int, int, str]]]:
    """The sentence's text and its org / pers entities as character spans."""
    text, spans = sentence_text(sent)
    return text, {(s.start, s.end, s.label) for s in spans if s.label in ("org", "pers")}


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED / "data" / "arman" / "test_fold1.txt"
    nlp = annotator.load()
    nlp.select_pipes(enable=["annotator_entities"])
    counts = {lab: [0, 0, 0] for lab in ("org", "pers")}  # tp, pred, gold
    for sent in read_iob(path):
        text, gold = gold_spans(sent)
        doc = nlp(text)
        flat = [e for e in doc.ents if e.label_ in MAP]
        inner = [s for s in doc.spans["entities"] if s.label_ in MAP and any(
            o.label_ == "OFFICIAL" and o.start <= s.start and s.end <= o.end for o in doc.ents)]
        pred = {(s.start_char, s.end_char, MAP[s.label_]) for s in flat + inner}
        for lab in counts:
            counts[lab][0] += len({x for x in pred & gold if x[2] == lab})
            counts[lab][1] += len({x for x in pred if x[2] == lab})
            counts[lab][2] += len({x for x in gold if x[2] == lab})
    print(f"ARMAN {path.name} (sanity check; different guideline)")
    for lab, (tp, npred, ngold) in counts.items():
        p = tp / npred if npred else 0.0
        r = tp / ngold if ngold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"  {lab:5s} P={p:.3f} R={r:.3f} F={f:.3f}  (gold {ngold}, predicted {npred})")


if __name__ == "__main__":
    main()
