"""Unusual spaces, seen through for matching.

spaCy keeps one plain space as a token's trailing whitespace; any other
whitespace between two words (a no-break or thin space, two spaces) is a
token of its own. A name or title written with one («معاون\u00a0 توسعه») would
be cut there. `matching_view` gives the rules a Doc without those tokens,
words and sentence starts kept, and the index of each of its tokens in the
original Doc, so that spans found on the view map back to exact offsets.
A whitespace token holding a line break stays: names do not run across lines.
"""
from __future__ import annotations

from spacy.tokens import Doc


def is_inline_space(text: str) -> bool:
    return text.isspace() and "\n" not in text


def matching_view(doc: Doc) -> tuple[Doc, list[int] | None]:
    """(view, index): `doc` itself and None when it has no inline whitespace
    token; else a Doc of the other tokens and, for each, its index in `doc`."""
    keep = [t.i for t in doc if not (t.is_space and is_inline_space(t.text))]
    if len(keep) == len(doc) or not keep:
        return doc, None
    kept = set(keep)
    words = [doc[i].text for i in keep]
    spaces = [bool(doc[i].whitespace_) or (i + 1 < len(doc) and i + 1 not in kept) for i in keep]
    starts = [bool(doc[i].is_sent_start) for i in keep] if doc.has_annotation("SENT_START") else None
    if starts is not None:
        starts[0] = True
    view = Doc(doc.vocab, words=words, spaces=spaces, sent_starts=starts)
    return view, keep
