"""Running an annotation job, whatever the engine: `run_job`.

The one entry point of `annotator annotate` (a thin command over it) and of
the tests. It prepares the job (`prepare_job`), opens the output, has the
engine do the work, and then, for every engine alike: maps what stopped the
job to its status and exit code, commits the output or keeps it for
`--resume`, writes `--stats` and prints the summary.

Exit codes: 0 done (even with bad records skipped), 1 stopped by `--strict`
or failed (the `.part` file is kept for `--resume`), 2 usage errors (bad
options, unusable inputs or outputs: before any work; or inputs of which
not one record was usable: no output then, the errors file says why), 130
interrupted by SIGINT or SIGTERM (the `.part` file is kept).
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
import traceback
from pathlib import Path
from typing import IO, Any, Callable

from annotator.jobs.engine import Engine, JobFailed, NothingUsable, Stop, Terminated, UsageError
from annotator.jobs.output import Output, OutputError
from annotator.jobs.prepare import prepare_job
from annotator.jobs.report import Report, print_summary
from annotator.jobs.settings import Settings

ENGINES = ("local", "dask")


def engine_named(name: str) -> Engine:
    """A new engine of this name, with its default options."""
    if name == "local":
        from annotator.jobs.local import LocalEngine

        return LocalEngine()
    if name == "dask":
        from annotator.jobs.dask import DaskEngine

        return DaskEngine()
    raise ValueError(f"unknown engine {name!r} (expected one of {', '.join(ENGINES)})")


def run_job(
    inputs: list[str],
    output: str,
    settings: Settings,
    *,
    engine: str | Engine = "local",
    n_process: int = 1,
    batch_size: int = 64,
    resume: bool = False,
    strict: bool = False,
    skip_unreadable: bool = False,
    errors: str | None = None,
    stats: str | None = None,
    quiet: bool = False,
    progress: bool | None = None,
    debug: bool = False,
    stdin: IO[bytes] | None = None,
) -> int:
    """Annotate `inputs` into `output` ('-': stdout); return the exit code.

    `engine`: "local", "dask", or an engine object (`DaskEngine(scheduler=...)`).
    `n_process`: worker processes (-1: one per CPU; for Dask, those of the
    LocalCluster it starts). `debug`: show the traceback of an unexpected error.
    """
    eng = engine_named(engine) if isinstance(engine, str) else engine
    out: Output | None = None
    report: Report | None = None
    status, code = "done", 0
    discard = False  # nothing worth keeping for --resume
    with _Signals() as signals:  # until the summary is printed
        try:
            try:
                job = prepare_job(
                    inputs, output, settings, errors=errors, stats=stats, n_process=n_process,
                    batch_size=batch_size, resume=resume, strict=strict, skip_unreadable=skip_unreadable, stdin=stdin,
                )
                eng.check(job)
                eng.start(job)
                out = Output(job.output, settings, resume=resume)
                if progress is None:
                    progress = not quiet and sys.stderr.isatty()
                total = None if any(s.path is None for s in job.sources) else sum(s.size or 0 for s in job.sources)
                report = Report(job.errors_path, quiet=quiet, progress=progress, total_bytes=total)
                _resume_notes(out, report)
                eng.run(job, out, report)
                if report.errors and not (report.docs or report.duplicates or out.resumed_lines):
                    bad = sum(report.errors.values())
                    where = f" (see {job.errors_path})" if job.errors_path else ""
                    raise NothingUsable(f"no usable document in the input: {bad:,} bad record{'s' * (bad != 1)}{where}")
            finally:
                signals.hold()  # from here on, a SIGTERM waits for the job to finish stopping
        except BaseException as e:  # noqa: BLE001  (each kind has its exit code; the rest goes on up)
            status, code = _outcome(e, report.note if report else _say, debug)
            discard = isinstance(e, NothingUsable)
            if report is None:  # stopped before the work began: nothing to report
                eng.close(ok=False)
                if out is not None:
                    out.abandon()
                return code
        if signals.raised and code == 0:  # a SIGTERM's exception was lost on the way
            status, code = _outcome(Terminated(), report.note, debug)
        return _finish(eng, job.output, out, report, status, code, stats=stats, quiet=quiet, debug=debug, discard=discard)


def _finish(
    eng: Engine, output: Path | None, out: Output, report: Report, status: str, code: int,
    *, stats: str | None, quiet: bool, debug: bool, discard: bool = False,
) -> int:
    """After the work: stop the engine, commit the output (or keep it for
    --resume, or `discard` it), write the stats and print the summary;
    return the exit code."""
    try:
        eng.close(ok=code == 0)
        report.close()
        if code == 0:
            out.commit()
    except OSError as e:
        status, code = _outcome(e, report.note, debug)
    if discard:
        out.discard()
    elif code != 0:
        out.abandon()
    note = eng.finish(out, committed=code == 0 or discard)
    if note:
        report.note(note)
    summary = report.summary("<stdout>" if output is None else str(output), status)
    eng.add_to_summary(summary)
    if stats:
        try:
            Path(stats).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        except OSError as e:
            _say(f"error: cannot write the stats: {e.strerror} ({stats})")
            code = code or 1
    if not quiet:
        print_summary(summary)
    return code


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _resume_notes(out: Output, report: Report) -> None:
    if out.resumed_lines:
        report.info(
            f"resuming: {out.resumed_lines:,} documents already in {out.part}"
            + ("; dropped a cut-off last line" if out.dropped_partial else "")
        )
    elif out.replaced_partial:
        report.info(f"note: starting over, replacing the partial output in {out.part} (--resume continues it)")


def _outcome(e: BaseException, say: Callable[[str], None], debug: bool) -> tuple[str, int]:
    """The status and exit code of a job stopped by `e`, said with `say`;
    what is not the job's to handle (SystemExit, ...) goes on up."""
    if isinstance(e, Stop):
        return "stopped", 1
    if isinstance(e, (KeyboardInterrupt, Terminated)):
        say("interrupted")
        return "interrupted", 130
    if not isinstance(e, Exception):
        raise e
    if isinstance(e, (UsageError, OutputError)):
        for problem in getattr(e, "problems", [str(e)]):
            say(f"error: {problem}")
        return "failed", 2
    if isinstance(e, BrokenPipeError):  # stdout closed by the reader (`| head`)
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return "failed", 1
    if debug:
        say("".join(traceback.format_exception(e)).rstrip())
    if isinstance(e, JobFailed):
        say(f"error: {e}")
    elif isinstance(e, OSError) and e.strerror:
        say(f"error: {e.strerror}" + (f" ({e.filename})" if e.filename else ""))
    else:
        say(f"error: {type(e).__name__}: {e}" + ("" if debug else " (--debug shows the traceback)"))
    return "failed", 1


class _Signals:
    """SIGTERM stops the job as Ctrl-C does: while the job works, it raises
    `Terminated` in the main thread. Once the work is over (`hold`), it is
    ignored, so that committing or keeping the output is never cut short.
    (`raised` tells whether it was raised: Python drops an exception raised
    in a finalizer, which must not make a terminated job look done.)"""

    def __init__(self) -> None:
        self.armed = self.raised = False
        self._old: Any = None

    def __enter__(self) -> "_Signals":
        if threading.current_thread() is threading.main_thread():
            self.armed = True
            self._old = signal.signal(signal.SIGTERM, self._handle)
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        if self.armed:
            self.raised = True
            raise Terminated()

    def hold(self) -> None:
        self.armed = False

    def __exit__(self, *exc: Any) -> None:
        if self._old is not None:
            signal.signal(signal.SIGTERM, self._old)
