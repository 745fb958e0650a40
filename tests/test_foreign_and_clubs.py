"""Names that news cites without a trigger word: foreign companies, brands,
outlets and people, and sports clubs (by a word that is also an ordinary
word only in a sports story)."""
from __future__ import annotations

import pytest


def ents(nlp, text: str) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in nlp(text).ents]


@pytest.mark.parametrize("text,expected", [
    ("سامسونگ گوشی جدید خود را عرضه کرد.", ("سامسونگ", "ORG")),
    ("بوئینگ تحویل هواپیماها را متوقف کرد.", ("بوئینگ", "ORG")),
    ("یوتیوب در مالکیت شرکت گوگل است.", ("یوتیوب", "ORG")),
    ("آنگلا مرکل درباره واکسن سخن گفت.", ("آنگلا مرکل", "PERSON")),
    ("پرسپولیس در لیگ برتر پیروز شد.", ("پرسپولیس", "ORG")),
])
def test_named_without_a_trigger(nlp, text, expected):
    assert expected in ents(nlp, text)


def test_a_club_named_by_an_ordinary_word_needs_a_sports_story(nlp):
    assert ents(nlp, "استقلال کشور و آزادی ملت برای ما مهم است.") == []
    sport = "هواداران استقلال پس از تساوی در لیگ از سرمربی انتقاد کردند."
    assert ("استقلال", "ORG") in ents(nlp, sport)


def test_the_currency_is_not_a_club(nlp):
    """«رئال» folds to «ریال»: the club's short name only in a sports story."""
    assert ents(nlp, "قیمت دلار به ۴۰ هزار ریال رسید.") == []
