"""`annotator save`, `annotator patterns` and `annotator package`: the rule
pipeline as files, and as a pip-installable package."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Optional

import typer

from annotator.package import NAME
from annotator.pipeline import saved_pipeline_problem

from . import app
from .errors import DEBUG_HELP, FAILURE, fail, reported
from .files import output_path, write_output


@app.command()
def save(
    output: Path = typer.Argument(..., help="Directory to write the pipeline to: created, or, if it holds an earlier saved pipeline, replaced whole (any other non-empty directory is refused)."),
    debug: bool = typer.Option(False, "--debug", help=DEBUG_HELP),
) -> None:
    """Save the default pipeline (tokenizer, entity rules, memory, claims,
    attribution) with its lexicons, so that `spacy.load(OUTPUT)` loads it
    anywhere this package is installed, and its lexicons can be edited in
    place. The directory is written beside OUTPUT and moved into place, so
    a failure leaves OUTPUT as it was."""
    from annotator.pipeline import load

    if output.exists() and not output.is_dir():
        fail("exists and is not a directory", output)
    if output.is_dir() and any(output.iterdir()) and saved_pipeline_problem(output):
        # It is replaced whole: only an earlier saved pipeline may be.
        fail("exists and is not a saved pipeline: save replaces OUTPUT whole, so give a new or empty directory", output)
    if not output.absolute().parent.is_dir():
        fail("the output's folder does not exist", output.absolute().parent)
    with reported(debug):
        nlp = load()
        part = output.with_name(f".{output.name}.part")
        old = output.with_name(f".{output.name}.old")
        for stale in (part, old):
            shutil.rmtree(stale, ignore_errors=True)
        try:
            nlp.to_disk(part)
            if output.exists():
                output.rename(old)
            part.rename(output)
        except OSError as err:
            fail(f"cannot write the pipeline: {err.strerror or err}", output, FAILURE)
        finally:
            shutil.rmtree(part, ignore_errors=True)
            shutil.rmtree(old, ignore_errors=True)
    print(f"Saved pipeline {nlp.pipe_names} to {output}", file=sys.stderr)


@app.command()
def patterns(
    output: str = typer.Option(..., "--output", "-o", help="JSONL file to write (use with Prodigy's --patterns); '-' for stdout."),
    pipeline: Optional[Path] = typer.Option(None, "--pipeline", help="A saved pipeline to take the lexicons from (default: the built-in ones)."),
    debug: bool = typer.Option(False, "--debug", help=DEBUG_HELP),
) -> None:
    """Export the entity lexicons as a Prodigy patterns file.

    Patterns are token patterns on NORM, one per spelling variant, so they
    match Arabic ي/ك, ZWNJ and spacing variants when Prodigy runs with our
    pipeline (e.g. `prodigy ner.manual DATASET models/annotator-fa-news
    news.jsonl --label ORG,MINISTRY,OFFICIAL,PERSON --patterns patterns.jsonl`).
    """
    from annotator.pipeline import load

    out = output_path(output)
    if pipeline is not None:
        if saved_pipeline_problem(pipeline) or not (pipeline / "annotator_entities").is_dir():
            fail("not a saved pipeline with annotator_entities", pipeline)
        if out is not None and out.resolve().is_relative_to(pipeline.resolve()):
            fail("the output would write into the pipeline it reads", out)
    with reported(debug):
        nlp = load(pipeline)
        entries = nlp.get_pipe("annotator_entities").token_patterns()
        write_output(_jsonl(entries), out, "the patterns")
    if out is not None:
        print(f"Wrote {len(entries)} patterns to {out}", file=sys.stderr)


def _jsonl(entries: list[dict]) -> bytes:
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries).encode("utf-8")


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
