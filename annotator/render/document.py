"""One document of the report: its header (title, answer, meta), its text
with entities and claims marked, its problems, claims and relations tables,
and its line in the index.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .claims import claim_mark, claims_table, speaker_of
from .markup import Mark, esc, heading, label_chip, mark_up, safe_color

LABEL_NAMES = {"ORG": "سازمان", "MINISTRY": "وزارتخانه", "OFFICIAL": "مقام", "PERSON": "شخص"}
ANSWERS = {"accept": "پذیرفته", "reject": "ردشده", "ignore": "نادیده"}
TITLE_KEYS = ("title", "id", "source", "url", "link")
_SPACES = re.compile(r"\s+")


def valid_span(item: Any, length: int) -> bool:
    """Is item a dict with int offsets 0 <= start < end <= length?"""
    if not isinstance(item, dict):
        return False
    start, end = item.get("start"), item.get("end")
    return (isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool)
            and not isinstance(end, bool) and 0 <= start < end <= length)


def shorten(value: Any, limit: int = 160) -> str:
    """Any value as text of at most `limit` characters."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Stats:
    """What the page's summary counts, over all documents."""

    docs: int = 0
    answers: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    claims: int = 0
    no_speaker: int = 0
    with_claims: int = 0  # documents that carry a claims list at all
    relations: int = 0
    problems: int = 0


def doc_title(task: dict, n: int) -> str:
    """A title for document n: from its meta, else the start of its text."""
    meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
    for key in TITLE_KEYS:
        if meta.get(key) not in (None, ""):
            return shorten(meta[key], 120)
    text = _SPACES.sub(" ", str(task.get("text") or "")).strip()
    return shorten(text, 80) or f"#{n}"


def entity_mark(n: int, i: int, span: dict, colors: dict[str, str]) -> Mark:
    """The mark of entity i of document n, coloured as displaCy colours it."""
    label = str(span.get("label") or "")
    bg = safe_color(colors.get(label.upper()))
    name = LABEL_NAMES.get(label)
    tip = f"{label} · {name}" if name else label
    attrs = f'data-ent="{i}" data-label="{esc(label)}" title="{esc(tip)}" style="background: {bg}"'
    return Mark(
        span["start"], span["end"], False,
        open=f'<mark class="entity" id="d{n}-e{i}" {attrs}>',
        cont=f'<mark class="entity cont" {attrs}>',
        badge=f'<span class="tag" aria-hidden="true" data-tag="{esc(label)}"></span>',
        end_tag="</mark>",
    )


def relations_table(text: str, relations: list, colors: dict[str, str]) -> str:
    """Prodigy relations (head, label, child) of one document."""
    def side(span: Any) -> str:
        if not valid_span(span, len(text)):
            return "—"
        return f'{esc(text[span["start"]:span["end"]])} {label_chip(span.get("label"), colors)}'

    rows = [
        f'<tr><td>{side(r.get("head_span"))}</td><td>{label_chip(r.get("label"), colors, color=r.get("color"))}</td>'
        f'<td>{side(r.get("child_span"))}</td></tr>'
        for r in relations if isinstance(r, dict)
    ]
    head = "<tr>" + "".join(f"<th>{heading(en, fa)}</th>" for en, fa in (
        ("Head", "سر"), ("Relation", "رابطه"), ("Child", "وابسته"))) + "</tr>"
    return f'<table class="relations"><caption>{heading("Relations", "روابط")} ({len(rows)})</caption>{head}{"".join(rows)}</table>'


def document_section(n: int, task: dict, colors: dict[str, str], direction: str, stats: Stats) -> tuple[str, str]:
    """The section of one document, and its line in the index."""
    stats.docs += 1
    text = task.get("text")
    text = text if isinstance(text, str) else ""
    problems: list[str] = []
    marks: list[Mark] = []
    ent_ids: dict[tuple[int, int], int] = {}
    spans = task.get("spans") if isinstance(task.get("spans"), list) else []
    for i, span in enumerate(spans):
        if not _checked("موجودیت", i, span, text, problems):
            continue
        stats.labels[str(span.get("label") or "")] += 1
        ent_ids.setdefault((span["start"], span["end"]), i)
        marks.append(entity_mark(n, i, span, colors))
    raw_claims = task.get("claims")
    claims: list[tuple[int, dict]] = []
    if isinstance(raw_claims, list):
        stats.with_claims += 1
        for j, claim in enumerate(raw_claims):
            if not _checked("ادعای", j, claim, text, problems):
                continue
            claims.append((j, claim))
            marks.append(claim_mark(n, j, claim))
            stats.claims += 1
            stats.kinds[str(claim.get("kind") or "")] += 1
            if not speaker_of(claim)[0]:
                stats.no_speaker += 1
    relations = task.get("relations") if isinstance(task.get("relations"), list) else []
    stats.relations += len(relations)
    stats.problems += len(problems)

    title = doc_title(task, n)
    head = [f'<h2><a class="num" href="#d{n}">{n}</a> <span class="doc-title">{esc(title)}</span></h2>']
    answer = task.get("answer")
    if answer is not None:
        stats.answers[str(answer)] += 1
        name = ANSWERS.get(str(answer))
        head.append(f'<span class="answer" data-answer="{esc(answer)}">{esc(name + " · " if name else "")}{esc(answer)}</span>')
    meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
    info = [(str(k), v) for k, v in meta.items()]
    info += [(k.strip("_"), task[k]) for k in ("_input_hash", "_task_hash") if k in task]
    if info:
        # ids, URLs and hashes: a left-to-right line, each value isolated
        items = "".join(f'<div><dt>{esc(k)}</dt><dd><bdi dir="ltr">{esc(shorten(v))}</bdi></dd></div>' for k, v in info)
        head.append(f'<dl class="meta" dir="ltr">{items}</dl>')
    body = [f'<header class="doc-head">{"".join(head)}</header>']
    body.append(f'<div class="doc-text" dir="{direction}">{mark_up(text, marks)}</div>')
    if problems:
        body.append('<ul class="problems">' + "".join(f"<li>{esc(p)}</li>" for p in problems) + "</ul>")
    if claims:
        body.append(claims_table(n, claims, ent_ids, colors))
    elif isinstance(raw_claims, list):
        body.append('<p class="no-claims">ادعای عددی ندارد.</p>')
    if relations:
        body.append(relations_table(text, relations, colors))
    section = f'<section class="doc" id="d{n}" data-doc="{n}">{"".join(body)}</section>'

    counts = f"{len(marks) - len(claims)} موجودیت"
    if isinstance(raw_claims, list):
        counts += f" · {len(claims)} ادعا"
    if answer is not None:
        counts += f" · {answer}"
    entry = f'<li><a href="#d{n}">{esc(title)}</a> <small>{esc(counts)}</small></li>'
    return section, entry


def _checked(noun: str, i: int, item: Any, text: str, problems: list[str]) -> bool:
    """Whether item i (an entity or a claim, `noun` in the report) can be
    drawn; what is wrong with it goes to `problems` (a text that differs from
    the text at its offsets is said, and the item drawn all the same)."""
    if not valid_span(item, len(text)):
        problems.append(f"{noun} {i + 1}: بازه‌ی نامعتبر {shorten(item, 120)}")
        return False
    if isinstance(item.get("text"), str) and item["text"] != text[item["start"]:item["end"]]:
        problems.append(f"{noun} {i + 1}: متن «{shorten(item['text'], 60)}» با متن سند نمی‌خواند")
    return True
