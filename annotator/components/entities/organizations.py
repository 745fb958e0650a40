"""ORG (and MINISTRY grown by its country): organizations named by an
organization word and the name after it.

An organization word («سازمان», «شرکت», «دانشگاه» …) followed by its name,
up to a sound boundary (a verb, a preposition, punctuation, «که» …), is an
ORG; known names, ministry domains («صنعت، معدن و تجارت») and places
inside the chain are taken whole, commas and «و» included.
"""
from __future__ import annotations

from spacy.tokens import Span

from annotator.components.entities.context import MAX_CHAIN, Context
from annotator.numbers import find_numbers


def foreign_ministries(ctx: Context, lexicon: list[Span]) -> list[Span]:
    """A ministry followed by its country is one MINISTRY («وزارت نفت هند»,
    «وزارت دفاع جمهوری آذربایجان»)."""
    doc = ctx.doc
    places = ctx.marked("PLACES")
    out = []
    for span in lexicon:
        if span.label_ != "MINISTRY":
            continue
        i = span.end
        if i < len(doc) and doc[i].norm_ in ctx.lex.country_prefixes:
            i += 1
        if i in places:
            out.append(Span(doc, span.start, places[i], label="MINISTRY", span_id=span.id))
    return out


def find_orgs(ctx: Context) -> list[Span]:
    doc, lex = ctx.doc, ctx.lex
    found: list[Span] = []
    for start, trig_end in sorted(ctx.marked("TRIGGERS").items()):
        if start > 0 and (doc[start - 1].norm_ in lex.demonstratives or doc[start - 1].like_num):
            # «این سازمان», «۵۴ فدراسیون ورزشی»: a reference or a count, not a name.
            continue
        if trig_end < len(doc) and doc[trig_end].norm_ in lex.generic:
            continue
        plural = doc[trig_end - 1].norm_.endswith(lex.plural_suffixes)
        known = ctx.units.get(start)
        if known is not None and known.label_ in ("ORG", "MINISTRY") and known.end >= trig_end:
            # A known name («بانک مرکزی») may only grow by a place.
            end, anchored = chain(ctx, known.end, start, anchored=True)
        else:
            end, anchored = chain(ctx, trig_end, start)
        if end == trig_end or (plural and not anchored) or (known is not None and end <= known.end):
            continue
        if plural and end == trig_end + 1 and doc[trig_end].norm_ in lex.final_connectors:
            continue  # «باشگاه‌های کشور», «دانشگاه‌های استان»: all of them, not a name
        found.append(Span(doc, start, end, label="ORG"))
    return found


def numbered(ctx: Context, spans: list[Span]) -> list[Span]:
    """An organization numbered by an ordinal after it: «مجلس دهم»,
    «کابینه یازدهم» (the ordinal is part of the name)."""
    doc, lex = ctx.doc, ctx.lex
    out = []
    for span in spans:
        if span.label_ == "ORG" and span.end < len(doc) and doc[span.end - 1].norm_ in lex.ordinal_heads \
                and _is_ordinal(doc[span.end].text):
            out.append(Span(doc, span.start, span.end + 1, label="ORG", span_id=span.id))
    return out


def _is_ordinal(text: str) -> bool:
    found = find_numbers(text, quantities_only=False)
    return (len(found) == 1 and found[0].kind in ("ordinal", "name") and found[0].end == len(text)
            and not text[0].isdigit())


def chain(ctx: Context, i: int, start: int, anchored: bool = False) -> tuple[int, bool]:
    """Walk an ezafe chain from token i; return its end and whether it took
    a known name, domain or place (an anchor). Free words may come before
    the anchor («معاونت طرح و برنامه» + «وزارت صنعت …»); after it only a
    connector and a place («… استان زنجان») may follow."""
    doc, lex = ctx.doc, ctx.lex
    titles = ctx.marked("TITLES")
    end = first = i
    while i < len(doc) and i - start < MAX_CHAIN:
        unit_end = ctx.unit_at(i, short_domains=False)
        if unit_end:
            i = end = unit_end
            anchored = True
            continue
        if i in ctx.person_starts or i in titles:
            break
        norm = doc[i].norm_
        if anchored:
            place = ctx.place_after_connector(i)
            if place:
                i = place
                continue
            if norm in lex.final_connectors:
                end = i + 1
            break
        if norm == lex.conjunction:
            if i > first and ctx.continues(i + 1):
                i += 1
                continue
            break
        if norm in lex.numbered and i + 1 < len(doc) and doc[i + 1].is_digit:
            i = end = i + 2  # «دادگاه … شعبه ۱۱۳»
            continue
        if i == first and i > 0 and doc[i].is_digit and doc[i - 1].norm_ in lex.numbered:
            i = end = i + 1  # the number of a head that ends in «منطقه»: «شهرداری منطقه ۲۰»
            continue
        if ctx.ends_chain(i):
            break
        i = end = i + 1
    return end, anchored
