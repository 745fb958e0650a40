"""Person names from the public name lists: a listed given name alone is
never a PERSON (many are ordinary words); a surname, a title, an occupation
or a verb of saying after it makes the name."""
from __future__ import annotations

import pytest


def persons(nlp, text: str) -> list[str]:
    return [e.text for e in nlp(text).ents if e.label_ == "PERSON"]


@pytest.mark.parametrize("text", [
    "امید به بهبود اوضاع زیاد است.",
    "بهار امسال زودتر از همیشه آمد.",
    "آزاد کردن زندانیان در دستور کار است.",
    "مهر ماه سال تحصیلی آغاز شد.",
    "با اشاره به در نظر گرفتن تمامی موارد سخن گفت.",  # «به‌در» is a name in the lists
    "پیام تسلیت رئیس جمهور منتشر شد.",
    "نظام سلامت کشور آماده است.",
    "ترانه‌های محلی در جشنواره اجرا شد.",
])
def test_a_given_name_alone_is_not_a_person(nlp, text):
    assert persons(nlp, text) == []


@pytest.mark.parametrize("text,name", [
    ("ترانه علیدوستی گفت که فیلم را دوست دارد.", "ترانه علیدوستی"),  # given name only the public lists hold
    ("ترانه علیدوستی بازیگر سینما در این مراسم حضور داشت.", "ترانه علیدوستی"),  # an occupation after it
    ("سعید شهرام، آهنگساز فیلم گفت که کار تمام شد.", "سعید شهرام"),
    ("سمیر غضبان افزود: قرارداد امضا شد.", "سمیر غضبان"),
    ("رحیم زارع جایگزین نکو در کمیسیون شد.", "رحیم زارع"),  # a surname that the lists also give as a first name
    ("بهداد سلیمی در این مسابقه قهرمان شد.", "بهداد سلیمی"),
])
def test_a_given_name_with_evidence_is_a_person(nlp, text, name):
    assert name in persons(nlp, text)


def test_the_name_lists_keep_their_licence_notices():
    from annotator.lexicons import DATA_DIR

    notices = (DATA_DIR / "NAMES.md").read_text(encoding="utf-8")
    assert "Apache License" in notices and "MIT License" in notices
    for name in ("given_names_public.tsv", "surnames_public.txt", "ambiguous_surnames.txt"):
        head = (DATA_DIR / name).read_text(encoding="utf-8")[:3000]
        assert "MIT" in head, name
