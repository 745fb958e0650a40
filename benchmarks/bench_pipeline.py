"""End-to-end throughput of `annotator annotate`: JSONL in, JSONL out.

    python benchmarks/bench_pipeline.py [--mb 50] [--n-process 1 2] [--workdir DIR] [--write]

Builds a JSONL corpus of at least `--mb` megabytes from the Fars News
paragraphs in ../shared/data/fars-news/ (repeated: each document is a
window of 2 to 8 paragraphs, the paragraphs in a new seeded order on each
pass, so the texts are all different and nothing is skipped as a
duplicate), then runs the real command line, as a user would, once per
`--n-process` value:

    python -m annotator annotate INPUT -o OUTPUT --n-process N --quiet --stats STATS

and reports, for each run:

* words/s end to end (wall time of the whole command: start-up, loading the
  pipeline, reading, annotating, writing), and words/s of the annotation
  alone (the command's own figure, pipeline loading left out);
* the ratio of those to the words/s of spaCy's `spacy.blank("fa")` tokenizer
  on the same texts, measured in the same run (before and after the command
  runs, averaged, since the machine's load can change in between);
* peak RSS: of the main process (from `wait4`), of the largest worker, and the
  largest sum over the whole process tree (sampled from /proc every 0.2 s).

Words are the whitespace-separated words of the input texts, the same count
for every figure. `--write` appends the results as a Markdown section to
benchmarks/results/pipeline.md. Which pipeline components ran is printed and
recorded: the script benchmarks whatever `annotator.load()` is today.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ANNOTATOR_SHARED", ROOT.parent / "shared"))
RESULTS = ROOT / "benchmarks" / "results" / "pipeline.md"


def fars_paragraphs() -> list[str]:
    out: list[str] = []
    for path in sorted((SHARED / "data" / "fars-news").glob("*.json")):
        for article in json.loads(path.read_text(encoding="utf-8")):
            out.append(article["title"])
            out.extend(p for p in article["paragraphs"] if p.strip())
    if not out:
        sys.exit(f"no Fars News data in {SHARED / 'data' / 'fars-news'} (set ANNOTATOR_SHARED)")
    return out


def build_corpus(path: Path, megabytes: float, seed: int = 0) -> tuple[int, int]:
    """Write the corpus; return (documents, words). Each pass over the
    paragraphs takes them in a new seeded order, and each document is a
    window of 2 to 8 of them, so texts do not repeat however big the corpus."""
    paragraphs = fars_paragraphs()
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    size = docs = words = 0
    seen: set[str] = set()
    with open(path, "w", encoding="utf-8") as fh:
        while size < target:
            order = paragraphs[:]
            if docs:
                rng.shuffle(order)
            i = 0
            while i < len(order) and size < target:
                n = rng.randint(2, 8)
                window = order[i : i + n]
                i += n
                text = "\n\n".join(window)
                key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
                if key in seen:
                    continue
                seen.add(key)
                line = json.dumps({"text": text, "meta": {"id": docs, "source": "fars-news (benchmark)"}}, ensure_ascii=False) + "\n"
                fh.write(line)
                size += len(line.encode("utf-8"))
                docs += 1
                words += len(text.split())
    return docs, words


def blank_fa_words_per_second(path: Path) -> tuple[float, int]:
    """spaCy's blank `fa` tokenizer over the corpus texts: (words/s, words).
    Only the tokenizer calls are timed (reading the file is not)."""
    import spacy

    tokenizer = spacy.blank("fa").tokenizer
    spent = 0.0
    words = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"]
            words += len(text.split())
            t = time.perf_counter()
            tokenizer(text)
            spent += time.perf_counter() - t
    return words / spent, words


def _tree_memory_kb(root: int) -> tuple[int, dict[int, int]]:
    """(sum of VmRSS over `root` and all its descendants, {pid: VmHWM}) from
    Linux's /proc. VmHWM is a process's own peak RSS since it started (or
    exec'd); unlike `ru_maxrss`, it does not inherit the size of the process
    that launched it."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    hwm: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        hwm[int(entry)] = int(line.split()[1])
                    elif line.startswith("VmRSS:"):
                        rss[int(entry)] = int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, stack, peaks = 0, [root], {}
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        if pid in hwm:
            peaks[pid] = hwm[pid]
        stack.extend(children.get(pid, []))
    return total, peaks


def build_long_document(path: Path, megabytes: float) -> int:
    """One JSONL document of about `megabytes` MB: Fars News paragraphs in
    order, separated by blank lines. Returns its words."""
    paragraphs, text, size = fars_paragraphs(), [], 0
    k = 0
    while size < megabytes * 1e6:
        text.append(paragraphs[k % len(paragraphs)])
        size += len(text[-1].encode("utf-8")) + 2
        k += 1
    body = "\n\n".join(text)
    path.write_text(json.dumps({"text": body, "meta": {"long": megabytes}}, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(body.split())


def freeze_code(workdir: Path) -> Path:
    """A copy of the `annotator` package as it is now, so that every run of
    the benchmark uses the same code even while the checkout is edited."""
    import shutil

    code = workdir / "code"
    shutil.rmtree(code, ignore_errors=True)
    shutil.copytree(ROOT / "annotator", code / "annotator", ignore=shutil.ignore_patterns("__pycache__"))
    return code


def run_watched(cmd: list[str], workdir: Path, code: Path | None) -> dict:
    """Run a command (with `code` first on its PYTHONPATH), sampling the
    memory of its process tree every 0.2 s; exit if it fails. Wall time,
    CPU time of it and its reaped children, and peak RSS: its own, its
    largest child's (the resource tracker and other helpers are small, so
    that is a worker), and the largest sum over the tree."""
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(code), *filter(None, [env.get("PYTHONPATH")])])
    start = time.perf_counter()
    # cwd: not the checkout, whose `annotator/` would come first on sys.path.
    proc = subprocess.Popen(cmd, cwd=workdir, env=env)
    tree_peak = 0
    hwm: dict[int, int] = {}
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        total, peaks = _tree_memory_kb(proc.pid)
        tree_peak = max(tree_peak, total)
        for p, kb in peaks.items():
            hwm[p] = max(hwm.get(p, 0), kb)
        time.sleep(0.2)
    wall = time.perf_counter() - start
    rc = os.waitstatus_to_exitcode(status)
    if rc != 0:
        sys.exit(f"{' '.join(cmd)} failed with exit code {rc}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_main_mb": hwm.get(proc.pid, 0) / 1024,
        "rss_worker_mb": max((kb for p, kb in hwm.items() if p != proc.pid), default=0) / 1024,
        "rss_tree_mb": tree_peak / 1024,
    }


def run_cli(input_path: Path, workdir: Path, n_process: int, batch_size: int, code: Path | None = None,
            python: str = sys.executable, tag: str = "", extra: tuple[str, ...] = ()) -> dict:
    out = workdir / f"out-n{n_process}{tag}.jsonl"
    stats = workdir / f"stats-n{n_process}{tag}.json"
    cmd = [
        python, "-m", "annotator", "annotate", str(input_path), "-o", str(out),
        "--n-process", str(n_process), "--batch-size", str(batch_size), "--quiet", "--stats", str(stats),
        "--errors", str(workdir / f"errors-n{n_process}{tag}.jsonl"), *extra,
    ]
    watched = run_watched(cmd, workdir, code)
    summary = json.loads(stats.read_text(encoding="utf-8"))
    return {
        "n_process": n_process,
        "wall": watched["wall"],
        "summary": summary,
        "output": out,
        "rss_main_mb": watched["rss_main_mb"],
        "rss_worker_mb": watched["rss_worker_mb"] if n_process > 1 else 0,
        "rss_tree_mb": watched["rss_tree_mb"],
        "cpu": watched["cpu"],
        "load": os.getloadavg()[0],
    }


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=50.0, help="corpus size in MB (default 50; the RSS target is for 200)")
    parser.add_argument("--n-process", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the corpus and outputs here (default: a temp dir)")
    parser.add_argument("--write", action="store_true", help=f"append the results to {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--no-freeze", action="store_true", help="run the checkout's code as it is at each run, not a copy made at the start")
    parser.add_argument("--baseline-python", nargs="*", default=[],
                        help="also run one process with each of these interpreters (other checkouts' venvs: their own "
                        "annotator), in the same run, for before/after ratios")
    parser.add_argument("--long-docs", type=float, nargs="*", default=[],
                        help="also annotate single documents of these many MB each (e.g. 1 3): their words/s "
                        "against ordinary articles' shows whether any step is worse than linear")
    args = parser.parse_args()

    import spacy

    tmp = None
    if args.workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-pipeline-")
        workdir = Path(tmp.name)
    else:
        workdir = args.workdir.resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    code = None if args.no_freeze else freeze_code(workdir)
    if code is not None:
        sys.path.insert(0, str(code))
    import annotator

    components = annotator.load().pipe_names
    print(f"code: {Path(annotator.__file__).parent}" + (" (a copy of the checkout made now)" if code else ""))
    corpus = workdir / f"fars-{args.mb:g}MB.jsonl"
    t = time.perf_counter()
    docs, words = build_corpus(corpus, args.mb)
    size_mb = corpus.stat().st_size / 1e6
    print(f"corpus: {corpus} ({size_mb:.1f} MB, {docs:,} documents, {words:,} words; built in {time.perf_counter() - t:.0f} s)")
    print(f"pipeline: annotator.load() = tokenizer + {components}; Python {platform.python_version()}, spaCy {spacy.__version__}, {os.cpu_count()} CPUs")

    load_start = os.getloadavg()[0]
    print(f"load average before: {load_start:.1f} (other jobs on this machine make every figure noisier)")
    blank_before, _ = blank_fa_words_per_second(corpus)
    print(f"blank fa tokenizer (before): {blank_before:,.0f} words/s")
    runs = []
    for n in args.n_process:
        r = run_cli(corpus, workdir, n, args.batch_size, code)
        runs.append(r)
        s = r["summary"]
        if s["errors"]:
            print(f"  note: {s['errors']} documents failed in the pipeline: {s['errors_by_kind']}")
        print(
            f"n_process={n}: {words / r['wall']:,.0f} words/s end to end ({r['wall']:.1f} s), "
            f"{s['words_per_second']:,.0f} words/s annotating (pipeline loaded in {s['load_seconds']:.1f} s); "
            f"peak RSS main {r['rss_main_mb']:.0f} MB, worker {r['rss_worker_mb'] or 0:.0f} MB, tree {r['rss_tree_mb']:.0f} MB; "
            f"CPU {r['cpu']:.0f} s; load average {r['load']:.1f}"
        )
    for k, python in enumerate(args.baseline_python):
        r = run_cli(corpus, workdir, 1, args.batch_size, None, python=python, tag=f"-baseline{k}")
        ours = next((x for x in runs if x["n_process"] == 1), None)
        ratio = f"; this code / baseline {ours['summary']['words_per_second'] / r['summary']['words_per_second']:.2f}×" if ours else ""
        print(f"baseline ({python}), n_process=1: {words / r['wall']:,.0f} words/s end to end, "
              f"{r['summary']['words_per_second']:,.0f} words/s annotating{ratio}")
        r["output"].unlink(missing_ok=True)
    for mb in args.long_docs:
        long_path = workdir / f"long-{mb:g}MB.jsonl"
        long_words = build_long_document(long_path, mb)
        r = run_cli(long_path, workdir, 1, args.batch_size, code, tag=f"-long{mb:g}", extra=("--max-chars", "0"))
        ours = next((x for x in runs if x["n_process"] == 1), None)
        per_word = (1 / r["summary"]["words_per_second"]) / (1 / ours["summary"]["words_per_second"]) if ours else float("nan")
        print(f"one document of {mb:g} MB ({long_words:,} words): {r['summary']['words_per_second']:,.0f} words/s "
              f"annotating, {per_word:.2f}× the per-word time of ordinary articles; peak RSS {r['rss_main_mb']:.0f} MB")
        r["output"].unlink(missing_ok=True)
    blank_after, _ = blank_fa_words_per_second(corpus)
    blank = (blank_before + blank_after) / 2
    print(f"blank fa tokenizer (after): {blank_after:,.0f} words/s; mean {blank:,.0f}")

    same = None
    if len(runs) > 1:
        first = runs[0]["output"].read_bytes()
        same = all(r["output"].read_bytes() == first for r in runs[1:])
        print(f"outputs identical across n_process: {same}")
    for r in runs:
        r["output"].unlink(missing_ok=True)

    base = next((r for r in runs if r["n_process"] == 1), None)
    rows = []
    for r in runs:
        e2e = words / r["wall"]
        ann = r["summary"]["words_per_second"]
        speedup = f"{e2e / (words / base['wall']):.2f}× ({ann / base['summary']['words_per_second']:.2f}×)" if base else "–"
        rows.append(
            f"| {r['n_process']} | {e2e:,.0f} | {ann:,.0f} | {e2e / blank:.3f} ({ann / blank:.3f}) | {speedup} "
            f"| {r['rss_main_mb']:.0f} | {r['rss_worker_mb'] or 0:.0f} | {r['rss_tree_mb']:.0f} "
            f"| {r['cpu']:.0f} | {r['load']:.1f} |"
        )
    table = "\n".join(
        [
            "| n_process | words/s end to end | words/s annotating | × blank fa tokenizer | × one process "
            "| peak RSS main (MB) | peak RSS worker (MB) | peak RSS all processes (MB) | CPU s (all processes) "
            "| load average (1 min, at the end) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
        ]
    )
    print(table)
    if args.write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        section = (
            f"\n## {time.strftime('%Y-%m-%d %H:%M')} — {size_mb:.0f} MB corpus\n\n"
            f"- corpus: {docs:,} documents, {words:,} words, {size_mb:.1f} MB of JSONL built from Fars News paragraphs\n"
            f"- pipeline: tokenizer + {', '.join(components)}; Python {platform.python_version()}, "
            f"spaCy {spacy.__version__}, {os.cpu_count()} CPUs, batch size {args.batch_size}\n"
            f"- blank `fa` tokenizer, same texts, same run: {blank_before:,.0f} words/s before, "
            f"{blank_after:,.0f} after, {blank:,.0f} mean (the yardstick)\n"
            f"- load average (1 min) when the run started: {load_start:.1f} on {os.cpu_count()} CPUs\n"
            + (f"- outputs identical across n_process: {same}\n" if same is not None else "")
            + "\n(in brackets: pipeline loading left out)\n\n"
            + table
            + "\n"
        )
        with open(RESULTS, "a", encoding="utf-8") as fh:
            if fh.tell() == 0:
                fh.write("# `annotator annotate` throughput\n\nWritten by `benchmarks/bench_pipeline.py --write`; newest last.\n")
            fh.write(section)
        print(f"appended to {RESULTS}")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
