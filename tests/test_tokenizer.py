"""The Persian tokenizer: splitting cases, norms, sentences, offsets, loading."""
from __future__ import annotations

import random
import subprocess
import sys

import pytest
import spacy

from conftest import arman_sentences, fars_paragraphs


def texts(nlp, text):
    return [t.text for t in nlp(text) if not t.is_space]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("نویدتهران،معاون", ["نویدتهران", "،", "معاون"]),
        ("صنعت،معدن و تجارت", ["صنعت", "،", "معدن", "و", "تجارت"]),
        ("۳۱هزار واحد", ["۳۱", "هزار", "واحد"]),
        ("شده است.این طرح", ["شده", "است", ".", "این", "طرح"]),
        ("۳۱٬۵۰۰ واحد", ["۳۱٬۵۰۰", "واحد"]),
        ("31,500 واحد", ["31,500", "واحد"]),
        ("1,234,567 نفر", ["1,234,567", "نفر"]),
        ("۲٫۵ میلیارد", ["۲٫۵", "میلیارد"]),
        ("۲.۵ میلیارد", ["۲.۵", "میلیارد"]),
        ("۲/۵ درصد", ["۲/۵", "درصد"]),
        ("5/2 ميليارد", ["5/2", "ميليارد"]),
        ("۱۲٪ رشد", ["۱۲", "٪", "رشد"]),
        ("12.5% رشد", ["12.5", "%", "رشد"]),
        ("۳۷درصدی", ["۳۷", "درصدی"]),
        ("در سال ۱۴۰۲.", ["در", "سال", "۱۴۰۲", "."]),
        ("تاریخ ۱۴۰۴/۰۶/۰۱ است", ["تاریخ", "۱۴۰۴/۰۶/۰۱", "است"]),
        ("ساعت ۱۶:۳۰ امروز", ["ساعت", "۱۶:۳۰", "امروز"]),
        ("اعداد ۵، ۱۰ و ۲۰", ["اعداد", "۵", "،", "۱۰", "و", "۲۰"]),
        ("۱۰-۱۵ نفر", ["۱۰", "-", "۱۵", "نفر"]),
        ("سازمان‌های صنعتی", ["سازمان‌های", "صنعتی"]),
        ("سازمان های صنعتی", ["سازمان های", "صنعتی"]),
        ("حلقه های مفقوده", ["حلقه های", "مفقوده"]),
        ("منطقه ای بزرگ تر", ["منطقه ای", "بزرگ تر"]),
        ("باید می شود", ["باید", "می شود"]),
        ("او گفت: «بیش از ۳۷ درصد»", ["او", "گفت", ":", "«", "بیش", "از", "۳۷", "درصد", "»"]),
        ("آیا؟بله!", ["آیا", "؟", "بله", "!"]),
        ("صنعت،معدن وتجارت", ["صنعت", "،", "معدن", "و", "تجارت"]),
        ("آموزش وپرورش و وزارت", ["آموزش", "و", "پرورش", "و", "وزارت"]),
        ("وزیران وزارت وحدت ورود", ["وزیران", "وزارت", "وحدت", "ورود"]),
    ],
)
def test_splitting(tokenizer_nlp, text, expected):
    assert texts(tokenizer_nlp, text) == expected


def test_blank_fa_gets_these_wrong():
    """The cases above are worth a tokenizer: spaCy's blank `fa` fails them."""
    blank = spacy.blank("fa")
    assert [t.text for t in blank("نویدتهران،معاون")] != ["نویدتهران", "،", "معاون"]
    assert [t.text for t in blank("۳۱هزار")] != ["۳۱", "هزار"]


@pytest.mark.parametrize(
    "variants",
    [
        ["سازمان‌های", "سازمان های", "سازمانهای"],
        ["رئیس", "رييس", "رئيس"],
        ["بانک", "بانك"],
        ["وزارت‌خانه", "وزارتخانه", "وزارتـخانه"],
        ["مسائل", "مسایل"],
        ["رؤسای", "روسای"],
        ["۳۱", "31", "٣١"],
        ["حَذف", "حذف"],
        ["می‌شود", "می شود", "میشود"],
        ["Iran", "IRAN"],
    ],
)
def test_norm_folds_variants(tokenizer_nlp, variants):
    norms = {tokenizer_nlp(v)[0].norm_ for v in variants}
    assert len(norms) == 1, norms
    assert all(len(tokenizer_nlp(v)) == 1 for v in variants)


def test_norm_keeps_text(tokenizer_nlp):
    text = "رييس بانك مركزي ۳۱ سازمان های"
    doc = tokenizer_nlp(text)
    assert doc.text == text
    assert [t.text for t in doc] == ["رييس", "بانك", "مركزي", "۳۱", "سازمان های"]
    assert [t.norm_ for t in doc] == ["رییس", "بانک", "مرکزی", "۳۱", "سازمانهای"]


def test_like_num_sees_through_letter_and_digit_variants(tokenizer_nlp):
    # spaCy's Persian like_num misses the Arabic letter forms on the raw text
    doc = tokenizer_nlp("ستاد موسوي يك امر طبيعي است و سيصد و ٢٠ نفر و ۲۰ تن آمدند")
    nums = [t.text for t in doc if t.like_num]
    assert nums == ["يك", "سيصد", "٢٠", "۲۰"]
    assert doc.text == "ستاد موسوي يك امر طبيعي است و سيصد و ٢٠ نفر و ۲۰ تن آمدند"


def test_norm_is_cached_per_word_type(tokenizer_nlp):
    """A norm is a lexeme attribute: computed once per word type."""
    from annotator.lang import normalize as normalizer

    calls = []
    getter = tokenizer_nlp.vocab.lex_attr_getters[spacy.attrs.NORM]
    tokenizer_nlp.vocab.lex_attr_getters[spacy.attrs.NORM] = lambda s: calls.append(s) or getter(s)
    try:
        tokenizer_nlp("واژه‌ای‌تازه‌یکتا واژه‌ای‌تازه‌یکتا واژه‌ای‌تازه‌یکتا")
    finally:
        tokenizer_nlp.vocab.lex_attr_getters[spacy.attrs.NORM] = normalizer.normalize
    assert calls == ["واژه‌ای‌تازه‌یکتا"]


@pytest.mark.parametrize(
    "text,sentences",
    [
        ("شده است.این طرح اجرا شد.", ["شده است.", "این طرح اجرا شد."]),
        ("عنوان خبر:\n\nمتن خبر است.", ["عنوان خبر:\n\n", "متن خبر است."]),
        ("بند اول\n\nبند دوم", ["بند اول\n\n", "بند دوم"]),
        ("گفت: «کار تمام شد.» سپس رفت.", ["گفت: «کار تمام شد.» ", "سپس رفت."]),
        ("آیا درست است؟ بله!", ["آیا درست است؟ ", "بله!"]),
        ("رشد ۲.۵ درصد بود.", ["رشد ۲.۵ درصد بود."]),
        ("  \nمتن", ["  \nمتن"]),
        ("خبرگزاری بی‌.‌بی‌.‌سی گزارش داد.", ["خبرگزاری بی‌.‌بی‌.‌سی گزارش داد."]),
        ("از U.S.A نقل شد.", ["از U.S.A نقل شد."]),
    ],
)
def test_sentences(tokenizer_nlp, text, sentences):
    assert [s.text_with_ws for s in tokenizer_nlp(text).sents] == sentences


def test_seed_article_sentences(tokenizer_nlp, seed_text):
    doc = tokenizer_nlp(seed_text)
    sents = [s.text.strip() for s in doc.sents]
    assert sents[0] == "مدیرعامل سازمان صنایع کوچک و شهرکهای صنعتی ایران:"
    assert sents[1] == "ایجاد، احیا و فعال کردن ۳۱ هزار و ۵۰۰ واحد صنعتی هدفگذاری شده است"
    assert "در این راستا ۴۳۸ دهستان بالای ۱۰ هزار نفر شناسایی شده است." in sents[-2]
    assert sents[-1].startswith("این طرح با تعامل")


def _check_offsets(doc, text):
    assert doc.text == text
    pos = 0
    for tok in doc:
        assert tok.text, "empty token"
        assert tok.idx == pos, (tok.i, tok.text)
        assert text[tok.idx : tok.idx + len(tok)] == tok.text
        pos = tok.idx + len(tok.text) + len(tok.whitespace_)
        if not tok.is_space:
            assert tok.text.strip() == tok.text, repr(tok.text)
    assert pos == len(text)
    covered = [False] * len(text)
    for tok in doc:
        for i in range(tok.idx, tok.idx + len(tok)):
            assert not covered[i]
            covered[i] = True
    assert all(c for c, ch in zip(covered, text) if not ch.isspace())


_ALPHABET = (
    list("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكىةأإؤئءآ")
    + list("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩0123456789")
    + list("abcXYZ.,:;!?؟،؛٪%٫٬/-()«»\"'")
    + ["\u200c", "\u200c", " ", " ", " ", "\t", "\n", "\r\n", "\xa0", "\u200f", "😂", "ـ", "َ"]
    + ["سازمان", " های", "می ", "هزار", "درصد", "۳۱٬۵۰۰", "2.5", "۲/۵", ".", " . "]
)


def _generated(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 60))) for _ in range(n)]


def test_offsets_generated(tokenizer_nlp):
    for text in _generated(3000) + ["", " ", "\n", "\u200c", " \n \n ", "۲.", ".۵", "٬٬"]:
        _check_offsets(tokenizer_nlp(text), text)


def test_offsets_fars_news(tokenizer_nlp):
    for text in fars_paragraphs(limit=3000):
        _check_offsets(tokenizer_nlp(text), text)


def test_offsets_arman(tokenizer_nlp):
    for name in ("test_fold1.txt", "test_fold2.txt"):
        for sent in arman_sentences(name)[:1500]:
            text = " ".join(tok for tok, _ in sent)
            _check_offsets(tokenizer_nlp(text), text)


def test_offsets_seed(tokenizer_nlp, seed_text):
    _check_offsets(tokenizer_nlp(seed_text), seed_text)
    crlf = seed_text.replace("\n", "\r\n")
    _check_offsets(tokenizer_nlp(crlf), crlf)


def test_huge_document(tokenizer_nlp, seed_text):
    text = seed_text * 300  # about 1.1 MB
    doc = tokenizer_nlp(text)
    assert doc.text == text
    assert len(list(doc.sents)) > 300


def test_blank_with_config_is_the_same_tokenizer():
    nlp = spacy.blank("fa", config={"nlp": {"tokenizer": {"@tokenizers": "annotator.PersianTokenizer.v1"}}})
    assert [t.text for t in nlp("نویدتهران،معاون")] == ["نویدتهران", "،", "معاون"]
    assert nlp("رييس")[0].norm_ == "رییس"


def test_saved_pipeline_loads_in_fresh_process(tmp_path, tokenizer_nlp):
    """Entry points, not imports, must find the tokenizer: no `--code`."""
    tokenizer_nlp.to_disk(tmp_path / "pipe")
    code = (
        "import spacy, sys; nlp = spacy.load(sys.argv[1]);"
        "doc = nlp('۳۱هزار واحد،رييس');"
        "print('|'.join(t.text for t in doc)); print(doc[-1].norm_)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "pipe")], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "۳۱|هزار|واحد|،|رييس"
    assert out[1] == "رییس"


def test_words_are_hazms_words(tokenizer_nlp):
    """Before our adjustments, the token spans are exactly hazm's
    `WordTokenizer(join_verb_parts=False)` words, aligned to the text."""
    from hazm import WordTokenizer

    hazm = WordTokenizer(join_verb_parts=False)
    pattern = tokenizer_nlp.tokenizer._hazm_words
    for text in fars_paragraphs(limit=4000) + _generated(1000, seed=11):
        assert [m.group() for m in pattern.finditer(text)] == hazm.tokenize(text)
