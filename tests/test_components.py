"""spaCy's component contract, as our three components keep it: scorers for
`nlp.evaluate()`, every label in `labels` and in the saved meta, data read in
`initialize`/`from_disk`, serialization that honours `exclude`, no duplicate
spans, and clear errors (or working defaults) on a pipeline built another way."""
from __future__ import annotations

import pytest
import spacy
from spacy.training import Example

import annotator
from annotator.io.prodigy import doc_to_task
from conftest import DATA, load_jsonl, scorer, shared_path

TEXT = "به گزارش ایرنا، صادق نجفی مدیرعامل سازمان صنایع کوچک گفت: بیش از ۸۵ هزار واحد فعال است."


def gold_examples(nlp, records: list[dict]) -> list[Example]:
    """Examples whose reference holds the gold entities on our tokens
    (optional ones as missing annotation) and the gold claims' spans."""
    examples = []
    for rec in records:
        ref = nlp.make_doc(rec["text"])
        ents = [e for e in rec["entities"] if not e.get("optional")]
        spans = [ref.char_span(e["start"], e["end"], label=e["label"]) for e in ents]
        assert all(s is not None for s in spans), rec["id"]
        missing = [ref.char_span(e["start"], e["end"], alignment_mode="expand") for e in rec["entities"] if e.get("optional")]
        ref.set_ents(spans, missing=[m for m in missing if m is not None], default="outside")
        claims = [ref.char_span(c["start"], c["end"], alignment_mode="expand") for c in rec["claims"] if not c.get("optional")]
        ref.spans["claims"] = [c for c in claims if c is not None]
        examples.append(Example(nlp.make_doc(rec["text"]), ref))
    return examples


def test_evaluate_gives_the_scorers_entity_f1_on_the_seed(nlp, tmp_path):
    records = load_jsonl(shared_path("gold", "seed.jsonl"))
    scores = nlp.evaluate(gold_examples(nlp, records))
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(__import__("json").dumps(doc_to_task(nlp(r["text"])), ensure_ascii=False) + "\n"
                            for r in records), encoding="utf-8")
    strict = scorer().main(str(shared_path("gold", "seed.jsonl")), str(pred))["ent_strict_f1"]
    assert scores["ents_f"] == pytest.approx(strict, abs=1e-4)
    assert set(scores["ents_per_type"]) == {"ORG", "MINISTRY", "OFFICIAL", "PERSON"}
    assert scores["claims_f"] == pytest.approx(1.0)


def test_evaluate_matches_the_scorer_where_the_rules_err(nlp, tmp_path):
    """On the development gold (no optional entities) spaCy's scorer and the
    team's scorer count the same spans."""
    import json

    path = DATA / "dev_gold.jsonl"
    records = [r for r in load_jsonl(path) if not any(e.get("optional") for e in r["entities"])]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(doc_to_task(nlp(r["text"])), ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    strict = scorer().main(str(gold), str(pred))["ent_strict_f1"]
    assert strict < 1.0  # the comparison means something only where the rules make mistakes
    assert nlp.evaluate(gold_examples(nlp, records))["ents_f"] == pytest.approx(strict, abs=1e-4)


def test_labels_include_person(nlp, tmp_path):
    assert set(nlp.get_pipe("annotator_entities").labels) == {"ORG", "MINISTRY", "OFFICIAL", "PERSON"}
    nlp.to_disk(tmp_path / "p")
    assert "PERSON" in spacy.load(tmp_path / "p").meta["labels"]["annotator_entities"]


def test_no_duplicate_spans_in_span_groups(nlp):
    from conftest import fars_paragraphs

    for doc in nlp.pipe(fars_paragraphs(limit=1500), batch_size=100):
        for key, group in doc.spans.items():
            keys = [(s.start, s.end, s.label_) for s in group]
            assert len(keys) == len(set(keys)), (key, doc.text[:80])


def test_blank_fa_with_our_factories_says_what_to_do():
    nlp = spacy.blank("fa")
    with pytest.raises(ValueError, match="annotator.lex_attrs.v1"):
        nlp.add_pipe("annotator_entities")


def test_blank_fa_with_the_callback_works_on_spacys_tokenizer():
    """spaCy's own Persian tokenizer and no sentencizer: our NORM comes from the
    callback, sentence starts from the components themselves."""
    nlp = spacy.blank("fa", config={"nlp": {"after_creation": {"@callbacks": "annotator.lex_attrs.v1"}}})
    for name in ("annotator_entities", "annotator_claims", "annotator_attribution"):
        nlp.add_pipe(name)
    nlp.initialize()
    doc = nlp("وزير نفت گفت: توليد به ۳ ميليون بشکه رسيد. مديرعامل بانک مرکزي افزود ۲۰ درصد رشد داشتيم.")
    assert ("وزير نفت", "OFFICIAL") in [(e.text, e.label_) for e in doc.ents]
    assert [c["speaker"]["text"] for c in doc._.claims] == ["وزير نفت", "مديرعامل بانک مرکزي"]


def test_a_component_used_before_initialize_says_so():
    nlp = annotator.blank()
    nlp.add_pipe("annotator_claims")
    with pytest.raises(ValueError, match="initialize"):
        nlp("۲۰ درصد")


def test_component_data_is_read_in_initialize_not_init(monkeypatch):
    import annotator.components.datafiles as datafiles

    calls = []
    monkeypatch.setattr(datafiles, "read_files", lambda *a, **k: calls.append(a) or {})
    nlp = annotator.blank()
    nlp.add_pipe("annotator_entities")
    assert calls == []
    nlp.initialize()
    assert len(calls) == 1


@pytest.mark.parametrize("name", ["annotator_entities", "annotator_claims", "annotator_attribution"])
def test_serialization_honours_exclude(nlp, tmp_path, name):
    component = nlp.get_pipe(name)
    files = sorted(component.lexicon.files)
    left_out = files[0]
    component.to_disk(tmp_path / name, exclude=[left_out.split(".")[0]])
    written = sorted(p.name for p in (tmp_path / name).iterdir())
    assert written == files[1:]
    restored = type(component)(nlp, name).from_bytes(component.to_bytes())
    assert sorted(restored.lexicon.files) == files


def test_bytes_round_trip_gives_the_same_annotations(nlp):
    copy = annotator.blank()
    for name in nlp.pipe_names:
        copy.add_pipe(name)
        copy.get_pipe(name).from_bytes(nlp.get_pipe(name).to_bytes())
    assert doc_to_task(copy(TEXT)) == doc_to_task(nlp(TEXT))
