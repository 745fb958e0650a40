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
from annotator.lang.verbs import ends_phrase_at, is_verb
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
        if not plural and doc[start].norm_ in lex.association_heads:
            end = _runs_to_national(ctx, start, end)
        found.append(Span(doc, start, end, label="ORG"))
    return found


def with_national_place(ctx: Context, lexicon: list[Span]) -> list[Span]:
    """A known organization followed by Iran or a province is one ORG with
    it («جامعه اسلامی مهندسین ایران», «بهزیستی استان فارس»)."""
    doc = ctx.doc
    national = ctx.marked("NATIONAL")
    out = []
    for span in lexicon:
        if span.label_ != "ORG" or span.end >= len(doc):
            continue
        at = span.end + 1 if doc[span.end].norm_ in ctx.lex.connectors and span.end + 1 in national else span.end
        if at in national:
            out.append(Span(doc, span.start, national[at], label="ORG", span_id=span.id))
    return out


def _runs_to_national(ctx: Context, start: int, end: int) -> int:
    """The end of an association's long name that runs on, across «از»,
    «با», «و» and plain words, to Iran or a province («انجمن حمایت از
    بیماران کلیوی ایران»); `end` if it does not."""
    doc, lex = ctx.doc, ctx.lex
    national = ctx.marked("NATIONAL")
    if any(k in national for k in range(start, end)):
        return end
    i = end
    while i < len(doc) and i - start < MAX_CHAIN:
        if i in national:
            return national[i]
        norm = doc[i].norm_
        if norm in lex.name_prepositions or norm == lex.conjunction or norm in lex.connectors:
            i += 1
            continue
        if i in ctx.person_starts or ctx.marked_at(i, "TITLES", "TRIGGERS") or not ctx.plain_word(i):
            return end
        i += 1
    return end


def facilities(ctx: Context) -> list[Span]:
    """A facility or company named by a head noun and a place, a name or a
    number («پتروشیمی مارون», «پالایشگاه نفت آبادان», «گمرک بازرگان», «شرکت
    آب منطقه‌ای خوزستان», «اورژانس ۱۱۵»). A head alone is an industry or a
    kind of place («صنعت پتروشیمی», «به زندان محکوم شد»), not an ORG, unless
    it names one body on its own («بهزیستی»)."""
    doc, lex = ctx.doc, ctx.lex
    found: list[Span] = []
    covered = {k for s in ctx.units.values() for k in range(s.start, s.end)}
    for start, (head_end, needs) in sorted(lex.match_heads(doc).items()):
        before = doc[start - 1].norm_ if start > 0 else ""
        if start in covered or before in lex.demonstratives or before in lex.venues or (start > 0 and doc[start - 1].like_num):
            continue
        if doc[head_end - 1].norm_.endswith(lex.plural_suffixes):
            continue  # «پتروشیمی‌ها»: the industry
        end = _facility_end(ctx, head_end, needs.split("+")[0])
        if not end and needs.endswith("+alone") and _noun_phrase_ends(ctx, head_end):
            end = head_end  # «بهزیستی اعلام کرد», not «نظام پزشکی کشورها»
        if end:
            found.append(Span(doc, start, end, label="ORG"))
    return found


def _facility_end(ctx: Context, i: int, needs: str) -> int:
    """End of what names the facility after its head at token i, or 0: a
    place (after a connector or one or two type words: «پالایشگاه نفت
    آبادان»), a name of up to three words no lexicon knows as a common word,
    or a number."""
    doc, lex = ctx.doc, ctx.lex
    places = ctx.marked("PLACES")
    if i >= len(doc):
        return 0
    if "number" in needs and doc[i].is_digit:
        return i + 1
    if "place" in needs or needs == "any":
        for k in (i, i + 1, i + 2):
            if k < len(doc) and (k == i or not ctx.ends_chain(k - 1)):
                at = ctx.place_after_connector(k) or k
                if at in places and doc[at].norm_ not in lex.deictic_places:
                    return places[at]
    if "name" in needs or needs == "any":
        end = i
        while end < len(doc) and end - i < 3 and _name_word(ctx, end):
            end += 1
        return end if end > i else 0
    return 0


def _noun_phrase_ends(ctx: Context, k: int) -> bool:
    """Whether the noun phrase ends before token k: the end, punctuation, a
    verb (or the nominal part of one), a conjunction or preposition."""
    doc = ctx.doc
    if k >= len(doc) or doc[k].is_punct or doc[k].is_space:
        return True
    norm = doc[k].norm_
    return (norm == ctx.lex.conjunction or "P" in ctx.lex.nominal.get(norm, ()) or is_verb(norm)
            or ends_phrase_at(doc, k))


def _name_word(ctx: Context, k: int) -> bool:
    """A word of a proper name: a plain word hazm does not know as a common
    word (or saw rarely), not a place."""
    norm = ctx.doc[k].norm_
    return ctx.plain_word(k) and (not ctx.lex.nominal.get(norm) or ctx.lex.rare(norm))


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
    if not text.endswith(("م", "اول", "نخست")):  # ordinals in letters: «دهم», «یازدهم», «اول»
        return False
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
