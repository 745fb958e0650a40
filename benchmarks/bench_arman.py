"""ARMAN fold 1 benchmark: train on train_fold1.txt, evaluate on test_fold1.txt.

    python benchmarks/bench_arman.py [--config annotator/training/configs/arman.cfg] [--vectors]
        [--pretrain-minutes N] [--dev-fraction F] [--full-train]
        [--set section.key=value ...] [--name NAME] [--out DIR]

Steps, each with spaCy's own machinery:
1. convert train_fold1 (token-per-line IOB, six labels) with our tokenizer
   and its alignment (misaligned spans are reported); 10% of the training
   sentences are held out as dev for model selection (`--full-train` uses
   them for training too, and then selects on that same data); the split is
   by text, so a sentence repeated in the corpus is never in both;
2. with `--vectors`, train floret vectors (NORM-keyed, subword-hashed) on the
   Fars News paragraphs plus the *training* sentences (never the test set),
   needs the optional `floret` package;
3. with `--pretrain-minutes N`, run `spacy pretrain` (characters objective,
   `annotator/training/configs/arman_pretrain.cfg` merged into the training config, so the
   pretrained tok2vec is the one trained next) on the same raw text as the
   vectors (Fars News + train sentences, never the test set) for N minutes of
   wall time, then stop it (SIGINT: spaCy saves model-last.bin) and load those
   weights through `[initialize] init_tok2vec`;
4. train with `spacy train` (spacy.cli.train.train) on `annotator/training/configs/arman.cfg`;
5. score model-best on test_fold1 with spaCy's scorer against the corpus'
   own tokenization (no gold entity lost to alignment), and time inference.

Publish: entity P/R/F overall and per label, wall and CPU time of vectors +
pretraining + training (total) and of training alone
(spaCy trains on one thread; on a shared machine CPU time is the better guide
to the time on an idle 2-core machine), inference words/s (ARMAN tokens per
second of `nlp.pipe`, batch 256, after a warm-up). A row is appended to
benchmarks/results/arman.md and the full figures written as JSON.

Published figures on this split: Stanza 80.06 F1 without a transformer,
83.16 with ParsBERT.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ANNOTATOR_SHARED", ROOT.parent / "shared"))
ARMAN = SHARED / "data" / "arman"
RESULTS = ROOT / "benchmarks" / "results"


def cpu_seconds() -> float:
    """CPU time of this process and its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def fars_texts() -> list[str]:
    out: list[str] = []
    for path in sorted((SHARED / "data" / "fars-news").glob("*.json")):
        for article in json.loads(path.read_text(encoding="utf-8")):
            out.extend(t for t in [article["title"], article.get("abstract") or "", *article["paragraphs"]] if t)
    return out


def run_pretrain(config_path: Path, texts: list[str], out: Path, minutes: float) -> Path:
    """`spacy pretrain` of the config's tok2vec on `texts`, stopped after
    `minutes` of wall time. Returns the weights for `init_tok2vec`."""
    import signal
    import subprocess

    import srsly
    from spacy import util

    out.mkdir(parents=True, exist_ok=True)
    raw = out / "raw.jsonl"
    srsly.write_jsonl(raw, ({"text": t} for t in texts if t.strip()))
    config = util.load_config(config_path, interpolate=False)
    config = config.merge(util.load_config(ROOT / "annotator" / "training" / "configs" / "arman_pretrain.cfg", interpolate=False))
    config["paths"]["raw_text"] = str(raw)
    pre_config = out / "config.cfg"
    config.to_disk(pre_config)
    weights = out / "weights"
    with (out / "pretrain.log").open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "spacy", "pretrain", str(pre_config), str(weights)],
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            proc.wait(timeout=minutes * 60)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)  # KeyboardInterrupt: spaCy writes model-last.bin and exits
            proc.wait()
    last = weights / "model-last.bin"
    if not last.exists():
        raise RuntimeError(f"spacy pretrain wrote no model-last.bin, see {out / 'pretrain.log'}")
    return last


def main(argv: list[str] | None = None) -> dict:
    import spacy

    import annotator
    from annotator.training.config import parse_overrides, write_config
    from annotator.training.convert import read_docs
    from annotator.training.docbin import write_docbin
    from annotator.training.evaluate import evaluate, read_gold
    from annotator.training.iob import read_iob
    from annotator.training.split import split_docs
    from annotator.training.train import run_spacy_train
    from annotator.training.vectors import build_floret_vectors

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", type=Path, default=ROOT / "annotator" / "training" / "configs" / "arman.cfg")
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "arman-fold1")
    ap.add_argument("--name", default=None, help="experiment name for the results table")
    ap.add_argument("--vectors", action="store_true", help="train floret vectors on Fars News + train text")
    ap.add_argument("--vectors-path", type=Path, default=None, help="use these spaCy vectors instead")
    ap.add_argument("--vector-dim", type=int, default=128)
    ap.add_argument("--vector-epochs", type=int, default=10, help="floret training epochs")
    ap.add_argument("--vector-bucket", type=int, default=50000, help="floret subword hash rows (the vectors table size)")
    ap.add_argument("--init-tok2vec", type=Path, default=None, help="pretrained weights from spacy pretrain")
    ap.add_argument("--pretrain-minutes", type=float, default=0,
                    help="run spacy pretrain (annotator/training/configs/arman_pretrain.cfg) for this many minutes first")
    ap.add_argument("--full-train", action="store_true", help="train on all of train_fold1 (dev = a slice of it)")
    ap.add_argument("--dev-fraction", type=float, default=0.1)
    ap.add_argument("--set", dest="overrides", action="append", default=[], help="config override key=value")
    ap.add_argument("--skip-train", action="store_true", help="only evaluate OUT/training/model-best")
    ap.add_argument("--results", type=Path, default=RESULTS, help="where arman.md and the JSON figures go")
    args = ap.parse_args(argv)

    out: Path = args.out
    work = out / "training"
    work.mkdir(parents=True, exist_ok=True)
    nlp = annotator.blank()
    result: dict = {"name": args.name or out.name, "config": str(args.config), "overrides": args.overrides}

    # 1. data
    docs, stats = read_docs(nlp, [ARMAN / "train_fold1.txt"], fmt="iob")
    result["conversion"] = stats.as_dict()
    print(f"train_fold1: {stats.summary()}", flush=True)
    train_docs, dev_docs = split_docs(docs, args.dev_fraction, seed=0)
    if args.full_train:
        train_docs = docs
    train_path = write_docbin(train_docs, work / "corpus" / "train.spacy")
    dev_path = write_docbin(dev_docs, work / "corpus" / "dev.spacy")

    overrides = parse_overrides(args.overrides)
    overrides.update({"paths.train": str(train_path), "paths.dev": str(dev_path)})
    wall0, cpu0 = time.perf_counter(), cpu_seconds()

    # 2. vectors
    vectors = args.vectors_path
    # unlabelled text for vectors and pretraining: Fars News + train sentences (never test)
    texts = fars_texts() + [" ".join(w for w, _ in s) for s in read_iob(ARMAN / "train_fold1.txt")]
    if args.vectors and not vectors and not args.skip_train:
        t0 = time.perf_counter()
        vectors = build_floret_vectors(texts, work / "vectors", dim=args.vector_dim, epoch=args.vector_epochs,
                                       bucket=args.vector_bucket)
        result["vectors_seconds"] = round(time.perf_counter() - t0, 1)
        print(f"vectors: {vectors} in {result['vectors_seconds']} s", flush=True)
    if vectors:
        overrides["paths.vectors"] = str(vectors)
        overrides["components.tok2vec.model.embed.include_static_vectors"] = True
    if args.init_tok2vec:
        overrides["paths.init_tok2vec"] = str(args.init_tok2vec)

    # 3. pretrain (the tok2vec of the training config, so it needs the config first)
    config_path = write_config(args.config, work / "config.cfg", overrides=overrides)
    if args.pretrain_minutes and not args.skip_train:
        t0, c0 = time.perf_counter(), cpu_seconds()
        weights = run_pretrain(config_path, texts, work / "pretrain", args.pretrain_minutes)
        result["pretrain_seconds"] = round(time.perf_counter() - t0, 1)
        result["pretrain_cpu_seconds"] = round(cpu_seconds() - c0, 1)
        print(f"pretrain: {weights} in {result['pretrain_seconds']} s", flush=True)
        overrides["paths.init_tok2vec"] = str(weights)
        config_path = write_config(args.config, work / "config.cfg", overrides=overrides)

    # 4. train
    if not args.skip_train:
        t0, c0 = time.perf_counter(), cpu_seconds()
        run_spacy_train(config_path, work)
        result["train_seconds"] = round(time.perf_counter() - t0, 1)
        result["train_cpu_seconds"] = round(cpu_seconds() - c0, 1)
    result["total_seconds"] = round(time.perf_counter() - wall0, 1)
    result["total_cpu_seconds"] = round(cpu_seconds() - cpu0, 1)

    # 5. evaluate on the test fold, reference = the corpus' own tokens
    model = spacy.load(work / "model-best")
    gold = read_gold(model, ARMAN / "test_fold1.txt", fmt="iob")
    list(model.pipe([g.text for g in gold[:200]], batch_size=256))  # warm-up
    scores = evaluate(model, gold, batch_size=256)
    n_tokens = sum(len(g.reference) for g in gold)
    scores["arman_tokens"] = n_tokens
    scores["words_per_second"] = round(n_tokens / scores["seconds"], 1)
    result["test"] = scores
    result["dev_best"] = json.loads((work / "model-best" / "meta.json").read_text(encoding="utf-8")).get("performance", {})
    ents = scores["ents"]
    print(f"\nARMAN test_fold1: P {100 * ents['p']:.2f}  R {100 * ents['r']:.2f}  F1 {100 * ents['f']:.2f}", flush=True)
    for label, s in ents["per_type"].items():
        print(f"  {label:6s} P {100 * s['p']:.2f}  R {100 * s['r']:.2f}  F {100 * s['f']:.2f}  (gold {s['gold']})")
    print(f"training: {result.get('train_seconds', 0) / 60:.1f} min wall, {result.get('train_cpu_seconds', 0) / 60:.1f} min CPU; "
          f"inference {scores['words_per_second']:.0f} words/s", flush=True)

    results_dir: Path = args.results
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / f"arman-{result['name']}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    table = results_dir / "arman.md"
    header = "## Runs of bench_arman.py"
    text = table.read_text(encoding="utf-8") if table.exists() else "# ARMAN fold 1 (train_fold1 → test_fold1), entity F1\n"
    if header not in text:
        table.write_text(text.rstrip("\n") + f"\n\n{header}\n\n"
                         "| experiment | config / overrides | test P | test R | test F1 | train wall min | train CPU min | words/s |\n"
                         "|---|---|---|---|---|---|---|---|\n", encoding="utf-8")
    with table.open("a", encoding="utf-8") as f:
        f.write(f"| {result['name']} | {Path(args.config).name} {' '.join(args.overrides)}"
                f"{' +floret vectors' if vectors else ''}"
                f"{f' +pretrain {args.pretrain_minutes:g} min' if args.pretrain_minutes else ''}"
                f"{' full-train' if args.full_train else f' dev {args.dev_fraction:g}'} | "
                f"{100 * ents['p']:.2f} | {100 * ents['r']:.2f} | {100 * ents['f']:.2f} | "
                f"{result.get('train_seconds', 0) / 60:.1f} | {result.get('train_cpu_seconds', 0) / 60:.1f} | "
                f"{scores['words_per_second']:.0f} |\n")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
