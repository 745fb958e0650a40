"""Where a job's lines go: `OUTPUT.part`, resumed or new, renamed when done.

Output goes to `OUTPUT.part`, flushed after each batch, and is renamed to
`OUTPUT` only when the job is done (`commit`). `--resume` reads the `.part`
file of an interrupted job (dropping a cut-off last line), and the job skips
every input whose `_input_hash` is already there and appends the rest: a
job killed at any point, even with SIGKILL, and resumed writes exactly what
an uninterrupted job writes. Names ending in `.gz` are written gzipped.

The settings of the job are kept beside the `.part` file (to refuse a resume
with other settings), and that file holds the job's lock: a second job on
the same output stops before it touches anything.
"""
from __future__ import annotations

import gzip
import json
import os
import shutil
import sys
import zlib
from collections import Counter
from pathlib import Path
from typing import IO, Iterator

from annotator.jobs.settings import Settings


class OutputError(Exception):
    """The output cannot be written or resumed as asked."""


def part_path(path: Path) -> Path:
    """Where the output is written until the job is done."""
    return path.with_name(path.name + ".part")


def settings_path(path: Path) -> Path:
    """The settings (and lock) of the job writing `part_path(path)`."""
    return path.with_name(path.name + ".part.settings.json")


class Output:
    """Where annotated lines go: stdout (`path` None), or `path`.part renamed
    to `path` by `commit()`."""

    def __init__(self, path: Path | None, settings: Settings, *, resume: bool) -> None:
        self.path = path
        self.settings = settings
        self.done: Counter[int] = Counter()  # _input_hash -> lines already written
        self.resumed_lines = 0
        self.dropped_partial = False
        self.replaced_partial = False  # a new job over an interrupted one's .part
        self._fh: IO[bytes]
        if path is None:
            self._fh = sys.stdout.buffer
            return
        self.part = part_path(path)
        self.settings_file = settings_path(path)
        self.gz = path.name.endswith(".gz")
        try:
            self._lock = open(self.settings_file, "a+", encoding="utf-8")  # noqa: SIM115
        except OSError as e:
            raise OutputError(f"cannot write the output: {e.strerror} ({self.settings_file})") from None
        try:
            self._take_lock()
            self._lock.seek(0)
            old = self._lock.read()
            if resume:
                self._prepare_resume(old)
            else:
                self.replaced_partial = self.part.exists()
                self._fh = self._open("wb")
            self._lock.seek(0)
            self._lock.truncate()
            self._lock.write(json.dumps(settings.to_dict()))
            self._lock.flush()
        except OSError as e:
            self._lock.close()
            raise OutputError(f"cannot write the output: {e.strerror} ({e.filename or self.part})") from None
        except OutputError:
            self._lock.close()
            raise

    def _take_lock(self) -> None:
        """The lock goes with the process, even on SIGKILL."""
        assert self.path is not None
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            return
        try:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise OutputError(f"another annotate job is writing this output ({self.path})") from None

    def _open(self, mode: str) -> IO[bytes]:
        if self.gz:
            return gzip.open(self.part, mode, compresslevel=6)  # type: ignore[return-value]
        return open(self.part, mode)

    def _prepare_resume(self, old_settings: str) -> None:
        assert self.path is not None
        if not self.part.exists():
            if not self.path.exists():
                self._fh = self._open("wb")  # nothing to resume: a new job
                return
            # Resuming a finished job (say, over a corpus that has grown):
            # start from a copy, so OUTPUT stays whole until the new one is.
            shutil.copyfile(self.path, self.part)
            old_settings = ""
        if old_settings.strip():
            try:
                old = json.loads(old_settings)
            except ValueError:
                old = {}
            diff = [f"{k} was {old.get(k)!r}, now {v!r}" for k, v in self.settings.to_dict().items() if old.get(k) != v]
            if diff:
                raise OutputError(
                    f"--resume with other settings than the interrupted job ({'; '.join(diff)}); "
                    f"rerun with the same options, or without --resume to start over"
                )
        good, complete = self._scan_part()
        if self.gz:
            # Rewrite the readable complete lines as a fresh gzip file: a
            # killed job leaves a gzip stream without its end.
            tmp = self.part.with_name(self.part.name + ".tmp")
            with gzip.open(tmp, "wb", compresslevel=6) as out:
                for line in self._part_lines(limit=good):
                    out.write(line)
            os.replace(tmp, self.part)
        elif not complete:
            os.truncate(self.part, good)
        self._fh = self._open("ab")

    def _part_lines(self, limit: int | None = None) -> Iterator[bytes]:
        """Complete lines of the .part file (decompressed), up to `limit` bytes."""
        total = 0
        for chunk_line in _read_lines_tolerant(self.part, self.gz):
            if not chunk_line.endswith(b"\n"):
                return
            if limit is not None and total + len(chunk_line) > limit:
                return
            total += len(chunk_line)
            yield chunk_line

    def _scan_part(self) -> tuple[int, bool]:
        """Collect the `_input_hash` of every complete, valid line; return the
        byte length (uncompressed) of those lines and whether that is the whole file."""
        good = 0
        complete = True
        for line in _read_lines_tolerant(self.part, self.gz):
            try:
                if not line.endswith(b"\n"):
                    raise ValueError("no newline")
                h = json.loads(line)["_input_hash"]
                if not isinstance(h, int):
                    raise ValueError("bad hash")
            except (ValueError, KeyError, TypeError):
                # A line cut off by the kill can only be the last one written.
                complete = False
                self.dropped_partial = True
                break
            self.done[h] += 1
            self.resumed_lines += 1
            good += len(line)
        if self.gz:
            complete = False  # always rewritten
        return good, complete

    def write(self, lines: list[bytes]) -> None:
        if not lines:
            return
        try:
            self._fh.write(b"".join(lines))
            self._fh.flush()
        except OSError as e:
            if e.filename is not None or self.path is None or isinstance(e, BrokenPipeError):
                raise
            raise OSError(e.errno, e.strerror, str(self.part)) from e  # say which file (a full disk ...)

    def commit(self) -> None:
        """Finish: flush, and for a file, sync and rename `.part` into place."""
        if self.path is None:
            self._fh.flush()
            return
        self._fh.close()
        with open(self.part, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(self.part, self.path)
        self.settings_file.unlink(missing_ok=True)
        self._lock.close()
        try:
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError:
            pass

    def abandon(self) -> None:
        """Stop without committing: keep `.part` for `--resume`."""
        try:
            if self.path is None:
                self._fh.flush()
            else:
                self._fh.close()
                self._lock.close()
        except Exception:  # noqa: BLE001
            pass

    def discard(self) -> None:
        """Stop and remove what this job wrote: nothing in it is worth a
        `--resume`."""
        self.abandon()
        if self.path is not None:
            self.part.unlink(missing_ok=True)
            self.settings_file.unlink(missing_ok=True)


def _read_lines_tolerant(path: Path, gz: bool) -> Iterator[bytes]:
    """Lines of a plain or gzip file (several gzip members allowed), ending
    quietly where a killed writer left the data cut off."""
    if not gz:
        with open(path, "rb") as fh:
            yield from fh
        return
    rest = b""
    with open(path, "rb") as fh:
        d = zlib.decompressobj(wbits=31)
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            try:
                data = d.decompress(chunk)
                while d.eof and d.unused_data:  # the next gzip member
                    unused = d.unused_data
                    d = zlib.decompressobj(wbits=31)
                    data += d.decompress(unused)
            except zlib.error:
                break
            lines = (rest + data).split(b"\n")
            rest = lines.pop()
            for line in lines:
                yield line + b"\n"
    if rest:
        yield rest
