"""`annotator save`, `annotator patterns` and `annotator package`: the rule
pipeline as files, and as a pip-installable package."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import srsly
import typer

from annotator.package import NAME

from . import app
from .errors import DEBUG_HELP, fail, reported


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


@app.command()
def package(
    output: Path = typer.Argument(..., help="Directory to build the package in (created if missing)."),
    name: str = typer.Option(NAME, "--name", help="Package name (spaCy's 'fa_' is added if missing)."),
    version: Optional[str] = typer.Option(None, "--version", help="Package version (default: this annotator's)."),
    force: bool = typer.Option(False, "--force", help="Replace OUTPUT/NAME-VERSION if it exists."),
    debug: bool = typer.Option(False, "--debug", help=DEBUG_HELP),
) -> None:
    """Build the default rule pipeline as a pip-installable package (`spacy
    package`): a wheel in OUTPUT/NAME-VERSION/dist that requires
    persian-news-annotator, so that after `pip install` of both,
    `spacy.load(NAME)` loads it."""
    from annotator import __version__
    from annotator.package import build, package_dir, package_name, package_version

    for check, value, option in [(package_name, name, "--name"), (package_version, version or __version__, "--version")]:
        try:
            check(value)
        except ValueError as err:
            fail(str(err), option)
    target = package_dir(output, name, version or __version__)
    if output.exists() and not output.is_dir():
        fail("exists and is not a directory", output)
    if target.exists() and not force:
        fail("the package directory exists (use --force to replace it)", target)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        fail(f"cannot create the directory: {err.strerror or err}", output)
    with reported(debug):
        wheel = build(output, name=name, version=version, force=force)
        print(f"wrote {wheel}", file=sys.stderr)
