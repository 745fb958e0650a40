"""The `annotator_entity_memory` component: what a document has named once,
it names again.

News introduces a name in full and then shortens it. Within one document,
after the entity rules:

* once a PERSON is found, every later mention of any part of its name that
  is not a given name («ربیعی» after «سید محمد ربیعی», «ژانگ» after «ژانگ
  ونهونگ») is a PERSON, and so is that part after an honorific («آقای
  ربیعی», «دکتر ربیعی»);
* a short form the text defines next to an organization, «سازمان حمایت
  مصرف‌کنندگان (حمایت)» or «حمایت (سازمان حمایت …)», is that ORG there and
  at every later mention;
* an organization found with a long name and met again as its head and its
  last word («دانشگاه علوم پزشکی شیراز» … «دانشگاه شیراز») is an ORG there.

It only adds spans where no entity is; a separate step so users can leave
it out (`nlp.remove_pipe("annotator_entity_memory")`).
"""
from pathlib import Path
from typing import Callable, Iterable, Optional, Union

from spacy.attrs import NORM
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from annotator.components.datafiles import DataFilesComponent
from annotator.lang.lex_attrs import require_lex_attrs
from annotator.lang.normalize import normalize
from annotator.lang.hazm_words import hazm_words
from annotator.lexicons import parse_json, parse_list, table_words

FILES = ("given_names.txt", "honorifics.txt", "non_names.txt", "memory_words.json")
MAX_SHORT_FORM = 4  # tokens between the parentheses of a short form


@Language.factory(
    "annotator_entity_memory",
    assigns=["doc.ents", "doc.spans"],
    requires=["doc.ents"],
    default_config={"spans_key": "entities", "data_dir": None, "scorer": {"@scorers": "spacy.ner_scorer.v1"}},
    default_score_weights={"ents_f": None, "ents_p": None, "ents_r": None, "ents_per_type": None},
)
def make_entity_memory(nlp: Language, name: str, spans_key: str, data_dir: Optional[str],
                       scorer: Optional[Callable]) -> "EntityMemory":
    require_lex_attrs(nlp, name)
    return EntityMemory(nlp, name, spans_key=spans_key, data_dir=data_dir, scorer=scorer)


class MemoryLexicon:
    """The words that are never a remembered name part on their own."""

    def __init__(self, nlp: Language, files: dict[str, str]) -> None:
        self.files = dict(files)
        words = parse_json(files.get("memory_words.json", "{}"), "memory_words.json")
        def hashes(entries: Iterable[str]) -> frozenset[int]:
            return frozenset(get_string_id(normalize(w.replace(" ", ""))) for w in entries)

        self.given = hashes(parse_list(files.get("given_names.txt", "")))
        self.not_parts = hashes(parse_list(files.get("non_names.txt", ""))) | hashes(table_words(words, "not_parts"))
        self.honorifics = hashes(w for w in parse_list(files.get("honorifics.txt", "")) if " " not in w)
        self.open_brackets = frozenset(table_words(words, "open_brackets", ["("]))
        self.close_brackets = frozenset(table_words(words, "close_brackets", [")"]))
        self.min_part = int(words.get("min_part_letters", 3))
        tags = frozenset(table_words(words, "function_tags"))
        # Hashes only, compared with a Doc's NORM array: nothing is added to
        # the vocab's strings (which a saved pipeline writes out).
        self.function = frozenset(get_string_id(w) for w, t in hazm_words().items() if t & tags)


class EntityMemory(DataFilesComponent):
    """Adds the later, shorter mentions of the names a document has found."""

    FILES = FILES

    def __init__(self, nlp: Language, name: str = "annotator_entity_memory", *, spans_key: str = "entities",
                 data_dir: Union[str, Path, None] = None, scorer: Optional[Callable] = None) -> None:
        super().__init__(nlp, name, data_dir=data_dir, scorer=scorer)
        self.spans_key = spans_key

    def build_lexicon(self, files: dict[str, str]) -> MemoryLexicon:
        return MemoryLexicon(self.nlp, files)

    def __call__(self, doc: Doc) -> Doc:
        lex = self._lexicon()
        ents = list(doc.ents)
        if not ents:
            return doc
        norms = doc.to_array(NORM).tolist()
        taken = bytearray(len(doc))
        for e in ents:
            taken[e.start:e.end] = b"\x01" * len(e)
        labels = {e.label_ for e in ents}
        found = self._short_forms(doc, ents, norms, taken, lex) if labels & {"ORG", "MINISTRY"} else []
        if "PERSON" in labels:
            found += self._name_parts(doc, ents, norms, taken, lex)
        if "ORG" in labels:
            found += self._head_and_name(doc, ents, norms, taken)
        if not found:
            return doc
        # The found spans overlap no entity: set only them (much cheaper
        # than rewriting every entity of the Doc).
        doc.set_ents(found, default="unmodified")
        if self.spans_key:
            group = list(doc.spans[self.spans_key]) if self.spans_key in doc.spans else []
            doc.spans[self.spans_key] = sorted(group + found, key=lambda s: (s.start, -s.end, s.label_))
        return doc

    # ------------------------------------------------------------------ rules

    @staticmethod
    def _claim(doc: Doc, start: int, end: int, label: str, taken: bytearray, out: list[Span]) -> None:
        if start < end and not any(taken[start:end]):
            out.append(Span(doc, start, end, label=label))
            taken[start:end] = b"\x01" * (end - start)

    def _short_forms(self, doc: Doc, ents: list[Span], norms: list[int], taken: bytearray,
                     lex: MemoryLexicon) -> list[Span]:
        """«X (ORG)» and «ORG (X)»: X is the ORG's short form, here and later."""
        out: list[Span] = []
        forms: list[tuple[int, ...]] = []
        for e in ents:
            if e.label_ not in ("ORG", "MINISTRY"):
                continue
            # «ORG (X)»
            if e.end + 2 < len(doc) and doc[e.end].text in lex.open_brackets:
                close = self._close(doc, e.end + 1, lex)
                if close and self._short(doc, e.end + 1, close, lex):
                    forms.append(tuple(norms[e.end + 1:close]))
                    self._claim(doc, e.end + 1, close, "ORG", taken, out)
            # «X (ORG)»
            if e.start >= 2 and doc[e.start - 1].text in lex.open_brackets and e.end < len(doc) \
                    and doc[e.end].text in lex.close_brackets:
                k = e.start - 1
                start = k
                while start > 0 and k - start < MAX_SHORT_FORM and self._word(doc[start - 1], lex):
                    start -= 1
                if start < k and self._short(doc, start, k, lex):
                    forms.append(tuple(norms[start:k]))
                    self._claim(doc, start, k, "ORG", taken, out)
        self._later(doc, norms, set(forms), "ORG", taken, out)
        return out

    def _name_parts(self, doc: Doc, ents: list[Span], norms: list[int], taken: bytearray,
                    lex: MemoryLexicon) -> list[Span]:
        """The parts of a PERSON's name that are not given names, after it."""
        out: list[Span] = []
        firsts: dict[int, int] = {}  # part -> token after the first full mention
        for e in ents:
            if e.label_ != "PERSON" or len(e) < 2:
                continue
            for i in range(e.start, e.end):
                h = norms[i]
                if h in lex.given or h in lex.not_parts or h in lex.function or len(doc[i].norm_) < lex.min_part:
                    continue
                firsts.setdefault(h, e.end)
        if not firsts:
            return out
        for i in [k for k, h in enumerate(norms) if h in firsts]:
            if i >= firsts[norms[i]] and not taken[i]:
                self._claim(doc, i, i + 1, "PERSON", taken, out)
        # «آقای X», «دکتر X» before the first full mention too
        honorifics = lex.honorifics
        for i in [k for k, h in enumerate(norms[:-1]) if h in honorifics]:
            if norms[i + 1] in firsts and not taken[i + 1]:
                self._claim(doc, i + 1, i + 2, "PERSON", taken, out)
        return out

    @staticmethod
    def _head_and_name(doc: Doc, ents: list[Span], norms: list[int], taken: bytearray) -> list[Span]:
        """A long ORG named again by its head and its last word."""
        out: list[Span] = []
        pairs = {(norms[e.start], norms[e.end - 1]): e.end for e in ents if e.label_ == "ORG" and len(e) >= 3}
        heads = {head for head, _ in pairs}
        for i in [k for k, h in enumerate(norms[:-1]) if h in heads]:
            after = pairs.get((norms[i], norms[i + 1]))
            if after is not None and i >= after and not taken[i] and not taken[i + 1]:
                EntityMemory._claim(doc, i, i + 2, "ORG", taken, out)
        return out

    @staticmethod
    def _later(doc: Doc, norms: list[int], forms: set[tuple[int, ...]], label: str, taken: bytearray,
               out: list[Span]) -> None:
        """Every free occurrence of the given norm sequences (one pass)."""
        if not forms:
            return
        by_first: dict[int, list[tuple[int, ...]]] = {}
        for form in sorted(forms, key=len, reverse=True):
            by_first.setdefault(form[0], []).append(form)
        for i in [k for k, h in enumerate(norms) if h in by_first]:
            for form in by_first[norms[i]]:
                n = len(form)
                if tuple(norms[i:i + n]) == form and not any(taken[i:i + n]):
                    EntityMemory._claim(doc, i, i + n, label, taken, out)
                    break

    @staticmethod
    def _close(doc: Doc, i: int, lex: MemoryLexicon) -> int:
        for k in range(i, min(i + MAX_SHORT_FORM + 1, len(doc))):
            if doc[k].text in lex.close_brackets:
                return k
        return 0

    def _short(self, doc: Doc, start: int, end: int, lex: MemoryLexicon) -> bool:
        """A short form: one to four words, none of them a number."""
        return 0 < end - start <= MAX_SHORT_FORM and all(self._word(t, lex) for t in doc[start:end])

    @staticmethod
    def _word(tok, lex: MemoryLexicon) -> bool:
        return (any(c.isalpha() for c in tok.text) and not tok.like_num and not tok.is_punct and not tok.is_space
                and tok.norm not in lex.function)
