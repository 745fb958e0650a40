"""The local engine: annotating in this process, or in `--n-process` workers.

* **Streaming.** Inputs are read line by line, sent to the pipeline in
  bounded batches and written as they come back, so memory stays flat
  whatever the corpus size. The pipeline runs inside spaCy memory zones, so
  the vocabulary does not grow with the corpus either. The only state that
  grows is the set of `_input_hash`es seen (about 60 bytes a document),
  which duplicate skipping needs.
* **Several processes.** With `--n-process N`, N worker processes each load
  the pipeline (spawned fresh, so components are found through the package's
  entry points, as `spacy.load` finds them) and each turns whole batches into
  output lines; the main process only reads, de-duplicates and writes, in
  input order. (spaCy's own `nlp.pipe(n_process=...)` ships every `Doc` back
  to the main process with `Doc.to_bytes`, which costs more than annotating
  it: measured 7× slower than one process; see benchmarks/results/pipeline.md.)
* **In input order.** Lines, and bad records (read ones and documents the
  pipeline failed on alike), are written in input order, as the Dask engine
  writes them.
"""
from __future__ import annotations

import os
import resource
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Union

from annotator.io.records import PROCESSING_ERROR, BadRecord, Record, read_records
from annotator.jobs.admission import Admission
from annotator.jobs.engine import Engine, Job, JobFailed
from annotator.jobs.output import Output
from annotator.jobs.report import Report
from annotator.jobs.settings import Settings
from annotator.jobs.worker import BATCH_CHARS, Annotator, Batch, BatchResult, annotator_for

#: Bad records held in a batch waiting for the documents before them to be
#: annotated (to be reported in input order): at most this many.
HELD_BAD_RECORDS = 1_000

Item = Union[Record, BadRecord]


class LocalEngine(Engine):
    """This process (`n_process` 1) or a pool of spawned worker processes."""

    name = "local"

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._annotator: Annotator | None = None
        self._workers = 0

    def run(self, job: Job, out: Output, report: Report) -> None:
        self._workers = job.n_process if job.n_process > 1 else 0
        try:
            annotate = self._start(job)
            report.ready = time.perf_counter()
            _pump(job, out, report, annotate, max_pending=2 * job.n_process if self._workers else 0)
        except BrokenProcessPool as e:
            raise JobFailed(f"a worker process died ({e}); see any traceback above") from e

    def _start(self, job: Job) -> Callable[[Batch], Future | BatchResult]:
        """What annotates a batch: this process's annotator, or the pool's
        workers (started, and their pipelines loaded, so that words/s counts
        annotation only)."""
        if not self._workers:
            self._annotator = annotator_for(job.settings)
            return self._annotator
        import multiprocessing as mp

        executor = self._executor = ProcessPoolExecutor(
            max_workers=job.n_process,
            mp_context=mp.get_context("spawn"),
            initializer=_init_worker,
            initargs=(job.settings, os.getpid()),
        )
        for fut in [executor.submit(_ready) for _ in range(job.n_process)]:
            fut.result()
        return lambda batch: executor.submit(_work, batch)

    def close(self, ok: bool) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=ok, cancel_futures=True)
            self._executor = None
        if self._annotator is not None:
            self._annotator.close()
            self._annotator = None

    def add_to_summary(self, summary: dict[str, Any]) -> None:
        if self._workers:
            summary["peak_rss_worker_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def _pump(
    job: Job, out: Output, report: Report, annotate: Callable[[Batch], Future | BatchResult], max_pending: int
) -> None:
    """Read, skip, batch, annotate, write: in input order, with at most
    `max_pending` batches in flight (0: each batch is done when sent)."""
    from annotator.io.prodigy import record_hash

    admit = Admission(out.done, keep_duplicates=job.settings.keep_duplicates)
    pending: deque[tuple[Future | BatchResult | None, list[Item]]] = deque()
    items: list[Item] = []  # the next batch's records, and the bad records read among them
    n_records = chars = 0

    def submit() -> None:
        nonlocal items, n_records, chars
        if items:
            batch = [(r.text, r.meta, r.extra) for r in items if isinstance(r, Record)]
            pending.append((annotate(batch) if batch else None, items))
        items, n_records, chars = [], 0, 0

    def finish_one() -> None:
        fut, batch_items = pending.popleft()
        result = fut.result() if isinstance(fut, Future) else fut or BatchResult([])
        annotated = iter(result.items)
        lines: list[bytes] = []
        for item in batch_items:
            if isinstance(item, Record):
                line = next(annotated)
                if isinstance(line, bytes):
                    lines.append(line)
                    continue
                item = BadRecord(item.source, item.line, PROCESSING_ERROR, line, item.pos)
            report.bad(item)
            stop = job.stop_for(item)
            if stop is not None:
                out.write(lines)
                report.batch(result, len(lines), item.pos)
                raise stop
        out.write(lines)
        report.batch(result, len(lines), batch_items[-1].pos)

    def drain(keep: int) -> None:
        while len(pending) > keep:
            finish_one()

    settings = job.settings
    for item in read_records(job.sources, lines=settings.lines, max_chars=settings.max_chars, stdin=job.stdin):
        if isinstance(item, BadRecord):
            items.append(item)
            if job.stop_for(item) is not None:  # stop reading: it stops the job once all before it is written
                break
            if len(items) - n_records >= HELD_BAD_RECORDS:
                submit()
                drain(max_pending)
            continue
        report.read += 1
        if not admit(record_hash(item.text, item.extra), report):
            continue
        items.append(item)
        n_records += 1
        chars += len(item.text)
        if n_records >= job.batch_size or chars >= BATCH_CHARS:
            submit()
            drain(max_pending)
    submit()
    drain(0)


# --------------------------------------------------------------------------
# The worker processes of `--n-process`

_SETTINGS: Settings | None = None


def _init_worker(settings: Settings, parent: int) -> None:
    global _SETTINGS
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides what an interrupt does
    _SETTINGS = settings
    annotator_for(settings)
    # If the main process dies (even by SIGKILL), do not linger as an orphan.
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def _ready() -> bool:
    return _SETTINGS is not None


def _work(batch: Batch) -> BatchResult:
    assert _SETTINGS is not None
    return annotator_for(_SETTINGS)(batch)
