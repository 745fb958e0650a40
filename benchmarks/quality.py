"""Quality figures of the rule pipeline on every gold set, with the team's
scorer (`../shared/tools/score.py`): the table in the README.

    python benchmarks/quality.py [--sets seed heldout fars irnews-dev blind] [--json]

Sets: `seed` (the shared seed article), `heldout` (12 articles written for
the project, blind to the rules), `fars` (40 Fars News articles), `irnews-dev`
(77 ir-news articles used for development), `blind` (38 ir-news articles never
used to choose a rule: read only its aggregate figures).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import DATA, fars_gold, irnews_gold, load_jsonl, score_records, shared_path  # noqa: E402

SETS = {
    "seed": lambda: load_jsonl(shared_path("gold", "seed.jsonl")),
    "heldout": lambda: load_jsonl(DATA / "heldout_gold.jsonl"),
    "fars": fars_gold,
    "irnews-dev": lambda: irnews_gold("irnews_dev_gold.jsonl"),
    "blind": lambda: irnews_gold("blind_gold.jsonl"),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    ap.add_argument("--json", action="store_true", help="print the scorer's whole output as JSON lines")
    args = ap.parse_args()
    import annotator

    nlp = annotator.load()
    print(f"{'set':<11} {'ents':>5} {'ORG':>5} {'OFF':>5} {'PER':>5} {'MIN':>5} {'P':>5} | {'claims':>6} {'value':>5} {'unit':>5} {'spkr':>5} {'full':>5}")
    for name in args.sets:
        with tempfile.TemporaryDirectory() as tmp:
            s = score_records(nlp, SETS[name](), Path(tmp))
        if args.json:
            print(json.dumps({"set": name, **s}, ensure_ascii=False))
            continue
        print(f"{name:<11} {s['ent_strict_f1']:>5.3f} {s['ent_ORG']['f']:>5.3f} {s['ent_OFFICIAL']['f']:>5.3f} "
              f"{s['ent_PERSON']['f']:>5.3f} {s['ent_MINISTRY']['f']:>5.3f} {_precision(s):>5.3f} | "
              f"{s['claim_detect']['f']:>6.3f} {s['claim_value_acc']:>5.3f} {s['claim_unit_acc']:>5.3f} "
              f"{s['claim_speaker_acc']:>5.3f} {s['claim_full_f1']:>5.3f}")


def _precision(s: dict) -> float:
    """Overall entity precision, from the per-label figures."""
    tp = pred = 0.0
    for label in ("ORG", "OFFICIAL", "PERSON", "MINISTRY"):
        e = s[f"ent_{label}"]
        tp_l = e["r"] * e["gold"]
        tp += tp_l
        pred += tp_l / e["p"] if e["p"] else 0
    return tp / pred if pred else 0.0


if __name__ == "__main__":
    main()
