"""The packaged pipeline: `annotator.load()`, the copy saved under models/,
`spacy.load` in a fresh process, and the Prodigy patterns export."""
from __future__ import annotations

import json
import subprocess
import sys

import spacy
import srsly

from annotator.io.prodigy import doc_to_task
from conftest import DATA, ROOT, load_jsonl

SAVED = ROOT / "models" / "annotator-fa-news"


def test_saved_pipeline_matches_load(nlp):
    """models/annotator-fa-news is the default pipeline, not a stale copy:
    rerun `annotator save models/annotator-fa-news` after changing lexicons."""
    saved = spacy.load(SAVED)
    assert saved.pipe_names == nlp.pipe_names
    for gold in load_jsonl(DATA / "dev_gold.jsonl"):
        assert doc_to_task(saved(gold["text"])) == doc_to_task(nlp(gold["text"]))


def test_saved_pipeline_holds_the_package_data():
    """models/annotator-fa-news is what `annotator save models/annotator-fa-news`
    builds from annotator/data/: each component directory holds every data file
    its component reads, byte for byte the package's (rerun the command after
    editing a lexicon)."""
    from annotator.components import attribution, claims, memory
    from annotator.components.entities import lexicon
    from annotator.lexicons import DATA_DIR

    expected = {"annotator_entities": lexicon.FILES, "annotator_entity_memory": memory.FILES,
                "annotator_claims": claims.FILES, "annotator_attribution": attribution.FILES}
    for component, names in expected.items():
        held = sorted(p.name for p in (SAVED / component).iterdir())
        assert held == sorted(names), component
        for name in names:
            assert (SAVED / component / name).read_bytes() == (DATA_DIR / name).read_bytes(), (component, name)


def test_saved_pipeline_loads_in_fresh_process():
    code = (
        "import json, spacy, sys; nlp = spacy.load(sys.argv[1]);"
        "doc = nlp('وزير نفت گفت: بیش از ۳۱هزار واحد');"
        "print(json.dumps([[e.text, e.label_] for e in doc.ents] + [[c['text'], c['speaker']['text']] for c in doc._.claims], ensure_ascii=False))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(SAVED)], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [["وزير نفت", "OFFICIAL"], ["بیش از ۳۱هزار واحد", "وزير نفت"]]


def test_save_round_trip(nlp, tmp_path):
    nlp.to_disk(tmp_path / "p")
    again = spacy.load(tmp_path / "p")
    text = "به گزارش ایرنا، صادق نجفی مدیرعامل سازمان صنایع کوچک گفت: ۸۵ هزار واحد فعال است."
    assert doc_to_task(again(text)) == doc_to_task(nlp(text))


def test_patterns_export(tmp_path):
    out = tmp_path / "patterns.jsonl"
    subprocess.run([sys.executable, "-m", "annotator", "patterns", "-o", str(out)], check=True, capture_output=True)
    entries = list(srsly.read_jsonl(out))
    assert len(entries) > 1000
    assert {e["label"] for e in entries} == {"ORG", "MINISTRY", "OFFICIAL", "PERSON"}
    # Token patterns on NORM match what the component matches, variants included.
    from spacy.matcher import Matcher

    nlp = spacy.load(SAVED)
    matcher = Matcher(nlp.vocab)
    for i, e in enumerate(entries):
        matcher.add(f"{e['label']}|{i}", [e["pattern"]])
    doc = nlp.make_doc("معاون وزير صنعت،معدن وتجارت و بانك مركزي")
    found = {doc[s:t].text for _, s, t in matcher(doc)}
    assert {"وزير صنعت،معدن وتجارت", "بانك مركزي"} <= found


def test_pipeline_on_real_news_keeps_offsets(nlp):
    """Thousands of real paragraphs through every component: no exception,
    every entity and claim points into the text, claims carry their fields."""
    from conftest import fars_paragraphs

    texts = fars_paragraphs(limit=3000)
    n_claims = 0
    for doc, text in zip(nlp.pipe(texts, batch_size=200), texts):
        assert doc.text == text
        for ent in doc.ents:
            assert text[ent.start_char:ent.end_char] == ent.text
        for c in doc._.claims:
            assert text[c["start"]:c["end"]] == c["text"]
            assert c["qualifier"] in ("exact", "more_than", "less_than", "at_least", "at_most", "approximately", "range")
            assert c["kind"] in ("count", "percent", "money", "measure")
            assert (c["value"] is None) == (c["qualifier"] == "range") or c["low"] is None
            if c["speaker"]:
                sp = c["speaker"]
                assert text[sp["start"]:sp["end"]] == sp["text"]
        n_claims += len(doc._.claims)
    assert n_claims > 500
