"""Real news: 40 Fars News articles annotated by hand, blind to the rules.

The articles' text may not be redistributed, so `data/fars_gold.jsonl`
holds only references into `../shared/data/fars-news/` (file, article,
paragraphs), a SHA-1 of the rebuilt text, and the annotations.
"""
from __future__ import annotations

import pytest

from conftest import fars_gold, score_records


@pytest.fixture(scope="module")
def scores(nlp, tmp_path_factory):
    return score_records(nlp, fars_gold(), tmp_path_factory.mktemp("fars"))


def test_entities_on_real_news(scores):
    assert scores["ent_strict_f1"] >= 0.88, scores
    for label in ("ORG", "OFFICIAL", "MINISTRY"):
        assert scores[f"ent_{label}"]["f"] >= 0.8, (label, scores)


def test_claims_on_real_news(scores):
    assert scores["claim_detect"]["f"] >= 0.97, scores
    assert scores["claim_value_acc"] >= 0.98, scores
    assert scores["claim_speaker_acc"] >= 0.88, scores
