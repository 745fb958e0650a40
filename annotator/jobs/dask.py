"""Batch annotation on a Dask cluster: `annotator annotate --engine dask`.

The same job as `annotator.batch.run_job`, spread over the worker processes
of a `dask.distributed` cluster: a `LocalCluster` on this machine, or an
existing cluster (`--scheduler tcp://HOST:PORT`) whose workers may be on
other machines. The output is byte for byte the local engine's.

* **Shards.** The inputs, taken in order as one sequence of lines (a text
  file read whole counts as one line), are cut into shards of
  `--shard-lines` lines (default 2,000): a small file shares a shard with
  its neighbours, a large one is cut into line ranges (read by seeking to
  the range's byte offset, found when the job is planned; a gzip file is
  read from its start). `OUTPUT.shards/manifest.json` lists every shard's
  pieces (file, first line, number of lines).
* **Tasks.** One Dask task a shard: it reads its lines, annotates them with
  the pipeline of its worker process (loaded once per process, on first
  use, and kept: the `nlp` object never travels), and writes
  `OUTPUT.shards/NNNNN.shard` (the annotated lines, as they go into
  OUTPUT) and `NNNNN.index.json` (every record of the shard in order: its
  line, `_input_hash`, bytes, counts, or why it is bad). Each is written
  under a temporary name and renamed when complete, the index last: a shard
  is complete when its index is there. A task is idempotent: a rerun (Dask
  retries a failed task, reschedules the task of a lost worker) rewrites
  its own temporary files and renames the same content into place; a rerun
  of a task that had finished (Dask keeps results in the worker's memory,
  so a worker that dies loses the results not yet gathered) finds its shard
  complete and returns at once.
* **Merge.** The client concatenates complete shards into OUTPUT.part in
  input order as soon as all shards before them are complete, skipping
  duplicates (`_input_hash`) and reporting bad records exactly as the local
  engine does, and renames OUTPUT.part to OUTPUT at the end (then removes
  OUTPUT.shards/). Workers therefore need the inputs and OUTPUT's directory
  at the same paths as the client (a shared filesystem).
* **Resume.** `--resume` keeps complete shards (checked against their
  pieces, the input files' sizes and times, and the settings), computes the
  others, and merges into OUTPUT.part like the local engine's resume
  (documents already in OUTPUT.part or a finished OUTPUT are skipped: the
  workers are told their `_input_hash`es and do not annotate them again).

The workers need this package (`pip install 'annotator[dask]'`, same
version as the client) and, with `--pipeline`, the pipeline at the same
path. Run them with one thread each (`dask worker --nthreads 1 --nworkers
N`): a worker process annotates one shard at a time.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import resource
import shutil
import signal
import socket
import sys
import threading
import time
import uuid
import zlib
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any, Iterable

from annotator.jobs.local import (
    BATCH_CHARS,
    Admission,
    Annotator,
    BatchResult,
    Output,
    OutputError,
    Report,
    Settings,
    Stop,
    _default_errors_path,
    _print_summary,
    _usage,
)
from annotator.io.records import PROCESSING_ERROR, STDIN, BadRecord, InputFileError, Record, Source, read_range, resolve_inputs

INSTALL_HINT = "pip install 'annotator[dask]'"
#: Lines (documents) per shard. About 10 s of one worker on Fars News
#: articles: small enough that the last shards do not leave workers idle
#: for long, large enough that per-task costs (scheduling, two files) vanish.
DEFAULT_SHARD_LINES = 2_000
SHARDS_SUFFIX = ".shards"
#: Version of the shard files' layout: a shard written by another version is redone.
SHARD_FORMAT = 1
#: How often a failed shard task is retried (a lost worker's task is
#: rescheduled by Dask on its own, up to `distributed.scheduler.allowed-failures`).
RETRIES = 2
#: Dask settings for the workers of the LocalCluster the engine starts (for
#: `dask worker`: DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False).
WORKER_CONFIG = {"distributed.worker.profile.enabled": False}
#: Environment variable holding test-only hooks (JSON), passed on to the tasks.
TEST_HOOKS_ENV = "ANNOTATOR_DASK_TEST_HOOKS"


class DaskMissing(ImportError):
    pass


def require_dask() -> Any:
    """The `dask.distributed` module, or `DaskMissing` saying how to install it."""
    try:
        import dask.distributed  # noqa: F401
        from dask import distributed
    except ImportError as e:
        raise DaskMissing(
            f"--engine dask needs Dask's distributed scheduler, which is not installed ({e}); "
            f"install it with: {INSTALL_HINT}  (on this machine and on every worker)"
        ) from None
    return distributed


# --------------------------------------------------------------------------
# Planning: inputs -> shards


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
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile):
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
        common = dict(path=path, name=src.name, kind=src.kind, gzipped=src.gzipped, size=st.st_size, mtime_ns=st.st_mtime_ns)
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
        [SHARD_FORMAT, asdict(settings), [asdict(p) for p in shard.pieces]], sort_keys=True, ensure_ascii=False
    )
    return hashlib.blake2b(data.encode("utf-8"), digest_size=16).hexdigest()


class ShardFiles:
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


# --------------------------------------------------------------------------
# Workers: one loaded pipeline per process, one shard at a time

_LOCK = threading.Lock()
_ANNOTATORS: dict[Settings, Annotator] = {}
#: Settings whose pipeline this process loaded, in order (the tests check
#: that a worker loads it once, whatever the number of shards).
LOADS: list[Settings] = []
_SKIP: dict[tuple, Any] = {}


def _annotator(settings: Settings) -> Annotator:
    ann = _ANNOTATORS.get(settings)
    if ann is None:
        ann = _ANNOTATORS[settings] = Annotator(settings)
        LOADS.append(settings)
    return ann


def warm_up(settings: Settings) -> dict[str, Any]:
    """Load the pipeline in this worker process (a task sent to every
    worker at the start, so that load errors show at once and the job's
    words/s count annotation only)."""
    from annotator import __version__

    with _LOCK:
        _annotator(settings)
    return {"host": socket.gethostname(), "pid": os.getpid(), "version": __version__,
            "python": ".".join(map(str, sys.version_info[:2]))}


class _Sorted:
    """Membership in a sorted array of int64 (the `_input_hash`es to skip)."""

    def __init__(self, array: Any) -> None:
        self.array = array

    def __contains__(self, h: int) -> bool:
        i = int(self.array.searchsorted(h))
        return i < len(self.array) and int(self.array[i]) == h


def _skip_set(path: str | None) -> Any:
    if path is None:
        return frozenset()
    import numpy as np

    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns)
    if key not in _SKIP:
        _SKIP.clear()
        _SKIP[key] = _Sorted(np.fromfile(path, dtype="<i8"))
    return _SKIP[key]


def _hook(hooks: dict | None, shard: int) -> None:
    """Test-only, after a shard's first batch: make shards slow (`delay`
    seconds each); make shard `slow_shard` sleep `slow_seconds` on its first
    attempt only, after writing its pid to `marker` (for a test to kill that
    worker); make shard `fail_shard` fail on its first attempt."""
    if not hooks:
        return
    if hooks.get("delay"):
        time.sleep(float(hooks["delay"]))
    if hooks.get("fail_shard") == shard:
        marker = Path(hooks["fail_marker"])
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            raise RuntimeError(f"test: shard {shard} fails once")
    if hooks.get("slow_shard") == shard:
        marker = Path(hooks["marker"])
        if not marker.exists():
            tmp = marker.with_name(marker.name + f".{os.getpid()}.tmp")
            tmp.write_text(str(os.getpid()))
            os.replace(tmp, marker)
            time.sleep(float(hooks.get("slow_seconds", 60)))


def _write_atomically(path: Path, write: Any) -> None:
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


def annotate_shard(
    shard: Shard,
    settings: Settings,
    shards_dir: str,
    key: str,
    skip_file: str | None,
    batch_size: int,
    hooks: dict | None = None,
) -> dict[str, Any]:
    """The Dask task: annotate one shard into its two files (see the module
    docstring); return a small summary. Runs in a worker process."""
    files = ShardFiles(shards_dir, shard.index)
    done = files.load(key)
    if done is not None:  # a rerun of a task whose first run finished
        return _task_summary(shard, done)
    host = socket.gethostname()
    if not Path(shards_dir).is_dir():
        raise FileNotFoundError(
            f"{shards_dir}: the shards directory is not visible on worker {host}: workers need OUTPUT's "
            "directory at the same path as the client (a shared filesystem)"
        )
    for piece in shard.pieces:
        try:
            st = os.stat(piece.path)
        except FileNotFoundError:
            raise FileNotFoundError(
                f"{piece.name}: no such file on worker {host} (at {piece.path}): workers need the inputs at the "
                "same paths as the client (a shared filesystem)"
            ) from None
        if (st.st_size, st.st_mtime_ns) != (piece.size, piece.mtime_ns):
            raise RuntimeError(f"{piece.name}: the file changed after the job started (size or modification time)")
    from annotator.io.prodigy import input_hash

    start = time.perf_counter()
    keep = settings.keep_duplicates
    skip = _skip_set(skip_file) if not keep else frozenset()
    items: list[list | None] = []
    words = docs = nbytes = 0
    with _LOCK:  # one shard at a time per process: the pipeline is not thread-safe
        ann = _annotator(settings)

        def write_data(out: IO[bytes]) -> None:
            nonlocal words, docs, nbytes
            batch: list[tuple[int, Record, int]] = []
            chars = 0
            hooked = False

            def flush() -> None:
                nonlocal batch, chars, words, docs, nbytes, hooked
                if not batch:
                    return
                result: BatchResult = ann([(r.text, r.meta) for _, r, _ in batch])
                for (i, rec, h), item, stats in zip(batch, result.items, result.item_stats):
                    p = items[i]
                    assert p is not None
                    if isinstance(item, bytes):
                        out.write(item)
                        nbytes += len(item)
                        assert stats is not None
                        w, labels, claims, with_speaker = stats
                        items[i] = ["ok", p[1], rec.line, h, len(item), w, claims, with_speaker, labels]
                        words += w
                        docs += 1
                    else:
                        items[i] = ["err", p[1], rec.line, h, item]
                batch, chars = [], 0
                if not hooked:
                    hooked = True
                    out.flush()
                    _hook(hooks, shard.index)

            seen: set[int] = set()
            for p, piece in enumerate(shard.pieces):
                source = Source(Path(piece.path), piece.kind, piece.gzipped, piece.size)  # type: ignore[arg-type]
                records = read_range(
                    source, first_line=piece.first_line, n_lines=piece.n_lines, start=piece.start,
                    lines=settings.lines, max_chars=settings.max_chars,
                )
                for rec in records:
                    if isinstance(rec, BadRecord):
                        items.append(["bad", p, rec.line, rec.error, rec.message, rec.extra])
                        continue
                    h = input_hash({"text": rec.text})
                    if not keep:
                        # Never written: already in the output (resume), or a
                        # duplicate within this shard. The merge decides.
                        if h in seen or h in skip:
                            items.append(["skip", p, rec.line, h])
                            continue
                        seen.add(h)
                    items.append(["pending", p])
                    batch.append((len(items) - 1, rec, h))
                    chars += len(rec.text)
                    if len(batch) >= batch_size or chars >= BATCH_CHARS:
                        flush()
            flush()

        _write_atomically(files.data, write_data)
    index = {
        "format": SHARD_FORMAT,
        "key": key,
        "shard": shard.index,
        "pieces": [asdict(p) for p in shard.pieces],
        "bytes": nbytes,
        "docs": docs,
        "words": words,
        "host": host,
        "pid": os.getpid(),
        "seconds": round(time.perf_counter() - start, 3),
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "items": items,
    }
    data = json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    _write_atomically(files.index, lambda fh: fh.write(data))
    return _task_summary(shard, index, computed=True)


def _task_summary(shard: Shard, index: dict, computed: bool = False) -> dict[str, Any]:
    return {k: index.get(k) for k in ("shard", "docs", "words", "host", "pid", "seconds", "rss_mb")} | {"computed": computed}


# --------------------------------------------------------------------------
# The client: plan, submit, merge in input order


class _Merger:
    """Complete shards into OUTPUT.part, in input order, with the local
    engine's duplicate skipping, resume and error reporting."""

    def __init__(self, out: Output, report: Report, settings: Settings, strict: bool, shards_dir: Path) -> None:
        self.out, self.report, self.strict, self.shards_dir = out, report, strict, shards_dir
        self.admit = Admission(out.done, keep=settings.keep_duplicates)

    def merge(self, shard: Shard, key: str) -> None:
        files = ShardFiles(self.shards_dir, shard.index)
        index = files.load(key)
        if index is None:
            raise RuntimeError(f"shard {shard.index} ({files.index}) is missing or incomplete")
        report = self.report
        lines: list[bytes] = []
        size = 0
        result = BatchResult([])

        def flush() -> None:
            nonlocal lines, size, result
            self.out.write(lines)
            report.batch(result, len(lines), 0)
            lines, size, result = [], 0, BatchResult([])

        with open(files.data, "rb") as data:
            for item in index["items"]:
                kind, p, line = item[0], item[1], item[2]
                name = shard.pieces[p].name
                if kind == "bad":
                    report.bad(BadRecord(name, line, item[3], item[4], 0, item[5] or {}))
                    if self.strict:
                        flush()
                        raise Stop()
                    continue
                h = item[3]
                task = data.read(item[4]) if kind == "ok" else b""
                report.read += 1
                if not self.admit(h, report):
                    continue
                if kind == "skip":
                    raise RuntimeError(
                        f"{name}:{line} was left out of shard {shard.index} as already done, but it is not in the "
                        f"output: {self.shards_dir} does not belong to this output; rerun without --resume"
                    )
                if kind == "err":
                    report.bad(BadRecord(name, line, PROCESSING_ERROR, item[4]))
                    if self.strict:
                        flush()
                        raise Stop()
                    continue
                lines.append(task)
                size += len(task)
                result.words += item[5]
                result.claims += item[6]
                result.claims_with_speaker += item[7]
                result.labels.update(item[8])
                if size >= 1 << 22:
                    flush()
        flush()


class _Interrupted(Exception):
    pass


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Interrupted()


def _hooks_from_env() -> dict | None:
    raw = os.environ.get(TEST_HOOKS_ENV)
    return json.loads(raw) if raw else None


def _inside(path: Path | None, directory: Path) -> bool:
    if path is None:
        return False
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(directory))
        return True
    except ValueError:
        return False


def _write_skip_file(path: Path, hashes: Iterable[int]) -> None:
    import numpy as np

    array = np.unique(np.fromiter(hashes, dtype="<i8"))
    _write_atomically(path, lambda fh: fh.write(array.tobytes()))


def _skip_file_within(path: Path, done: Counter) -> bool:
    """Whether every hash of an existing skip file is in `done` (so shards
    made with it can be merged into this output)."""
    import numpy as np

    try:
        array = np.fromfile(path, dtype="<i8")
    except OSError:
        return False
    return all(done.get(int(h)) for h in array)


def run_dask_job(
    inputs: list[str],
    output: str,
    settings: Settings,
    *,
    scheduler: str | None = None,
    n_process: int = 1,
    batch_size: int = 64,
    shard_lines: int = DEFAULT_SHARD_LINES,
    resume: bool = False,
    strict: bool = False,
    errors: str | None = None,
    quiet: bool = False,
    progress: bool | None = None,
    stats: str | None = None,
    test_hooks: dict | None = None,
) -> int:
    """Run an annotation job on Dask; return the exit code (the local
    engine's: 0 done, 1 stopped by --strict or failed, 2 usage, 130
    interrupted)."""
    try:
        distributed = require_dask()
    except DaskMissing as e:
        return _usage(str(e))
    if output == "-":
        return _usage("--engine dask needs an output file (-o FILE), not stdout: its shards are merged into it")
    if STDIN in inputs:
        return _usage("--engine dask reads input files (each worker reads its own shards), not stdin")
    if shard_lines < 1:
        return _usage("--shard-lines must be at least 1")
    out_path = Path(output)
    if out_path.is_dir():
        return _usage(f"{out_path}: the output is a directory")
    if not out_path.parent.exists():
        return _usage(f"{out_path.parent}: the output's directory does not exist")
    if not os.access(out_path.parent, os.W_OK):
        return _usage(f"{out_path.parent}: cannot write here")
    shards_dir = out_path.absolute().with_name(out_path.name + SHARDS_SUFFIX)
    errors_path = Path(errors) if errors else _default_errors_path(out_path)
    own = [out_path, errors_path] + [out_path.with_name(out_path.name + s) for s in (".part", ".part.settings.json")]
    try:
        sources = resolve_inputs(inputs, fmt=settings.format, exclude=own)
    except InputFileError as e:
        for problem in e.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    sources = [s for s in sources if not _inside(s.path, shards_dir)]
    if not sources:
        return _usage("no input files (besides this job's own shards)")
    if any(s.path is not None and os.path.realpath(s.path) == os.path.realpath(out_path) for s in sources):
        return _usage(f"{out_path}: the output is also an input")
    if settings.pipeline is not None and not Path(settings.pipeline).exists():
        import spacy.util

        if not spacy.util.is_package(settings.pipeline):
            return _usage(f"{settings.pipeline}: no such pipeline (a directory saved with nlp.to_disk, or an installed package)")
    # What the workers get: a pipeline directory by its absolute path. (OUTPUT.part's
    # settings keep it as given, so that either engine can resume the job.)
    worker_settings = settings
    if settings.pipeline is not None and Path(settings.pipeline).exists():
        worker_settings = Settings(**{**asdict(settings), "pipeline": os.path.abspath(settings.pipeline)})
    if n_process < 0:
        n_process = os.cpu_count() or 1
    n_process = max(1, n_process)
    hooks = test_hooks if test_hooks is not None else _hooks_from_env()

    client = cluster = None
    if scheduler:
        try:
            client = distributed.Client(scheduler, set_as_default=False)
        except (OSError, TimeoutError) as e:
            return _usage(f"cannot connect to the Dask scheduler at {scheduler}: {e}")
    stale_part = not resume and out_path.with_name(out_path.name + ".part").exists()
    try:
        out = Output(out_path, settings, resume=resume)
    except OutputError as e:
        if client is not None:
            client.close()
        return _usage(str(e))

    # The shards directory: reused by --resume, otherwise started afresh.
    notes: list[str] = []
    skip_file = shards_dir / "skip.bin"
    if shards_dir.exists() and not resume:
        shutil.rmtree(shards_dir)
        notes.append(f"note: starting over, removing the shards of an earlier job in {shards_dir} (--resume reuses them)")
    if shards_dir.exists() and skip_file.exists() and not _skip_file_within(skip_file, out.done):
        shutil.rmtree(shards_dir)
        notes.append(f"note: the shards in {shards_dir} do not match {out.part}: computing them again")
    new_dir = not shards_dir.exists()
    shards_dir.mkdir(exist_ok=True)
    for tmp in shards_dir.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)  # left by killed tasks
    if new_dir and out.done and not settings.keep_duplicates:
        _write_skip_file(skip_file, out.done.keys())
    skip = str(skip_file) if skip_file.exists() else None

    try:
        shards = plan_shards(sources, shard_lines, settings.lines)
    except (OSError, KeyboardInterrupt) as e:
        out.abandon()
        if client is not None:
            client.close()
        if isinstance(e, KeyboardInterrupt):
            print("interrupted", file=sys.stderr)
            return 130
        return _usage(f"cannot read the inputs: {e}")
    keys = [shard_key(s, worker_settings) for s in shards]
    manifest = {
        "format": SHARD_FORMAT,
        "output": str(out_path.absolute()),
        "settings": asdict(worker_settings),
        "shard_lines": shard_lines,
        "skip_file": skip_file.name if skip else None,
        "shards": [
            {"index": s.index, "key": k, "lines": s.lines, "output": ShardFiles(shards_dir, s.index).data.name,
             "pieces": [asdict(p) for p in s.pieces]}
            for s, k in zip(shards, keys)
        ],
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    _write_atomically(shards_dir / "manifest.json", lambda fh: fh.write(manifest_bytes))
    complete = {s.index for s, k in zip(shards, keys) if ShardFiles(shards_dir, s.index).load(k) is not None}
    todo = [s for s in shards if s.index not in complete]

    if progress is None:
        progress = not quiet and sys.stderr.isatty()
    report = Report(errors_path, quiet=quiet, progress=progress, total_bytes=sum(s.weight for s in shards) or None)
    if not quiet:
        for note in notes:
            report._print(note)
        if out.resumed_lines:
            report._print(
                f"resuming: {out.resumed_lines:,} documents already in {out.part}"
                + ("; dropped a cut-off last line" if out.dropped_partial else "")
            )
        elif stale_part:
            report._print(f"note: starting over, replacing the partial output in {out.part} (--resume continues it)")
        if complete:
            report._print(f"resuming: {len(complete):,} of {len(shards):,} shards already complete in {shards_dir}")

    merger = _Merger(out, report, settings, strict, shards_dir)
    ready: set[int] = set()
    progress_pos = 0
    next_merge = 0
    task_results: list[dict] = []
    workers_seen: set[str] = set()
    status, code = "done", 0

    def shard_done(i: int) -> None:
        nonlocal progress_pos, next_merge
        ready.add(i)
        progress_pos += shards[i].weight
        report.batch(BatchResult([]), 0, progress_pos)
        while next_merge < len(shards) and next_merge in ready:
            merger.merge(shards[next_merge], keys[next_merge])
            next_merge += 1

    old_term = signal.signal(signal.SIGTERM, _on_sigterm) if threading.current_thread() is threading.main_thread() else None
    futures: dict[Any, int] = {}
    try:
        for i in sorted(complete):
            shard_done(i)
        if todo:
            if client is None:
                import dask

                # Dask's statistical profiler samples the worker's running
                # thread every 10 ms and takes the GIL to do it: measured
                # 10-15% of annotation throughput. (WORKER_CONFIG)
                with dask.config.set(WORKER_CONFIG):
                    cluster = distributed.LocalCluster(
                        n_workers=n_process, threads_per_worker=1, processes=True, host="127.0.0.1",
                        dashboard_address=None, silence_logs=logging.ERROR,
                    )
                client = distributed.Client(cluster, set_as_default=False)
            _warm_up(client, worker_settings, report, quiet, workers_seen)
            report.ready = time.perf_counter()
            token = uuid.uuid4().hex[:8]
            n = len(shards)
            for s in todo:
                fut = client.submit(
                    annotate_shard, s, worker_settings, str(shards_dir), keys[s.index], skip, batch_size, hooks,
                    key=f"annotate-shard-{s.index:05d}-{token}", pure=False, retries=RETRIES, priority=n - s.index,
                )
                futures[fut] = s.index
            for fut in distributed.as_completed(list(futures), loop=client.loop):
                i = futures.pop(fut)
                try:
                    result = fut.result()
                except Exception as e:  # noqa: BLE001
                    raise _ShardFailed(shards[i], e) from e
                task_results.append(result)
                shard_done(i)
        else:
            report.ready = time.perf_counter()
        if next_merge != len(shards):
            raise RuntimeError(f"shards {next_merge}.. were not merged")
    except Stop:
        status, code = "stopped", 1
    except (KeyboardInterrupt, _Interrupted):
        status, code = "interrupted", 130
        report._print("interrupted")
    except _ShardFailed as e:
        status, code = "failed", 1
        report._print(f"error: {e}")
    except Exception as e:  # noqa: BLE001
        import traceback

        status, code = "failed", 1
        report._print("".join(traceback.format_exception(e)).rstrip())
        report._print(f"error: {type(e).__name__}: {e}")
    finally:
        try:
            if client is not None:
                if futures:
                    client.cancel(list(futures))
                client.close()
            if cluster is not None:
                cluster.close()
        except BaseException:  # noqa: BLE001  (a second Ctrl-C while closing)
            pass
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
        report.close()
    if code == 0:
        out.commit()
        shutil.rmtree(shards_dir, ignore_errors=True)
    else:
        out.abandon()
        report._print(
            f"partial output kept in {out.part} and complete shards in {shards_dir}: rerun with --resume to continue"
        )
    summary = report.summary(str(out_path), status)
    # Every task result is a shard annotated in this run: a task Dask ran
    # again (its worker died holding the result) found the shard on disk.
    annotated_words = sum(r["words"] or 0 for r in task_results)
    working = max(summary["seconds"] - summary["load_seconds"], 1e-9)
    summary["words_per_second"] = round(annotated_words / working, 1)
    rss = [r["rss_mb"] for r in task_results if r.get("rss_mb")]
    summary["peak_rss_worker_mb"] = max(rss) if rss else None
    summary["engine"] = "dask"
    summary["shards"] = {
        "total": len(shards),
        "already_complete": len(complete),
        "computed": len(task_results),
        "words_annotated": annotated_words,
        "shard_lines": shard_lines,
        "workers": len({(r["host"], r["pid"]) for r in task_results}) or len(workers_seen),
        "scheduler": scheduler or "LocalCluster",
    }
    if stats:
        Path(stats).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if not quiet:
        _print_summary(summary)
        sh = summary["shards"]
        print(
            f"  dask: {sh['total']:,} shards of {shard_lines:,} lines ({sh['already_complete']:,} already complete), "
            f"{sh['workers']} worker process{'es' if sh['workers'] != 1 else ''} ({sh['scheduler']})",
            file=sys.stderr, flush=True,
        )
    return code


class _ShardFailed(Exception):
    def __init__(self, shard: Shard, error: BaseException) -> None:
        self.shard, self.error = shard, error
        name = type(error).__name__
        if name == "KilledWorker":
            why = "it killed every worker that ran it (see the workers' logs; out of memory?)"
        else:
            why = f"{name}: {error}"
        super().__init__(f"shard {shard.index} ({shard.where}) failed after {RETRIES} retries: {why}")


def _warm_up(client: Any, settings: Settings, report: Report, quiet: bool, workers_seen: set[str]) -> None:
    """Load the pipeline on every worker now there; check they run this
    version of annotator."""
    from annotator import __version__

    workers = list(client.scheduler_info().get("workers", {}))
    if not workers:
        if not quiet:
            report._print("waiting for Dask workers to join the cluster …")
        client.wait_for_workers(1)
        workers = list(client.scheduler_info().get("workers", {}))
    # allow_other_workers: a worker lost meanwhile must not leave its task waiting for it.
    futs = [client.submit(warm_up, settings, workers=[w], allow_other_workers=True, pure=False) for w in workers]
    try:
        infos = client.gather(futs)
    except ModuleNotFoundError as e:
        raise RuntimeError(f"the Dask workers cannot import annotator ({e}): install it on every worker: {INSTALL_HINT}") from None
    for info in infos:
        workers_seen.add(f"{info['host']}:{info['pid']}")
        if info["version"] != __version__:
            raise RuntimeError(
                f"worker {info['host']} (pid {info['pid']}) runs annotator {info['version']}, this client {__version__}: "
                "install the same version everywhere, or the output would depend on which worker ran a shard"
            )
