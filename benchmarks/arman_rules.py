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

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MAP = {"ORG": "org", "MINISTRY": "org", "PERSON": "pers"}


def sentences(path: Path):
    sent = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if sent:
                yield sent
            sent = []
            continue
        tok, _, tag = line.rpartition(" ")
        sent.append((tok, tag))
    if sent:
        yield sent


def gold_spans(sent) -> tuple[str, set[tuple[int, int, str]]]:
    text, spans, pos, cur = "", set(), 0, None
    for i, (tok, tag) in enumerate(sent):
        start = len(text) + (1 if text else 0)
        text = f"{text} {tok}" if text else tok
        end = len(text)
        if tag.startswith("B-") or (tag.startswith("I-") and (cur is None or cur[2] != tag[2:])):
            if cur:
                spans.add(tuple(cur))
            cur = [start, end, tag[2:]]
        elif tag.startswith("I-"):
            cur[1] = end
        else:
            if cur:
                spans.add(tuple(cur))
            cur = None
    if cur:
        spans.add(tuple(cur))
    return text, {s for s in spans if s[2] in ("org", "pers")}


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED / "data" / "arman" / "test_fold1.txt"
    nlp = annotator.load()
    nlp.select_pipes(enable=["annotator_entities"])
    counts = {lab: [0, 0, 0] for lab in ("org", "pers")}  # tp, pred, gold
    for sent in sentences(path):
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
