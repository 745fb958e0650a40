"""Real news: 40 Fars News articles annotated by hand, blind to the rules.

The articles' text may not be redistributed, so `data/fars_gold.jsonl`
holds only references into `../shared/data/fars-news/` (file, article,
paragraphs), a SHA-1 of the rebuilt text, and the annotations.
"""
from __future__ import annotations

import hashlib
import json

import pytest

from annotator.io.prodigy import doc_to_task
from conftest import DATA, load_jsonl, scorer, shared_path


def fars_gold() -> list[dict]:
    articles: dict[str, list] = {}
    out = []
    for g in load_jsonl(DATA / "fars_gold.jsonl"):
        src = g["source"]
        if src["file"] not in articles:
            articles[src["file"]] = json.loads(shared_path("data", "fars-news", src["file"]).read_text(encoding="utf-8"))
        a = articles[src["file"]][src["article"]]
        text = a["title"] + "\n\n" + "\n\n".join(a["paragraphs"][: src["paragraphs"]])
        assert hashlib.sha1(text.encode("utf-8")).hexdigest() == g["text_sha1"], g["id"]
        out.append(dict(g, text=text))
    return out


@pytest.fixture(scope="module")
def scores(nlp, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fars")
    gold = fars_gold()
    (tmp / "gold.jsonl").write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")
    (tmp / "pred.jsonl").write_text(
        "".join(json.dumps(doc_to_task(nlp(g["text"])), ensure_ascii=False) + "\n" for g in gold), encoding="utf-8"
    )
    return scorer().main(str(tmp / "gold.jsonl"), str(tmp / "pred.jsonl"))


def test_entities_on_real_news(scores):
    assert scores["ent_strict_f1"] >= 0.86, scores
    for label in ("ORG", "OFFICIAL", "MINISTRY"):
        assert scores[f"ent_{label}"]["f"] >= 0.8, (label, scores)


def test_claims_on_real_news(scores):
    assert scores["claim_detect"]["f"] >= 0.97, scores
    assert scores["claim_value_acc"] >= 0.98, scores
    assert scores["claim_speaker_acc"] >= 0.88, scores
