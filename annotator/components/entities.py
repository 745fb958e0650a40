"""Entity rules: ORG, MINISTRY, OFFICIAL and PERSON in Persian news.

Built on spaCy's `SpanRuler`, matching on `NORM` so that ي/ك, ZWNJ, spacing
and «،» variants all match while offsets stay in the original text. Lists
alone never cover the organizations of unseen news, so a small grammar works
on top of the lexicon matches:

* an organization word («سازمان», «شرکت», «دانشگاه» …) followed by its name,
  up to a sound boundary (a verb, a preposition, punctuation, «که» …), is an
  ORG; known names and ministry domains («صنعت، معدن و تجارت») inside the
  chain are taken whole, commas included;
* a title («معاون», «مدیرعامل», «استاندار» …) followed along its ezafe chain
  by an organization, a ministry domain, a place or another title is one
  OFFICIAL («معاون وزیر صنعت، معدن و تجارت», «نماینده مردم تهران»);
* a given name followed by a surname is a PERSON, and that surname alone
  elsewhere in the document is a PERSON too;
* the source in «به گزارش X،» is an ORG.

The outermost spans go to `doc.ents`; every span found, nested ones
included, goes to the span group `doc.spans[spans_key]`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Optional

import srsly
from spacy.attrs import NORM, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from annotator.lexicons import DATA_DIR, hazm_words, phrase_variants, read_list, read_patterns, write_jsonl
from annotator.lang.normalize import normalize
from annotator.lang.verbs import ends_phrase_before, is_verb

LABELS = ("ORG", "MINISTRY", "OFFICIAL", "PERSON")

# Pattern files (spaCy JSONL) and word lists (txt) the component reads.
PATTERN_FILES = ("ministries.jsonl", "organizations.jsonl", "officials.jsonl")
WORD_LISTS = {
    "triggers": "org_triggers.txt",
    "titles": "title_heads.txt",
    "plural_titles": "plural_titles.txt",
    "places": "places.txt",
    "given_names": "given_names.txt",
    "ambiguous_given_names": "ambiguous_given_names.txt",
    "surnames": "surnames.txt",
    "surname_suffixes": "surname_suffixes.txt",
    "honorifics": "honorifics.txt",
    "non_names": "non_names.txt",
    "stops": "org_name_stops.txt",
    "generic": "generic_modifiers.txt",
    "agencies": "agency_names.txt",
}
# Lists matched as (possibly multi-word) phrases rather than single norms.
PHRASE_LISTS = ("triggers", "titles", "places", "given_names", "honorifics", "agencies")

_MAX_CHAIN = 14  # tokens an organization or title chain may run to
_MAX_FREE = 4  # words between a title and what it is attached to («معاون محیط زیست انسانی»)
_DEMONSTRATIVES = frozenset(normalize(w) for w in ("این", "آن", "همین", "همان", "هر", "برخی", "سایر", "چند", "چندین", "بعضی", "کدام"))
_SOURCE_OPENERS = ("به گزارش", "به نقل از")
_SOURCE_ENDS = frozenset(["،", ",", ":", "؛", "-"])
_WA = "و"
# Words that link an anchor to a following place or organization.
_CONNECTORS = frozenset(normalize(w) for w in ("استان", "شهرستان", "شهر", "کشور", "مردم", "بخش", "منطقه", "جمهوری"))
# Connectors that may also end a chain on their own («… آموزش و پرورش استان»,
# «سازمان بهزیستی کشور»): the province or country of the context.
# Words after which a title may name several towns: «نماینده مردم آباده،
# بوانات و خرم‌بید», «مدیر منابع آب شهرستان فارسان و کوهرنگ».
_CONSTITUENCY = frozenset(normalize(w) for w in ("مردم", "شهرستان", "شهرستان‌های", "شهرهای"))
_DIRECTIONS = frozenset(normalize(w) for w in ("شرق", "غرب", "شمال", "جنوب"))
_FAQIH = normalize("فقیه")  # «ولی فقیه»
_REPRESENTATIVE = frozenset(normalize(w) for w in ("نماینده", "نمایندگی"))
_ALI = normalize("علی")
_FINAL_CONNECTORS = frozenset(normalize(w) for w in ("استان", "کشور", "شهرستان"))
_REPORTER = frozenset(normalize(w) for w in ("خبرنگار", "خبرنگاران", "گزارشگر"))
_TITLE_HONORIFIC = "محترم"  # «رئیس جمهوری محترم»
# Words numbered inside a name or a title: «منطقه ۲۰», «شعبه ۱۱۳», «ناحیه ۲»,
# «اصل ۵۰» (an article of the constitution: «فراکسیون اصل ۵۰»).
_NUMBERED = frozenset(normalize(w) for w in ("منطقه", "ناحیه", "شعبه", "بخش", "واحد", "پایگاه", "حوزه", "ستاد", "اصل"))
# Verbs of saying that follow a speaker's name directly («کاتب گفت»).
_SAID = frozenset(normalize(w) for w in (
    "افزود", "گفت", "اظهار", "تصریح", "اعلام", "بیان", "تاکید", "خاطرنشان", "یادآور", "عنوان", "ادامه"))
# Words that follow a speaker's name: «… امروز در گفت‌وگو با …», «… افزود».
_SPEECH_FRAME = _SAID | frozenset(normalize(w) for w in (
    "در", "امروز", "دیروز", "با", "صبح", "عصر", "ظهر", "شب", "شامگاه", "بامداد", "ضمن", "طی", "پیش",
    "معتقد", "همچنین", "نیز"))
# «… در گفت‌وگو با», «… در جمع خبرنگاران»: the frame of a statement after a name.
_SAID_IN = frozenset(normalize(w) for w in ("گفت‌وگو", "گفتگو", "گفت", "جمع", "مصاحبه", "حاشیه", "نشست"))
_OPEN_QUOTES = frozenset(["«", '"', "“"])
_CLOSE_QUOTES = frozenset(["»", '"', "”"])
# hazm tags of words that cannot be a surname.
_FUNCTION_TAGS = frozenset(["P", "CONJ", "PRO", "DET", "POSTP", "NUM", "PR", "PS"])


@Language.factory(
    "annotator_entities",
    assigns=["doc.ents", "doc.spans"],
    default_config={"spans_key": "entities", "overwrite_ents": True, "data_dir": None},
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_entity_rules(
    nlp: Language, name: str, spans_key: str, overwrite_ents: bool, data_dir: Optional[str]
) -> "EntityRules":
    return EntityRules(nlp, name, spans_key=spans_key, overwrite_ents=overwrite_ents, data_dir=data_dir)


class EntityRules(SpanRuler):
    """Lexicon patterns (a `SpanRuler` on NORM) plus the chain grammar."""

    def __init__(
        self,
        nlp: Language,
        name: str = "annotator_entities",
        *,
        spans_key: str = "entities",
        overwrite_ents: bool = True,
        data_dir: str | Path | None = None,
    ) -> None:
        super().__init__(nlp, name, spans_key=None, phrase_matcher_attr="NORM", annotate_ents=False)
        self.entities_key = spans_key
        self.overwrite_ents = overwrite_ents
        self.words: dict[str, list[str]] = {}
        self.load(Path(data_dir) if data_dir else DATA_DIR)

    # ------------------------------------------------------------------ data

    def load(self, data_dir: Path) -> None:
        """Read patterns and word lists from a directory of lexicon files."""
        self.clear()
        for name in PATTERN_FILES:
            path = data_dir / name
            if path.exists():
                self.add_patterns(read_patterns(path, labels=LABELS))
        words = {}
        for key, name in WORD_LISTS.items():
            path = data_dir / name
            words[key] = read_list(path) if path.exists() else []
        self.set_words(words)

    def add_patterns(self, patterns: list[dict]) -> None:
        """Like `SpanRuler.add_patterns`, but phrase patterns are tokenized
        with the tokenizer alone, and match in their spelling variants (see
        `_variants`)."""
        for entry in patterns:
            label, pattern_id = entry["label"], entry.get("id", "")
            key = repr((label, pattern_id))
            self._match_label_id_map[self.nlp.vocab.strings.add(key)] = {"label": label, "id": pattern_id}
            pattern = entry["pattern"]
            if isinstance(pattern, str):
                self.phrase_matcher.add(key, [self.nlp.make_doc(v) for v in phrase_variants(pattern)])
            else:
                self.matcher.add(key, [pattern])
            self._patterns.append(entry)

    def set_words(self, words: dict[str, list[str]]) -> None:
        """Install the word lists: phrase markers and normalized word sets."""
        self.words = {k: list(v) for k, v in words.items()}
        make_doc = self.nlp.make_doc
        self.markers = PhraseMatcher(self.nlp.vocab, attr="NORM")
        for key in PHRASE_LISTS:
            entries = [w for w in words.get(key, []) if w.strip()]
            if key == "triggers":
                # Plural forms name an organization too («سازمان‌های صنعت …»).
                entries += [w + suffix for w in entries if " " not in w for suffix in ("‌ها", "‌های")]
            docs = [make_doc(v) for w in entries for v in phrase_variants(w)]
            if docs:
                self.markers.add(key.upper(), docs)
        self.markers.add("SOURCE", [make_doc(w) for w in _SOURCE_OPENERS])
        # Ministry domains: the name after «وزارت», also used after «وزیر».
        domains = {p["pattern"].split(" ", 1)[1] for p in self._patterns
                   if p["label"] == "MINISTRY" and isinstance(p["pattern"], str) and " " in p["pattern"]}
        domain_docs = [make_doc(v) for d in domains for v in phrase_variants(d)]
        if domain_docs:
            self.markers.add("DOMAIN", domain_docs)

        def norms(key: str) -> frozenset[str]:
            return frozenset(normalize(w.replace(" ", "")) for w in words.get(key, []))

        self._plural_titles = norms("plural_titles")
        self._surnames = norms("surnames")
        self._non_names = norms("non_names")
        self._stops = norms("stops") - {_WA}
        self._generic = norms("generic")
        self._ambiguous_given = norms("ambiguous_given_names")
        self._suffixes = tuple(sorted(norms("surname_suffixes"), key=len, reverse=True))
        # Suffixes of two letters or more: reliable enough to make a word
        # after an ambiguous given name («امید», «پیام») a surname.
        self._strong_suffixes = tuple(x for x in self._suffixes if len(x) >= 2)
        self._nominal = hazm_words()

    # ------------------------------------------------------------- pipeline

    def __call__(self, doc: Doc) -> Doc:
        spans = self.find(doc)
        flat = filter_spans(spans)
        if doc.ents:
            # Entities already set (by a trained `ner` before us): rules win
            # where they overlap, or only fill the gaps, as configured.
            existing = list(doc.ents)
            if self.overwrite_ents:
                flat += [e for e in existing if not any(_overlap(e, s) for s in flat)]
            else:
                flat = existing + [s for s in flat if not any(_overlap(e, s) for e in existing)]
        doc.ents = sorted(flat, key=lambda s: s.start)
        if self.entities_key:
            doc.spans[self.entities_key] = sorted(set(spans), key=lambda s: (s.start, -s.end))
        return doc

    def find(self, doc: Doc) -> list[Span]:
        """All entity spans, nested ones included."""
        lexicon = self._lexicon_spans(doc)
        markers: dict[str, dict[int, int]] = {}
        for match_id, start, end in self.markers(doc):
            by_start = markers.setdefault(self.nlp.vocab.strings[match_id], {})
            by_start[start] = max(end, by_start.get(start, 0))
        lexicon += self._foreign_ministries(doc, lexicon, markers)
        persons = self._persons(doc, markers)
        units: dict[int, Span] = {}
        for span in lexicon:
            if span.start not in units or len(span) > len(units[span.start]):
                units[span.start] = span
        person_starts = {p.start for p in persons}
        orgs = self._orgs(doc, markers, units, person_starts)
        for span in orgs:
            if span.start not in units or len(span) > len(units[span.start]):
                units[span.start] = span
        officials = self._officials(doc, markers, units, person_starts)
        sources = self._sources(doc, markers, units)
        return lexicon + orgs + officials + persons + sources

    def _lexicon_spans(self, doc: Doc) -> list[Span]:
        """The lexicon's matches as labelled spans (what `SpanRuler.match`
        gives, without its per-call overhead)."""
        matches = list(self.phrase_matcher(doc))
        if len(self.matcher):
            matches += self.matcher(doc)
        out = []
        for match_id, start, end in set(matches):
            entry = self._match_label_id_map[match_id]
            if entry["label"] in LABELS:
                out.append(Span(doc, start, end, label=entry["label"], span_id=entry["id"]))
        return sorted(out)

    @staticmethod
    def _foreign_ministries(doc: Doc, lexicon: list[Span], markers: dict) -> list[Span]:
        """A ministry followed by its country is one MINISTRY («وزارت نفت
        هند», «وزارت دفاع جمهوری آذربایجان»)."""
        places = markers.get("PLACES", {})
        out = []
        for span in lexicon:
            if span.label_ != "MINISTRY":
                continue
            i = span.end
            if i < len(doc) and doc[i].norm_ == "جمهوری":
                i += 1
            if i in places:
                out.append(Span(doc, span.start, places[i], label="MINISTRY", span_id=span.id))
        return out

    # ---------------------------------------------------------- word classes

    def _ends_chain(self, doc: Doc, i: int) -> bool:
        """Whether an organization or title chain must end before token i."""
        tok = doc[i]
        if tok.is_space or tok.is_punct or tok.like_num or tok.is_digit:
            return True
        norm = tok.norm_
        if norm in self._stops or norm in _DEMONSTRATIVES or is_verb(norm):
            return True
        return ends_phrase_before(norm, *_next_norms(doc, i))

    def _surname_like(self, doc: Doc, i: int, markers: dict, *, after_given: bool = False) -> bool:
        """Whether token i can be a surname: a listed surname, a word with a
        surname ending, or a word hazm does not know as a common word. Right
        after an unambiguous given name any content word will do («علیرضا
        آموزنده», «خسرو دانشجو»), since the given name vouches for it."""
        if i >= len(doc) or self._ends_chain(doc, i):
            return False
        norm = doc[i].norm_
        if not _is_word(doc[i].text) or norm in self._non_names:
            return False
        if any(i in markers.get(k, {}) for k in ("TITLES", "TRIGGERS", "PLACES", "GIVEN_NAMES")):
            return False
        if norm in self._surnames:
            return True
        if len(norm) > 3 and norm.endswith(self._suffixes):
            return True
        tags = self._nominal.get(norm)
        if not tags:
            return True  # a word hazm's lexicon does not know as a common word
        return after_given and not tags & _FUNCTION_TAGS

    # --------------------------------------------------------------- persons

    def _persons(self, doc: Doc, markers: dict) -> list[Span]:
        given = markers.get("GIVEN_NAMES", {})
        honorifics = markers.get("HONORIFICS", {})
        found: list[Span] = []
        surnames: set[tuple[str, ...]] = set()
        done = 0  # tokens before this are decided
        for start in sorted(set(given) | set(honorifics)):
            if start < done:
                continue
            if start not in given:
                # «آقای نجفی»: an honorific then a surname alone.
                j = honorifics[start]
                if j not in given and self._surname_like(doc, j, markers) and j + 1 not in given:
                    done = self._surname_end(doc, j, markers)
                    found.append(Span(doc, j, done, label="PERSON"))
                    surnames.add(tuple(t.norm_ for t in doc[j:done]))
                continue
            end = given[start]
            ambiguous = normalize(doc[start:end].text) in self._ambiguous_given
            if end < len(doc) and doc[start].norm_ == _ALI and end == start + 1 and doc[end].norm_.startswith("ال") \
                    and not doc[end].norm_.startswith("الله") and doc[end].norm_ not in self._surnames \
                    and not self._apposition_at(doc, end + 1, markers):
                continue  # the Arabic preposition in a quoted verse: «علی البر و التقوی»
            last = start  # start of the last given name of the chain
            while end in given and given[end] > end:  # «علی اکبر», «سید محمد»
                last, end = end, given[end]
            done = end
            surname = self._surname_like(doc, end, markers, after_given=not ambiguous) and not (
                ambiguous and doc[end].norm_ not in self._surnames and not doc[end].norm_.endswith(self._strong_suffixes))
            if not surname:
                # A title or a statement right after the name vouches for a
                # surname the lists do not know («رحیم زارع نماینده مردم
                # آباده», «غلامرضا کاتب گفت»), or for a given name that is
                # also a surname («اصغر هدایت، فرماندار فلاورجان»).
                appos_end = self._appositive_surname(doc, end, markers, strict=ambiguous)
                if appos_end:
                    done = appos_end
                elif last > start and self._apposition_at(doc, end, markers):
                    found.append(Span(doc, start, end, label="PERSON"))
                    surnames.add((doc[last].norm_,))
                    continue
                else:
                    continue
            else:
                done = self._surname_end(doc, end, markers)
            found.append(Span(doc, start, done, label="PERSON"))
            surnames.add(tuple(t.norm_ for t in doc[end:done]))
        quoted = self._quoted_names(doc, markers)
        if quoted:  # the whole name in quotes wins over a part of it («ژان لوک» in «ژان لوک مورو»)
            found = [p for p in found if not any(q.start <= p.start and p.end <= q.end for q in quoted)]
        taken = {k for p in found + quoted for k in range(p.start, p.end)}
        for span in self._subject_names(doc, markers, taken):
            found.append(span)
            surnames.add(tuple(t.norm_ for t in (span[1:] if len(span) > 1 else span)))
        for span in quoted:  # foreign names: the last word is the one repeated («الربیعی»)
            found.append(span)
            surnames.add((span[-1].norm_,))
        if surnames:
            found += self._bare_surnames(doc, surnames, found)
        return found

    def _subject_names(self, doc: Doc, markers: dict, taken: set[int]) -> list[Span]:
        """Names the given-name list does not know, where news puts a
        speaker: at the start of a sentence or right after «به گزارش X،»,
        two name-like words, then a title or the frame of a statement
        («خدارضا امیدی امروز در گفت‌وگو با …», «سمیر غضبان افزود»)."""
        starts = {s.start for s in doc.sents}
        for opener_end in markers.get("SOURCE", {}).values():
            for k in range(opener_end, min(opener_end + 8, len(doc))):
                if doc[k].text in ("،", ","):
                    starts.add(k + 1)
                    break
        out = []
        for i in sorted(starts):
            while i < len(doc) and doc[i].is_space:
                i += 1
            if i + 2 >= len(doc) or i in taken or i + 1 in taken:
                continue
            first, nxt = doc[i], doc[i + 2]
            if not _is_word(first.text) or self._nominal.get(first.norm_) or self._ends_chain(doc, i) \
                    or first.norm_ in self._plural_titles:  # «وزرای امور مالی، خارجه و دفاع»
                continue
            if any(i in markers.get(k, {}) for k in ("TITLES", "TRIGGERS", "PLACES", "HONORIFICS")):
                continue
            if not self._surname_like(doc, i + 1, markers):
                continue
            if i + 2 in markers.get("TITLES", {}) or nxt.norm_ in _SPEECH_FRAME or nxt.is_punct:
                out.append(Span(doc, i, i + 2, label="PERSON"))
                taken.update((i, i + 1))
        # A listed surname right before a title, in apposition: «نوبخت رئیس
        # سازمان برنامه», «عظیمی، سخنگوی وزارت دفاع».
        for t in markers.get("TITLES", {}):
            j = t - 2 if t >= 2 and doc[t - 1].text in ("،", ",") else t - 1
            if j >= 0 and j not in taken and doc[j].norm_ in self._surnames and self._surname_like(doc, j, markers):
                if j == 0 or not _is_word(doc[j - 1].text) or doc[j - 1].norm_ in _SPEECH_FRAME or j - 1 in taken:
                    out.append(Span(doc, j, j + 1, label="PERSON"))
        return out

    def _quoted_names(self, doc: Doc, markers: dict) -> list[Span]:
        """A name in quotes followed by a title in apposition: how news
        introduces foreign people («"نصار الربیعی" رئیس جنبش صدر», «هیثر
        نوئرت» سخنگوی وزارت خارجه). The quotes stay out of the span."""
        titles = markers.get("TITLES", {})
        if not titles:
            return []
        strings = doc.vocab.strings
        opens = {strings.add(q) for q in _OPEN_QUOTES}
        out = []
        # Hashes, not Token objects: this looks at every token of every document.
        for i in [k for k, h in enumerate(doc.to_array(ORTH).tolist()) if h in opens]:
            close = next((k for k in range(i + 1, min(i + 6, len(doc))) if doc[k].text in _CLOSE_QUOTES), None)
            if close is None or close == i + 1:
                continue
            # a comma may stand between: «"نائوتوکان"، نخست‌وزیر ژاپن»
            after = close + 2 if close + 1 < len(doc) and doc[close + 1].text in ("،", ",") else close + 1
            if after not in titles:
                continue
            words = range(i + 1, close)
            if not all(self._plain_word(doc, k, markers) or k in markers.get("GIVEN_NAMES", {}) for k in words):
                continue
            if all(self._nominal.get(doc[k].norm_) and k not in markers.get("GIVEN_NAMES", {})
                   and doc[k].norm_ not in self._surnames for k in words):
                continue  # common words in quotes are a term or a title («تحول سلامت»), not a name
            out.append(Span(doc, i + 1, close, label="PERSON"))
        return out

    def _apposition_at(self, doc: Doc, k: int, markers: dict) -> bool:
        """Whether a name ending before token k is followed by what only
        follows a person: a title in apposition (after «،» or «؛» too) or a
        verb of saying."""
        if k >= len(doc):
            return False
        titles = markers.get("TITLES", {})
        t = k + 1 if doc[k].text in ("،", ",", "؛") else k
        if t in titles:
            # not a participle that looks like a title («فرستاده شود»)
            return titles[t] >= len(doc) or not is_verb(doc[titles[t]].norm_)
        if doc[k].norm_ == "در" and k + 1 < len(doc):  # «… در گفت‌وگو با», «… در جمع خبرنگاران»
            return doc[k + 1].norm_ in _SAID_IN
        return doc[k].norm_ in _SAID

    def _appositive_surname(self, doc: Doc, i: int, markers: dict, *, strict: bool = False) -> int:
        """End of an unlisted surname at token i that a following title or
        verb of saying vouches for (0 if none): one word, or two when the
        second is a word hazm does not know («کشتی آرای»). After a given name
        that is also a common word («پیام», «نظام»), `strict`: the surname
        must not be a common word either («پیام تسلیت رئیس …»)."""
        if i >= len(doc):
            return 0
        if strict and self._nominal.get(doc[i].norm_) and doc[i].norm_ not in self._surnames:
            return 0
        for end in (i + 1, i + 2):
            if end > len(doc) or not all(self._plain_word(doc, k, markers) for k in range(i, end)):
                return 0
            second = doc[i + 1].norm_ if end == i + 2 else ""
            if second and self._nominal.get(second) and second not in self._surnames and not (
                    second.endswith(self._suffixes) and second not in self._non_names):
                return 0
            if self._apposition_at(doc, end, markers):
                return end
        return 0

    def _plain_word(self, doc: Doc, k: int, markers: dict) -> bool:
        """A word that could be part of a name: not punctuation, a verb, a
        function word, a title, an organization word or a place."""
        if self._ends_chain(doc, k) or not _is_word(doc[k].text):
            return False
        if any(k in markers.get(m, {}) for m in ("TITLES", "TRIGGERS", "PLACES", "GIVEN_NAMES", "HONORIFICS")):
            return False
        if doc[k].norm_ in self._non_names and doc[k].norm_ not in self._surnames:
            return False
        return not (self._nominal.get(doc[k].norm_) or frozenset()) & _FUNCTION_TAGS - {"NUM"}

    @staticmethod
    def _bare_surnames(doc: Doc, surnames: set[tuple[str, ...]], persons: list[Span]) -> list[Span]:
        """The surname of a person named in full, found alone elsewhere in the
        document («نجفی تصریح کرد»)."""
        taken = {k for span in persons for k in range(span.start, span.end)}
        strings = doc.vocab.strings
        firsts = {strings.add(s[0]) for s in surnames}
        norms = doc.to_array(NORM).tolist()  # hashes: no Token objects per token
        out: list[Span] = []
        for i, h in enumerate(norms):
            if h in firsts and i not in taken:
                for s in sorted((s for s in surnames if strings.add(s[0]) == h), key=len, reverse=True):
                    if tuple(t.norm_ for t in doc[i:i + len(s)]) == s:
                        out.append(Span(doc, i, i + len(s), label="PERSON"))
                        break
        return out

    def _surname_end(self, doc: Doc, i: int, markers: dict) -> int:
        """End of a surname starting at i: one word, or two for compound
        surnames («هاشمی رفسنجانی», «قاسمی نژاد», «صالحی پور»)."""
        nxt = i + 1
        if nxt >= len(doc) or nxt in markers.get("GIVEN_NAMES", {}) or doc[i].whitespace_ != " ":
            return nxt
        norm = doc[nxt].norm_
        if norm in self._strong_suffixes and not self._ends_chain(doc, nxt):
            return nxt + 1  # a surname suffix written apart («نژاد», «پور»)
        if norm.endswith("ی") and norm[-2:-1] in ("و", "ا") and self._nominal.get(norm[:-1]):
            return nxt  # a noun with its ezafe «-ی» opens what follows: «کریم قنبری پاسخگوی سوالات»
        if self._surname_like(doc, nxt, markers) and (
            norm in self._surnames or (norm.endswith(self._suffixes) and not self._nominal.get(norm))
        ):
            return nxt + 1  # «رئیسی حسنلنگی»
        return nxt

    # ---------------------------------------------------------- organizations

    def _orgs(self, doc: Doc, markers: dict, units: dict[int, Span], person_starts: set[int]) -> list[Span]:
        found: list[Span] = []
        for start, trig_end in sorted(markers.get("TRIGGERS", {}).items()):
            if start > 0 and (doc[start - 1].norm_ in _DEMONSTRATIVES or doc[start - 1].like_num):
                # «این سازمان», «۵۴ فدراسیون ورزشی»: a reference or a count,
                # not a name.
                continue
            if trig_end < len(doc) and doc[trig_end].norm_ in self._generic:
                continue
            plural = doc[trig_end - 1].norm_.endswith(("ها", "های"))
            known = units.get(start)
            if known is not None and known.label_ in ("ORG", "MINISTRY") and known.end >= trig_end:
                # A known name («بانک مرکزی») may only grow by a place.
                end, anchored = self._chain(doc, known.end, markers, units, person_starts, start, anchored=True)
            else:
                end, anchored = self._chain(doc, trig_end, markers, units, person_starts, start)
            if end == trig_end or (plural and not anchored) or (known is not None and end <= known.end):
                continue
            if plural and end == trig_end + 1 and doc[trig_end].norm_ in _FINAL_CONNECTORS:
                continue  # «باشگاه‌های کشور», «دانشگاه‌های استان»: all of them, not a name
            found.append(Span(doc, start, end, label="ORG"))
        return found

    def _unit_at(self, i: int, markers: dict, units: dict[int, Span], *, short_domains: bool = True) -> int:
        """End of a known name, ministry domain or place starting at token i
        (0 if none): the pieces a chain takes whole, commas and «و» inside.
        One-word domains («نفت», «علوم») anchor a title («وزیر نفت») but are
        ordinary words inside a name («دانشکده علوم پزشکی»)."""
        unit = units.get(i)
        end = unit.end if unit is not None and unit.label_ in ("ORG", "MINISTRY") else 0
        domain = markers.get("DOMAIN", {}).get(i, 0)
        if not short_domains and domain == i + 1:
            domain = 0
        return max(end, domain, markers.get("PLACES", {}).get(i, 0))

    def _chain(
        self, doc: Doc, i: int, markers: dict, units: dict[int, Span], person_starts: set[int], start: int,
        anchored: bool = False,
    ) -> tuple[int, bool]:
        """Walk an ezafe chain from token i; return its end and whether it
        took a known name, domain or place (an anchor). Free words may come
        before the anchor («معاونت طرح و برنامه» + «وزارت صنعت …»); after it
        only a connector and a place («… استان زنجان») may follow."""
        end = first = i
        while i < len(doc) and i - start < _MAX_CHAIN:
            unit_end = self._unit_at(i, markers, units, short_domains=False)
            if unit_end:
                i = end = unit_end
                anchored = True
                continue
            if i in person_starts or i in markers.get("TITLES", {}):
                break
            norm = doc[i].norm_
            if anchored:
                place = self._place_after_connector(doc, i, markers, units)
                if place:
                    i = place
                    continue
                if norm in _FINAL_CONNECTORS:
                    end = i + 1
                break
            if norm == _WA:
                if i > first and self._continues(doc, i + 1, markers, units, person_starts):
                    i += 1
                    continue
                break
            if norm in _NUMBERED and i + 1 < len(doc) and doc[i + 1].is_digit:
                i = end = i + 2  # «دادگاه … شعبه ۱۱۳»
                continue
            if i == first and i > 0 and doc[i].is_digit and doc[i - 1].norm_ in _NUMBERED:
                i = end = i + 1  # the number of a head that ends in «منطقه»: «شهرداری منطقه ۲۰»
                continue
            if self._ends_chain(doc, i):
                break
            i = end = i + 1
        return end, anchored

    def _place_after_connector(self, doc: Doc, i: int, markers: dict, units: dict[int, Span]) -> int:
        """Start of the place or name that connector words at token i lead
        to («… استان فارس», «… شرق استان تهران»), or 0."""
        norm = doc[i].norm_
        if norm in _CONNECTORS and self._unit_at(i + 1, markers, units):
            return i + 1
        if norm in _DIRECTIONS and i + 2 < len(doc) and doc[i + 1].norm_ in _CONNECTORS \
                and self._unit_at(i + 2, markers, units):
            return i + 2
        return 0

    def _continues(self, doc: Doc, i: int, markers: dict, units: dict[int, Span], person_starts: set[int]) -> bool:
        """Whether a name goes on after «و» at token i («آب و فاضلاب»), rather
        than a second entity or a clause starting there."""
        if i >= len(doc) or i in units or i in person_starts:
            return False
        if any(i in markers.get(k, {}) for k in ("TRIGGERS", "TITLES", "HONORIFICS")):
            return False
        return not self._ends_chain(doc, i)

    # -------------------------------------------------------------- officials

    def _officials(self, doc: Doc, markers: dict, units: dict[int, Span], person_starts: set[int]) -> list[Span]:
        titles = dict(markers.get("TITLES", {}))
        for span in units.values():
            if span.label_ == "OFFICIAL":
                titles.setdefault(span.start, span.end)
        found: list[Span] = []
        for start in sorted(titles):
            if start > 0 and doc[start - 1].norm_ in _DEMONSTRATIVES:
                continue
            end = self._title_end(doc, start, titles, markers, units, person_starts, depth=0)
            if end:
                found.append(Span(doc, start, end, label="OFFICIAL"))
        return found

    def _title_end(
        self, doc: Doc, start: int, titles: dict[int, int], markers: dict, units: dict[int, Span],
        person_starts: set[int], depth: int,
    ) -> int:
        """End of the title starting at `start`, or 0 if it names no one: a
        head, free modifiers («سیاسی»), then what it is attached to."""
        if doc[start].norm_ in self._plural_titles:
            return 0
        i = titles[start]
        end = 0
        if start in units and units[start].label_ == "OFFICIAL":
            # A title complete on its own («رئیس‌جمهور») may still take a place.
            i = end = max(i, units[start].end)
        elif doc[i - 1].norm_.endswith(_FAQIH):
            # «نماینده ولی فقیه» is complete on its own.
            end = i
        free = 0
        while i < len(doc) and i - start < _MAX_CHAIN:
            unit_end = self._unit_at(i, markers, units)
            if unit_end:
                i = end = unit_end
            elif i in titles and depth < 3:
                inner = self._title_end(doc, i, titles, markers, units, person_starts, depth + 1)
                if not inner:
                    break
                i = end = inner
            elif end:
                # After what the title is attached to, only a connector and a
                # place («… استان فارس») may follow, not free words.
                norm = doc[i].norm_
                if norm == "در" and doc[end - 1].norm_.endswith(_FAQIH) and i + 1 < len(doc) \
                        and any(t.norm_ in _REPRESENTATIVE for t in doc[start:end]):
                    # «نماینده ولی فقیه در استان گیلان», «… در سپاه»
                    place = self._unit_at(i + 2 if doc[i + 1].norm_ in _CONNECTORS else i + 1, markers, units)
                    if place:
                        end = place
                    break
                place = self._place_after_connector(doc, i, markers, units)
                if place:
                    i = place
                    continue
                place_end = markers.get("PLACES", {}).get(i + 1)
                if place_end and norm in (_WA, "،", ",") and any(t.norm_ in _CONSTITUENCY for t in doc[start:i]):
                    i = end = place_end  # a constituency of several towns: «نماینده مردم آباده، بوانات و خرم‌بید»
                    continue
                if (norm == _WA and i + 3 < len(doc) and doc[i + 2].norm_ == "در" and doc[i + 3].norm_ == "مجلس"
                        and any(t.norm_ in _CONSTITUENCY for t in doc[start:i]) and self._plain_word(doc, i + 1, markers)
                        and not self._nominal.get(doc[i + 1].norm_)):
                    end = i + 2  # the last town of it, before «در مجلس», even when no list has it
                    break
                if norm in _FINAL_CONNECTORS or norm == _TITLE_HONORIFIC:
                    end = i + 1
                break
            elif doc[i].norm_ == _WA and free and free < _MAX_FREE and self._continues(
                doc, i + 1, markers, units, person_starts
            ):
                i += 1  # «معاون توسعه مدیریت و پشتیبانی …»
            elif doc[i].norm_ in _NUMBERED and i + 1 < len(doc) and doc[i + 1].is_digit and free < _MAX_FREE:
                free += 1
                i += 2  # «شهردار منطقه ۲۰ تهران», «رئیس شعبه ۱۱۳ دادگاه …»
            elif i in person_starts or self._ends_chain(doc, i) or doc[i].norm_ == _WA or free >= _MAX_FREE:
                break
            else:
                free += 1
                i += 1
        return end

    # ---------------------------------------------------------------- sources

    def _sources(self, doc: Doc, markers: dict, units: dict[int, Span]) -> list[Span]:
        """«به گزارش X،»: X is the news source, an ORG, when it is a short
        name the lexicons do not already cover."""
        found: list[Span] = []
        openers = set(markers.get("SOURCE", {}).values())
        for s, e in markers.get("AGENCIES", {}).items():
            # «به گزارش فارس», «خبرنگار اقتصادی فارس»: a short agency name
            # where a news source is named.
            before = {doc[k].norm_ for k in range(max(0, s - 3), s)}
            if (s in openers or before & _REPORTER) and s not in units:
                found.append(Span(doc, s, e, label="ORG"))
                openers.discard(s)
        for j in openers:
            if j in units or j in markers.get("TRIGGERS", {}):
                continue
            k = j
            while k < len(doc) and k - j < 3 and not self._ends_chain(doc, k) and doc[k].norm_ != _WA:
                k += 1
            if j < k < len(doc) and doc[k].text in _SOURCE_ENDS and all(_is_word(t.text) for t in doc[j:k]):
                found.append(Span(doc, j, k, label="ORG"))
        return found

    def token_patterns(self) -> list[dict]:
        """The lexicon as token patterns on NORM, one per spelling variant:
        a Prodigy `--patterns` file that matches the way this component does
        when Prodigy runs with our pipeline (our tokenizer sets the norms)."""
        out: list[dict] = []
        seen: set[tuple] = set()
        for entry in self.patterns:
            variants = phrase_variants(entry["pattern"]) if isinstance(entry["pattern"], str) else [entry["pattern"]]
            for v in variants:
                tokens = v if isinstance(v, list) else [{"NORM": t.norm_} for t in self.nlp.make_doc(v) if not t.is_space]
                key = (entry["label"], repr(tokens))
                if key not in seen:
                    seen.add(key)
                    out.append({"label": entry["label"], "pattern": tokens, **({"id": entry["id"]} if entry.get("id") else {})})
        return out

    # ----------------------------------------------------------- serialization

    def to_disk(self, path, *, exclude: Iterable[str] = tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        write_jsonl(path / "patterns.jsonl", self.patterns)
        (path / "words.json").write_text(json.dumps(self.words, ensure_ascii=False, indent=0), encoding="utf-8")

    def from_disk(self, path, *, exclude: Iterable[str] = tuple()) -> "EntityRules":
        path = Path(path)
        patterns = list(srsly.read_jsonl(path / "patterns.jsonl"))
        self.clear()
        self.add_patterns(patterns)
        self.set_words(srsly.read_json(path / "words.json"))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        return srsly.msgpack_dumps({"patterns": self.patterns, "words": self.words})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = tuple()) -> "EntityRules":
        msg = srsly.msgpack_loads(data)
        self.clear()
        self.add_patterns(msg["patterns"])
        self.set_words(msg["words"])
        return self


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _is_word(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _next_norms(doc: Doc, i: int) -> tuple[str, str]:
    """The norms of the two words after token i ("" past the end)."""
    return (doc[i + 1].norm_ if i + 1 < len(doc) else "", doc[i + 2].norm_ if i + 2 < len(doc) else "")
