"""`annotator save` and `annotator patterns`: the rule pipeline as files."""
from __future__ import annotations

from pathlib import Path

import srsly
import typer

from . import app


@app.command()
def save(
    output: Path = typer.Argument(..., help="Directory to write the pipeline to (created or replaced)."),
) -> None:
    """Save the default pipeline (tokenizer, entity rules, claims, attribution)
    with its lexicons, so that `spacy.load(OUTPUT)` loads it anywhere this
    package is installed, and its lexicons can be edited in place."""
    from annotator.pipeline import load

    nlp = load()
    nlp.to_disk(output)
    typer.echo(f"Saved pipeline {nlp.pipe_names} to {output}")


@app.command()
def patterns(
    output: Path = typer.Option(..., "--output", "-o", help="JSONL file to write (use with Prodigy's --patterns)."),
    pipeline: Path = typer.Option(None, "--pipeline", help="A saved pipeline to take the lexicons from (default: the built-in ones)."),
) -> None:
    """Export the entity lexicons as a Prodigy patterns file.

    Patterns are token patterns on NORM, one per spelling variant, so they
    match Arabic ي/ك, ZWNJ and spacing variants when Prodigy runs with our
    pipeline (e.g. `prodigy ner.manual DATASET models/annotator-fa-news
    news.jsonl --label ORG,MINISTRY,OFFICIAL,PERSON --patterns patterns.jsonl`).
    """
    from annotator.pipeline import load

    nlp = load(pipeline)
    rules = nlp.get_pipe("annotator_entities")
    entries = rules.token_patterns()
    srsly.write_jsonl(output, entries)
    typer.echo(f"Wrote {len(entries)} patterns to {output}")
