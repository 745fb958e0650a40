"""Number-finder throughput on Fars News, and a differential check against a saved original.

    python benchmarks/bench_numbers.py [--rounds R] [--original /tmp/numbers_orig.py]

Texts are every title and paragraph of shared/data/fars-news/*.json; words are
their whitespace-separated words. Timing is `find_numbers(text)` (the default,
quantities_only=True) over all texts, median of R rounds, in CPU time of this
process (the parser is single-threaded), so that other work on a shared
machine does not count.

If the original exists (a copy of the parser from before a change: the
single-file parser of b3c73db, `git show b3c73db:annotator/numbers/__init__.py
> /tmp/numbers_orig.py`, or a copy of the annotator/numbers/ package
directory), it is loaded under another module name, reading the same
annotator/data/numbers.json, and:

* every text is run through both with quantities_only=True and False, and the
  NumberMatch lists must be identical (field by field, including int vs float);
  so must the master-regex matches (the atoms before parsing);
  parse_number must agree on every text and on every matched span;
* both are timed interleaved in the same run (the order alternates per round,
  so background load hits both alike), and the medians and ratio are printed.

Without the original, only the current module's µs/word and words/s are printed.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib
import importlib.util
import json
import statistics
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import annotator.numbers as new  # noqa: E402
from annotator.numbers.atoms import MASTER, master_matches  # noqa: E402
from annotator.numbers.chars import TABLE, normalize  # noqa: E402

SHARED = ROOT.parent / "shared"


def fars_texts() -> list[str]:
    out: list[str] = []
    for path in sorted((SHARED / "data" / "fars-news").glob("*.json")):
        for article in json.loads(path.read_text(encoding="utf-8")):
            if article.get("title"):
                out.append(article["title"])
            out.extend(article["paragraphs"])
    return out


def load_original(path: Path) -> types.ModuleType:
    """Load a copy of the parser as module `numbers_orig`: a package directory as
    is (it reads the data through annotator.lexicons), a single file with
    __file__ pointing into annotator/ so that it reads annotator/data/numbers.json."""
    if path.is_dir():
        spec = importlib.util.spec_from_file_location(
            "numbers_orig", path / "__init__.py", submodule_search_locations=[str(path)])
        mod = importlib.util.module_from_spec(spec)
        sys.modules["numbers_orig"] = mod
        spec.loader.exec_module(mod)
        return mod
    mod = types.ModuleType("numbers_orig")
    mod.__file__ = new.__file__
    sys.modules["numbers_orig"] = mod  # dataclasses look the module up
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), mod.__dict__)
    return mod


def _strict(matches) -> list[tuple]:
    """Field values with their types, so 2 != 2.0 and None != 0."""
    return [tuple((v, type(v)) for v in dataclasses.astuple(m)) for m in matches]


def _atom_matches(matches) -> list[tuple]:
    """Span, kind and the groups that took part (the spans of each), per match."""
    return [(m.start(), m.end(), m.lastgroup,
             sorted((k, m.span(k)) for k, v in m.groupdict().items() if v is not None)) for m in matches]


def internals(mod: types.ModuleType) -> tuple | None:
    """(master regex, normalization table) of a parser, single file or package."""
    if hasattr(mod, "_MASTER") and hasattr(mod, "_TABLE"):
        return mod._MASTER, mod._TABLE
    try:
        atoms = importlib.import_module(f"{mod.__name__}.atoms")
        chars = importlib.import_module(f"{mod.__name__}.chars")
        return atoms.MASTER, chars.TABLE
    except (ImportError, AttributeError):
        return None


def check(ok: bool, message: str) -> None:
    if not ok:  # not `assert`: must hold under python -O too
        raise AssertionError(message)


def differential(old: types.ModuleType, texts: list[str]) -> tuple[int, bool]:
    """Raise unless old and new give identical results on every text.

    Returns the number of matches compared, and whether the master-regex matches
    were compared too (they are when both modules have the internals used here).
    """
    n = 0
    old_internals = internals(old)
    atoms = old_internals is not None
    if atoms:
        check(old_internals[1] == TABLE, "the normalization tables differ")
        check(old_internals[0].pattern == MASTER.pattern, "the master regexes differ")
    for text in texts:
        if atoms:
            a = _atom_matches(old_internals[0].finditer(text.translate(old_internals[1])))
            b = _atom_matches(master_matches(normalize(text)))
            check(a == b, f"master-regex matches differ on {text!r}\n old {a}\n new {b}")
        for qo in (True, False):
            a = _strict(old.find_numbers(text, quantities_only=qo))
            b = _strict(new.find_numbers(text, quantities_only=qo))
            check(a == b, f"find_numbers(quantities_only={qo}) differs on {text!r}\n old {a}\n new {b}")
            n += len(b)
        spans = [text] + [m.text for m in new.find_numbers(text, quantities_only=False)]
        for s in spans:
            a, b = old.parse_number(s), new.parse_number(s)
            check(a == b and type(a) is type(b), f"parse_number differs on {s!r}: old {a!r} new {b!r}")
    return n, atoms


def seconds(find, texts: list[str]) -> float:
    start = time.process_time()
    for text in texts:
        find(text)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--original", type=Path, default=Path("/tmp/numbers_orig.py"))
    args = parser.parse_args()
    texts = fars_texts()
    n_words = sum(len(t.split()) for t in texts)
    print(f"texts: {len(texts)} titles and paragraphs, {n_words} words, Python {sys.version.split()[0]}")

    old = load_original(args.original) if args.original.exists() else None
    if old is not None:
        n, atoms = differential(old, texts)
        print(f"differential check: OK, {n} matches identical (quantities_only True and False), "
              + ("master-regex matches identical, " if atoms else "")
              + "parse_number identical")

    us = lambda sec: sec * 1e6 / n_words  # noqa: E731
    new_t: list[float] = []
    old_t: list[float] = []
    for r in range(args.rounds):
        if old is None:
            new_t.append(seconds(new.find_numbers, texts))
        elif r % 2:
            new_t.append(seconds(new.find_numbers, texts))
            old_t.append(seconds(old.find_numbers, texts))
        else:
            old_t.append(seconds(old.find_numbers, texts))
            new_t.append(seconds(new.find_numbers, texts))
    nt = statistics.median(new_t)
    if old is not None:
        ot = statistics.median(old_t)
        print(f"original: {us(ot):.2f} µs/word ({n_words / ot:,.0f} words/s)  rounds: "
              + " ".join(f"{us(t):.2f}" for t in old_t))
        print(f"current:  {us(nt):.2f} µs/word ({n_words / nt:,.0f} words/s)  rounds: "
              + " ".join(f"{us(t):.2f}" for t in new_t))
        print(f"speed-up (median of {args.rounds} interleaved rounds): {ot / nt:.2f}x")
    else:
        print(f"current: {us(nt):.2f} µs/word ({n_words / nt:,.0f} words/s), median of {args.rounds} rounds")


if __name__ == "__main__":
    main()
