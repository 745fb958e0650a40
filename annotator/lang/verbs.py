"""Persian verb forms, for finding where a name or a noun phrase ends.

Without a part-of-speech model (nothing may be downloaded), the rules need
to know a verb when they see one: an organization's name, an official's
title and a claim's counted noun all end before the verb of their clause.
The forms are generated from hazm's verb list (past#present stems) in the
tenses news copy uses, and kept as norms so that «می‌شود», «می شود» and
«ميشود» are one entry.
"""
from __future__ import annotations

from functools import lru_cache

from hazm.utils import default_verbs

from annotator.lexicons import data_file, hazm_words, read_list
from annotator.lang.normalize import normalize

_FUTURE = frozenset(["خواهد", "خواهند", "نخواهد", "نخواهند", "خواهیم"])
# Copulas and the auxiliary of the perfect: «رسیده است», «مصوب است».
_COPULAS = frozenset(["است", "هست", "هستند", "نیست", "نیستند", "بود", "بودند", "نبود", "باشد", "باشند", "اند", "ایم", "ام"])
# Second-person forms are left out: news hardly uses them, and they spell
# common nouns («اطلاع‌رسانی», «سازمان‌دهی», «گزارش‌دهی»).
_PAST_ENDINGS = ("", "م", "یم", "ند")
_PRESENT_ENDINGS = ("م", "د", "یم", "ند")
_PERFECT = ("ه", "هام", "هاست", "هایم", "هاند")


def _conjugate(past: str, present: str) -> set[str]:
    """The finite forms and participles of one verb, without spaces or ZWNJ."""
    forms: set[str] = set()
    pres = list(_PRESENT_ENDINGS)
    if present.endswith(("ا", "و")):  # می‌آید, می‌گوید (but می‌شود, می‌رود)
        pres += ["ید", "یند"]
    for neg in ("", "ن"):
        for e in _PAST_ENDINGS:
            forms.add(neg + past + e)
            forms.add(neg + "می" + past + e)
        for e in _PERFECT:
            forms.add(neg + past + e)
        for e in pres:
            forms.add(neg + "می" + present + e)
            forms.add(neg + present + e)
    for e in pres:
        forms.add("ب" + present + e)
    forms.update({"خواهد" + past, "خواهند" + past, "نخواهد" + past, "نخواهند" + past})
    return forms


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], frozenset[str]]:
    stems: list[tuple[str, str]] = []
    for line in default_verbs.read_text(encoding="utf-8").splitlines():
        past, _, present = line.strip().partition("#")
        if past and present:
            stems.append((past, present))
    light = []
    for entry in read_list(data_file("light_verbs.txt")):
        past, present = entry.split()
        light.append((past, present))
    light_forms = set()
    for past, present in light:
        light_forms |= _conjugate(past, present)
    # Auxiliaries and modals end a phrase like any verb, but the word before
    # them is not part of them («۱۶ هزار نفر خواهد رسید»).
    auxiliaries = {"خواهد", "خواهند", "نخواهد", "نخواهند", "باید", "نباید", "میتوان", "نمیتوان"}
    # A form that hazm's lexicon knows as a noun or adjective («ساخت»,
    # «رسید») is not trusted as a verb unless it belongs to a light verb.
    nominal = {w for w, tags in hazm_words().items() if tags & {"N", "AJ"}}
    forms: set[str] = set()
    for past, present in stems:
        forms |= _conjugate(past, present)
    forms = {normalize(f) for f in forms}
    nouns = {normalize(w) for w in read_list(data_file("not_verbs.txt"))}
    light_norms = frozenset(normalize(f) for f in light_forms)
    verbs = (forms - nominal - nouns) | light_norms | _COPULAS | {normalize(a) for a in auxiliaries}
    return frozenset(verbs), light_norms


def is_verb(norm: str) -> bool:
    """Whether a token norm is a finite verb or participle."""
    return norm in _lexicon()[0]


def is_light_verb(norm: str) -> bool:
    """Whether a token norm is a form of a light verb («کرد», «شده»), whose
    preceding word is the nominal part of a compound verb."""
    return norm in _lexicon()[1]


def is_copula(norm: str) -> bool:
    """Whether a token norm is a copula or perfect auxiliary («است», «بود»)."""
    return norm in _COPULAS


def ends_phrase_before(norm: str, next_norm: str, after_next: str = "") -> bool:
    """Whether a noun phrase ends before a word because the word belongs to
    the verb that follows it: the nominal part of a compound verb («اعلام
    کرد», «مجوز گرفتند», «نصب خواهد شد») or a participle before its
    auxiliary («رسیده است»)."""
    if not next_norm:
        return False
    if is_light_verb(next_norm):
        return True
    if next_norm in _FUTURE and is_light_verb(after_next):
        return True
    return norm.endswith("ه") and is_copula(next_norm)
