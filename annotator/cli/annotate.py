"""`annotator annotate`: raw Persian text in, Prodigy tasks with annotations out."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import srsly
import typer

from . import app


def _read(path: Path) -> Iterator[dict]:
    if path.suffix == ".jsonl":
        for task in srsly.read_jsonl(path):
            yield task
    else:
        yield {"text": path.read_text(encoding="utf-8"), "meta": {"source": path.name}}


@app.command()
def annotate(
    inputs: list[Path] = typer.Argument(..., help="Prodigy-style .jsonl ({\"text\", \"meta\"}) or .txt files."),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the annotated tasks (JSONL)."),
) -> None:
    """Annotate documents and write one Prodigy task per document."""
    from ..pipeline import load
    from ..prodigy_io import doc_to_task

    nlp = load()
    tasks = (task for path in inputs for task in _read(path))
    out = []
    for task in tasks:
        doc = nlp(task["text"])
        out.append(doc_to_task(doc, task.get("meta")))
    srsly.write_jsonl(output, out)
