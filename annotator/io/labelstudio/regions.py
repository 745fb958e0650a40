"""The result list of a Label Studio annotation or prediction, read and
checked: labelled regions, the claim fields set on them and the `SPEAKER`
relations, back into our spans and claims (the mapping of
`annotator.io.labelstudio.tasks`, in reverse).

Every problem is collected rather than raised at the first, so that a task
is fixed in one go. Region edges are trimmed of whitespace (a reviewer's
selection often takes the space after a word). Fields and result types that
are not ours (another config's controls) are passed over, as are fields
left on a region that is no longer a claim.
"""
from __future__ import annotations

import json
import math
from bisect import bisect_left, bisect_right
from typing import Any, Callable

from annotator.io.prodigy import is_offset
from annotator.numbers.parse import parse_number, public_value

from .config import CHOICE_FIELDS, CLAIM, NUMBER_FIELDS, SPEAKER, TEXT_FIELDS
from .tasks import SPEAKER_REGION

Warn = Callable[[str], None]


class Tokens:
    """Token indices of character spans (Prodigy's inclusive `token_end`)."""

    def __init__(self, tokens: list[dict]) -> None:
        self.starts = [t["start"] for t in tokens]
        self.ends = [t["end"] for t in tokens]

    def span(self, start: int, end: int) -> tuple[int, int, bool]:
        """(token_start, token_end, whether the span's edges are token edges)."""
        if not self.starts:
            return 0, 0, False
        first = max(bisect_right(self.starts, start) - 1, 0)
        last = min(bisect_left(self.ends, end), len(self.ends) - 1)
        return first, last, self.starts[first] == start and self.ends[last] == end


class Regions:
    """The regions, claim fields and speaker relations of one result list."""

    def __init__(self, text: str, labels: set[str], problems: list[str]) -> None:
        self.text, self.labels, self.problems = text, labels, problems
        self.regions: dict[Any, tuple[int, int, str]] = {}  # region id: (start, end, label)
        self.fields: dict[Any, dict[str, Any]] = {}
        self.speakers: dict[Any, Any] = {}  # claim's region id: speaker's region id

    def read(self, result: Any) -> "Regions":
        if not isinstance(result, list) or not all(isinstance(r, dict) for r in result):
            self.problems.append("the result is not a list of objects")
            return self
        for item in result:
            if item.get("type") == "labels":
                self._region(item)
        for item in result:
            if item.get("type") in ("textarea", "choices"):
                self._field(item)
            elif item.get("type") == "relation":
                self._relation(item)
        return self

    def _region(self, item: dict) -> None:
        rid, value = item.get("id"), item.get("value")
        value = value if isinstance(value, dict) else {}
        start, end, labels = value.get("start"), value.get("end"), value.get("labels")
        where = f"region {rid}"
        if rid in self.regions:
            self.problems.append(f"{where}: two regions with this id")
        elif not (is_offset(start) and is_offset(end) and 0 <= start < end <= len(self.text)):
            self.problems.append(f"{where}: offsets {start}-{end} outside the text (0-{len(self.text)})")
        elif "text" in value and value["text"] != self.text[start:end]:
            self.problems.append(f"{where} {start}-{end}: its text {value['text']!r} is not the text at its "
                                 f"offsets {self.text[start:end]!r}")
        elif not (isinstance(labels, list) and len(labels) == 1):
            self.problems.append(f"{where} {start}-{end}: needs one label, has {labels!r}")
        elif labels[0] != CLAIM and labels[0] not in self.labels:
            known = ", ".join([*sorted(self.labels), CLAIM])
            self.problems.append(f"{where} {start}-{end}: unknown label {labels[0]!r} (labels: {known})")
        else:
            while start < end and self.text[start].isspace():
                start += 1
            while end > start and self.text[end - 1].isspace():
                end -= 1
            if start == end:
                self.problems.append(f"{where}: only whitespace")
            else:
                self.regions[rid] = (start, end, labels[0])

    def _field(self, item: dict) -> None:
        rid, name, payload = item.get("id"), item.get("from_name"), item.get("value")
        if name not in TEXT_FIELDS and name not in CHOICE_FIELDS:
            return
        if rid not in self.regions or self.regions[rid][2] != CLAIM:
            return
        payload = payload if isinstance(payload, dict) else {}
        got = payload.get("choices" if name in CHOICE_FIELDS else "text")
        got = [got] if isinstance(got, str) else got
        where = f"claim {self.describe(rid)}"
        if not isinstance(got, list) or len(got) > 1 or not all(isinstance(g, str) for g in got):
            self.problems.append(f"{where}: {name} needs one value, has {got!r}")
            return
        raw = got[0].strip() if got else ""
        if not raw:
            return
        if name in NUMBER_FIELDS:
            value = parse_field_number(raw)
            if value is None:
                self.problems.append(f"{where}: {name} {raw!r} is not a number")
                return
        elif name in CHOICE_FIELDS:
            value = raw
            if value not in CHOICE_FIELDS[name]:
                self.problems.append(f"{where}: {name} {raw!r} is not one of {', '.join(CHOICE_FIELDS[name])}")
                return
        else:
            value = got[0]  # a unit as written, spaces and all
        self.fields.setdefault(rid, {})[name] = value

    def _relation(self, item: dict) -> None:
        ends = item.get("from_id"), item.get("to_id")
        labels = item.get("labels") or [SPEAKER]  # drawn but not named: the config's only relation
        where = f"relation {ends[0]} → {ends[1]}"
        if labels != [SPEAKER]:
            self.problems.append(f"{where}: unknown label {labels!r} (only {SPEAKER})")
            return
        missing = [rid for rid in ends if rid not in self.regions]
        if missing:
            self.problems.append(f"{where}: no region {missing[0]}")
            return
        claims = [rid for rid in ends if self.regions[rid][2] == CLAIM]
        if len(claims) != 1:
            self.problems.append(f"relation {self.describe(ends[0])} → {self.describe(ends[1])}: "
                                 f"a {SPEAKER} relation joins a {CLAIM} region to an entity's")
            return
        claim = claims[0]
        speaker = ends[1] if ends[0] == claim else ends[0]
        if self.speakers.setdefault(claim, speaker) != speaker:
            self.problems.append(f"claim {self.describe(claim)}: two speakers")

    def describe(self, rid: Any) -> str:
        start, end, _ = self.regions[rid]
        return f"{start}-{end} «{self.text[start:end]}»"

    def spans_and_claims(self, tokens: Tokens, warn: Warn) -> tuple[list[dict], list[dict]]:
        """The entity spans and the claims, each in text order. `warn` is
        told of each whose edges are not token edges."""
        spans, claims = [], []
        for rid, (start, end, label) in self.regions.items():
            first, last, aligned = tokens.span(start, end)
            if not aligned:
                warn(f"{label} {self.describe(rid)}: edges inside a token (annotator export leaves it out)")
            if label == CLAIM:
                claims.append(self._claim(rid, first, last))
            elif not is_speaker_only(rid):
                spans.append({"start": start, "end": end, "token_start": first, "token_end": last, "label": label})
        spans.sort(key=lambda s: (s["start"], s["end"]))
        claims.sort(key=lambda c: (c["start"], c["end"]))
        return spans, claims

    def _claim(self, rid: Any, first: int, last: int) -> dict:
        start, end, _ = self.regions[rid]
        fields = self.fields.get(rid, {})
        claim = {"start": start, "end": end, "token_start": first, "token_end": last, "text": self.text[start:end]}
        for name in ("value", "low", "high", "qualifier", "kind", "unit"):
            claim[name] = fields.get(name)
        speaker = self.speakers.get(rid)
        if speaker is None:
            claim["speaker"] = None
        else:
            s, e, label = self.regions[speaker]
            claim["speaker"] = {"start": s, "end": e, "text": self.text[s:e], "label": label}
        return claim


def is_speaker_only(rid: Any) -> bool:
    """Whether a region is one `to_label_studio` made for a speaker mention
    that is not an entity span."""
    return isinstance(rid, str) and rid.startswith(SPEAKER_REGION) and rid[len(SPEAKER_REGION):].isdigit()


def parse_field_number(raw: str) -> int | float | None:
    """A claim's number as typed: JSON as we write it (``45000000000``,
    ``2.5``), else any number the annotator reads («۴۵ میلیارد», «۲٫۵»)."""
    try:
        number = json.loads(raw)
    except ValueError:
        number = None
    if isinstance(number, int) and not isinstance(number, bool):
        return public_value(number)  # beyond 64 bits: a float, as the annotator writes it
    if isinstance(number, float):
        return number if math.isfinite(number) else None
    return parse_number(raw)
