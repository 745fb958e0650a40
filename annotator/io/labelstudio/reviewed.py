"""Label Studio's JSON export as our tasks, the way Prodigy's `db-out` writes
reviewed answers: the output contract of ANNOTATION.md plus an `answer`.

Which result of a task is read:

* the latest submitted (not cancelled) annotation → ``"answer": "accept"``;
* only cancelled annotations (the reviewer pressed *Skip*) →
  ``"answer": "ignore"``, as Prodigy records its own skip button, with the
  prediction's regions (what the reviewer was shown): `annotator export`
  keeps accepted answers only, so a skipped task is not trained on;
* no annotation: the prediction, and no `answer` (unreviewed, like
  `annotator annotate` output, which `annotator export` counts as accepted).
  Label Studio's quick export (its *Export* button) lists predictions by id
  only: such a task cannot be read (`PredictionIdsOnly`).

The task's `data` comes back as it went in (text, meta, `_input_hash`,
tokens, any other key) with `spans` and `claims` rebuilt from the regions
and `_task_hash` recomputed over them, so an unchanged task is byte for byte
what `annotator annotate` wrote. `token_start`/`token_end` come from the
task's `tokens` (for a task made in Label Studio, from our tokenizer's).
"""
from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, Callable, Iterable

from annotator.io.prodigy import input_hash, is_offset, task_hash, tokens_of

from .config import ENTITY_LABELS
from .regions import Regions, Tokens, Warn
from .tasks import REGION_KEYS

ACCEPT, IGNORE = "accept", "ignore"
Tokenizer = Callable[[str], list[dict]]


class InvalidTask(ValueError):
    """A Label Studio task that cannot be read, with every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class PredictionIdsOnly(InvalidTask):
    """An unreviewed task whose predictions the export gives as ids only."""


def from_label_studio(ls_task: dict, *, labels: Iterable[str] = ENTITY_LABELS,
                      tokenize: Tokenizer | None = None, warn: Warn | None = None) -> dict:
    """One task of Label Studio's JSON export as one of our tasks.

    Raises `InvalidTask` with every problem of the task: offsets outside
    the text, a region whose text is not the text at its offsets, unknown
    labels or choices, a claim number that is not a number, a relation
    that is not a claim's speaker. `tokenize` makes Prodigy tokens for a
    task without `tokens` (default: our tokenizer's); `warn` is told of
    regions whose edges are not token edges.
    """
    data = ls_task.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise InvalidTask(['no "data" with a "text"'])
    text = data["text"]
    answer, result = pick_result(ls_task)
    problems: list[str] = []
    tokens = data.get("tokens")
    if tokens is None:
        tokens = (tokenize or our_tokens)(text)
    elif not _are_tokens(tokens, len(text)):
        problems.append('"tokens" are not tokens of the text (objects with start < end, in order, inside it)')
    regions = Regions(text, set(labels), problems).read(result)
    if problems:
        raise InvalidTask(problems)
    spans, claims = regions.spans_and_claims(Tokens(tokens), warn or (lambda message: None))

    built = {"tokens": tokens, "spans": spans, "claims": claims}
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in REGION_KEYS:
            continue
        if key == "_task_hash":  # after them, where `annotator annotate` writes it
            out.update((k, v) for k, v in built.items() if k not in out)
        out[key] = value
    out.update((k, v) for k, v in built.items() if k not in out)
    if not is_offset(out.get("_input_hash")):
        out["_input_hash"] = input_hash(out)
    out["_task_hash"] = task_hash(out, out["_input_hash"])
    if answer is not None:
        out["answer"] = answer
    return out


def pick_result(ls_task: dict) -> tuple[str | None, Any]:
    """(answer, result list) to read from a task, as the module says."""
    annotations = [a for a in ls_task.get("annotations") or [] if isinstance(a, dict)]
    submitted = [a for a in annotations if not a.get("was_cancelled")]
    if submitted:
        return ACCEPT, _latest(submitted).get("result")
    predictions = ls_task.get("predictions") or []
    full = [p for p in predictions if isinstance(p, dict)]
    if annotations:
        return IGNORE, _latest(full).get("result") if full else []
    if predictions and not full:
        raise PredictionIdsOnly(["not reviewed, and the export lists its predictions by id only (Label Studio's "
                                 "quick export): export with full predictions (see from-label-studio --help)"])
    return None, _latest(full).get("result") if full else []


def _latest(items: list[dict]) -> dict:
    """The most recently updated annotation or prediction (then the highest id)."""
    def when(item: dict) -> tuple[float, int]:
        stamp = item.get("updated_at") or item.get("created_at")
        try:
            t = datetime.fromisoformat(stamp).timestamp() if isinstance(stamp, str) else float("-inf")
        except ValueError:
            t = float("-inf")
        return t, item["id"] if is_offset(item.get("id")) else -1

    return max(items, key=when)


def _are_tokens(tokens: Any, n: int) -> bool:
    if not isinstance(tokens, list):
        return False
    pos = 0
    for t in tokens:
        if not (isinstance(t, dict) and is_offset(t.get("start")) and is_offset(t.get("end"))
                and pos <= t["start"] < t["end"] <= n):
            return False
        pos = t["end"]
    return True


@cache
def _make_doc() -> Callable:
    from annotator.pipeline import blank

    return blank().make_doc


def our_tokens(text: str) -> list[dict]:
    """Prodigy tokens of `text` by our tokenizer (what `annotate` writes)."""
    return tokens_of(_make_doc()(text), text)
