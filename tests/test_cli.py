"""The command line as a whole: version, help, and usage errors in the one
convention (`error: WHAT (WHERE)` on stderr, status 2, no traceback)."""
from __future__ import annotations

import subprocess
import sys

import pytest

import annotator


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True, text=True)


def test_version():
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"persian-news-annotator {annotator.__version__}"


@pytest.mark.parametrize("args", [["-h"], ["--help"], [], ["train", "-h"]])
def test_help(args):
    proc = run(*args)
    assert proc.returncode == 0 and "Usage:" in proc.stdout and proc.stderr == ""


def test_help_shows_config_sections_literally():
    assert "[initialize.vectors]" in run("train", "-h").stdout


@pytest.mark.parametrize("args,message", [
    (["annotate"], "Missing argument 'INPUT'"),
    (["annotate", "x.jsonl", "-o", "y.jsonl", "--bogus"], "No such option: --bogus"),
    (["no-such-command"], "No such command"),
    (["annotate", "x.jsonl", "-o", "y.jsonl", "--format", "xml"], "must be auto, jsonl or txt"),
])
def test_usage_errors(args, message):
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ") and message in proc.stderr and "see --help)" in proc.stderr


def test_every_command_offers_debug():
    """One convention: every command can show the traceback of an error."""
    from typer.main import get_command

    from annotator.cli import app

    commands = get_command(app).commands
    assert len(commands) >= 10
    without = [name for name, cmd in commands.items() if "--debug" not in {o for p in cmd.params for o in p.opts}]
    assert without == []
