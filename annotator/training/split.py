"""The one train/dev split of `annotator.training`: by input, seeded.

Docs are grouped by their input (`doc.user_data["_input_hash"]`, Prodigy's
hash of the text; computed from the text when a doc has none), the groups
shuffled with the seed, and the first share of them is dev. So one text,
however many answers or copies of it there are, is never in both train and
dev, and the same seed gives the same split.
"""
from __future__ import annotations

import random
from typing import Sequence

from spacy.tokens import Doc

from annotator.io.prodigy import record_hash


def input_key(doc: Doc) -> int:
    """The input a doc comes from: its `_input_hash`, else its text's."""
    key = doc.user_data.get("_input_hash")
    return key if isinstance(key, int) else record_hash(doc.text)


def split_docs(docs: Sequence[Doc], dev_fraction: float, seed: int = 0) -> tuple[list[Doc], list[Doc]]:
    """(train, dev): `dev_fraction` of the distinct inputs go to dev (at
    least one when `dev_fraction` > 0 and there are two inputs or more).
    Docs keep their order within each part."""
    if not 0.0 <= dev_fraction < 1.0:
        raise ValueError(f"the dev fraction must be in [0, 1), not {dev_fraction}")
    keys = [input_key(doc) for doc in docs]
    distinct = sorted(set(keys))
    n_dev = int(round(len(distinct) * dev_fraction))
    if dev_fraction > 0 and n_dev == 0 and len(distinct) >= 2:
        n_dev = 1
    random.Random(seed).shuffle(distinct)
    dev_keys = set(distinct[:n_dev])
    train = [doc for doc, key in zip(docs, keys) if key not in dev_keys]
    dev = [doc for doc, key in zip(docs, keys) if key in dev_keys]
    return train, dev
