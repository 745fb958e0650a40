"""Batch annotation jobs: raw Persian text in, Prodigy tasks out, at corpus scale.

The engine behind `annotator annotate` (a thin command over `run_job`),
built for long jobs over whole corpora:

* **Streaming.** Inputs are read line by line, sent to the pipeline in
  bounded batches and written as they come back, so memory stays flat
  whatever the corpus size. The pipeline runs inside spaCy memory zones
  (`nlp.memory_zone()`), so the vocabulary does not grow with the corpus
  either. The only state that grows is the set of `_input_hash`es seen
  (about 60 bytes a document), which duplicate skipping needs.
* **Several processes.** With `--n-process N`, N worker processes each load
  the pipeline (spawned fresh, so components are found through the package's
  entry points, as `spacy.load` finds them) and each turns whole batches into
  output lines; the main process only reads, de-duplicates and writes, in
  input order. Each worker runs the pipeline's components on its batches,
  one component over the whole batch at a time. (spaCy's
  own `nlp.pipe(n_process=...)` ships every `Doc` back to the main process
  with `Doc.to_bytes`, which costs more than annotating it: measured 7×
  slower than one process; see benchmarks/results/pipeline.md.)
* **Nothing lost, nothing half-written.** Output goes to `OUTPUT.part`,
  flushed after each batch, and is renamed to `OUTPUT` only when the job is
  done. `--resume` reads the `.part` file of an interrupted job (dropping a
  cut-off last line), skips every input whose `_input_hash` is already there
  and appends the rest: a job killed at any point, even with SIGKILL, and
  resumed writes exactly what an uninterrupted job writes.
* **Bad input never kills a long job.** Every bad record is reported with
  its file and line on stderr and in the errors file, counted in the
  summary, and skipped (`--strict` stops at the first one instead, exit
  code 1). Missing or unreadable input files are reported before any work.

Exit codes: 0 done (even with skipped bad records), 1 stopped by `--strict`
or a fatal error (the `.part` file is kept for `--resume`), 2 usage errors
(bad options, missing or unreadable inputs), 130 interrupted.
"""
from __future__ import annotations

import gc
import gzip
import json
import os
import resource
import shutil
import signal
import sys
import threading
import time
import zlib
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Iterator

import orjson

from annotator.io.records import (
    DEFAULT_MAX_CHARS,
    PROCESSING_ERROR,
    BadRecord,
    InputFileError,
    Record,
    read_records,
    resolve_inputs,
)

#: A batch is closed at `--batch-size` documents or this many characters,
#: whichever comes first, so a run of long texts cannot swell memory.
BATCH_CHARS = 500_000
#: Words annotated inside one spaCy memory zone: strings and lexemes first
#: seen in it are freed when it closes. Long enough that re-creating the
#: common words' lexemes after each zone costs little.
ZONE_WORDS = 5_000_000
#: Bad records printed on stderr in full; the rest go to the errors file only.
MAX_PRINTED_ERRORS = 20
QUANTITY = "QUANTITY"

# --------------------------------------------------------------------------
# Workers: a loaded pipeline turning batches of texts into output lines


@dataclass(frozen=True)
class Settings:
    """What decides the output. An interrupted job must be resumed with the
    same settings; they are kept next to the `.part` file to check that."""

    pipeline: str | None = None
    quantity_spans: bool = False
    relations: bool = False
    max_chars: int = DEFAULT_MAX_CHARS
    lines: bool = False
    format: str = "auto"
    keep_duplicates: bool = False


@dataclass
class BatchResult:
    """One batch, annotated: a line (bytes, with its newline) or an error
    message per document, in order, and what was found."""

    items: list[bytes | str]
    words: int = 0
    labels: Counter = field(default_factory=Counter)
    claims: int = 0
    claims_with_speaker: int = 0
    #: Per item, what it adds to the totals above: (words, labels, claims,
    #: claims with a speaker), None for an error. (The Dask engine needs them
    #: one by one: it drops duplicates only after annotating.)
    item_stats: list[tuple[int, dict[str, int], int, int] | None] = field(default_factory=list)


class Annotator:
    """The pipeline and the output contract, batch by batch (one per process)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.nlp = _pipeline(settings.pipeline)
        limit = settings.max_chars or 10**12
        self.nlp.max_length = max(self.nlp.max_length, limit + 1)
        self._zone: ExitStack | None = None
        self._zone_words = 0

    def __call__(self, batch: list[tuple[str, dict]]) -> BatchResult:
        from annotator.io.prodigy import doc_to_task

        result = BatchResult([])
        if self._zone is None:
            self._zone = ExitStack()
            self._zone.enter_context(self.nlp.memory_zone())
        try:
            texts = [text for text, _ in batch]
            try:
                docs: list[Any] = self._annotate(texts)
            except Exception:
                # One bad document must not cost the whole batch: redo it one by one.
                docs = [self._one(text) for text in texts]
            for (text, meta), doc in zip(batch, docs):
                if isinstance(doc, str):
                    result.items.append(doc)
                    result.item_stats.append(None)
                    continue
                try:
                    task = doc_to_task(
                        doc, meta, quantity_spans=self.settings.quantity_spans, relations=self.settings.relations,
                        text=text,
                    )
                    line = orjson.dumps(task) + b"\n"  # compact, UTF-8, and several times faster than json
                except Exception as e:  # noqa: BLE001
                    result.items.append(f"cannot write the annotated task: {type(e).__name__}: {e}")
                    result.item_stats.append(None)
                    continue
                words = len(text.split())
                labels = Counter(s["label"] for s in task["spans"] if s["label"] != QUANTITY)
                claims = task.get("claims") or []
                with_speaker = sum(1 for c in claims if c.get("speaker"))
                result.items.append(line)
                result.item_stats.append((words, dict(labels), len(claims), with_speaker))
                result.words += words
                result.labels.update(labels)
                result.claims += len(claims)
                result.claims_with_speaker += with_speaker
        finally:
            self._zone_words += result.words
            if self._zone_words >= ZONE_WORDS:
                self._zone.close()
                self._zone, self._zone_words = None, 0
        return result

    def _annotate(self, texts: list[str]) -> list[Any]:
        """The batch through the pipeline one component at a time: each
        component runs over all the batch's docs before the next starts,
        which keeps its code and lexicons warm in the CPU caches (spaCy's
        `nlp.pipe` passes each doc through every component in turn)."""
        docs = [self.nlp.make_doc(text) for text in texts]
        for _, proc in self.nlp.pipeline:
            docs = list(proc.pipe(docs)) if hasattr(proc, "pipe") else [proc(doc) for doc in docs]
        return docs

    def _one(self, text: str) -> Any:
        try:
            return self.nlp(text)
        except Exception as e:  # noqa: BLE001
            return f"the pipeline failed on this text: {type(e).__name__}: {e}"

    def close(self) -> None:
        if self._zone is not None:
            self._zone.close()
            self._zone = None


_PIPELINES: dict[str | None, Any] = {}


def _pipeline(path: str | None) -> Any:
    """The loaded pipeline, once per process (jobs run one after the other
    in a process, as in the tests, share it)."""
    if path not in _PIPELINES:
        from annotator.pipeline import load

        # Loading builds millions of long-lived objects (lexicons, the
        # vocab): the cyclic GC would scan them again and again for nothing.
        enabled = gc.isenabled()
        gc.disable()
        try:
            _PIPELINES[path] = load(path)
        finally:
            if enabled:
                gc.enable()
        gc.freeze()  # and keep them out of every later collection
    return _PIPELINES[path]


_WORKER: Annotator | None = None


def _init_worker(settings: Settings, parent: int) -> None:
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides what an interrupt does
    _WORKER = Annotator(settings)
    # If the main process dies (even by SIGKILL), do not linger as an orphan.
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def _ready() -> bool:
    return _WORKER is not None


def _work(batch: list[tuple[str, dict]]) -> BatchResult:
    assert _WORKER is not None
    return _WORKER(batch)


# --------------------------------------------------------------------------
# Output: OUTPUT.part, resumed or new, renamed when done


class Output:
    """Where annotated lines go: stdout, or `path`.part renamed to `path` by
    `commit()`. Names ending in `.gz` are written gzipped."""

    def __init__(self, path: Path | None, settings: Settings, *, resume: bool) -> None:
        self.path = path
        self.settings = settings
        self.done: Counter[int] = Counter()  # _input_hash -> lines already written
        self.resumed_lines = 0
        self.dropped_partial = False
        self._fh: IO[bytes]
        if path is None:
            self._fh = sys.stdout.buffer
            return
        self.part = path.with_name(path.name + ".part")
        self.settings_file = path.with_name(path.name + ".part.settings.json")
        self.gz = path.name.endswith(".gz")
        # The settings file lives as long as the .part file, and holds the
        # job's lock: a second job on the same output stops before it
        # touches anything (the lock goes with the process, even on SIGKILL).
        self._lock = open(self.settings_file, "a+", encoding="utf-8")  # noqa: SIM115
        try:
            import fcntl

            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # not POSIX: no lock
            pass
        except OSError:
            self._lock.close()
            raise OutputError(f"{path}: another annotate job is writing this output")
        self._lock.seek(0)
        old = self._lock.read()
        if resume:
            self._prepare_resume(old)
        else:
            self._fh = self._open("wb")
        self._lock.seek(0)
        self._lock.truncate()
        self._lock.write(json.dumps(asdict(settings)))
        self._lock.flush()

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
            diff = [f"{k} was {old.get(k)!r}, now {v!r}" for k, v in asdict(self.settings).items() if old.get(k) != v]
            if diff:
                self._lock.close()
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
        if lines:
            self._fh.write(b"".join(lines))
            self._fh.flush()

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


class OutputError(Exception):
    """The output cannot be written or resumed as asked."""


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


# --------------------------------------------------------------------------
# Reporting: progress bar, bad records, summary


class Report:
    def __init__(
        self, errors_path: Path | None, *, quiet: bool, progress: bool, total_bytes: int | None, workers: int = 0
    ) -> None:
        self.errors_path = errors_path
        self.workers = workers
        self.quiet = quiet
        self.errors: Counter[str] = Counter()
        self.printed = 0
        self._errors_fh: IO[str] | None = None
        self.labels: Counter[str] = Counter()
        self.docs = self.words = self.claims = self.claims_with_speaker = 0
        self.read = self.duplicates = self.resumed = 0
        self.start = time.perf_counter()
        self.ready = self.start  # when the pipeline was loaded
        self._bar = None
        self._last_pos = 0
        if errors_path is not None and errors_path.exists():
            errors_path.unlink()  # stale: this run rewrites it from scratch
        if progress:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total_bytes or None,
                unit="B",
                unit_scale=True,
                dynamic_ncols=True,
                file=sys.stderr,
                bar_format=(
                    "{percentage:3.0f}%|{bar}| {desc} [{elapsed}<{remaining}]" if total_bytes else "{desc} [{elapsed}]"
                ),
                desc="loading the pipeline",
                mininterval=0.5,
            )

    def bad(self, record: BadRecord) -> None:
        self.errors[record.error] += 1
        if self._errors_fh is None and self.errors_path is not None:
            self._errors_fh = open(self.errors_path, "w", encoding="utf-8")
        if self._errors_fh is not None:
            self._errors_fh.write(json.dumps(record.to_json(), ensure_ascii=False) + "\n")
            self._errors_fh.flush()
        if self.printed < MAX_PRINTED_ERRORS:
            self.printed += 1
            self._print(f"error: {record}")
        elif self.printed == MAX_PRINTED_ERRORS:
            self.printed += 1
            where = f" (all are in {self.errors_path})" if self.errors_path else ""
            self._print(f"error: more bad records; not printing any more of them{where}")

    def _print(self, message: str) -> None:
        if self._bar is not None:
            self._bar.write(message, file=sys.stderr)
        else:
            print(message, file=sys.stderr, flush=True)

    def batch(self, result: BatchResult, written: int, pos: int) -> None:
        self.docs += written
        self.words += result.words
        self.labels.update(result.labels)
        self.claims += result.claims
        self.claims_with_speaker += result.claims_with_speaker
        if self._bar is not None:
            elapsed = max(time.perf_counter() - self.ready, 1e-9)
            self._bar.set_description_str(f"{self.docs:,} docs, {self.words / elapsed:,.0f} words/s", refresh=False)
            if pos > self._last_pos:
                self._bar.update(pos - self._last_pos)
                self._last_pos = pos

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if self._errors_fh is not None:
            self._errors_fh.close()
            self._errors_fh = None

    def summary(self, output: str, status: str) -> dict[str, Any]:
        elapsed = time.perf_counter() - self.start
        working = max(elapsed - (self.ready - self.start), 1e-9)
        self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return {
            "status": status,
            "output": output,
            # every record read = written + already done + duplicates + errors
            "documents_read": self.read + sum(self.errors.values()) - self.errors[PROCESSING_ERROR],
            "documents_written": self.docs,
            "words": self.words,
            "seconds": round(elapsed, 3),
            "load_seconds": round(self.ready - self.start, 3),
            "words_per_second": round(self.words / working, 1),
            "duplicates_skipped": self.duplicates,
            "already_done": self.resumed,
            "errors": sum(self.errors.values()),
            "errors_by_kind": dict(self.errors.most_common()),
            "errors_file": str(self.errors_path) if self.errors_path and sum(self.errors.values()) else None,
            "entities": dict(self.labels.most_common()),
            "claims": self.claims,
            "claims_with_speaker": self.claims_with_speaker,
            "peak_rss_mb": round(self_rss, 1),
            "peak_rss_worker_mb": round(child_rss, 1) if self.workers else None,
        }


def _print_summary(s: dict[str, Any]) -> None:
    ok = s["status"] == "done"
    head = "✔" if ok else "✘"
    lines = [
        f"{head} {'Annotated' if ok else 'Stopped after'} {s['documents_written']:,} documents "
        f"({s['words']:,} words) in {s['seconds']:,.1f} s ({s['load_seconds']:,.1f} s loading the pipeline): "
        f"{s['words_per_second']:,.0f} words/s"
        + (f" → {s['output']}" if ok else ""),
    ]
    skipped = []
    if s["already_done"]:
        skipped.append(f"{s['already_done']:,} already done (--resume)")
    if s["duplicates_skipped"]:
        skipped.append(f"{s['duplicates_skipped']:,} duplicates")
    if s["errors"]:
        skipped.append(f"{s['errors']:,} errors" + (f" (see {s['errors_file']})" if s["errors_file"] else ""))
    lines.append(f"  read {s['documents_read']:,} documents" + (f"; skipped {', '.join(skipped)}" if skipped else ""))
    if s["entities"]:
        lines.append("  entities: " + ", ".join(f"{k} {v:,}" for k, v in s["entities"].items()))
    else:
        lines.append("  entities: none")
    lines.append(f"  claims: {s['claims']:,} ({s['claims_with_speaker']:,} with a speaker)")
    if s["errors"]:
        lines.append("  errors: " + ", ".join(f"{k} {v:,}" for k, v in s["errors_by_kind"].items()))
    mem = f"  peak memory: {s['peak_rss_mb']:,.0f} MB"
    if s["peak_rss_worker_mb"]:
        mem += f" (each worker up to {s['peak_rss_worker_mb']:,.0f} MB)"
    lines.append(mem)
    print("\n".join(lines), file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# The job


class Stop(Exception):
    """`--strict` met a bad record."""


class _Terminated(Exception):
    pass


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Terminated()


def run_job(
    inputs: list[str],
    output: str,
    settings: Settings,
    *,
    n_process: int = 1,
    batch_size: int = 64,
    resume: bool = False,
    strict: bool = False,
    errors: str | None = None,
    quiet: bool = False,
    progress: bool | None = None,
    stats: str | None = None,
    stdin: IO[bytes] | None = None,
) -> int:
    """Run an annotation job; return the exit code. (The `annotate` command
    is a thin layer over this, and tests call it directly.)"""
    to_stdout = output == "-"
    out_path = None if to_stdout else Path(output)
    if to_stdout and resume:
        return _usage("--resume needs an output file, not stdout (-o -)")
    if out_path is not None:
        if out_path.is_dir():
            return _usage(f"{out_path}: the output is a directory")
        if not out_path.parent.exists():
            return _usage(f"{out_path.parent}: the output's directory does not exist")
        if not os.access(out_path.parent, os.W_OK):
            return _usage(f"{out_path.parent}: cannot write here")
    errors_path = Path(errors) if errors else (_default_errors_path(out_path) if out_path else None)
    own = [p for p in (out_path, errors_path) if p is not None]
    if out_path is not None:
        own += [out_path.with_name(out_path.name + s) for s in (".part", ".part.settings.json")]
    try:
        sources = resolve_inputs(inputs, fmt=settings.format, exclude=own)
    except InputFileError as e:
        for problem in e.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    if out_path is not None and any(s.path is not None and os.path.realpath(s.path) == os.path.realpath(out_path) for s in sources):
        return _usage(f"{out_path}: the output is also an input")
    if settings.pipeline is not None and not Path(settings.pipeline).exists():
        import spacy.util

        if not spacy.util.is_package(settings.pipeline):
            return _usage(f"{settings.pipeline}: no such pipeline (a directory saved with nlp.to_disk, or an installed package)")
    if n_process < 0:
        n_process = os.cpu_count() or 1
    n_process = max(1, n_process)

    stale_part = out_path is not None and not resume and out_path.with_name(out_path.name + ".part").exists()
    try:
        out = Output(out_path, settings, resume=resume)
    except OutputError as e:
        return _usage(str(e))
    if progress is None:
        progress = not quiet and sys.stderr.isatty()
    total = None if any(s.path is None for s in sources) else sum(s.size or 0 for s in sources)
    report = Report(errors_path, quiet=quiet, progress=progress, total_bytes=total, workers=n_process if n_process > 1 else 0)
    if out.resumed_lines and not quiet:
        report._print(
            f"resuming: {out.resumed_lines:,} documents already in {out.part}"
            + ("; dropped a cut-off last line" if out.dropped_partial else "")
        )
    elif stale_part and not quiet:
        report._print(f"note: starting over, replacing the partial output in {out.part} (--resume continues it)")

    status = "done"
    code = 0
    old_term = signal.signal(signal.SIGTERM, _on_sigterm) if threading.current_thread() is threading.main_thread() else None
    executor: ProcessPoolExecutor | None = None
    local: Annotator | None = None
    try:
        if n_process > 1:
            import multiprocessing as mp

            executor = ProcessPoolExecutor(
                max_workers=n_process,
                mp_context=mp.get_context("spawn"),
                initializer=_init_worker,
                initargs=(settings, os.getpid()),
            )
            # Wait for the workers' pipelines, so that words/s counts annotation only.
            for fut in [executor.submit(_ready) for _ in range(n_process)]:
                fut.result()
        else:
            local = Annotator(settings)
        report.ready = time.perf_counter()
        _pump(sources, settings, out, report, executor, local, batch_size, n_process, strict, stdin)
    except Stop:
        status, code = "stopped", 1
    except (KeyboardInterrupt, _Terminated):
        status, code = "interrupted", 130
        report._print("interrupted")
    except BrokenProcessPool as e:
        status, code = "failed", 1
        report._print(f"error: a worker process died ({e}); see any traceback above")
    except BrokenPipeError:
        status, code = "failed", 1
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
    except Exception as e:  # noqa: BLE001  (loading the pipeline, writing the output …)
        import traceback

        status, code = "failed", 1
        report._print("".join(traceback.format_exception(e)).rstrip())
        report._print(f"error: {type(e).__name__}: {e}")
    finally:
        if executor is not None:
            executor.shutdown(wait=code == 0, cancel_futures=True)
        if local is not None:
            local.close()
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
        report.close()
    if code == 0:
        out.commit()
    else:
        out.abandon()
        if out_path is not None:
            report._print(f"partial output kept in {out.part}: rerun with --resume to continue")
    summary = report.summary("<stdout>" if to_stdout else str(out_path), status)
    if stats:
        Path(stats).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if not quiet:
        _print_summary(summary)
    return code


def _default_errors_path(out_path: Path) -> Path:
    name = out_path.name
    for suffix in (".jsonl.gz", ".jsonl", ".gz"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return out_path.with_name(name + ".errors.jsonl")


def _usage(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


class Admission:
    """Which inputs get annotated, in input order: not those already in a
    resumed output (`done`: `_input_hash` -> lines written), nor, unless
    `keep` duplicates, a text seen before. Both engines decide this way, so
    they write the same lines."""

    def __init__(self, done: Counter, *, keep: bool) -> None:
        self.done = done
        self.keep = keep
        self.seen: set[int] = set()

    def __call__(self, h: int, report: "Report") -> bool:
        if self.done and self.done.get(h):
            self.done[h] -= 1
            report.resumed += 1
            if not self.keep:
                self.seen.add(h)
            return False
        if not self.keep:
            if h in self.seen:
                report.duplicates += 1
                return False
            self.seen.add(h)
        return True


def _pump(
    sources: list,
    settings: Settings,
    out: Output,
    report: Report,
    executor: ProcessPoolExecutor | None,
    local: Annotator | None,
    batch_size: int,
    n_process: int,
    strict: bool,
    stdin: IO[bytes] | None,
) -> None:
    """Read, skip, batch, annotate, write: in input order, with at most a
    few batches in flight."""
    from annotator.io.prodigy import input_hash

    admit = Admission(out.done, keep=settings.keep_duplicates)
    pending: deque[tuple[Future | BatchResult, list[Record]]] = deque()
    max_pending = 2 * n_process
    batch: list[Record] = []
    chars = 0

    def submit() -> None:
        nonlocal batch, chars
        if not batch:
            return
        payload = [(r.text, r.meta) for r in batch]
        if executor is not None:
            pending.append((executor.submit(_work, payload), batch))
        else:
            assert local is not None
            pending.append((local(payload), batch))
        batch, chars = [], 0

    def finish_one() -> None:
        fut, records = pending.popleft()
        result = fut.result() if isinstance(fut, Future) else fut
        lines: list[bytes] = []
        for record, item in zip(records, result.items):
            if isinstance(item, bytes):
                lines.append(item)
                continue
            bad = BadRecord(record.source, record.line, PROCESSING_ERROR, item, record.pos)
            report.bad(bad)
            if strict:
                out.write(lines)
                report.batch(result, len(lines), record.pos)
                raise Stop()
        out.write(lines)
        report.batch(result, len(lines), records[-1].pos)

    for item in read_records(sources, lines=settings.lines, max_chars=settings.max_chars, stdin=stdin):
        if isinstance(item, BadRecord):
            report.bad(item)
            if strict:
                submit()
                while pending:
                    finish_one()
                raise Stop()
            continue
        report.read += 1
        if not admit(input_hash({"text": item.text}), report):
            continue
        batch.append(item)
        chars += len(item.text)
        if len(batch) >= batch_size or chars >= BATCH_CHARS:
            submit()
            while len(pending) > max_pending or (executor is None and pending):
                finish_one()
    submit()
    while pending:
        finish_one()


# --------------------------------------------------------------------------
# The command
