"""Where a command writes: checked before any work, written whole or not at all.

Every command that writes one file takes `-o -` for stdout; a file is
written to a temporary name beside it and renamed into place, so an error
or an interruption never leaves half a file; an output that is a directory,
in a missing folder, not a regular file (a device, a FIFO, a symlink) or
one of the command's inputs is refused before any work (exit 2).
"""
from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Iterable

import typer

from annotator.cli.errors import FAILURE, fail

STDIO = "-"


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name the same file (existing or not)."""
    return Path(a).resolve() == Path(b).resolve()


def output_path(output: str | Path, inputs: Iterable[str | Path] = ()) -> Path | None:
    """The output file (None for stdout), or exit 2 saying what is wrong."""
    if str(output) == STDIO:
        return None
    out = Path(output)
    for given in inputs:
        if str(given) != STDIO and Path(given).exists() and same_file(given, out):
            fail("the output would overwrite the input", out)
    if out.is_symlink():
        fail("the output is a symlink; name the file it points to", out)
    if out.is_dir():
        fail("the output is a directory", out)
    if out.exists() and not stat.S_ISREG(out.stat().st_mode):
        fail("the output is not a regular file", out)
    if not out.parent.is_dir():
        fail("the output's folder does not exist", out.parent)
    return out


def write_output(data: bytes, out: Path | None, what: str = "the output") -> None:
    """`data` to stdout, or to `out` through a temporary file renamed into
    place; a write error is exit 1 and leaves no file behind."""
    if out is None:
        try:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # `| head`: the reader has gone, nothing to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(FAILURE) from None
        return
    part = out.with_name(f".{out.name}.part")
    try:
        part.write_bytes(data)
        os.replace(part, out)
    except OSError as e:
        fail(f"cannot write {what}: {e.strerror or e}", out, FAILURE)
    finally:
        part.unlink(missing_ok=True)
