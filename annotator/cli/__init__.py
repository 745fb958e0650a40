"""The `annotator` command line: one module per command."""
from __future__ import annotations

import typer

app = typer.Typer(
    name="annotator",
    help="Annotate Persian news with entities and numeric claims, as Prodigy-ready JSONL.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

from . import annotate  # noqa: E402,F401  (registers the command)
from . import export  # noqa: E402,F401  (registers the command)
from . import labelstudio  # noqa: E402,F401  (registers to-label-studio and from-label-studio)
from . import pipeline  # noqa: E402,F401  (registers `save` and `patterns`)
from . import render  # noqa: E402,F401  (registers the command)
from . import train, evaluate  # noqa: E402,F401  (register the commands)


def main() -> None:
    app()
