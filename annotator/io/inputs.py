"""Finding a job's input files, and opening them: `resolve_inputs`, `open_source`.

Input files that are missing, unreadable, of an unknown type or not really
gzip are found by `resolve_inputs` before any work starts, all of them at
once, as an `InputFileError`. What is inside them is for
annotator/io/records.py to read.
"""
from __future__ import annotations

import glob
import gzip
import os
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterable, Literal, Sequence

#: What reading an input can raise when the file is unreadable, cut off or
#: not gzip after all (gzip.BadGzipFile is an OSError).
READ_FAILURES = (OSError, EOFError, zlib.error)

Kind = Literal["jsonl", "txt"]

JSONL_SUFFIXES = (".jsonl", ".ndjson")
TXT_SUFFIXES = (".txt",)
STDIN = "-"


class InputFileError(Exception):
    """Input files that cannot be used at all: reported before any work."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class Source:
    """One input: a file (`path`) or stdin (`path is None`)."""

    path: Path | None
    kind: Kind
    gzipped: bool = False
    size: int | None = None  # bytes on disk (compressed size for .gz), for the ETA
    #: The file as the user named it: its path relative to the directory or
    #: glob it was found through, or its name when given itself (a text
    #: file's `meta.source`).
    label: str | None = None

    @property
    def name(self) -> str:
        return "<stdin>" if self.path is None else str(self.path)


def _kind_of(path: Path, fmt: str) -> tuple[Kind | None, bool]:
    name = path.name.lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    if fmt != "auto":
        return fmt, gz  # type: ignore[return-value]
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl", gz
    if name.endswith(TXT_SUFFIXES):
        return "txt", gz
    return None, gz


def _is_glob(spec: str) -> bool:
    return any(ch in spec for ch in "*?[")


def resolve_inputs(
    specs: Iterable[str | Path], *, fmt: str = "auto", exclude: Iterable[Path] = ()
) -> list[Source]:
    """Expand files, directories and globs into readable `Source`s, in order.

    Directories are searched recursively for ``.jsonl``, ``.ndjson`` and
    ``.txt`` files (optionally ``.gz``), sorted by path; globs are expanded
    (``**`` allowed) and sorted; ``-`` is stdin (JSONL unless `fmt` is
    ``txt``). Each file is listed once, and the paths in `exclude` (the
    job's own output files) never are. Every problem is collected, then all
    are raised together as an `InputFileError`.
    """
    if fmt not in ("auto", "jsonl", "txt"):
        raise ValueError(f"unknown input format {fmt!r}")
    excluded = {_key(p) for p in exclude}
    problems: list[str] = []
    sources: list[Source] = []
    seen: set[str] = set()
    stdin_used = False

    def add(path: Path, explicit: bool, root: Path | None = None) -> None:
        key = _key(path)
        if key in seen or key in excluded:
            return
        kind, gz = _kind_of(path, fmt)
        if kind is None:
            if explicit:
                problems.append(
                    f"{path}: unknown input type (expected .jsonl, .ndjson or .txt, optionally .gz; "
                    "or say which with --format)"
                )
            return
        problem = _check_readable(path, gz)
        if problem:
            problems.append(problem)
            return
        seen.add(key)
        label = str(path.relative_to(root)) if root is not None else path.name
        sources.append(Source(path, kind, gz, path.stat().st_size, label))

    for spec in specs:
        spec = str(spec)
        if spec == STDIN:
            if stdin_used:
                problems.append("-: stdin can only be read once")
            stdin_used = True
            sources.append(Source(None, "txt" if fmt == "txt" else "jsonl"))
            continue
        path = Path(spec)
        if path.is_dir():
            kinds = ("jsonl", "txt") if fmt == "auto" else (fmt,)
            found = sorted(p for p in path.rglob("*") if p.is_file() and _kind_of(p, "auto")[0] in kinds)
            found = [p for p in found if _key(p) not in excluded]
            if not found:
                wanted = {"auto": ".jsonl, .ndjson or .txt", "jsonl": ".jsonl or .ndjson", "txt": ".txt"}[fmt]
                problems.append(f"{path}: directory has no {wanted} files")
            for p in found:
                add(p, explicit=False, root=path)
        elif path.exists():
            add(path, explicit=True)
        elif _is_glob(spec):
            matches = sorted(Path(p) for p in glob.glob(spec, recursive=True))
            files = [p for p in matches if p.is_file()]
            if not files:
                problems.append(f"{spec}: no files match this pattern")
            root = Path(spec.split("*")[0].split("?")[0].split("[")[0])
            root = root if str(root).endswith(("/", "\\")) or root.is_dir() else root.parent
            for p in files:
                add(p, explicit=False, root=root if _within(p, root) else None)
        else:
            problems.append(f"{path}: no such file or directory")
    if not sources and not problems:
        problems.append("no input files")
    if problems:
        raise InputFileError(problems)
    return sources


def _within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _key(path: Path) -> str:
    return os.path.realpath(path)


def _check_readable(path: Path, gz: bool) -> str | None:
    if not path.is_file():
        return f"{path}: not a regular file"
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
    except OSError as e:
        return f"{path}: cannot read ({e.strerror or e})"
    if gz and head != b"\x1f\x8b":
        return f"{path}: not a gzip file (the name ends in .gz)"
    return None


class open_source:
    """Open a source for binary reading: `with open_source(source, stdin) as
    (reader, raw)`, `raw` being the file on disk (for `tell()`), None for stdin."""

    def __init__(self, source: Source, stdin: IO[bytes] | None) -> None:
        self.source, self.stdin = source, stdin
        self.files: list[Any] = []

    def __enter__(self) -> tuple[IO[bytes], IO[bytes] | None]:
        if self.source.path is None:
            return (self.stdin if self.stdin is not None else sys.stdin.buffer), None
        raw = open(self.source.path, "rb")
        self.files.append(raw)
        if not self.source.gzipped:
            return raw, raw
        fh = gzip.GzipFile(fileobj=raw, mode="rb")
        self.files.append(fh)
        return fh, raw  # type: ignore[return-value]

    def __exit__(self, *exc: Any) -> None:
        for fh in reversed(self.files):
            fh.close()
