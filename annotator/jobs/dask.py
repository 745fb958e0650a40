"""The Dask engine: `annotator annotate --engine dask`.

The same job as the local engine's, spread over the worker processes of a
`dask.distributed` cluster: a `LocalCluster` on this machine, or an existing
cluster (`--scheduler tcp://HOST:PORT`) whose workers may be on other
machines. The output is byte for byte the local engine's.

* **Shards.** The inputs are cut into shards of `--shard-lines` lines
  (annotator/jobs/shards.py); `OUTPUT.shards/manifest.json` lists every
  shard's pieces (file, first line, number of lines).
* **Tasks.** One Dask task a shard (annotator/jobs/shard_task.py): it
  annotates its lines with its worker's pipeline into the shard's files.
* **Merge.** The client concatenates complete shards into OUTPUT.part in
  input order as soon as all shards before them are complete, skipping
  duplicates and reporting bad records exactly as the local engine does,
  and renames OUTPUT.part to OUTPUT at the end (then removes
  OUTPUT.shards/). Workers therefore need the inputs and OUTPUT's directory
  at the same paths as the client (a shared filesystem).
* **Resume.** `--resume` keeps complete shards (checked against their
  pieces, the input files' sizes and times, and the settings), computes the
  others, and merges into OUTPUT.part like the local engine's resume
  (documents already in OUTPUT.part or a finished OUTPUT are skipped: the
  workers are told their `_input_hash`es and do not annotate them again).

The workers need this package (`pip install 'persian-news-annotator[dask]'`, same
version as the client) and, with `--pipeline`, the pipeline at the same
path. Run them with one thread each (`dask worker --nthreads 1 --nworkers
N`): a worker process annotates one shard at a time.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable

from annotator.jobs.engine import Engine, Job, JobFailed, UsageError
from annotator.jobs.merge import ShardMerger
from annotator.jobs.output import Output
from annotator.jobs.report import Report
from annotator.jobs.settings import Settings
from annotator.jobs.shard_task import annotate_shard, warm_up
from annotator.jobs.shards import (
    DEFAULT_SHARD_LINES,
    SHARD_FORMAT,
    Shard,
    ShardFiles,
    plan_shards,
    shard_key,
    shards_dir_of,
    skip_file_within,
    write_atomically,
    write_skip_file,
)
from annotator.jobs.worker import BatchResult

INSTALL_HINT = "pip install 'persian-news-annotator[dask]'"
#: How often a failed shard task is retried (a lost worker's task is
#: rescheduled by Dask on its own, up to `distributed.scheduler.allowed-failures`).
RETRIES = 2
#: Dask settings for the workers of the LocalCluster the engine starts (for
#: `dask worker`: DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False). Dask's
#: statistical profiler samples the worker's running thread every 10 ms and
#: takes the GIL to do it: measured 10-15% of annotation throughput.
WORKER_CONFIG = {"distributed.worker.profile.enabled": False}

#: What a shard task is: `annotate_shard`'s arguments and result.
ShardTask = Callable[[Shard, Settings, str, str, "str | None", int], dict[str, Any]]


def require_dask() -> Any:
    """The `dask.distributed` module, or a `UsageError` saying how to install it."""
    try:
        from dask import distributed
    except ImportError as e:
        raise UsageError(
            f"--engine dask needs Dask's distributed scheduler, which is not installed ({e}); "
            f"install it with: {INSTALL_HINT}  (on this machine and on every worker)"
        ) from None
    return distributed


class DaskEngine(Engine):
    """Shards on a Dask cluster: the one at `scheduler`, or a LocalCluster of
    `n_process` workers started for the job. `task` annotates a shard in a
    worker (`annotate_shard`, or a function wrapping it)."""

    name = "dask"

    def __init__(
        self, scheduler: str | None = None, shard_lines: int = DEFAULT_SHARD_LINES, task: ShardTask = annotate_shard
    ) -> None:
        self.scheduler = scheduler
        self.shard_lines = shard_lines
        self.task = task
        self._client: Any = None
        self._cluster: Any = None
        self._futures: dict[Any, int] = {}
        self._reset()

    def _reset(self) -> None:
        self.shards_dir: Path | None = None
        self.shards: list[Shard] = []
        self.complete: set[int] = set()
        self.task_results: list[dict] = []
        self.workers_seen: set[str] = set()

    # ---------------------------------------------------------------- before the work

    def check(self, job: Job) -> None:
        self._reset()
        require_dask()
        if job.output is None:
            raise UsageError("--engine dask needs an output file (-o FILE), not stdout: its shards are merged into it")
        if any(s.path is None for s in job.sources):
            raise UsageError("--engine dask reads input files (each worker reads its own shards), not stdin")
        if self.shard_lines < 1:
            raise UsageError("--shard-lines must be at least 1")
        if self.scheduler is not None:
            _check_address(self.scheduler)
        self.shards_dir = shards_dir_of(job.output)
        job.sources = [s for s in job.sources if not _inside(s.path, self.shards_dir)]
        if not job.sources:
            raise UsageError(f"no input files besides this job's own shards ({self.shards_dir})")

    def start(self, job: Job) -> None:
        if self.scheduler is None:
            return  # a LocalCluster is started when there is work for it
        distributed = require_dask()
        try:
            self._client = distributed.Client(self.scheduler, set_as_default=False)
        except Exception as e:  # noqa: BLE001  (OSError, TimeoutError, ValueError, ...)
            raise UsageError(f"cannot connect to the Dask scheduler: {e} ({self.scheduler})") from None

    # ---------------------------------------------------------------- the work

    def run(self, job: Job, out: Output, report: Report) -> None:
        assert self.shards_dir is not None
        shards_dir = self.shards_dir
        settings = job.settings.with_absolute_pipeline()  # what the workers get
        skip = self._prepare_shards_dir(job, out, report)
        shards = self.shards = plan_shards(job.sources, self.shard_lines, settings.lines)
        keys = [shard_key(s, settings) for s in shards]
        self._write_manifest(job, settings, keys, skip)
        self.complete = {s.index for s, k in zip(shards, keys) if ShardFiles(shards_dir, s.index).load(k) is not None}
        todo = [s for s in shards if s.index not in self.complete]
        if self.complete:
            report.info(f"resuming: {len(self.complete):,} of {len(shards):,} shards already complete in {shards_dir}")

        merger = ShardMerger(job, out, report, shards_dir)
        ready: set[int] = set()
        progress_pos = next_merge = 0

        def shard_done(i: int) -> None:
            nonlocal progress_pos, next_merge
            ready.add(i)
            progress_pos += shards[i].weight
            report.batch(BatchResult([]), 0, progress_pos)
            while next_merge < len(shards) and next_merge in ready:
                merger.merge(shards[next_merge], keys[next_merge])
                next_merge += 1

        for i in sorted(self.complete):
            shard_done(i)
        if todo:
            distributed = require_dask()
            client = self._connect(job, distributed)
            self._warm_up(client, settings, report)
            report.ready = time.perf_counter()
            token = uuid.uuid4().hex[:8]
            for s in todo:
                fut = client.submit(
                    self.task, s, settings, str(shards_dir), keys[s.index], skip, job.batch_size,
                    key=f"annotate-shard-{s.index:05d}-{token}", pure=False, retries=RETRIES,
                    priority=len(shards) - s.index,
                )
                self._futures[fut] = s.index
            for fut in distributed.as_completed(list(self._futures), loop=client.loop):
                i = self._futures.pop(fut)
                try:
                    result = fut.result()
                except Exception as e:  # noqa: BLE001
                    raise ShardFailed(shards[i], e) from e
                self.task_results.append(result)
                shard_done(i)
        else:
            report.ready = time.perf_counter()
        if next_merge != len(shards):
            raise RuntimeError(f"shards {next_merge}.. were not merged")

    def _prepare_shards_dir(self, job: Job, out: Output, report: Report) -> str | None:
        """The shards directory, reused by --resume, otherwise started
        afresh; return the skip file the tasks read, if any."""
        assert self.shards_dir is not None
        shards_dir, skip_file = self.shards_dir, self.shards_dir / "skip.bin"
        if shards_dir.exists() and not job.resume:
            shutil.rmtree(shards_dir)
            report.info(f"note: starting over, removing the shards of an earlier job in {shards_dir} (--resume reuses them)")
        if shards_dir.exists() and skip_file.exists() and not skip_file_within(skip_file, out.done):
            shutil.rmtree(shards_dir)
            report.info(f"note: the shards in {shards_dir} do not match {out.part}: computing them again")
        new_dir = not shards_dir.exists()
        shards_dir.mkdir(exist_ok=True)
        for tmp in shards_dir.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)  # left by killed tasks
        if new_dir and out.done and not job.settings.keep_duplicates:
            write_skip_file(skip_file, out.done.keys())
        return str(skip_file) if skip_file.exists() else None

    def _write_manifest(self, job: Job, settings: Settings, keys: list[str], skip: str | None) -> None:
        assert self.shards_dir is not None and job.output is not None
        manifest = {
            "format": SHARD_FORMAT,
            "output": str(job.output.absolute()),
            "settings": settings.to_dict(),
            "shard_lines": self.shard_lines,
            "skip_file": Path(skip).name if skip else None,
            "shards": [
                {"index": s.index, "key": k, "lines": s.lines, "output": ShardFiles(self.shards_dir, s.index).data.name,
                 "pieces": [asdict(p) for p in s.pieces]}
                for s, k in zip(self.shards, keys)
            ],
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        write_atomically(self.shards_dir / "manifest.json", lambda fh: fh.write(data))

    def _connect(self, job: Job, distributed: Any) -> Any:
        if self._client is None:
            import dask

            with dask.config.set(WORKER_CONFIG):
                self._cluster = distributed.LocalCluster(
                    n_workers=job.n_process, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address=None, silence_logs=logging.ERROR,
                )
            self._client = distributed.Client(self._cluster, set_as_default=False)
        return self._client

    def _warm_up(self, client: Any, settings: Settings, report: Report) -> None:
        """Load the pipeline on every worker now there; check they run this
        version of annotator."""
        from annotator import __version__

        workers = list(client.scheduler_info().get("workers", {}))
        if not workers:
            report.info("waiting for Dask workers to join the cluster …")
            client.wait_for_workers(1)
            workers = list(client.scheduler_info().get("workers", {}))
        # allow_other_workers: a worker lost meanwhile must not leave its task waiting for it.
        futs = [client.submit(warm_up, settings, workers=[w], allow_other_workers=True, pure=False) for w in workers]
        try:
            infos = client.gather(futs)
        except ModuleNotFoundError as e:
            raise JobFailed(f"the Dask workers cannot import annotator ({e}): install it on every worker: {INSTALL_HINT}") from None
        for info in infos:
            self.workers_seen.add(f"{info['host']}:{info['pid']}")
            if info["version"] != __version__:
                raise JobFailed(
                    f"worker {info['host']} (pid {info['pid']}) runs annotator {info['version']}, this client "
                    f"{__version__}: install the same version everywhere, or the output would depend on which "
                    "worker ran a shard"
                )

    # ---------------------------------------------------------------- after the work

    def close(self, ok: bool) -> None:
        try:
            if self._client is not None:
                if self._futures:
                    self._client.cancel(list(self._futures))
                self._client.close()
            if self._cluster is not None:
                self._cluster.close()
        except BaseException:  # noqa: BLE001  (a second Ctrl-C while closing)
            pass
        self._client = self._cluster = None
        self._futures = {}

    def finish(self, out: Output, committed: bool) -> str | None:
        if committed:
            if self.shards_dir is not None:
                shutil.rmtree(self.shards_dir, ignore_errors=True)
            return None
        return f"partial output kept in {out.part} and complete shards in {self.shards_dir}: rerun with --resume to continue"

    def add_to_summary(self, summary: dict[str, Any]) -> None:
        # Every task result is a shard annotated in this run: a task Dask ran
        # again (its worker died holding the result) found the shard on disk.
        words = sum(r["words"] or 0 for r in self.task_results)
        working = max(summary["seconds"] - summary["load_seconds"], 1e-9)
        summary["words_per_second"] = round(words / working, 1)
        rss = [r["rss_mb"] for r in self.task_results if r.get("rss_mb")]
        summary["peak_rss_worker_mb"] = max(rss) if rss else None
        summary["engine"] = self.name
        summary["shards"] = {
            "total": len(self.shards),
            "already_complete": len(self.complete),
            "computed": len(self.task_results),
            "words_annotated": words,
            "shard_lines": self.shard_lines,
            "workers": len({(r["host"], r["pid"]) for r in self.task_results}) or len(self.workers_seen),
            "scheduler": self.scheduler or "LocalCluster",
        }


class ShardFailed(JobFailed):
    """A shard's task failed on every try."""

    def __init__(self, shard: Shard, error: BaseException) -> None:
        self.shard, self.error = shard, error
        name = type(error).__name__
        if name == "KilledWorker":
            why = "it killed every worker that ran it (see the workers' logs; out of memory?)"
        else:
            why = f"{name}: {error}"
        super().__init__(f"shard {shard.index} ({shard.where}) failed after {RETRIES} retries: {why}")


def _check_address(address: str) -> None:
    """A scheduler address Dask can use (`tcp://HOST:PORT`): checked before
    connecting, as a malformed one costs Dask's connect timeout."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme != "inproc":
            parse_host_port(location)
    except ValueError as e:
        raise UsageError(f"not a Dask scheduler address (expected tcp://HOST:PORT): {e} ({address})") from None


def _inside(path: Path | None, directory: Path) -> bool:
    if path is None:
        return False
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(directory))
        return True
    except ValueError:
        return False
