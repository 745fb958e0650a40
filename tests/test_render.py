"""The HTML report without a browser: structure, escaping, inputs, CLI.
(The page in a real browser: test_render_browser.py.)"""
from __future__ import annotations

import json
import re
import time
from html.parser import HTMLParser
from importlib.metadata import entry_points

import pytest
from spacy import displacy
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab
from typer.testing import CliRunner

from annotator.render.colors import LABEL_COLORS, colors
from annotator.render import render_docs, render_tasks
from conftest import shared_path
from render_samples import HOSTILE_TEXT, hostile_task, seed_task

VOID = {"meta", "br", "wbr", "hr", "img", "input", "link"}


class Page(HTMLParser):
    """Parses a report: checks nesting, collects elements and, per document,
    the text and the text of each entity and claim element."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.tags: list[tuple[str, dict]] = []
        self.docs: list[dict] = []
        self.feed(html)
        self.close()
        assert self.stack == [], f"unclosed: {self.stack}"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if attrs.get("class") == "doc-text":
            self.docs.append({"text": "", "ents": {}, "claims": {}})
        if tag not in VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        inside = [a for _, a in self.stack]
        if any(a.get("class") == "doc-text" for a in inside):
            doc = self.docs[-1]
            doc["text"] += data
            for a in inside:
                for key, layer in (("data-ent", "ents"), ("data-claim", "claims")):
                    if key in a:
                        doc[layer][int(a[key])] = doc[layer].get(int(a[key]), "") + data


def _valid(items, text):
    return {i: text[x["start"]:x["end"]] for i, x in enumerate(items) if 0 <= x["start"] < x["end"] <= len(text)}


def test_seed_and_hostile_documents_are_marked_and_escaped():
    tasks = [seed_task(), hostile_task()]
    page = Page(render_tasks(tasks, title="<script>t</script>"))
    assert [t for t, _ in page.tags if t in ("script", "img", "iframe", "object", "embed", "link", "base")] == []
    assert not [(t, k) for t, a in page.tags for k in a if k.startswith("on")]
    assert [t for t, _ in page.tags].count("style") == 1
    for task, doc in zip(tasks, page.docs):
        assert doc["text"] == task["text"]
        assert doc["ents"] == _valid(task["spans"], task["text"])
        assert doc["claims"] == _valid(task["claims"], task["text"])
    assert len(page.docs[0]["ents"]) == 17 and len(page.docs[0]["claims"]) == 12


def test_page_is_self_contained():
    html = render_tasks([seed_task()])
    assert "http://" not in html and "https://" not in html and "url(" not in html and "@import" not in html
    assert "default-src 'none'" in html
    head = html[:html.index("<body")]
    assert 'dir="rtl"' in head and 'lang="fa"' in head and '<meta charset="utf-8">' in head


def test_summary_counts():
    html = render_tasks([seed_task(), hostile_task()])
    summary = html[html.index('id="summary"'):html.index("</dl>")]
    assert 'data-key="docs">2<' in summary
    assert 'data-key="no-speaker">1<' in summary  # the hostile crossing claim
    assert 'data-key="claims">14 ' in summary
    assert 'OFFICIAL <b>8</b>' in summary and 'PERSON <b>2</b>' in summary


def test_headings_in_english_with_the_persian_beside():
    rel = [json.loads(line) for line in
           shared_path("data", "prodigy", "rel_component_db_out.jsonl").read_text(encoding="utf-8").splitlines()[:1]]
    html = render_tasks([seed_task(), hostile_task()] + rel)
    for en, fa in [("Documents", "اسناد"), ("Entities", "موجودیت‌ها"), ("Numeric claims", "ادعاهای عددی"),
                   ("Claims without a speaker", "ادعای بدون گوینده"), ("Relations", "روابط"), ("Problems", "مشکلات"),
                   ("Documents", "فهرست اسناد"), ("Quantity as written", "کمیت در متن"), ("Speaker", "گوینده"),
                   ("Head", "سر"), ("Child", "وابسته")]:
        assert f'<span lang="en" dir="ltr">{en}</span> <span class="fa">{fa}</span>' in html, en
    page = Page(html)
    assert [t for t, a in page.tags if t == "caption"] == ["caption"] * 3
    assert '<caption><span lang="en" dir="ltr">Numeric claims</span> <span class="fa">ادعاهای عددی</span> (12)' in html


def test_meta_line_is_isolated_left_to_right():
    task = seed_task()
    task["meta"]["url"] = "https://www.farsnews.ir/news/14040823000123/خبر"
    html = render_tasks([task], title="out-2.jsonl")
    meta = html[html.index('<dl class="meta"'):]
    meta = meta[:meta.index("</dl>")]
    assert meta.startswith('<dl class="meta" dir="ltr">')
    values = re.findall("<dd>(.*?)</dd>", meta)
    assert len(values) == len(task["meta"]) == 3
    assert all(re.fullmatch('<bdi dir="ltr">[^<]*</bdi>', v) for v in values)
    assert '<dd><bdi dir="ltr">https://www.farsnews.ir/news/14040823000123/خبر</bdi></dd>' in meta
    assert "<h1><bdi>out-2.jsonl</bdi></h1>" in html


def test_overlapping_layers_nest_and_keep_every_span():
    text = "الف ب ج د ه و ز"
    spans = [{"start": 0, "end": 5, "label": "ORG"}, {"start": 2, "end": 9, "label": "PERSON"},
             {"start": 2, "end": 9, "label": "PERSON"}, {"start": 11, "end": 15, "label": "MINISTRY"}]
    claims = [{"start": 4, "end": 13, "text": text[4:13], "value": 2, "kind": "count", "qualifier": "exact"},
              {"start": 0, "end": 15, "text": text, "value": None, "low": 1, "high": 3, "kind": "money", "qualifier": "range"}]
    task = {"text": text, "spans": spans, "claims": claims}
    doc = Page(render_tasks([task])).docs[0]
    assert doc["text"] == text
    assert doc["ents"] == _valid(spans, text) and doc["claims"] == _valid(claims, text)


def test_claims_table_and_hover():
    html = render_tasks([seed_task()])
    assert html.count('data-claim-row=') == 12
    assert "<bdi dir=\"ltr\">5–20</bdi>" in html and "31,500" in html
    assert 'data-tag="&gt;37%"' in html  # value beside the claim in the text
    i = html.index('id="d1-c2"')
    tip = html[i:html.index(">", i)]
    for part in ("مقدار: 37", "واحد: درصد", "more_than", "percent", "گوینده: صادق نجفی (PERSON)"):
        assert part in tip
    assert html.count('href="#d1-e5"') == 12  # every speaker links to «صادق نجفی» in the text


def test_invalid_input_is_reported_not_fatal():
    text = "سلام"
    tasks = [
        {"text": text, "spans": [{"start": 0, "end": 99, "label": "ORG"}, {"start": "0", "end": 2}, "junk"],
         "claims": [{"start": 1, "end": 1}, {"start": 0, "end": 4, "value": "x", "speaker": ["نام"], "kind": None}]},
        {"image": "data:..."},
        "not a dict",
    ]
    html = render_tasks(tasks)
    assert 'data-key="problems"' in html and html.count('data-doc=') == 3
    assert Page(html).docs[0]["claims"] == {1: text}


def test_prodigy_db_out():
    lines = shared_path("data", "prodigy", "ner_tweets_db_out.jsonl").read_text(encoding="utf-8").splitlines()
    tasks = [json.loads(line) for line in lines]
    html = render_tasks(tasks, direction="auto")
    page = Page(html)
    assert len(page.docs) == len(tasks)
    assert 'data-answer="ignore">ignore 4<' in html and 'data-answer="accept">accept 519<' in html
    assert 'data-key="claims"' not in html  # nothing to say about claims there
    for task, doc in zip(tasks, page.docs):
        assert doc["text"] == task["text"] and doc["ents"] == _valid(task["spans"], task["text"])
    rel = [json.loads(line) for line in
           shared_path("data", "prodigy", "rel_component_db_out.jsonl").read_text(encoding="utf-8").splitlines()[:5]]
    html = render_tasks(rel)
    assert html.count('<table class="relations">') == 5 and "Pos-Reg" in html


def test_thousands_of_tasks_render_quickly():
    task = seed_task()
    start = time.perf_counter()
    html = render_tasks([task] * 1000)
    assert time.perf_counter() - start < 10
    assert html.count('<section class="doc"') == 1000 and 'id="d1000"' in html
    assert "<details open>" not in html  # a long index starts folded


def test_render_docs_from_the_pipeline():
    import annotator

    nlp = annotator.load()
    text = "به گزارش خبرگزاری ایرنا، صادق نجفی معاون وزیر صنعت، معدن و تجارت گفت: بیش از ۳۷ درصد <b>مسایل</b>"
    doc = nlp(text)
    assert doc.ents
    page = Page(render_docs([doc]))
    assert page.docs[0]["text"] == text
    assert page.docs[0]["ents"] == {i: e.text for i, e in enumerate(doc.ents)}


def test_render_docs_reads_claims_extension():
    import annotator

    added = not Doc.has_extension("claims")
    if added:
        Doc.set_extension("claims", default=None)
    try:
        doc = annotator.blank()("نجفی گفت: ۹۰ درصد صنایع کوچک هستند")
        doc.ents = [Span(doc, 0, 1, label="PERSON")]
        start = doc.text.index("۹۰")
        doc._.claims = [{"start": start, "end": start + 7, "text": "۹۰ درصد", "value": 90, "low": None, "high": None,
                         "qualifier": "exact", "kind": "percent", "unit": "درصد",
                         "speaker": {"start": 0, "end": 4, "text": "نجفی", "label": "PERSON"}}]
        html = render_docs([doc])
        assert Page(html).docs[0]["claims"] == {0: "۹۰ درصد"}
        assert 'data-tag="90%"' in html and 'href="#d1-e0"' in html
    finally:
        if added:
            Doc.remove_extension("claims")


def test_displacy_colors_entry_point():
    found = {ep.name: ep for ep in entry_points(group="spacy_displacy_colors")}
    if "annotator" not in found:
        pytest.fail("entry point spacy_displacy_colors:annotator not installed: pip install -e . again")
    assert found["annotator"].load()() == colors() == LABEL_COLORS
    doc = Doc(Vocab(), words=["وزارت", "نفت", "گفت"])
    doc.ents = [Span(doc, 0, 2, label="MINISTRY")]
    assert LABEL_COLORS["MINISTRY"] in displacy.render(doc, style="ent")


def test_cli_render(tmp_path):
    from annotator.cli import app

    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(t, ensure_ascii=False) for t in (seed_task(), hostile_task())), encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["render", str(src), "-o", str(out), "--limit", "1"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<title>in.jsonl</title>" in html and html.count('<section class="doc"') == 1
    assert HOSTILE_TEXT[:10] not in html
    result = CliRunner().invoke(app, ["render", str(src), "-o", str(out), "--dir", "up"])
    assert result.exit_code != 0
