"""Annotation jobs at corpus scale: raw Persian text in, Prodigy tasks out.

`run_job` runs one (the `annotator annotate` command is a thin layer over
it); `Settings` are what decide its output. The modules, in the order a job
goes through them:

* `prepare`: checking the request and resolving the inputs, before any work;
* `output`: OUTPUT.part, its lock, `--resume`, the final rename;
* `engine`: the prepared `Job` and the `Engine` interface; the engines are
  `local` (this process or `--n-process` workers) and `dask` (shards on a
  Dask cluster: `shards`, `shard_task`, `merge`), both turning batches into
  lines with `worker.Annotator` and skipping inputs as `admission` says;
* `report`: progress, bad records, the errors file and the summary;
* `job`: `run_job`, which ties them together and decides the exit code.
"""
from annotator.jobs.engine import Engine, Job
from annotator.jobs.job import run_job
from annotator.jobs.settings import Settings

__all__ = ["Engine", "Job", "Settings", "run_job"]
