"""Tokenizer throughput: ours against spaCy's blank `fa` tokenizer, same run.

    python benchmarks/bench_tokenizer.py [--paragraphs N] [--rounds R]

Words are whitespace-separated words of the input, the same count for both
tokenizers, so the ratio compares like with like. Each round times both on
the same Fars News paragraphs (the first round also fills both caches); the
median round is reported.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import spacy

import annotator

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def fars_paragraphs(limit: int) -> list[str]:
    out: list[str] = []
    for path in sorted((SHARED / "data" / "fars-news").glob("*.json")):
        for article in json.loads(path.read_text(encoding="utf-8")):
            out.extend(article["paragraphs"])
    return out[:limit]


def words_per_second(tokenizer, texts: list[str], n_words: int) -> float:
    start = time.perf_counter()
    for text in texts:
        tokenizer(text)
    return n_words / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    texts = fars_paragraphs(args.paragraphs)
    n_words = sum(len(t.split()) for t in texts)
    blank, ours = spacy.blank("fa").tokenizer, annotator.blank().tokenizer
    rows = []
    for _ in range(args.rounds):
        rows.append((words_per_second(blank, texts, n_words), words_per_second(ours, texts, n_words)))
    first = rows[0]
    b = statistics.median(r[0] for r in rows[1:] or rows)
    o = statistics.median(r[1] for r in rows[1:] or rows)
    print(f"texts: {len(texts)} paragraphs, {n_words} words, Python {sys.version.split()[0]}, spaCy {spacy.__version__}")
    print(f"first round (cold caches): blank fa {first[0]:,.0f} w/s, ours {first[1]:,.0f} w/s, ratio {first[1] / first[0]:.2f}")
    print(f"median of warm rounds:     blank fa {b:,.0f} w/s, ours {o:,.0f} w/s, ratio {o / b:.2f}")


if __name__ == "__main__":
    main()
