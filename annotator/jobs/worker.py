"""Turning batches of (text, meta) into output lines: the `Annotator`.

Both engines annotate the same way: whatever process does the work (this
one, a worker of `--n-process`, a Dask worker) holds one loaded pipeline
(`load_pipeline`, cached per process: the `nlp` object never travels) and
one `Annotator` per settings (`annotator_for`), and hands it batches.
"""
from __future__ import annotations

import gc
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import orjson

from annotator.io.prodigy import QUANTITY
from annotator.jobs.settings import Settings

#: A batch is closed at `--batch-size` documents or this many characters,
#: whichever comes first, so a run of long texts cannot swell memory.
BATCH_CHARS = 500_000
#: Words annotated inside one spaCy memory zone: strings and lexemes first
#: seen in it are freed when it closes. Long enough that re-creating the
#: common words' lexemes after each zone costs little.
ZONE_WORDS = 5_000_000

#: One (text, meta, the input's other keys) a document.
Batch = list[tuple[str, dict, dict]]
#: What one document adds to a job's totals: words, entity labels, claims,
#: claims with a speaker.
ItemStats = tuple[int, dict[str, int], int, int]


@dataclass
class BatchResult:
    """One batch, annotated: a line (bytes, with its newline) or an error
    message per document, in order, and what was found."""

    items: list[bytes | str]
    words: int = 0
    labels: Counter = field(default_factory=Counter)
    claims: int = 0
    claims_with_speaker: int = 0
    #: Per item, what it adds to the totals above; None for an error. (The
    #: Dask engine needs them one by one: it drops duplicates after annotating.)
    item_stats: list[ItemStats | None] = field(default_factory=list)

    def add(self, line: bytes, stats: ItemStats) -> None:
        words, labels, claims, with_speaker = stats
        self.items.append(line)
        self.item_stats.append(stats)
        self.words += words
        self.labels.update(labels)
        self.claims += claims
        self.claims_with_speaker += with_speaker

    def fail(self, message: str) -> None:
        self.items.append(message)
        self.item_stats.append(None)


class Annotator:
    """The pipeline and the output contract, batch by batch (one per process
    and settings: see `annotator_for`)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.nlp = load_pipeline(settings.pipeline)
        limit = settings.max_chars or 10**12
        self.nlp.max_length = max(self.nlp.max_length, limit + 1)
        self._zone: ExitStack | None = None
        self._zone_words = 0

    def __call__(self, batch: Batch) -> BatchResult:
        from annotator.io.prodigy import doc_to_task

        result = BatchResult([])
        if self._zone is None:
            self._zone = ExitStack()
            self._zone.enter_context(self.nlp.memory_zone())
        try:
            texts = [text for text, _, _ in batch]
            try:
                docs: list[Any] = self._annotate(texts)
            except Exception:
                # One bad document must not cost the whole batch: redo it one by one.
                docs = [self._one(text) for text in texts]
            for (text, meta, extra), doc in zip(batch, docs):
                if isinstance(doc, str):
                    result.fail(doc)
                    continue
                try:
                    task = doc_to_task(
                        doc, meta, quantity_spans=self.settings.quantity_spans, relations=self.settings.relations,
                        text=text, extra=extra,
                    )
                    line = orjson.dumps(task) + b"\n"  # compact, UTF-8, and several times faster than json
                except Exception as e:  # noqa: BLE001
                    result.fail(f"cannot write the annotated task: {type(e).__name__}: {e}")
                    continue
                labels = Counter(s["label"] for s in task["spans"] if s["label"] != QUANTITY)
                claims = task.get("claims") or []
                with_speaker = sum(1 for c in claims if c.get("speaker"))
                result.add(line, (len(text.split()), dict(labels), len(claims), with_speaker))
        finally:
            self._zone_words += result.words
            if self._zone_words >= ZONE_WORDS:
                self._zone.close()
                self._zone, self._zone_words = None, 0
        return result

    def _annotate(self, texts: list[str]) -> list[Any]:
        """The batch through the pipeline one component at a time: each
        component runs over all the batch's docs before the next starts,
        which keeps its code and lexicons warm in the CPU caches (spaCy's
        `nlp.pipe` passes each doc through every component in turn)."""
        docs = [self.nlp.make_doc(text) for text in texts]
        for _, proc in self.nlp.pipeline:
            docs = list(proc.pipe(docs)) if hasattr(proc, "pipe") else [proc(doc) for doc in docs]
        return docs

    def _one(self, text: str) -> Any:
        try:
            return self.nlp(text)
        except Exception as e:  # noqa: BLE001
            return f"the pipeline failed on this text: {type(e).__name__}: {e}"

    def close(self) -> None:
        """Close the open memory zone (the annotator can be used again)."""
        if self._zone is not None:
            self._zone.close()
            self._zone, self._zone_words = None, 0


_PIPELINES: dict[str | None, Any] = {}
_ANNOTATORS: dict[Settings, Annotator] = {}
_LOADS: list[str | None] = []


def load_pipeline(path: str | None) -> Any:
    """The loaded pipeline, once per process (jobs run one after the other
    in a process, as in the tests, share it)."""
    if path not in _PIPELINES:
        from annotator.pipeline import load

        # Loading builds millions of long-lived objects (lexicons, the
        # vocab): the cyclic GC would scan them again and again for nothing.
        enabled = gc.isenabled()
        gc.disable()
        try:
            _PIPELINES[path] = load(path)
        finally:
            if enabled:
                gc.enable()
        gc.freeze()  # and keep them out of every later collection
        _LOADS.append(path)
    return _PIPELINES[path]


def pipelines_loaded() -> list[str | None]:
    """The pipelines this process loaded, in order (each once, however many
    jobs, batches or shards it annotated)."""
    return list(_LOADS)


def annotator_for(settings: Settings) -> Annotator:
    """This process's annotator for `settings`."""
    if settings not in _ANNOTATORS:
        _ANNOTATORS[settings] = Annotator(settings)
    return _ANNOTATORS[settings]
