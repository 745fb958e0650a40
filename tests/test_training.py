"""`annotator train`: every input format converts with our tokenizer's
alignment, and a tiny model trains with spaCy's own `train`, saves, reloads
in a fresh process and predicts. (Real training is a benchmark, not a test.)"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import spacy
import srsly
from spacy.tokens import Doc, DocBin

import annotator
from annotator.training.align import SPANS_KEY, CharSpan, annotate
from annotator.training.config import default_config_path, parse_overrides, write_config
from annotator.training.convert import detect_format, read_docs
from annotator.training.docbin import write_docbin
from annotator.training.iob import iob_entities, read_iob
from annotator.training.split import split_docs
from annotator.training.stats import ConversionStats
from conftest import DATA, ROOT, arman_sentences, load_jsonl, offsets, shared_path


def ents(doc: Doc) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in doc.ents]


def char_ents(doc: Doc) -> set[tuple[int, int, str]]:
    return {(e.start_char, e.end_char, e.label_) for e in doc.ents}


def make_doc(nlp, text: str, spans: list[tuple[int, int, str]]) -> tuple[Doc, ConversionStats]:
    """`text` in our tokens with `spans` aligned, and the counts."""
    doc = nlp.make_doc(text)
    stats = ConversionStats()
    stats.add_doc(doc, annotate(doc, [CharSpan(*s) for s in spans]))
    return doc, stats


# ------------------------------------------------------------------ IOB


def test_iob_tag_schemes():
    # IOB2, IOB1 (I- opens an entity), BILUO, and a label change inside I- runs.
    assert iob_entities(["B-org", "I-org", "O", "B-pers"]) == [(0, 2, "org"), (3, 4, "pers")]
    assert iob_entities(["I-org", "I-org", "B-org", "O"]) == [(0, 2, "org"), (2, 3, "org")]
    assert iob_entities(["U-loc", "B-pers", "L-pers", "O"]) == [(0, 1, "loc"), (1, 3, "pers")]
    assert iob_entities(["I-org", "I-loc", "O"]) == [(0, 1, "org"), (1, 2, "loc")]


def test_iob_file_converts_and_counts(tmp_path, tokenizer_nlp):
    path = tmp_path / "corpus.txt"
    # Tab- or space-separated, extra middle columns, a -DOCSTART- line.
    path.write_text(
        "-DOCSTART- O\n\n"
        "وزارت\tB-org\nنفت\tI-org\nاعلام\tO\nکرد\tO\n.\tO\n\n"
        "سازمان X B-org\nهای X I-org\nدولتی X O\n\n"
        "علی B-pers\nرضایی I-pers\n",
        encoding="utf-8")
    sents = list(read_iob(path))
    assert len(sents) == 3 and sents[1][0] == ("سازمان", "B-org")
    docs, stats = read_docs(tokenizer_nlp, [path])
    assert detect_format(path) == "iob"
    assert [d.text for d in docs] == ["وزارت نفت اعلام کرد .", "سازمان های دولتی", "علی رضایی"]
    assert ents(docs[0]) == [("وزارت نفت", "org")]
    assert ents(docs[2]) == [("علی رضایی", "pers")]
    assert stats.docs == 3 and stats.spans == 3 and stats.aligned == 3 and stats.misaligned == 0
    # --labels keeps some labels; the others become "outside", not stale entities.
    docs, _ = read_docs(tokenizer_nlp, [path], labels=["org"])
    assert ents(docs[2]) == [] and docs[2][0].ent_iob_ == "O"
    assert ents(docs[0]) == [("وزارت نفت", "org")]


def test_misaligned_span_is_counted_and_missing(tokenizer_nlp):
    # Our tokenizer joins «سازمان های»; a span on «سازمان» alone cannot align.
    doc, stats = make_doc(tokenizer_nlp, "سازمان های دولتی و بانک مرکزی", [(0, 6, "ORG"), (19, 29, "ORG")])
    assert doc[0].text == "سازمان های"
    assert (stats.spans, stats.aligned, stats.misaligned) == (2, 1, 1)
    assert ents(doc) == [("بانک مرکزی", "ORG")]
    # The unalignable span's token is missing, not "outside".
    assert doc[0].ent_iob_ == "" and doc[1].ent_iob_ == "O"
    assert [(e["text"], e["label"], e["reason"]) for e in stats.unaligned_examples] == [
        ("سازمان", "ORG", "edges inside a token")]


def test_span_across_a_sentence_start_is_not_trained_on(tokenizer_nlp):
    # A gold span running over a line break (a headline broken in two) crosses
    # a sentence start, and spaCy's ner fails (E024) on such an entity.
    text = "شبکه بی\u200cبی\u200cسی\nفارسی گزارش داد"
    end = text.index(" گزارش")
    doc, stats = make_doc(tokenizer_nlp, text, [(0, end, "org")])
    assert stats.misaligned == 1 and stats.cross_sentence == 1 and stats.aligned == 0
    assert not doc.ents and all(t.ent_iob_ == "" for t in doc.char_span(0, end))
    assert "across a sentence start" in stats.summary()


def test_arman_reads_each_sentence_once():
    # hazm's ArmanReader(subset="train") globs train*.txt and so yields every
    # sentence twice; ours reads the one file once.
    # Counted here without the reader: blank-line separated blocks.
    path = shared_path("data", "arman", "test_fold1.txt")
    blocks = [b for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    ours = list(read_iob(path))
    assert len(ours) == len(blocks)
    for sent, block in zip(ours[:50], blocks[:50]):
        assert sent == [tuple(line.rsplit(" ", 1)) for line in block.strip("\n").splitlines()]


def test_arman_sample_aligns(tmp_path, tokenizer_nlp):
    sents = arman_sentences("train_fold1.txt")[:300]
    path = tmp_path / "arman_sample.txt"
    path.write_text("\n\n".join("\n".join(f"{w} {t}" for w, t in s) for s in sents) + "\n", encoding="utf-8")
    docs, stats = read_docs(tokenizer_nlp, [path])
    expected = sum(len(iob_entities([t for _, t in s])) for s in sents)
    assert stats.spans == expected and stats.aligned + stats.misaligned == expected
    assert stats.misaligned <= 0.01 * expected
    # Every aligned entity keeps its text.
    first = next(d for d in docs if d.ents)
    assert all(e.text.strip() == e.text for e in first.ents)


# ----------------------------------------------------------------- gold JSONL


def test_gold_jsonl(tokenizer_nlp, tmp_path):
    text = "وزیر نفت گفت: شرکت ملی نفت و این وزارتخانه"
    rec = {"id": "x", "text": text, "meta": {}, "claims": [], "entities": [
        {"start": 0, "end": 8, "label": "OFFICIAL", "text": "وزیر نفت"},
        {"start": 14, "end": 26, "label": "ORG", "text": "شرکت ملی نفت"},
        {"start": 29, "end": 42, "label": "MINISTRY", "text": "این وزارتخانه", "optional": True},
    ]}
    path = tmp_path / "g.jsonl"
    srsly.write_jsonl(path, [rec])
    assert detect_format(path) == "gold"
    (doc,), stats = read_docs(tokenizer_nlp, [path])
    assert ents(doc) == [("وزیر نفت", "OFFICIAL"), ("شرکت ملی نفت", "ORG")]
    # Optional entities are missing annotation, neither entity nor O.
    opt = doc.char_span(29, 42)
    assert all(t.ent_iob_ == "" for t in opt)
    assert stats.spans == 2 and stats.misaligned == 0


def test_team_gold_files_align(tokenizer_nlp):
    docs, stats = read_docs(tokenizer_nlp, [DATA / "dev_gold.jsonl"])
    gold = [r for r in srsly.read_jsonl(DATA / "dev_gold.jsonl")]
    n = sum(1 for r in gold for e in r["entities"] if not e.get("optional"))
    assert stats.spans == n and stats.misaligned == 0
    for doc, rec in zip(docs, gold):
        want = {(e["start"], e["end"], e["label"]) for e in rec["entities"] if not e.get("optional")}
        assert char_ents(doc) | {(s.start_char, s.end_char, s.label_) for s in doc.spans[SPANS_KEY]} >= want


# -------------------------------------------------------------- Prodigy db-out


def test_prodigy_db_out_real_export(tokenizer_nlp):
    path = shared_path("data", "prodigy", "ner_tweets_db_out.jsonl")
    tasks = list(srsly.read_jsonl(path))
    accepted = [t for t in tasks if t["answer"] == "accept"]
    assert detect_format(path) == "prodigy"
    docs, stats = read_docs(tokenizer_nlp, [path])
    assert stats.tasks - stats.kept == len(tasks) - len(accepted)
    # Answers on the same text are merged: one doc per text, spans deduplicated.
    assert len(docs) == len({t["_input_hash"] for t in accepted})
    unique = {(t["_input_hash"], s["start"], s["end"], s["label"]) for t in accepted for s in t["spans"]}
    assert stats.spans == len(unique)
    assert stats.aligned + stats.misaligned == stats.spans
    # English tweets through a Persian tokenizer: most names still align.
    assert stats.aligned > 0.8 * stats.spans
    by_text = {d.text: d for d in docs}
    for task in accepted[:50]:
        doc = by_text[task["text"]]
        for span in task["spans"]:
            got = doc.char_span(span["start"], span["end"])
            if got is not None:
                assert got.label_ == span["label"] or any(
                    e.start_char == span["start"] and e.label_ == span["label"] for e in doc.ents)


def test_prodigy_manual_binary_and_rejects(tokenizer_nlp, tmp_path):
    t1 = "بانک مرکزی و وزارت نفت"
    t2 = "علی رضایی آمد"
    tasks = [
        {"text": t1, "_input_hash": 1, "_view_id": "ner_manual", "answer": "accept",
         "spans": [{"start": 0, "end": 10, "label": "ORG"}]},
        {"text": t1, "_input_hash": 1, "_view_id": "ner_manual", "answer": "accept",
         "spans": [{"start": 13, "end": 22, "label": "MINISTRY"}]},
        {"text": t2, "_input_hash": 2, "_view_id": "ner", "answer": "accept",
         "spans": [{"start": 0, "end": 9, "label": "PERSON"}]},
        {"text": "رد شده", "_input_hash": 3, "_view_id": "ner_manual", "answer": "reject", "spans": []},
    ]
    path = tmp_path / "db.jsonl"
    srsly.write_jsonl(path, tasks)
    docs, stats = read_docs(tokenizer_nlp, [path])
    assert stats.tasks - stats.kept == 1 and len(docs) == 2
    manual, binary = docs
    # Two answers on one text are merged; the rest of a manual task is O.
    assert ents(manual) == [("بانک مرکزی", "ORG"), ("وزارت نفت", "MINISTRY")]
    assert manual[2].ent_iob_ == "O"
    # A binary accept says nothing about the other tokens: missing.
    assert ents(binary) == [("علی رضایی", "PERSON")]
    assert binary[-1].ent_iob_ == ""


# ------------------------------------------------------------------- DocBin


def test_docbin_is_retokenized(tokenizer_nlp, tmp_path):
    # A DocBin made with another tokenizer (whitespace): entities survive by
    # characters, tokens become ours.
    text = "به گزارش ایرنا،معاون وزیر نفت گفت"
    blank = spacy.blank("fa")
    other = Doc(blank.vocab, words=["به", "گزارش", "ایرنا،معاون", "وزیر", "نفت", "گفت"],
                spaces=[True, True, True, True, True, False])
    other.ents = [other.char_span(0, 8, label="X")]  # «به گزارش»
    assert other.text == text
    db = DocBin()
    db.add(other)
    path = tmp_path / "d.spacy"
    db.to_disk(path)
    assert detect_format(path) == "docbin"
    (doc,), stats = read_docs(tokenizer_nlp, [path])
    assert [t.text for t in doc] == [t.text for t in tokenizer_nlp(text)]
    assert ents(doc) == [("به گزارش", "X")]
    assert stats.aligned == 1
    # And our own DocBin output round-trips.
    out = write_docbin([doc], tmp_path / "ours.spacy")
    (again,), _ = read_docs(tokenizer_nlp, [out])
    assert ents(again) == ents(doc)


# ------------------------------------------------------------------- config


def test_config_templates_use_our_tokenizer(tmp_path):
    for name in ("ner.cfg", "ner_spancat.cfg", "arman.cfg"):
        cfg = spacy.util.load_config(ROOT / "annotator" / "training" / "configs" / name)
        assert cfg["nlp"]["tokenizer"]["@tokenizers"] == "annotator.PersianTokenizer.v1"
        assert cfg["nlp"]["pipeline"][:2] == ["tok2vec", "ner"]
    assert "spancat" in spacy.util.load_config(default_config_path(spancat=True))["nlp"]["pipeline"]
    out = write_config(default_config_path(), tmp_path / "c.cfg",
                       overrides=parse_overrides(["training.max_steps=7", "paths.train=\"x.spacy\""]))
    text = out.read_text(encoding="utf-8")
    assert "max_steps = 7" in text and "${components.tok2vec.model.encode.width}" in text
    bad = tmp_path / "bad.cfg"
    bad.write_text(default_config_path().read_text(encoding="utf-8").replace(
        '@tokenizers = "annotator.PersianTokenizer.v1"', '@tokenizers = "spacy.Tokenizer.v1"'), encoding="utf-8")
    with pytest.raises(ValueError):
        write_config(bad, tmp_path / "c2.cfg")


def test_split_is_seeded_and_disjoint(tokenizer_nlp):
    docs = [tokenizer_nlp(f"جمله {i}") for i in range(20)]
    train, dev = split_docs(docs, 0.2, seed=3)
    again, dev2 = split_docs(docs, 0.2, seed=3)
    assert len(dev) == 4 and len(train) == 16
    assert [d.text for d in dev] == [d.text for d in dev2]
    assert not {d.text for d in dev} & {d.text for d in train}
    # A text repeated in a corpus (ARMAN has such sentences; they carry no
    # _input_hash) is one input: never in both parts.
    repeated = [tokenizer_nlp(f"جمله {i % 7}") for i in range(21)]
    for seed in range(5):
        train, dev = split_docs(repeated, 0.3, seed=seed)
        assert len({d.text for d in dev}) == 2 and len(dev) == 6
        assert not {d.text for d in dev} & {d.text for d in train}


# ------------------------------------------------------------ train, end to end

TINY = [
    # our lexicons as a feature (annotator.features), found at load time
    # through the package's spacy_architectures entry point
    "--set", "components.tok2vec.model.embed.@architectures=annotator.LexiconHashEmbed.v1",
    "--set", "components.tok2vec.model.embed.lexicon_rows=64",
    "--set", "components.tok2vec.model.encode.width=48",
    "--set", "components.tok2vec.model.encode.depth=2",
    "--set", "components.tok2vec.model.embed.rows=[2000,500,500,100]",
    "--set", "components.ner.model.hidden_width=32",
    "--set", "training.batcher.size.start=2000",
    "--set", "training.batcher.size.stop=2000",
    "--set", "training.dropout=0.0",
    "--set", "training.eval_frequency=50",
    "--set", "training.optimizer.learn_rate=0.005",
]

PREDICT = (
    "import json, sys, spacy\n"
    "nlp = spacy.load(sys.argv[1])\n"
    "docs = [nlp(t) for t in json.loads(sys.argv[2])]\n"
    "print(json.dumps({'pipe_names': nlp.pipe_names, 'labels': list(nlp.get_pipe('ner').labels),\n"
    "  'ents': [[[e.start_char, e.end_char, e.label_] for e in d.ents] for d in docs],\n"
    "  'spans': [[[s.start_char, s.end_char, s.label_] for s in d.spans.get('sc', [])] for d in docs]}))\n"
)


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    """A handful of short gold documents (gold JSONL) from the team's test
    sentences."""
    recs = []
    for i, rec in enumerate(load_jsonl(DATA / "entity_sentences.jsonl")[:8]):
        entities = []
        for e in rec["entities"]:
            start, end = offsets(rec["text"], e["text"], e.get("occurrence", 1))
            entities.append({"start": start, "end": end, "label": e["label"], "text": e["text"]})
        recs.append({"id": str(i), "text": rec["text"], "meta": {}, "entities": entities, "claims": []})
    path = tmp_path_factory.mktemp("tiny") / "gold.jsonl"
    srsly.write_jsonl(path, recs)
    return path, recs


def test_train_save_reload_predict(tiny_data, tmp_path):
    path, recs = tiny_data
    out = tmp_path / "model"
    cmd = [sys.executable, "-m", "annotator", "train", str(path), "--dev", str(path), "-o", str(out),
           "--spancat", "--no-rules", "--no-claims", "--max-steps", "150", *TINY]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "could not be aligned" in proc.stderr
    # spaCy's own training output, the exact config, and the conversion report.
    assert (out / "training" / "model-best" / "meta.json").exists()
    cfg = spacy.util.load_config(out / "training" / "config.cfg")
    assert cfg["nlp"]["tokenizer"]["@tokenizers"] == "annotator.PersianTokenizer.v1"
    assert cfg["training"]["max_steps"] == 150
    report = json.loads((out / "training" / "conversion.json").read_text(encoding="utf-8"))
    assert report["train"]["docs"] == len(recs) and report["train"]["misaligned"] == 0

    texts = [r["text"] for r in recs[:4]]
    res = subprocess.run([sys.executable, "-c", PREDICT, str(out), json.dumps(texts)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert res.returncode == 0, res.stderr[-3000:]
    got = json.loads(res.stdout)
    assert got["pipe_names"] == ["tok2vec", "ner", "spancat"]
    assert set(got["labels"]) == {e["label"] for r in recs for e in r["entities"]}
    # The model saw these documents 150 times: it must find most of their
    # entities (exact span and label), from the model alone (no rules).
    gold = {(i, e["start"], e["end"], e["label"]) for i, r in enumerate(recs[:4])
            for e in r["entities"] if not e.get("optional")}
    pred = {(i, *e) for i, doc in enumerate(got["ents"]) for e in doc}
    assert len(gold & pred) >= 0.5 * len(gold), (len(gold & pred), len(gold))
    # The spancat learned the same spans into doc.spans["sc"].
    spans = {(i, *s) for i, doc in enumerate(got["spans"]) for s in doc}
    assert len(gold & spans) >= 0.5 * len(gold), (len(gold & spans), len(gold))
    # Same predictions in this process as in the fresh one.
    nlp = spacy.load(out)
    assert [[[e.start_char, e.end_char, e.label_] for e in nlp(t).ents] for t in texts] == got["ents"]


@pytest.fixture(scope="module")
def every_format(tiny_data, tmp_path_factory):
    """The tiny gold data, with one nested span, in each input format: gold
    JSONL, Prodigy db-out, the DocBin `annotator export` writes from it, and
    IOB (flat spans only). Returns {format: path} and the nested span."""
    _, recs = tiny_data
    recs = [dict(r, entities=list(r["entities"])) for r in recs]
    text = recs[0]["text"]
    outer = next(e for e in recs[0]["entities"] if e["label"] == "OFFICIAL")
    start = text.index("بانک مرکزی", outer["start"])
    nested = {"start": start, "end": start + len("بانک مرکزی"), "label": "ORG", "text": "بانک مرکزی"}
    assert outer["start"] < nested["start"] and nested["end"] <= outer["end"]
    recs[0]["entities"].append(nested)
    root = tmp_path_factory.mktemp("formats")
    paths = {"gold": root / "gold.jsonl", "prodigy": root / "db-out.jsonl", "iob": root / "corpus.iob"}
    srsly.write_jsonl(paths["gold"], recs)
    srsly.write_jsonl(paths["prodigy"], [
        {"text": r["text"], "_view_id": "ner_manual", "answer": "accept",
         "spans": [{k: e[k] for k in ("start", "end", "label")} for e in r["entities"]]} for r in recs])
    from annotator.training.export import export

    written, _, _ = export(annotator.blank(), [paths["prodigy"]], root / "export", eval_split=0.0)
    paths["docbin"] = written["train"]
    nlp = annotator.blank()
    lines = []
    for doc in read_docs(nlp, [paths["gold"]])[0]:
        tags = [f"{t.ent_iob_}-{t.ent_type_}" if t.ent_iob_ in "BI" and t.ent_type_ else "O" for t in doc]
        lines += [f"{t.text} {tag}" for t, tag in zip(doc, tags) if not t.is_space] + [""]
    paths["iob"].write_text("\n".join(lines), encoding="utf-8")
    return paths, (nested["start"], nested["end"], "ORG")


@pytest.mark.parametrize("fmt", ["gold", "prodigy", "docbin", "iob"])
def test_every_format_fills_the_spancat_group(every_format, fmt, tokenizer_nlp):
    """Every aligned span, nested ones too, is in doc.spans["sc"] whatever
    the input format (db-out once lost them all: spaCy's E143 with --spancat)."""
    paths, nested = every_format
    docs, stats = read_docs(tokenizer_nlp, [paths[fmt]])
    assert detect_format(paths[fmt]) == fmt
    assert stats.spans > 0 and stats.misaligned == 0
    for doc in docs:
        group = {(s.start_char, s.end_char, s.label_) for s in doc.spans[SPANS_KEY]}
        assert char_ents(doc) <= group
        assert len(group) == len(doc.spans[SPANS_KEY])
    if fmt != "iob":  # IOB cannot nest
        assert nested in {(s.start_char, s.end_char, s.label_) for s in docs[0].spans[SPANS_KEY]}
        assert nested not in char_ents(docs[0])


@pytest.mark.parametrize("fmt", ["gold", "prodigy", "docbin", "iob"])
def test_every_format_trains_with_spancat(every_format, fmt, tmp_path):
    from typer.testing import CliRunner

    from annotator.cli import app

    paths, _ = every_format
    out = tmp_path / "model"
    args = ["train", str(paths[fmt]), "--dev", str(paths[fmt]), "-o", str(out), "--spancat", "--no-rules",
            "--no-claims", "--max-steps", "2", *TINY]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output[-3000:]
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["tok2vec", "ner", "spancat"]
    assert set(nlp.get_pipe("spancat").labels) >= {"ORG", "OFFICIAL"}


def test_trained_ner_combines_with_rules(tmp_path, tiny_data):
    """The saved pipeline puts the rules before the model ('rules over
    model'), with claims on top, and the rules' entities survive the model."""
    from annotator.training.train import assemble, run_spacy_train

    path, recs = tiny_data
    nlp = annotator.blank()
    docs, _ = read_docs(nlp, [path])
    train = write_docbin(docs, tmp_path / "train.spacy")
    overrides = parse_overrides([a for a in TINY if a != "--set"])
    overrides.update({"paths.train": str(train), "paths.dev": str(train), "training.max_steps": 10})
    cfg = write_config(default_config_path(), tmp_path / "config.cfg", overrides=overrides)
    best = run_spacy_train(cfg, tmp_path / "run")
    rules = annotator.load()
    for policy, order in (("rules", ["annotator_entities", "ner"]), ("model", ["ner", "annotator_entities"])):
        combined = assemble(best, tmp_path / policy, policy=policy)
        names = combined.pipe_names
        assert [n for n in names if n in order] == order
        assert names[-len(rules.pipe_names) + 1:] == rules.pipe_names[1:]  # claims etc. last
        reloaded = spacy.load(tmp_path / policy)
        assert reloaded.pipe_names == names
        text = recs[0]["text"]
        rule_ents = char_ents(rules(text))
        got = char_ents(reloaded(text))
        if policy == "rules":
            assert rule_ents <= got
        assert reloaded(text)._.claims is not None


def test_floret_vectors_for_training(tmp_path):
    pytest.importorskip("floret")
    from annotator.training.vectors import build_floret_vectors

    texts = ["وزیر نفت گفت که بانک مرکزی و وزارت نفت همکاری می‌کنند."] * 30 + ["وزير نفت امروز آمد."] * 30
    out = build_floret_vectors(texts, tmp_path / "vec", dim=8, epoch=2, bucket=1000, min_count=1)
    nlp = spacy.load(out)
    vectors = nlp.vocab.vectors
    assert vectors.mode == "floret" and vectors.shape == (1000, 8)
    # Keyed by NORM: a model looks up token.norm_, so the Arabic-ي spelling
    # «وزير» gets the vector of «وزیر».
    assert vectors.attr == spacy.attrs.NORM
    tokens = annotator.blank()("وزير وزیر وزیری")
    a, b, c = vectors.get_batch([t.norm_ for t in tokens])
    assert (a == b).all() and not (a == c).all()


def test_lexicon_classes_feature(tokenizer_nlp):
    from annotator.training.features import lexicon_classes, lexicon_hash_embed, token_class

    classes, endings = lexicon_classes()
    doc = tokenizer_nlp("علی رضایی وزير نفت در تهران گفت")
    got = {t.text: token_class(t.norm_, classes, endings) for t in doc}
    assert "G" in got["علی"] and "S" in got["رضایی"]
    assert "H" in got["وزير"]  # Arabic ي: classes are looked up by NORM
    assert got["در"] == ""  # function words carry no phrase flag
    model = lexicon_hash_embed(16, ["NORM", "SHAPE"], [50, 20], False, lexicon_rows=8)
    model.initialize([doc])
    (out,) = model.predict([doc])
    assert out.shape == (len(doc), 16)
