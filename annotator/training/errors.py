"""The one error a user's training or evaluation data can cause.

Commands print it as ``error: WHAT (WHERE)`` and exit with status 2; it is a
`ValueError`, so library callers who catch those keep working.
"""
from __future__ import annotations

from pathlib import Path


class DataError(ValueError):
    """Data or options that cannot be used: `what` is wrong, at `where`
    (a file, ``file:line``, or an option)."""

    def __init__(self, what: str, where: str | Path | None = None) -> None:
        self.what = what
        self.where = None if where is None else str(where)
        super().__init__(f"{what} ({self.where})" if self.where else what)
