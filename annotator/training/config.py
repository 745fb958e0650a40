"""Training configs: the readable templates in `annotator/training/configs/`,
with `--set section.key=value` overrides applied.

The templates are shipped inside the package, so `annotator train` works
from an installed wheel. Every one must use our registered tokenizer, or a
saved pipeline would not tokenize like its training data.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from confection import Config, ConfigValidationError

from annotator.training.errors import DataError

CONFIGS_DIR = Path(__file__).resolve().parent / "configs"
TOKENIZER = "annotator.PersianTokenizer.v1"


def default_config_path(spancat: bool = False) -> Path:
    """`ner.cfg`, or `ner_spancat.cfg` with a `spancat` for nested spans."""
    return CONFIGS_DIR / ("ner_spancat.cfg" if spancat else "ner.cfg")


def parse_overrides(items: Iterable[str]) -> dict[str, Any]:
    """`section.key=value` strings (values as in a config file) as spaCy
    overrides. Raises `DataError` for an item without `=` or a dotted key."""
    from confection import try_load_json  # spaCy's own value parser

    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or "." not in key or not all(key.split(".")):
            raise DataError(f"an override is section.key=value, not {item!r}", "--set")
        out[key] = try_load_json(value.strip())
    return out


def read_config(template: str | Path, overrides: dict[str, Any] | None = None) -> Config:
    """The template with `overrides` applied, interpolation left in place so
    that it stays readable and editable. Raises `DataError` for a template
    that is missing, malformed, or does not use our tokenizer, and for
    overrides of sections it does not have."""
    from spacy import util

    if not Path(template).is_file():
        raise DataError("no such config file", template)
    try:
        config = util.load_config(template, overrides=overrides or {}, interpolate=False)
    except ConfigValidationError as err:
        raise DataError(" ".join(str(err).split()), template) from None
    except Exception as err:  # configparser's errors: a file that is not a config
        raise DataError(f"not a spaCy config ({type(err).__name__}: {err})", template) from None
    tokenizer = config.get("nlp", {}).get("tokenizer", {})
    if tokenizer.get("@tokenizers") != TOKENIZER:
        raise DataError(f"[nlp.tokenizer] must use {TOKENIZER}, or saved pipelines won't tokenize "
                        "like the training data", template)
    return config


def write_config(template: str | Path, path: str | Path, *, overrides: dict[str, Any] | None = None) -> Path:
    """Write the training config (`read_config`) to `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    read_config(template, overrides).to_disk(path)
    return path
