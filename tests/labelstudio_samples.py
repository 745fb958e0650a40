"""Tasks for the Label Studio tests: the pipeline's real output on the
sample corpus and on a text made of everything that moves offsets."""
from __future__ import annotations

import json

from annotator.io.prodigy import doc_to_task
from conftest import ROOT

ZWNJ, NBSP = "\u200c", "\u00a0"
# ZWNJ, Arabic ي/ك, Persian, Arabic-Indic and ASCII digits, NBSP, CRLF, and
# an emoji (one code point, two UTF-16 units) before the last entity and claim;
# «آرش کمانگیر» is a name the pipeline misses (a reviewer adds it).
TRICKY_TEXT = (
    "رئیس" + ZWNJ + "جمهور: سهم واردات کمتر از ۲۰ درصد است؛ آرش کمانگیر هم حاضر بود.\r\n"
    "وزير امور خارجه محمدجواد ظريف گفت: بيش از 45 ميليارد دلار و ٣٠ تا ٣٥ همت" + NBSP
    + "اوراق در وزارت صنعت، معدن و تجارت منتشر شد.\r\n"
    "😀 وزارت نفت اعلام كرد: حدود ۱۲٫۵ درصد كاهش يافت."
)


def sample_records() -> list[dict]:
    """corpora/sample.jsonl: ten news articles (text and meta)."""
    lines = (ROOT / "corpora" / "sample.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def annotated(nlp, text: str, meta: dict) -> dict:
    """What `annotator annotate` writes for one document."""
    return doc_to_task(nlp(text), meta, text=text)


def tricky_task(nlp) -> dict:
    return annotated(nlp, TRICKY_TEXT, {"id": "tricky", "nested": {"a": [1, 2.5, None, "ی"]}})


def sample_tasks(nlp) -> list[dict]:
    return [annotated(nlp, r["text"], r.get("meta") or {}) for r in sample_records()]


def seed_task(nlp) -> dict:
    """The team's seed article (../shared/gold), as annotated."""
    from conftest import shared_path

    text = shared_path("gold", "seed-article.txt").read_text(encoding="utf-8")
    return annotated(nlp, text, {"id": "seed-article"})


def find(text: str, snippet: str) -> tuple[int, int]:
    """Offsets of the first `snippet` in `text`."""
    start = text.index(snippet)
    return start, start + len(snippet)
