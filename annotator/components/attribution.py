"""Attribution: who states each claim.

Persian news attributes speech with a small set of constructions, and the
rules follow them sentence by sentence:

* «X گفت: …», «X با بیان اینکه …، تاکید کرد»: a reporting verb's subject is
  the first mention (entity or anaphor) of its clause, and the claims of
  that sentence are its;
* «به گفته X، …», «از نگاه X …»: X;
* «وی/او/این مقام افزود»: the anaphor resolves to the last named speaker;
* a quote opened by «:» runs on to the end of its paragraph;
* a headline «TITLE: …» gives its claims to TITLE;
* «به گزارش خبرگزاری X» names the source, never the speaker.

A claim with none of these keeps `speaker: null`. The speaker is written as
the mention that names it: `{"start", "end", "text", "label"}`.
"""
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Callable, Optional, Union

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from annotator.components.datafiles import DataFilesComponent
from annotator.lang.lex_attrs import require_lex_attrs
from annotator.lang.sentences import ensure_sentences
from annotator.lexicons import parse_json, parse_patterns, phrase_variants, table_words

MARKERS = ("REPORT", "ACCORDING_TO", "SOURCE", "ANAPHOR")
FILES = ("reporting_verbs.jsonl", "attribution_words.json")
_SPEAKER_LABELS = ("PERSON", "OFFICIAL", "ORG", "MINISTRY")
# Mentions that, opening a sentence, make its subject the one «وی» refers to.
_SUBJECT_LABELS = ("PERSON", "OFFICIAL")
_SOURCE_REACH = 12  # tokens between «به گزارش» and the source it names


@Language.factory(
    "annotator_attribution",
    assigns=["doc._.claims"],
    requires=["doc.ents", "doc._.claims"],
    default_config={"data_dir": None, "scorer": {"@scorers": "annotator.attribution_scorer.v1"}},
    default_score_weights={"claims_speaker_acc": 1.0},
)
def make_attribution(nlp: Language, name: str, data_dir: Optional[str], scorer: Optional[Callable]) -> "Attribution":
    require_lex_attrs(nlp, name)
    return Attribution(nlp, name, data_dir=data_dir, scorer=scorer)


class AttributionLexicon:
    """The reporting-verb markers and closed word classes, from data files."""

    def __init__(self, nlp: Language, files: dict[str, str]) -> None:
        self.files = dict(files)
        patterns = parse_patterns(files.get("reporting_verbs.jsonl", ""), "reporting_verbs.jsonl", labels=MARKERS)
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        for p in patterns:
            self.matcher.add(p["label"], [nlp.make_doc(v) for v in phrase_variants(p["pattern"])])
        words = parse_json(files.get("attribution_words.json", "{}"), "attribution_words.json")

        def closed(key: str) -> frozenset[str]:
            return frozenset(table_words(words, key))

        self.quote_openers = closed("quote_openers")
        self.subject_openers = closed("subject_openers")
        self.not_before_subject = closed("not_before_subject")


class Attribution(DataFilesComponent):
    """Fills each claim's `speaker` from reporting verbs and mentions."""

    def __init__(self, nlp: Language, name: str = "annotator_attribution", *,
                 data_dir: Union[str, Path, None] = None, scorer: Optional[Callable] = None) -> None:
        super().__init__(nlp, name, data_dir=data_dir, scorer=scorer)

    FILES = FILES

    def build_lexicon(self, files: dict[str, str]) -> AttributionLexicon:
        return AttributionLexicon(self.nlp, files)

    def __call__(self, doc: Doc) -> Doc:
        lex = self._lexicon()
        claims = doc._.claims if Doc.has_extension("claims") else None
        if not claims:
            return doc
        ensure_sentences(doc)
        markers = self._markers(doc)
        ents = doc.ents  # a new tuple of Spans at each read: read once
        in_entity = bytearray(len(doc))
        for e in ents:
            in_entity[e.start:e.end] = b"\x01" * len(e)
        mentions = [e for e in ents if e.label_ in _SPEAKER_LABELS]
        mentions += [Span(doc, s, e, label="ANAPHOR") for s, e in markers["ANAPHOR"] if not in_entity[s]]
        mentions.sort(key=lambda m: m.start)
        sources = self._source_mentions(doc, markers, mentions)
        # Each marker list with its starts, for finding a sentence's markers by bisection.
        report = (markers["REPORT"], [s for s, _ in markers["REPORT"]])
        according_to = (markers["ACCORDING_TO"], [s for s, _ in markers["ACCORDING_TO"]])

        sents = list(doc.sents)
        sent_starts = [s.start for s in sents]
        by_sentence: dict[int, list[dict]] = {}
        for claim in claims:
            at = sent_starts[bisect_right(sent_starts, claim["token_start"]) - 1]
            by_sentence.setdefault(at, []).append(claim)

        mention_starts = [m.start for m in mentions]
        last: Optional[Span] = None  # the last named speaker
        quote: Optional[Span] = None  # speaker of a quote running on in this paragraph
        headline: Optional[Span] = None  # «TITLE:» heading the next paragraph
        for sent in sents:
            if _starts_paragraph(doc, sent.start):
                quote, headline_now = None, headline
                headline = None
            else:
                headline_now = None
            in_sent = [m for m in mentions[bisect_left(mention_starts, sent.start):bisect_left(mention_starts, sent.end)]
                       if m.start not in sources]
            verbs = _within(*report, sent)
            according = _within(*according_to, sent)
            first, final = _first_word(sent), _last_word(sent)

            # A sentence that is only «TITLE:» speaks for the paragraph after it.
            if in_sent and final is not None and doc[final].text == ":" and in_sent[0].start == first \
                    and in_sent[0].end == final:
                headline = self._resolve(in_sent[0], last)
                continue
            # «TITLE: claim» on one line.
            inline = None
            if in_sent and in_sent[0].start == first and in_sent[0].end < len(doc) \
                    and doc[in_sent[0].end].text == ":" and not verbs:
                inline = self._resolve(in_sent[0], last)

            verb_speakers = {v: self._resolve(self._subject(doc, sent, v, in_sent), last) for v in verbs}
            cited = [self._cited(a, in_sent, last) for a in according]
            for claim in by_sentence.get(sent.start, []):
                speaker = self._for_claim(claim, according, cited, verb_speakers, last)
                if speaker is None:
                    speaker = inline or quote or headline_now
                claim["speaker"] = _mention(speaker) if speaker is not None else None
            # Update the discourse state for the sentences that follow.
            for speaker in cited:
                if speaker is not None:
                    last = speaker
            for v, speaker in verb_speakers.items():
                if speaker is not None:
                    last = speaker
                    if v[1] < len(doc) and doc[v[1]].text in lex.quote_openers:
                        quote = speaker
            if inline is not None:
                last = quote = inline
            elif not verbs and not according and in_sent and in_sent[0].start == first \
                    and in_sent[0].label_ in _SUBJECT_LABELS:
                # A person who opens a sentence is its subject, and the one a
                # later «وی» means («اصغر هدایت … ارائه کرد. وی در ادامه گفت»).
                last = self._resolve(in_sent[0], last)
            if headline_now is not None and not verbs:
                quote = quote or headline_now
        return doc

    # ----------------------------------------------------------------- parts

    def _markers(self, doc: Doc) -> dict[str, list[tuple[int, int]]]:
        """Longest marker matches, not overlapping, by label."""
        matches = sorted(self._lexicon().matcher(doc), key=lambda m: (m[1], -(m[2] - m[1])))
        out: dict[str, list[tuple[int, int]]] = {k: [] for k in MARKERS}
        end = -1
        for match_id, s, e in matches:
            if s < end:
                continue
            out[self.nlp.vocab.strings[match_id]].append((s, e))
            end = e
        return out

    @staticmethod
    def _source_mentions(doc: Doc, markers: dict, mentions: list[Span]) -> set[int]:
        """Starts of mentions that name a report's source («به گزارش ایرنا،»)."""
        out: set[int] = set()
        starts = [m.start for m in mentions]
        for _, e in markers["SOURCE"]:
            k = bisect_left(starts, e)
            if k == len(mentions) or mentions[k].start - e > _SOURCE_REACH:
                continue
            m = mentions[k]
            # the source is the first mention after the marker, up to the
            # clause's comma («به گزارش خبرنگار اقتصادی ایرنا،»), with its
            # short form in brackets («خبرگزاری فرانسه (AFP)»)
            if not any(t.text in ("،", ",", ":") for t in doc[e:m.start]):
                out.add(m.start)
                nxt = mentions[k + 1] if k + 1 < len(mentions) else None
                if nxt is not None and nxt.start == m.end + 1 and doc[m.end].text == "(":
                    out.add(nxt.start)
        return out

    def _subject(self, doc: Doc, sent: Span, verb: tuple[int, int], in_sent: list[Span]) -> Optional[Span]:
        """The subject of a reporting verb: the first mention of its clause
        (from the sentence start or the last «:» before the verb)
        that stands where a subject stands, at the clause start or after a
        comma, not inside a phrase («با حضور وزیر نفت»). Else the first
        mention of the clause."""
        lex = self._lexicon()
        clause_start = sent.start
        for t in doc[sent.start:verb[0]]:
            if t.text == ":":  # a quote opens a new clause («X گفت: Y اعلام کرد»)
                clause_start = t.i + 1
        candidates = [m for m in in_sent if clause_start <= m.start and m.end <= verb[0]]
        for m in candidates:
            prev = doc[m.start - 1] if m.start > clause_start else None
            if prev is None or prev.is_space or prev.text in lex.subject_openers:
                return m
        # Else the first person or title not inside a phrase («با خبرنگار
        # فارس»); an organization elsewhere in the clause is more often an
        # object than a subject whose name we missed.
        for m in candidates:
            if m.label_ in ("PERSON", "OFFICIAL", "ANAPHOR") and doc[m.start - 1].norm_ not in lex.not_before_subject:
                return m
        return None

    @staticmethod
    def _resolve(mention: Optional[Span], last: Optional[Span]) -> Optional[Span]:
        if mention is not None and mention.label_ == "ANAPHOR":
            return last
        return mention

    def _cited(self, according: tuple[int, int], in_sent: list[Span], last: Optional[Span]) -> Optional[Span]:
        """The mention right after «به گفته», «از نگاه» …"""
        for m in in_sent:
            gap = m.start - according[1]
            if gap < 0 or gap > 2 or any(t.is_punct for t in m.doc[according[1]:m.start]):
                continue
            if gap == 0 or m.label_ == "PERSON":  # an honorific between: «به گفته دکتر زهرا موسوی»
                return self._resolve(m, last)
            # An organization after other words is part of a description of
            # the speaker, who news re-describes by title («مددی … به گفته
            # عضو ناظر شورای رقابت»): the current speaker, not the organization.
            return last
        return None

    def _for_claim(self, claim: dict, according: list, cited: list, verb_speakers: dict,
                   last: Optional[Span]) -> Optional[Span]:
        start = claim["token_start"]
        # «به گفته X، …» before the claim.
        for (s, e), speaker in reversed(list(zip(according, cited))):
            if e <= start and speaker is not None:
                return speaker
        if not verb_speakers:
            return None
        before = [v for v in verb_speakers if v[1] <= start]
        after = [v for v in verb_speakers if v[0] > start]
        # The nearest verb before the claim (the claim is in its quote), else
        # the verb the claim's clause leads up to («با بیان اینکه …، گفت»).
        verb = before[-1] if before else (after[0] if after else None)
        if verb is None:
            return None
        # A reporting verb without a subject («… افزود:»): the last speaker.
        return verb_speakers[verb] or last

def _mention(span: Span) -> dict:
    return {"start": span.start_char, "end": span.end_char, "text": span.text, "label": span.label_}


def _within(matches: list[tuple[int, int]], starts: list[int], sent: Span) -> list[tuple[int, int]]:
    """The (sorted) marker matches that start inside a sentence (`starts`:
    the matches' starts)."""
    return matches[bisect_left(starts, sent.start):bisect_left(starts, sent.end)]


def _first_word(sent: Span) -> Optional[int]:
    for i in range(sent.start, sent.end):
        if not sent.doc[i].is_space:
            return i
    return None


def _last_word(sent: Span) -> Optional[int]:
    for i in range(sent.end - 1, sent.start - 1, -1):
        if not sent.doc[i].is_space:
            return i
    return None


def _starts_paragraph(doc: Doc, i: int) -> bool:
    """Whether token i follows a line break (or starts the document)."""
    if i == 0:
        return True
    prev = doc[i - 1]
    return prev.is_space and "\n" in prev.text
