"""Building and loading the annotator pipeline.

`load()` is the one way most users need: the Persian tokenizer plus the
entity, claim and attribution components, initialized with the package's
lexicons. `blank()` gives just the tokenizer and our lexical attributes, for
users composing their own pipelines (the same as `spacy.blank("fa",
config=BLANK_CONFIG)`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

TOKENIZER: dict[str, Any] = {"@tokenizers": "annotator.PersianTokenizer.v1"}
LEX_ATTRS: dict[str, Any] = {"@callbacks": "annotator.lex_attrs.v1"}
COMPONENTS = ("annotator_entities", "annotator_entity_memory", "annotator_claims", "annotator_attribution")
META = {
    "name": "annotator_fa_news",
    "description": "Rule-based entities (ORG, MINISTRY, OFFICIAL, PERSON) and numeric claims with their "
    "speakers in Persian news, with a tokenizer that keeps every character offset.",
    "license": "MIT",
    "sources": [
        {"name": "hazm", "url": "https://github.com/roshan-research/hazm", "license": "MIT"},
        {"name": "Persian given names and surnames (public lists; see annotator/data/NAMES.md)", "license": "Apache-2.0, MIT"},
    ],
}


def blank(**tokenizer_settings: Any) -> Language:
    """A Persian pipeline with our tokenizer, our NORM/LIKE_NUM and no components."""
    config = {"nlp": {"tokenizer": {**TOKENIZER, **tokenizer_settings}, "after_creation": LEX_ATTRS}}
    return spacy.blank("fa", config=config)


def saved_pipeline_problem(path: str | Path) -> str | None:
    """Why the directory `path` cannot be a pipeline saved with `nlp.to_disk`
    (None when it can): checked before a command loads it or writes over it,
    so that a wrong directory is a user's mistake, not a failure mid-job."""
    path = Path(path)
    if not path.is_dir():
        return "not a directory"
    for name in ("config.cfg", "meta.json"):
        if not (path / name).is_file():
            return f"not a saved spaCy pipeline (no {name})"
    try:
        spacy.util.load_config(path / "config.cfg")
    except Exception as err:  # noqa: BLE001  (confection and configparser raise several kinds)
        generic = ("Config validation error", "Make sure the sections")
        lines = [line.strip() for line in str(err).splitlines() if line.strip() and not line.startswith(generic)]
        return "its config.cfg is not a valid config" + (f": {lines[0]}" if lines else "")
    return None


def load(path: str | Path | None = None, **kwargs: Any) -> Language:
    """The default annotator pipeline, or a saved pipeline at `path`."""
    if path is not None:
        return spacy.load(path, **kwargs)
    from annotator import __version__

    nlp = blank()
    for name in COMPONENTS:
        nlp.add_pipe(name)
    nlp.initialize()
    nlp.meta.update(META, version=__version__)
    return nlp
