"""Prodigy hashes and task shape, checked against real Prodigy exports."""
from __future__ import annotations

import srsly

from annotator.io.prodigy import doc_to_task, input_hash, set_hashes, task_hash
from conftest import shared_path


def test_input_hash_vector():
    assert input_hash({"text": "Hi. My name is Vincent"}) == 1333440749


def test_hashes_reproduce_real_exports():
    """Every `_input_hash`, and the `_task_hash`es made by this Prodigy version."""
    totals = {}
    for name in ("ner_tweets_db_out.jsonl", "rel_component_db_out.jsonl"):
        tasks = list(srsly.read_jsonl(shared_path("data", "prodigy", name)))
        assert all(input_hash(t) == t["_input_hash"] for t in tasks)
        totals[name] = sum(task_hash(t) == t["_task_hash"] for t in tasks)
    # The rest were hashed by other Prodigy versions (../shared/data/README.md).
    assert totals == {"ner_tweets_db_out.jsonl": 345, "rel_component_db_out.jsonl": 106}


def test_persian_text_is_hashed_with_ascii_escapes():
    text = "وزیر نفت گفت"
    import json
    from murmurhash import hash as murmur

    assert input_hash({"text": text}) == murmur("text=" + json.dumps(text))
    assert input_hash({"text": text}) != murmur("text=" + json.dumps(text, ensure_ascii=False))


def test_set_hashes_keeps_existing_unless_told():
    task = {"text": "سلام", "_input_hash": 1, "_task_hash": 2}
    assert set_hashes(dict(task))["_input_hash"] == 1
    assert set_hashes(dict(task), overwrite=True)["_input_hash"] == input_hash({"text": "سلام"})


def test_doc_to_task_contract(tokenizer_nlp):
    text = "به گزارش ایرنا،وزیر نفت گفت:\n\n۳۱هزار واحد"
    doc = tokenizer_nlp(text)
    task = doc_to_task(doc, {"id": "x"})
    assert task["text"] == text and task["meta"] == {"id": "x"}
    assert task["spans"] == []
    assert task["_input_hash"] == input_hash({"text": text})
    assert task["_task_hash"] == task_hash({"text": text, "spans": []})
    for i, tok in enumerate(task["tokens"]):
        assert tok["id"] == i
        assert text[tok["start"] : tok["end"]] == tok["text"]
    assert "".join(t["text"] + (" " if t["ws"] else "") for t in task["tokens"]) == text
    assert [t["text"] for t in task["tokens"]][:5] == ["به", "گزارش", "ایرنا", "،", "وزیر"]
