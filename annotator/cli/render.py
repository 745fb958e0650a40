"""`annotator render`: annotated JSONL in, one self-contained HTML report out.

Input mistakes (no such file, not gzip, a line that is not a JSON object or
not UTF-8, an output folder that does not exist, the input as the output)
are reported as `error: WHAT (WHERE)` with exit code 2, before anything is
written; the report is written whole or not at all.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

import typer

from . import app
from .output import write_output

STDIO = "-"
MAX_REPORTED = 20  # bad lines printed before only their number is


class _InputError(Exception):
    """A user's mistake: one `error:` line per message, exit 2."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = messages


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
) -> None:
    """Write a right-to-left HTML report: entities highlighted by label, claims
    marked with their value, unit, qualifier and speaker, a claims table per
    document and a summary of the file. The page loads nothing from the network."""
    from annotator.render.page import DIRECTIONS, render_tasks

    main = threading.current_thread() is threading.main_thread()
    old_term = signal.signal(signal.SIGTERM, signal.default_int_handler) if main else None  # as SIGINT does
    try:
        if direction not in DIRECTIONS:
            raise _InputError(f"must be one of {', '.join(DIRECTIONS)}, not {direction!r} (--dir)")
        out = _check_output(output, input)
        tasks = _read(input, limit)
        name = "stdin" if input == STDIO else Path(input).name
        page = render_tasks(tasks, title=title or name, direction=direction)
        _write(page, out)
    except _InputError as e:
        for message in e.messages:
            print(f"error: {message}", file=sys.stderr)
        raise typer.Exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise typer.Exit(130)
    finally:
        if main:
            signal.signal(signal.SIGTERM, old_term)
    if out is not None:
        print(f"Wrote {out}", file=sys.stderr)


def _check_output(output: str, input: str) -> Path | None:
    """The output path (None for stdout), checked before any work."""
    if output == STDIO:
        return None
    out = Path(output)
    if out.is_dir():
        raise _InputError(f"the output is a directory ({out})")
    if not out.parent.is_dir():
        raise _InputError(f"the output's folder does not exist ({out.parent})")
    if input != STDIO and os.path.realpath(out) == os.path.realpath(input):
        raise _InputError(f"the output would overwrite the input ({out})")
    return out


def _read(input: str, limit: int) -> list[dict]:
    """The tasks of the input (the first `limit`, if not 0); every bad line is
    an error, reported with its file and line."""
    from annotator.io.records import BadRecord, InputFileError, read_tasks

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
        raise _InputError(*(_what_where(p, input) for p in e.problems)) from None
    if bad:
        more = [f"{len(bad) - MAX_REPORTED} more bad lines ({input})"] if len(bad) > MAX_REPORTED else []
        raise _InputError(*bad[:MAX_REPORTED], *more)
    return tasks


def _what_where(problem: str, input: str) -> str:
    """An input file problem ("PATH: WHAT") as "WHAT (PATH)"."""
    where, sep, what = problem.partition(": ")
    return f"{what} ({where})" if sep and where.startswith(str(Path(input))) else problem


def _write(page: str, out: Path | None) -> None:
    """The page to stdout or, whole or not at all, to `out`."""
    try:
        write_output(page.encode("utf-8", errors="replace"), out)
    except OSError as e:
        print(f"error: cannot write the report: {e.strerror or e} ({out})", file=sys.stderr)
        raise typer.Exit(1)
