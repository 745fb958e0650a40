"""Reading the lexicon data files: pattern JSONL, plain word lists, JSON tables.

Lexicons are data, not code: `annotator/data/*.jsonl` in spaCy's
`{"label", "pattern", "id"}` format and `*.txt` lists (one entry a line,
`#` comments). Entries are written in standard spelling; matching goes
through `normalize`, so the files never list ي/ك, ZWNJ or spacing variants.
"""
from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Iterable

DATA_DIR = Path(str(files("annotator").joinpath("data")))


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the file and line."""


def data_file(name: str, data_dir: str | Path | None = None) -> Path:
    return Path(data_dir or DATA_DIR) / name


def read_patterns(path: Path, *, labels: Iterable[str] | None = None) -> list[dict]:
    """Pattern dicts from a JSONL file, checked line by line."""
    return parse_patterns(path.read_text(encoding="utf-8"), str(path), labels=labels)


def parse_patterns(text: str, where: str, *, labels: Iterable[str] | None = None) -> list[dict]:
    """Pattern dicts from JSONL text (`where` names it in errors)."""
    allowed = set(labels) if labels is not None else None
    out: list[dict] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as e:
            raise LexiconError(f"{where}:{n}: invalid JSON: {e.msg}") from None
        if not isinstance(entry, dict) or "label" not in entry or "pattern" not in entry:
            raise LexiconError(f"{where}:{n}: a pattern needs \"label\" and \"pattern\"")
        if not isinstance(entry["pattern"], (str, list)):
            raise LexiconError(f"{where}:{n}: \"pattern\" must be a string or a list of token dicts")
        if allowed is not None and entry["label"] not in allowed:
            continue
        out.append(entry)
    return out


def read_json(name: str, data_dir: str | Path | None = None) -> dict:
    """A JSON data file of `annotator/data` (tables that are not word lists,
    such as the number words of `data/numbers.json`)."""
    path = data_file(name, data_dir)
    return parse_json(path.read_text(encoding="utf-8"), str(path))


def parse_json(text: str, where: str) -> dict:
    """A JSON table (an object) from a data file's text; a `LexiconError`
    names the file (`where`) and line."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise LexiconError(f"{where}:{e.lineno}: invalid JSON: {e.msg}") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{where}: expected a JSON object")
    return data


def table_words(table: dict, key: str, default: Iterable[str] = ()) -> list[str]:
    """A closed word set of a JSON table: `{"KEY": {"words": [...], "why":
    "..."}}` (or a bare list); `default` when the table has no KEY."""
    entry = table.get(key)
    if entry is None:
        return list(default)
    return list(entry.get("words", default)) if isinstance(entry, dict) else list(entry)


def read_list(path: Path) -> list[str]:
    """Entries of a word list: one a line, blank lines and `#` comments skipped."""
    return parse_list(path.read_text(encoding="utf-8"))


def parse_list(text: str) -> list[str]:
    """Entries of word-list text: one a line, blank lines and `#` comments
    skipped. A tab starts columns a list may carry besides its entry (a
    given name's gender), which are not read here."""
    out: list[str] = []
    for line in text.splitlines():
        entry = line.split("#", 1)[0].split("\t", 1)[0].strip()
        if entry:
            out.append(entry)
    return out


def read_files(names: Iterable[str], data_dir: str | Path | None = None) -> dict[str, str]:
    """The text of each named data file found in `data_dir` (default: the
    package's data). Components keep these texts, parse them, and write them
    back unchanged when a pipeline is saved, so saved lexicons stay editable."""
    root = Path(data_dir or DATA_DIR)
    return {name: (root / name).read_text(encoding="utf-8") for name in names if (root / name).exists()}


def phrase_variants(phrase: str) -> set[str]:
    """Spellings of a lexicon phrase that tokenize differently, so that each
    needs its own pattern: with and without its «،» («وزارت صنعت معدن و
    تجارت»), and with a space for a ZWNJ («بین المللی», «دست کم»). Letter
    variants and ZWNJ-versus-nothing need no entry: they share norms."""
    out = {phrase, " ".join(phrase.replace("،", " ").split())}
    out |= {v.replace("\u200c", " ") for v in out}
    if phrase.count(" ") == 1:  # «آذربایجان غربی» also as «آذربایجان‌غربی»
        out.add(phrase.replace(" ", "\u200c"))
    return out
