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

import pytest

from conftest import irnews_gold, score_records


@pytest.fixture(scope="module")
def scores(nlp, tmp_path_factory):
    return score_records(nlp, irnews_gold("blind_gold.jsonl"), tmp_path_factory.mktemp("blind"))


def test_blind_set_is_what_was_annotated():
    gold = irnews_gold("blind_gold.jsonl")
    assert len(gold) == 38
    assert sum(len(g["entities"]) for g in gold) > 400


def test_entities_on_unseen_news(scores):
    assert scores["ent_strict_f1"] >= 0.75, scores


def test_claims_on_unseen_news(scores):
    assert scores["claim_detect"]["f"] >= 0.91, scores
    assert scores["claim_value_acc"] >= 0.89, scores
    assert scores["claim_speaker_acc"] >= 0.85, scores
