"""Property tests: random text of every kind news copy and its scrapers
produce never breaks the pipeline, and every offset it writes points into
the input.

The text mixes Persian and Arabic letters, digits of three scripts, number
words, «٫ ٬ / , .», every Unicode space, ZWNJ/ZWJ, bidi marks, combining
marks, emoji and control characters. CI runs a seeded, bounded number of
examples (the `ci` profile); a longer search is

    HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz.py

and every failure it finds becomes a plain test in tests/test_fuzz_regressions.py.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.io.prodigy import doc_to_task
from annotator.lang.normalize import normalize, normalize_all

settings.register_profile("ci", max_examples=150, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("long", max_examples=20_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

WORDS = ["وزیر", "نفت", "وزارت", "صنعت،", "معدن", "و", "تجارت", "سازمان", "بانک", "مرکزی", "رئیس", "گفت", "افزود:",
         "معاون", "مدیرعامل", "شرکت", "استان", "تهران", "محمد", "جواد", "ظریف", "نجفی", "آقای", "دکتر", "به", "گزارش",
         "ایرنا", "بیش", "از", "حدود", "درصد", "هزار", "میلیون", "میلیارد", "تومان", "ریال", "دلار", "نفر", "تن", "سال",
         "یک", "دو", "سی", "نیم", "ده", "ماهه", "تا", "بین", "اول", "سومین", "کووید", "پژو", "وی", "«", "»", "(", ")",
         "يك", "ميليون", "كشور", "رييس", "مؤسسه", "هیئت", "شماره", "حساب", "ساعت", "آبان", "۱۴۰۲", "2024", "پلیس",
         "انجمن", "حمایت", "ایران", "داعش", "ترامپ", "اينستاگرام", "بوئینگ"]
CHARS = ("۰۱۲۳۴۵۶۷۸۹" "٠١٢٣٤٥٦٧٨٩" "0123456789" "٫٬/,.:;!?؟،؛%٪+-–—" "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
         "يكىةأإؤئۀ" "\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u2066\u2067\u2069" "\u064b\u064e\u0650\u0651\u0652\u0670"
         "\u00a0\u2009\u202f\u2002\u2003\u3000 \t\n\r" "\u0000\u0007\u001b\u007f\ufeff" "😀🇮🇷👍🏽" "abcXYZ")
SEPARATORS = [" ", " ", " ", "", "\u200c", "\u00a0", "\n", "\n\n", "، ", ",", " - ", "\u2009", "  "]

pieces = st.one_of(
    st.sampled_from(WORDS),
    st.text(alphabet=st.sampled_from(list(CHARS)), min_size=1, max_size=6),
    st.integers(min_value=0, max_value=10**25).map(str),
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False).map(str),
)
texts = st.lists(st.tuples(pieces, st.sampled_from(SEPARATORS)), min_size=0, max_size=40).map(
    lambda parts: "".join(p + s for p, s in parts))


def check_offsets(text: str, task: dict) -> None:
    assert task["text"] == text
    for tok in task["tokens"]:
        assert text[tok["start"]:tok["end"]] == tok["text"]
    for span in task["spans"]:
        assert 0 <= span["start"] < span["end"] <= len(text)
        assert task["tokens"][span["token_start"]]["start"] == span["start"]
        assert task["tokens"][span["token_end"]]["end"] == span["end"]
    for claim in task["claims"]:
        assert text[claim["start"]:claim["end"]] == claim["text"]
        if claim["speaker"]:
            sp = claim["speaker"]
            assert text[sp["start"]:sp["end"]] == sp["text"]
        for key in ("value", "low", "high"):
            v = claim[key]
            assert v is None or (isinstance(v, (int, float)) and (not isinstance(v, int) or -2**63 <= v < 2**63))
    json.dumps(task, allow_nan=False)  # a JSON writer can hold every value


@given(text=texts)
def test_the_pipeline_never_raises_and_keeps_every_offset(nlp, text):
    doc = nlp(text)
    assert doc.text == text
    task = doc_to_task(doc, {"id": 1}, quantity_spans=True, relations=True)
    check_offsets(text, task)


@given(text=texts)
def test_the_tokenizer_keeps_every_character(tokenizer_nlp, text):
    doc = tokenizer_nlp(text)
    assert doc.text == text
    assert "".join(t.text_with_ws for t in doc) == text


@given(words=st.lists(st.text(alphabet=CHARS + "\x1f", max_size=6), max_size=30))
def test_normalizing_a_word_list_at_once_is_normalizing_each_word(words):
    """The lexicons are normalized in one pass over their join; the result is
    the per-word norm, also for empty words, words that normalize to nothing
    and words holding the join's separator."""
    assert normalize_all(words) == [normalize(w) for w in words]


def test_hashes_are_stable_across_processes():
    """Seeded random texts give the same tasks, hashes included, in two fresh
    processes and in this one."""
    import random

    rng = random.Random(0)
    samples = ["".join(rng.choice(WORDS + list(CHARS)) + rng.choice(SEPARATORS) for _ in range(rng.randint(0, 30)))
               for _ in range(40)]
    code = ("import json, sys, annotator; from annotator.io.prodigy import doc_to_task; nlp = annotator.load();"
            "print(json.dumps([[doc_to_task(nlp(t))[k] for k in ('_input_hash', '_task_hash')] for t in json.load(sys.stdin)]))")
    runs = [subprocess.run([sys.executable, "-c", code], input=json.dumps(samples), capture_output=True, text=True,
                           check=True).stdout for _ in range(2)]
    assert runs[0] == runs[1]
    assert len(json.loads(runs[0])) == len(samples)
