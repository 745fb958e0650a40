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
    (tmp_path / "pipe").mkdir()
    (tmp_path / "pipe" / "stale.txt").write_text("old", encoding="utf-8")
    proc = run("save", "pipe", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    held = sorted(p.name for p in (tmp_path / "pipe").iterdir())
    assert "stale.txt" not in held and "config.cfg" in held
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]
