"""One document as the entity grammars see it: its tokens, the lexicon's
marker matches, the names found so far, and the word-class tests the
grammars share (where a chain ends, what can be a surname, what a chain
takes whole)."""
from __future__ import annotations

from spacy.attrs import NORM
from spacy.tokens import Doc, Span

from annotator.components.entities.lexicon import EntityLexicon
from annotator.lang.verbs import ends_phrase_at, is_verb

MAX_CHAIN = 14  # tokens an organization or title chain may run to


class Context:
    """The state shared by the grammars on one Doc."""

    def __init__(self, doc: Doc, lex: EntityLexicon) -> None:
        self.doc = doc
        self.lex = lex
        # The Doc's norms as hashes, read once: the grammars scan them
        # without a Token object per token.
        self.norms: list[int] = doc.to_array(NORM).tolist()
        self.markers = lex.match_markers(doc, self.norms)
        self.units: dict[int, Span] = {}  # known names and found ORGs, longest by start
        self.person_starts: set[int] = set()
        # The word-class questions below depend only on the Doc and the
        # markers, and the grammars ask them of the same tokens many times.
        self._starts: dict[tuple[str, ...], frozenset[int]] = {}
        self._chain_ends: dict[int, bool] = {}

    def marked(self, kind: str) -> dict[int, int]:
        """Marker matches of one kind: start -> end."""
        return self.markers.get(kind, {})

    def marked_at(self, i: int, *kinds: str) -> bool:
        """Whether a marker of any of these kinds starts at token i."""
        starts = self._starts.get(kinds)
        if starts is None:
            starts = self._starts[kinds] = frozenset().union(*(self.marked(k) for k in kinds))
        return i in starts

    def add_units(self, spans: list[Span]) -> None:
        for span in spans:
            if span.start not in self.units or len(span) > len(self.units[span.start]):
                self.units[span.start] = span

    # ------------------------------------------------------------ word classes

    def ends_chain(self, i: int) -> bool:
        """Whether an organization or title chain must end before token i."""
        ends = self._chain_ends.get(i)
        if ends is None:
            ends = self._chain_ends[i] = self._ends_chain(i)
        return ends

    def _ends_chain(self, i: int) -> bool:
        tok = self.doc[i]
        if tok.is_space or tok.is_punct or tok.like_num or tok.is_digit:
            return True
        norm = tok.norm_
        if norm in self.lex.stops or norm in self.lex.demonstratives or is_verb(norm):
            return True
        return ends_phrase_at(self.doc, i)

    def surname_like(self, i: int, *, after_given: bool = False) -> bool:
        """Whether token i can be a surname: a listed surname, a word with a
        surname ending, or a word hazm does not know as a common word. Right
        after an unambiguous given name any content word will do («علیرضا
        آموزنده», «خسرو دانشجو»), since the given name vouches for it."""
        doc, lex = self.doc, self.lex
        if i >= len(doc) or self.ends_chain(i):
            return False
        norm = doc[i].norm_
        if not is_word(doc[i].text) or norm in lex.non_names:
            return False
        if self.marked_at(i, "TITLES", "TRIGGERS", "PLACES", "GIVEN_NAMES"):
            return False
        if norm in lex.surnames:
            return True
        if len(norm) > 3 and norm.endswith(lex.suffixes):
            return True
        tags = lex.nominal.get(norm)
        if not tags:
            return True  # a word hazm's lexicon does not know as a common word
        return after_given and not tags & lex.function_tags

    def surname_end(self, i: int) -> int:
        """End of a surname starting at i: one word, or two for compound
        surnames («هاشمی رفسنجانی», «قاسمی نژاد», «صالحی پور»)."""
        doc, lex = self.doc, self.lex
        nxt = i + 1
        if nxt >= len(doc) or nxt in self.marked("GIVEN_NAMES") or doc[i].whitespace_ != " ":
            return nxt
        norm = doc[nxt].norm_
        if norm in lex.strong_suffixes and not self.ends_chain(nxt):
            return nxt + 1  # a surname suffix written apart («نژاد», «پور»)
        if norm.endswith("ی") and norm[-2:-1] in ("و", "ا") and lex.nominal.get(norm[:-1]):
            return nxt  # a noun with its ezafe «-ی» opens what follows: «کریم قنبری پاسخگوی سوالات»
        if self.surname_like(nxt) and (
            norm in lex.surnames or (norm.endswith(lex.suffixes) and not lex.nominal.get(norm))
        ):
            return nxt + 1  # «رئیسی حسنلنگی»
        return nxt

    def plain_word(self, k: int) -> bool:
        """A word that could be part of a name: not punctuation, a verb, a
        function word, a title, an organization word or a place."""
        doc, lex = self.doc, self.lex
        if self.ends_chain(k) or not is_word(doc[k].text):
            return False
        if self.marked_at(k, "TITLES", "TRIGGERS", "PLACES", "GIVEN_NAMES", "HONORIFICS"):
            return False
        if doc[k].norm_ in lex.non_names and doc[k].norm_ not in lex.surnames:
            return False
        return not (lex.nominal.get(doc[k].norm_) or frozenset()) & lex.function_tags - {"NUM"}

    def apposition_at(self, k: int) -> bool:
        """Whether a name ending before token k is followed by what only
        follows a person: a title in apposition (after «،» or «؛» too) or a
        verb of saying."""
        doc = self.doc
        if k >= len(doc):
            return False
        titles = self.marked("TITLES")
        t = k + 1 if doc[k].text in ("،", ",", "؛") else k
        if t in titles:
            # not a participle that looks like a title («فرستاده شود»)
            return titles[t] >= len(doc) or not is_verb(doc[titles[t]].norm_)
        if t in self.marked("OCCUPATIONS"):  # «… بازیگر سینما», «…، آهنگساز»
            return True
        if doc[k].norm_ == self.lex.preposition_in and k + 1 < len(doc):  # «… در گفت‌وگو با», «… در جمع خبرنگاران»
            return doc[k + 1].norm_ in self.lex.said_in
        return doc[k].norm_ in self.lex.said

    # ------------------------------------------------------------------ chains

    def unit_at(self, i: int, *, short_domains: bool = True) -> int:
        """End of a known name, ministry domain or place starting at token i
        (0 if none): the pieces a chain takes whole, commas and «و» inside.
        One-word domains («نفت», «علوم») anchor a title («وزیر نفت») but are
        ordinary words inside a name («دانشکده علوم پزشکی»)."""
        unit = self.units.get(i)
        end = unit.end if unit is not None and unit.label_ in ("ORG", "MINISTRY") else 0
        domain = self.marked("DOMAIN").get(i, 0)
        if not short_domains and domain == i + 1:
            domain = 0
        return max(end, domain, self.marked("PLACES").get(i, 0))

    def place_after_connector(self, i: int) -> int:
        """Start of the place or name that connector words at token i lead
        to («… استان فارس», «… شرق استان تهران»), or 0."""
        doc, lex = self.doc, self.lex
        norm = doc[i].norm_
        if norm in lex.connectors and self.unit_at(i + 1):
            return i + 1
        if norm in lex.directions and i + 2 < len(doc) and doc[i + 1].norm_ in lex.connectors \
                and self.unit_at(i + 2):
            return i + 2
        return 0

    def continues(self, i: int) -> bool:
        """Whether a name goes on after «و» at token i («آب و فاضلاب»), rather
        than a second entity or a clause starting there."""
        if i >= len(self.doc) or i in self.units or i in self.person_starts:
            return False
        if self.marked_at(i, "TRIGGERS", "TITLES", "HONORIFICS"):
            return False
        return not self.ends_chain(i)


def is_word(text: str) -> bool:
    return any(ch.isalpha() for ch in text)
