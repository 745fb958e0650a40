"""Lexical attributes: `NORM` and `LIKE_NUM` as the components need them.

The components match on `NORM` (see `annotator.lang.normalize`) and use
`LIKE_NUM` to end names before numbers. Both are lexeme attributes: spaCy
computes them once per word type, when the word is first seen, with the
getters in `vocab.lex_attr_getters`. So they must be installed before the
first document is made, by one of:

* our tokenizer (`annotator.PersianTokenizer.v1`), which installs them when
  it is built, so any pipeline using it has them;
* the `annotator.lex_attrs.v1` callback, for a pipeline with another
  tokenizer: `[nlp.after_creation] @callbacks = "annotator.lex_attrs.v1"`,
  or `spacy.blank("fa", config={"nlp": {"after_creation": {"@callbacks":
  "annotator.lex_attrs.v1"}}})`.

The components check `has_lex_attrs` when they are added and say what to do
when neither was done, rather than silently matching nothing.
"""
from __future__ import annotations

from typing import Callable

import spacy
from spacy.attrs import LIKE_NUM, NORM
from spacy.lang.fa.lex_attrs import like_num as _fa_like_num
from spacy.language import Language
from spacy.vocab import Vocab

from annotator.lang.normalize import normalize

CALLBACK = "annotator.lex_attrs.v1"


def like_num(text: str) -> bool:
    """spaCy's Persian `like_num`, also for Arabic letter forms («يك»,
    «سيصد») and mixed digit sets, which it misses on the raw text."""
    return _fa_like_num(text) or _fa_like_num(normalize(text))


def install(vocab: Vocab) -> None:
    """Make our getters the vocab's NORM and LIKE_NUM getters. Lexemes made
    before the call keep their old values, so call it before the first Doc."""
    vocab.lex_attr_getters[NORM] = normalize
    vocab.lex_attr_getters[LIKE_NUM] = like_num


def has_lex_attrs(vocab: Vocab) -> bool:
    """Whether the vocab computes our NORM (and so our matchers can match)."""
    return vocab.lex_attr_getters.get(NORM) is normalize


@spacy.registry.callbacks(CALLBACK)
def create_lex_attrs_callback() -> Callable[[Language], Language]:
    """`[nlp.after_creation]` callback installing our lexical attributes."""

    def after_creation(nlp: Language) -> Language:
        install(nlp.vocab)
        return nlp

    return after_creation


def require_lex_attrs(nlp: Language, component: str) -> None:
    """Raise a clear error when `nlp` does not compute our NORM."""
    if not has_lex_attrs(nlp.vocab):
        raise ValueError(
            f"{component} matches on annotator's NORM (Persian letter, digit and ZWNJ variants folded), "
            "which this pipeline does not compute: build it with annotator.blank() or annotator.load(), "
            f'or add `[nlp.after_creation] @callbacks = "{CALLBACK}"` to its config, e.g. '
            f'spacy.blank("fa", config={{"nlp": {{"after_creation": {{"@callbacks": "{CALLBACK}"}}}}}})'
        )
