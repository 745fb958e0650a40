"""`annotator evaluate PIPELINE DATA`: precision, recall and F1 per label and
overall (spaCy's `Scorer`), and claim figures, on gold data."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from . import app


@app.command()
def evaluate(
    pipeline: str = typer.Argument(..., help="A saved pipeline directory, or 'annotator' for the default rule pipeline."),
    data: Path = typer.Argument(..., help="Gold data: gold .jsonl (entities and claims), Prodigy db-out .jsonl, .spacy DocBin, or IOB/CoNLL .txt."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Also write the figures as JSON here."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="Force the data format: docbin, prodigy, gold or iob."),
    labels: Optional[str] = typer.Option(None, "--labels", "-l", help="Comma-separated labels to score (default: all)."),
) -> None:
    """Score a pipeline on gold data: entities per label and overall, claims."""
    from annotator.training.evaluate import evaluate as run, format_table, load_pipeline, read_gold

    keep = [x.strip() for x in labels.split(",") if x.strip()] if labels else None
    nlp = load_pipeline(pipeline)
    gold = read_gold(nlp, data, fmt=fmt, labels=keep)
    result = run(nlp, gold, labels=keep)
    result["pipeline_path"] = str(pipeline)
    result["data"] = str(data)
    typer.echo(format_table(result))
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        typer.echo(f"\nwrote {output}")
