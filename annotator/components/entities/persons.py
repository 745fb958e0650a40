"""PERSON: people named in news copy.

* a given name (or a chain of them, «سید محمد») followed by a surname, one
  word or two («هاشمی رفسنجانی»); an honorific then a surname («آقای نجفی»);
* a surname the lists do not know, when a title or a verb of saying follows
  the name («رحیم زارع نماینده مردم آباده», «غلامرضا کاتب گفت»);
* two name-like words where news puts a speaker, before a title or the frame
  of a statement («سمیر غضبان افزود»);
* a name in quotes before a title: how foreign people are introduced
  («"نصار الربیعی" رئیس جنبش صدر»);
* the surname of anyone named in full, alone elsewhere in the document.
"""
from __future__ import annotations

import numpy
from spacy.attrs import ORTH, SENT_START
from spacy.tokens import Span

from annotator.components.entities.context import Context, is_word
from annotator.lang.normalize import normalize
from annotator.lang.phrases import NormPhrases


def find_persons(ctx: Context) -> list[Span]:
    doc, lex = ctx.doc, ctx.lex
    given = ctx.marked("GIVEN_NAMES")
    honorifics = ctx.marked("HONORIFICS")
    found: list[Span] = []
    surnames: set[tuple[str, ...]] = set()
    done = 0  # tokens before this are decided
    for start in sorted(set(given) | set(honorifics)):
        if start < done:
            continue
        if start not in given:
            # «آقای نجفی»: an honorific (or several: «حضرت آیت‌الله») then a surname alone.
            j = honorifics[start]
            while j in honorifics and honorifics[j] > j:
                j = honorifics[j]
            if j not in given and ctx.surname_like(j) and j + 1 not in given:
                done = ctx.surname_end(j)
                found.append(Span(doc, j, done, label="PERSON"))
                surnames.add(tuple(t.norm_ for t in doc[j:done]))
            continue
        end = given[start]
        ambiguous = (doc[start].norm_ if end == start + 1 else normalize(doc[start:end].text)) in lex.ambiguous_given
        if end < len(doc) and doc[start].norm_ in lex.arabic_article_names and end == start + 1 \
                and doc[end].norm_.startswith("ال") and not doc[end].norm_.startswith("الله") \
                and doc[end].norm_ not in lex.surnames and not ctx.apposition_at(end + 1):
            continue  # the Arabic preposition in a quoted verse: «علی البر و التقوی»
        last = start  # start of the last given name of the chain
        while end in given and given[end] > end:  # «علی اکبر», «سید محمد»
            last, end = end, given[end]
        done = end
        surname = ctx.surname_like(end, after_given=not ambiguous) and not (
            ambiguous and doc[end].norm_ not in lex.surnames and not doc[end].norm_.endswith(lex.strong_suffixes))
        if not surname:
            # A title or a statement right after the name vouches for a
            # surname the lists do not know, or for a given name that is
            # also a surname («اصغر هدایت، فرماندار فلاورجان»).
            appos_end = _appositive_surname(ctx, end, strict=ambiguous)
            if appos_end:
                done = appos_end
            elif last > start and ctx.apposition_at(end):
                found.append(Span(doc, start, end, label="PERSON"))
                surnames.add((doc[last].norm_,))
                continue
            else:
                continue
        else:
            done = ctx.surname_end(end)
        found.append(Span(doc, start, done, label="PERSON"))
        surnames.add(tuple(t.norm_ for t in doc[end:done]))
    quoted = _quoted_names(ctx)
    if quoted:  # the whole name in quotes wins over a part of it («ژان لوک» in «ژان لوک مورو»)
        found = [p for p in found if not any(q.start <= p.start and p.end <= q.end for q in quoted)]
    taken = {k for p in found + quoted for k in range(p.start, p.end)}
    for span in _subject_names(ctx, taken):
        found.append(span)
        surnames.add(tuple(t.norm_ for t in (span[1:] if len(span) > 1 else span)))
    for span in quoted:  # foreign names: the last word is the one repeated («الربیعی»)
        found.append(span)
        surnames.add((span[-1].norm_,))
    if surnames:
        found += _bare_surnames(ctx, surnames, found)
    return found


def _subject_names(ctx: Context, taken: set[int]) -> list[Span]:
    """Names the given-name list does not know, where news puts a speaker:
    at the start of a sentence or right after «به گزارش X،», two name-like
    words, then a title or the frame of a statement («خدارضا امیدی امروز در
    گفت‌وگو با …», «سمیر غضبان افزود»)."""
    doc, lex = ctx.doc, ctx.lex
    titles = ctx.marked("TITLES")
    # sentence starts from the array: no Span per sentence
    starts = {0, *numpy.flatnonzero(doc.to_array(SENT_START) == 1).tolist()}
    for opener_end in ctx.marked("SOURCE").values():
        for k in range(opener_end, min(opener_end + 8, len(doc))):
            if doc[k].text in ("،", ","):
                starts.add(k + 1)
                break
    out = []
    known = {k for s in ctx.units.values() for k in range(s.start, s.end)}
    for i in sorted(starts):
        while i < len(doc) and doc[i].is_space:
            i += 1
        if i + 2 >= len(doc) or i in taken or i + 1 in taken or i in known or i + 1 in known:
            continue  # taken, or a known name («فارن پالیسی»)
        first, nxt = doc[i], doc[i + 2]
        if not is_word(first.text) or lex.nominal.get(first.norm_) or ctx.ends_chain(i) \
                or first.norm_ in lex.plural_titles or _plural_noun(lex, first.norm_):  # «وزرای امور …», «شاهدان عینی»
            continue
        if ctx.marked_at(i, "TITLES", "TRIGGERS", "PLACES", "HONORIFICS"):
            continue
        if not ctx.surname_like(i + 1):
            continue
        if i + 2 in titles or nxt.norm_ in lex.speech_frame or nxt.is_punct:
            out.append(Span(doc, i, i + 2, label="PERSON"))
            taken.update((i, i + 1))
    # A listed surname right before a title, in apposition: «نوبخت رئیس
    # سازمان برنامه», «عظیمی، سخنگوی وزارت دفاع».
    for t in titles:
        j = t - 2 if t >= 2 and doc[t - 1].text in ("،", ",") else t - 1
        if j >= 0 and j not in taken and doc[j].norm_ in lex.surnames and ctx.surname_like(j):
            if j == 0 or not is_word(doc[j - 1].text) or doc[j - 1].norm_ in lex.speech_frame or j - 1 in taken:
                out.append(Span(doc, j, j + 1, label="PERSON"))
    return out


def _plural_noun(lex, norm: str) -> bool:
    """A plural of a common noun («شاهدان», «کارشناسان»), which hazm lists
    only in the singular: never the first word of a name."""
    for suffix in lex.plural_suffixes + ("ان",):
        stem = norm[: -len(suffix)]
        if norm.endswith(suffix) and len(stem) >= 2 and "N" in lex.nominal.get(stem, ()):
            return True
    return False


def _quoted_names(ctx: Context) -> list[Span]:
    """A name in quotes followed by a title in apposition: how news
    introduces foreign people («"نصار الربیعی" رئیس جنبش صدر», «هیثر نوئرت»
    سخنگوی وزارت خارجه). The quotes stay out of the span."""
    doc, lex = ctx.doc, ctx.lex
    titles = ctx.marked("TITLES")
    if not titles:
        return []
    given = ctx.marked("GIVEN_NAMES")
    strings = doc.vocab.strings
    opens = {strings.add(q) for q in lex.open_quotes}
    out = []
    # Hashes, not Token objects: this looks at every token of every document.
    for i in [k for k, h in enumerate(doc.to_array(ORTH).tolist()) if h in opens]:
        close = next((k for k in range(i + 1, min(i + 6, len(doc))) if doc[k].text in lex.close_quotes), None)
        if close is None or close == i + 1:
            continue
        # a comma may stand between: «"نائوتوکان"، نخست‌وزیر ژاپن»
        after = close + 2 if close + 1 < len(doc) and doc[close + 1].text in ("،", ",") else close + 1
        if after not in titles:
            continue
        words = range(i + 1, close)
        if not all(ctx.plain_word(k) or k in given for k in words):
            continue
        if all(lex.nominal.get(doc[k].norm_) and k not in given and doc[k].norm_ not in lex.surnames for k in words):
            continue  # common words in quotes are a term or a title («تحول سلامت»), not a name
        out.append(Span(doc, i + 1, close, label="PERSON"))
    return out


def _appositive_surname(ctx: Context, i: int, *, strict: bool = False) -> int:
    """End of an unlisted surname at token i that a following title or verb
    of saying vouches for (0 if none): one word, or two when the second is a
    word hazm does not know («کشتی آرای»). After a given name that is also a
    common word («پیام», «نظام»), `strict`: the surname must not be a common
    word either («پیام تسلیت رئیس …»)."""
    doc, lex = ctx.doc, ctx.lex
    if i >= len(doc):
        return 0
    if strict and lex.nominal.get(doc[i].norm_) and doc[i].norm_ not in lex.surnames and not lex.rare(doc[i].norm_):
        return 0
    for end in (i + 1, i + 2):
        if end > len(doc) or not all(ctx.plain_word(k) for k in range(i, end)):
            return 0
        second = doc[i + 1].norm_ if end == i + 2 else ""
        if second and lex.nominal.get(second) and second not in lex.surnames and not (
                second.endswith(lex.suffixes) and second not in lex.non_names):
            return 0
        if ctx.apposition_at(end):
            return end
    return 0


def _bare_surnames(ctx: Context, surnames: set[tuple[str, ...]], persons: list[Span]) -> list[Span]:
    """The surname of a person named in full, found alone elsewhere in the
    document («نجفی تصریح کرد»)."""
    taken = {k for span in persons for k in range(span.start, span.end)}
    phrases = NormPhrases()
    for surname in surnames:
        phrases.add(list(surname))
    found = phrases.find(ctx.norms)  # the longest surname at each token
    return [Span(ctx.doc, i, end, label="PERSON") for i, end in sorted(found.items()) if i not in taken]
