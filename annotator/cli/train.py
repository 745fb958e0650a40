"""`annotator train`: reviewed annotations in, a trained spaCy pipeline out.

The training itself is spaCy's own `train` (`spacy.cli.train.train`), run on
a config written from the readable templates in `models/`. Output layout:

    OUTPUT/                 the final pipeline: `spacy.load(OUTPUT)`, Prodigy's `ner.correct`
    OUTPUT/training/        config.cfg (exactly what was trained), corpus/*.spacy,
                            conversion.json, model-best/ and model-last/ from spaCy
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Optional

import typer

from . import app


def _labels(value: Optional[str]) -> Optional[list[str]]:
    return [x.strip() for x in value.split(",") if x.strip()] if value else None


@app.command()
def train(
    data: list[Path] = typer.Argument(..., help="Training data: .spacy DocBin, Prodigy db-out .jsonl, gold .jsonl, or IOB/CoNLL .txt (any mix)."),
    output: Path = typer.Option(..., "--output", "-o", help="Directory for the trained pipeline (e.g. models/my-ner)."),
    dev: Optional[list[Path]] = typer.Option(None, "--dev", "-d", help="Development data (any format above). Default: a held-out part of DATA."),
    dev_fraction: float = typer.Option(0.1, "--dev-fraction", help="Share of DATA held out as dev when --dev is not given."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="Force one input format: docbin, prodigy, gold or iob (default: from each file)."),
    labels: Optional[str] = typer.Option(None, "--labels", "-l", help="Comma-separated labels to keep (default: all labels in the data)."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Config template (default: models/ner.cfg, or models/ner_spancat.cfg with --spancat)."),
    spancat: bool = typer.Option(False, "--spancat", help="Also train a spancat on every span, nested ones included (span group 'sc')."),
    vectors: Optional[Path] = typer.Option(None, "--vectors", help="A spaCy vectors pipeline (spacy init vectors) for [initialize.vectors]."),
    init_tok2vec: Optional[Path] = typer.Option(None, "--init-tok2vec", help="Pretrained tok2vec weights (spacy pretrain) for [initialize.init_tok2vec]."),
    rules: bool = typer.Option(True, "--rules/--no-rules", help="Combine the trained ner with our entity rules in the saved pipeline."),
    policy: str = typer.Option("rules", "--policy", help="Overlaps between rules and model: 'rules' (rules over model) or 'model'."),
    claims: bool = typer.Option(True, "--claims/--no-claims", help="Add the claims component on top, when it is installed."),
    max_steps: Optional[int] = typer.Option(None, "--max-steps", help="Shortcut for --set training.max_steps=N."),
    seed: int = typer.Option(0, "--seed", help="Random seed (system.seed and the dev split)."),
    overrides: Optional[list[str]] = typer.Option(None, "--set", help="Config override section.key=value, repeatable (e.g. --set components.tok2vec.model.encode.depth=6)."),
) -> None:
    """Convert the data with our tokenizer, write a spaCy config, train with
    spaCy's `train`, and save the pipeline (trained ner + rules + claims)."""
    import annotator
    from annotator.training.convert import (ConversionStats, assemble, default_config_path, parse_overrides,
                            read_docs, run_spacy_train, split_docs, write_config, write_docbin)

    if policy not in ("rules", "model"):
        raise typer.BadParameter("--policy must be 'rules' or 'model'")
    keep = _labels(labels)
    nlp = annotator.blank()
    docs, stats = read_docs(nlp, data, fmt=fmt, labels=keep)
    typer.echo(f"train data: {stats.summary()}")
    report: dict = {"train": stats.as_dict()}
    if dev:
        dev_stats = ConversionStats()
        dev_docs, dev_stats = read_docs(nlp, dev, fmt=fmt, labels=keep, stats=dev_stats)
        typer.echo(f"dev data:   {dev_stats.summary()}")
        report["dev"] = dev_stats.as_dict()
        train_docs = docs
    else:
        train_docs, dev_docs = split_docs(docs, dev_fraction, seed=seed)
        typer.echo(f"dev data:   {len(dev_docs)} of those docs held out ({dev_fraction:.0%})")
    if not train_docs or not dev_docs:
        raise typer.BadParameter("need at least one training and one dev document")
    if stats.misaligned_examples:
        shown = ", ".join(f"«{t}» {lab}" for t, lab in stats.misaligned_examples[:5])
        typer.echo(f"  not aligned (tokens marked missing), e.g.: {shown}")

    work = output / "training"
    corpus = work / "corpus"
    train_path = write_docbin(train_docs, corpus / "train.spacy")
    dev_path = write_docbin(dev_docs, corpus / "dev.spacy")
    (work / "conversion.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")

    settings = parse_overrides(overrides or [])
    settings.update({"paths.train": str(train_path), "paths.dev": str(dev_path), "system.seed": seed})
    if vectors:
        settings["paths.vectors"] = str(vectors)
        settings.setdefault("components.tok2vec.model.embed.include_static_vectors", True)
    if init_tok2vec:
        settings["paths.init_tok2vec"] = str(init_tok2vec)
    if max_steps is not None:
        settings["training.max_steps"] = max_steps
    template = config or default_config_path(spancat)
    config_path = write_config(template, work / "config.cfg", overrides=settings)
    typer.echo(f"config: {config_path} (from {template})")

    start = time.perf_counter()
    best = run_spacy_train(config_path, work)
    elapsed = time.perf_counter() - start
    final = assemble(best, output, rules=rules, policy=policy, claims=claims)
    typer.echo(f"trained in {elapsed / 60:.1f} min; pipeline {final.pipe_names} saved to {output}")
