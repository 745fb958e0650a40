"""What a conversion read, kept, and could not align: one set of counts for
`annotator export`, `annotator train` and `annotator evaluate`."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from annotator.training.align import ACROSS_A_SENTENCE, Alignment

EXAMPLES = 20  # unaligned spans kept as examples for the summary


@dataclass
class ConversionStats:
    """Counts over every record (Prodigy task, gold record, IOB sentence,
    stored Doc) of a conversion.

    `spans` counts the entity spans given to the aligner, `aligned` those it
    could use and `misaligned` the rest (`cross_sentence` of them aligned to
    tokens but across a sentence start); `unaligned` counts everything left
    out: entity spans, and the claims, speakers and relations of Prodigy
    tasks (`unaligned_by_kind`).
    """

    tasks: int = 0  # records read, bad ones included
    bad_lines: int = 0
    answers: Counter = field(default_factory=Counter)  # accept / reject / ignore / none
    kept: int = 0  # records used (accepted answers)
    merged: int = 0  # kept tasks folded into an earlier one on the same input
    docs: int = 0
    empty_docs: int = 0
    spans: int = 0
    aligned: int = 0
    cross_sentence: int = 0
    unaligned_by_kind: Counter = field(default_factory=Counter)
    unaligned_examples: list[dict] = field(default_factory=list)
    overlapping: int = 0  # aligned spans in the span group only (inside a longer one)
    entities: Counter = field(default_factory=Counter)  # doc.ents by label
    filtered: Counter = field(default_factory=Counter)  # spans left out by --labels, by label
    claims: int = 0
    claims_with_speaker: int = 0
    relations: Counter = field(default_factory=Counter)

    @property
    def misaligned(self) -> int:
        return self.spans - self.aligned

    @property
    def unaligned(self) -> int:
        return sum(self.unaligned_by_kind.values())

    def add_doc(self, doc: Doc, alignment: Alignment, unaligned: list[dict] | None = None) -> None:
        """Count one converted doc: its entities, and what was left out
        (`alignment.unaligned`, or `unaligned` when the caller has more)."""
        self.docs += 1
        self.spans += alignment.offered
        self.aligned += alignment.aligned
        self.overlapping += alignment.overlapping
        self.filtered.update(alignment.filtered)
        self.entities.update(e.label_ for e in doc.ents)
        for item in alignment.unaligned if unaligned is None else unaligned:
            self.unaligned_by_kind[item["kind"]] += 1
            self.cross_sentence += item["reason"] == ACROSS_A_SENTENCE
            if len(self.unaligned_examples) < EXAMPLES:
                self.unaligned_examples.append(item)

    def labels(self) -> set[str]:
        """Every entity label read, kept or not."""
        return set(self.entities) | set(self.filtered)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tasks": self.tasks,
            "bad_lines": self.bad_lines,
            "answers": dict(self.answers),
            "kept": self.kept,
            "merged": self.merged,
            "docs": self.docs,
            "empty_docs": self.empty_docs,
            "spans": self.spans,
            "aligned": self.aligned,
            "misaligned": self.misaligned,
            "cross_sentence": self.cross_sentence,
            "unaligned": self.unaligned,
            "unaligned_by_kind": dict(self.unaligned_by_kind),
            "overlapping": self.overlapping,
            "entities": dict(self.entities.most_common()),
            "claims": self.claims,
            "claims_with_speaker": self.claims_with_speaker,
            "relations": dict(self.relations.most_common()),
        }

    def summary(self) -> str:
        """One line: docs, spans, and how many could not be aligned."""
        pct = 100.0 * self.misaligned / self.spans if self.spans else 0.0
        text = (f"{self.docs} docs, {self.spans} spans: {self.aligned} aligned, "
                f"{self.misaligned} could not be aligned to our tokens ({pct:.2f}%)")
        if self.cross_sentence:
            text += f", {self.cross_sentence} of them across a sentence start"
        skipped = self.tasks - self.kept - self.bad_lines
        if skipped > 0:
            text += f"; {skipped} records skipped (not accepted)"
        if self.bad_lines:
            text += f"; {self.bad_lines} bad records skipped"
        return text
