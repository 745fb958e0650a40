"""The blind set: 38 articles from agencies the rules were never developed on
(ir-news: Asriran, Tabnak, Roozno, Sobhaneh, Mashregh), chosen by
`benchmarks/blind_sample.py` and annotated from ANNOTATION.md before the
pipeline was run on them. No rule is chosen from its errors: only its
aggregate figures are read. It is the honest figure for unseen news.

The articles' text is GPL-3.0 and stays in `../shared`: `data/blind_gold.jsonl`
holds the source line, the text's sha256 and offsets only (speakers as the
offsets of the mentions that name them).
"""
from __future__ import annotations

import gzip
import hashlib
import json

import pytest

from conftest import DATA, load_jsonl, scorer, shared_path
from annotator.io.prodigy import doc_to_task


def blind_gold() -> list[dict]:
    gold = load_jsonl(DATA / "blind_gold.jsonl")
    path = shared_path("data", *gold[0]["source"]["file"].split("/"))
    wanted = {g["source"]["line"] for g in gold}
    texts = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n in wanted:
                texts[n] = json.loads(line)["text"]
    out = []
    for g in gold:
        text = texts[g["source"]["line"]]
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == g["text_sha256"], g["id"]
        entities = [dict(e, text=text[e["start"]:e["end"]]) for e in g["entities"]]
        claims = []
        for c in g["claims"]:
            speaker = None if c["speaker"] is None else [text[s:e] for s, e in c["speaker"]]
            claims.append(dict(c, text=text[c["start"]:c["end"]], speaker=speaker))
        out.append({"id": g["id"], "text": text, "entities": entities, "claims": claims})
    return out


@pytest.fixture(scope="module")
def scores(nlp, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("blind")
    gold = blind_gold()
    (tmp / "gold.jsonl").write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")
    (tmp / "pred.jsonl").write_text(
        "".join(json.dumps(doc_to_task(nlp(g["text"])), ensure_ascii=False) + "\n" for g in gold), encoding="utf-8"
    )
    return scorer().main(str(tmp / "gold.jsonl"), str(tmp / "pred.jsonl"))


def test_blind_set_is_what_was_annotated():
    gold = blind_gold()
    assert len(gold) == 38
    assert sum(len(g["entities"]) for g in gold) > 400


def test_entities_on_unseen_news(scores):
    assert scores["ent_strict_f1"] >= 0.73, scores


def test_claims_on_unseen_news(scores):
    assert scores["claim_detect"]["f"] >= 0.90, scores
    assert scores["claim_value_acc"] >= 0.88, scores
    assert scores["claim_speaker_acc"] >= 0.84, scores
