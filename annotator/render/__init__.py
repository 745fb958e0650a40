"""A self-contained, right-to-left HTML report of annotated documents.

`render_tasks(tasks)` takes tasks in the output contract of ANNOTATION.md
(or Prodigy `db-out` records: `answer`, `spans`, `relations`), and
`render_docs(docs)` takes annotated `Doc`s; both return one HTML page:

* a header summarising the file (documents, answers, entities per label,
  claims per kind, claims without a speaker);
* an index, then one section per document: the text right to left with the
  entities highlighted the way displaCy's `ent` style does (same colours,
  taken from displaCy's colour registry, so `spacy_displacy_colors` entry
  points apply), the claims underlined with their parsed value beside them
  and value, unit, qualifier and speaker on hover, and a claims table.

Entities and claims are two layers that may overlap each other (and, in
reviewed Prodigy data, themselves): the markup is built from character
offsets, closing and reopening an element where layers cross, so every
span is marked whatever the overlaps. Labels and values shown beside the
text are CSS-generated (`::after { content: attr(...) }`), so the text of a
document section is exactly the document text.

Document text, labels, meta values and speaker texts are data: every piece
is HTML-escaped, colours are used only if they look like colours, and the
page carries a Content-Security-Policy that allows no script and no fetch.
Fonts are system fonts; the page loads nothing.

Modules: `page` (the page and its summary), `document` (one document's
section), `claims` (how a claim is shown), `markup` (escaping and the
offset-based markup of overlapping layers); `colors` registers the label
colours with displaCy.
"""
from __future__ import annotations

from .page import render_docs, render_tasks

__all__ = ["render_docs", "render_tasks"]
