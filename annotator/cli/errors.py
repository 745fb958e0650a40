"""How a command ends when something goes wrong.

A user's mistake (missing or malformed input, an option out of range, an
output that would overwrite an input) is one line on stderr, ``error: WHAT
(WHERE)``, and exit status 2, before any work when it can be found then; a
failure during the work is ``error: ...`` and status 1; SIGINT or SIGTERM
is status 130. With ``--debug`` the traceback is printed too. Also here:
the checks of options that several commands share.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import traceback
from contextlib import contextmanager
from typing import Any, Callable, Iterator, NoReturn

import typer

USAGE = 2
FAILURE = 1
INTERRUPTED = 130

DEBUG_HELP = "Show the traceback of an error (also: ANNOTATOR_DEBUG=1)."
MAX_REPORTED = 20  # problems printed before only their number is


def debug_wanted(flag: bool) -> bool:
    """`--debug`, or ANNOTATOR_DEBUG set to anything but 0: show tracebacks."""
    return flag or os.environ.get("ANNOTATOR_DEBUG", "") not in ("", "0")


def fail(what: str, where: Any = None, code: int = USAGE) -> NoReturn:
    """Print ``error: WHAT (WHERE)`` on stderr and exit with `code`."""
    print(f"error: {what}" + (f" ({where})" if where is not None else ""), file=sys.stderr)
    raise typer.Exit(code)


def report_all(problems: list[str], more: Callable[[int], str], limit: int = MAX_REPORTED) -> None:
    """Report every problem as ``error: …`` (the first `limit`, then one line,
    `more(how many are left)`) and exit 2, if there are any."""
    if not problems:
        return
    for problem in problems[:limit]:
        print(f"error: {problem}", file=sys.stderr)
    if len(problems) > limit:
        print(f"error: {more(len(problems) - limit)}", file=sys.stderr)
    raise typer.Exit(USAGE)


def report_bad(record: Any) -> None:
    """A record that is skipped (a `BadRecord`), as ``error: WHAT (FILE:LINE)``."""
    print(f"error: {record.message} ({record.source}:{record.line})", file=sys.stderr)


def split_labels(value: str | None) -> list[str] | None:
    """`--labels A,B` as a list (None when not given)."""
    return [x.strip() for x in value.split(",") if x.strip()] if value else None


def check_labels(keep: list[str] | None, found: set[str]) -> None:
    """Refuse `--labels` of which none is in the data; warn about each one
    that is not."""
    if not keep:
        return
    there = ", ".join(sorted(found)) or "none"
    if not set(keep) & found:
        fail(f"no such label in the data: {','.join(keep)} (labels there: {there})", "--labels")
    for label in keep:
        if label not in found:
            print(f"warning: no such label in the data: {label} (labels there: {there}) (--labels)", file=sys.stderr)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@contextmanager
def reported(debug: bool = False) -> Iterator[None]:
    """Run a command's work: a user's mistake (`DataError`, `InputFileError`,
    a config error) exits 2, any other error 1, an interruption 130."""
    from confection import ConfigValidationError

    from annotator.io.inputs import InputFileError
    from annotator.training.errors import DataError

    debug = debug_wanted(debug)
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main else None
    try:
        yield
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)  # as `annotate` says it: not an error of the user's or ours
        raise typer.Exit(INTERRUPTED) from None
    except InputFileError as err:
        if debug:
            traceback.print_exc()
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        raise typer.Exit(USAGE) from None
    except (DataError, ConfigValidationError) as err:
        _end(" ".join(str(err).split()), USAGE, debug)
    except Exception as err:
        _end(f"{type(err).__name__}: {err}", FAILURE, debug)
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)


def _end(message: str, code: int, debug: bool) -> NoReturn:
    if debug:
        traceback.print_exc()
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(code)
