"""The Label Studio conversion both ways, on the pipeline's real output
(no server: the server round trip is tests/test_labelstudio_server.py)."""
from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET

import orjson
import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.io.labelstudio import (CLAIM, ENTITY_LABELS, InvalidTask, PredictionIdsOnly, from_label_studio,
                                      labeling_config, task_problems, to_label_studio)
from annotator.io.labelstudio.config import CHOICE_FIELDS, TEXT_FIELDS
from annotator.io.prodigy import task_hash
from annotator.render.colors import LABEL_COLORS
from labelstudio_samples import TRICKY_TEXT, find, sample_tasks, tricky_task


@pytest.fixture(scope="module")
def tasks(nlp) -> list[dict]:
    return [tricky_task(nlp), *sample_tasks(nlp)]


@pytest.fixture
def tricky(tasks) -> dict:
    return copy.deepcopy(tasks[0])


def exported(ls_task: dict, annotations: list[dict] | None = None) -> dict:
    """A task as Label Studio's export has it: through JSON, with ids."""
    task = json.loads(json.dumps(ls_task))
    task.update(id=7, annotations=annotations or [])
    for n, prediction in enumerate(task["predictions"], 1):
        prediction["id"] = n
    return task


def annotation(result: list[dict], **extra) -> dict:
    return {"id": extra.pop("id", 1), "result": result, "was_cancelled": False, **extra}


def regions(ls_task: dict) -> list[dict]:
    return [r for r in ls_task["predictions"][0]["result"] if r["type"] == "labels"]


def person(text: str, snippet: str, rid: str = "rev1") -> dict:
    start, end = find(text, snippet)
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": snippet, "labels": ["PERSON"]}}


# ------------------------------------------------------------ there and back


def test_unchanged_tasks_come_back_byte_identical(tasks):
    assert sum(len(t["claims"]) for t in tasks) > 100 and all(not task_problems(t) for t in tasks)
    for task in tasks:
        back = from_label_studio(exported(to_label_studio(task)))
        assert orjson.dumps(back) == orjson.dumps(task)  # text, meta, hashes, tokens, spans, claims, key order


def test_the_tricky_text_is_all_there(tricky):
    """The fixture exercises what it claims to: CRLF, ZWNJ, ي/ك, NBSP, three
    digit sets, an emoji before an entity and a claim, real speakers."""
    text = tricky["text"]
    assert all(c in text for c in ("\r\n", "\u200c", "ي", "ك", "\u00a0", "۲", "٣", "4", "😀"))
    emoji = text.index("😀")
    assert any(s["start"] > emoji for s in tricky["spans"]) and any(c["start"] > emoji for c in tricky["claims"])
    assert {c["qualifier"] for c in tricky["claims"]} >= {"less_than", "more_than", "range", "approximately"}
    assert all(c["speaker"] for c in tricky["claims"])


def test_regions_are_code_point_offsets(tricky):
    ls_task = to_label_studio(tricky)
    text = ls_task["data"]["text"]
    for r in regions(ls_task):
        assert r["value"]["text"] == text[r["value"]["start"]:r["value"]["end"]]
    oil = next(r for r in regions(ls_task) if r["value"]["text"] == "وزارت نفت")
    # Python's indices, not UTF-16's: the emoji before it counts once.
    assert oil["value"]["start"] == text.index("وزارت نفت")
    assert oil["value"]["start"] != len(text[:text.index("وزارت نفت")].encode("utf-16-le")) // 2


def test_prediction_holds_claims_fields_and_speakers(tricky):
    ls_task = to_label_studio(tricky)
    assert ls_task["data"] == {k: v for k, v in tricky.items() if k not in ("spans", "claims")}
    (prediction,) = ls_task["predictions"]
    result = prediction["result"]
    money = next(c for c in tricky["claims"] if c["kind"] == "money" and c["value"])
    rid = next(r["id"] for r in regions(ls_task) if r["value"]["start"] == money["start"]
               and r["value"]["labels"] == [CLAIM])
    fields = {r["from_name"]: r["value"] for r in result if r.get("id") == rid and r["type"] != "labels"}
    assert fields["value"]["text"] == ["45000000000"] and fields["unit"]["text"] == ["دلار"]
    assert fields["qualifier"]["choices"] == ["more_than"] and fields["kind"]["choices"] == ["money"]
    assert "low" not in fields and "high" not in fields  # nulls are left out
    assert all(f["start"] == money["start"] and f["end"] == money["end"] for f in fields.values())
    (rel,) = [r for r in result if r["type"] == "relation" and r["from_id"] == rid]
    speaker = next(r for r in regions(ls_task) if r["id"] == rel["to_id"])
    assert (speaker["value"]["start"], speaker["value"]["end"]) == (money["speaker"]["start"], money["speaker"]["end"])
    assert rel["labels"] == ["SPEAKER"]


def test_range_claim_has_low_and_high(tricky):
    result = to_label_studio(tricky)["predictions"][0]["result"]
    rng = next(c for c in tricky["claims"] if c["qualifier"] == "range")
    got = {r["from_name"]: r["value"]["text"] for r in result
           if r["type"] == "textarea" and r["value"]["start"] == rng["start"]}
    assert got == {"low": ["30"], "high": ["35"], "unit": ["همت"]}


def test_speaker_that_is_not_a_span_gets_a_region_and_stays_a_speaker(tricky):
    sp = tricky["claims"][1]["speaker"]  # «وزير امور خارجه», the speaker of three claims
    tricky["spans"] = [s for s in tricky["spans"] if (s["start"], s["end"]) != (sp["start"], sp["end"])]
    from annotator.io.prodigy import set_hashes
    set_hashes(tricky, overwrite=True)
    ls_task = to_label_studio(tricky)
    speaker_regions = [r for r in regions(ls_task) if r["value"]["start"] == sp["start"]]
    assert [r["value"]["labels"] for r in speaker_regions] == [[sp["label"]]]  # one region for all three
    assert speaker_regions[0]["id"].startswith("s")
    relations = [r for r in ls_task["predictions"][0]["result"] if r["type"] == "relation"]
    assert sum(r["to_id"] == speaker_regions[0]["id"] for r in relations) == 3
    back = from_label_studio(exported(ls_task))
    assert orjson.dumps(back) == orjson.dumps(tricky)  # not an entity span on the way back


def test_quantity_spans_and_relations_are_the_claims(nlp, tricky):
    """`annotate --quantity-spans --relations` output: the QUANTITY spans and
    relations become the claims' regions and speaker relations."""
    from annotator.io.prodigy import doc_to_task

    full = doc_to_task(nlp(TRICKY_TEXT), tricky["meta"], quantity_spans=True, relations=True)
    ls_task = to_label_studio(full)
    assert "relations" not in ls_task["data"]
    assert not [r for r in regions(ls_task) if r["value"]["labels"] == ["QUANTITY"]]
    back = from_label_studio(exported(ls_task))
    assert back["spans"] == tricky["spans"] and back["claims"] == tricky["claims"]


# ------------------------------------------------------------ a reviewer's changes


def test_reviewer_changes_come_back(tricky):
    ls_task = exported(to_label_studio(tricky))
    result = copy.deepcopy(ls_task["predictions"][0]["result"])
    text = tricky["text"]
    money = next(c for c in tricky["claims"] if c["kind"] == "money" and c["value"])
    rid = next(r["id"] for r in result if r["type"] == "labels" and r["value"]["start"] == money["start"])
    for r in result:
        if r.get("id") == rid and r["from_name"] == "value":
            r["value"]["text"] = ["۴۶ میلیارد"]  # typed the Persian way
        if r.get("id") == rid and r["from_name"] == "qualifier":
            r["value"] = {**r["value"], "choices": ["approximately"], "text": text[money["start"]:money["end"]]}
    result = [r for r in result if not (r["type"] == "relation" and r["from_id"] == rid)]
    new = person(text, "آرش کمانگیر")
    new["value"]["end"] += 1  # the selection took the space after the name
    new["value"]["text"] = text[new["value"]["start"]:new["value"]["end"]]
    result.append(new)
    ls_task["annotations"] = [annotation(result)]

    back = from_label_studio(ls_task)
    assert back["answer"] == "accept"
    changed = next(c for c in back["claims"] if c["start"] == money["start"])
    assert (changed["value"], changed["qualifier"], changed["speaker"]) == (46_000_000_000, "approximately", None)
    start, end = find(text, "آرش کمانگیر")
    added = next(s for s in back["spans"] if s["start"] == start)
    assert added["end"] == end and added["label"] == "PERSON"  # trimmed
    tokens = tricky["tokens"]
    assert (tokens[added["token_start"]]["start"], tokens[added["token_end"]]["end"]) == (start, end)
    for key in ("text", "meta", "_input_hash", "tokens"):
        assert orjson.dumps(back[key]) == orjson.dumps(tricky[key])
    assert back["_task_hash"] == task_hash(back) != tricky["_task_hash"]
    others = [c for c in back["claims"] if c["start"] != money["start"]]
    assert others == [c for c in tricky["claims"] if c["start"] != money["start"]]


def test_overlapping_regions_are_kept(tricky):
    """Entities may overlap claims and each other in a reviewer's answer."""
    ls_task = exported(to_label_studio(tricky))
    text = tricky["text"]
    result = copy.deepcopy(ls_task["predictions"][0]["result"])
    result.append(person(text, "ظريف", "rev1"))  # inside the PERSON «محمدجواد ظريف»
    s, e = find(text, "45 ميليارد دلار")
    result.append({"id": "rev2", "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": s, "end": e + 2, "text": text[s:e + 2], "labels": ["ORG"]}})  # across a claim
    ls_task["annotations"] = [annotation(result)]
    back = from_label_studio(ls_task, warn=lambda m: None)
    got = {(x["start"], x["end"], x["label"]) for x in back["spans"]}
    assert {(*find(text, "ظريف"), "PERSON"), (*find(text, "محمدجواد ظريف"), "PERSON"), (s, e + 2, "ORG")} <= got
    assert back["claims"] == tricky["claims"]


def test_region_inside_a_token_is_kept_and_reported(tricky):
    ls_task = exported(to_label_studio(tricky))
    text = tricky["text"]
    s, _ = find(text, "محمدجواد")
    half = {"id": "rev1", "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": s, "end": s + 4, "text": text[s:s + 4], "labels": ["PERSON"]}}
    ls_task["annotations"] = [annotation([*ls_task["predictions"][0]["result"], half])]
    warnings: list[str] = []
    back = from_label_studio(ls_task, warn=warnings.append)
    assert any(x["start"] == s and x["end"] == s + 4 for x in back["spans"])
    assert len(warnings) == 1 and "edges inside a token" in warnings[0] and "محمد" in warnings[0]


# ------------------------------------------------------------ which result


def test_latest_submitted_annotation_wins(tricky):
    ls_task = exported(to_label_studio(tricky))
    text = tricky["text"]
    old = annotation([person(text, "آرش کمانگیر")], id=1, updated_at="2026-12-04T10:00:00.000000Z")
    new = annotation([], id=2, updated_at="2026-12-04T11:00:00.000000Z")
    cancelled = annotation([person(text, "ظريف")], id=3, updated_at="2026-12-04T12:00:00Z", was_cancelled=True)
    ls_task["annotations"] = [new, old, cancelled]
    back = from_label_studio(ls_task)
    assert back["answer"] == "accept" and back["spans"] == [] and back["claims"] == []
    old["updated_at"] = "2026-12-04T11:30:00+00:00"
    assert from_label_studio(ls_task)["spans"][0]["start"] == find(text, "آرش کمانگیر")[0]


def test_skipped_task_is_ignore_with_what_was_shown(tricky):
    ls_task = exported(to_label_studio(tricky))
    ls_task["annotations"] = [annotation([], was_cancelled=True)]
    back = from_label_studio(ls_task)
    assert back["answer"] == "ignore"
    assert back["spans"] == tricky["spans"] and back["claims"] == tricky["claims"]


def test_unreviewed_task_is_its_prediction_without_answer(tricky):
    back = from_label_studio(exported(to_label_studio(tricky)))
    assert "answer" not in back


def test_prediction_ids_only_cannot_be_read(tricky):
    ls_task = exported(to_label_studio(tricky))
    ls_task["predictions"] = [1]
    with pytest.raises(PredictionIdsOnly):
        from_label_studio(ls_task)
    ls_task["annotations"] = [annotation([])]
    assert from_label_studio(ls_task)["answer"] == "accept"


def test_task_made_in_label_studio_gets_tokens_and_hashes():
    text = "وزیر نفت گفت: تولید ۳ درصد بیشتر شد."
    s, e = find(text, "وزیر نفت")
    back = from_label_studio({"id": 3, "data": {"text": text}, "annotations": [annotation([
        {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": s, "end": e, "text": "وزیر نفت", "labels": ["OFFICIAL"]}}])]})
    assert back["spans"] == [{"start": s, "end": e, "token_start": 0, "token_end": 1, "label": "OFFICIAL"}]
    assert [t["text"] for t in back["tokens"][:3]] == ["وزیر", "نفت", "گفت"]
    assert isinstance(back["_input_hash"], int) and back["_task_hash"] == task_hash(back)


# ------------------------------------------------------------ problems


def test_every_problem_of_a_task_is_reported(tricky):
    ls_task = exported(to_label_studio(tricky))
    result = copy.deepcopy(ls_task["predictions"][0]["result"])
    text = tricky["text"]
    claim_ids = [r["id"] for r in result if r["type"] == "labels" and r["value"]["labels"] == [CLAIM]]
    entity_ids = [r["id"] for r in result if r["type"] == "labels" and r["value"]["labels"] != [CLAIM]]
    for r in result:
        if r.get("id") == claim_ids[0] and r["from_name"] == "value":
            r["value"]["text"] = ["twenty"]
        if r.get("id") == claim_ids[1] and r["from_name"] == "kind":
            r["value"]["choices"] = ["weight"]
    result += [
        {"id": "x1", "type": "labels", "from_name": "label", "value": {"start": 5, "end": len(text) + 1,
                                                                     "labels": ["ORG"]}},
        {"id": "x2", "type": "labels", "from_name": "label", "value": {"start": 0, "end": 4, "text": "wrong",
                                                                     "labels": ["ORG"]}},
        {"id": "x3", "type": "labels", "from_name": "label", "value": {"start": 0, "end": 4, "labels": ["GPE"]}},
        {"type": "relation", "from_id": claim_ids[0], "to_id": "nowhere", "labels": ["SPEAKER"]},
        {"type": "relation", "from_id": entity_ids[0], "to_id": entity_ids[1], "labels": ["SPEAKER"]},
        {"type": "relation", "from_id": claim_ids[2], "to_id": entity_ids[3], "labels": ["SPEAKER"]},
    ]
    ls_task["annotations"] = [annotation(result)]
    with pytest.raises(InvalidTask) as err:
        from_label_studio(ls_task)
    problems = err.value.problems
    expected = ["'twenty' is not a number", "kind 'weight' is not one of", "outside the text",
                "is not the text at its offsets", "unknown label 'GPE'", "no region nowhere",
                "joins a CLAIM region to an entity's", "two speakers"]
    assert len(problems) == len(expected)
    for problem, wanted in zip(sorted(problems, key=lambda p: [w in p for w in expected].index(True)), expected):
        assert wanted in problem


def test_our_task_problems(tricky):
    assert task_problems(tricky) == []
    bad = copy.deepcopy(tricky)
    bad["spans"][0]["label"] = "GPE"
    bad["claims"][0]["end"] = len(bad["text"]) + 5
    bad["claims"][1]["qualifier"] = "lots"
    bad["claims"][2]["text"] = "nope"
    bad["spans"].append({"start": 0, "end": 3, "label": "QUANTITY"})
    problems = task_problems(bad)
    assert len(problems) == 5, problems
    assert task_problems({"text": 3}) == ['"text" is not a string']


# ------------------------------------------------------------ the labeling config


def test_labeling_config_names_what_the_tasks_use(tricky):
    root = ET.fromstring(labeling_config())
    labels = {l.get("value"): l.get("background") for l in root.iter("Label")}
    assert labels == {**LABEL_COLORS, CLAIM: labels[CLAIM]} and list(labels)[:-1] == list(ENTITY_LABELS)
    (text,) = root.iter("Text")
    assert text.get("value") == "$text"
    assert "direction: rtl" in next(root.iter("Style")).text
    assert {t.get("name") for t in root.iter("TextArea")} == set(TEXT_FIELDS)
    assert {c.get("name"): [x.get("value") for x in c] for c in root.iter("Choices")} == \
        {k: list(v) for k, v in CHOICE_FIELDS.items()}
    assert [r.get("value") for r in root.iter("Relation")] == ["SPEAKER"]
    shown_when = next(v for v in root.iter("View") if v.get("visibleWhen"))
    (labels_tag,) = root.iter("Labels")
    assert shown_when.get("whenTagName") == labels_tag.get("name") and shown_when.get("whenLabelValue") == CLAIM
    # every name a task's results use is a control of the config
    names = {e.get("name") for e in root.iter() if e.get("name")}
    result = to_label_studio(tricky)["predictions"][0]["result"]
    assert {r["from_name"] for r in result if "from_name" in r} <= names
    assert {r["to_name"] for r in result if "to_name" in r} == {text.get("name")}


# ------------------------------------------------------------ the commands


def write_jsonl(path, tasks) -> None:
    path.write_bytes(b"".join(orjson.dumps(t) + b"\n" for t in tasks))


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_commands_round_trip_a_file_byte_for_byte(tasks, tmp_path):
    src = tmp_path / "annotated.jsonl"
    write_jsonl(src, tasks)
    result = invoke("to-label-studio", src, "-o", tmp_path / "tasks.json", "--config", tmp_path / "labeling.xml")
    assert result.exit_code == 0, result.output
    assert len(json.loads((tmp_path / "tasks.json").read_bytes())) == len(tasks)
    assert (tmp_path / "labeling.xml").read_text(encoding="utf-8") == labeling_config()
    result = invoke("from-label-studio", tmp_path / "tasks.json", "-o", tmp_path / "back.jsonl")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "back.jsonl").read_bytes() == src.read_bytes()
    assert not list(tmp_path.glob(".*.part"))


def test_commands_write_to_stdout(tasks, tmp_path):
    src = tmp_path / "annotated.jsonl"
    write_jsonl(src, tasks[:2])
    out = CliRunner().invoke(app, ["to-label-studio", str(src), "-o", "-"])
    assert out.exit_code == 0 and len(json.loads(out.stdout)) == 2
    back = CliRunner().invoke(app, ["from-label-studio", "-", "-o", "-"], input=out.stdout)
    assert back.exit_code == 0 and back.stdout.encode("utf-8") == src.read_bytes()
    assert "✔ 2 tasks → stdout" in back.stderr


def test_reviewed_tasks_train_through_export(tricky, tmp_path):
    """from-label-studio output is what `annotator export` reads: the
    reviewer's PERSON is an entity, the skipped task is left out."""
    from spacy.tokens import DocBin

    import annotator

    good = exported(to_label_studio(tricky))
    good["annotations"] = [annotation([*good["predictions"][0]["result"], person(tricky["text"], "آرش کمانگیر")])]
    skipped = copy.deepcopy(good)
    skipped.update(id=8, annotations=[annotation([], was_cancelled=True)])
    skipped["data"]["text"] += " "
    skipped["data"].pop("tokens")
    (tmp_path / "export.json").write_text(json.dumps([good, skipped], ensure_ascii=False), encoding="utf-8")
    assert invoke("from-label-studio", tmp_path / "export.json", "-o", tmp_path / "r.jsonl").exit_code == 0
    result = invoke("export", tmp_path / "r.jsonl", "-o", tmp_path / "corpus", "--eval-split", "0")
    assert result.exit_code == 0, result.output
    (doc,) = DocBin().from_disk(tmp_path / "corpus" / "train.spacy").get_docs(annotator.blank().vocab)
    assert (*find(tricky["text"], "آرش کمانگیر"), "PERSON") in {(e.start_char, e.end_char, e.label_) for e in doc.ents}


def test_from_label_studio_reports_problems_with_task_ids(tricky, tmp_path):
    bad = exported(to_label_studio(tricky))
    bad["annotations"] = [annotation([{"id": "x", "type": "labels", "from_name": "label",
                                       "value": {"start": 0, "end": 4, "labels": ["GPE"]}}])]
    (tmp_path / "export.json").write_text(json.dumps([bad]), encoding="utf-8")
    result = invoke("from-label-studio", tmp_path / "export.json", "-o", tmp_path / "r.jsonl")
    assert result.exit_code == 2
    assert f"error: region x 0-4: unknown label 'GPE'" in result.output
    assert f"({tmp_path / 'export.json'}: task 7)" in result.output
    assert not (tmp_path / "r.jsonl").exists()


def test_reviewed_only_leaves_out_unreviewed_tasks(tricky, tmp_path):
    ls_task = exported(to_label_studio(tricky))
    ls_task["predictions"] = [1]  # the Export button's JSON
    (tmp_path / "quick.json").write_text(json.dumps([ls_task]), encoding="utf-8")
    result = invoke("from-label-studio", tmp_path / "quick.json", "-o", tmp_path / "r.jsonl")
    assert result.exit_code == 2 and "1 tasks nobody reviewed have prediction ids only" in result.output
    result = invoke("from-label-studio", tmp_path / "quick.json", "-o", tmp_path / "r.jsonl", "--reviewed-only")
    assert result.exit_code == 0 and (tmp_path / "r.jsonl").read_bytes() == b""


@pytest.mark.parametrize("case, args, message", [
    ("missing input", ["to-label-studio", "{tmp}/nope.jsonl", "-o", "{tmp}/t.json"], "no such file"),
    ("malformed line", ["to-label-studio", "{tmp}/bad.jsonl", "-o", "{tmp}/t.json"],
     "malformed JSON: Expecting value: line 1 column 1 (char 0) ({tmp}/bad.jsonl:2)"),
    ("bad task", ["to-label-studio", "{tmp}/bad.jsonl", "-o", "{tmp}/t.json"],
     "span 0-9: offsets outside the text (0-3) ({tmp}/bad.jsonl:1)"),
    ("output is input", ["to-label-studio", "{tmp}/bad.jsonl", "-o", "{tmp}/bad.jsonl"],
     "the output would overwrite the input"),
    ("config is output", ["to-label-studio", "{tmp}/good.jsonl", "-o", "{tmp}/t.json", "--config", "{tmp}/t.json"],
     "the config would overwrite the tasks"),
    ("no output folder", ["to-label-studio", "{tmp}/good.jsonl", "-o", "{tmp}/no/t.json"],
     "the output's folder does not exist"),
    ("no tasks", ["to-label-studio", "{tmp}/empty.jsonl", "-o", "{tmp}/t.json"], "no tasks in the input"),
    ("missing export", ["from-label-studio", "{tmp}/nope.json", "-o", "{tmp}/r.jsonl"], "no such file"),
    ("malformed export", ["from-label-studio", "{tmp}/good.jsonl", "-o", "{tmp}/r.jsonl"], "malformed JSON"),
    ("not an array", ["from-label-studio", "{tmp}/object.json", "-o", "{tmp}/r.jsonl"], "expected a JSON array"),
    ("not a task", ["from-label-studio", "{tmp}/numbers.json", "-o", "{tmp}/r.jsonl"], "not a task object"),
    ("export is output", ["from-label-studio", "{tmp}/object.json", "-o", "{tmp}/object.json"],
     "the output would overwrite the input"),
])
def test_user_mistakes_exit_2_without_traceback(tmp_path, case, args, message):
    (tmp_path / "bad.jsonl").write_text('{"text": "abc", "spans": [{"start": 0, "end": 9, "label": "ORG"}]}\n'
                                        "not json\n", encoding="utf-8")
    (tmp_path / "good.jsonl").write_text('{"text": "abc"}\n{"text": "def"}\n', encoding="utf-8")
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "object.json").write_text("{}", encoding="utf-8")
    (tmp_path / "numbers.json").write_text("[1]", encoding="utf-8")
    result = invoke(*[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert message.format(tmp=tmp_path) in result.output
    assert "Traceback" not in result.output and result.output.startswith("error: ")
    assert not (tmp_path / "t.json").exists() and not (tmp_path / "r.jsonl").exists()


def test_interrupted_command_exits_130_and_leaves_no_file(tasks, tmp_path, monkeypatch):
    import annotator.io.labelstudio as labelstudio

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    src = tmp_path / "annotated.jsonl"
    write_jsonl(src, tasks[:1])
    monkeypatch.setattr(labelstudio, "to_label_studio", interrupted)
    result = invoke("to-label-studio", src, "-o", tmp_path / "t.json")
    assert result.exit_code == 130 and "interrupted" in result.output
    assert list(tmp_path.iterdir()) == [src]
