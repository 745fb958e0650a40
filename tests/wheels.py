"""Wheels installed in a fresh venv, offline, for the tests of what users
install (test_wheel, test_package).

The project's wheel is built from a copy of the source, so the build leaves
the checkout clean. The venv gets no pip and no downloads: the wheels are
installed with this Python's pip, and the dependencies come from this test
venv's site-packages, through a `.pth` file written after the wheels are in,
so pip sees no other copy of the project while it installs.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from annotator.package import build_wheel
from conftest import ROOT


def clean_env() -> dict:
    """This environment without PYTHONPATH or VIRTUAL_ENV."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def run(cmd: list, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    """Run `cmd` and fail the test, with its output, unless it succeeds."""
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc


def build_project_wheel(root: Path) -> Path:
    """The project's wheel, built from a copy of the checkout in `root`."""
    src = root / "src"
    src.mkdir()
    shutil.copy(ROOT / "pyproject.toml", src)
    shutil.copy(ROOT / "README.md", src)
    shutil.copytree(ROOT / "annotator", src / "annotator", ignore=shutil.ignore_patterns("__pycache__"))
    return build_wheel(src, root / "dist")


def venv_with(target: Path, wheels: list[Path], env: dict) -> Path:
    """A fresh venv at `target` with `wheels` installed (not editable);
    returns its python."""
    run([sys.executable, "-m", "venv", "--without-pip", target], target.parent, env)
    python = target / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", *wheels],
        target.parent, env)
    site = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], target.parent,
                    env).stdout.strip())
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "test_deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    return python
