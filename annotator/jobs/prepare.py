"""Checking a job before any work: `prepare_job`.

Everything a user can get wrong in the request (the output, the errors and
stats files, the inputs, the pipeline) is found here, all before the
pipeline is loaded or a file is written, and reported as a `UsageError`
(exit code 2).
"""
from __future__ import annotations

import os
import stat
from itertools import combinations
from pathlib import Path
from typing import IO

from annotator.io.inputs import STDIN, InputFileError, resolve_inputs
from annotator.jobs.engine import Job, UsageError
from annotator.jobs.output import part_path, settings_path
from annotator.jobs.settings import Settings


def prepare_job(
    inputs: list[str],
    output: str,
    settings: Settings,
    *,
    errors: str | None = None,
    stats: str | None = None,
    n_process: int = 1,
    batch_size: int = 64,
    resume: bool = False,
    strict: bool = False,
    skip_unreadable: bool = False,
    stdin: IO[bytes] | None = None,
) -> Job:
    """The job, checked: its inputs resolved, its files and pipeline found
    usable. Raises `UsageError`."""
    out_path = None if output == "-" else Path(output)
    if out_path is None and resume:
        raise UsageError("--resume needs an output file, not stdout (-o -)")
    if out_path is not None:
        _check_output(out_path)
    errors_path = Path(errors) if errors else (default_errors_path(out_path) if out_path else None)
    stats_path = Path(stats) if stats else None
    for what, path in (("the errors file", errors_path), ("the stats file", stats_path)):
        if path is not None:
            _check_writable_file(what, path)
    own = [p for p in (out_path, errors_path, stats_path) if p is not None]
    if out_path is not None:
        own += [part_path(out_path), settings_path(out_path)]
    _check_distinct(inputs, out_path, errors_path, stats_path)
    try:
        sources = resolve_inputs(inputs, fmt=settings.format, exclude=own)
    except InputFileError as e:
        raise UsageError(*e.problems) from None
    _check_pipeline(settings.pipeline)
    if n_process < 0:
        n_process = os.cpu_count() or 1
    return Job(
        sources=sources, output=out_path, errors_path=errors_path, settings=settings, n_process=max(1, n_process),
        batch_size=batch_size, resume=resume, strict=strict, skip_unreadable=skip_unreadable, stdin=stdin,
    )


def default_errors_path(out_path: Path) -> Path:
    """OUTPUT without `.jsonl` (`.jsonl.gz`, `.gz`) + `.errors.jsonl`."""
    name = out_path.name
    for suffix in (".jsonl.gz", ".jsonl", ".gz"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return out_path.with_name(name + ".errors.jsonl")


def _check_output(path: Path) -> None:
    """The output is a regular file or not there yet: it is replaced by a
    rename when the job is done, which would replace a device, a FIFO or a
    symbolic link itself (a link is refused rather than followed)."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise UsageError(f"cannot use this output: {e.strerror} ({path})") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise UsageError(f"the output is a directory ({path})")
        if stat.S_ISLNK(st.st_mode):
            raise UsageError(f"the output is a symbolic link: give the file it points to, or '-' for stdout ({path})")
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"the output is not a regular file: use '-' to write to stdout ({path})")
    _check_directory("the output", path)


def _check_writable_file(what: str, path: Path) -> None:
    if path.is_dir():
        raise UsageError(f"{what} is a directory ({path})")
    _check_directory(what, path)


def _check_directory(what: str, path: Path) -> None:
    parent = path.parent
    if not parent.exists():
        raise UsageError(f"{what}'s directory does not exist ({parent})")
    if not parent.is_dir():
        raise UsageError(f"{what}'s directory is not a directory ({parent})")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"cannot write in {what}'s directory ({parent})")


def _check_distinct(inputs: list[str], out: Path | None, errors: Path | None, stats: Path | None) -> None:
    """No two of the output, the errors file, the stats file and the input
    files named on the command line may be one file (by inode, or by path
    for files not there yet). (An input directory or glob may hold the
    job's own files: they are left out of its inputs.)"""
    named: list[tuple[str, Path]] = [(w, p) for w, p in (("the output", out), ("the errors file", errors),
                                                       ("the stats file", stats)) if p is not None]
    for spec in inputs:
        if spec != STDIN and os.path.isfile(spec):
            named.append(("an input", Path(spec)))
    ids = [(what, path, _identity(path)) for what, path in named]
    for (what_a, a, id_a), (what_b, b, id_b) in combinations(ids, 2):
        if id_a == id_b and not (what_a == what_b == "an input"):
            raise UsageError(f"{what_a} and {what_b} are the same file ({a} and {b})")


def _identity(path: Path) -> tuple:
    try:
        st = path.stat()
        return ("inode", st.st_dev, st.st_ino)
    except OSError:
        return ("path", os.path.realpath(path))


def _check_pipeline(pipeline: str | None) -> None:
    if pipeline is None:
        return
    if Path(pipeline).exists():
        from annotator.pipeline import saved_pipeline_problem

        problem = saved_pipeline_problem(pipeline)
        if problem:
            raise UsageError(f"{problem} ({pipeline})")
        return
    import spacy.util

    if not spacy.util.is_package(pipeline):
        raise UsageError(f"no such pipeline: a directory saved with nlp.to_disk, or an installed package ({pipeline})")
