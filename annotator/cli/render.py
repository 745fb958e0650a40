"""`annotator render`: annotated JSONL in, one self-contained HTML report out."""
from __future__ import annotations

from pathlib import Path

import srsly
import typer

from . import app


@app.command()
def render(
    input: Path = typer.Argument(..., exists=True, dir_okay=False, help="Annotated tasks (JSONL): `annotator annotate` output or a Prodigy db-out export."),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the HTML report."),
    title: str = typer.Option(None, "--title", help="Page title (default: the input file name)."),
    direction: str = typer.Option("rtl", "--dir", help="Direction of the document texts: rtl, ltr or auto."),
    limit: int = typer.Option(0, "--limit", min=0, help="Render only the first N tasks (0: all)."),
) -> None:
    """Write a right-to-left HTML report: entities highlighted by label, claims
    marked with their value, unit, qualifier and speaker, a claims table per
    document and a summary of the file. The page loads nothing from the network."""
    from itertools import islice

    from annotator.render.page import DIRECTIONS, render_tasks

    if direction not in DIRECTIONS:
        raise typer.BadParameter(f"must be one of {', '.join(DIRECTIONS)}", param_hint="--dir")
    tasks = srsly.read_jsonl(input)
    if limit:
        tasks = islice(tasks, limit)
    page = render_tasks(tasks, title=title or input.name, direction=direction)
    output.write_text(page, encoding="utf-8", errors="replace")
    typer.echo(f"Wrote {output}")
