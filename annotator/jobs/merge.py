"""Merging a Dask job's shards into its output, in input order.

The client concatenates each complete shard (annotator/jobs/shards.py) into
OUTPUT.part as soon as all shards before it are merged, and decides there,
as the local engine does while reading, what is written: duplicates and
documents already in a resumed output are skipped (`Admission`), and bad
records are reported in input order, each going through `Job.stop_for`.
"""
from __future__ import annotations

from pathlib import Path

from annotator.io.records import PROCESSING_ERROR, BadRecord
from annotator.jobs.admission import Admission
from annotator.jobs.engine import Job
from annotator.jobs.output import Output
from annotator.jobs.report import Report
from annotator.jobs.shards import Shard, ShardFiles
from annotator.jobs.worker import BatchResult


class ShardMerger:
    """Complete shards into OUTPUT.part, in input order, with the local
    engine's duplicate skipping, resume and reporting of bad records."""

    def __init__(self, job: Job, out: Output, report: Report, shards_dir: Path) -> None:
        self.job, self.out, self.report, self.shards_dir = job, out, report, shards_dir
        self.admit = Admission(out.done, keep_duplicates=job.settings.keep_duplicates)

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

        def bad(record: BadRecord) -> None:
            report.bad(record)
            stop = self.job.stop_for(record)
            if stop is not None:
                flush()
                raise stop

        with open(files.data, "rb") as data:
            for item in index["items"]:
                kind, p, line = item[0], item[1], item[2]
                name = shard.pieces[p].name
                if kind == "bad":
                    bad(BadRecord(name, line, item[3], item[4], 0, item[5] or {}))
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
                    bad(BadRecord(name, line, PROCESSING_ERROR, item[4]))
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
