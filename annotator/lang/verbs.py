"""Persian verb forms, for finding where a name or a noun phrase ends.

Without a part-of-speech model (nothing may be downloaded), the rules need
to know a verb when they see one: an organization's name, an official's
title and a claim's counted noun all end before the verb of their clause.
The forms are generated from hazm's verb list (past#present stems) in the
tenses news copy uses (`annotator/data/verb_forms.json`), and kept as norms
so that «می‌شود», «می شود» and «ميشود» are one entry.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from hazm.utils import default_verbs

from annotator.lang.normalize import normalize
from annotator.lang.hazm_words import hazm_words
from annotator.lexicons import data_file, read_json, read_list


@dataclass(frozen=True)
class _Forms:
    verbs: frozenset[str]
    light: frozenset[str]
    copulas: frozenset[str]
    future: frozenset[str]


def _conjugate(past: str, present: str, table: dict) -> set[str]:
    """The finite forms and participles of one verb, without spaces or ZWNJ."""
    forms: set[str] = set()
    pres = list(table["present_endings"])
    if present.endswith(("ا", "و")):  # می‌آید, می‌گوید (but می‌شود, می‌رود)
        pres += table["present_endings_after_vowel"]
    for neg in ("", "ن"):
        for e in table["past_endings"]:
            forms.add(neg + past + e)
            forms.add(neg + "می" + past + e)
        for e in table["perfect_endings"]:
            forms.add(neg + past + e)
        for e in pres:
            forms.add(neg + "می" + present + e)
            forms.add(neg + present + e)
    for e in pres:
        forms.add("ب" + present + e)
    forms.update({"خواهد" + past, "خواهند" + past, "نخواهد" + past, "نخواهند" + past})
    return forms


@lru_cache(maxsize=1)
def _forms() -> _Forms:
    table = read_json("verb_forms.json")
    stems: list[tuple[str, str]] = []
    for line in default_verbs.read_text(encoding="utf-8").splitlines():
        past, _, present = line.strip().partition("#")
        if past and present:
            stems.append((past, present))
    light_forms: set[str] = set()
    for entry in read_list(data_file("light_verbs.txt")):
        past, present = entry.split()
        light_forms |= _conjugate(past, present, table)
    # A form that hazm's lexicon knows as a noun or adjective («ساخت»,
    # «رسید») is not trusted as a verb unless it belongs to a light verb.
    nominal = {w for w, tags in hazm_words().items() if tags & {"N", "AJ"}}
    forms: set[str] = set()
    for past, present in stems:
        forms |= _conjugate(past, present, table)
    forms = {normalize(f) for f in forms}
    nouns = {normalize(w) for w in read_list(data_file("not_verbs.txt"))}
    light = frozenset(normalize(f) for f in light_forms)
    copulas = frozenset(table["copulas"])
    auxiliaries = {normalize(a) for a in table["auxiliaries"]}
    verbs = (forms - nominal - nouns) | light | copulas | auxiliaries
    return _Forms(frozenset(verbs), light, copulas, frozenset(table["future"]))


def is_verb(norm: str) -> bool:
    """Whether a token norm is a finite verb or participle."""
    return norm in _forms().verbs


def ends_phrase_before(norm: str, next_norm: str, after_next: str = "") -> bool:
    """Whether a noun phrase ends before a word because the word belongs to
    the verb that follows it: the nominal part of a compound verb («اعلام
    کرد», «مجوز گرفتند», «نصب خواهد شد») or a participle before its
    auxiliary («رسیده است»)."""
    if not next_norm:
        return False
    forms = _forms()
    if next_norm in forms.light:
        return True
    if next_norm in forms.future and after_next in forms.light:
        return True
    return norm.endswith("ه") and next_norm in forms.copulas


def ends_phrase_at(doc, i: int) -> bool:
    """`ends_phrase_before` for token i of a Doc, with the two words after it."""
    n = len(doc)
    after = [doc[k].norm_ if k < n else "" for k in (i + 1, i + 2)]
    return ends_phrase_before(doc[i].norm_, *after)
