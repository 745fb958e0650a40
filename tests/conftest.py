"""Shared fixtures: the pipeline, the project's wheel, and the team's shared reference data."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
def _find_shared() -> Path:
    """The team's shared reference data: `$ANNOTATOR_SHARED`, else the first
    `shared/` (holding ANNOTATION.md) beside this checkout or above it."""
    if os.environ.get("ANNOTATOR_SHARED"):
        return Path(os.environ["ANNOTATOR_SHARED"])
    for parent in ROOT.parents:
        if (parent / "shared" / "ANNOTATION.md").exists():
            return parent / "shared"
    return ROOT.parent / "shared"


SHARED = _find_shared()


def shared_path(*parts: str) -> Path:
    """A file of the shared reference data, or skip when it is not here. In CI
    (`ANNOTATOR_REQUIRE_SHARED=1`, set by .ci/run) a missing file is a failure:
    the quality tests must never pass by being skipped."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"shared reference data not found: {path} (set ANNOTATOR_SHARED)"
        if os.environ.get("ANNOTATOR_REQUIRE_SHARED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def irnews_gold(name: str) -> list[dict]:
    """A gold file of ir-news articles stored as offsets (the text is GPL and
    stays in ../shared): the records with their text, entity and claim texts
    and speaker names filled in, each text checked against its sha256."""
    import gzip
    import hashlib

    gold = load_jsonl(DATA / name)
    path = shared_path("data", *gold[0]["source"]["file"].split("/"))
    wanted = {g["source"]["line"] for g in gold}
    texts = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n in wanted:
                texts[n] = json.loads(line)["text"]
    out = []
    for g in gold:
        text = texts[g["source"]["line"]]
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == g["text_sha256"], g["id"]
        entities = [dict(e, text=text[e["start"]:e["end"]]) for e in g["entities"]]
        claims = []
        for c in g["claims"]:
            speaker = None if c["speaker"] is None else [text[s:e] for s, e in c["speaker"]]
            claims.append(dict(c, text=text[c["start"]:c["end"]], speaker=speaker))
        out.append({"id": g["id"], "text": text, "entities": entities, "claims": claims})
    return out


def fars_gold() -> list[dict]:
    """40 Fars News articles annotated by hand: references into
    ../shared/data/fars-news/ (file, article, paragraphs), checked by SHA-1."""
    import hashlib

    articles: dict[str, list] = {}
    out = []
    for g in load_jsonl(DATA / "fars_gold.jsonl"):
        src = g["source"]
        if src["file"] not in articles:
            articles[src["file"]] = json.loads(shared_path("data", "fars-news", src["file"]).read_text(encoding="utf-8"))
        a = articles[src["file"]][src["article"]]
        text = a["title"] + "\n\n" + "\n\n".join(a["paragraphs"][: src["paragraphs"]])
        assert hashlib.sha1(text.encode("utf-8")).hexdigest() == g["text_sha1"], g["id"]
        out.append(dict(g, text=text))
    return out


def score_records(nlp, gold: list[dict], tmp_path: Path) -> dict:
    """The team's scorer over the pipeline's output on gold records."""
    from annotator.io.prodigy import doc_to_task

    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")
    (tmp_path / "pred.jsonl").write_text(
        "".join(json.dumps(doc_to_task(nlp(g["text"])), ensure_ascii=False) + "\n" for g in gold), encoding="utf-8"
    )
    return scorer().main(str(tmp_path / "gold.jsonl"), str(tmp_path / "pred.jsonl"))


def fars_paragraphs(limit: int | None = None) -> list[str]:
    out: list[str] = []
    for path in sorted(shared_path("data", "fars-news").glob("*.json")):
        for article in json.loads(path.read_text(encoding="utf-8")):
            out.append(article["title"])
            out.extend(article["paragraphs"])
            if limit and len(out) >= limit:
                return out[:limit]
    return out


def arman_sentences(name: str) -> list[list[tuple[str, str]]]:
    """Sentences of an ARMAN file as (token, tag) lists."""
    from annotator.training.iob import read_iob

    return list(read_iob(shared_path("data", "arman", name)))


@pytest.fixture(scope="session")
def tokenizer_nlp():
    import annotator

    return annotator.blank()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return shared_path("gold", "seed-article.txt").read_text(encoding="utf-8")


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def offsets(text: str, snippet: str, occurrence: int = 1) -> tuple[int, int]:
    """Character span of the n-th occurrence of `snippet` in `text`."""
    pos = -1
    for _ in range(occurrence):
        pos = text.index(snippet, pos + 1)
    return pos, pos + len(snippet)


def scorer():
    """The team's scorer (`../shared/tools/score.py`), imported as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("score", shared_path("tools", "score.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def annotate_gold(nlp, gold_path: Path, out_path: Path) -> Path:
    """Run the pipeline over a gold file's texts and write output-contract tasks."""
    from annotator.io.prodigy import doc_to_task

    with out_path.open("w", encoding="utf-8") as f:
        for g in load_jsonl(gold_path):
            f.write(json.dumps(doc_to_task(nlp(g["text"]), g.get("meta")), ensure_ascii=False) + "\n")
    return out_path


@pytest.fixture(scope="session")
def nlp():
    import annotator

    return annotator.load()


@pytest.fixture(scope="session")
def project_wheel(tmp_path_factory) -> Path:
    """The project's wheel (tests/wheels.py), built once for test_wheel and test_package."""
    from wheels import build_project_wheel

    return build_project_wheel(tmp_path_factory.mktemp("wheel"))
