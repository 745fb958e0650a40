"""Which inputs a job annotates: not those already in a resumed output, nor
(unless `--keep-duplicates`) a text seen before. Both engines decide this
way, in input order, so they write the same lines."""
from __future__ import annotations

from collections import Counter

from annotator.jobs.report import Report


class Admission:
    """`done`: `_input_hash` -> lines already in the output (`Output.done`)."""

    def __init__(self, done: Counter, *, keep_duplicates: bool) -> None:
        self.done = done
        self.keep = keep_duplicates
        self.seen: set[int] = set()

    def __call__(self, h: int, report: Report) -> bool:
        """Whether the input of `_input_hash` `h`, next in input order, is
        to be written (if not, it is counted in `report`)."""
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
