"""The report page: head, style, summary of the file, index and documents,
for tasks (`render_tasks`) or annotated Docs (`render_docs`).
"""
from __future__ import annotations

from typing import Any, Iterable

from spacy.displacy.render import EntityRenderer
from spacy.tokens import Doc

import annotator.render.colors  # noqa: F401  (registers the label colours)

from .claims import kind_of
from .document import Stats, document_section
from .markup import esc, heading, label_chip

DIRECTIONS = ("rtl", "ltr", "auto")


def label_colors() -> dict[str, str]:
    """Label → colour as displaCy's `ent` renderer sees them: its defaults,
    updated with every `spacy_displacy_colors` entry point (ours included)."""
    return EntityRenderer({}).colors


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
.fa { font-weight: normal; color: #57606a; }
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
.meta dt, .meta dd { margin: 0; }
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


def _summary(stats: Stats, colors: dict[str, str]) -> str:
    """The summary of the file, at the top of the page."""
    items = [(heading("Documents", "اسناد"), "docs", str(stats.docs))]
    if stats.answers:
        items.append((heading("Answers", "پاسخ‌ها"), "answers", " ".join(
            f'<span class="answer" data-answer="{esc(a)}">{esc(a)} {c}</span>' for a, c in stats.answers.most_common())))
    labels = " ".join(label_chip(label, colors, count) for label, count in stats.labels.most_common())
    items.append((heading("Entities", "موجودیت‌ها"), "entities", f"{sum(stats.labels.values())} {labels}"))
    if stats.with_claims:
        kinds = " ".join(
            f'<span class="chip kind" style="--k: {color}">{esc(name)} {count}</span>'
            for kind, count in stats.kinds.most_common() for _, name, color in [kind_of({"kind": kind})])
        items.append((heading("Numeric claims", "ادعاهای عددی"), "claims", f"{stats.claims} {kinds}"))
        items.append((heading("Claims without a speaker", "ادعای بدون گوینده"), "no-speaker", str(stats.no_speaker)))
    if stats.relations:
        items.append((heading("Relations", "روابط"), "relations", str(stats.relations)))
    if stats.problems:
        items.append((heading("Problems", "مشکلات"), "problems", f'<span class="none">{stats.problems}</span>'))
    body = "".join(f'<div><dt>{name}</dt><dd data-key="{key}">{value}</dd></div>' for name, key, value in items)
    return f'<dl class="summary" id="summary">{body}</dl>'


def render_tasks(tasks: Iterable[dict], *, title: str = "annotator report", direction: str = "rtl") -> str:
    """One self-contained HTML page for tasks in the output contract (or
    Prodigy `db-out` records). `direction` is that of the document texts:
    "rtl" (default), "ltr" or "auto" (per document, from its first strong
    character); the page itself is right to left, its headings in English
    with the Persian labels beside them."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    colors = label_colors()
    stats = Stats()
    sections: list[str] = []
    entries: list[str] = []
    for n, task in enumerate(tasks, start=1):
        section, entry = document_section(n, task if isinstance(task, dict) else {"text": str(task)}, colors, direction, stats)
        sections.append(section)
        entries.append(entry)
    index = (
        f'<nav class="index"><details{" open" if len(entries) <= 30 else ""}>'
        f'<summary>{heading("Documents", "فهرست اسناد")} ({len(entries)})</summary><ol>{"".join(entries)}</ol></details></nav>'
    )
    return (
        '<!DOCTYPE html>\n<html lang="fa" dir="rtl"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="annotator render">'
        f"<title>{esc(title)}</title><style>{_CSS}</style></head>"
        f"<body><header><h1><bdi>{esc(title)}</bdi></h1>{_summary(stats, colors)}</header>{index}"
        f'<main>{"".join(sections)}</main></body></html>\n'
    )


def doc_to_render_task(doc: Doc) -> dict:
    """What the report needs from an annotated Doc: its text, `doc.ents` as
    Prodigy spans, and `doc._.claims` when the extension exists (dicts in the
    output contract). `doc.user_data["title"]` and `["meta"]` are used too."""
    task: dict[str, Any] = {"text": doc.text, "spans": [
        {"start": ent.start_char, "end": ent.end_char, "label": ent.label_} for ent in doc.ents]}
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
