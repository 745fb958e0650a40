"""`annotator to-label-studio` and `annotator from-label-studio`: review in
Label Studio instead of Prodigy.

    annotator annotate news.jsonl -o annotated.jsonl
    annotator to-label-studio annotated.jsonl -o tasks.json --config labeling.xml
    (a Label Studio project with labeling.xml; import tasks.json; review; export JSON)
    annotator from-label-studio export.json -o reviewed.jsonl
    annotator export reviewed.jsonl -o corpus/     (or: annotator train reviewed.jsonl -o model/)

Both check everything before they write: every problem is one line,
``error: WHAT (FILE:LINE)`` or ``error: WHAT (FILE: task ID)``, and the exit
status is 2 with nothing written. Outputs are written to a temporary file
renamed into place, or to stdout with ``-o -``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from . import app
from .errors import DEBUG_HELP, fail, report_all, reported
from .files import STDIO, output_path, same_file, write_output

EXPORT_HELP = (
    "Label Studio's JSON export: the snapshot export (SDK `projects.exports.create` with predictions in full, "
    "then `exports.download`), or the Export button's JSON, which has full annotations but prediction ids "
    "only (use --reviewed-only with it)."
)


@app.command("to-label-studio")
def to_label_studio(
    inputs: list[str] = typer.Argument(
        ..., metavar="ANNOTATED", show_default=False,
        help="Our tasks: `annotator annotate` output (JSONL, .jsonl.gz; files, directories or globs; '-' for stdin).",
    ),
    output: str = typer.Option(
        ..., "--output", "-o", show_default=False,
        help="Label Studio tasks to import (a JSON array); '-' writes them to stdout.",
    ),
    config: Path | None = typer.Option(
        None, "--config", show_default=False, help="Also write the project's labeling config (XML) here.",
    ),
    debug: bool = typer.Option(False, "--debug", help=DEBUG_HELP),
) -> None:
    """Turn annotated tasks into Label Studio tasks: our entities, claims
    (value, low, high, unit, qualifier, kind) and speakers as a prediction
    that a reviewer corrects, and text, meta, hashes and tokens as the
    task's data, which comes back unchanged."""
    with reported(debug):
        from annotator.io.labelstudio import labeling_config, task_problems
        from annotator.io.labelstudio import to_label_studio as convert

        out = output_path(output, inputs)
        config_out = output_path(str(config), inputs) if config is not None else None
        if out is not None and config_out is not None and same_file(out, config_out):
            fail("the config would overwrite the tasks", "--config")
        from annotator.io.records import BadRecord, read_tasks

        tasks, problems = [], []
        for source, line, task in read_tasks(inputs):
            found = [task.message] if isinstance(task, BadRecord) else task_problems(task)
            problems.extend(f"{p} ({source}:{line})" for p in found)
            if not found:
                tasks.append(convert(task))
        report_all(problems, lambda n: f"{n:,} more problems")
        if not tasks:
            fail("no tasks in the input", ", ".join(inputs))
        write_output(_json_array(tasks), out, "the tasks")
        if config_out is not None:
            write_output(labeling_config().encode("utf-8"), config_out, "the labeling config")
        _say(f"✔ {len(tasks):,} tasks → {out or 'stdout'}" + (f"; labeling config → {config_out}" if config_out else ""))


@app.command("from-label-studio")
def from_label_studio(
    export: str = typer.Argument(..., metavar="EXPORT", show_default=False,
                                 help=EXPORT_HELP + " '-' reads it from stdin."),
    output: str = typer.Option(
        ..., "--output", "-o", show_default=False,
        help="Reviewed tasks as JSONL (our output contract plus Prodigy's answer); '-' writes them to stdout.",
    ),
    reviewed_only: bool = typer.Option(
        False, "--reviewed-only", help="Leave out the tasks nobody has reviewed (no annotation, not even a skip).",
    ),
    debug: bool = typer.Option(False, "--debug", help=DEBUG_HELP),
) -> None:
    """Turn Label Studio's JSON export into reviewed tasks for `annotator
    export` and `annotator train`: the latest submitted annotation of a
    task is `"answer": "accept"`, a skipped task `"ignore"`, and a task
    nobody reviewed is its prediction with no answer (as our own output,
    which export counts as accepted)."""
    with reported(debug):
        import orjson

        from annotator.io.labelstudio import InvalidTask, PredictionIdsOnly
        from annotator.io.labelstudio import from_label_studio as convert

        out = output_path(output, [export])
        ls_tasks = _read_export(export)
        name = "stdin" if export == STDIO else export
        lines: list[bytes] = []
        problems: list[str] = []
        ids_only = 0
        answers: dict[str, int] = {}
        for n, ls_task in enumerate(ls_tasks, 1):
            where = f"{name}: task {ls_task.get('id', f'#{n}') if isinstance(ls_task, dict) else f'#{n}'}"
            if not isinstance(ls_task, dict):
                problems.append(f"not a task object ({where})")
                continue
            if reviewed_only and not ls_task.get("annotations"):
                continue
            try:
                task = convert(ls_task, warn=lambda message: _say(f"warning: {message} ({where})"))
            except PredictionIdsOnly:
                ids_only += 1
                continue
            except InvalidTask as err:
                problems.extend(f"{p} ({where})" for p in err.problems)
                continue
            answer = task.get("answer", "not reviewed")
            answers[answer] = answers.get(answer, 0) + 1
            lines.append(orjson.dumps(task) + b"\n")
        if ids_only:
            problems.append(f"{ids_only:,} tasks nobody reviewed have prediction ids only (Label Studio's quick "
                            f"export): use --reviewed-only to leave them out, or the snapshot export ({name})")
        report_all(problems, lambda n: f"{n:,} more problems")
        write_output(b"".join(lines), out, "the reviewed tasks")
        counts = ", ".join(f"{k} {v:,}" for k, v in sorted(answers.items())) or "none"
        _say(f"✔ {len(lines):,} tasks → {out or 'stdout'} ({counts})")


def _read_export(export: str) -> list[Any]:
    if export == STDIO:
        data = sys.stdin.buffer.read()
    else:
        path = Path(export)
        if not path.is_file():
            fail("no such file" if not path.exists() else "not a file", export)
        data = path.read_bytes()
    try:
        tasks = json.loads(data)
    except UnicodeDecodeError as err:
        fail(f"not UTF-8: {err.reason} at byte {err.start}", export)
    except ValueError as err:
        fail(f"malformed JSON: {err}", export)
    if not isinstance(tasks, list):
        fail("expected a JSON array of tasks (Label Studio's JSON export)", export)
    return tasks


def _json_array(items: list[dict]) -> bytes:
    """A JSON array, one item a line: importable, and readable in a diff."""
    body = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    return f"[\n{body}\n]\n".encode("utf-8")


def _say(text: str) -> None:
    print(text, file=sys.stderr)
