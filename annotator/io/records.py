"""Reading input corpora as a stream, and saying clearly what is wrong with them.

`annotator annotate` reads Prodigy-style JSONL (``{"text": ..., "meta": {...}}``
a line, optionally gzipped) and plain text (one document per file, or per line),
from files, directories, globs and stdin. Two kinds of trouble, two policies:

* **Input files** that cannot be used at all are found before any work
  starts (annotator/io/inputs.py: `resolve_inputs`).
* **Bad records** inside a readable file (a malformed JSON line, no ``text``,
  a non-string or empty ``text``, invalid UTF-8, a text over the size limit)
  never stop the stream: `read_records` yields a `BadRecord` naming the file
  and line, in input order between the good `Record`s, and the caller decides
  whether to report and go on or to stop (``--strict``).

Everything is read line by line in binary, so memory stays flat whatever the
corpus size; a line longer than the size limit is skipped without being held
in memory whole.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from annotator.io.inputs import READ_FAILURES, Source, open_source, resolve_inputs
from annotator.io.prodigy import is_offset

#: spaCy's own default `nlp.max_length`: texts longer than this are reported
#: and skipped unless `max_chars` says otherwise (0 = no limit).
DEFAULT_MAX_CHARS = 1_000_000

# Kinds of bad record (the `error` field of the errors file).
INVALID_JSON = "invalid_json"
NOT_AN_OBJECT = "not_an_object"
MISSING_TEXT = "missing_text"
TEXT_NOT_STRING = "text_not_string"
INVALID_META = "invalid_meta"
INVALID_SPANS = "invalid_spans"
EMPTY_TEXT = "empty_text"
TEXT_TOO_LONG = "text_too_long"
INVALID_UTF8 = "invalid_utf8"
INVALID_UNICODE = "invalid_unicode"
READ_ERROR = "read_error"
PROCESSING_ERROR = "processing_error"


@dataclass
class Record:
    """A good input document."""

    text: str
    meta: dict
    source: str
    line: int
    pos: int = 0  # bytes of input read so far (all sources), for progress
    #: The input's other keys (a Prodigy task's `spans`, `_session_id`,
    #: anything a user put there): they go through to the output task.
    extra: dict = field(default_factory=dict)


@dataclass
class BadRecord:
    """A record that cannot be annotated, and why."""

    source: str
    line: int
    error: str
    message: str
    pos: int = 0
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"file": self.source, "line": self.line, "error": self.error, "message": self.message, **self.extra}

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"


# --------------------------------------------------------------------------
# Reading records


def read_records(
    sources: Iterable[Source],
    *,
    lines: bool = False,
    max_chars: int = DEFAULT_MAX_CHARS,
    stdin: IO[bytes] | None = None,
) -> Iterator[Record | BadRecord]:
    """Every document of every source, in order, or a `BadRecord` in its place.

    JSONL: one ``{"text": str, "meta": {...}}`` object a line (other keys are
    ignored; blank lines are skipped). Text files: the whole file is one
    document with ``meta = {"source": file name}``, or with `lines` each
    non-blank line is one (``meta = {"source", "line"}``). Texts are kept
    byte for byte (only a UTF-8 byte-order mark at the start of a file is
    dropped). `max_chars` (0 = unlimited) bounds a text's length.
    """
    pos_base = 0
    for source in sources:
        reader = _read_jsonl if source.kind == "jsonl" else (_read_txt_lines if lines else _read_txt_whole)
        with open_source(source, stdin) as (fh, raw):
            last = 0
            for item in reader(source, fh, max_chars):
                last = _tell(raw, last)
                item.pos = pos_base + last
                yield item
        pos_base += source.size or last


def read_range(
    source: Source,
    *,
    first_line: int = 1,
    n_lines: int | None = None,
    start: int | None = None,
    lines: bool = False,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Iterator[Record | BadRecord]:
    """The records of lines `first_line` to `first_line + n_lines - 1` of one
    file (to its end if `n_lines` is None), numbered and checked exactly as
    `read_records` reads them (a shard of a large file, for the Dask engine).

    `start` is the byte offset of `first_line` in a plain file: reading seeks
    there. Otherwise (or in a gzip file) the lines before are read and
    skipped. A text file read whole (not `lines`) is a single document: its
    range is the whole file.
    """
    if source.path is None:
        raise ValueError("read_range reads files, not stdin")
    whole = source.kind == "txt" and not lines
    with open_source(source, None) as (fh, raw):
        if whole:
            yield from _read_txt_whole(source, fh, max_chars)
            return
        if first_line > 1:
            if start is not None and not source.gzipped and raw is not None:
                raw.seek(start)
            else:
                for n in range(1, first_line):
                    try:
                        while True:
                            chunk = fh.readline(1 << 20)
                            if not chunk or chunk.endswith(b"\n"):
                                break
                    except READ_FAILURES as e:
                        yield BadRecord(source.name, n, READ_ERROR, f"cannot read the rest of the file: {e}")
                        return
                    if not chunk:
                        return
        limited = fh if n_lines is None else _LineLimit(fh, n_lines)
        reader = _read_jsonl if source.kind == "jsonl" else _read_txt_lines
        yield from reader(source, limited, max_chars, first_line)  # type: ignore[arg-type]


class _LineLimit:
    """A binary file that ends after `n` lines (for `readline` only)."""

    def __init__(self, fh: IO[bytes], n: int) -> None:
        self.fh, self.left = fh, n

    def readline(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        data = self.fh.readline(size)
        if not data or data.endswith(b"\n"):
            self.left -= 1
        return data


def _tell(raw: IO[bytes] | None, last: int) -> int:
    if raw is None:
        return last
    try:
        return raw.tell()
    except (OSError, ValueError):
        return last


def _byte_limit(max_chars: int, escaped: bool) -> int:
    """The most bytes a line (or file) holding a text of `max_chars`
    characters can take: 4 a character in UTF-8, 6 in JSON's \\uXXXX
    escapes, plus room for the meta. 0: no limit."""
    if not max_chars:
        return 0
    return max_chars * (6 if escaped else 4) + (1 << 20)


def _lines(source: Source, fh: IO[bytes], limit: int, first_line: int = 1) -> Iterator[tuple[int, bytes | BadRecord]]:
    """(line number, line without its newline), or a BadRecord for a line over
    `limit` bytes (skipped without keeping it) or a read error (ends the file).
    `fh` starts at line `first_line` of its file."""
    n = first_line - 1
    while True:
        n += 1
        try:
            line = fh.readline(limit) if limit else fh.readline()
        except READ_FAILURES as e:
            yield n, BadRecord(source.name, n, READ_ERROR, f"cannot read the rest of the file: {e}")
            return
        if not line:
            return
        if limit and len(line) >= limit and not line.endswith(b"\n"):
            size = len(line)
            try:
                while True:
                    more = fh.readline(1 << 20)
                    size += len(more)
                    if not more or more.endswith(b"\n"):
                        break
            except READ_FAILURES as e:
                yield n, BadRecord(source.name, n, READ_ERROR, f"cannot read the rest of the file: {e}")
                return
            yield n, BadRecord(
                source.name, n, TEXT_TOO_LONG,
                f"line of {size:,} bytes is longer than a text of --max-chars characters can be; skipped",
            )
            continue
        if n == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        yield n, line.rstrip(b"\n")


def _decode(source: Source, n: int, data: bytes) -> str | BadRecord:
    """`data` as UTF-8, or a BadRecord naming the line of the first bad byte
    (`data` starts at line `n`)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line_start = data.rfind(b"\n", 0, e.start) + 1
        return BadRecord(
            source.name, n + data.count(b"\n", 0, e.start), INVALID_UTF8,
            f"invalid UTF-8: byte 0x{data[e.start]:02x} at column {e.start - line_start + 1} (in bytes)",
        )


def _check_text(source: Source, n: int, text: Any, max_chars: int) -> BadRecord | None:
    if not isinstance(text, str):
        return BadRecord(source.name, n, TEXT_NOT_STRING, f'"text" is {_json_type(text)}, not a string')
    if not text.strip():
        return BadRecord(source.name, n, EMPTY_TEXT, "empty text" if not text else "text is only whitespace")
    if max_chars and len(text) > max_chars:
        return BadRecord(
            source.name, n, TEXT_TOO_LONG,
            f"text of {len(text):,} characters is over --max-chars {max_chars:,}; skipped",
            extra={"chars": len(text)},
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        return BadRecord(source.name, n, INVALID_UNICODE, f"text has an unpaired surrogate (\\u{ord(text[e.start]):04x}) at character {e.start}")
    return None


def _label(source: Source) -> str:
    """A text file's `meta.source`: the file as the user named it."""
    if source.path is None:
        return source.name
    return source.label or source.path.name


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array", dict: "an object"}.get(
        type(value), type(value).__name__
    )


def json_objects(source: Source, fh: IO[bytes], limit: int, first_line: int = 1) -> Iterator[tuple[int, dict | BadRecord]]:
    """(line, object) for every JSON object line of a JSONL file, or a
    `BadRecord` for a line that is not one (blank lines skipped)."""
    for n, line in _lines(source, fh, limit, first_line):
        if isinstance(line, BadRecord):
            yield n, line
            continue
        if not line.strip():
            continue
        decoded = _decode(source, n, line)
        if isinstance(decoded, BadRecord):
            yield n, decoded
            continue
        try:
            obj = json.loads(decoded)
        except ValueError as e:
            yield n, BadRecord(source.name, n, INVALID_JSON, f"malformed JSON: {e}")
            continue
        if not isinstance(obj, dict):
            yield n, BadRecord(source.name, n, NOT_AN_OBJECT, f"expected a JSON object, found {_json_type(obj)}")
            continue
        yield n, obj


def _read_jsonl(source: Source, fh: IO[bytes], max_chars: int, first_line: int = 1) -> Iterator[Record | BadRecord]:
    for n, obj in json_objects(source, fh, _byte_limit(max_chars, escaped=True), first_line):
        if isinstance(obj, BadRecord):
            yield obj
            continue
        if "text" not in obj:
            keys = ", ".join(sorted(obj)[:8]) or "none"
            yield BadRecord(source.name, n, MISSING_TEXT, f'no "text" key (keys: {keys})')
            continue
        text = obj["text"]
        bad = _check_text(source, n, text, max_chars)
        if bad:
            yield bad
            continue
        meta = obj.get("meta")
        if meta is None:
            meta = {}
        elif not isinstance(meta, dict):
            yield BadRecord(source.name, n, INVALID_META, f'"meta" is {_json_type(meta)}, not an object')
            continue
        extra = {k: v for k, v in obj.items() if k not in ("text", "meta")}
        problem = _spans_problem(extra.get("spans"), text) if "spans" in extra else None
        if problem:
            yield BadRecord(source.name, n, INVALID_SPANS, problem)
            continue
        yield Record(text, meta, source.name, n, extra=extra)


def _spans_problem(spans: Any, text: str) -> str | None:
    """What is wrong with an input's `spans` (which the output keeps), if anything."""
    if not isinstance(spans, list):
        return f'"spans" is {_json_type(spans)}, not an array'
    for k, s in enumerate(spans):
        if not isinstance(s, dict):
            return f'span {k} is {_json_type(s)}, not an object'
        start, end, label = s.get("start"), s.get("end"), s.get("label")
        if not (is_offset(start) and is_offset(end)):
            return f"span {k}: start and end must be integers"
        if not 0 <= start < end <= len(text):
            return f"span {k}: offsets {start}-{end} are not inside the text (0-{len(text)})"
        if not isinstance(label, str) or not label:
            return f"span {k}: no label"
    return None


def _read_txt_whole(source: Source, fh: IO[bytes], max_chars: int) -> Iterator[Record | BadRecord]:
    limit = _byte_limit(max_chars, escaped=False)
    try:
        data = fh.read(limit + 1) if limit else fh.read()
    except READ_FAILURES as e:
        yield BadRecord(source.name, 1, READ_ERROR, f"cannot read the file: {e}")
        return
    if limit and len(data) > limit:
        yield BadRecord(source.name, 1, TEXT_TOO_LONG, f"file of more than {limit:,} bytes is over --max-chars {max_chars:,}; skipped")
        return
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = _decode(source, 1, data)
    if isinstance(text, BadRecord):
        yield text
        return
    bad = _check_text(source, 1, text, max_chars)
    if bad:
        yield bad
        return
    yield Record(text, {"source": _label(source)}, source.name, 1)


def _read_txt_lines(source: Source, fh: IO[bytes], max_chars: int, first_line: int = 1) -> Iterator[Record | BadRecord]:
    name = _label(source)
    for n, line in _lines(source, fh, _byte_limit(max_chars, escaped=False), first_line):
        if isinstance(line, BadRecord):
            yield line
            continue
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line.strip():
            continue  # blank lines separate documents; they are not documents
        text = _decode(source, n, line)
        if isinstance(text, BadRecord):
            yield text
            continue
        bad = _check_text(source, n, text, max_chars)
        if bad:
            yield bad
            continue
        yield Record(text, {"source": name, "line": n}, source.name, n)


# --------------------------------------------------------------------------
# Reading tasks back (our output, Prodigy db-out)


def read_tasks(paths: Iterable[str | Path]) -> Iterator[tuple[str, int, dict | BadRecord]]:
    """(file, line, task) for every JSON object line of JSONL files (``.gz``
    too), or a `BadRecord` for a line that is not one. Unlike
    `read_records`, the whole task is kept and ``text`` is not checked."""
    for source in resolve_inputs(paths, fmt="jsonl"):
        with open_source(source, None) as (fh, _raw):
            for n, obj in json_objects(source, fh, 0):
                yield source.name, n, obj
