"""Entity rules: sentences from many domains with expected spans, the seed
article scored with the team's scorer, and the sample articles' gold."""
from __future__ import annotations

import pytest

from conftest import DATA, annotate_gold, load_jsonl, offsets, scorer, shared_path

SENTENCES = load_jsonl(DATA / "entity_sentences.jsonl")
# Cases the rules get wrong today, kept visible (strict xfail: a fix makes
# the test fail until it is moved out of this set).
KNOWN_MISSES = {
    "دادگاه رسیدگی به اتهامات متهمان این پرونده را به جلسه بعد موکول کرد.",
}


def expected(case: dict) -> set[tuple[int, int, str]]:
    return {(*offsets(case["text"], e["text"], e.get("occurrence", 1)), e["label"])
            for e in case["entities"] if not e.get("optional")}


def optional(case: dict) -> list[tuple[int, int]]:
    return [offsets(case["text"], e["text"], e.get("occurrence", 1)) for e in case["entities"] if e.get("optional")]


def _sentence_param(i: int, case: dict):
    known = any(case["text"].startswith(k[:40]) for k in KNOWN_MISSES)
    marks = [pytest.mark.xfail(strict=True, reason="known limitation")] if known else []
    return pytest.param(case, id=f"{i}-{case['domain']}", marks=marks)


@pytest.mark.parametrize("case", [_sentence_param(i, c) for i, c in enumerate(SENTENCES)])
def test_sentence(nlp, case):
    doc = nlp(case["text"])
    skip = optional(case)
    got = {(e.start_char, e.end_char, e.label_) for e in doc.ents
           if not any(s < e.end_char and e.start_char < t for s, t in skip)}
    assert got == expected(case)


def test_sentences_cover_domains_and_labels():
    assert len(SENTENCES) >= 40
    assert len({c["domain"] for c in SENTENCES}) >= 8
    labels = {e["label"] for c in SENTENCES for e in c["entities"]}
    assert labels == {"ORG", "MINISTRY", "OFFICIAL", "PERSON"}


def test_offsets_point_into_the_text(nlp):
    text = "به گزارش ايرنا،معاون وزير صنعت،معدن وتجارت با مدیرعامل بانك مركزي دیدار کرد."
    doc = nlp(text)
    assert doc.text == text
    for ent in doc.ents:
        assert text[ent.start_char:ent.end_char] == ent.text
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("ايرنا", "ORG"), ("معاون وزير صنعت،معدن وتجارت", "OFFICIAL"), ("مدیرعامل بانك مركزي", "OFFICIAL"),
    ]


def test_nested_spans_are_kept_in_span_group(nlp):
    doc = nlp("مدیرعامل سازمان صنایع کوچک و شهرکهای صنعتی ایران گفت.")
    assert [(e.text, e.label_) for e in doc.ents] == [("مدیرعامل سازمان صنایع کوچک و شهرکهای صنعتی ایران", "OFFICIAL")]
    nested = {(s.text, s.label_) for s in doc.spans["entities"]}
    assert ("سازمان صنایع کوچک و شهرکهای صنعتی ایران", "ORG") in nested


def test_rules_overwrite_or_keep_existing_entities(nlp):
    from spacy.tokens import Span

    text = "وزارت نفت اعلام کرد."
    rules = nlp.get_pipe("annotator_entities")
    doc = nlp.make_doc(text)
    doc.ents = [Span(doc, 0, 1, label="ORG")]  # a model's partial guess
    assert [(e.text, e.label_) for e in rules(doc).ents] == [("وزارت نفت", "MINISTRY")]
    doc = nlp.make_doc(text)
    doc.ents = [Span(doc, 0, 1, label="ORG")]
    rules.overwrite_ents = False
    try:
        assert [(e.text, e.label_) for e in rules(doc).ents] == [("وزارت", "ORG")]
    finally:
        rules.overwrite_ents = True


def test_seed_article_entities(nlp, tmp_path):
    gold = shared_path("gold", "seed.jsonl")
    result = scorer().main(str(gold), str(annotate_gold(nlp, gold, tmp_path / "pred.jsonl")))
    assert result["ent_strict_f1"] >= 0.95, result


def test_sample_articles_entities(nlp, tmp_path):
    """Ten articles written for the project, annotated by hand (not tuned on)."""
    gold = DATA / "dev_gold.jsonl"
    result = scorer().main(str(gold), str(annotate_gold(nlp, gold, tmp_path / "pred.jsonl")))
    assert result["ent_strict_f1"] >= 0.9, result
