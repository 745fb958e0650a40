"""What the job tests inject: a pipeline component that fails on some texts,
and, for the Dask tests, the real shard task (`annotate_shard`) made slow or
failing, for a test to interrupt a job, kill a worker mid-shard or see a
failed shard retried (it goes to `DaskEngine(task=...)`).

This module is not installed on Dask workers: cloudpickle sends its
functions and classes by value (with a task, or with `Client.run`).
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import cloudpickle
from spacy.language import Language

from annotator.jobs.shard_task import annotate_shard

cloudpickle.register_pickle_by_value(sys.modules[__name__])

FAILING_COMPONENT = "test_fails_on_marker"


@dataclass
class ShardTask:
    """`annotate_shard`, with: `delay` seconds more a shard; shard
    `slow_shard` stopping for `slow_seconds` after its first batch, on its
    first attempt only, once it has written its worker's pid to `marker`;
    shard `fail_shard` failing on its first attempt (noted in `fail_marker`)."""

    delay: float = 0.0
    slow_shard: int | None = None
    slow_seconds: float = 60.0
    marker: str | None = None
    fail_shard: int | None = None
    fail_marker: str | None = None

    def __call__(self, shard: Any, *args: Any) -> dict[str, Any]:
        if self.delay:
            time.sleep(self.delay)
        if shard.index == self.fail_shard and _first_time(self.fail_marker):
            raise RuntimeError(f"test: shard {shard.index} fails once")
        if shard.index == self.slow_shard and self.marker and not Path(self.marker).exists():
            with _stopping_after_first_batch(Path(self.marker), self.slow_seconds):
                return annotate_shard(shard, *args)
        return annotate_shard(shard, *args)


def _first_time(marker: str | None) -> bool:
    assert marker is not None
    path = Path(marker)
    if path.exists():
        return False
    path.write_text(str(os.getpid()))
    return True


@contextmanager
def _stopping_after_first_batch(marker: Path, seconds: float) -> Iterator[None]:
    """The worker's annotator, told to stop before its second batch (the
    first one is written to the shard's temporary file by then)."""
    from annotator.jobs.worker import Annotator

    original = Annotator.__call__
    calls = 0

    def call(self: Annotator, batch: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            tmp = marker.with_name(marker.name + f".{os.getpid()}.tmp")
            tmp.write_text(str(os.getpid()))
            os.replace(tmp, marker)
            time.sleep(seconds)
        return original(self, batch)

    Annotator.__call__ = call  # type: ignore[method-assign]
    try:
        yield
    finally:
        Annotator.__call__ = original  # type: ignore[method-assign]


def register_failing_component() -> None:
    """Register the component `FAILING_COMPONENT`, which fails on texts
    holding "BOOM", in this process (a pipeline saved with it loads where
    this has run)."""
    if Language.has_factory(FAILING_COMPONENT):
        return

    @Language.factory(FAILING_COMPONENT)
    def make(nlp: Language, name: str) -> Any:
        def fail(doc: Any) -> Any:
            if "BOOM" in doc.text:
                raise RuntimeError("component bug")
            return doc

        return fail


def save_failing_pipeline(path: Path) -> Path:
    """The default pipeline and `FAILING_COMPONENT`, saved at `path`."""
    import annotator

    register_failing_component()
    nlp = annotator.load()
    nlp.add_pipe(FAILING_COMPONENT)
    nlp.to_disk(path)
    return path


def main() -> None:
    """`python job_helpers.py DELAY INPUT OUTPUT [--scheduler ADDRESS | --n-process N] [--shard-lines N]
    [--batch-size N]`: an `annotate --engine dask --quiet` job as the command
    runs it, each shard taking DELAY seconds more; exits with its code."""
    import argparse

    from annotator.jobs import Settings, run_job
    from annotator.jobs.dask import DaskEngine

    parser = argparse.ArgumentParser()
    parser.add_argument("delay", type=float)
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--scheduler")
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--shard-lines", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=2)
    args = parser.parse_args()
    engine = DaskEngine(scheduler=args.scheduler, shard_lines=args.shard_lines, task=ShardTask(delay=args.delay))
    code = run_job(
        [args.input], args.output, Settings(), engine=engine, n_process=args.n_process, batch_size=args.batch_size,
        quiet=True,
    )
    sys.exit(code)


if __name__ == "__main__":
    main()
