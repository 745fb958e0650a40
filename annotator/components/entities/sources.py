"""ORG: the news source in «به گزارش X،» and «خبرنگار اقتصادی X».

The guideline makes the source an ORG (never a speaker). A short agency
name after a source phrase or a reporter is taken from the agency list;
any other short name (up to three words, closed by «،» or «:») after «به
گزارش» is taken when the lexicons do not already cover it.
"""
from __future__ import annotations

from spacy.tokens import Span

from annotator.components.entities.context import Context, is_word


def find_sources(ctx: Context) -> list[Span]:
    doc, lex = ctx.doc, ctx.lex
    found: list[Span] = []
    openers = set(ctx.marked("SOURCE").values())
    for s, e in ctx.marked("AGENCIES").items():
        # «به گزارش فارس», «خبرنگار اقتصادی فارس»: a short agency name where a
        # news source is named.
        before = {doc[k].norm_ for k in range(max(0, s - 3), s)}
        if (s in openers or before & lex.reporters) and s not in ctx.units:
            found.append(Span(doc, s, e, label="ORG"))
            openers.discard(s)
    for j in openers:
        if j in ctx.units or j in ctx.marked("TRIGGERS"):
            continue
        k = j
        while k < len(doc) and k - j < 3 and not ctx.ends_chain(k) and doc[k].norm_ != lex.conjunction:
            k += 1
        if j < k < len(doc) and doc[k].text in lex.source_ends and all(is_word(t.text) for t in doc[j:k]):
            found.append(Span(doc, j, k, label="ORG"))
    return found
