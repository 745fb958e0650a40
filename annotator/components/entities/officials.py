"""OFFICIAL: a title naming one office-holder, along its ezafe chain.

A title head («معاون», «مدیرعامل», «استاندار» …), free modifiers («سیاسی»),
then what it is attached to: an organization, a ministry domain, a place or
another title («معاون وزیر صنعت، معدن و تجارت», «نماینده مردم تهران»). A
plural title names no one («مدیران کل»), and neither does a title after a
demonstrative («این مقام»).
"""
from __future__ import annotations

from spacy.tokens import Span

from annotator.components.entities.context import MAX_CHAIN, Context

MAX_FREE = 4  # words between a title and what it is attached to («معاون محیط زیست انسانی»)


def find_officials(ctx: Context) -> list[Span]:
    doc = ctx.doc
    titles = dict(ctx.marked("TITLES"))
    for span in ctx.units.values():
        if span.label_ == "OFFICIAL":
            titles.setdefault(span.start, span.end)
    found: list[Span] = []
    for start in sorted(titles):
        if start > 0 and doc[start - 1].norm_ in ctx.lex.demonstratives:
            continue
        end = title_end(ctx, start, titles, depth=0)
        if end:
            found.append(Span(doc, start, end, label="OFFICIAL"))
    return found


def title_end(ctx: Context, start: int, titles: dict[int, int], depth: int) -> int:
    """End of the title starting at `start`, or 0 if it names no one: a head,
    free modifiers («سیاسی»), then what it is attached to."""
    doc, lex, units = ctx.doc, ctx.lex, ctx.units
    if doc[start].norm_ in lex.plural_titles:
        return 0
    i = titles[start]
    end = 0
    if start in units and units[start].label_ == "OFFICIAL":
        # A title complete on its own («رئیس‌جمهور») may still take a place.
        i = end = max(i, units[start].end)
    elif doc[i - 1].norm_.endswith(lex.faqih):
        # «نماینده ولی فقیه» is complete on its own.
        end = i
    free = 0
    while i < len(doc) and i - start < MAX_CHAIN:
        unit_end = ctx.unit_at(i)
        if unit_end:
            i = end = unit_end
        elif i in titles and depth < 3:
            inner = title_end(ctx, i, titles, depth + 1)
            if not inner:
                break
            i = end = inner
        elif end:
            # After what the title is attached to, only a connector and a
            # place («… استان فارس») may follow, not free words.
            norm = doc[i].norm_
            if norm == lex.preposition_in and _represents(ctx, start, i, end):
                # «نماینده ولی فقیه در استان گیلان», «… در سپاه»
                end = ctx.unit_at(i + 2 if doc[i + 1].norm_ in lex.connectors else i + 1) or end
                break
            place = ctx.place_after_connector(i)
            if place:
                i = place
                continue
            place_end = ctx.marked("PLACES").get(i + 1)
            if place_end and norm in (lex.conjunction, "،", ",") and _constituency(ctx, start, i):
                i = end = place_end  # a constituency of several towns: «نماینده مردم آباده، بوانات و خرم‌بید»
                continue
            if norm == lex.conjunction and _org_at(ctx, i + 1):
                i = end = _org_at(ctx, i + 1)  # one title of two bodies: «سخنگوی وزارت بهداشت و ستاد ملی …»
                continue
            if _last_town_before_parliament(ctx, start, i):
                end = i + 2  # the last town of it, before «در مجلس», even when no list has it
            elif norm in lex.final_connectors or norm in lex.title_honorifics:
                end = i + 1
            break
        elif doc[i].norm_ == lex.conjunction and free and free < MAX_FREE and ctx.continues(i + 1):
            i += 1  # «معاون توسعه مدیریت و پشتیبانی …»
        elif doc[i].norm_ in lex.numbered and i + 1 < len(doc) and doc[i + 1].is_digit and free < MAX_FREE:
            free += 1
            i += 2  # «شهردار منطقه ۲۰ تهران», «رئیس شعبه ۱۱۳ دادگاه …»
        elif doc[i].norm_ in lex.title_qualifiers and free < MAX_FREE:
            free += 1
            i += 1  # «سرمربی سابق استقلال», «وزیر پیشین دفاع»
        elif i in ctx.person_starts or ctx.ends_chain(i) or doc[i].norm_ == lex.conjunction or free >= MAX_FREE:
            break
        else:
            free += 1
            i += 1
    return end


def _represents(ctx: Context, start: int, i: int, end: int) -> bool:
    """Whether the title ending at `end` is «نماینده ولی فقیه», which takes
    the place or organization after «در» at token i."""
    doc, lex = ctx.doc, ctx.lex
    return (doc[end - 1].norm_.endswith(lex.faqih) and i + 1 < len(doc)
            and any(t.norm_ in lex.representatives for t in doc[start:end]))


def _last_town_before_parliament(ctx: Context, start: int, i: int) -> bool:
    """«نماینده مردم آباده و X در مجلس»: X is the constituency's last town."""
    doc, lex = ctx.doc, ctx.lex
    return (doc[i].norm_ == lex.conjunction and i + 3 < len(doc) and doc[i + 2].norm_ == lex.preposition_in
            and doc[i + 3].norm_ in lex.parliaments and _constituency(ctx, start, i) and ctx.plain_word(i + 1)
            and not lex.nominal.get(doc[i + 1].norm_))


def _org_at(ctx: Context, i: int) -> int:
    """End of an organization or ministry found starting at token i, or 0."""
    unit = ctx.units.get(i)
    return unit.end if unit is not None and unit.label_ in ("ORG", "MINISTRY") else 0


def _constituency(ctx: Context, start: int, i: int) -> bool:
    return any(t.norm_ in ctx.lex.constituency for t in ctx.doc[start:i])
