"""`annotator annotate`: the command line over the batch engine (`annotator.batch`)."""
from __future__ import annotations

import typer

from ..batch import Settings, run_job
from ..readers import DEFAULT_MAX_CHARS
from . import app


@app.command()
def annotate(
    inputs: list[str] = typer.Argument(
        ...,
        metavar="INPUT",
        help="Files, directories or globs of Prodigy-style .jsonl / .ndjson ({\"text\", \"meta\"} a line) or .txt "
        "files, optionally gzipped (.jsonl.gz); '-' reads JSONL (or with --format txt, text) from stdin. "
        "Directories are searched recursively for those file types.",
        show_default=False,
    ),
    output: str = typer.Option(
        ..., "--output", "-o", help="Annotated tasks (JSONL; gzipped if it ends in .gz); '-' writes to stdout.",
        show_default=False,
    ),
    n_process: int = typer.Option(1, "--n-process", "-n", help="Worker processes, each with its own pipeline (-1: one per CPU)."),
    batch_size: int = typer.Option(64, "--batch-size", "-b", min=1, help="Documents per batch sent to a worker."),
    resume: bool = typer.Option(
        False, "--resume", help="Continue an interrupted job from OUTPUT.part (or add to a finished OUTPUT): "
        "inputs whose _input_hash is already there are skipped. Use the same options as the first run."
    ),
    keep_duplicates: bool = typer.Option(
        False, "--keep-duplicates", help="Annotate every input, even a text already seen (by _input_hash)."
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Stop at the first bad record (exit code 1) instead of reporting and skipping it."
    ),
    errors: str | None = typer.Option(
        None, "--errors", help="Where to write bad records as JSONL (default: OUTPUT without .jsonl + .errors.jsonl; "
        "none for stdout). Rewritten by each run.", show_default=False,
    ),
    max_chars: int = typer.Option(
        DEFAULT_MAX_CHARS, "--max-chars", min=0,
        help="Report and skip texts longer than this many characters (0: no limit; spaCy's nlp.max_length is raised to match).",
    ),
    lines: bool = typer.Option(False, "--lines", help="Text inputs: one document per non-blank line (default: one per file)."),
    fmt: str = typer.Option(
        "auto", "--format", help="Input format: auto (by file name; stdin is JSONL), jsonl or txt.",
    ),
    quantity_spans: bool = typer.Option(
        False, "--quantity-spans", help="Also add each claim to 'spans' as a QUANTITY span, for review in Prodigy."
    ),
    relations: bool = typer.Option(
        False, "--relations", help="Add a SPEAKER relation from each claim to its speaker (Prodigy's relations format)."
    ),
    pipeline: str | None = typer.Option(
        None, "--pipeline", help="A saved pipeline (directory or package) to use instead of the default one.",
        show_default=False,
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary (bad records are still reported)."),
    stats: str | None = typer.Option(None, "--stats", help="Also write the summary as JSON to this file.", show_default=False),
) -> None:
    """Annotate documents and write one Prodigy task per document, in input order.

    Output goes to OUTPUT.part and is renamed to OUTPUT when the job is done;
    an interrupted job continues with --resume. Bad records are reported (file
    and line) on stderr and in the errors file and skipped. A progress bar
    shows on a terminal; a summary ends every run.
    """
    if fmt not in ("auto", "jsonl", "txt"):
        raise typer.BadParameter("must be auto, jsonl or txt", param_hint="--format")
    settings = Settings(
        pipeline=pipeline,
        quantity_spans=quantity_spans,
        relations=relations,
        max_chars=max_chars,
        lines=lines,
        format=fmt,
        keep_duplicates=keep_duplicates,
    )
    code = run_job(
        inputs, output, settings,
        n_process=n_process, batch_size=batch_size, resume=resume, strict=strict,
        errors=errors, quiet=quiet, stats=stats,
    )
    raise typer.Exit(code)
