"""`annotator train`, `evaluate` and `export` on a user's mistakes: one line
``error: WHAT (WHERE)`` on stderr, no traceback (unless --debug), exit 2 for
bad input or options (and no output written), 1 for a failure during the
work."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from annotator.cli import app

GOLD = [
    {"id": "a", "text": "علی رضایی وزیر نفت است و بانک مرکزی را دید .",
     "entities": [{"start": 0, "end": 9, "label": "PERSON"}, {"start": 25, "end": 35, "label": "ORG"}]},
    {"id": "b", "text": "شرکت ملی نفت و سازمان برنامه همکاری کردند .",
     "entities": [{"start": 0, "end": 12, "label": "ORG"}]},
    {"id": "c", "text": "محمد احمدی به تهران رفت .", "entities": [{"start": 0, "end": 10, "label": "PERSON"}]},
]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("inputs")

    def write(name: str, content: str | bytes) -> str:
        path = root / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return str(path)

    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in GOLD)
    tasks = [{"text": r["text"], "answer": "accept", "spans": r["entities"]} for r in GOLD]
    f = {
        "gold": write("gold.jsonl", lines),
        "db": write("db.jsonl", "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks)),
        "broken": write("broken.jsonl", "{not json\n[1, 2]\n"),
        "no_ents": write("no_ents.jsonl", '{"text": "سلام", "entities": []}\n{"text": "دنیا", "entities": []}\n'),
        "garbage": write("garbage.spacy", b"\x00\x01 this is not a DocBin \xff" * 20),
        "no_tag": write("no_tag.iob", "وزارت B-org\nنفت\n"),
        "binary": write("binary.txt", b"\xff\xfe\x00garbage\n" * 10),
        "a_file": write("a_file.txt", "I am a file, not a directory\n"),
        "not_a_pipeline": str(root),  # a directory without config.cfg
    }
    (root / "empty_dir").mkdir()
    f["empty_dir"] = str(root / "empty_dir")
    f["dir"] = str(root)
    return f


OUT = "{tmp}/out"
# (name, argv, exit code, what stderr says); {key} is a path of `files`, {tmp} the test's own directory.
CASES = [
    ("train: missing input", ["train", "{tmp}/nope.jsonl", "-o", OUT], 2, "no such file"),
    ("train: malformed input", ["train", "{broken}", "-o", OUT], 2, "no usable documents"),
    ("train: nothing to learn", ["train", "{no_ents}", "-o", OUT], 2, "nothing to learn"),
    ("train: garbage .spacy", ["train", "{garbage}", "-o", OUT], 2, "not a spaCy DocBin"),
    ("train: IOB line without tag", ["train", "{no_tag}", "-o", OUT], 2, "no_tag.iob:2)"),
    ("train: not UTF-8", ["train", "{binary}", "-o", OUT], 2, "not UTF-8"),
    ("train: bad --format", ["train", "{gold}", "-o", OUT, "--format", "xml"], 2, "(--format)"),
    ("train: bad --set", ["train", "{gold}", "-o", OUT, "--set", "nonsense"], 2, "(--set)"),
    ("train: --set of no section", ["train", "{gold}", "-o", OUT, "--set", "nosuch.key=1"], 2, "nosuch"),
    ("train: --labels match nothing", ["train", "{gold}", "-o", OUT, "--labels", "NOPE"], 2, "(--labels)"),
    ("train: --dev-fraction 0", ["train", "{gold}", "-o", OUT, "--dev-fraction", "0"], 2, "(--dev-fraction)"),
    ("train: --dev-fraction 1", ["train", "{gold}", "-o", OUT, "--dev-fraction", "1"], 2, "(--dev-fraction)"),
    ("train: --dev-fraction 1.5", ["train", "{gold}", "-o", OUT, "--dev-fraction", "1.5"], 2, "(--dev-fraction)"),
    ("train: output is the input", ["train", "{gold}", "-o", "{gold}"], 2, "overwrite"),
    ("train: output is a file", ["train", "{gold}", "-o", "{a_file}"], 2, "not a directory"),
    ("train: missing --config", ["train", "{gold}", "-o", OUT, "--config", "{tmp}/no.cfg"], 2, "(--config)"),
    ("train: --config not a config", ["train", "{gold}", "-o", OUT, "--config", "{a_file}"], 2, "a_file.txt)"),
    ("train: bad --policy", ["train", "{gold}", "-o", OUT, "--policy", "both"], 2, "(--policy)"),
    ("train: vectors that are not", ["train", "{gold}", "-o", OUT, "--vectors", "{empty_dir}", "--max-steps", "1"],
     1, "error:"),
    ("evaluate: unknown pipeline", ["evaluate", "no_such_pipeline", "{gold}"], 2, "no such pipeline"),
    ("evaluate: not a pipeline", ["evaluate", "{not_a_pipeline}", "{gold}"], 2, "not a saved spaCy pipeline"),
    ("evaluate: missing data", ["evaluate", "annotator", "{tmp}/nope.jsonl"], 2, "no such file"),
    ("evaluate: garbage .spacy", ["evaluate", "annotator", "{garbage}"], 2, "not a spaCy DocBin"),
    ("evaluate: malformed data", ["evaluate", "annotator", "{broken}"], 2, "no documents to score"),
    ("evaluate: bad --format", ["evaluate", "annotator", "{gold}", "--format", "xml"], 2, "(--format)"),
    ("evaluate: --labels match nothing", ["evaluate", "annotator", "{gold}", "--labels", "NOPE"], 2, "(--labels)"),
    ("evaluate: output is the input", ["evaluate", "annotator", "{gold}", "-o", "{gold}"], 2, "overwrite"),
    ("evaluate: output is a directory", ["evaluate", "annotator", "{gold}", "-o", "{dir}"], 2, "is a directory"),
    ("export: missing input", ["export", "{tmp}/nope.jsonl", "-o", OUT], 2, "no such file"),
    ("export: malformed input", ["export", "{broken}", "-o", OUT], 2, "no usable task in the input"),
    ("export: malformed --dev", ["export", "{db}", "--dev", "{broken}", "-o", OUT], 2, "broken.jsonl)"),
    ("export: output is a file", ["export", "{db}", "-o", "{a_file}"], 2, "not a directory"),
    ("export: output is the input", ["export", "{db}", "-o", "{db}"], 2, "not a directory"),
    ("export: output is the input directory", ["export", "{dir}", "-o", "{dir}"], 2, "overwrite"),
    ("export: bad --claims-from", ["export", "{db}", "-o", OUT, "--claims-from", "both"], 2, "(--claims-from)"),
    ("export: --eval-split 1", ["export", "{db}", "-o", OUT, "--eval-split", "1"], 2, "(--eval-split)"),
    ("export: unknown --lang", ["export", "{db}", "-o", OUT, "--lang", "xx-nope"], 2, "(--lang)"),
    ("export: unknown --pipeline", ["export", "{db}", "-o", OUT, "--pipeline", "no_such_pipeline"], 2,
     "no such pipeline"),
]


@pytest.mark.parametrize("name,argv,code,says", CASES, ids=[c[0] for c in CASES])
def test_user_mistakes(files, tmp_path, name, argv, code, says):
    args = [a.format(tmp=tmp_path, **files) for a in argv]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == code, (result.exit_code, result.stderr[-2000:], result.exception)
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors, result.stderr
    assert any(says in line for line in errors), result.stderr
    if code == 2:
        assert not (tmp_path / "out").exists(), "refused, yet wrote output"


def test_debug_shows_the_traceback(files, tmp_path):
    result = CliRunner().invoke(app, ["train", files["garbage"], "-o", str(tmp_path / "out"), "--debug"])
    assert result.exit_code == 2
    assert "Traceback" in result.stderr and "error: not a spaCy DocBin" in result.stderr


def test_bad_records_are_reported_with_their_line(files, tmp_path):
    """Bad lines among good ones are reported and skipped; the rest is used."""
    path = tmp_path / "mixed.jsonl"
    good = json.dumps(GOLD[0], ensure_ascii=False)
    outside = json.dumps({"text": "کوتاه", "entities": [{"start": 0, "end": 50, "label": "ORG"}]})
    path.write_text(f"{good}\n{{oops\n{outside}\n{good}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", "annotator", str(path), "-o", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert [e.rsplit("(", 1)[1] for e in errors] == [f"{path}:2)", f"{path}:3)"]
    assert "outside the text" in errors[1]
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["docs"] == 2


def test_sigterm_during_training_exits_130(files, tmp_path):
    import signal
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "annotator", "train", files["gold"], "--dev", files["gold"], "-o",
           str(tmp_path / "out"), "--max-steps", "0"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    seen = []
    for line in proc.stderr:  # wait until the training itself has started
        seen.append(line)
        if line.startswith("config:"):
            break
    proc.send_signal(signal.SIGTERM)
    rest = proc.communicate(timeout=60)[1]
    assert proc.returncode == 130, "".join(seen) + rest
    assert "interrupted" in rest and "error: interrupted" not in rest and "Traceback" not in rest  # as annotate says it
