"""Writing a command's one output: to stdout for ``-``, else whole or not at all."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import typer


def write_output(data: bytes, out: Path | None) -> None:
    """`data` to stdout (`out` None), or to `out` through a temporary file
    renamed into place, so that an interrupted run leaves no half-written
    file. A closed stdout (``| head``) ends the command with status 1."""
    if out is None:
        try:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # the reader has gone: nothing to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(1) from None
        return
    part = out.with_name(f".{out.name}.part")
    try:
        part.write_bytes(data)
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)
