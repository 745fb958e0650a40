"""Building and loading the annotator pipeline.

`load()` is the one way most users need: the Persian tokenizer plus the
entity and claim components. `blank()` gives just the tokenizer, for users
composing their own pipelines (the same as
`spacy.blank("fa", config={"nlp": {"tokenizer": TOKENIZER}})`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

TOKENIZER: dict[str, Any] = {"@tokenizers": "annotator.PersianTokenizer.v1"}


def blank(**tokenizer_settings: Any) -> Language:
    """A Persian pipeline with our tokenizer and no components."""
    return spacy.blank("fa", config={"nlp": {"tokenizer": {**TOKENIZER, **tokenizer_settings}}})


def load(path: str | Path | None = None, **kwargs: Any) -> Language:
    """The default annotator pipeline, or a saved pipeline at `path`."""
    if path is not None:
        return spacy.load(path, **kwargs)
    nlp = blank()
    nlp.add_pipe("annotator_entities")
    nlp.add_pipe("annotator_claims")
    nlp.add_pipe("annotator_attribution")
    return nlp
