"""`annotator export`: reviewed Prodigy data (or our own output) → spaCy `DocBin`s."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from . import app


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
        0.2, "--eval-split", min=0.0, max=0.99,
        help="Share of the inputs (by _input_hash, seeded shuffle) that goes to dev.spacy; ignored with --dev.",
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
) -> None:
    """Turn reviewed Prodigy annotations into spaCy training data.

    Keeps the accepted answers, merges the answers on one input (like Prodigy's
    data-to-spacy), keeps entities in doc.ents and doc.spans["entities"], claims
    (QUANTITY) in doc.spans["claims"] and doc._.claims with their SPEAKER, and
    splits train/dev by input hash. Spans that cannot be aligned to the tokens
    are counted, not silently moved.
    """
    from annotator.training.export import export as run_export
    from annotator.io.inputs import InputFileError

    if claims_from not in ("auto", "spans", "claims"):
        raise typer.BadParameter("must be auto, spans or claims", param_hint="--claims-from")
    if pipeline is not None:
        import spacy

        nlp = spacy.load(pipeline)
    elif lang == "fa":
        from annotator.pipeline import blank

        nlp = blank()
    else:
        import spacy

        nlp = spacy.blank(lang)

    printed = 0

    def on_bad(record) -> None:
        nonlocal printed
        if printed < 20:
            print(f"error: {record}", file=sys.stderr)
        printed += 1

    try:
        paths, st, dev_st = run_export(
            nlp, inputs, output_dir, dev_inputs=dev, eval_split=eval_split, seed=seed, answers=answer,
            merge=not no_merge, claims_from=claims_from, use_task_tokens=not retokenize, on_bad=on_bad,
        )
    except InputFileError as e:
        for problem in e.problems:
            print(f"error: {problem}", file=sys.stderr)
        raise typer.Exit(2)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        raise typer.Exit(2)
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
            lines.append(f"  bad lines skipped: {st.bad_lines:,}")
        print("\n".join(lines), file=sys.stderr)
