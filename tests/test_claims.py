"""Claims and their speakers: the seed article with the team's scorer, the
sample articles, a table of claim fields, and speaker sentences."""
from __future__ import annotations

import pytest

from annotator.io.prodigy import doc_to_task, task_hash
from conftest import DATA, annotate_gold, load_jsonl, offsets, scorer, shared_path


def test_seed_article_claims(nlp, tmp_path):
    gold = shared_path("gold", "seed.jsonl")
    result = scorer().main(str(gold), str(annotate_gold(nlp, gold, tmp_path / "pred.jsonl")))
    assert result["claim_full_f1"] == 1.0, result
    assert result["claim_unit_acc"] == 1.0 and result["claim_kind_acc"] == 1.0, result


def test_sample_articles_claims(nlp, tmp_path):
    gold = DATA / "dev_gold.jsonl"
    result = scorer().main(str(gold), str(annotate_gold(nlp, gold, tmp_path / "pred.jsonl")))
    assert result["claim_detect"]["f"] >= 0.95, result
    assert result["claim_value_acc"] >= 0.98, result
    assert result["claim_speaker_acc"] >= 0.9, result


# (sentence, claim text, value, low, high, qualifier, kind, unit)
CLAIMS = [
    ("بیش از ۳۷ درصد مسایل اقتصادی کشور", "بیش از ۳۷ درصد", 37, None, None, "more_than", "percent", "درصد"),
    ("ایجاد ۳۱ هزار و ۵۰۰ واحد صنعتی هدفگذاری شده است", "۳۱ هزار و ۵۰۰ واحد صنعتی", 31500, None, None, "exact", "count", "واحد صنعتی"),
    ("نواحی صنعتی ( ۵ تا ۲۰ هکتاری) در مراکز", "۵ تا ۲۰ هکتاری", None, 5, 20, "range", "measure", "هکتار"),
    ("۴۳۸ دهستان بالای ۱۰ هزار نفر شناسایی شده است", "بالای ۱۰ هزار نفر", 10000, None, None, "more_than", "count", "نفر"),
    ("اعتبار ۲.۵ میلیارد دلار تخصیص یافت", "۲.۵ میلیارد دلار", 2500000000, None, None, "exact", "money", "دلار"),
    ("حدود ۷۵ همت اعتبار", "حدود ۷۵ همت", 75, None, None, "approximately", "money", "همت"),
    ("صادرات به 5/2 ميليارد دلار رسيد", "5/2 ميليارد دلار", 5200000000, None, None, "exact", "money", "دلار"),
    ("دست‌کم ۴۰ میلیون مترمکعب ظرفیت", "دست‌کم ۴۰ میلیون مترمکعب", 40000000, None, None, "at_least", "measure", "مترمکعب"),
    ("دست كم 40 ميليون تن", "دست كم 40 ميليون تن", 40000000, None, None, "at_least", "measure", "تن"),
    ("کمتر از ۱۲٪ رشد", "کمتر از ۱۲٪", 12, None, None, "less_than", "percent", "٪"),
    ("نزدیک به سی و یک هزار نفر", "نزدیک به سی و یک هزار نفر", 31000, None, None, "approximately", "count", "نفر"),
    ("حداکثر ۵۰۰ تا ۷۰۰ میلیون تومان", "حداکثر ۵۰۰ تا ۷۰۰ میلیون تومان", None, 500000000, 700000000, "range", "money", "تومان"),
    ("قیمت از ۳۹۵ به ۶۸۷ هزار تومان رسید", "۳۹۵", 395000, None, None, "exact", "money", "تومان"),
    ("قیمت از ۳۹۵ به ۶۸۷ هزار تومان رسید", "۶۸۷ هزار تومان", 687000, None, None, "exact", "money", "تومان"),
    ("این کشور در ۱۰۸ کشور نمایندگی دارد", "۱۰۸ کشور", 108, None, None, "exact", "count", "کشور"),
    ("از ۱۸ هزار نفر به کمتر از ۱۶ هزار و ۵۰۰ نفر خواهد رسید", "کمتر از ۱۶ هزار و ۵۰۰ نفر", 16500, None, None, "less_than", "count", "نفر"),
    ("انتظار می‌رود حداقل ۶۰ تن در این حادثه کشته شده باشند", "حداقل ۶۰ تن", 60, None, None, "at_least", "count", "تن"),
    ("۱۲ تن از معترضان بازداشت شدند", "۱۲ تن", 12, None, None, "exact", "count", "تن"),
    ("تولید گندم امسال به ۵۰۰ هزار تن رسید", "۵۰۰ هزار تن", 500000, None, None, "exact", "measure", "تن"),
    ("سه تن زخمی شدند و ۴۰۰ تن برنج وارد شد", "۴۰۰ تن", 400, None, None, "exact", "measure", "تن"),
]


@pytest.mark.parametrize("text,span,value,low,high,qualifier,kind,unit", CLAIMS)
def test_claim_fields(nlp, text, span, value, low, high, qualifier, kind, unit):
    doc = nlp(text)
    start, end = offsets(text, span)
    found = [c for c in doc._.claims if c["start"] < end and start < c["end"]]
    assert len(found) == 1, doc._.claims
    c = found[0]
    assert (c["start"], c["end"], c["text"]) == (start, end, span)
    assert (c["value"], c["low"], c["high"]) == (value, low, high)
    assert (c["qualifier"], c["kind"], c["unit"]) == (qualifier, kind, unit)


@pytest.mark.parametrize(
    "text",
    [
        "در بودجه ۹۷ پیشنهاد داده شده است.",
        "در ده ماهه اخیر اتفاقی نیفتاد.",
        "سومین دوره همایش در ۲۳ آبان ۱۴۰۴ ساعت ۱۶ برگزار شد.",
        "دولت چهاردهم و مجلس دوازدهم",
        "داوطلبان کنکور سراسری ۱۴۰۵ ثبت نام کردند.",
        "این طرح ۱۰ سال طول می‌کشد.",
        "به گزارش ورزش سه، این سیستم اشتباهات را به صفر نمی‌رساند.",
        "شهروندان می‌توانند تخلفات را از طریق سامانه ۱۹۰ گزارش کنند.",
    ],
)
def test_not_claims(nlp, text):
    assert nlp(text)._.claims == []


def test_claims_span_group_and_output(nlp):
    text = "وزیر نفت گفت: تولید به ۳ میلیون بشکه رسید."
    doc = nlp(text)
    assert [(s.text, s.label_) for s in doc.spans["claims"]] == [("۳ میلیون بشکه", "QUANTITY")]
    task = doc_to_task(doc, {"id": 1}, quantity_spans=True, relations=True)
    start, end = offsets(text, "۳ میلیون بشکه")
    assert {"label": "QUANTITY", "start": start, "end": end, "token_start": 6, "token_end": 8} in task["spans"]
    assert task["claims"][0]["speaker"] == {"start": 0, "end": 8, "text": "وزیر نفت", "label": "OFFICIAL"}
    rel = task["relations"][0]
    assert (rel["head"], rel["child"], rel["label"]) == (8, 1, "SPEAKER")
    assert task["_task_hash"] == task_hash({"text": task["text"], "spans": task["spans"]})


SPEAKERS = [(case, claim) for case in load_jsonl(DATA / "speaker_sentences.jsonl") for claim in case["claims"]]
KNOWN_SPEAKER_MISSES = {"۱۲ متهم"}  # «پرونده ۱۲» reads as a case number


def _speaker_param(i: int, case: dict, claim: dict):
    marks = [pytest.mark.xfail(strict=True, reason="known limitation")] if claim["text"] in KNOWN_SPEAKER_MISSES else []
    return pytest.param(case, claim, id=f"{i}-{claim['text']}", marks=marks)


@pytest.mark.parametrize("case,claim", [_speaker_param(i, c, cl) for i, (c, cl) in enumerate(SPEAKERS)])
def test_speaker(nlp, case, claim):
    norm = scorer().norm
    start, end = offsets(case["text"], claim["text"], claim.get("occurrence", 1))
    found = [c for c in nlp(case["text"])._.claims if c["start"] < end and start < c["end"]]
    assert found, "claim not found"
    speaker = found[0]["speaker"]
    if claim["speaker"] is None:
        assert speaker is None
    else:
        accepted = {norm(a) for a in claim.get("speaker_any", []) + [claim["speaker"]]}
        assert speaker is not None and norm(speaker["text"]) in accepted


def test_speaker_cases_are_many():
    assert len({c["text"] for c, _ in SPEAKERS}) >= 30


@pytest.mark.parametrize("text,claims", [
    # names that contain a number are not claims (#12)
    ("1972 بیمار جدید مبتلا به کووید19 در کشور شناسایی شد.", ["1972 بیمار"]),
    ("بیماری کووید-۱۹ در ۲۰ کشور شیوع یافت.", ["۲۰ کشور"]),
    ("خودروی پژو ۲۰۶ به ۳۰۰ میلیون تومان رسید.", ["۳۰۰ میلیون تومان"]),
    ("هواپیمای ایرباس ۳۲۰ در فرودگاه فرود آمد.", []),
    ("مشکلات بوئینگ ۷۳۷ مکس ادامه دارد.", []),
    ("مذاکرات در چارچوب ۱+۵ ادامه دارد.", []),
    ("فیلم سینمایی «دو روی سکه» اکران شد و ۳ میلیارد تومان فروخت.", ["۳ میلیارد تومان"]),
    # coordinated dates are not claims (#12)
    ("مسابقات روزهای ۱۲ و ۱۳ آبان برگزار می‌شود.", []),
    ("نمایشگاه از ۱۲ تا ۱۴ مهرماه برپاست.", []),
    ("جلسه روز ۲۰ ژوئن برگزار شد.", []),
])
def test_numbers_that_are_not_claims(nlp, text, claims):
    assert [c["text"] for c in nlp(text)._.claims] == claims
