"""HTML pieces of the report: escaping, colours, and the markup of spans
over a document's text.

Entities and claims are two layers that may overlap each other (and, in
reviewed Prodigy data, themselves): the markup is built from character
offsets, closing and reopening an element where layers cross, so every
span is marked whatever the overlaps.
"""
from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from spacy.displacy.render import DEFAULT_ENTITY_COLOR

_SAFE_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}|(rgb|rgba|hsl|hsla)\([0-9.,% ]{1,40}\))$")


def esc(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(value if isinstance(value, str) else str(value), quote=True).replace("\r", "&#13;")


def safe_color(value: Any, default: str = DEFAULT_ENTITY_COLOR) -> str:
    """value if it looks like a CSS colour (it goes into a style attribute), else default."""
    return value if isinstance(value, str) and _SAFE_COLOR.match(value) else default


def heading(en: str, fa: str) -> str:
    """A heading of the page (a trusted constant): English, isolated left to
    right, with the Persian label beside it."""
    return f'<span lang="en" dir="ltr">{en}</span> <span class="fa">{fa}</span>'


def label_chip(label: Any, colors: dict[str, str], count: Any = None, color: Any = None) -> str:
    """A label in its colour (from `colors`, or `color`), with a count."""
    label = "" if label is None else str(label)
    bg = safe_color(color) if color is not None else safe_color(colors.get(label.upper()))
    num = f" <b>{esc(count)}</b>" if count is not None else ""
    return f'<span class="chip" style="background: {bg}">{esc(label)}{num}</span>'


@dataclass
class Mark:
    """One span to mark in the text: the tags of its first fragment, of any
    continuation fragment (after a crossing), and what ends its last."""
    start: int
    end: int
    outer: bool  # claims sit outside entities of the same extent
    open: str
    cont: str
    badge: str  # emitted inside the last fragment, before its end tag
    end_tag: str


def mark_up(text: str, marks: Iterable[Mark]) -> str:
    """Escaped `text` with every mark wrapped around its character range.
    Overlapping marks are split into fragments: where a mark ends inside
    another, the inner ones are closed and reopened, as an HTML parser
    would, so the markup stays well nested."""
    starting: dict[int, list[Mark]] = defaultdict(list)
    bounds = {0, len(text)}
    for m in marks:
        starting[m.start].append(m)
        bounds.update((m.start, m.end))
    for group in starting.values():
        group.sort(key=lambda m: (-m.end, not m.outer))
    out: list[str] = []
    stack: list[Mark] = []
    pos = 0
    for p in sorted(bounds):
        if p > pos:
            out.append(esc(text[pos:p]))
            pos = p
        k = next((i for i, m in enumerate(stack) if m.end == p), None)
        if k is not None:
            for m in reversed(stack[k:]):
                out.append(m.badge + m.end_tag if m.end == p else m.end_tag)
            reopen = [m for m in stack[k:] if m.end != p]
            del stack[k:]
            for m in reopen:
                out.append(m.cont)
                stack.append(m)
        for m in starting.get(p, ()):
            out.append(m.open)
            stack.append(m)
    return "".join(out)
