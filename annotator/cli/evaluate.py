"""`annotator evaluate PIPELINE DATA`: precision, recall and F1 per label and
overall (spaCy's `Scorer`), and claim figures, on gold data.

The table goes to stdout; `--output FILE` also writes the figures as JSON
(spaCy's own keys, `ents_p` … `speed`, as `spacy evaluate --output` writes
them, and ours), `--output -` writes the JSON to stdout and the table to
stderr.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from . import app
from .errors import DEBUG_HELP, check_labels, fail, report_bad, reported, split_labels
from .files import same_file


@app.command()
def evaluate(
    pipeline: str = typer.Argument(..., help="A saved pipeline directory, or 'annotator' for the default rule pipeline."),
    data: Path = typer.Argument(..., help="Gold data: gold .jsonl (entities and claims), Prodigy db-out .jsonl, .spacy DocBin, or IOB/CoNLL .txt."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Also write the figures as JSON to this file ('-': stdout)."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="Force the data format: docbin, prodigy, gold or iob."),
    labels: Optional[str] = typer.Option(None, "--labels", "-l", help="Comma-separated labels to score (default: all)."),
    debug: bool = typer.Option(False, "--debug", help=DEBUG_HELP),
) -> None:
    """Score a pipeline on gold data: entities per label and overall, claims."""
    with reported(debug):
        _evaluate(pipeline, data, output, fmt, split_labels(labels))


def _evaluate(pipeline: str, data: Path, output: Optional[str], fmt: Optional[str],
              keep: Optional[list[str]]) -> None:
    from annotator.training.convert import FORMATS
    from annotator.training.evaluate import evaluate as run
    from annotator.training.evaluate import format_table, load_pipeline, read_gold
    from annotator.training.stats import ConversionStats

    if fmt is not None and fmt not in FORMATS:
        fail(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}", "--format")
    if not data.is_file():
        fail("no such file" if not data.exists() else "not a file", data)
    if output not in (None, "-"):
        if same_file(output, data):
            fail(f"the output would overwrite the input {data}", "--output")
        if Path(output).is_dir():
            fail("is a directory, not a file", output)
    nlp = load_pipeline(pipeline)
    stats = ConversionStats()
    gold = read_gold(nlp, data, fmt=fmt, labels=keep, on_bad=report_bad, stats=stats)
    check_labels(keep, stats.labels())
    if not gold:
        fail("no documents to score", data)
    result = run(nlp, gold, labels=keep)
    result["pipeline_path"] = str(pipeline)
    result["data"] = str(data)
    table = format_table(result)
    if output == "-":
        print(table, file=sys.stderr)
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    print(table)
    if output:
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
