"""Unusual spaces, seen through for matching.

spaCy keeps one plain space as a token's trailing whitespace; any other
whitespace between two words (a no-break or thin space, a space and a
ZWNJ) is a token of its own. A name or title written with one («معاون\u00a0
توسعه») would be cut there. `matching_view` gives the rules a Doc without those tokens,
words and sentence starts kept, and the index of each of its tokens in the
original Doc, so that spans found on the view map back to exact offsets.
A whitespace token holding a line break stays: names do not run across lines.
"""
from __future__ import annotations

import numpy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, SENT_START, SPACY
from spacy.tokens import Doc


def matching_view(doc: Doc) -> tuple[Doc, list[int] | None]:
    """(view, index): `doc` itself and None when it has no inline whitespace
    token; else a Doc of the other tokens and, for each, its index in `doc`."""
    arr = doc.to_array([IS_SPACE, IS_PUNCT])
    spaces = numpy.flatnonzero(arr[:, 0])
    if not len(spaces):
        return doc, None
    # Only a space between two words can cut a name; one beside punctuation
    # («.  », «،\u00a0») cuts nothing. A doubled plain space is left alone: it
    # is in a quarter of real documents, and rebuilding them all costs more
    # than it finds.
    words = arr[:, 0] + arr[:, 1] == 0
    inline = {i for i in spaces.tolist() if 0 < i < len(doc) - 1 and words[i - 1] and words[i + 1]
              and "\n" not in doc[i].text and doc[i].text.strip(" ")}
    if not inline:
        return doc, None
    keep = [i for i in range(len(doc)) if i not in inline]
    # From the Doc's arrays, not a Token object per token: this runs on a
    # quarter of real news documents.
    text = doc.text
    arr = doc.to_array([IDX, LENGTH, SPACY, SENT_START]).tolist()
    words = [text[arr[i][0]:arr[i][0] + arr[i][1]] for i in keep]
    spaces_after = [arr[i][2] == 1 or (i + 1) in inline for i in keep]
    view = Doc(doc.vocab, words=words, spaces=spaces_after)
    if doc.has_annotation("SENT_START"):
        starts = numpy.array([[arr[i][3]] for i in keep], dtype="uint64")
        starts[0, 0] = 1
        view.from_array([SENT_START], starts)
    return view, keep
