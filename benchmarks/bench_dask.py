"""Throughput of `annotator annotate --engine dask` against the local engine.

    python benchmarks/bench_dask.py [--mb 50] [--dask-workers 1 2] [--local 2] [--shard-lines 2000] [--write]

Builds the same corpus as benchmarks/bench_pipeline.py (JSONL of at least
`--mb` megabytes from the Fars News paragraphs in ../shared/data/fars-news/,
all texts different), then runs the real command line, as a user would:

    python -m annotator annotate INPUT -o OUTPUT --n-process N --quiet --stats STATS          (local engine)
    python -m annotator annotate INPUT -o OUTPUT --engine dask --n-process N --quiet --stats STATS
        (a LocalCluster of N worker processes with one thread each, started by the command)

and reports for each run: words/s end to end (wall time of the whole
command: start-up, starting the cluster, loading the pipelines, planning,
annotating, merging), words/s of the annotation alone (the command's own
figure: loading left out), peak RSS (of the command, of its largest worker,
and the largest sum over the process tree, sampled every 0.2 s), CPU
seconds of all processes, and the load average (1 min) before and after.
Outputs are compared byte for byte across runs. `--write` appends the
results to benchmarks/results/dask.md. Like bench_pipeline.py, it runs a
copy of the package made at the start (`--no-freeze` to opt out).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_pipeline import build_corpus, freeze_code, run_watched  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "dask.md"


def run(input_path: Path, workdir: Path, label: str, extra: list[str], code: Path | None) -> dict:
    out = workdir / f"out-{label}.jsonl"
    stats = workdir / f"stats-{label}.json"
    cmd = [
        sys.executable, "-m", "annotator", "annotate", str(input_path), "-o", str(out),
        "--quiet", "--stats", str(stats), "--errors", str(workdir / f"errors-{label}.jsonl"), *extra,
    ]
    load_before = os.getloadavg()[0]
    watched = run_watched(cmd, workdir, code)
    summary = json.loads(stats.read_text(encoding="utf-8"))
    digest = hashlib.sha256()
    with open(out, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            digest.update(chunk)
    size = out.stat().st_size
    out.unlink()
    return {
        "label": label,
        "summary": summary,
        "sha256": digest.hexdigest(),
        "output_mb": size / 1e6,
        **watched,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=50.0)
    parser.add_argument("--dask-workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--local", type=int, nargs="*", default=[2], help="--n-process values for the local engine")
    parser.add_argument("--shard-lines", type=int, default=None, help="default: the command's own")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--write", action="store_true", help=f"append the results to {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--no-freeze", action="store_true")
    args = parser.parse_args()

    tmp = None
    if args.workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-dask-")
        workdir = Path(tmp.name)
    else:
        workdir = args.workdir.resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    code = None if args.no_freeze else freeze_code(workdir)
    if code is not None:
        sys.path.insert(0, str(code))
    import dask
    import spacy

    import annotator
    from annotator.jobs.shards import DEFAULT_SHARD_LINES

    shard_lines = args.shard_lines or DEFAULT_SHARD_LINES
    corpus = workdir / f"fars-{args.mb:g}MB.jsonl"
    t = time.perf_counter()
    docs, words = build_corpus(corpus, args.mb)
    size_mb = corpus.stat().st_size / 1e6
    print(f"code: {Path(annotator.__file__).parent}")
    print(f"corpus: {corpus} ({size_mb:.1f} MB, {docs:,} documents, {words:,} words; built in {time.perf_counter() - t:.0f} s)")
    print(f"Python {platform.python_version()}, spaCy {spacy.__version__}, Dask {dask.__version__}, {os.cpu_count()} CPUs; "
          f"{-(-docs // shard_lines)} shards of {shard_lines:,} lines")
    load_start = os.getloadavg()
    print(f"load average before: {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}")

    plan = [(f"local-n{n}", ["--n-process", str(n), "--batch-size", str(args.batch_size)]) for n in args.local]
    sl = ["--shard-lines", str(shard_lines)]
    plan += [(f"dask-{n}w", ["--engine", "dask", "--n-process", str(n), "--batch-size", str(args.batch_size), *sl])
             for n in args.dask_workers]
    runs = []
    for label, extra in plan:
        r = run(corpus, workdir, label, extra, code)
        runs.append(r)
        s = r["summary"]
        print(
            f"{label}: {words / r['wall']:,.0f} words/s end to end ({r['wall']:.1f} s), "
            f"{s['words_per_second']:,.0f} words/s annotating (start-up and loading {s['load_seconds']:.1f} s); "
            f"peak RSS main {r['rss_main_mb']:.0f} MB, worker {r['rss_worker_mb']:.0f} MB, tree {r['rss_tree_mb']:.0f} MB; "
            f"CPU {r['cpu']:.0f} s; load average {r['load_before']:.1f} → {r['load_after']:.1f}; "
            f"output {r['output_mb']:.0f} MB"
        )
    same = len({r["sha256"] for r in runs}) == 1
    print(f"outputs identical across runs: {same}")
    base = next((r for r in runs if r["label"] == "local-n2"), runs[0])
    rows = []
    for r in runs:
        e2e = words / r["wall"]
        ann = r["summary"]["words_per_second"]
        rows.append(
            f"| {r['label']} | {e2e:,.0f} | {ann:,.0f} | {e2e / (words / base['wall']):.2f}× "
            f"| {r['summary']['load_seconds']:.1f} | {r['rss_main_mb']:.0f} | {r['rss_worker_mb']:.0f} "
            f"| {r['rss_tree_mb']:.0f} | {r['cpu']:.0f} | {r['load_before']:.1f} → {r['load_after']:.1f} |"
        )
    table = "\n".join([
        f"| run | words/s end to end | words/s annotating | end to end × {base['label']} | start-up + loading (s) "
        "| peak RSS main (MB) | peak RSS worker (MB) | peak RSS all processes (MB) | CPU s (all processes) "
        "| load average (1 min) before → after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
    ])
    print(table)
    if args.write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        section = (
            f"\n## {time.strftime('%Y-%m-%d %H:%M')} — {size_mb:.0f} MB corpus\n\n"
            f"- corpus: {docs:,} documents, {words:,} words, {size_mb:.1f} MB of JSONL built from Fars News paragraphs "
            f"(benchmarks/bench_pipeline.py's corpus)\n"
            f"- Python {platform.python_version()}, spaCy {spacy.__version__}, Dask {dask.__version__}, "
            f"{os.cpu_count()} CPUs, batch size {args.batch_size}, {-(-docs // shard_lines)} shards of {shard_lines:,} lines\n"
            f"- dask runs: `--engine dask --n-process N`, a LocalCluster of N worker processes, one thread each\n"
            f"- load average (1, 5, 15 min) when the benchmark started: {load_start[0]:.2f}, {load_start[1]:.2f}, "
            f"{load_start[2]:.2f} on {os.cpu_count()} CPUs\n"
            f"- outputs identical across runs: {same}\n\n"
            + table + "\n"
        )
        with open(RESULTS, "a", encoding="utf-8") as fh:
            if fh.tell() == 0:
                fh.write(
                    "# `annotator annotate --engine dask` throughput\n\n"
                    "Written by `benchmarks/bench_dask.py --write`; newest last. *End to end* is the wall time of "
                    "the whole command (for Dask: starting the LocalCluster, loading a pipeline in each worker, "
                    "planning the shards, annotating, merging the shards into OUTPUT); *annotating* leaves out "
                    "start-up and loading (the command's own words/s). Peak RSS is each process's high-water mark "
                    "(`VmHWM`); *all processes* is the largest sum of RSS over the process tree, sampled every 0.2 s. "
                    "This machine is shared with other jobs: read the load average with every figure.\n"
                )
            fh.write(section)
        print(f"appended to {RESULTS}")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
