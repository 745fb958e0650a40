"""`annotator export`: reviewed Prodigy tasks (or our own output) as
`train.spacy` and `dev.spacy`.

The tasks become `Doc`s with their own tokens (`annotator.training.tasks`),
are split by input (`annotator.training.split`) and written with their user
data (`annotator.training.docbin`): `read_docbin` gives back the entities,
`doc.spans["entities"]`, `doc.spans["claims"]`, `doc._.claims` and the
relations exactly.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from spacy.language import Language

from annotator.training.docbin import write_docbin
from annotator.training.errors import DataError
from annotator.training.split import split_docs
from annotator.training.stats import ConversionStats
from annotator.training.tasks import ClaimsFrom, OnBad, read_task_files, tasks_to_docs


def export(
    nlp: Language,
    inputs: Sequence[str | Path],
    output_dir: str | Path,
    *,
    dev_inputs: Sequence[str | Path] = (),
    eval_split: float = 0.2,
    seed: int = 0,
    answers: Sequence[str] = ("accept",),
    merge: bool = True,
    claims_from: ClaimsFrom = "auto",
    use_task_tokens: bool = True,
    on_bad: OnBad | None = None,
) -> tuple[dict[str, Path], ConversionStats, ConversionStats | None]:
    """Write `train.spacy` and `dev.spacy` into `output_dir`.

    The dev set is `dev_inputs` when given (then all of `inputs` is train),
    else `eval_split` of the inputs by `split_docs`. Tasks that cannot be
    converted (bad JSON, spans outside the text …) are skipped and passed
    to `on_bad`. Returns the written paths and the stats of the train (or
    whole) and dev inputs.
    """
    if not 0.0 <= eval_split < 1.0:
        raise ValueError(f"eval_split must be in [0, 1), not {eval_split}")

    def convert(paths: Sequence[str | Path]) -> tuple[list, ConversionStats]:
        stats = ConversionStats()
        tasks = read_task_files(paths, stats, on_bad=on_bad)
        return tasks_to_docs(nlp, tasks, answers=answers, merge=merge, claims_from=claims_from,
                             use_task_tokens=use_task_tokens, stats=stats)

    docs, stats = convert(inputs)
    _check_usable(docs, stats, inputs)
    dev_stats = None
    if dev_inputs:
        dev, dev_stats = convert(dev_inputs)
        _check_usable(dev, dev_stats, dev_inputs)
        train = docs
    else:
        train, dev = split_docs(docs, eval_split, seed)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"train": write_docbin(train, out / "train.spacy"), "dev": write_docbin(dev, out / "dev.spacy")}
    return paths, stats, dev_stats


def _check_usable(docs: list, stats: ConversionStats, paths: Sequence[str | Path]) -> None:
    """Bad tasks and not one usable: the wrong file, not an empty corpus."""
    if stats.bad_lines and not docs:
        bad = f"{stats.bad_lines:,} bad record{'s' * (stats.bad_lines != 1)}"
        raise DataError(f"no usable task in the input, only {bad}", ", ".join(map(str, paths)))
