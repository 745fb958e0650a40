"""The Dask engine's tasks, run in the worker processes.

`warm_up` loads the pipeline in a worker; `annotate_shard` annotates one
shard into its files (see annotator/jobs/shards.py) with the pipeline of its
worker process (loaded once per process, on first use, and kept: the `nlp`
object never travels).

A task is idempotent: a rerun (Dask retries a failed task, reschedules the
task of a lost worker) rewrites its own temporary files and renames the same
content into place; a rerun of a task that had finished (Dask keeps results
in the worker's memory, so a worker that dies loses the results not yet
gathered) finds its shard complete and returns at once.
"""
from __future__ import annotations

import json
import os
import resource
import socket
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any, Collection

from annotator.io.inputs import Source
from annotator.io.records import BadRecord, Record, read_range
from annotator.jobs.settings import Settings
from annotator.jobs.shards import SHARD_FORMAT, Shard, ShardFiles, SkipSet, write_atomically
from annotator.jobs.worker import BATCH_CHARS, Annotator, annotator_for

#: One shard at a time in a worker process: the pipeline is not thread-safe.
_LOCK = threading.Lock()


def warm_up(settings: Settings) -> dict[str, Any]:
    """Load the pipeline in this worker process (a task sent to every
    worker at the start, so that load errors show at once and the job's
    words/s count annotation only); say which worker this is."""
    from annotator import __version__

    with _LOCK:
        annotator_for(settings)
    return {"host": socket.gethostname(), "pid": os.getpid(), "version": __version__,
            "python": ".".join(map(str, sys.version_info[:2]))}


def annotate_shard(
    shard: Shard, settings: Settings, shards_dir: str, key: str, skip_file: str | None, batch_size: int
) -> dict[str, Any]:
    """The Dask task: annotate one shard into its two files; return a small
    summary. (`DaskEngine(task=...)` runs another function of these arguments.)"""
    files = ShardFiles(shards_dir, shard.index)
    done = files.load(key)
    if done is not None:  # a rerun of a task whose first run finished
        return _task_summary(done)
    _check_visible(shard, shards_dir)
    start = time.perf_counter()
    skip: Collection[int] = SkipSet.read(skip_file) if skip_file and not settings.keep_duplicates else frozenset()
    with _LOCK:
        writer = _ShardWriter(shard, settings, annotator_for(settings), skip, batch_size)
        write_atomically(files.data, writer.write)
    index = {
        "format": SHARD_FORMAT,
        "key": key,
        "shard": shard.index,
        "pieces": [asdict(p) for p in shard.pieces],
        "bytes": writer.bytes,
        "docs": writer.docs,
        "words": writer.words,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "seconds": round(time.perf_counter() - start, 3),
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "items": writer.items,
    }
    data = json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    write_atomically(files.index, lambda fh: fh.write(data))
    return _task_summary(index, computed=True)


def _check_visible(shard: Shard, shards_dir: str) -> None:
    """The shards directory and the inputs, unchanged, on this worker."""
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


class _ShardWriter:
    """A shard's records, annotated batch by batch into its data file, and
    its index items, in order:

    * ``["ok", piece, line, hash, bytes, words, claims, with_speaker, labels]``
    * ``["err", piece, line, hash, message]``: the pipeline failed on it
    * ``["bad", piece, line, error, message, extra]``: a bad record
    * ``["skip", piece, line, hash]``: not annotated: already in the output
      (resume), or a duplicate within the shard. The merge decides.
    """

    def __init__(
        self, shard: Shard, settings: Settings, annotator: Annotator, skip: Collection[int], batch_size: int
    ) -> None:
        self.shard, self.settings, self.annotator = shard, settings, annotator
        self.skip, self.batch_size = skip, batch_size
        self.items: list[list] = []
        self.words = self.docs = self.bytes = 0
        self._batch: list[tuple[int, Record, int]] = []  # (item number, record, hash)

    def write(self, out: IO[bytes]) -> None:
        from annotator.io.prodigy import record_hash

        keep = self.settings.keep_duplicates
        seen: set[int] = set()
        chars = 0
        for p, piece in enumerate(self.shard.pieces):
            source = Source(Path(piece.path), piece.kind, piece.gzipped, piece.size, piece.label)  # type: ignore[arg-type]
            records = read_range(
                source, first_line=piece.first_line, n_lines=piece.n_lines, start=piece.start,
                lines=self.settings.lines, max_chars=self.settings.max_chars,
            )
            for rec in records:
                if isinstance(rec, BadRecord):
                    self.items.append(["bad", p, rec.line, rec.error, rec.message, rec.extra])
                    continue
                h = record_hash(rec.text, rec.extra)
                if not keep:
                    if h in seen or h in self.skip:
                        self.items.append(["skip", p, rec.line, h])
                        continue
                    seen.add(h)
                self.items.append(["pending", p])
                self._batch.append((len(self.items) - 1, rec, h))
                chars += len(rec.text)
                if len(self._batch) >= self.batch_size or chars >= BATCH_CHARS:
                    self._flush(out)
                    chars = 0
        self._flush(out)

    def _flush(self, out: IO[bytes]) -> None:
        if not self._batch:
            return
        result = self.annotator([(r.text, r.meta, r.extra) for _, r, _ in self._batch])
        for (i, rec, h), line, stats in zip(self._batch, result.items, result.item_stats):
            p = self.items[i][1]
            if isinstance(line, bytes):
                assert stats is not None
                words, labels, claims, with_speaker = stats
                out.write(line)
                self.items[i] = ["ok", p, rec.line, h, len(line), words, claims, with_speaker, labels]
                self.bytes += len(line)
                self.words += words
                self.docs += 1
            else:
                self.items[i] = ["err", p, rec.line, h, line]
        self._batch = []


def _task_summary(index: dict, computed: bool = False) -> dict[str, Any]:
    return {k: index.get(k) for k in ("shard", "docs", "words", "host", "pid", "seconds", "rss_mb")} | {"computed": computed}
