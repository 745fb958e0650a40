"""The `annotator` command line: one module per command."""
from __future__ import annotations

import typer

app = typer.Typer(
    name="annotator",
    help="Annotate Persian news with entities and numeric claims, as Prodigy-ready JSONL.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Help texts name config sections («[initialize.vectors]»): no markup.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from annotator import __version__

        typer.echo(f"persian-news-annotator {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Annotate Persian news with entities and numeric claims, as Prodigy-ready JSONL."""

from . import annotate  # noqa: E402,F401  (registers the command)
from . import export  # noqa: E402,F401  (registers the command)
from . import labelstudio  # noqa: E402,F401  (registers to-label-studio and from-label-studio)
from . import pipeline  # noqa: E402,F401  (registers `save` and `patterns`)
from . import render  # noqa: E402,F401  (registers the command)
from . import train, evaluate  # noqa: E402,F401  (register the commands)


def main() -> None:
    """The `annotator` command. Usage errors follow our convention too:
    `error: WHAT (COMMAND)` on stderr, exit status 2; no arguments at all
    show the help."""
    import sys

    if len(sys.argv) == 1:
        sys.argv.append("--help")
    try:
        code = app(standalone_mode=False)
    except typer.Abort:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except typer.TyperException as err:  # click's usage errors
        ctx = getattr(err, "ctx", None)
        where = ctx.command_path if ctx is not None else "annotator"
        message = err.format_message() if hasattr(err, "format_message") else str(err)
        print(f"error: {message.rstrip('.')} ({where}; see --help)", file=sys.stderr)
        sys.exit(getattr(err, "exit_code", 2))
    sys.exit(code if isinstance(code, int) else 0)
