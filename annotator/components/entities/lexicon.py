"""What the entity grammar knows: lexicon patterns, word lists and the closed
word classes of the grammar, turned into matchers and normalized word sets.

The data are files (`annotator/data/`, or a saved pipeline's component
directory): spaCy pattern JSONL for known names, word lists for the open
classes (given names, surnames, places, titles …) and `entity_words.json`
for the closed ones. An `EntityLexicon` keeps each file's text as read, so
that saving a pipeline writes the same, editable files back.
"""
from __future__ import annotations

from typing import Iterable

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from annotator.lang.normalize import normalize
from annotator.lang.hazm_words import hazm_frequencies, hazm_words
from annotator.lang.phrases import NormPhrases, longest_by_start
from annotator.lexicons import parse_json, parse_list, parse_patterns, phrase_variants, table_words

LABELS = ("ORG", "MINISTRY", "OFFICIAL", "PERSON")
PATTERN_FILES = ("ministries.jsonl", "organizations.jsonl", "officials.jsonl", "foreign_entities.jsonl", "clubs.jsonl")
# Clubs named by an ordinary word («استقلال», «فولاد»): only in sports stories.
SPORT_PATTERNS = "clubs_in_sport.jsonl"
SPORT_WORDS = 2  # different words of sports_words.txt that make a story a sports story
# Word lists by role; a role may read several files (the project's own list
# and one derived from public lists, see data/NAMES.md).
WORD_LISTS: dict[str, tuple[str, ...]] = {
    "triggers": ("org_triggers.txt",),
    "titles": ("title_heads.txt",),
    "plural_titles": ("plural_titles.txt",),
    "places": ("places.txt",),
    "given_names": ("given_names.txt",),
    "public_given_names": ("given_names_public.tsv",),
    "ambiguous_given_names": ("ambiguous_given_names.txt",),
    "surnames": ("surnames.txt",),
    "public_surnames": ("surnames_public.txt",),
    "ambiguous_surnames": ("ambiguous_surnames.txt",),
    "surname_suffixes": ("surname_suffixes.txt",),
    "honorifics": ("honorifics.txt",),
    "occupations": ("occupations.txt",),
    "non_names": ("non_names.txt",),
    "stops": ("org_name_stops.txt",),
    "generic": ("generic_modifiers.txt",),
    "agencies": ("agency_names.txt",),
    "sports_words": ("sports_words.txt",),
}
GRAMMAR_FILE = "entity_words.json"
# Head nouns that name a facility or company with a place, a name or a
# number after them («پتروشیمی مارون», «پلیس ۱۱۰»): organizations.py.
HEAD_FILE = "org_heads.jsonl"
RARE_WORD = 2000
FILES = (*PATTERN_FILES, SPORT_PATTERNS, HEAD_FILE, *(name for names in WORD_LISTS.values() for name in names), GRAMMAR_FILE)
# Lists matched as (possibly multi-word) phrases rather than single norms.
PHRASE_LISTS = ("triggers", "titles", "places", "given_names", "honorifics", "agencies", "occupations")


class EntityLexicon:
    """Matchers and word sets built from the entity data files."""

    def __init__(self, nlp: Language, files: dict[str, str]) -> None:
        self.files = dict(files)
        self.patterns: list[dict] = []
        for name in PATTERN_FILES:
            if name in files:
                self.patterns += parse_patterns(files[name], name, labels=LABELS)
        self.words = {key: [w for name in names for w in parse_list(files.get(name, ""))]
                      for key, names in WORD_LISTS.items()}
        grammar = parse_json(files.get(GRAMMAR_FILE, "{}"), GRAMMAR_FILE)
        public_given = self.public_given(grammar)
        self._build_matchers(nlp, grammar, public_given)
        self._build_sets(grammar, public_given)

    def _build_matchers(self, nlp: Language, grammar: dict, public_given: list[str]) -> None:
        # Phrases are tokenized as the text is, without sentence starts.
        make_doc = getattr(nlp.tokenizer, "without_sentences", lambda: nlp.tokenizer)()
        self.keys: dict[int, tuple[str, str]] = {}  # match key -> (label, pattern id)
        self.phrases, self.token_matcher = self._pattern_matchers(nlp, make_doc, self.patterns)
        sport = parse_patterns(self.files.get(SPORT_PATTERNS, ""), SPORT_PATTERNS, labels=LABELS)
        self.sport_phrases, _ = self._pattern_matchers(nlp, make_doc, sport)
        self.sport_words = {get_string_id(normalize(w.replace(" ", ""))) for w in self.words.get("sports_words", [])}
        self.markers = PhraseMatcher(nlp.vocab, attr="NORM")
        plural = [s for s in table_words(grammar, "plural_suffixes")]
        # Given names are many (25,000): they are matched by their tokens'
        # norms (`given_names`: first norm -> the names' norms, longest first)
        # rather than with a Doc (and new lexemes) for each.
        self.given_names = NormPhrases()
        spans_of = getattr(nlp.tokenizer, "token_spans", None)
        for key in PHRASE_LISTS:
            entries = [w for w in self.words.get(key, []) if w.strip()]
            if key == "triggers":
                # Plural forms name an organization too («سازمان‌های صنعت …»).
                entries += [w + "\u200c" + suffix for w in entries if " " not in w for suffix in plural]
            docs = []
            for w in entries:
                for v in phrase_variants(w):
                    if key == "given_names" and spans_of is not None:
                        self.given_names.add([normalize(v[s:e]) for s, e in spans_of(v)])
                    else:
                        docs.append(make_doc(v))
            if key == "given_names":
                # The public lists' names, written as they are (no spaced
                # variant: «به‌داد» must not make «به داد» a name).
                for w in public_given:
                    self.given_names.add([normalize(w[s:e]) for s, e in spans_of(w)] if spans_of else [normalize(w)])
            if docs:
                self.markers.add(key.upper(), docs)
        self.markers.add("SOURCE", [make_doc(w) for w in table_words(grammar, "source_openers")])
        self.markers.add("NATIONAL", [make_doc(v) for w in table_words(grammar, "national_places") for v in phrase_variants(w)])
        # Facility heads, keyed by what must follow them («place_or_name», …;
        # «+alone»: also an ORG with nothing after it).
        self.heads = PhraseMatcher(nlp.vocab, attr="NORM")
        for entry in parse_patterns(self.files.get(HEAD_FILE, ""), HEAD_FILE, labels=["ORG_HEAD"]):
            key = str(entry.get("needs", "place_or_name")) + ("+alone" if entry.get("alone") else "")
            self.heads.add(key, [make_doc(v) for v in phrase_variants(entry["pattern"])])
        # Ministry domains: the name after «وزارت», also used after «وزیر».
        domains = {p["pattern"].split(" ", 1)[1] for p in self.patterns
                   if p["label"] == "MINISTRY" and isinstance(p["pattern"], str) and " " in p["pattern"]}
        domain_docs = [make_doc(v) for d in domains for v in phrase_variants(d)]
        if domain_docs:
            self.markers.add("DOMAIN", domain_docs)

    def _pattern_matchers(self, nlp: Language, make_doc, entries: list[dict]) -> tuple[PhraseMatcher, Matcher]:
        """spaCy `{"label", "pattern", "id"}` entries as a PhraseMatcher on
        NORM (one Doc per spelling variant of a phrase) and a Matcher (token
        patterns), matching under one key per (label, id)."""
        phrases = PhraseMatcher(nlp.vocab, attr="NORM")
        tokens = Matcher(nlp.vocab)
        docs: dict[str, list[Doc]] = {}
        for entry in entries:
            label, pattern_id = entry["label"], entry.get("id", "")
            key = f"{label}|{pattern_id}"
            self.keys[nlp.vocab.strings.add(key)] = (label, pattern_id)  # matches come back as the key's hash
            if isinstance(entry["pattern"], str):
                docs.setdefault(key, []).extend(make_doc(v) for v in sorted(phrase_variants(entry["pattern"])))
            else:
                tokens.add(key, [entry["pattern"]])
        for key, key_docs in docs.items():
            phrases.add(key, key_docs)
        return phrases, tokens

    def public_given(self, grammar: dict) -> list[str]:
        """Given names of the public lists that can start a name: not a word
        the grammar knows in another role (a surname, an honorific, a title,
        a place, an organization word, a stop word) nor a function word."""
        roles = ("surnames", "public_surnames", "honorifics", "titles", "places", "triggers", "non_names", "stops")
        other = {normalize(w.replace(" ", "")) for key in roles for w in self.words.get(key, [])}
        function = frozenset(table_words(grammar, "function_tags")) - {"NUM"}  # hazm tags «سمیر» NUM too
        nominal = hazm_words()
        out = []
        for w in self.words.get("public_given_names", []):
            norm = normalize(w)
            if norm not in other and not (nominal.get(norm, frozenset()) & function):
                out.append(w)
        return out

    def _build_sets(self, grammar: dict, public_given: list[str]) -> None:
        def norms(key: str) -> frozenset[str]:
            return frozenset(normalize(w.replace(" ", "")) for w in self.words.get(key, []))

        def closed(key: str) -> frozenset[str]:
            return frozenset(normalize(w) for w in table_words(grammar, key))

        self.conjunction = normalize(grammar.get("conjunction", "و"))
        self.preposition_in = normalize(grammar.get("in", "در"))
        self.parliaments = closed("parliaments")
        self.title_qualifiers = closed("title_qualifiers")
        self.deictic_places = closed("deictic_places")
        self.venues = closed("venues")
        self.association_heads = closed("association_heads")
        self.name_prepositions = closed("name_prepositions")
        self.ordinal_heads = closed("ordinal_heads")
        self.plural_titles = norms("plural_titles")
        # A surname of the public lists that is also a common word («کار»,
        # «عینی») ends a name after a given name, as any content word does,
        # but is not a listed surname on its own.
        self.nominal = hazm_words()
        # Words hazm's corpus saw rarely (fewer times than this): a noun tag
        # on them is weak evidence against a name.
        frequency = hazm_frequencies()
        self.rare = lambda norm: frequency.get(norm, 0) < RARE_WORD
        public = {s for s in norms("public_surnames") if not self.nominal.get(s)}
        self.surnames = norms("surnames") | (public - norms("ambiguous_surnames"))
        # A given name only the public lists hold is ambiguous: it needs a
        # listed surname, a surname ending, a title or a verb of saying.
        public_norms = {normalize(w.replace(" ", "")) for w in public_given}
        self.non_names = norms("non_names")
        self.stops = norms("stops") - {self.conjunction}
        self.generic = norms("generic")
        self.ambiguous_given = norms("ambiguous_given_names") | (public_norms - norms("given_names"))
        self.suffixes = tuple(sorted(norms("surname_suffixes"), key=len, reverse=True))
        # Suffixes of two letters or more: reliable enough to make a word
        # after an ambiguous given name («امید», «پیام») a surname.
        self.strong_suffixes = tuple(x for x in self.suffixes if len(x) >= 2)
        self.demonstratives = closed("demonstratives")
        self.connectors = closed("connectors")
        self.country_prefixes = closed("country_prefixes")
        self.final_connectors = closed("final_connectors")
        self.constituency = closed("constituency")
        self.directions = closed("directions")
        self.faqih = tuple(closed("faqih"))
        self.representatives = closed("representatives")
        self.arabic_article_names = closed("arabic_article_names")
        self.reporters = closed("reporters")
        self.title_honorifics = closed("title_honorifics")
        self.numbered = closed("numbered")
        self.said = closed("said")
        self.speech_frame = self.said | closed("speech_frame")
        self.said_in = closed("said_in")
        self.plural_suffixes = tuple(table_words(grammar, "plural_suffixes"))
        self.source_ends = frozenset(table_words(grammar, "source_ends"))
        self.open_quotes = frozenset(table_words(grammar, "open_quotes"))
        self.close_quotes = frozenset(table_words(grammar, "close_quotes"))
        self.function_tags = frozenset(table_words(grammar, "function_tags"))

    def lexicon_spans(self, doc: Doc, norms: list[int]) -> list[Span]:
        """The lexicon's matches as labelled spans (the clubs named by an
        ordinary word only in a sports story)."""
        matches = set(self.phrases(doc))
        if len(self.token_matcher):
            matches.update(self.token_matcher(doc))
        sport = self.sport_phrases(doc)
        if sport and len(self.sport_words.intersection(norms)) >= SPORT_WORDS:
            matches.update(sport)
        keys = self.keys
        return sorted(Span(doc, start, end, label=keys[key][0], span_id=keys[key][1]) for key, start, end in matches)

    def match_markers(self, doc: Doc, norms: list[int]) -> dict[str, dict[int, int]]:
        """Marker matches by kind: start token -> end of the longest match
        (`norms`: the Doc's NORM hashes)."""
        markers: dict[str, dict[int, int]] = {}
        strings = doc.vocab.strings
        for match_id, start, end in self.markers(doc):
            by_start = markers.setdefault(strings[match_id], {})
            if end > by_start.get(start, 0):
                by_start[start] = end
        found = self.given_names.find(norms)
        if found:
            by_start = markers.setdefault("GIVEN_NAMES", {})
            for i, end in found.items():
                by_start[i] = max(end, by_start.get(i, 0))
        return markers

    def match_heads(self, doc: Doc) -> dict[int, tuple[int, str]]:
        """Facility heads: start -> (end, what must follow), longest first."""
        return longest_by_start(doc, self.heads)

    def token_patterns(self, make_doc) -> list[dict]:
        """The lexicon as token patterns on NORM, one per spelling variant."""
        out: list[dict] = []
        seen: set[tuple] = set()
        for entry in self.patterns:
            variants: Iterable = phrase_variants(entry["pattern"]) if isinstance(entry["pattern"], str) else [entry["pattern"]]
            for v in variants:
                tokens = v if isinstance(v, list) else [{"NORM": t.norm_} for t in make_doc(v) if not t.is_space]
                key = (entry["label"], repr(tokens))
                if key not in seen:
                    seen.add(key)
                    out.append({"label": entry["label"], "pattern": tokens, **({"id": entry["id"]} if entry.get("id") else {})})
        return out
