"""What a job tells its user: progress bar, bad records, errors file, summary.

Every bad record is reported with its file and line on stderr (the first
`MAX_PRINTED_ERRORS` of them) and in the errors file (all of them, as JSONL,
in input order), and counted in the summary that ends every run (on stderr,
and with `--stats` as JSON).
"""
from __future__ import annotations

import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import IO, Any

from annotator.io.records import PROCESSING_ERROR, BadRecord
from annotator.jobs.worker import BatchResult

#: Bad records printed on stderr in full; the rest go to the errors file only.
MAX_PRINTED_ERRORS = 20


class Report:
    """Counts, progress and bad records of one job, as it goes."""

    def __init__(
        self, errors_path: Path | None, *, quiet: bool = False, progress: bool = False, total_bytes: int | None = None
    ) -> None:
        self.errors_path = errors_path
        self.quiet = quiet
        self.errors: Counter[str] = Counter()
        self.printed = 0
        self._errors_fh: IO[str] | None = None
        self.labels: Counter[str] = Counter()
        self.docs = self.words = self.claims = self.claims_with_speaker = 0
        self.read = self.duplicates = self.resumed = 0
        self.start = time.perf_counter()
        self.ready = self.start  # when the pipeline was loaded
        self._bar: Any = None
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

    def note(self, message: str) -> None:
        """A line on stderr (above the progress bar, if there is one)."""
        if self._bar is not None:
            self._bar.write(message, file=sys.stderr)
        else:
            print(message, file=sys.stderr, flush=True)

    def info(self, message: str) -> None:
        """A note that `--quiet` leaves out."""
        if not self.quiet:
            self.note(message)

    def bad(self, record: BadRecord) -> None:
        self.errors[record.error] += 1
        if self._errors_fh is None and self.errors_path is not None:
            self._errors_fh = open(self.errors_path, "w", encoding="utf-8")
        if self._errors_fh is not None:
            try:
                self._errors_fh.write(json.dumps(record.to_json(), ensure_ascii=False) + "\n")
                self._errors_fh.flush()
            except OSError as e:
                raise OSError(e.errno, e.strerror, str(self.errors_path)) from e  # say which file
        if self.printed < MAX_PRINTED_ERRORS:
            self.printed += 1
            self.note(f"error: {record}")
        elif self.printed == MAX_PRINTED_ERRORS:
            self.printed += 1
            where = f" (all are in {self.errors_path})" if self.errors_path else ""
            self.note(f"error: more bad records; not printing any more of them{where}")

    def batch(self, result: BatchResult, written: int, pos: int) -> None:
        """`written` of `result`'s lines are in the output; the input is read
        up to byte `pos` (of all inputs; 0: unknown)."""
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
        """The summary of the job (`--stats` writes it as JSON). An engine
        adds its own figures (`peak_rss_worker_mb`, Dask's `shards`)."""
        elapsed = time.perf_counter() - self.start
        working = max(elapsed - (self.ready - self.start), 1e-9)
        n_errors = sum(self.errors.values())
        return {
            "status": status,
            "output": output,
            # every record read = written + already done + duplicates + errors
            "documents_read": self.read + n_errors - self.errors[PROCESSING_ERROR],
            "documents_written": self.docs,
            "words": self.words,
            "seconds": round(elapsed, 3),
            "load_seconds": round(self.ready - self.start, 3),
            "words_per_second": round(self.words / working, 1),
            "duplicates_skipped": self.duplicates,
            "already_done": self.resumed,
            "errors": n_errors,
            "errors_by_kind": dict(self.errors.most_common()),
            "errors_file": str(self.errors_path) if self.errors_path and n_errors else None,
            "entities": dict(self.labels.most_common()),
            "claims": self.claims,
            "claims_with_speaker": self.claims_with_speaker,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "peak_rss_worker_mb": None,
        }


def print_summary(s: dict[str, Any]) -> None:
    """The summary, for people, on stderr."""
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
    if "shards" in s:
        sh = s["shards"]
        lines.append(
            f"  dask: {sh['total']:,} shards of {sh['shard_lines']:,} lines ({sh['already_complete']:,} already "
            f"complete), {sh['workers']} worker process{'es' if sh['workers'] != 1 else ''} ({sh['scheduler']})"
        )
    print("\n".join(lines), file=sys.stderr, flush=True)
