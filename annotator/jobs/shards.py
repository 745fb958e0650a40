"""Shards of a Dask job: planning them, and the files they are written to.

The inputs, taken in order as one sequence of lines (a text file read whole
counts as one line), are cut into shards of `--shard-lines` lines: a small
file shares a shard with its neighbours, a large one is cut into line ranges
(read by seeking to the range's byte offset, found when the job is planned;
a gzip file is read from its start).

Each shard is written by its task as two files in `OUTPUT.shards/`:
`NNNNN.shard` (the annotated lines, as they go into OUTPUT) and
`NNNNN.index.json` (every record of the shard in order: its line,
`_input_hash`, bytes, counts, or why it is bad). Each is written under a
temporary name and renamed when complete, the index last: a shard is
complete when its index is there, under the key of what it was made from
(`shard_key`). `skip.bin` holds the `_input_hash`es a resumed job already
has, which the tasks do not annotate again.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import socket
import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterable

from annotator.io.inputs import READ_FAILURES, Source
from annotator.jobs.settings import Settings

#: Lines (documents) per shard. About 10 s of one worker on Fars News
#: articles: small enough that the last shards do not leave workers idle
#: for long, large enough that per-task costs (scheduling, two files) vanish.
DEFAULT_SHARD_LINES = 2_000
SHARDS_SUFFIX = ".shards"
#: Version of the shard files' layout: a shard written by another version is redone.
SHARD_FORMAT = 1


def shards_dir_of(output: Path) -> Path:
    """Where the shards of a job writing `output` go (absolute: workers see it)."""
    return output.absolute().with_name(output.name + SHARDS_SUFFIX)


@dataclass(frozen=True)
class Piece:
    """Lines `first_line` .. `first_line + n_lines - 1` of one input file."""

    path: str  # absolute: what workers open
    name: str  # as given on the command line: what errors report
    kind: str
    gzipped: bool
    first_line: int
    n_lines: int | None  # None: to the end of the file
    start: int | None  # byte offset of first_line in a plain file
    size: int
    mtime_ns: int
    label: str | None = None  # as the user named the file: a text file's meta.source


@dataclass(frozen=True)
class Shard:
    index: int
    pieces: tuple[Piece, ...]
    lines: int  # input lines it covers (a text file read whole: 1)
    weight: int  # input bytes on disk it stands for (progress bar)

    @property
    def where(self) -> str:
        parts = []
        for p in self.pieces:
            end = "end" if p.n_lines is None else str(p.first_line + p.n_lines - 1)
            parts.append(f"{p.name}:{p.first_line}-{end}")
        return ", ".join(parts)


@dataclass
class _Scan:
    lines: int = 0  # physical lines (the last one may lack its newline)
    size: int = 0  # bytes, uncompressed
    error: bool = False
    offsets: dict[int, int] | None = None  # cut line -> byte offset of its start


def _scan(path: str, gzipped: bool, first_cut: int, step: int) -> _Scan:
    """Count a file's lines and find where lines `first_cut`, `first_cut +
    step`, ... start (in bytes of its uncompressed content)."""
    scan = _Scan(offsets={})
    assert scan.offsets is not None and first_cut >= 2
    newlines = 0
    last = b"\n"
    cut = first_cut
    try:
        with (gzip.open(path, "rb") if gzipped else open(path, "rb")) as fh:
            while True:
                chunk = fh.read(1 << 20)
                if not chunk:
                    break
                k = chunk.count(b"\n")
                j, got = -1, 0
                while newlines + k >= cut - 1:  # line `cut` starts after newline number cut - 1
                    need = cut - 1 - newlines
                    while got < need:
                        j = chunk.index(b"\n", j + 1)
                        got += 1
                    scan.offsets[cut] = scan.size + j + 1
                    cut += step
                newlines += k
                scan.size += len(chunk)
                last = chunk[-1:]
    except READ_FAILURES:
        scan.error = True
    scan.lines = newlines + (1 if last != b"\n" else 0)
    return scan


def plan_shards(sources: list[Source], shard_lines: int, lines: bool) -> list[Shard]:
    """Cut the inputs, in order, into shards of `shard_lines` lines. Each
    file's last piece reads to the end of the file; a file that cannot be
    read to its end (a cut-off gzip file) is not cut at all, so that its
    read error is reported where the local engine reports it."""
    shards: list[Shard] = []
    pieces: list[Piece] = []
    fill = 0
    weight = 0.0

    def close() -> None:
        nonlocal pieces, fill, weight
        if pieces:
            shards.append(Shard(len(shards), tuple(pieces), fill, int(round(weight))))
        pieces, fill, weight = [], 0, 0.0

    for src in sources:
        assert src.path is not None
        path = os.path.abspath(src.path)
        st = os.stat(path)
        common = dict(path=path, name=src.name, kind=src.kind, gzipped=src.gzipped, size=st.st_size, mtime_ns=st.st_mtime_ns,
                      label=src.label)
        if src.kind == "txt" and not lines:
            pieces.append(Piece(**common, first_line=1, n_lines=None, start=None))  # type: ignore[arg-type]
            fill += 1
            weight += st.st_size
            if fill >= shard_lines:
                close()
            continue
        scan = _scan(path, src.gzipped, shard_lines - fill + 1, shard_lines)
        if scan.error:
            pieces.append(Piece(**common, first_line=1, n_lines=None, start=None))  # type: ignore[arg-type]
            fill += scan.lines + 1
            weight += st.st_size
            if fill >= shard_lines:
                close()
            continue
        if scan.lines == 0:
            continue  # nothing to read (an empty file yields no record either way)
        offsets = scan.offsets or {}
        ratio = st.st_size / max(scan.size, 1)
        line = 1
        while line <= scan.lines:
            take = min(shard_lines - fill, scan.lines - line + 1)
            end = line + take - 1
            last = end >= scan.lines
            begin = 0 if line == 1 else offsets[line]
            stop = scan.size if last else offsets[end + 1]
            pieces.append(Piece(
                **common, first_line=line, n_lines=None if last else take,  # type: ignore[arg-type]
                start=None if src.gzipped or line == 1 else begin,
            ))
            weight += (stop - begin) * ratio
            fill += take
            line = end + 1
            if fill >= shard_lines:
                close()
    close()
    return shards


def shard_key(shard: Shard, settings: Settings) -> str:
    """What a shard's output depends on: a complete shard is reused by
    `--resume` only under the same key."""
    data = json.dumps(
        [SHARD_FORMAT, settings.to_dict(), [asdict(p) for p in shard.pieces]], sort_keys=True, ensure_ascii=False
    )
    return hashlib.blake2b(data.encode("utf-8"), digest_size=16).hexdigest()


class ShardFiles:
    """The two files of shard number `index`."""

    def __init__(self, shards_dir: str | Path, index: int) -> None:
        d = Path(shards_dir)
        self.data = d / f"{index:05d}.shard"
        self.index = d / f"{index:05d}.index.json"

    def load(self, key: str) -> dict | None:
        """The shard's index if the shard is complete and was made under `key`."""
        try:
            index = json.loads(self.index.read_bytes())
            if index.get("format") != SHARD_FORMAT or index.get("key") != key:
                return None
            if self.data.stat().st_size != index["bytes"]:
                return None
            return index
        except (OSError, ValueError, KeyError, TypeError):
            return None


def write_atomically(path: Path, write: Callable[[IO[bytes]], Any]) -> None:
    """Write `path` through `write(file)` under a temporary name unique to
    this process (on any host), renamed into place once synced."""
    tmp = path.with_name(f".{path.name}.{socket.gethostname()}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


# --------------------------------------------------------------------------
# The skip file: `_input_hash`es already in a resumed output, sorted int64


def write_skip_file(path: Path, hashes: Iterable[int]) -> None:
    import numpy as np

    array = np.unique(np.fromiter(hashes, dtype="<i8"))
    write_atomically(path, lambda fh: fh.write(array.tobytes()))


def skip_file_within(path: Path, done: Counter) -> bool:
    """Whether every hash of an existing skip file is in `done` (so shards
    made with it can be merged into this output)."""
    import numpy as np

    try:
        array = np.fromfile(path, dtype="<i8")
    except OSError:
        return False
    return all(done.get(int(h)) for h in array)


class SkipSet:
    """Membership in a skip file (a sorted array of int64), read once per
    process and file version."""

    _cache: dict[tuple, "SkipSet"] = {}

    def __init__(self, array: Any) -> None:
        self.array = array

    @classmethod
    def read(cls, path: str) -> "SkipSet":
        import numpy as np

        st = os.stat(path)
        key = (path, st.st_size, st.st_mtime_ns)
        if key not in cls._cache:
            cls._cache.clear()
            cls._cache[key] = cls(np.fromfile(path, dtype="<i8"))
        return cls._cache[key]

    def __contains__(self, h: int) -> bool:
        i = int(self.array.searchsorted(h))
        return i < len(self.array) and int(self.array[i]) == h
