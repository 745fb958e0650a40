"""The `annotator_entities` component: ORG, MINISTRY, OFFICIAL and PERSON.

Known names come from the lexicon (a `PhraseMatcher` on `NORM`, so ي/ك, ZWNJ,
spacing and «،» variants all match while offsets stay in the original
text); the grammars find what no list holds (`organizations`, `officials`,
`persons`, `sources`). The outermost spans go to `doc.ents`; every span
found, nested ones included, goes to `doc.spans[spans_key]`, each once.

Data (patterns, word lists, the grammar's closed word classes) is read in
`initialize` (from the package, or `data_dir`) or `from_disk` (a saved
pipeline), never in `__init__`: after `nlp.add_pipe("annotator_entities")`,
call `nlp.initialize()` (or, in a pipeline with trained components,
`nlp.get_pipe("annotator_entities").initialize()`).
"""
from pathlib import Path
from typing import Callable, Optional, Union

from spacy.language import Language
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from annotator.components.entities.context import Context
from annotator.components.entities.lexicon import FILES, LABELS, EntityLexicon
from annotator.components.entities.officials import find_officials
from annotator.components.entities.organizations import (facilities, find_orgs, foreign_ministries, numbered,
                                                          with_national_place)
from annotator.components.entities.persons import find_persons
from annotator.components.entities.sources import find_sources
from annotator.components.datafiles import DataFilesComponent
from annotator.lang.lex_attrs import require_lex_attrs
from annotator.lang.sentences import ensure_sentences
from annotator.lang.spaces import matching_view


@Language.factory(
    "annotator_entities",
    assigns=["doc.ents", "doc.spans"],
    default_config={
        "spans_key": "entities",
        "overwrite_ents": True,
        "data_dir": None,
        "scorer": {"@scorers": "spacy.ner_scorer.v1"},
    },
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_entity_rules(
    nlp: Language, name: str, spans_key: str, overwrite_ents: bool, data_dir: Optional[str],
    scorer: Optional[Callable],
) -> "EntityRules":
    require_lex_attrs(nlp, name)
    return EntityRules(nlp, name, spans_key=spans_key, overwrite_ents=overwrite_ents, data_dir=data_dir, scorer=scorer)


class EntityRules(DataFilesComponent):
    """Lexicon patterns plus the chain grammars, as one pipeline component."""

    def __init__(
        self,
        nlp: Language,
        name: str = "annotator_entities",
        *,
        spans_key: str = "entities",
        overwrite_ents: bool = True,
        data_dir: Union[str, Path, None] = None,
        scorer: Optional[Callable] = get_ner_prf,
    ) -> None:
        super().__init__(nlp, name, data_dir=data_dir, scorer=scorer)
        self.spans_key = spans_key
        self.overwrite_ents = overwrite_ents

    @property
    def labels(self) -> tuple[str, ...]:
        """Every label the component can set."""
        return LABELS

    @property
    def patterns(self) -> list[dict]:
        """The lexicon's patterns, as in its files."""
        return self._lexicon().patterns

    FILES = FILES

    def build_lexicon(self, files: dict[str, str]) -> EntityLexicon:
        return EntityLexicon(self.nlp, files)

    # ------------------------------------------------------------- pipeline

    def __call__(self, doc: Doc) -> Doc:
        ensure_sentences(doc)
        spans = self.find(doc)
        flat = filter_spans(spans)
        if doc.ents:
            # Entities already set (by a trained `ner` before us): rules win
            # where they overlap, or only fill the gaps, as configured.
            existing = list(doc.ents)
            if self.overwrite_ents:
                flat += _outside(existing, flat, len(doc))
            else:
                flat = existing + _outside(flat, existing, len(doc))
        doc.ents = sorted(flat, key=lambda s: s.start)
        if self.spans_key:
            doc.spans[self.spans_key] = _distinct(spans)
        return doc

    def find(self, doc: Doc) -> list[Span]:
        """All entity spans, nested ones included (a span may come twice).
        The grammars run on a view of the Doc without inline whitespace
        tokens («معاون\u00a0 توسعه»); the spans map back to `doc`."""
        view, index = matching_view(doc)
        spans = self._find(view)
        if index is None:
            return spans
        return [Span(doc, index[s.start], index[s.end - 1] + 1, label=s.label_, span_id=s.id) for s in spans]

    def _find(self, doc: Doc) -> list[Span]:
        lex = self._lexicon()
        ctx = Context(doc, lex)
        lexicon = lex.lexicon_spans(doc, ctx.norms)
        lexicon += foreign_ministries(ctx, lexicon)
        lexicon += with_national_place(ctx, lexicon)
        ctx.add_units(lexicon)
        persons = find_persons(ctx)
        ctx.person_starts = {p.start for p in persons}
        orgs = find_orgs(ctx)
        ctx.add_units(orgs)
        orgs += facilities(ctx)
        orgs += numbered(ctx, lexicon + orgs)
        ctx.add_units(orgs)
        officials = find_officials(ctx)
        sources = find_sources(ctx)
        return lexicon + orgs + officials + persons + sources

    def token_patterns(self) -> list[dict]:
        """The lexicon as token patterns on NORM, one per spelling variant: a
        Prodigy `--patterns` file that matches the way this component does
        when Prodigy runs with our pipeline (our tokenizer sets the norms)."""
        return self._lexicon().token_patterns(self.nlp.make_doc)

def _distinct(spans: list[Span]) -> list[Span]:
    """Each (start, end, label) once, in order, the lexicon's (with its
    pattern id) first."""
    seen: set[tuple[int, int, str]] = set()
    out = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.label_, not s.id_)):
        key = (span.start, span.end, span.label_)
        if key not in seen:
            seen.add(key)
            out.append(span)
    return out


def _outside(spans: list[Span], taken: list[Span], length: int) -> list[Span]:
    """The spans that overlap none of `taken` (in one pass over the tokens)."""
    covered = bytearray(length)
    for s in taken:
        covered[s.start:s.end] = b"\x01" * len(s)
    return [s for s in spans if not any(covered[s.start:s.end])]
