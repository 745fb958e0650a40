"""`.spacy` files: the one DocBin writer and reader of `annotator.training`.

Written atomically (a `.part` file renamed when complete, so an interrupted
run never leaves a truncated corpus behind) with every attribute spaCy
stores by default and the docs' user data (`doc._.claims`, `_input_hash`,
`meta`, relations), so `annotator export` output round-trips, and `annotator
train` keeps each document's input hash next to its tokens.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from annotator.training.errors import DataError


def ensure_claims_extension() -> None:
    """`doc._.claims`, as the claims component registers it."""
    if not Doc.has_extension("claims"):
        Doc.set_extension("claims", default=None)


def write_docbin(docs: Iterable[Doc], path: str | Path) -> Path:
    """Write `docs` to `path` (parent directories created), atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = DocBin(store_user_data=True)
    for doc in docs:
        db.add(doc)
    tmp = path.with_name(path.name + ".part")
    db.to_disk(tmp)
    os.replace(tmp, path)
    return path


def read_docbin(path: str | Path, nlp_or_vocab: Any) -> list[Doc]:
    """The docs of a `.spacy` file, their user data (`doc._.claims`, `meta`,
    `relations`, gold claims) with lists again where DocBin reads tuples
    back. Raises `DataError` for a file that is not a DocBin."""
    ensure_claims_extension()
    vocab: Vocab = getattr(nlp_or_vocab, "vocab", nlp_or_vocab)
    path = Path(path)
    if not path.is_file():
        raise DataError("no such file" if not path.exists() else "not a file", path)
    try:
        docs = list(DocBin().from_disk(path).get_docs(vocab))
    except Exception as err:  # zlib, msgpack, KeyError ...: all mean "not a DocBin"
        raise DataError(f"not a spaCy DocBin ({type(err).__name__})", path) from None
    for doc in docs:
        for key, value in doc.user_data.items():
            doc.user_data[key] = _lists(value)
    return docs


def _lists(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value
