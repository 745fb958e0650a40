"""`annotator save` and `annotator patterns` on bad paths: one `error:` line,
exit 2 for a user's mistake and 1 for a failed write, never a traceback,
and nothing half-written."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True, text=True, cwd=cwd)


def assert_error(proc: subprocess.CompletedProcess, code: int, message: str) -> None:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("error: ") and message in proc.stderr, proc.stderr
    assert proc.stdout == ""


def test_patterns_to_stdout(tmp_path):
    proc = run("patterns", "-o", "-", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    first = json.loads(proc.stdout.splitlines()[0])
    assert set(first) >= {"label", "pattern"}
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args,code,message", [
    (["patterns", "-o", "no/such/folder/p.jsonl"], 2, "the output's folder does not exist"),
    (["patterns", "-o", "."], 2, "the output is a directory"),
    (["patterns", "-o", "p.jsonl", "--pipeline", "no-such-pipeline"], 2, "not a saved pipeline"),
    (["patterns", "-o", "/proc/annotator-test.jsonl"], 1, "cannot write the patterns"),
    (["save", "a-file"], 2, "exists and is not a directory"),
    (["save", "no/such/folder/pipe"], 2, "the output's folder does not exist"),
    (["save", "/proc/annotator-test-pipeline"], 1, "cannot write the pipeline"),
])
def test_bad_paths(tmp_path, args, code, message):
    (tmp_path / "a-file").write_text("keep me", encoding="utf-8")
    assert_error(run(*args, cwd=tmp_path), code, message)
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_save_replaces_a_pipeline_whole(tmp_path):
    assert run("save", "pipe", cwd=tmp_path).returncode == 0
    (tmp_path / "pipe" / "stale.txt").write_text("old", encoding="utf-8")
    proc = run("save", "pipe", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    held = sorted(p.name for p in (tmp_path / "pipe").iterdir())
    assert "stale.txt" not in held and "config.cfg" in held
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_save_never_replaces_a_directory_that_is_not_a_pipeline(tmp_path):
    """`save` replaces OUTPUT whole: a folder of the user's (not an earlier
    saved pipeline) is refused, untouched."""
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "mine.txt").write_text("keep me", encoding="utf-8")
    assert_error(run("save", "notes", cwd=tmp_path), 2, "exists and is not a saved pipeline")
    assert [p.name for p in (tmp_path / "notes").iterdir()] == ["mine.txt"]
    (tmp_path / "empty").mkdir()
    assert run("save", "empty", cwd=tmp_path).returncode == 0  # an empty folder is fine


def test_patterns_never_write_into_the_pipeline_they_read(tmp_path):
    assert run("save", "pipe", cwd=tmp_path).returncode == 0
    config = (tmp_path / "pipe" / "config.cfg").read_bytes()
    assert_error(run("patterns", "--pipeline", "pipe", "-o", "pipe/config.cfg", cwd=tmp_path), 2,
                 "the output would write into the pipeline it reads")
    assert (tmp_path / "pipe" / "config.cfg").read_bytes() == config


@pytest.mark.parametrize("command", [["annotate", "in.jsonl", "-o", "out.jsonl", "--pipeline", "broken"],
                                     ["evaluate", "broken", "in.jsonl"],
                                     ["patterns", "-o", "out.jsonl", "--pipeline", "broken"]])
def test_a_directory_that_is_not_a_loadable_pipeline_is_a_usage_error(tmp_path, command):
    (tmp_path / "in.jsonl").write_text(json.dumps({"text": "وزیر نفت گفت."}) + "\n", encoding="utf-8")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "config.cfg").write_text("[nlp\n", encoding="utf-8")
    (tmp_path / "broken" / "meta.json").write_text("{}", encoding="utf-8")
    assert_error(run(*command, cwd=tmp_path), 2, "(broken)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken", "in.jsonl"]  # nothing written, no .part
