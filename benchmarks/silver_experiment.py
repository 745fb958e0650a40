"""Silver data: the rules annotate raw news, a model trains on their output,
and the model finds entities the rules miss.

    python benchmarks/silver_experiment.py [--out DIR] [--max-steps N] [--skip-train]

1. Fars News articles (../shared/data/fars-news), shuffled with seed 0; the
   first 100 are held out, the other 1,400 are the raw corpus.
2. `annotator annotate` over the raw corpus: the silver data.
3. `annotator train` on the silver data (Prodigy-task JSONL), annotator/training/configs/ner.cfg.
4. Scores, with `annotator.evaluate`, of four pipelines on the team's gold
   (`../shared/gold/seed.jsonl`, `tests/data/dev_gold.jsonl`) and on the
   hand-checked held-out paragraphs (`benchmarks/data/fars_heldout_checked.jsonl`):
   the rules alone, the trained model alone, and both combined with either
   overlap policy.
5. The entities the combined pipeline finds in the held-out articles that
   the rules do not, one per line, for checking by hand
   (OUT/model_only_heldout.tsv).

The held-out gold file stores no Fars text, only a pointer (file, article,
paragraph) and offsets: the text is read from ../shared at run time.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ANNOTATOR_SHARED", ROOT.parent / "shared"))
FARS = SHARED / "data" / "fars-news"
CHECKED = ROOT / "benchmarks" / "data" / "fars_heldout_checked.jsonl"


def articles() -> list[dict]:
    out = []
    for path in sorted(FARS.glob("*.json")):
        for i, a in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            paras = [a["title"].strip()] + [p.strip() for p in a["paragraphs"] if p.strip()]
            out.append({"text": "\n\n".join(paras), "meta": {"source": path.name, "index": i}})
    random.Random(0).shuffle(out)
    return out


def checked_gold(path: Path, out: Path) -> Path | None:
    """The hand-checked held-out paragraphs as gold JSONL (text from ../shared)."""
    if not path.exists():
        return None
    cache: dict[str, list] = {}
    recs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        arts = cache.setdefault(rec["source"], json.loads((FARS / rec["source"]).read_text(encoding="utf-8")))
        text = arts[rec["article"]]["paragraphs"][rec["paragraph"]].strip()
        for e in rec["entities"]:
            assert text[e["start"]:e["end"]] == e["text"], (rec, e)
        recs.append({"id": f"{rec['source']}#{rec['article']}.{rec['paragraph']}", "text": text,
                     "entities": rec["entities"], "claims": []})
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "silver-fars")
    ap.add_argument("--max-steps", type=int, default=1500)
    ap.add_argument("--skip-train", action="store_true")
    args = ap.parse_args(argv)
    out: Path = args.out
    work = out.parent / (out.name + "-data")
    work.mkdir(parents=True, exist_ok=True)
    cli = [sys.executable, "-m", "annotator"]

    arts = articles()
    held, raw = arts[:100], arts[100:]
    (work / "raw.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in raw), encoding="utf-8")
    (work / "heldout.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in held), encoding="utf-8")
    if not args.skip_train:
        subprocess.run([*cli, "annotate", str(work / "raw.jsonl"), "-o", str(work / "silver.jsonl")], check=True)
        subprocess.run([*cli, "train", str(work / "silver.jsonl"), "-o", str(out),
                        "--max-steps", str(args.max_steps)], check=True)

    import spacy

    import annotator
    from annotator.training.evaluate import evaluate, read_gold
    from annotator.training.train import assemble

    model_only = spacy.load(out / "training" / "model-best")
    pipelines = {
        "rules": annotator.load(),
        "model": model_only,
        "rules over model": spacy.load(out),
        "model over rules": assemble(out / "training" / "model-best", work / "model-over-rules", policy="model"),
    }
    gold_files = {"seed": SHARED / "gold" / "seed.jsonl", "dev_gold": ROOT / "tests" / "data" / "dev_gold.jsonl"}
    checked = checked_gold(CHECKED, work / "heldout_checked.jsonl")
    if checked:
        gold_files["fars held-out (hand-checked)"] = checked
    labels = ["ORG", "MINISTRY", "OFFICIAL", "PERSON"]
    results: dict = {}
    for gname, gpath in gold_files.items():
        for pname, nlp in pipelines.items():
            r = evaluate(nlp, read_gold(nlp, gpath, labels=labels), labels=labels)
            results[f"{gname} | {pname}"] = {
                "p": round(100 * r["ents"]["p"], 2), "r": round(100 * r["ents"]["r"], 2),
                "f": round(100 * r["ents"]["f"], 2),
                "per_type_f": {k: round(100 * v["f"], 1) for k, v in r["ents"]["per_type"].items()}}
            print(f"{gname:32s} {pname:18s} P {results[f'{gname} | {pname}']['p']:6.2f} "
                  f"R {results[f'{gname} | {pname}']['r']:6.2f} F {results[f'{gname} | {pname}']['f']:6.2f}", flush=True)

    # What the model adds on held-out news, for checking by hand.
    rules, combined = pipelines["rules"], pipelines["rules over model"]
    rows = []
    for art in held:
        for pi, para in enumerate(art["text"].split("\n\n")):
            r = {(e.start_char, e.end_char) for e in rules(para).ents}
            for e in combined(para).ents:
                if (e.start_char, e.end_char) not in r:
                    ctx = para[max(0, e.start_char - 40):e.end_char + 40].replace("\n", " ").replace("\t", " ")
                    rows.append(f"{art['meta']['source']}#{art['meta']['index']}.{pi}\t{e.label_}\t{e.text}\t{ctx}")
    (out.parent / (out.name + "-model_only_heldout.tsv")).write_text("\n".join(rows) + "\n", encoding="utf-8")
    results["model_only_heldout_entities"] = len(rows)
    (ROOT / "benchmarks" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "benchmarks" / "results" / "silver.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"{len(rows)} entities on held-out articles come from the model, not the rules", flush=True)
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
