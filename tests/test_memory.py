"""The entity memory: a document's later, shorter mentions of the names it
has found, as a separate step that can be switched off."""
from __future__ import annotations

import pytest

import annotator


def ents(nlp, text: str) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in nlp(text).ents]


@pytest.mark.parametrize("text,later", [
    # a short form defined in brackets after the name, then used alone
    ("سازمان حمایت از مصرف کنندگان و تولیدکنندگان (حمایت) اعلام کرد. حمایت همچنین گفت قیمت‌ها ثابت است.",
     [("حمایت", "ORG"), ("حمایت", "ORG")]),
    ("به گزارش خبرگزاری فرانس پرس (AFP)، AFP افزود که تظاهرات ادامه دارد.", [("AFP", "ORG"), ("AFP", "ORG")]),
    # a name whose first word no list holds, then its first word alone
    ("ژانگ ونهونگ گفت که ویروس خطرناک است. ژانگ در ادامه افزود که واکسن آماده نیست.", [("ژانگ", "PERSON")]),
    # the last part of a three-word name; «الله» never a name on its own
    ("هبت الله آخندزاده رهبر طالبان است. آخندزاده در مراسم شرکت نکرد. ان شاء الله خوب شود.", [("آخندزاده", "PERSON")]),
    # an organization named again by its head and last word
    ("دانشگاه علوم پزشکی شیراز اعلام کرد که کلاس‌ها تعطیل است. دانشگاه شیراز همچنین گفت امتحانات برگزار می‌شود.",
     [("دانشگاه شیراز", "ORG")]),
])
def test_later_mentions(nlp, text, later):
    found = ents(nlp, text)
    for item in later:
        assert item in found
    assert found.count(later[0]) >= later.count(later[0])
    assert ("الله", "PERSON") not in found


def test_an_honorific_and_a_remembered_surname(nlp):
    text = "محمدرضا پورابراهیمی رئیس کمیسیون اقتصادی گفت قیمت‌ها بالا رفت. دکتر پورابراهیمی افزود که نظارت لازم است."
    found = ents(nlp, text)
    assert found.count(("پورابراهیمی", "PERSON")) == 1


def test_the_memory_can_be_switched_off():
    nlp = annotator.load()
    text = "ژانگ ونهونگ گفت که ویروس خطرناک است. ژانگ در ادامه افزود."
    assert ("ژانگ", "PERSON") in ents(nlp, text)
    nlp.remove_pipe("annotator_entity_memory")
    assert ("ژانگ", "PERSON") not in ents(nlp, text)
