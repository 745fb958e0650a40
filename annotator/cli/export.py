"""`annotator export`: reviewed Prodigy data (or our own output) → spaCy `DocBin`s."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from . import app
from .errors import DEBUG_HELP, fail, report_bad, reported
from .files import same_file


@app.command()
def export(
    inputs: list[str] = typer.Argument(
        ..., metavar="INPUT",
        help="Prodigy db-out JSONL (ner.manual, ner.correct, relations, review answers) or our annotate output; "
        "files, directories or globs, .jsonl or .jsonl.gz.",
        show_default=False,
    ),
    output_dir: Path = typer.Option(
        ..., "--output", "-o", help="Directory for train.spacy and dev.spacy (created if needed).", show_default=False,
    ),
    eval_split: float = typer.Option(
        0.2, "--eval-split",
        help="Share of the inputs (by _input_hash, seeded shuffle) that goes to dev.spacy (0 <= F < 1); "
        "ignored with --dev.",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the train/dev shuffle."),
    dev: list[str] = typer.Option(
        [], "--dev", help="Use these files as the dev set instead of splitting the inputs (repeatable).",
        show_default=False,
    ),
    answer: list[str] = typer.Option(
        ["accept"], "--answer",
        help="Answers to keep (repeatable). Tasks with no answer (our unreviewed output) count as accept.",
    ),
    no_merge: bool = typer.Option(
        False, "--no-merge", help="One Doc per task, instead of merging the answers given on the same input.",
    ),
    claims_from: str = typer.Option(
        "auto", "--claims-from",
        help="Where claims are: spans (QUANTITY spans, reviewed), claims (the tasks' 'claims' list) or auto "
        "(spans if any task has a QUANTITY span).",
    ),
    retokenize: bool = typer.Option(
        False, "--retokenize", help="Tokenize with the pipeline instead of using the tasks' own 'tokens'.",
    ),
    lang: str = typer.Option(
        "fa", "--lang", help="Tokenizer for tasks without tokens: fa (the annotator's Persian tokenizer) or any "
        "spaCy language code (spacy.blank).",
    ),
    pipeline: str | None = typer.Option(
        None, "--pipeline", help="Tokenize and store with this saved pipeline's vocab instead of --lang.",
        show_default=False,
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary."),
    stats: str | None = typer.Option(None, "--stats", help="Also write the summary as JSON to this file.", show_default=False),
    debug: bool = typer.Option(False, "--debug", help=DEBUG_HELP),
) -> None:
    """Turn reviewed Prodigy annotations into spaCy training data.

    Keeps the accepted answers, merges the answers on one input (like Prodigy's
    data-to-spacy), keeps entities in doc.ents and doc.spans["entities"], claims
    (QUANTITY) in doc.spans["claims"] and doc._.claims with their SPEAKER, and
    splits train/dev by input hash. Spans that cannot be aligned to the tokens
    are counted, not silently moved, and their tokens marked missing; a task
    whose spans cannot be in its text (offsets out of range, not integers …)
    is reported as `error: WHAT (FILE:LINE)` and skipped.
    """
    with reported(debug):
        _export(inputs, output_dir, eval_split, seed, dev, answer, no_merge, claims_from, retokenize, lang,
                pipeline, quiet, stats)


def _export(inputs: list[str], output_dir: Path, eval_split: float, seed: int, dev: list[str], answer: list[str],
            no_merge: bool, claims_from: str, retokenize: bool, lang: str, pipeline: str | None, quiet: bool,
            stats: str | None) -> None:
    import spacy

    from annotator.training.evaluate import load_pipeline
    from annotator.training.export import export as run_export

    if claims_from not in ("auto", "spans", "claims"):
        fail(f"must be auto, spans or claims, not {claims_from!r}", "--claims-from")
    if not 0.0 <= eval_split < 1.0:
        fail(f"the dev share must be at least 0 and below 1, not {eval_split}", "--eval-split")
    if output_dir.exists() and not output_dir.is_dir():
        fail("exists and is not a directory", output_dir)
    for spec in [*inputs, *dev]:
        if Path(spec).exists() and same_file(spec, output_dir):
            fail(f"the output would overwrite the input {spec}", "--output")
    if stats and any(Path(spec).exists() and same_file(spec, stats) for spec in [*inputs, *dev]):
        fail(f"the stats file would overwrite the input {stats}", "--stats")
    if pipeline is not None:
        nlp = load_pipeline(pipeline)
    elif lang == "fa":
        from annotator.pipeline import blank

        nlp = blank()
    else:
        try:
            nlp = spacy.blank(lang)
        except ImportError:
            fail(f"no such spaCy language: {lang!r}", "--lang")

    paths, st, dev_st = run_export(
        nlp, inputs, output_dir, dev_inputs=dev, eval_split=eval_split, seed=seed, answers=answer,
        merge=not no_merge, claims_from=claims_from, use_task_tokens=not retokenize, on_bad=report_bad,
    )
    from spacy.tokens import DocBin

    counts = {name: len(DocBin().from_disk(path)) for name, path in paths.items()}
    summary = {"output": {k: str(v) for k, v in paths.items()}, "written": counts, **st.as_dict()}
    if dev_st is not None:
        summary["dev_inputs"] = dev_st.as_dict()
    if stats:
        Path(stats).write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    if not quiet:
        answers = ", ".join(f"{k} {v:,}" for k, v in st.answers.items())
        lines = [
            f"✔ {counts['train']:,} docs → {paths['train']}, {counts['dev']:,} docs → {paths['dev']}",
            f"  read {st.tasks:,} tasks ({answers}); kept {st.kept:,}, merged {st.merged:,} into docs of the same input",
            "  entities: " + (", ".join(f"{k} {v:,}" for k, v in st.entities.most_common()) or "none")
            + (f" ({st.overlapping:,} overlapping spans kept in doc.spans only)" if st.overlapping else ""),
            f"  claims: {st.claims:,} ({st.claims_with_speaker:,} with a speaker)",
        ]
        if st.relations:
            lines.append("  relations: " + ", ".join(f"{k} {v:,}" for k, v in st.relations.most_common()))
        if st.unaligned:
            kinds = ", ".join(f"{k} {v:,}" for k, v in st.unaligned_by_kind.items())
            lines.append(f"  unaligned (left out): {st.unaligned:,} ({kinds})")
            for u in st.unaligned_examples[:5]:
                lines.append(f"    {u.get('kind')} {u.get('label')} {u.get('start')}-{u.get('end')}: {u.get('reason')}")
        if st.bad_lines:
            lines.append(f"  bad records skipped: {st.bad_lines:,}")
        print("\n".join(lines), file=sys.stderr)
