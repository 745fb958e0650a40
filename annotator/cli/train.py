"""`annotator train`: reviewed annotations in, a trained spaCy pipeline out.

The training itself is spaCy's own `train` (`spacy.cli.train.train`), run on
a config written from the readable templates in
`annotator/training/configs/`. Output layout:

    OUTPUT/                 the final pipeline: `spacy.load(OUTPUT)`, Prodigy's `ner.correct`
    OUTPUT/training/        config.cfg (exactly what was trained), corpus/*.spacy,
                            conversion.json, model-best/ and model-last/ from spaCy

Messages, spaCy's training log included, go to stderr.
"""
from __future__ import annotations

import json
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Optional

import typer

from . import app
from .errors import DEBUG_HELP, check_labels, fail, report_bad, reported, split_labels
from .files import same_file


def say(text: str) -> None:
    print(text, file=sys.stderr)


@app.command()
def train(
    data: list[Path] = typer.Argument(..., help="Training data: .spacy DocBin, Prodigy db-out .jsonl, gold .jsonl, or IOB/CoNLL .txt (any mix)."),
    output: Path = typer.Option(..., "--output", "-o", help="Directory for the trained pipeline (e.g. models/my-ner)."),
    dev: Optional[list[Path]] = typer.Option(None, "--dev", "-d", help="Development data (any format above). Default: a held-out part of DATA."),
    dev_fraction: float = typer.Option(0.1, "--dev-fraction", help="Share of DATA's inputs held out as dev when --dev is not given (0 < F < 1)."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="Force one input format: docbin, prodigy, gold or iob (default: from each file)."),
    labels: Optional[str] = typer.Option(None, "--labels", "-l", help="Comma-separated labels to keep (default: all labels in the data)."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Config template (default: the package's ner.cfg, or ner_spancat.cfg with --spancat)."),
    spancat: bool = typer.Option(False, "--spancat", help="Also train a spancat on every span, nested ones included (span group 'sc')."),
    vectors: Optional[Path] = typer.Option(None, "--vectors", help="A spaCy vectors pipeline (spacy init vectors) for [initialize.vectors]."),
    init_tok2vec: Optional[Path] = typer.Option(None, "--init-tok2vec", help="Pretrained tok2vec weights (spacy pretrain) for [initialize.init_tok2vec]."),
    rules: bool = typer.Option(True, "--rules/--no-rules", help="Combine the trained ner with our entity rules in the saved pipeline."),
    policy: str = typer.Option("rules", "--policy", help="Overlaps between rules and model: 'rules' (rules over model) or 'model'."),
    claims: bool = typer.Option(True, "--claims/--no-claims", help="Add the claims component on top, when it is installed."),
    max_steps: Optional[int] = typer.Option(None, "--max-steps", help="Shortcut for --set training.max_steps=N."),
    seed: int = typer.Option(0, "--seed", help="Random seed (system.seed and the dev split)."),
    overrides: Optional[list[str]] = typer.Option(None, "--set", help="Config override section.key=value, repeatable (e.g. --set components.tok2vec.model.encode.depth=6)."),
    debug: bool = typer.Option(False, "--debug", help=DEBUG_HELP),
) -> None:
    """Convert the data with our tokenizer, write a spaCy config, train with
    spaCy's `train`, and save the pipeline (trained ner + rules + claims)."""
    with reported(debug):
        _train(data, output, dev or [], dev_fraction, fmt, split_labels(labels), config, spancat, vectors,
               init_tok2vec, rules, policy, claims, max_steps, seed, overrides or [])


def _train(data: list[Path], output: Path, dev: list[Path], dev_fraction: float, fmt: Optional[str],
           keep: Optional[list[str]], config: Optional[Path], spancat: bool, vectors: Optional[Path],
           init_tok2vec: Optional[Path], rules: bool, policy: str, claims: bool, max_steps: Optional[int],
           seed: int, overrides: list[str]) -> None:
    import annotator
    from annotator.training.config import default_config_path, parse_overrides, read_config, write_config
    from annotator.training.convert import FORMATS, read_docs
    from annotator.training.docbin import write_docbin
    from annotator.training.split import split_docs
    from annotator.training.train import POLICIES, assemble, run_spacy_train

    # Everything that can be checked before any work.
    if policy not in POLICIES:
        fail(f"--policy must be one of {', '.join(POLICIES)}, not {policy!r}", "--policy")
    if fmt is not None and fmt not in FORMATS:
        fail(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}", "--format")
    if not 0.0 < dev_fraction < 1.0:
        fail(f"the dev fraction must be between 0 and 1, not {dev_fraction}", "--dev-fraction")
    if max_steps is not None and max_steps < 0:
        fail(f"must be 0 (no limit) or more, not {max_steps}", "--max-steps")
    settings = parse_overrides(overrides)
    template = config or default_config_path(spancat)
    for path, option in [(template, "--config"), (vectors, "--vectors"), (init_tok2vec, "--init-tok2vec")]:
        if path is not None and not path.exists():
            fail(f"no such file: {path}", option)
    read_config(template, settings)  # a malformed template or --set fails now, not after the conversion
    for path in [*data, *dev]:
        if not path.is_file():
            fail("no such file" if not path.exists() else "not a file", path)
        if same_file(path, output):
            fail(f"the output would overwrite the input {path}", "--output")
    if output.exists() and not output.is_dir():
        fail("exists and is not a directory", output)

    nlp = annotator.blank()
    where = ", ".join(map(str, data))
    docs, stats = read_docs(nlp, data, fmt=fmt, labels=keep, on_bad=report_bad)
    dev_docs, dev_stats = read_docs(nlp, dev, fmt=fmt, labels=keep, on_bad=report_bad) if dev else ([], None)
    check_labels(keep, stats.labels() | (dev_stats.labels() if dev_stats else set()))
    say(f"train data: {stats.summary()}")
    report: dict = {"train": stats.as_dict()}
    if not docs:
        fail("no usable documents in the training data", where)
    if dev_stats is not None:
        say(f"dev data:   {dev_stats.summary()}")
        report["dev"] = dev_stats.as_dict()
        train_docs = docs
    else:
        train_docs, dev_docs = split_docs(docs, dev_fraction, seed=seed)
        say(f"dev data:   {len(dev_docs)} of those docs held out ({dev_fraction:.0%} of the inputs)")
    if not train_docs or not dev_docs:
        fail(f"need at least one training and one dev document (train {len(train_docs)}, dev {len(dev_docs)})", where)
    if not any(doc.ents for doc in train_docs):
        fail("no entity in the training documents: nothing to learn", where)
    examples = [e for e in stats.unaligned_examples if e["kind"] == "span"][:5]
    if examples:
        shown = ", ".join(f"«{e.get('text', '')}» {e['label']}" for e in examples)
        say(f"  not aligned (tokens marked missing), e.g.: {shown}")

    work = output / "training"
    corpus = work / "corpus"
    train_path = write_docbin(train_docs, corpus / "train.spacy")
    dev_path = write_docbin(dev_docs, corpus / "dev.spacy")
    (work / "conversion.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")

    settings.update({"paths.train": str(train_path), "paths.dev": str(dev_path), "system.seed": seed})
    if vectors:
        settings["paths.vectors"] = str(vectors)
        settings.setdefault("components.tok2vec.model.embed.include_static_vectors", True)
    if init_tok2vec:
        settings["paths.init_tok2vec"] = str(init_tok2vec)
    if max_steps is not None:
        settings["training.max_steps"] = max_steps
    config_path = write_config(template, work / "config.cfg", overrides=settings)
    say(f"config: {config_path} (from {template})")

    start = time.perf_counter()
    with redirect_stdout(sys.stderr):  # spaCy's training log is a message, not data
        best = run_spacy_train(config_path, work)
    elapsed = time.perf_counter() - start
    final = assemble(best, output, rules=rules, policy=policy, claims=claims)
    say(f"trained in {elapsed / 60:.1f} min; pipeline {final.pipe_names} saved to {output}")
