"""What every engine gets and does: a prepared `Job`, and the `Engine` interface.

`run_job` (annotator/jobs/job.py) does everything that does not depend on
where the work is done, once for every engine: it checks the request and
resolves the inputs (`prepare_job`), opens the output, reports, maps what
stopped the job to an exit code, commits or keeps the output and prints the
summary. An engine only annotates the job's inputs into the output, in input
order: `LocalEngine` (this process, or `--n-process` worker processes) and
`DaskEngine` (shards on a Dask cluster). Both write the same bytes.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

from annotator.io.inputs import Source
from annotator.io.records import READ_ERROR, BadRecord
from annotator.jobs.settings import Settings

if TYPE_CHECKING:
    from annotator.jobs.output import Output
    from annotator.jobs.report import Report


class UsageError(Exception):
    """The job cannot be run as asked (exit code 2, before any work). One
    message a problem."""

    def __init__(self, *problems: str) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class NothingUsable(UsageError):
    """Every record of the input was bad: exit code 2, and no output at all
    (an empty file under the output's name would pass for a result)."""


class JobFailed(Exception):
    """The job cannot go on (exit code 1; the partial output is kept)."""


class Stop(Exception):
    """`--strict` met a bad record (exit code 1)."""


class Terminated(BaseException):
    """SIGTERM: stops the job as Ctrl-C does. A BaseException, like
    KeyboardInterrupt, so that nothing that isolates a failing document
    (`except Exception`) can take it for one."""


@dataclass
class Job:
    """A job checked and ready to run: what an engine is given."""

    sources: list[Source]
    output: Path | None  # None: stdout
    errors_path: Path | None
    settings: Settings
    n_process: int = 1
    batch_size: int = 64
    resume: bool = False
    strict: bool = False
    skip_unreadable: bool = False
    stdin: IO[bytes] | None = None

    def stop_for(self, record: BadRecord) -> Exception | None:
        """What a bad record, once reported, stops the job with: a file that
        cannot be read to its end fails the job (unless `--skip-unreadable`);
        with `--strict` any bad record stops it."""
        if record.error == READ_ERROR and not self.skip_unreadable:
            where = "from its start" if record.line <= 1 else f"after line {record.line - 1}"
            return JobFailed(
                f"cannot read {record.source} {where}; stopping (--skip-unreadable reports it and goes on)"
            )
        if self.strict:
            return Stop()
        return None


class Engine(ABC):
    """Where and how a job's documents are annotated. An engine object runs
    one job at a time; `run_job` calls, in order: `check`, `start`, `run`,
    `close`, `finish`, `add_to_summary` (from `start` on, `close` and
    `finish` are always called)."""

    name: ClassVar[str]

    def check(self, job: Job) -> None:
        """Refuse what this engine cannot do (`UsageError`), before anything
        is touched. May narrow `job.sources`."""

    def start(self, job: Job) -> None:
        """Connect to whatever does the work (`UsageError` if it cannot be
        reached), before the output is opened."""

    @abstractmethod
    def run(self, job: Job, out: "Output", report: "Report") -> None:
        """Annotate the inputs into `out`, in input order, skipping what
        `Admission` says and reporting every bad record in input order (each
        one then goes through `job.stop_for`). Set `report.ready` when the
        pipeline is loaded. Raises what stops the job early."""

    def close(self, ok: bool) -> None:
        """Stop the workers (`ok`: the job is done; otherwise do not wait
        for them)."""

    def finish(self, out: "Output", committed: bool) -> str | None:
        """Tidy up once the output is committed (or discarded) or kept;
        return what to tell the user about a kept partial output."""
        if committed or out.path is None:
            return None
        return f"partial output kept in {out.part}: rerun with --resume to continue"

    def add_to_summary(self, summary: dict[str, Any]) -> None:
        """Add this engine's own figures to the job's summary."""
