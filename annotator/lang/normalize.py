"""Normalized word forms for matching (`token.norm_`), never for rewriting text.

Persian news mixes Arabic and Persian letter forms (ي/ی, ك/ک), three digit
sets, diacritics, tatweel and ZWNJ-or-space-or-nothing inside compounds. The
matchers compare `NORM`, so all of those variants must collapse to one form.
The function is installed as the vocab's `NORM` lexeme getter: spaCy calls it
once per word type and caches the result in the lexeme, which is what makes
it cheap enough for batch jobs.
"""
from __future__ import annotations

from hazm.constants import NUMBERS_DST, NUMBERS_SRC, TRANSLATION_DST, TRANSLATION_SRC
from spacy.attrs import LIKE_NUM, NORM
from spacy.lang.fa.lex_attrs import like_num as _fa_like_num
from spacy.vocab import Vocab

# Characters removed from the norm: diacritics (harakat, superscript alef,
# hamza above/below), tatweel, and the invisible joiners and direction marks
# whose presence varies between writers. A space can occur inside a token
# when the tokenizer joins «سازمان های» into one token.
_DELETE = (
    "".join(chr(c) for c in range(0x064B, 0x0653))  # fathatan .. sukun
    + "\u0653\u0654\u0655\u0656\u0670"  # maddah/hamza above/below, superscript alef
    + "\u0640"  # tatweel
    + "\u200b\u200c\u200d\u200e\u200f\u00ad\ufeff"  # ZWSP, ZWNJ, ZWJ, LRM, RLM, SHY, BOM
    + "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidi embeddings
    + " \u00a0"
)

# Letter folds beyond hazm's table: the forms that writers use
# interchangeably in news copy (رئیس/رییس, مسائل/مسایل, رؤسا/روسا, ة/ه).
_FOLDS = {
    "ة": "ه",
    "ۀ": "ه",
    "ە": "ه",
    "أ": "ا",
    "إ": "ا",
    "ٱ": "ا",
    "ؤ": "و",
    "ئ": "ی",
    "ى": "ی",
    "ي": "ی",
    "ك": "ک",
    "ڪ": "ک",
}


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for src, dst in zip(TRANSLATION_SRC, TRANSLATION_DST):
        if src != " ":
            table[ord(src)] = dst
    for src, dst in zip(NUMBERS_SRC, NUMBERS_DST):
        table[ord(src)] = dst
    for src, dst in _FOLDS.items():
        table[ord(src)] = dst
    for ch in _DELETE:
        table[ord(ch)] = None
    return table


_TABLE = _build_table()


def normalize(text: str) -> str:
    """Return the matching form of one token's text.

    Spaces are dropped too, so a token the tokenizer joined across a space
    («سازمان های») shares its norm with «سازمان‌های» and «سازمانهای». A token
    made only of deleted marks keeps its text, so no norm is empty.
    """
    out = text.translate(_TABLE).lower()
    return out if out else text


def install_norms(vocab: Vocab) -> None:
    """Make `normalize` the vocab's NORM getter (computed once per word type),
    and `like_num` its LIKE_NUM getter.

    Lexemes created before the call keep their old norm, so this must run
    before the first document is made, which is why the tokenizer factory
    calls it.
    """
    vocab.lex_attr_getters[NORM] = normalize
    vocab.lex_attr_getters[LIKE_NUM] = like_num


def like_num(text: str) -> bool:
    """spaCy's Persian `like_num`, also for Arabic letter forms («يك»,
    «سيصد») and mixed digit sets, which it misses on the raw text."""
    return _fa_like_num(text) or _fa_like_num(normalize(text))
