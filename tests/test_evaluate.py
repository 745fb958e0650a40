"""`annotator evaluate`: entity and claim figures checked against counts
worked out by hand on a toy set, and against the team's score.py."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import srsly
from spacy.language import Language
from spacy.tokens import Doc

import annotator
from annotator.training.align import CharSpan, reference_doc
from annotator.training.evaluate import claim_counts, evaluate, format_table, read_gold, score_claims
from conftest import shared_path

if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=None)


def _at(text: str, snippet: str, label: str | None = None, **extra) -> dict:
    start = text.index(snippet)
    out = {"start": start, "end": start + len(snippet), "text": snippet, **extra}
    if label:
        out["label"] = label
    return out


A = "علی رضایی وزیر نفت است و بانک مرکزی را دید ."
B = "شرکت ملی نفت و سازمان برنامه همکاری کردند ."
C = "سازمان های دولتی آمدند ."

# Gold: 5 scored entities (PERSON 1, OFFICIAL 1, ORG 3) and one optional.
GOLD = [
    {"id": "a", "text": A, "entities": [_at(A, "علی رضایی", "PERSON"), _at(A, "وزیر نفت", "OFFICIAL"),
                                        _at(A, "بانک مرکزی", "ORG")], "claims": []},
    {"id": "b", "text": B, "entities": [_at(B, "شرکت ملی نفت", "ORG"),
                                        _at(B, "سازمان برنامه", "ORG", optional=True)], "claims": []},
    # «سازمان» alone: our tokenizer joins «سازمان های», so no prediction can match it.
    {"id": "c", "text": C, "entities": [_at(C, "سازمان", "ORG")], "claims": []},
]
# Predictions, by text: (snippet, label).
PRED = {
    A: [("علی رضایی", "PERSON"), ("وزیر نفت", "ORG"), ("بانک مرکزی", "ORG")],  # TP, wrong label, TP
    B: [("شرکت ملی", "ORG"), ("سازمان برنامه", "ORG"), ("همکاری", "PERSON")],  # boundary, on optional, FP
    C: [("سازمان های", "ORG")],  # FP (and the gold «سازمان» is a FN)
}


@Language.component("toy_predictions")
def toy_predictions(doc: Doc) -> Doc:
    spans = []
    for snippet, label in PRED.get(doc.text, []):
        start = doc.text.index(snippet)
        spans.append(doc.char_span(start, start + len(snippet), label=label, alignment_mode="strict"))
    assert all(s is not None for s in spans), "toy predictions must align to our tokens"
    doc.ents = spans
    doc._.claims = [dict(c) for c in CLAIM_PRED.get(doc.text, [])]
    return doc


CLAIM_PRED: dict[str, list[dict]] = {}


@pytest.fixture()
def toy_nlp():
    nlp = annotator.blank()
    nlp.add_pipe("toy_predictions")
    return nlp


@pytest.fixture()
def toy_gold(tmp_path):
    path = tmp_path / "gold.jsonl"
    srsly.write_jsonl(path, GOLD)
    return path


def test_tokenizer_joins_spaced_plural(tokenizer_nlp):
    # The premise of document C.
    assert "سازمان های" in [t.text for t in tokenizer_nlp(C)]


def test_entity_figures_match_hand_counts(toy_nlp, toy_gold):
    gold = read_gold(toy_nlp, toy_gold)
    result = evaluate(toy_nlp, gold)
    ents = result["ents"]
    per = ents["per_type"]
    # PERSON: 1 TP, 1 FP («همکاری»), 0 FN.
    assert per["PERSON"]["p"] == pytest.approx(1 / 2)
    assert per["PERSON"]["r"] == pytest.approx(1.0)
    assert per["PERSON"]["f"] == pytest.approx(2 / 3)
    # OFFICIAL: predicted as ORG: 0 TP, 1 FN.
    assert per["OFFICIAL"]["r"] == 0.0 and per["OFFICIAL"]["f"] == 0.0
    assert per["OFFICIAL"]["gold"] == 1
    # ORG: TP «بانک مرکزی»; FP «وزیر نفت», «شرکت ملی», «سازمان های»; the
    # prediction on the optional span is ignored; FN «شرکت ملی نفت», «سازمان».
    assert per["ORG"]["gold"] == 3 and per["ORG"]["pred"] == 4
    assert per["ORG"]["p"] == pytest.approx(1 / 4)
    assert per["ORG"]["r"] == pytest.approx(1 / 3)
    assert per["ORG"]["f"] == pytest.approx(2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3))
    # Overall, micro: 2 TP, 6 scored predictions, 5 gold.
    assert ents["gold"] == 5 and ents["pred"] == 6
    assert ents["p"] == pytest.approx(2 / 6)
    assert ents["r"] == pytest.approx(2 / 5)
    assert ents["f"] == pytest.approx(2 * (2 / 6) * (2 / 5) / (2 / 6 + 2 / 5))
    table = format_table(result)
    assert "ORG" in table and "25.00" in table and "33.33" in table


def test_reference_keeps_every_gold_span(tokenizer_nlp):
    ref, _ = reference_doc(tokenizer_nlp, C, [CharSpan(0, 6, "ORG")])
    assert [(e.start_char, e.end_char, e.label_) for e in ref.ents] == [(0, 6, "ORG")]
    assert ref.text == C


def test_labels_restrict_scoring(toy_nlp, toy_gold):
    gold = read_gold(toy_nlp, toy_gold, labels=["PERSON"])
    ents = evaluate(toy_nlp, gold, labels=["PERSON"])["ents"]
    assert set(ents["per_type"]) == {"PERSON"}
    assert ents["p"] == pytest.approx(0.5) and ents["r"] == pytest.approx(1.0)


# ------------------------------------------------------------------- claims

T = "وزیر نفت گفت: بیش از ۳۷ درصد و ۵ تا ۲۰ هکتار و ۱۰ نفر و ۳ تن."
SPEAKERS = ["وزیر نفت"]
CLAIM_GOLD = [
    _at(T, "بیش از ۳۷ درصد", value=37, low=None, high=None, qualifier="more_than", kind="percent", unit="درصد", speaker=SPEAKERS),
    _at(T, "۵ تا ۲۰ هکتار", value=None, low=5, high=20, qualifier="range", kind="measure", unit="هکتار", speaker=SPEAKERS),
    _at(T, "۱۰ نفر", value=10, low=None, high=None, qualifier="exact", kind="count", unit="نفر", speaker=SPEAKERS),
    _at(T, "۳ تن", value=3, low=None, high=None, qualifier="exact", kind="measure", unit="تن", speaker=None, optional=True),
]
SPK = {"start": 0, "end": 8, "text": "وزير نفت", "label": "OFFICIAL"}  # Arabic ي: same name
CLAIM_PREDICTED = [
    # right in every field
    _at(T, "بیش از ۳۷ درصد", value=37, low=None, high=None, qualifier="more_than", kind="percent", unit="درصد", speaker=SPK),
    # right span, wrong qualifier and no speaker
    _at(T, "۲۰ هکتار", value=None, low=5, high=20, qualifier="exact", kind="measure", unit="هکتار", speaker=None),
    # on the optional claim: neither right nor wrong
    _at(T, "۳ تن", value=3, low=None, high=None, qualifier="exact", kind="measure", unit="تن", speaker=SPK),
    # not a gold claim
    _at(T, "نفت", value=1, low=None, high=None, qualifier="exact", kind="count", unit="نفت", speaker=SPK),
]


def test_claim_figures_match_hand_counts():
    c = claim_counts(CLAIM_GOLD, CLAIM_PREDICTED)
    # 3 scored gold, 4 predicted of which 1 absorbed by the optional claim.
    assert (c["tp"], c["np"], c["ng"]) == (2, 3, 3)
    assert (c["value"], c["qualifier"], c["kind"], c["unit"], c["speaker"], c["full"]) == (2, 1, 2, 2, 1, 1)
    s = score_claims([(CLAIM_GOLD, CLAIM_PREDICTED)])
    assert s["detect"]["p"] == pytest.approx(2 / 3) and s["detect"]["r"] == pytest.approx(2 / 3)
    assert s["qualifier_acc"] == pytest.approx(0.5) and s["speaker_acc"] == pytest.approx(0.5)
    assert s["value_acc"] == 1.0 and s["unit_acc"] == 1.0
    assert s["full_f"] == pytest.approx(1 / 3)


def test_claims_through_the_pipeline_agree_with_score_py(toy_nlp, tmp_path):
    score_py = shared_path("tools", "score.py")
    gold = [{"id": "t", "text": T, "entities": [_at(T, "وزیر نفت", "OFFICIAL")], "claims": CLAIM_GOLD}]
    gold_path = tmp_path / "g.jsonl"
    srsly.write_jsonl(gold_path, gold)
    CLAIM_PRED[T] = CLAIM_PREDICTED
    PRED[T] = [("وزیر نفت", "OFFICIAL")]
    try:
        result = evaluate(toy_nlp, read_gold(toy_nlp, gold_path))
        doc = toy_nlp(T)
    finally:
        CLAIM_PRED.pop(T)
    pred_path = tmp_path / "p.jsonl"
    from annotator.io.prodigy import doc_to_task

    task = doc_to_task(doc)
    task["claims"] = doc._.claims
    PRED.pop(T)
    srsly.write_jsonl(pred_path, [task])
    out = subprocess.run([sys.executable, str(score_py), str(gold_path), str(pred_path)],
                         capture_output=True, text=True, check=True)
    ref = json.loads(out.stdout)
    claims = result["claims"]
    assert claims["predicted_by_pipeline"] is True
    assert round(claims["detect"]["f"], 3) == ref["claim_detect"]["f"]
    for key in ("value", "qualifier", "kind", "unit", "speaker"):
        assert round(claims[f"{key}_acc"], 3) == ref[f"claim_{key}_acc"]
    assert round(claims["full_f"], 4) == ref["claim_full_f1"]
    assert round(result["ents"]["f"], 4) == ref["ent_strict_f1"] == 1.0


def test_evaluate_cli_writes_json(toy_gold, tmp_path):
    # The real command on the real rule pipeline: figures exist and agree
    # with the library call.
    out = tmp_path / "scores.json"
    proc = subprocess.run([sys.executable, "-m", "annotator", "evaluate", "annotator", str(toy_gold), "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Entities" in proc.stdout and "ALL" in proc.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    nlp = annotator.load()
    direct = evaluate(nlp, read_gold(nlp, toy_gold))
    assert data["ents"]["per_type"] == direct["ents"]["per_type"]
    assert data["ents"]["gold"] == 5
    assert "claims" in data


def test_output_has_spacy_evaluate_keys(tmp_path, toy_gold):
    """`--output` holds what `spacy evaluate --output` writes (ents_p …
    ents_per_type, speed), with the same figures on a pipeline spaCy can
    score itself, so scripts written for spaCy's JSON read ours."""
    from spacy.cli.evaluate import evaluate as spacy_evaluate
    from typer.testing import CliRunner

    from annotator.cli import app
    from annotator.training.convert import read_docs
    from annotator.training.docbin import write_docbin

    nlp = annotator.blank()
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": snippet} for preds in PRED.values() for snippet, label in preds])
    nlp.to_disk(tmp_path / "pipe")
    docs, _ = read_docs(nlp, [toy_gold], reference=True)
    write_docbin(docs, tmp_path / "gold.spacy")
    theirs = spacy_evaluate(str(tmp_path / "pipe"), tmp_path / "gold.spacy", silent=True)
    assert {"ents_p", "ents_r", "ents_f", "ents_per_type", "speed"} <= set(theirs)

    out = tmp_path / "scores.json"
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path / "pipe"), str(toy_gold), "-o", str(out)])
    assert result.exit_code == 0, result.output
    ours = json.loads(out.read_text(encoding="utf-8"))
    assert set(theirs) <= set(ours)
    for key in ("ents_p", "ents_r", "ents_f"):
        assert ours[key] == pytest.approx(theirs[key])
    assert set(ours["ents_per_type"]) == set(theirs["ents_per_type"])
    for label, prf in theirs["ents_per_type"].items():
        assert ours["ents_per_type"][label] == pytest.approx(prf)
    assert ours["speed"] > 0
    # The hand counts of test_entity_figures_match_hand_counts, in spaCy's keys.
    assert ours["ents_p"] == pytest.approx(2 / 6) and ours["ents_r"] == pytest.approx(2 / 5)
    # `-o -`: the JSON on stdout, the table on stderr.
    piped = CliRunner().invoke(app, ["evaluate", str(tmp_path / "pipe"), str(toy_gold), "-o", "-"])
    assert piped.exit_code == 0, piped.output
    assert json.loads(piped.stdout)["ents_f"] == pytest.approx(theirs["ents_f"])
    assert "Entities" in piped.stderr
