"""`annotator annotate`: the command line over `annotator.jobs.run_job`."""
from __future__ import annotations

import signal

import typer

from annotator.io.records import DEFAULT_MAX_CHARS
from annotator.jobs import Engine, Settings, run_job
from . import app
from .errors import debug_wanted


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
        ..., "--output", "-o", help="Annotated tasks (JSONL; gzipped if it ends in .gz); '-' writes to stdout. "
        "A new or regular file: not a device, a FIFO or a symbolic link (give the file the link points to).",
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
    skip_unreadable: bool = typer.Option(
        False, "--skip-unreadable", help="Report an input file that cannot be read to its end (a cut-off or "
        "corrupt .gz, a read error) and go on with the next one, instead of stopping the job (exit code 1).",
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
        False, "--relations", help="Add a SPEAKER relation from each claim to its speaker (Prodigy's relations format); "
        "implies --quantity-spans, so that each relation's spans are in the task."
    ),
    pipeline: str | None = typer.Option(
        None, "--pipeline", help="A saved pipeline (directory or package) to use instead of the default one.",
        show_default=False,
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary (bad records are still reported)."),
    stats: str | None = typer.Option(None, "--stats", help="Also write the summary as JSON to this file.", show_default=False),
    debug: bool = typer.Option(
        False, "--debug", help="Show the traceback of an unexpected error (also with ANNOTATOR_DEBUG=1).",
    ),
    engine: str = typer.Option(
        "local", "--engine", help="local: this process and --n-process workers. dask: shards on a Dask cluster "
        "(needs the 'dask' extra of annotator); same output.",
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="With --engine dask: the address of a running Dask scheduler (tcp://HOST:PORT) "
        "whose workers see the inputs and OUTPUT's directory at the same paths. Without it, a LocalCluster of "
        "--n-process workers is started.", show_default=False,
    ),
    shard_lines: int | None = typer.Option(
        None, "--shard-lines", min=1, help="With --engine dask: input lines (documents) per shard, one Dask task each "
        "(default 2000).", show_default=False,
    ),
) -> None:
    """Annotate documents and write one Prodigy task per document, in input order.

    Output goes to OUTPUT.part and is renamed to OUTPUT when the job is done;
    an interrupted job (Ctrl-C, SIGTERM, a kill) continues with --resume. Bad
    records are reported (file and line) on stderr and in the errors file and
    skipped; an input file that cannot be read to its end stops the job
    (--skip-unreadable reports it and goes on). A progress bar shows on a
    terminal; a summary ends every run.

    With --engine dask the inputs are cut into shards annotated on a Dask
    cluster, each into its own file in OUTPUT.shards/, merged into OUTPUT in
    input order; --resume keeps the shards already complete.
    """
    if fmt not in ("auto", "jsonl", "txt"):
        raise typer.BadParameter("must be auto, jsonl or txt", param_hint="--format")
    if engine not in ("local", "dask"):
        raise typer.BadParameter("must be local or dask", param_hint="--engine")
    if engine != "dask" and (scheduler is not None or shard_lines is not None):
        raise typer.BadParameter("--scheduler and --shard-lines need --engine dask", param_hint="--engine")
    settings = Settings(
        pipeline=pipeline,
        quantity_spans=quantity_spans,
        relations=relations,
        max_chars=max_chars,
        lines=lines,
        format=fmt,
        keep_duplicates=keep_duplicates,
    )
    job_engine: str | Engine = engine
    if engine == "dask":
        from annotator.jobs.dask import DaskEngine
        from annotator.jobs.shards import DEFAULT_SHARD_LINES

        if scheduler is not None and n_process != 1:
            typer.echo("note: --n-process is ignored with --scheduler: the cluster's workers do the work", err=True)
        job_engine = DaskEngine(scheduler=scheduler, shard_lines=shard_lines or DEFAULT_SHARD_LINES)
    code = run_job(
        inputs, output, settings,
        engine=job_engine, n_process=n_process, batch_size=batch_size, resume=resume, strict=strict,
        skip_unreadable=skip_unreadable, errors=errors, quiet=quiet, stats=stats,
        debug=debug_wanted(debug),
    )
    # The job is over, and its code is the command's: a SIGTERM now must not
    # make the process look killed mid-job.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise typer.Exit(code)
