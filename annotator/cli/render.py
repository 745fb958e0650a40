"""`annotator render`: annotated JSONL in, one self-contained HTML report out.

Input mistakes (no such file, not gzip, a line that is not a JSON object or
not UTF-8, an output folder that does not exist, the input as the output)
are reported as `error: WHAT (WHERE)` with exit code 2, before anything is
written; the report is written whole or not at all.
"""
from __future__ import annotations

import sys
from pathlib import Path

import typer

from . import app
from .errors import DEBUG_HELP, fail, report_all, reported
from .files import STDIO, output_path, write_output


@app.command()
def render(
    input: str = typer.Argument(
        ..., metavar="INPUT", show_default=False,
        help="Annotated tasks (JSONL, or gzipped .jsonl.gz): `annotator annotate` output or a Prodigy db-out "
        "export; '-' reads them from stdin.",
    ),
    output: str = typer.Option(
        ..., "--output", "-o", show_default=False, help="Where to write the HTML report; '-' writes it to stdout.",
    ),
    title: str = typer.Option(None, "--title", help="Page title (default: the input file name)."),
    direction: str = typer.Option("rtl", "--dir", help="Direction of the document texts: rtl, ltr or auto."),
    limit: int = typer.Option(0, "--limit", min=0, help="Render only the first N tasks (0: all)."),
    debug: bool = typer.Option(False, "--debug", help=DEBUG_HELP),
) -> None:
    """Write a right-to-left HTML report: entities highlighted by label, claims
    marked with their value, unit, qualifier and speaker, a claims table per
    document and a summary of the file. The page loads nothing from the network."""
    from annotator.render.page import DIRECTIONS, render_tasks

    if direction not in DIRECTIONS:
        fail(f"must be one of {', '.join(DIRECTIONS)}, not {direction!r}", "--dir")
    out = output_path(output, [input])
    with reported(debug):
        tasks = _read(input, limit)
        name = "stdin" if input == STDIO else Path(input).name
        page = render_tasks(tasks, title=title or name, direction=direction)
        write_output(page.encode("utf-8", errors="replace"), out, "the report")
    if out is not None:
        print(f"Wrote {out}", file=sys.stderr)


def _read(input: str, limit: int) -> list[dict]:
    """The tasks of the input (the first `limit`, if not 0); every bad line is
    an error, reported with its file and line."""
    from annotator.io.inputs import InputFileError
    from annotator.io.records import BadRecord, read_tasks

    tasks: list[dict] = []
    bad: list[str] = []
    try:
        for _source, _line, item in read_tasks([input]):
            if isinstance(item, BadRecord):
                bad.append(f"{item.message} ({item.source}:{item.line})")
            else:
                tasks.append(item)
                if limit and len(tasks) == limit:
                    break
    except InputFileError as e:
        report_all([_what_where(p, input) for p in e.problems], lambda n: f"{n} more problems")
    report_all(bad, lambda n: f"{n} more bad lines ({input})")
    return tasks


def _what_where(problem: str, input: str) -> str:
    """An input file problem ("PATH: WHAT") as "WHAT (PATH)"."""
    where, sep, what = problem.partition(": ")
    return f"{what} ({where})" if sep and where.startswith(str(Path(input))) else problem


