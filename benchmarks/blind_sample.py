"""How the blind set in tests/data/blind_gold.jsonl was chosen.

    python benchmarks/blind_sample.py ../shared/data/ir-news/ir-news.jsonl.gz > picked.jsonl

A seeded random sample of ir-news articles of 700 to 2,600 characters,
stratified by agency (agencies the rules were never developed on). It prints
each article with its line number and sha256 for the annotators; the
repository keeps only offsets, the line number and the hash, never the text.
The articles were annotated from ANNOTATION.md before the pipeline was run
on them, and no rule may be chosen from their errors.
"""
import gzip
import hashlib
import json
import random
import sys

QUOTA = {"asriran": 12, "tabnak": 12, "roozno": 9, "sobhane2": 3, "mashregh": 1, "sobhane1": 1}
SEED = 20261204


def main(path: str) -> None:
    rows = [json.loads(line) for line in gzip.open(path, "rt", encoding="utf-8")]
    rng = random.Random(SEED)
    picked = []
    for agency, n in QUOTA.items():
        cand = [i for i, r in enumerate(rows) if r["meta"]["agency"] == agency and 700 <= len(r["text"]) <= 2600]
        picked += rng.sample(cand, n)
    for i in sorted(picked):
        r = rows[i]
        sha = hashlib.sha256(r["text"].encode()).hexdigest()
        print(json.dumps({"line": i, "meta": r["meta"], "sha256": sha, "text": r["text"]}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
