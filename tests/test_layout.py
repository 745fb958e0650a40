"""The package's shape, kept: small modules, no module reaching into
another's private names, no test hooks read from the environment."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "annotator"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 400
# The only environment variable the package reads: the user's switch for tracebacks.
ALLOWED_ENV = {"ANNOTATOR_DEBUG"}


def test_no_module_is_large():
    large = {str(p.relative_to(PACKAGE)): n for p in MODULES if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert large == {}


def test_no_module_imports_another_modules_private_names():
    offences = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("annotator", ".")):
                offences += [f"{path.relative_to(PACKAGE)}: {node.module}.{a.name}" for a in node.names
                             if a.name.startswith("_") and not a.name.startswith("__")]
    assert offences == []


def test_the_package_reads_no_test_hooks_from_the_environment():
    names = set()
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            # os.environ.get("X"), os.environ["X"], os.getenv("X")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("ANNOTATOR_"):
                names.add(node.value)
    assert names <= ALLOWED_ENV, names
