"""Serialization for components whose state is a set of data files.

Each component keeps the text of the data files it was built from and
writes them back unchanged when a pipeline is saved, one file each, so a
saved pipeline's lexicons are the same editable files as `annotator/data/`.
`exclude` takes file names without their extension («places», not
«places.txt»), as spaCy's serializers name their fields.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from spacy import util


def to_disk(path: str | Path, files: dict[str, str], exclude: Iterable[str] = ()) -> None:
    serializers = {name: (lambda p, text=text: Path(p).write_text(text, encoding="utf-8")) for name, text in files.items()}
    util.to_disk(path, serializers, exclude)


def from_disk(path: str | Path, names: Iterable[str], exclude: Iterable[str] = ()) -> dict[str, str]:
    files: dict[str, str] = {}

    def reader(name: str):
        def read(p: Path) -> None:
            if Path(p).exists():
                files[name] = Path(p).read_text(encoding="utf-8")

        return read

    util.from_disk(path, {name: reader(name) for name in names}, exclude)
    return files


def to_bytes(files: dict[str, str], exclude: Iterable[str] = ()) -> bytes:
    return util.to_bytes({name: (lambda text=text: text) for name, text in files.items()}, exclude)


def from_bytes(data: bytes, names: Iterable[str], exclude: Iterable[str] = ()) -> dict[str, str]:
    files: dict[str, str] = {}
    util.from_bytes(data, {name: (lambda value, name=name: files.__setitem__(name, value)) for name in names}, exclude)
    return files
