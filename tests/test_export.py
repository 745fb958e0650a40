"""The Prodigy round trip: db-out JSONL and our own output → DocBin → Docs."""
from __future__ import annotations

import copy
import json
import re

import pytest
import spacy
import srsly
from typer.testing import CliRunner

import annotator
from annotator.cli import app
from annotator.jobs import Settings, run_job
from annotator.training.docbin import read_docbin
from annotator.training.export import export
from annotator.training.split import split_docs
from annotator.training.tasks import task_to_doc, tasks_to_docs
from annotator.io.prodigy import input_hash
from conftest import ROOT, shared_path

SAMPLE = ROOT / "corpora" / "sample.jsonl"


@pytest.fixture(scope="module")
def en():
    return spacy.blank("en")


@pytest.fixture(scope="module")
def fa():
    return annotator.blank()


def prodigy(name: str) -> list[dict]:
    return list(srsly.read_jsonl(shared_path("data", "prodigy", name)))


def span_set(doc) -> set[tuple[int, int, str]]:
    return {(e.start_char, e.end_char, e.label_) for e in doc.ents}


# ---------------------------------------------------------------- real Prodigy exports


def test_ner_tweets_db_out(tmp_path, en):
    tasks = prodigy("ner_tweets_db_out.jsonl")
    expected: dict[int, set] = {}
    for t in tasks:
        if t["answer"] == "accept":
            expected.setdefault(t["_input_hash"], set()).update((s["start"], s["end"], s["label"]) for s in t["spans"])
    paths, stats, _ = export(en, [shared_path("data", "prodigy", "ner_tweets_db_out.jsonl")], tmp_path, eval_split=0.2, seed=0)
    train, dev = read_docbin(paths["train"], en), read_docbin(paths["dev"], en)
    docs = train + dev
    # Only accepted answers, one Doc per input, every span kept and aligned.
    assert stats.answers == {"accept": 519, "ignore": 4}
    assert len(docs) == len(expected) == stats.docs
    assert stats.merged == 519 - len(expected)
    assert stats.unaligned == 0
    assert {d.user_data["_input_hash"]: span_set(d) for d in docs} == expected
    assert sum(len(s) for s in expected.values()) == sum(len(d.ents) for d in docs) == 241
    # Prodigy's own tokens, and the text byte for byte.
    by_hash = {t["_input_hash"]: t for t in tasks}
    for d in docs:
        t = by_hash[d.user_data["_input_hash"]]
        assert d.text == t["text"]
        assert [tok.text for tok in d] == [x["text"] for x in t["tokens"]]
        for e in d.ents:
            assert all(tok.ent_iob_ in "BI" for tok in e)
        assert all(tok.ent_iob_ in ("B", "I", "O") for tok in d)  # manual answers: the rest is O
    # Split by input hash: disjoint, about 20 %, reproducible with the seed.
    train_keys = {d.user_data["_input_hash"] for d in train}
    dev_keys = {d.user_data["_input_hash"] for d in dev}
    assert not train_keys & dev_keys
    assert len(dev) == round(0.2 * len(docs))
    paths2, _, _ = export(en, [shared_path("data", "prodigy", "ner_tweets_db_out.jsonl")], tmp_path / "again", seed=0)
    assert {d.user_data["_input_hash"] for d in read_docbin(paths2["dev"], en)} == dev_keys
    paths3, _, _ = export(en, [shared_path("data", "prodigy", "ner_tweets_db_out.jsonl")], tmp_path / "seed1", seed=1)
    assert {d.user_data["_input_hash"] for d in read_docbin(paths3["dev"], en)} != dev_keys


def test_rel_component_db_out_keeps_relations(tmp_path, en):
    tasks = prodigy("rel_component_db_out.jsonl")
    paths, stats, _ = export(en, [shared_path("data", "prodigy", "rel_component_db_out.jsonl")], tmp_path, eval_split=0.25)
    docs = read_docbin(paths["train"], en) + read_docbin(paths["dev"], en)
    assert len(docs) == 149 and stats.unaligned == 0
    by_hash = {t["_input_hash"]: t for t in tasks}
    n_rel = 0
    for d in docs:
        t = by_hash[d.user_data["_input_hash"]]
        assert span_set(d) == {(s["start"], s["end"], s["label"]) for s in t["spans"]}
        assert d.user_data["meta"] == t["meta"]
        def key(r):
            return (r["head_span"]["start"], r["head_span"]["end"], r["child_span"]["start"], r["child_span"]["end"], r["label"])

        got = sorted(key(r) for r in d.user_data.get("relations", []))
        want = sorted(key(r) for r in t["relations"])
        assert got == want
        for r in d.user_data.get("relations", []):
            assert d[r["head"]].idx + len(d[r["head"]]) == r["head_span"]["end"]  # head = last token of the head span
        n_rel += len(got)
    assert n_rel == sum(stats.relations.values()) == sum(len(t["relations"]) for t in tasks)


# ---------------------------------------------------------------- our own round trip


@pytest.fixture(scope="module")
def annotated(tmp_path_factory) -> list[dict]:
    out = tmp_path_factory.mktemp("annotated") / "sample.jsonl"
    settings = Settings(quantity_spans=True, relations=True)
    assert run_job([str(SAMPLE)], str(out), settings, quiet=True) == 0
    return list(srsly.read_jsonl(out))


def _entities(task) -> set:
    return {(s["start"], s["end"], s["label"]) for s in task["spans"] if s["label"] != "QUANTITY"}


def _claims(task) -> set:
    return {(s["start"], s["end"]) for s in task["spans"] if s["label"] == "QUANTITY"}


def test_unreviewed_round_trip_is_lossless(tmp_path, fa, annotated):
    """annotate → export → DocBin → the same entities, claims and speakers."""
    path = tmp_path / "in.jsonl"
    srsly.write_jsonl(path, annotated)
    paths, stats, _ = export(fa, [path], tmp_path / "out", eval_split=0.3)
    docs = read_docbin(paths["train"], fa) + read_docbin(paths["dev"], fa)
    assert len(docs) == len(annotated) and stats.unaligned == 0
    by_hash = {t["_input_hash"]: t for t in annotated}
    for d in docs:
        t = by_hash[d.user_data["_input_hash"]]
        assert d.text == t["text"]
        assert [tok.text for tok in d] == [x["text"] for x in t["tokens"]]
        assert span_set(d) == _entities(t)
        assert {(s.start_char, s.end_char) for s in d.spans["claims"]} == _claims(t)
        assert all(s.label_ == "QUANTITY" for s in d.spans["claims"])
        assert d._.claims == t["claims"]  # values, units, qualifiers, speakers: all of it
    assert stats.claims == sum(len(t["claims"]) for t in annotated)


def _number_span(task: dict, taken: set) -> dict:
    """A claim the pipeline did not find: a digit token not in any claim."""
    for tok in task["tokens"]:
        if re.fullmatch(r"[0-9۰-۹٠-٩]+", tok["text"]) and not any(s <= tok["start"] < e for s, e in taken):
            return {"start": tok["start"], "end": tok["end"], "token_start": tok["id"], "token_end": tok["id"], "label": "QUANTITY"}
    raise AssertionError("no free number in the text")


def review(tasks: list[dict]) -> tuple[list[dict], dict[int, dict]]:
    """What reviewers might do in Prodigy; returns the db-out tasks and, per
    input hash, the annotation that must come out of the export."""
    out: list[dict] = []
    expected: dict[int, dict] = {}
    for n, task in enumerate(tasks):
        t = copy.deepcopy(task)
        t["_view_id"] = "relations"
        ents, claims = _entities(t), _claims(t)
        speakers = {
            (r["head_span"]["start"], r["head_span"]["end"]): (r["child_span"]["start"], r["child_span"]["end"])
            for r in t.get("relations", [])
        }
        if n == 0:  # rejected: must not be exported
            t["answer"] = "reject"
            out.append(t)
            continue
        if n == 1:  # ignored
            t["answer"] = "ignore"
            out.append(t)
            continue
        t["answer"] = "accept"
        if n == 2:
            # Delete an entity, relabel another, delete a claim (and its relation),
            # add a claim the pipeline missed, drop one SPEAKER relation.
            ent_spans = [s for s in t["spans"] if s["label"] != "QUANTITY"]
            gone = ent_spans[0]
            relabel = ent_spans[-1]
            relabel["label"] = "ORG" if relabel["label"] != "ORG" else "PERSON"
            q = [s for s in t["spans"] if s["label"] == "QUANTITY"]
            dropped_claim = q[0]
            t["spans"] = [s for s in t["spans"] if s is not gone and s is not dropped_claim]
            t["relations"] = [r for r in t["relations"] if r["head_span"]["start"] != dropped_claim["start"]]
            unspoken = t["relations"].pop()
            added = _number_span(t, claims)
            t["spans"].append(added)
            ents = {(s["start"], s["end"], s["label"]) for s in t["spans"] if s["label"] != "QUANTITY"}
            claims = (claims - {(dropped_claim["start"], dropped_claim["end"])}) | {(added["start"], added["end"])}
            speakers.pop((dropped_claim["start"], dropped_claim["end"]), None)
            speakers.pop((unspoken["head_span"]["start"], unspoken["head_span"]["end"]), None)
        out.append(t)
        if n == 3:
            # A second reviewer accepted the same text and marked one more span.
            t2 = copy.deepcopy(t)
            t2["spans"] = [s for s in t2["spans"] if s["label"] != "QUANTITY"][:1]
            t2["relations"] = []
            extra = next(tok for tok in t2["tokens"] if not any(s <= tok["start"] < e for s, e, _ in ents) and len(tok["text"]) > 3)
            t2["spans"].append({"start": extra["start"], "end": extra["end"], "token_start": extra["id"], "token_end": extra["id"], "label": "PERSON"})
            ents = ents | {(extra["start"], extra["end"], "PERSON")}
            out.append(t2)
        expected[t["_input_hash"]] = {"ents": ents, "claims": claims, "speakers": speakers}
    return out, expected


def test_reviewed_round_trip(tmp_path, fa, annotated):
    """annotate → simulated review (reject, ignore, edits, a second answer)
    → db-out JSONL → export → DocBin → exactly the reviewed annotation."""
    assert sum(len(t["claims"]) for t in annotated[:4]) >= 4, "the sample needs claims for this test"
    reviewed, expected = review(annotated)
    path = tmp_path / "db-out.jsonl"
    srsly.write_jsonl(path, reviewed)
    paths, stats, _ = export(fa, [path], tmp_path / "out", eval_split=0.2, seed=3)
    docs = read_docbin(paths["train"], fa) + read_docbin(paths["dev"], fa)
    assert stats.answers == {"accept": len(annotated) - 1, "reject": 1, "ignore": 1}
    assert stats.merged == 1 and stats.unaligned == 0
    assert {d.user_data["_input_hash"] for d in docs} == set(expected)
    assert annotated[0]["_input_hash"] not in expected and annotated[1]["_input_hash"] not in expected
    for d in docs:
        want = expected[d.user_data["_input_hash"]]
        assert span_set(d) == want["ents"]
        assert {(s.start_char, s.end_char) for s in d.spans["claims"]} == want["claims"]
        assert {(c["start"], c["end"]) for c in d._.claims} == want["claims"]
        got_speakers = {(c["start"], c["end"]): (c["speaker"]["start"], c["speaker"]["end"]) for c in d._.claims if c["speaker"]}
        assert got_speakers == want["speakers"]
    # Claim details survive where the claim was kept; a new claim has none yet.
    d2 = next(d for d in docs if d.user_data["_input_hash"] == annotated[2]["_input_hash"])
    details = {(c["start"], c["end"]): c for c in annotated[2]["claims"]}
    for c in d2._.claims:
        if (c["start"], c["end"]) in details:
            assert c["value"] == details[(c["start"], c["end"])]["value"]
            assert c["unit"] == details[(c["start"], c["end"])]["unit"]
        else:
            assert c["value"] is None and c["speaker"] is None


def test_claims_from_the_claims_key(fa, annotated):
    """Output written without --quantity-spans: claims come from `claims`."""
    task = copy.deepcopy(annotated[3])
    task["spans"] = [s for s in task["spans"] if s["label"] != "QUANTITY"]
    del task["relations"]
    doc = task_to_doc(fa, task).doc
    assert doc._.claims == annotated[3]["claims"]
    assert [(s.start_char, s.end_char) for s in doc.spans["claims"]] == [(c["start"], c["end"]) for c in task["claims"]]
    # …but in a dataset where QUANTITY spans were reviewed, a task left with
    # none has no claims (the reviewer rejected them all).
    reviewed = copy.deepcopy(annotated[4])
    docs, _ = tasks_to_docs(fa, [task, reviewed])
    assert docs[0]._.claims == [] and len(docs[1]._.claims) == len(_claims(reviewed))


# ---------------------------------------------------------------- alignment and edge cases


def test_unaligned_spans_are_counted_and_missing(en):
    task = {
        "text": "Barack Obama visited Berlin",
        "tokens": [
            {"text": "Barack", "start": 0, "end": 6, "id": 0, "ws": True},
            {"text": "Obama", "start": 7, "end": 12, "id": 1, "ws": True},
            {"text": "visited", "start": 13, "end": 20, "id": 2, "ws": True},
            {"text": "Berlin", "start": 21, "end": 27, "id": 3, "ws": False},
        ],
        "spans": [
            {"start": 0, "end": 12, "label": "PERSON"},
            {"start": 21, "end": 25, "label": "GPE"},  # «Berl»: inside a token
            {"start": 13, "end": 20, "label": "X", "text": "wrong"},  # text does not match
        ],
        "answer": "accept",
    }
    conv = task_to_doc(en, task)
    assert [(e.text, e.label_) for e in conv.doc.ents] == [("Barack Obama", "PERSON")]
    assert [u["reason"] for u in conv.unaligned] == ["edges inside a token", "span text differs from the text at its offsets"]
    # Tokens under spans left out are missing (unknown), not O.
    assert [t.ent_iob_ for t in conv.doc] == ["B", "I", "", ""]
    docs, stats = tasks_to_docs(en, [task])
    assert stats.unaligned == 2 and stats.unaligned_by_kind == {"span": 2}


def test_binary_answers_leave_the_rest_missing(en):
    task = {"text": "Obama visited Berlin", "spans": [{"start": 0, "end": 5, "label": "PERSON"}], "_view_id": "ner", "answer": "accept"}
    doc = task_to_doc(en, task).doc
    assert [t.ent_iob_ for t in doc] == ["B", "", ""]


def test_tokens_that_do_not_match_the_text_are_not_used(fa):
    text = "وزیر نفت گفت"
    task = {"text": text, "tokens": [{"text": "وزیر", "start": 0, "end": 4}, {"text": "xx", "start": 9, "end": 11}], "spans": []}
    doc = task_to_doc(fa, task).doc
    assert [t.text for t in doc] == ["وزیر", "نفت", "گفت"]


def test_tasks_without_tokens_use_the_tokenizer_and_overlaps_stay_in_the_span_group(fa):
    text = "معاون وزیر نفت گفت"
    task = {
        "text": text,
        "spans": [{"start": 0, "end": 14, "label": "OFFICIAL"}, {"start": 6, "end": 14, "label": "MINISTRY"}],
    }
    conv = task_to_doc(fa, task)
    assert [(e.text, e.label_) for e in conv.doc.ents] == [("معاون وزیر نفت", "OFFICIAL")]
    assert sorted(s.label_ for s in conv.doc.spans["entities"]) == ["MINISTRY", "OFFICIAL"]
    assert conv.overlapping == 1
    assert conv.doc.user_data["_input_hash"] == input_hash({"text": text})


def test_split_keeps_one_input_together(en):
    tasks = [{"text": f"text {i % 5}", "spans": [], "answer": "accept"} for i in range(20)]
    docs, stats = tasks_to_docs(en, tasks, merge=False)
    assert len(docs) == 20 and stats.merged == 0
    train, dev = split_docs(docs, 0.4, seed=0)
    assert len({d.text for d in dev}) == 2 and not {d.text for d in dev} & {d.text for d in train}
    assert len(dev) == 8
    with pytest.raises(ValueError):
        split_docs(docs, 1.0)


def test_export_command(tmp_path):
    src = tmp_path / "db.jsonl"
    src.write_text(
        shared_path("data", "prodigy", "rel_component_db_out.jsonl").read_text(encoding="utf-8")
        + "this is not json\n" + json.dumps({"no": "text"}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "corpus"
    stats = tmp_path / "stats.json"
    result = CliRunner().invoke(app, ["export", str(src), "-o", str(out), "--lang", "en", "--stats", str(stats)])
    assert result.exit_code == 0, result.output
    s = json.loads(stats.read_text())
    assert s["written"] == {"train": 119, "dev": 30} and s["bad_lines"] == 2 and s["docs"] == 149
    assert (out / "train.spacy").exists() and (out / "dev.spacy").exists()
    assert not list(out.glob("*.part"))
    missing = CliRunner().invoke(app, ["export", str(tmp_path / "nope.jsonl"), "-o", str(out)])
    assert missing.exit_code == 2
    dev = CliRunner().invoke(app, ["export", str(src), "--dev", str(src), "-o", str(tmp_path / "c2"), "--lang", "en", "-q"])
    assert dev.exit_code == 0, dev.output
    assert len(read_docbin(tmp_path / "c2" / "dev.spacy", spacy.blank("en"))) == 149


def test_bad_spans_are_reported_and_skipped(tmp_path):
    """A task whose spans cannot be in its text is reported (file, line,
    what is wrong) and not written as an all-O document; a valid span that
    cannot be aligned marks its tokens missing."""
    text = "Obama visited Berlin"
    good = {"text": text, "answer": "accept", "spans": [{"start": 0, "end": 5, "label": "PERSON"}]}
    bad = {
        2: ([{"start": 14, "end": 99, "label": "GPE"}], "outside the text"),
        3: ([{"start": -1, "end": 5, "label": "PERSON"}], "negative"),
        4: ([{"start": 13, "end": 6, "label": "GPE"}], "not after start"),
        5: ([{"start": "0", "end": 5, "label": "PERSON"}], "must be integers"),
        6: ({"start": 0, "end": 5, "label": "PERSON"}, "not a list"),
        7: ([{"start": 0, "end": 5}], "no label"),
    }
    lines = [good] + [{"text": f"{text} {n}", "answer": "accept", "spans": spans} for n, (spans, _) in bad.items()]
    # valid, but «Berl» ends inside the token «Berlin»
    lines.append({"text": text + " again", "answer": "accept", "spans": [{"start": 14, "end": 18, "label": "GPE"}]})
    src = tmp_path / "db.jsonl"
    srsly.write_jsonl(src, lines)
    out = tmp_path / "corpus"
    result = CliRunner().invoke(app, ["export", str(src), "-o", str(out), "--lang", "en", "--eval-split", "0"])
    assert result.exit_code == 0, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == len(bad)
    for line, (n, (_, what)) in zip(errors, bad.items()):
        assert what in line and line.endswith(f"({src}:{n})"), line
    docs = read_docbin(out / "train.spacy", spacy.blank("en"))
    assert [d.text for d in docs] == [text, text + " again"]
    assert [t.ent_iob_ for t in docs[0]] == ["B", "O", "O"]
    assert [t.ent_iob_ for t in docs[1]] == ["O", "O", "", "O"]  # «Berlin» is missing, not O
    assert "bad records skipped: 6" in result.stderr
