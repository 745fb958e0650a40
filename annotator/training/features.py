"""Our lexicons as a feature for trained models.

`annotator.LexiconHashEmbed.v1` is spaCy's `MultiHashEmbed` with one more
hashed column: the token's *lexicon class*, the set of rule lexicons its NORM
appears in (given name, surname, place, organization word, title head,
honorific, a word of a known organization / ministry / official phrase, a
likely surname ending …). The model learns how much to trust each class,
so names and places the lexicons know help it, and it still generalizes to
words they do not know.

    [components.tok2vec.model.embed]
    @architectures = "annotator.LexiconHashEmbed.v1"
    width = 256
    attrs = ["NORM","PREFIX","SUFFIX","SHAPE"]
    rows = [20000,5000,10000,2500]
    lexicon_rows = 256
    include_static_vectors = false

The classes are computed from the lexicons installed with the package (or
`data_dir`) when the pipeline is loaded: editing the lexicons later changes
the features a trained model sees, so retrain after large lexicon changes.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import List, Optional

import numpy
from spacy.ml.featureextractor import FeatureExtractor
from spacy.ml.staticvectors import StaticVectors
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import HashEmbed, Maxout, Model, chain, concatenate, list2ragged, ragged2list, with_array
from thinc.types import Floats2d, Ints2d

from annotator.lexicons import DATA_DIR, read_list, read_patterns
from annotator.lang.normalize import normalize

# list file -> flag for a one-word entry (upper case) / a word of a phrase (lower case)
LISTS = {
    "given_names.txt": "G",
    "ambiguous_given_names.txt": "A",
    "surnames.txt": "S",
    "places.txt": "P",
    "org_triggers.txt": "T",
    "title_heads.txt": "H",
    "plural_titles.txt": "L",
    "honorifics.txt": "R",
    "non_names.txt": "N",
}
PATTERNS = {"organizations.jsonl": "O", "ministries.jsonl": "M", "officials.jsonl": "F"}
SURNAME_ENDINGS = "surname_suffixes.txt"


@lru_cache(maxsize=4)
def lexicon_classes(data_dir: Optional[str] = None) -> tuple[dict[str, str], tuple[str, ...]]:
    """norm -> class string (sorted flags), and the likely-surname endings."""
    from hazm.utils import stopwords_list

    root = Path(data_dir) if data_dir else DATA_DIR
    flags: dict[str, set[str]] = {}
    function_words = {normalize(w) for w in stopwords_list()}

    def add(entry: str, flag: str) -> None:
        words = [normalize(w) for w in entry.replace("،", " ").split()]
        if len(words) == 1:
            flags.setdefault(words[0], set()).add(flag)
        else:  # a word of a phrase; function words («در», «و») carry no signal
            for w in words:
                if w not in function_words:
                    flags.setdefault(w, set()).add(flag.lower())

    for name, flag in LISTS.items():
        if (root / name).exists():
            for entry in read_list(root / name):
                add(entry, flag)
    for name, flag in PATTERNS.items():
        if (root / name).exists():
            for p in read_patterns(root / name):
                if isinstance(p["pattern"], str):
                    add(p["pattern"], flag)
    endings = tuple(normalize(e) for e in read_list(root / SURNAME_ENDINGS)) if (root / SURNAME_ENDINGS).exists() else ()
    return {k: "".join(sorted(v)) for k, v in flags.items()}, endings


def token_class(norm: str, classes: dict[str, str], endings: tuple[str, ...]) -> str:
    cls = classes.get(norm, "")
    if len(norm) > 3 and any(norm.endswith(e) and len(norm) > len(e) + 1 for e in endings):
        cls += "x"
    return cls


def LexiconClassExtractor(data_dir: Optional[str] = None) -> Model[List[Doc], List[Ints2d]]:
    """One column per doc: the hash of each token's lexicon class."""
    cache: dict[int, int] = {}

    def forward(model: Model, docs: List[Doc], is_train: bool):
        classes, endings = lexicon_classes(data_dir)
        out = []
        for doc in docs:
            ids = numpy.empty((len(doc), 1), dtype="uint64")
            for i, tok in enumerate(doc):
                key = tok.norm
                value = cache.get(key)
                if value is None:
                    value = cache[key] = get_string_id(token_class(tok.norm_, classes, endings) or "-")
                ids[i, 0] = value
            out.append(model.ops.asarray2i(ids, dtype="uint64"))
        return out, lambda d_features: []

    return Model("lexicon_classes", forward)


def _concat_features(attrs: list, data_dir: Optional[str]) -> Model[List[Doc], List[Ints2d]]:
    """The attrs columns, then the lexicon class column."""
    extract = FeatureExtractor(attrs)
    lexicon = LexiconClassExtractor(data_dir)

    def forward(model: Model, docs: List[Doc], is_train: bool):
        a, _ = extract(docs, is_train)
        b, _ = lexicon(docs, is_train)
        return [model.ops.xp.hstack([x, y]) for x, y in zip(a, b)], lambda d: []

    return Model("features_with_lexicon", forward, layers=[extract, lexicon])


@registry.architectures("annotator.LexiconHashEmbed.v1")
def lexicon_hash_embed(
    width: int,
    attrs: List[str],
    rows: List[int],
    include_static_vectors: bool,
    lexicon_rows: int = 256,
    data_dir: Optional[str] = None,
) -> Model[List[Doc], List[Floats2d]]:
    """spaCy's MultiHashEmbed (same layers, same seeds) plus a hash embedding
    of the lexicon class."""
    if len(rows) != len(attrs):
        raise ValueError(f"Mismatched lengths: {len(rows)} vs {len(attrs)}")
    sizes = list(rows) + [lexicon_rows]
    seed = 7
    embeddings = []
    for i, n in enumerate(sizes):
        seed += 1
        embeddings.append(HashEmbed(width, n, column=i, seed=seed, dropout=0.0))
    concat_size = width * (len(embeddings) + include_static_vectors)
    max_out = with_array(Maxout(width, concat_size, nP=3, dropout=0.0, normalize=True))
    features = chain(_concat_features(attrs, data_dir), list2ragged(), with_array(concatenate(*embeddings)))
    if include_static_vectors:
        return chain(concatenate(features, StaticVectors(width, dropout=0.0)), max_out, ragged2list())
    return chain(features, max_out, ragged2list())
