"""Tasks keep what users put in (#15): other input keys pass through, input
spans are kept and ours added around them, `--relations` brings its spans,
and a text file's `meta.source` is the path the user gave."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TEXT = "وزیر نفت گفت: تولید به ۳ میلیون بشکه رسید و صادق نجفی افزود ۲۰ درصد رشد داشتیم."


def annotate(tmp_path: Path, rows: list[dict], *args: str) -> tuple[subprocess.CompletedProcess, list[dict]]:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run([sys.executable, "-m", "annotator", "annotate", str(src), "-o", str(out), "-q", *args],
                          capture_output=True, text=True)
    tasks = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    return proc, tasks


def test_other_input_keys_pass_through_unchanged(tmp_path):
    row = {"text": TEXT, "meta": {"id": 7}, "custom": {"batch": [1, 2], "note": "بازبینی"}, "_session_id": "ds-alice",
           "answer": "accept", "_input_hash": 1, "tokens": "not ours"}
    proc, [task] = annotate(tmp_path, [row])
    assert proc.returncode == 0, proc.stderr
    assert task["custom"] == row["custom"] and task["_session_id"] == "ds-alice" and task["answer"] == "accept"
    assert task["meta"] == {"id": 7}
    assert task["_input_hash"] != 1 and isinstance(task["tokens"], list)  # computed keys are ours


def test_input_spans_are_kept_and_ours_added_around_them(tmp_path):
    start = TEXT.index("وزیر نفت")
    given = {"start": start, "end": start + len("وزیر"), "label": "TITLE_HEAD", "answer": "accept"}
    proc, [task] = annotate(tmp_path, [{"text": TEXT, "spans": [given]}])
    assert proc.returncode == 0, proc.stderr
    kept = [s for s in task["spans"] if s["label"] == "TITLE_HEAD"]
    assert kept == [{**given, "token_start": 0, "token_end": 0}]
    # our OFFICIAL «وزیر نفت» overlaps the given span: it is not added; our PERSON is
    labels = {(TEXT[s["start"]:s["end"]], s["label"]) for s in task["spans"]}
    assert ("وزیر نفت", "OFFICIAL") not in labels and ("صادق نجفی", "PERSON") in labels


def test_bad_input_spans_are_reported_not_dropped(tmp_path):
    proc, tasks = annotate(tmp_path, [{"text": TEXT, "spans": [{"start": 5, "end": 500, "label": "ORG"}]},
                                      {"text": TEXT + " ", "spans": "none"}])
    assert tasks == []
    assert "not inside the text" in proc.stderr and '"spans" is a string' in proc.stderr


def test_relations_bring_their_quantity_spans(tmp_path):
    proc, [task] = annotate(tmp_path, [{"text": TEXT}], "--relations")
    assert proc.returncode == 0, proc.stderr
    spans = {(s["start"], s["end"], s["label"]) for s in task["spans"]}
    assert task["relations"]
    for rel in task["relations"]:
        for side in ("head_span", "child_span"):
            s = rel[side]
            assert (s["start"], s["end"], s["label"]) in spans


def test_meta_source_is_the_path_under_the_input_argument(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "2024" / "tehran").mkdir(parents=True)
    (corpus / "2024" / "tehran" / "a.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run([sys.executable, "-m", "annotator", "annotate", str(corpus), "-o", str(out), "-q"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    [task] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert task["meta"]["source"] == str(Path("2024") / "tehran" / "a.txt")
