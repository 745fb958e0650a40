"""Token-per-line corpora (IOB1, IOB2/BIO, BILUO; CoNLL style), such as ARMAN.

One token a line, the token first and the tag last (tab- or space-separated,
extra middle columns ignored), a blank line between sentences,
`-DOCSTART-` lines skipped. A sentence becomes a text (its tokens joined by
single spaces) with its entities as character spans, which
`annotator.training.align` puts on whatever tokens the caller wants: ours
for training, the corpus' own for an honest evaluation.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator, Sequence

from annotator.training.align import CharSpan
from annotator.training.errors import DataError

SUFFIXES = (".txt", ".iob", ".conll", ".conllu", ".tsv", ".bio")
OUTSIDE_TAGS = ("O", "-", "_", "")
_TAG = re.compile(r"^(?:([BIESLU])[-_])?(.+)$")


def read_iob(path: str | Path) -> Iterator[list[tuple[str, str]]]:
    """Sentences of a token-per-line file as (token, tag) lists.

    Reading one file reads it once: unlike hazm's `ArmanReader(subset=...)`,
    which globs `train*.txt` and so yields every ARMAN sentence twice.
    Raises `DataError` (with file and line) for a line without a tag or
    bytes that are not UTF-8.
    """
    sent: list[tuple[str, str]] = []
    try:
        f = Path(path).open("rb")
    except OSError as err:
        raise DataError(f"cannot read ({err.strerror or err})", path) from None
    with f:
        for n, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as err:
                raise DataError(f"not UTF-8 text ({err.reason})", f"{path}:{n}") from None
            if n == 1:
                line = line.removeprefix("\ufeff")
            if not line.strip():
                if sent:
                    yield sent
                    sent = []
                continue
            if line.startswith("-DOCSTART-"):
                continue
            parts = [p for p in (line.split("\t") if "\t" in line else line.split(" ")) if p]
            if len(parts) < 2:
                raise DataError(f"no tag after the token {line.strip()[:40]!r}", f"{path}:{n}")
            sent.append((parts[0], parts[-1]))
    if sent:
        yield sent


def iob_entities(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token-index entities (start, end exclusive, label) from IOB1/IOB2/BILUO
    tags. An `I-` that does not continue an entity of its label starts one."""
    ents: list[tuple[int, int, str]] = []
    cur: list[Any] | None = None
    for i, tag in enumerate(tags):
        if tag in OUTSIDE_TAGS:
            if cur:
                ents.append(tuple(cur))
            cur = None
            continue
        m = _TAG.match(tag)
        prefix, label = (m.group(1) or "I"), m.group(2)
        if prefix in ("B", "S", "U") or cur is None or cur[2] != label:
            if cur:
                ents.append(tuple(cur))
            cur = [i, i + 1, label]
        else:
            cur[1] = i + 1
        if prefix in ("E", "L", "S", "U"):
            ents.append(tuple(cur))
            cur = None
    if cur:
        ents.append(tuple(cur))
    return ents  # type: ignore[return-value]


def sentence_text(sent: Sequence[tuple[str, str]]) -> tuple[str, list[CharSpan]]:
    """A sentence's tokens joined by single spaces, and its entities as
    character spans of that text."""
    offsets, pos = [], 0
    for word, _ in sent:
        offsets.append((pos, pos + len(word)))
        pos += len(word) + 1
    text = " ".join(word for word, _ in sent)
    spans = [CharSpan(offsets[s][0], offsets[e - 1][1], label)
             for s, e, label in iob_entities([tag for _, tag in sent])]
    return text, spans
