"""Static vectors from your own raw news, for `[initialize] vectors`."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Iterable

from spacy.language import Language


def build_floret_vectors(texts: Iterable[str], output_dir: str | Path, *, dim: int = 128,
                         epoch: int = 10, minn: int = 3, maxn: int = 5, bucket: int = 50000,
                         min_count: int = 2, threads: int = 1, seed_nlp: Language | None = None) -> Path:
    """Train floret (fastText with hashed subwords) vectors on raw text and
    save them as a spaCy vectors pipeline.

    Words are our tokenizer's NORM forms and the table is keyed by NORM, so
    Arabic ي/ك, ZWNJ and digit variants share a vector, and unseen words
    still get one from their character n-grams. Needs the optional `floret`
    package (`pip install 'persian-news-annotator[train]'`).
    """
    try:
        import floret
    except ImportError as err:  # pragma: no cover - depends on the install
        raise RuntimeError("floret is not installed: pip install 'persian-news-annotator[train]'") from err
    from spacy.training.initialize import convert_vectors

    from annotator.pipeline import blank

    nlp = seed_nlp or blank()
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        with corpus.open("w", encoding="utf-8") as f:
            for doc in nlp.tokenizer.pipe(t for t in texts if t.strip()):
                f.write(" ".join(t.norm_ for t in doc if not t.is_space) + "\n")
        model = floret.train_unsupervised(
            str(corpus), model="cbow", mode="floret", hashCount=2, bucket=bucket, minn=minn, maxn=maxn,
            dim=dim, epoch=epoch, minCount=min_count, thread=threads, lr=0.05, ws=5, neg=10, verbose=0)
        vec_path = Path(tmp) / "vectors.floret"
        model.save_floret_vectors(str(vec_path))
        vectors_nlp = blank()
        convert_vectors(vectors_nlp, vec_path, truncate=0, prune=-1, mode="floret", attr="NORM")
    vectors_nlp.to_disk(output_dir)
    return output_dir
