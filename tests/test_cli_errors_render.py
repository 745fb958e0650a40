"""`annotator render` on a user's mistakes: one `error: WHAT (WHERE)` line
each, exit code 2, no traceback and no report written; `.jsonl.gz` and `-`
(stdin, stdout) work."""
from __future__ import annotations

import errno
import gzip
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import annotator.render.page
from annotator.cli import app
from render_samples import hostile_task, seed_task


@pytest.fixture
def tasks_file(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(t, ensure_ascii=False) for t in (seed_task(), hostile_task())) + "\n",
                    encoding="utf-8")
    return path


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(app, ["render", *map(str, args)], input=input)


def assert_error(result, message: str, code: int = 2) -> None:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.splitlines() == [message]
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)  # not an uncaught error


def test_writes_the_report_and_says_so_on_stderr(tasks_file, tmp_path):
    out = tmp_path / "report.html"
    result = run(tasks_file, "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == f"Wrote {out}\n"
    assert out.read_text(encoding="utf-8").count('<section class="doc"') == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "report.html"]  # no .part left


def test_reads_jsonl_gz(tasks_file, tmp_path):
    gz = tmp_path / "in.jsonl.gz"
    gz.write_bytes(gzip.compress(tasks_file.read_bytes()))
    assert run(gz, "-o", tmp_path / "gz.html").exit_code == 0
    assert run(tasks_file, "-o", tmp_path / "plain.html", "--title", "in.jsonl.gz").exit_code == 0
    assert (tmp_path / "gz.html").read_bytes() == (tmp_path / "plain.html").read_bytes()


def test_stdout_and_stdin(tasks_file, tmp_path):
    result = run(tasks_file, "-o", "-")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.startswith("<!DOCTYPE html>") and result.stdout.count('<section class="doc"') == 2
    result = run("-", "-o", "-", "--limit", "1", input=tasks_file.read_bytes())
    assert result.exit_code == 0
    assert "<title>stdin</title>" in result.stdout and result.stdout.count('<section class="doc"') == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_malformed_json(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_text('{"text": "الف"}\n{"text": \n', encoding="utf-8")
    out = tmp_path / "r.html"
    assert_error(run(src, "-o", out),
                 f"error: malformed JSON: Expecting value: line 1 column 10 (char 9) ({src}:2)")
    assert not out.exists()


def test_not_an_object(tmp_path):
    src = tmp_path / "list.jsonl"
    src.write_text('["text"]\n', encoding="utf-8")
    assert_error(run(src, "-o", tmp_path / "r.html"), f"error: expected a JSON object, found an array ({src}:1)")


def test_bad_utf8(tmp_path):
    src = tmp_path / "latin1.jsonl"
    src.write_bytes('{"text": "ok"}\n{"text": "caf\xe9"}\n'.encode("latin-1"))
    assert_error(run(src, "-o", tmp_path / "r.html"),
                 f"error: invalid UTF-8: byte 0xe9 at column 14 (in bytes) ({src}:2)")
    assert not (tmp_path / "r.html").exists()


def test_many_bad_lines_are_counted(tmp_path):
    src = tmp_path / "junk.jsonl"
    src.write_text("junk\n" * 25, encoding="utf-8")
    result = run(src, "-o", tmp_path / "r.html")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 21 and all(line.startswith("error: ") for line in lines)
    assert lines[-1] == f"error: 5 more bad lines ({src})"


def test_gz_that_is_not_gzip(tasks_file, tmp_path):
    fake = tmp_path / "fake.jsonl.gz"
    fake.write_bytes(tasks_file.read_bytes())
    assert_error(run(fake, "-o", tmp_path / "r.html"), f"error: not a gzip file (the name ends in .gz) ({fake})")


def test_truncated_gz(tasks_file, tmp_path):
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(tasks_file.read_bytes() * 20)[:-200])
    result = run(cut, "-o", tmp_path / "r.html")
    assert result.exit_code == 2 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: cannot read the rest of the file: ") and f"({cut}:" in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_missing_input(tmp_path):
    missing = tmp_path / "nope.jsonl"
    assert_error(run(missing, "-o", tmp_path / "r.html"), f"error: no such file or directory ({missing})")


def test_missing_output_folder(tasks_file, tmp_path):
    assert_error(run(tasks_file, "-o", tmp_path / "no" / "r.html"),
                 f"error: the output's folder does not exist ({tmp_path / 'no'})")


def test_output_is_a_directory(tasks_file, tmp_path):
    assert_error(run(tasks_file, "-o", tmp_path), f"error: the output is a directory ({tmp_path})")


@pytest.mark.parametrize("same", ["itself", "dot-slash", "symlink"])
def test_output_is_the_input(tasks_file, tmp_path, monkeypatch, same):
    before = tasks_file.read_bytes()
    monkeypatch.chdir(tmp_path)
    out = {"itself": str(tasks_file), "dot-slash": "./in.jsonl", "symlink": "link.jsonl"}[same]
    if same == "symlink":
        os.symlink(tasks_file, tmp_path / "link.jsonl")
    assert_error(run(tasks_file, "-o", out), f"error: the output would overwrite the input ({Path(out)})")
    assert tasks_file.read_bytes() == before


def test_bad_direction(tasks_file, tmp_path):
    assert_error(run(tasks_file, "-o", tmp_path / "r.html", "--dir", "up"),
                 "error: must be one of rtl, ltr, auto, not 'up' (--dir)")


def test_write_failure_exits_1_and_leaves_nothing(tasks_file, tmp_path, monkeypatch):
    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    out = tmp_path / "r.html"
    assert_error(run(tasks_file, "-o", out), f"error: cannot write the report: No space left on device ({out})", code=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
def test_interrupted_exits_130_without_a_report(tasks_file, tmp_path, monkeypatch, how):
    def interrupted(*args, **kwargs):
        if how == "SIGINT":
            raise KeyboardInterrupt
        os.kill(os.getpid(), signal.SIGTERM)
        signal.pause()  # not reached: the handler raises first

    monkeypatch.setattr(annotator.render.page, "render_tasks", interrupted)
    out = tmp_path / "r.html"
    result = run(tasks_file, "-o", out)
    assert result.exit_code == 130 and result.stderr == "interrupted\n"
    assert not out.exists()
    assert signal.getsignal(signal.SIGTERM) is not signal.default_int_handler  # put back


def test_real_process_pipes_html_and_gives_no_traceback(tasks_file, tmp_path):
    cmd = [sys.executable, "-m", "annotator", "render"]
    done = subprocess.run(cmd + [str(tasks_file), "-o", "-"], capture_output=True, timeout=300)
    assert done.returncode == 0 and done.stderr == b""
    assert done.stdout.decode("utf-8").startswith("<!DOCTYPE html>")
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"{oops\n")
    done = subprocess.run(cmd + [str(bad), "-o", "-"], capture_output=True, timeout=300)
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode().startswith("error: malformed JSON: ") and b"Traceback" not in done.stderr
