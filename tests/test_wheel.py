"""A wheel works: the project built as a wheel and installed (not editable)
in a fresh venv annotates, trains with the configs shipped inside it, and
saves a pipeline that `spacy.load` loads there. Offline, without touching
the checkout (tests/wheels.py). About a minute.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import DATA, ROOT, load_jsonl, offsets
from wheels import clean_env, run, venv_with

TINY = ["--set", "components.tok2vec.model.encode.width=32", "--set", "components.tok2vec.model.encode.depth=1",
        "--set", "components.tok2vec.model.embed.rows=[500,100,100,50]", "--set",
        "components.ner.model.hidden_width=16", "--set", "training.eval_frequency=5"]


@pytest.fixture(scope="module")
def venv(project_wheel, tmp_path_factory) -> tuple[Path, dict]:
    """A fresh venv with the wheel installed; returns its python and an
    environment without PYTHONPATH."""
    env = clean_env()
    return venv_with(tmp_path_factory.mktemp("wheel") / "venv", [project_wheel], env), env


def test_installed_wheel_annotates_trains_and_loads(venv, tmp_path):
    python, env = venv
    bin_dir = python.parent
    where = run([python, "-c", "import annotator, spacy; print(annotator.__file__)"], tmp_path, env).stdout.strip()
    assert Path(where).is_relative_to(python.parent.parent), f"annotator imported from {where}, not the venv"
    assert not Path(where).is_relative_to(ROOT)

    # annotate
    sample = [json.loads(line) for line in (ROOT / "corpora" / "sample.jsonl").read_text(encoding="utf-8").splitlines()[:2]]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sample), encoding="utf-8")
    run([bin_dir / "annotator", "annotate", "in.jsonl", "-o", "out.jsonl", "-q"], tmp_path, env)
    tasks = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [t["text"] for t in tasks] == [r["text"] for r in sample]
    assert any(t["spans"] for t in tasks)

    # train, with the config templates inside the installed package
    recs = []
    for rec in load_jsonl(DATA / "entity_sentences.jsonl")[:6]:
        ents = [dict(zip(("start", "end"), offsets(rec["text"], e["text"], e.get("occurrence", 1))), label=e["label"])
                for e in rec["entities"]]
        recs.append({"text": rec["text"], "entities": ents})
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs),
                                         encoding="utf-8")
    run([bin_dir / "annotator", "train", "gold.jsonl", "--dev", "gold.jsonl", "-o", "model", "--max-steps", "5",
         *TINY], tmp_path, env)
    config = (tmp_path / "model" / "training" / "config.cfg").read_text(encoding="utf-8")
    assert "annotator.PersianTokenizer.v1" in config

    # spacy.load of the saved pipeline (rules, model and claims), in that venv
    check = ("import json, sys, spacy, annotator\n"
             "nlp = spacy.load('model')\n"
             "doc = nlp(sys.argv[1])\n"
             "print(json.dumps({'pipes': nlp.pipe_names, 'ents': [e.text for e in doc.ents],\n"
             "                  'claims': doc._.claims is not None, 'from': annotator.__file__}))\n")
    got = json.loads(run([python, "-c", check, recs[0]["text"]], tmp_path, env).stdout)
    assert {"tok2vec", "ner", "annotator_entities", "annotator_claims"} <= set(got["pipes"])
    assert got["ents"] and got["claims"]
    assert got["from"] == where
