"""Training data in, spaCy training out.

Four input formats become `Doc` objects tokenized by *our* tokenizer, with
their entities aligned to our tokens:

* `docbin`  – a spaCy `DocBin` (`.spacy`), e.g. our `annotator export` output;
* `prodigy` – Prodigy `db-out` JSONL (`ner_manual` / `ner.correct` tasks, and
  binary `ner.teach` accepts);
* `gold`    – the team's gold JSONL (`{"text", "entities": [{start, end,
  label, optional?}], ...}`, see ANNOTATION.md);
* `iob`     – token-per-line IOB/BIO/BILUO corpora (CoNLL style, token first,
  tag last, a blank line between sentences), such as ARMAN.

Every entity is an offset span in the text. It is mapped to our tokens with
`doc.char_span(..., alignment_mode="strict")`; a span whose edges fall inside
one of our tokens (our tokenizer joins «سازمان های», splits «۳۱هزار») cannot
be aligned, nor can one that our sentence splitter cuts in two (spaCy's `ner`
never predicts across a sentence start, and fails to train on such a span). It is not dropped silently: it is counted in `ConversionStats`,
and its tokens are marked *missing* (neither entity nor `O`) so the model is
not taught that they are outside any entity.

The rest of this module writes spaCy configs (from the readable templates in
`models/`) and runs spaCy's own `train` on the converted data.

Note: the Prodigy reader here is a small, self-contained one for training;
the `annotator export` command has its own Prodigy→Doc conversion, and the
two are meant to be unified.
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import srsly
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

FORMATS = ("docbin", "prodigy", "gold", "iob")
SPANS_KEY = "sc"  # span group with every aligned gold span, nested ones too (for spancat)
IOB_SUFFIXES = (".txt", ".iob", ".conll", ".conllu", ".tsv", ".bio")


# --------------------------------------------------------------------- stats


@dataclass
class ConversionStats:
    """What a conversion read, kept and could not align."""

    docs: int = 0
    spans: int = 0
    aligned: int = 0
    misaligned: int = 0  # all spans that could not be used, cross_sentence included
    cross_sentence: int = 0  # aligned to tokens, but across a sentence start
    skipped_tasks: int = 0  # Prodigy tasks not accepted, or not NER
    empty_docs: int = 0
    labels: dict[str, int] = field(default_factory=dict)
    misaligned_examples: list[tuple[str, str]] = field(default_factory=list)

    def add(self, other: "ConversionStats") -> None:
        self.docs += other.docs
        self.spans += other.spans
        self.aligned += other.aligned
        self.misaligned += other.misaligned
        self.cross_sentence += other.cross_sentence
        self.skipped_tasks += other.skipped_tasks
        self.empty_docs += other.empty_docs
        for label, n in other.labels.items():
            self.labels[label] = self.labels.get(label, 0) + n
        room = 20 - len(self.misaligned_examples)
        self.misaligned_examples.extend(other.misaligned_examples[:max(room, 0)])

    def as_dict(self) -> dict[str, Any]:
        return {
            "docs": self.docs,
            "spans": self.spans,
            "aligned": self.aligned,
            "misaligned": self.misaligned,
            "cross_sentence": self.cross_sentence,
            "skipped_tasks": self.skipped_tasks,
            "labels": dict(sorted(self.labels.items())),
        }

    def summary(self) -> str:
        pct = 100.0 * self.misaligned / self.spans if self.spans else 0.0
        text = (f"{self.docs} docs, {self.spans} spans: {self.aligned} aligned, "
                f"{self.misaligned} could not be aligned to our tokens ({pct:.2f}%)")
        if self.cross_sentence:
            text += f", {self.cross_sentence} of them across a sentence start"
        if self.skipped_tasks:
            text += f"; {self.skipped_tasks} tasks skipped (not accepted / no text)"
        return text


# ----------------------------------------------------------------- alignment


def make_doc(nlp: Language, text: str, spans: Iterable[tuple[int, int, str]],
             stats: ConversionStats, *, missing: Iterable[tuple[int, int]] = (),
             partial: bool = False, user_data: dict | None = None) -> Doc:
    """Our tokenization of `text` with the entity `spans` (char offsets).

    Overlapping spans keep the longest (outermost) one, as `doc.ents` must
    be flat; all aligned spans, nested ones too, go to `doc.spans["sc"]`. `missing` char ranges (optional gold, misaligned spans) become
    missing tokens; with `partial`, every token outside a span is missing
    (binary Prodigy answers say nothing about the rest of the text).
    """
    doc = nlp.make_doc(text)
    check_sents = doc.has_annotation("SENT_START")
    if user_data:
        doc.user_data.update(user_data)
    ents: list[Span] = []
    unknown: list[Span] = []
    for start, end, label in spans:
        stats.spans += 1
        span = doc.char_span(start, end, label=label, alignment_mode="strict")
        if span is None or len(span) == 0:
            stats.misaligned += 1
            if len(stats.misaligned_examples) < 20:
                stats.misaligned_examples.append((text[start:end], label))
            loose = doc.char_span(start, end, alignment_mode="expand")
            if loose is not None and len(loose):
                unknown.append(loose)
            continue
        if check_sents and any(tok.is_sent_start for tok in span[1:]):
            # Our sentence splitter cut through it (a dotted abbreviation,
            # «آر.تی.آر»): spaCy's ner cannot predict an entity across a
            # sentence start, and cannot be trained on one.
            stats.misaligned += 1
            stats.cross_sentence += 1
            if len(stats.misaligned_examples) < 20:
                stats.misaligned_examples.append((text[start:end], label))
            unknown.append(span)
            continue
        stats.aligned += 1
        stats.labels[label] = stats.labels.get(label, 0) + 1
        ents.append(span)
    for start, end in missing:
        loose = doc.char_span(start, end, alignment_mode="expand")
        if loose is not None and len(loose):
            unknown.append(loose)
    doc.spans[SPANS_KEY] = sorted(ents, key=lambda s: (s.start, -s.end))
    ents = _flat(ents)
    taken = {i for ent in ents for i in range(ent.start, ent.end)}
    missing_spans = [s for s in unknown if not any(i in taken for i in range(s.start, s.end))]
    if partial:
        gaps, pos = [], 0
        for ent in ents:
            if ent.start > pos:
                gaps.append(doc[pos:ent.start])
            pos = ent.end
        if pos < len(doc):
            gaps.append(doc[pos:])
        missing_spans = gaps
    missing_spans = _flat(missing_spans)
    doc.set_ents(ents, missing=missing_spans, default="outside")
    stats.docs += 1
    return doc


def _flat(spans: Sequence[Span]) -> list[Span]:
    """Non-overlapping spans, longest first (like `spacy.util.filter_spans`,
    but keeping labels and order by position)."""
    out: list[Span] = []
    seen: set[int] = set()
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if not any(i in seen for i in range(span.start, span.end)):
            out.append(span)
            seen.update(range(span.start, span.end))
    return sorted(out, key=lambda s: s.start)


# ------------------------------------------------------------------- readers


_TAG = re.compile(r"^(?:([BIESLU])[-_])?(.+)$")


def read_iob(path: str | Path) -> Iterator[list[tuple[str, str]]]:
    """Sentences of a token-per-line corpus as (token, tag) lists.

    The token is the first column, the tag the last (whitespace- or
    tab-separated); `-DOCSTART-` lines are skipped.
    Reading one file reads it once: unlike hazm's `ArmanReader(subset=...)`,
    which globs `train*.txt` and so yields every ARMAN sentence twice.
    """
    sent: list[tuple[str, str]] = []
    with Path(path).open(encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.strip():
                if sent:
                    yield sent
                    sent = []
                continue
            if line.startswith("-DOCSTART-"):
                continue
            parts = line.split("\t") if "\t" in line else line.split(" ")
            parts = [p for p in parts if p != ""]
            if len(parts) < 2:
                raise ValueError(f"{path}: no tag on line {line!r}")
            sent.append((parts[0], parts[-1]))
    if sent:
        yield sent


def iob_entities(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token-index entities (start, end exclusive, label) from IOB1/IOB2/BILUO
    tags. An `I-` that does not continue an entity of its label starts one."""
    ents: list[tuple[int, int, str]] = []
    cur: list[Any] | None = None
    for i, tag in enumerate(tags):
        if tag in ("O", "-", "_", ""):
            if cur:
                ents.append(tuple(cur))
            cur = None
            continue
        m = _TAG.match(tag)
        prefix, label = (m.group(1) or "I"), m.group(2)
        if prefix in ("B", "S", "U") or cur is None or cur[2] != label:
            if cur:
                ents.append(tuple(cur))
            cur = [i, i + 1, label]
        else:
            cur[1] = i + 1
        if prefix in ("E", "L", "S", "U"):
            ents.append(tuple(cur))
            cur = None
    if cur:
        ents.append(tuple(cur))
    return ents  # type: ignore[return-value]


def sentence_to_text(words: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """Join tokens with single spaces; the char span of every token."""
    offsets, pos = [], 0
    for word in words:
        offsets.append((pos, pos + len(word)))
        pos += len(word) + 1
    return " ".join(words), offsets


def iob_docs(nlp: Language, path: str | Path, stats: ConversionStats, *,
             label_map: dict[str, str] | None = None, sents_per_doc: int = 1) -> Iterator[Doc]:
    """Docs from an IOB corpus: text = the tokens joined by spaces, re-tokenized
    by our tokenizer, entities aligned by characters."""
    batch: list[list[tuple[str, str]]] = []

    def flush() -> Doc:
        words: list[str] = []
        tags: list[str] = []
        for sent in batch:
            words.extend(w for w, _ in sent)
            tags.extend(t for _, t in sent)
        text, offsets = sentence_to_text(words)
        spans = []
        for s, e, label in iob_entities(tags):
            label = label_map.get(label, label) if label_map else label
            if label:
                spans.append((offsets[s][0], offsets[e - 1][1], label))
        return make_doc(nlp, text, spans, stats)

    for sent in read_iob(path):
        batch.append(sent)
        if len(batch) >= sents_per_doc:
            yield flush()
            batch = []
    if batch:
        yield flush()


def iob_reference_docs(nlp: Language, path: str | Path, *,
                       label_map: dict[str, str] | None = None) -> Iterator[Doc]:
    """Docs in the corpus' *own* tokenization (one token per line, spaces
    between), with its entities: the reference side of an honest evaluation,
    where no gold entity is lost to alignment."""
    for sent in read_iob(path):
        words = [w for w, _ in sent]
        doc = Doc(nlp.vocab, words=words, spaces=[True] * (len(words) - 1) + [False])
        ents = []
        for s, e, label in iob_entities([t for _, t in sent]):
            label = label_map.get(label, label) if label_map else label
            if label:
                ents.append(Span(doc, s, e, label=label))
        doc.ents = ents
        yield doc


def gold_docs(nlp: Language, path: str | Path, stats: ConversionStats, *,
              labels: Iterable[str] | None = None) -> Iterator[Doc]:
    """Docs from gold JSONL. `optional` entities are marked missing."""
    keep = set(labels) if labels else None
    for rec in srsly.read_jsonl(path):
        spans, missing = [], []
        for ent in rec.get("entities", []):
            if keep is not None and ent["label"] not in keep:
                continue
            if ent.get("optional"):
                missing.append((ent["start"], ent["end"]))
            else:
                spans.append((ent["start"], ent["end"], ent["label"]))
        yield make_doc(nlp, rec["text"], spans, stats, missing=missing,
                       user_data={"id": rec.get("id"), "claims_gold": rec.get("claims")})


# Prodigy views whose spans are a complete manual annotation of the text.


def prodigy_docs(nlp: Language, path: str | Path, stats: ConversionStats, *,
                 labels: Iterable[str] | None = None) -> Iterator[Doc]:
    """Docs from Prodigy `db-out` JSONL, as `annotator export` reads it:
    accepted answers only, answers on one text merged, binary (`ner.teach`)
    answers leaving the rest of the text unknown. Prodigy's own `tokens` are
    ignored: our tokenizer decides, and spans are aligned by characters."""
    from annotator.training.export import ExportStats, tasks_to_docs

    export_stats = ExportStats()
    docs, export_stats = tasks_to_docs(nlp, srsly.read_jsonl(path), use_task_tokens=False, stats=export_stats)
    stats.skipped_tasks += export_stats.tasks - export_stats.kept
    stats.misaligned += export_stats.unaligned
    stats.spans += export_stats.unaligned
    for doc in docs:
        if labels is not None:
            doc = _keep_labels(doc, list(labels))
        stats.docs += 1
        stats.spans += len(doc.ents)
        stats.aligned += len(doc.ents)
        for ent in doc.ents:
            stats.labels[ent.label_] = stats.labels.get(ent.label_, 0) + 1
        yield doc


def docbin_docs(nlp: Language, path: str | Path, stats: ConversionStats, *,
                labels: Iterable[str] | None = None) -> Iterator[Doc]:
    """Docs from a `.spacy` DocBin, re-tokenized with our tokenizer when the
    stored tokens differ from ours (entities re-aligned by characters)."""
    keep = set(labels) if labels else None
    db = DocBin().from_disk(path)
    for stored in db.get_docs(nlp.vocab):
        spans = [(e.start_char, e.end_char, e.label_) for e in stored.ents
                 if keep is None or e.label_ in keep]
        missing = []
        # Tokens the stored doc marks missing ("-") stay missing.
        for tok in stored:
            if tok.ent_iob == 0:
                missing.append((tok.idx, tok.idx + len(tok)))
        yield make_doc(nlp, stored.text, spans, stats, missing=missing)


def detect_format(path: str | Path) -> str:
    """`docbin`, `prodigy`, `gold` or `iob`, from the file name and first record."""
    path = Path(path)
    if path.suffix == ".spacy":
        return "docbin"
    if path.suffix in (".jsonl", ".json"):
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    first = json.loads(line)
                    break
            else:
                return "gold"
        if "entities" in first:
            return "gold"
        if any(k in first for k in ("answer", "_input_hash", "spans", "_view_id")):
            return "prodigy"
        raise ValueError(f"{path}: neither gold JSONL (entities) nor Prodigy db-out (spans)")
    if path.suffix in IOB_SUFFIXES or path.suffix == "":
        return "iob"
    raise ValueError(f"{path}: unknown training data format (use --format)")


def read_docs(nlp: Language, paths: Iterable[str | Path], *, fmt: str | None = None,
              labels: Iterable[str] | None = None, label_map: dict[str, str] | None = None,
              stats: ConversionStats | None = None) -> tuple[list[Doc], ConversionStats]:
    """Convert every file (any mix of formats) to docs with our tokenizer."""
    stats = stats if stats is not None else ConversionStats()
    labels = list(labels) if labels else None
    docs: list[Doc] = []
    for path in paths:
        kind = fmt or detect_format(path)
        if kind not in FORMATS:
            raise ValueError(f"unknown format {kind!r}; one of {', '.join(FORMATS)}")
        if kind == "iob":
            new = iob_docs(nlp, path, stats, label_map=label_map)
            if labels:
                new = (_keep_labels(d, labels) for d in new)
        elif kind == "gold":
            new = gold_docs(nlp, path, stats, labels=labels)
        elif kind == "prodigy":
            new = prodigy_docs(nlp, path, stats, labels=labels)
        else:
            new = docbin_docs(nlp, path, stats, labels=labels)
        docs.extend(new)
    stats.empty_docs = sum(1 for d in docs if len(d) == 0)
    return [d for d in docs if len(d)], stats


def _keep_labels(doc: Doc, labels: Sequence[str]) -> Doc:
    if all(e.label_ in labels for e in doc.ents):
        return doc
    doc.set_ents([e for e in doc.ents if e.label_ in labels],
                 outside=[e for e in doc.ents if e.label_ not in labels], default="unmodified")
    return doc


def split_docs(docs: Sequence[Doc], dev_fraction: float, seed: int = 0) -> tuple[list[Doc], list[Doc]]:
    """A seeded random train/dev split (at least one dev doc when asked)."""
    idx = list(range(len(docs)))
    random.Random(seed).shuffle(idx)
    n_dev = max(1, round(len(docs) * dev_fraction)) if dev_fraction > 0 and len(docs) > 1 else 0
    dev = sorted(idx[:n_dev])
    train = sorted(idx[n_dev:])
    return [docs[i] for i in train], [docs[i] for i in dev]


def write_docbin(docs: Iterable[Doc], path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = DocBin(attrs=["ORTH", "SPACY", "ENT_IOB", "ENT_TYPE", "SENT_START"], store_user_data=False)
    for doc in docs:
        db.add(doc)
    db.to_disk(path)
    return path


def labels_of(docs: Iterable[Doc]) -> list[str]:
    return sorted({e.label_ for d in docs for e in d.ents})


# -------------------------------------------------------------- config, train

MODELS_DIR = Path(__file__).resolve().parent / "configs"
POLICIES = ("rules", "model")


def default_config_path(spancat: bool = False) -> Path:
    """The readable config template in `models/` (`ner.cfg`, or
    `ner_spancat.cfg` with a `spancat` for nested spans)."""
    return MODELS_DIR / ("ner_spancat.cfg" if spancat else "ner.cfg")


def parse_overrides(items: Iterable[str]) -> dict[str, Any]:
    """`section.key=value` strings (values as in a config file) to spaCy
    overrides."""
    from confection import try_load_json  # spaCy's own value parser

    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"override must be section.key=value, got {item!r}")
        out[key.strip()] = try_load_json(value.strip())
    return out


def write_config(template: str | Path, path: str | Path, *, overrides: dict[str, Any] | None = None) -> Path:
    """Write the training config: the template with `overrides` applied,
    interpolation left in place so it stays readable and editable."""
    from spacy import util

    config = util.load_config(template, overrides=overrides or {}, interpolate=False)
    tokenizer = config["nlp"].get("tokenizer", {})
    if tokenizer.get("@tokenizers") != "annotator.PersianTokenizer.v1":
        raise ValueError(f"{template}: [nlp.tokenizer] must use annotator.PersianTokenizer.v1, "
                         "or saved pipelines won't tokenize like the training data")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    config.to_disk(path)
    return path


def run_spacy_train(config_path: str | Path, output_path: str | Path, *,
                    overrides: dict[str, Any] | None = None) -> Path:
    """spaCy's own `train` (the `spacy train` command): model-best and
    model-last under `output_path`. Returns the model-best path."""
    from spacy.cli.train import train as spacy_train

    spacy_train(config_path, output_path, use_gpu=-1, overrides=overrides or {})
    return Path(output_path) / "model-best"


def assemble(model_path: str | Path, output_path: str | Path, *, rules: bool = True,
             policy: str = "rules", claims: bool = True) -> Language:
    """The trained `ner` combined with our rules (and claims) in one pipeline,
    saved to `output_path`.

    `policy="rules"` (rules over model): `annotator_entities` runs *before*
    `ner`. Its entities are set first and spaCy's `ner` keeps entities that
    are already set, predicting only around them: the model adds what the
    lexicons and grammar do not know, and never changes a rule entity.
    `policy="model"` (model over rules): `annotator_entities` runs *after*
    `ner` with `overwrite_ents=False`: where a rule span and a model entity
    overlap, the longer one wins, the model's on a tie; rule spans elsewhere
    are added.
    The components that follow the entity rules in `annotator.load()` (claims,
    speaker attribution) run last, on the final entities.
    """
    import spacy

    from annotator.pipeline import load as default_pipeline

    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    nlp = spacy.load(model_path)
    default = default_pipeline()
    if rules:
        if policy == "rules":
            where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
            nlp.add_pipe("annotator_entities", config={"overwrite_ents": True}, **where).initialize()
        else:
            where = {"after": "ner"} if "ner" in nlp.pipe_names else {}
            nlp.add_pipe("annotator_entities", config={"overwrite_ents": False}, **where).initialize()
    if claims:
        for name in default.pipe_names:
            if name == "annotator_entities" or name in nlp.pipe_names:
                continue
            cfg = dict(default.config["components"][name])
            factory = cfg.pop("factory")
            nlp.add_pipe(factory, name=name, config=cfg, last=True).initialize()
    nlp.meta.setdefault("annotator", {})["ents_policy"] = policy if rules else "model only"
    output_path = Path(output_path)
    output_path.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output_path)
    return nlp


# ------------------------------------------------------------ static vectors


def build_floret_vectors(texts: Iterable[str], output_dir: str | Path, *, dim: int = 128,
                         epoch: int = 10, minn: int = 3, maxn: int = 5, bucket: int = 50000,
                         min_count: int = 2, threads: int = 1, seed_nlp: Language | None = None) -> Path:
    """Train floret (fastText with hashed subwords) vectors on raw text and
    save them as a spaCy vectors pipeline for `[initialize] vectors`.

    Words are our tokenizer's NORM forms and the table is keyed by NORM, so
    Arabic ي/ك, ZWNJ and digit variants share a vector, and unseen words
    still get one from their character n-grams. Needs the optional `floret`
    package (`pip install annotator[train]`).
    """
    import tempfile

    try:
        import floret
    except ImportError as err:  # pragma: no cover - depends on the install
        raise RuntimeError("floret is not installed: pip install 'annotator[train]'") from err
    from spacy.training.initialize import convert_vectors

    from annotator.pipeline import blank

    nlp = seed_nlp or blank()
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        with corpus.open("w", encoding="utf-8") as f:
            for doc in nlp.tokenizer.pipe(t for t in texts if t.strip()):
                f.write(" ".join(t.norm_ for t in doc if not t.is_space) + "\n")
        model = floret.train_unsupervised(
            str(corpus), model="cbow", mode="floret", hashCount=2, bucket=bucket, minn=minn, maxn=maxn,
            dim=dim, epoch=epoch, minCount=min_count, thread=threads, lr=0.05, ws=5, neg=10, verbose=0)
        vec_path = Path(tmp) / "vectors.floret"
        model.save_floret_vectors(str(vec_path))
        vectors_nlp = blank()
        convert_vectors(vectors_nlp, vec_path, truncate=0, prune=-1, mode="floret", attr="NORM")
    vectors_nlp.to_disk(output_dir)
    return output_dir
