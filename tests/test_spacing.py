"""Ugly spacing and punctuation in real copy: every Unicode space is a space
for matching, ASCII punctuation glued to a Persian word is not part of it,
and offsets always stay as written."""
from __future__ import annotations

import pytest

SPACES = {
    "no-break space": "\u00a0",
    "no-break space and a space": "\u00a0 ",
    "narrow no-break space": "\u202f",
    "thin space": "\u2009",
    "en space": "\u2002",
    "ZWNJ then a space": "\u200c ",
    "a space then ZWNJ": " \u200c",
}


@pytest.mark.parametrize("space", list(SPACES.values()), ids=list(SPACES))
def test_a_title_runs_through_any_space(nlp, space):
    text = f"معاون{space}توسعه مدیریت وزارت نفت گفت: تولید ۲۰ درصد بیشتر شد."
    doc = nlp(text)
    title = text[: text.index(" گفت")]
    assert [(e.text, e.label_) for e in doc.ents] == [(title, "OFFICIAL")]
    assert doc._.claims[0]["speaker"]["text"] == title
    assert doc.text == text


@pytest.mark.parametrize("space", list(SPACES.values()), ids=list(SPACES))
def test_an_organization_runs_through_any_space(nlp, space):
    text = f"سازمان{space}برنامه و بودجه اعلام کرد."
    assert [(e.text, e.label_) for e in nlp(text).ents] == [(text[: text.index(" اعلام")], "ORG")]


@pytest.mark.xfail(strict=True, reason="a doubled ASCII space still cuts a name: seeing through it would rebuild a "
                   "quarter of real documents (slow), and did not change the figures on the gold sets")
def test_a_title_runs_through_two_plain_spaces(nlp):
    text = "معاون  توسعه مدیریت وزارت نفت گفت: تولید ۲۰ درصد بیشتر شد."
    assert [e.text for e in nlp(text).ents] == ["معاون  توسعه مدیریت وزارت نفت"]


@pytest.mark.parametrize("text,name", [
    ("علی رضایی, سخنگوی دولت گفت", "علی رضایی"),
    ("علی رضایی,سخنگوی دولت گفت", "علی رضایی"),
    ("علی رضایی; سخنگوی دولت گفت", "علی رضایی"),
])
def test_ascii_punctuation_is_not_part_of_a_name(nlp, text, name):
    doc = nlp(text)
    assert ("PERSON", name) in [(e.label_, e.text) for e in doc.ents]
    assert ("OFFICIAL", "سخنگوی دولت") in [(e.label_, e.text) for e in doc.ents]


def test_glued_punctuation_tokens(tokenizer_nlp):
    doc = tokenizer_nlp("رضایی,سخنگوی; الف,,ب و 31,500 تومان")
    assert [t.text for t in doc] == ["رضایی", ",", "سخنگوی", ";", "الف", ",", ",", "ب", "و", "31,500", "تومان"]


def test_a_line_break_still_ends_a_name(nlp):
    doc = nlp("سازمان برنامه\nو بودجه")
    assert "سازمان برنامه\nو بودجه" not in [e.text for e in doc.ents]
