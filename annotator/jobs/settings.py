"""What decides a job's output: `Settings`.

Two runs with the same settings over the same inputs write the same bytes,
whichever engine runs them and however many processes. That is why an
interrupted job must be resumed with the same settings (they are kept next
to `OUTPUT.part` to check it), and why a Dask shard is reused only if it was
made under them.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from annotator.io.records import DEFAULT_MAX_CHARS


@dataclass(frozen=True)
class Settings:
    pipeline: str | None = None  # a saved pipeline (directory or package); None: the default one
    quantity_spans: bool = False  # each claim also as a QUANTITY span
    relations: bool = False  # a SPEAKER relation from each claim to its speaker
    max_chars: int = DEFAULT_MAX_CHARS  # longer texts are bad records (0: no limit)
    lines: bool = False  # text files: a document a line, not a file
    format: str = "auto"  # input format: auto, jsonl or txt
    keep_duplicates: bool = False  # annotate a text again when seen before

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def with_absolute_pipeline(self) -> "Settings":
        """The same settings with a pipeline directory given by its absolute
        path: what processes in other directories (Dask workers) need."""
        if self.pipeline is not None and Path(self.pipeline).exists():
            return replace(self, pipeline=os.path.abspath(self.pipeline))
        return self
