"""A self-contained, right-to-left HTML report of annotated documents.

`render_tasks(tasks)` takes tasks in the output contract of ANNOTATION.md
(or Prodigy `db-out` records: `answer`, `spans`, `relations`), and
`render_docs(docs)` takes annotated `Doc`s; both return one HTML page:

* a header summarising the file (documents, answers, entities per label,
  claims per kind, claims without a speaker);
* an index, then one section per document: the text right to left with the
  entities highlighted the way displaCy's `ent` style does (same colours,
  taken from displaCy's colour registry, so `spacy_displacy_colors` entry
  points apply), the claims underlined with their parsed value beside them
  and value, unit, qualifier and speaker on hover, and a claims table.

Entities and claims are two layers that may overlap each other (and, in
reviewed Prodigy data, themselves): the markup is built from character
offsets, closing and reopening an element where layers cross, so every
span is marked whatever the overlaps. Labels and values shown beside the
text are CSS-generated (`::after { content: attr(...) }`), so the text of a
document section is exactly the document text.

Document text, labels, meta values and speaker texts are data: every piece
is HTML-escaped, colours are used only if they look like colours, and the
page carries a Content-Security-Policy that allows no script and no fetch.
Fonts are system fonts; the page loads nothing.
"""
from __future__ import annotations

import html
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from spacy.displacy.render import DEFAULT_ENTITY_COLOR, EntityRenderer
from spacy.tokens import Doc

from annotator.render import colors  # noqa: F401  (registers the label colours)
from annotator.io.prodigy import span_dict

KINDS = {  # kind: (Persian name, colour)
    "count": ("شمار", "#2563eb"),
    "percent": ("درصد", "#dc2626"),
    "money": ("پول", "#047857"),
    "measure": ("اندازه", "#7e22ce"),
}
OTHER_KIND_COLOR = "#57606a"
QUALIFIERS = {  # qualifier: (Persian gloss, symbol beside the parsed value)
    "exact": ("دقیق", ""),
    "more_than": ("بیش از", ">"),
    "less_than": ("کمتر از", "<"),
    "at_least": ("دست‌کم", "≥"),
    "at_most": ("حداکثر", "≤"),
    "approximately": ("حدود", "≈"),
    "range": ("بازه", ""),
}
LABEL_NAMES = {"ORG": "سازمان", "MINISTRY": "وزارتخانه", "OFFICIAL": "مقام", "PERSON": "شخص"}
ANSWERS = {"accept": "پذیرفته", "reject": "ردشده", "ignore": "نادیده"}
DIRECTIONS = ("rtl", "ltr", "auto")
TITLE_KEYS = ("title", "id", "source", "url", "link")

_SAFE_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}|(rgb|rgba|hsl|hsla)\([0-9.,% ]{1,40}\))$")
_SPACES = re.compile(r"\s+")


# ------------------------------------------------------------------ helpers


def _e(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(value if isinstance(value, str) else str(value), quote=True).replace("\r", "&#13;")


def _color(value: Any, default: str = DEFAULT_ENTITY_COLOR) -> str:
    return value if isinstance(value, str) and _SAFE_COLOR.match(value) else default


def label_colors() -> dict[str, str]:
    """Label → colour as displaCy's `ent` renderer sees them: its defaults,
    updated with every `spacy_displacy_colors` entry point (ours included)."""
    return EntityRenderer({}).colors


def _num(x: Any) -> str:
    """A parsed number, ASCII digits with thousands separators."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e18:
        x = int(x)
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return f"{x:,}"
    return "—" if x is None else str(x)


def _parsed(claim: dict) -> str:
    """The parsed value, or `low–high` for a range."""
    low, high = claim.get("low"), claim.get("high")
    if claim.get("value") is None and (low is not None or high is not None):
        return f"{_num(low) if low is not None else '?'}–{_num(high) if high is not None else '?'}"
    return _num(claim.get("value"))


def _speaker(claim: dict) -> tuple[str, Optional[str], Optional[tuple[int, int]]]:
    """(text, label, offsets) of a claim's speaker; text is "" if none.
    Tolerates a plain string and a gold-style list of names."""
    sp = claim.get("speaker")
    if isinstance(sp, dict):
        offsets = (sp.get("start"), sp.get("end"))
        return str(sp.get("text") or ""), sp.get("label"), offsets if all(isinstance(o, int) for o in offsets) else None
    if isinstance(sp, list):
        return " / ".join(str(s) for s in sp), None, None
    return ("" if sp is None else str(sp)), None, None


def _kind(claim: dict) -> tuple[str, str, str]:
    """(kind, Persian name, colour) of a claim."""
    kind = str(claim.get("kind") or "")
    name, color = KINDS.get(kind, (kind, OTHER_KIND_COLOR))
    return kind, name, color


def _qualifier(claim: dict) -> tuple[str, str, str]:
    """(qualifier, Persian gloss, symbol) of a claim."""
    qual = str(claim.get("qualifier") or "")
    gloss, symbol = QUALIFIERS.get(qual, (qual, ""))
    return qual, gloss, symbol


def _valid(item: Any, length: int) -> bool:
    if not isinstance(item, dict):
        return False
    start, end = item.get("start"), item.get("end")
    return (isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool)
            and not isinstance(end, bool) and 0 <= start < end <= length)


def _short(value: Any, limit: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------ markup


@dataclass
class _Mark:
    """One span to mark in the text: the tags of its first fragment, of any
    continuation fragment (after a crossing), and what ends its last."""
    start: int
    end: int
    outer: bool  # claims sit outside entities of the same extent
    open: str
    cont: str
    badge: str  # emitted inside the last fragment, before its end tag
    end_tag: str


def mark_up(text: str, marks: Iterable[_Mark]) -> str:
    """Escaped `text` with every mark wrapped around its character range.
    Overlapping marks are split into fragments: where a mark ends inside
    another, the inner ones are closed and reopened, as an HTML parser
    would, so the markup stays well nested."""
    starting: dict[int, list[_Mark]] = defaultdict(list)
    bounds = {0, len(text)}
    for m in marks:
        starting[m.start].append(m)
        bounds.update((m.start, m.end))
    for group in starting.values():
        group.sort(key=lambda m: (-m.end, not m.outer))
    out: list[str] = []
    stack: list[_Mark] = []
    pos = 0
    for p in sorted(bounds):
        if p > pos:
            out.append(_e(text[pos:p]))
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


# ---------------------------------------------------------------- documents


@dataclass
class _Stats:
    docs: int = 0
    answers: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    claims: int = 0
    no_speaker: int = 0
    with_claims: int = 0  # documents that carry a claims list at all
    relations: int = 0
    problems: int = 0


def _doc_title(task: dict, n: int) -> str:
    meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
    for key in TITLE_KEYS:
        if meta.get(key) not in (None, ""):
            return _short(meta[key], 120)
    text = _SPACES.sub(" ", str(task.get("text") or "")).strip()
    return _short(text, 80) or f"#{n}"


def _entity_mark(n: int, i: int, span: dict, colors: dict[str, str]) -> _Mark:
    label = str(span.get("label") or "")
    bg = _color(colors.get(label.upper()))
    name = LABEL_NAMES.get(label)
    tip = f"{label} · {name}" if name else label
    attrs = f'data-ent="{i}" data-label="{_e(label)}" title="{_e(tip)}" style="background: {bg}"'
    return _Mark(
        span["start"], span["end"], False,
        open=f'<mark class="entity" id="d{n}-e{i}" {attrs}>',
        cont=f'<mark class="entity cont" {attrs}>',
        badge=f'<span class="tag" aria-hidden="true" data-tag="{_e(label)}"></span>',
        end_tag="</mark>",
    )


def _claim_tip(claim: dict) -> str:
    kind, kind_name, _ = _kind(claim)
    qual, gloss, _ = _qualifier(claim)
    spk, spk_label, _ = _speaker(claim)
    ranged = claim.get("value") is None and (claim.get("low") is not None or claim.get("high") is not None)
    lines = [
        f"{'بازه' if ranged else 'مقدار'}: {_parsed(claim)}",
        f"واحد: {claim.get('unit') or '—'}",
        f"قید: {gloss} ({qual or '—'})",
        f"نوع: {kind_name} ({kind or '—'})",
        f"گوینده: {spk or '—'}" + (f" ({spk_label})" if spk and spk_label else ""),
    ]
    return "\n".join(lines)


def _claim_badge(claim: dict) -> str:
    symbol = _qualifier(claim)[2]
    percent = "%" if claim.get("kind") == "percent" else ""
    return f"{symbol}{_parsed(claim)}{percent}"


def _claim_mark(n: int, j: int, claim: dict) -> _Mark:
    kind, _, color = _kind(claim)
    attrs = f'data-claim="{j}" data-kind="{_e(kind)}" title="{_e(_claim_tip(claim))}" style="--k: {color}"'
    return _Mark(
        claim["start"], claim["end"], True,
        open=f'<span class="claim" id="d{n}-c{j}" {attrs}>',
        cont=f'<span class="claim cont" {attrs}>',
        badge=f'<span class="ctag" aria-hidden="true" data-tag="{_e(_claim_badge(claim))}"></span>',
        end_tag="</span>",
    )


def _label_chip(label: Any, colors: dict[str, str], count: Any = None, color: Any = None) -> str:
    label = "" if label is None else str(label)
    bg = _color(color) if color is not None else _color(colors.get(label.upper()))
    num = f" <b>{_e(count)}</b>" if count is not None else ""
    return f'<span class="chip" style="background: {bg}">{_e(label)}{num}</span>'


def _claims_table(n: int, claims: list[tuple[int, dict]], ent_ids: dict, colors: dict[str, str]) -> str:
    head = (
        '<tr><th title="claim">#</th><th title="quantity as written">کمیت در متن</th>'
        '<th title="parsed value or range">مقدار یا بازه</th><th title="kind">نوع</th>'
        '<th title="qualifier">قید</th><th title="unit">واحد</th><th title="speaker">گوینده</th></tr>'
    )
    rows = []
    for j, claim in claims:
        kind, kind_name, color = _kind(claim)
        qual, gloss, _ = _qualifier(claim)
        spk, spk_label, offsets = _speaker(claim)
        if spk:
            spk_html = _e(spk)
            if offsets in ent_ids:
                spk_html = f'<a href="#d{n}-e{ent_ids[offsets]}">{spk_html}</a>'
            if spk_label:
                spk_html += " " + _label_chip(spk_label, colors)
        else:
            spk_html = '<span class="none">بدون گوینده</span>'
        rows.append(
            f'<tr id="d{n}-cr{j}" data-claim-row="{j}">'
            f'<td><a href="#d{n}-c{j}">{j + 1}</a></td>'
            f'<td class="quote">{_e(claim.get("text") or "")}</td>'
            f'<td class="num"><bdi dir="ltr">{_e(_parsed(claim))}</bdi></td>'
            f'<td><span class="kind" style="--k: {color}">{_e(kind_name)}</span> <code>{_e(kind)}</code></td>'
            f'<td>{_e(gloss)} <code>{_e(qual)}</code></td>'
            f'<td>{_e(claim.get("unit") or "—")}</td>'
            f"<td>{spk_html}</td></tr>"
        )
    return f'<table class="claims"><caption>ادعاهای عددی ({len(claims)})</caption>{head}{"".join(rows)}</table>'


def _relations_table(text: str, relations: list, colors: dict[str, str]) -> str:
    def side(span: Any) -> str:
        if not _valid(span, len(text)):
            return "—"
        return f'{_e(text[span["start"]:span["end"]])} {_label_chip(span.get("label"), colors)}'

    rows = [
        f'<tr><td>{side(r.get("head_span"))}</td><td>{_label_chip(r.get("label"), colors, color=r.get("color"))}</td>'
        f'<td>{side(r.get("child_span"))}</td></tr>'
        for r in relations if isinstance(r, dict)
    ]
    head = '<tr><th title="head">سر</th><th title="relation">رابطه</th><th title="child">وابسته</th></tr>'
    return f'<table class="relations"><caption>روابط ({len(rows)})</caption>{head}{"".join(rows)}</table>'


def _document(n: int, task: dict, colors: dict[str, str], direction: str, stats: _Stats) -> tuple[str, str]:
    """The section of one document, and its line in the index."""
    stats.docs += 1
    text = task.get("text")
    text = text if isinstance(text, str) else ""
    problems: list[str] = []
    marks: list[_Mark] = []
    ent_ids: dict[tuple[int, int], int] = {}
    spans = task.get("spans") if isinstance(task.get("spans"), list) else []
    for i, span in enumerate(spans):
        if not _valid(span, len(text)):
            problems.append(f"موجودیت {i + 1}: بازه‌ی نامعتبر {_short(span, 120)}")
            continue
        if isinstance(span.get("text"), str) and span["text"] != text[span["start"]:span["end"]]:
            problems.append(f"موجودیت {i + 1}: متن «{_short(span['text'], 60)}» با متن سند نمی‌خواند")
        stats.labels[str(span.get("label") or "")] += 1
        ent_ids.setdefault((span["start"], span["end"]), i)
        marks.append(_entity_mark(n, i, span, colors))
    raw_claims = task.get("claims")
    claims: list[tuple[int, dict]] = []
    if isinstance(raw_claims, list):
        stats.with_claims += 1
        for j, claim in enumerate(raw_claims):
            if not _valid(claim, len(text)):
                problems.append(f"ادعای {j + 1}: بازه‌ی نامعتبر {_short(claim, 120)}")
                continue
            if isinstance(claim.get("text"), str) and claim["text"] != text[claim["start"]:claim["end"]]:
                problems.append(f"ادعای {j + 1}: متن «{_short(claim['text'], 60)}» با متن سند نمی‌خواند")
            claims.append((j, claim))
            marks.append(_claim_mark(n, j, claim))
            stats.claims += 1
            stats.kinds[str(claim.get("kind") or "")] += 1
            if not _speaker(claim)[0]:
                stats.no_speaker += 1
    relations = task.get("relations") if isinstance(task.get("relations"), list) else []
    stats.relations += len(relations)
    stats.problems += len(problems)

    title = _doc_title(task, n)
    head = [f'<h2><a class="num" href="#d{n}">{n}</a> <span class="doc-title">{_e(title)}</span></h2>']
    answer = task.get("answer")
    if answer is not None:
        stats.answers[str(answer)] += 1
        name = ANSWERS.get(str(answer))
        head.append(f'<span class="answer" data-answer="{_e(answer)}">{_e(name + " · " if name else "")}{_e(answer)}</span>')
    meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
    info = [(str(k), v) for k, v in meta.items()]
    info += [(k.strip("_"), task[k]) for k in ("_input_hash", "_task_hash") if k in task]
    if info:
        items = "".join(f"<div><dt>{_e(k)}</dt><dd>{_e(_short(v))}</dd></div>" for k, v in info)
        head.append(f'<dl class="meta">{items}</dl>')
    body = [f'<header class="doc-head">{"".join(head)}</header>']
    body.append(f'<div class="doc-text" dir="{direction}">{mark_up(text, marks)}</div>')
    if problems:
        body.append('<ul class="problems">' + "".join(f"<li>{_e(p)}</li>" for p in problems) + "</ul>")
    if claims:
        body.append(_claims_table(n, claims, ent_ids, colors))
    elif isinstance(raw_claims, list):
        body.append('<p class="no-claims">ادعای عددی ندارد.</p>')
    if relations:
        body.append(_relations_table(text, relations, colors))
    section = f'<section class="doc" id="d{n}" data-doc="{n}">{"".join(body)}</section>'

    counts = f"{len(marks) - len(claims)} موجودیت"
    if isinstance(raw_claims, list):
        counts += f" · {len(claims)} ادعا"
    if answer is not None:
        counts += f" · {answer}"
    entry = f'<li><a href="#d{n}">{_e(title)}</a> <small>{_e(counts)}</small></li>'
    return section, entry


# ------------------------------------------------------------------- page

_CSS = """
:root { --fa: "Vazirmatn", "Noto Naskh Arabic", "Noto Sans Arabic", "Sahel", "Tahoma", "DejaVu Sans", "Arial", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem 2rem 4rem; font-family: var(--fa); font-size: 17px; line-height: 1.7; color: #1f2328; background: #fff; }
code, .tag, .ctag, .chip, .num, .answer { font-family: "DejaVu Sans", "Noto Sans", "Arial", sans-serif; }
h1 { font-size: 1.5rem; margin: 0 0 .75rem; }
a { color: #0550ae; text-decoration: none; }
a:hover { text-decoration: underline; }
code { font-size: .75em; color: #57606a; direction: ltr; unicode-bidi: isolate; }
.summary { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin: 0 0 1rem; padding: .75rem 1rem; background: #f6f8fa; border: 1px solid #d0d7de; border-radius: .5rem; }
.summary dt { font-size: .8rem; color: #57606a; }
.summary dd { margin: 0; font-weight: bold; }
.chip { display: inline-block; padding: .05em .5em; margin: .1em 0; margin-inline-end: .3em; border-radius: .35em; font-size: .8em; font-weight: bold; direction: ltr; unicode-bidi: isolate; }
.chip.kind, .kind { color: #fff; background: var(--k); }
.kind { padding: 0 .4em; border-radius: .3em; font-size: .85em; }
.index summary { cursor: pointer; font-weight: bold; }
.index ol { columns: 2 24rem; margin: .5rem 0 1rem; padding-inline-start: 2.5rem; }
.index small { color: #57606a; }
.index a, .index small, .doc-title { unicode-bidi: isolate; }
.doc { border-top: 2px solid #d0d7de; padding: 1rem 0 1.5rem; content-visibility: auto; contain-intrinsic-size: auto 900px; }
.doc-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem 1rem; }
.doc-head h2 { font-size: 1.15rem; margin: 0; }
.doc-head .num { color: #57606a; }
.meta { display: flex; flex-wrap: wrap; gap: 0 1rem; margin: 0; font-size: .8rem; color: #57606a; }
.meta div { display: flex; gap: .3em; }
.meta dt::after { content: ":"; }
.meta dt, .meta dd { margin: 0; unicode-bidi: plaintext; }
.answer { font-size: .8rem; font-weight: bold; padding: .1em .6em; border-radius: 1em; background: #eaeef2; }
.answer[data-answer="accept"] { background: #dafbe1; color: #116329; }
.answer[data-answer="reject"] { background: #ffebe9; color: #a40e26; }
.doc-text { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 2.4; margin: .75rem 0; font-size: 1.05rem; }
mark.entity { color: inherit; padding: .35em .45em; margin: 0 .12em; line-height: 1; border-radius: .35em; -webkit-box-decoration-break: clone; box-decoration-break: clone; }
.tag::after, .ctag::after { content: attr(data-tag); direction: ltr; unicode-bidi: isolate; }
.tag { font-size: .68em; font-weight: bold; line-height: 1; vertical-align: middle; margin-inline-start: .45rem; unicode-bidi: isolate; }
.claim { border-bottom: 3px solid var(--k); padding-bottom: .1em; background: color-mix(in srgb, var(--k) 9%, transparent); -webkit-box-decoration-break: clone; box-decoration-break: clone; cursor: help; }
.ctag { font-size: .66em; font-weight: bold; line-height: 1; color: #fff; background: var(--k); border-radius: .3em; padding: .15em .35em; margin-inline-start: .3rem; vertical-align: middle; unicode-bidi: isolate; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin-top: .5rem; }
caption { text-align: start; font-weight: bold; padding: .25rem 0; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: start; vertical-align: top; }
th { background: #f6f8fa; font-weight: bold; }
td.num { white-space: nowrap; }
.none { color: #a40e26; }
.problems { color: #a40e26; font-size: .85rem; }
.no-claims { color: #57606a; font-size: .85rem; }
:target { outline: 3px solid #0969da; outline-offset: 2px; }
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def _summary(stats: _Stats, colors: dict[str, str]) -> str:
    items = [("اسناد", "docs", str(stats.docs))]
    if stats.answers:
        items.append(("پاسخ‌ها", "answers", " ".join(
            f'<span class="answer" data-answer="{_e(a)}">{_e(a)} {c}</span>' for a, c in stats.answers.most_common())))
    labels = " ".join(_label_chip(label, colors, count) for label, count in stats.labels.most_common())
    items.append(("موجودیت‌ها", "entities", f"{sum(stats.labels.values())} {labels}"))
    if stats.with_claims:
        kinds = " ".join(
            f'<span class="chip kind" style="--k: {color}">{_e(name)} {count}</span>'
            for kind, count in stats.kinds.most_common() for _, name, color in [_kind({"kind": kind})])
        items.append(("ادعاهای عددی", "claims", f"{stats.claims} {kinds}"))
        items.append(("ادعای بدون گوینده", "no-speaker", str(stats.no_speaker)))
    if stats.relations:
        items.append(("روابط", "relations", str(stats.relations)))
    if stats.problems:
        items.append(("مشکلات", "problems", f'<span class="none">{stats.problems}</span>'))
    body = "".join(f'<div><dt>{name}</dt><dd data-key="{key}">{value}</dd></div>' for name, key, value in items)
    return f'<dl class="summary" id="summary">{body}</dl>'


def render_tasks(tasks: Iterable[dict], *, title: str = "annotator report", direction: str = "rtl") -> str:
    """One self-contained HTML page for tasks in the output contract (or
    Prodigy `db-out` records). `direction` is that of the document texts:
    "rtl" (default), "ltr" or "auto" (per document, from its first strong
    character); the page itself is Persian, right to left."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    colors = label_colors()
    stats = _Stats()
    sections: list[str] = []
    entries: list[str] = []
    for n, task in enumerate(tasks, start=1):
        section, entry = _document(n, task if isinstance(task, dict) else {"text": str(task)}, colors, direction, stats)
        sections.append(section)
        entries.append(entry)
    index = (
        f'<nav class="index"><details{" open" if len(entries) <= 30 else ""}>'
        f'<summary>فهرست اسناد ({len(entries)})</summary><ol>{"".join(entries)}</ol></details></nav>'
    )
    return (
        '<!DOCTYPE html>\n<html lang="fa" dir="rtl"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="annotator render">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
        f"<body><header><h1>{_e(title)}</h1>{_summary(stats, colors)}</header>{index}"
        f'<main>{"".join(sections)}</main></body></html>\n'
    )


def doc_to_render_task(doc: Doc) -> dict:
    """What the report needs from an annotated Doc: its text, `doc.ents` as
    Prodigy spans, and `doc._.claims` when the extension exists (dicts in the
    output contract). `doc.user_data["title"]` and `["meta"]` are used too."""
    task: dict[str, Any] = {"text": doc.text, "spans": [span_dict(ent) for ent in doc.ents]}
    meta = doc.user_data.get("meta")
    task["meta"] = dict(meta) if isinstance(meta, dict) else {}
    if doc.user_data.get("title"):
        task["meta"].setdefault("title", doc.user_data["title"])
    if Doc.has_extension("claims"):
        claims = doc._.claims
        if claims is not None:
            task["claims"] = [c if isinstance(c, dict) else _span_claim(c) for c in claims]
    return task


def _span_claim(span: Any) -> dict:
    """A claim given as a Span rather than a contract dict: its offsets."""
    return {"start": span.start_char, "end": span.end_char, "text": span.text, "kind": getattr(span, "label_", None)}


def render_docs(docs: Iterable[Doc], *, title: str = "annotator report", direction: str = "rtl") -> str:
    """One self-contained HTML page for annotated Docs (e.g. from
    `annotator.load()`): entities from `doc.ents`, claims from `doc._.claims`."""
    return render_tasks((doc_to_render_task(doc) for doc in docs), title=title, direction=direction)
