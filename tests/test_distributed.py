"""`annotator annotate --engine dask`: the same job on a Dask cluster.

One `LocalCluster` (2 worker processes on 127.0.0.1) serves the module;
jobs run in this process against it (`--scheduler`), except where the
command line itself is the point (its own LocalCluster, being interrupted).
Every test compares with the local engine (`run_job`), byte for byte.
Without Dask installed, only the planning tests and the "how to install"
message run.
"""
from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from annotator.io.inputs import resolve_inputs
from annotator.io.records import READ_ERROR, BadRecord, Record, read_range, read_records
from annotator.jobs import Settings, run_job
from annotator.jobs.dask import DaskEngine
from annotator.jobs.shard_task import annotate_shard
from annotator.jobs.shards import ShardFiles, plan_shards, shard_key
from conftest import ROOT
from job_helpers import ShardTask, register_failing_component, save_failing_pipeline
from test_annotate import (
    GOOD,
    _alive,
    _children,
    bad_input_file,
    cut_gzip,
    lines_of,
    paragraph_docs,
    write_jsonl,
)

SAMPLE = ROOT / "corpora" / "sample.jsonl"
TESTS = Path(__file__).resolve().parent
PY = sys.executable


def local(inputs, output, **kw) -> int:
    settings = Settings(**{k: kw.pop(k) for k in list(kw) if k in Settings.__dataclass_fields__})
    kw.setdefault("quiet", True)
    return run_job([str(i) for i in inputs], str(output), settings, **kw)


def dask_job(cluster, inputs, output, **kw) -> int:
    """A job on the module's cluster (`scheduler=None`: on a LocalCluster of
    its own); `shard_lines` and `task` go to the engine."""
    engine = {k: kw.pop(k) for k in ("scheduler", "shard_lines", "task") if k in kw}
    engine.setdefault("scheduler", cluster.scheduler_address)
    return local(inputs, output, engine=DaskEngine(**engine), **kw)


def errors_of(path: Path) -> list[dict]:
    """The errors file's records, in its order (input order)."""
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


COMPARED = ("documents_read", "documents_written", "words", "duplicates_skipped", "already_done", "errors",
            "errors_by_kind", "entities", "claims", "claims_with_speaker", "status")


def same_summary(a: Path, b: Path) -> None:
    sa, sb = json.loads(a.read_text()), json.loads(b.read_text())
    assert {k: sa[k] for k in COMPARED} == {k: sb[k] for k in COMPARED}


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
    ) as c:
        yield c


@pytest.fixture(scope="module")
def mixed_inputs(tmp_path_factory) -> tuple[list[Path], Path]:
    """Inputs of every kind: a JSONL file with bad records and duplicates
    (across shards too), a gzipped one, text files read whole."""
    d = tmp_path_factory.mktemp("mixed")
    docs = paragraph_docs(40)
    bad, _ = bad_input_file(d / "bad-rows.jsonl")
    rows = [json.dumps(x, ensure_ascii=False).encode() for x in docs[:25]]
    rows[5:5] = bad.read_bytes().splitlines()  # bad records (and a blank line) inside
    rows += [rows[0], rows[3]]  # duplicates, far from the first ones
    big = d / "a-big.jsonl"
    big.write_bytes(b"\n".join(rows))  # no newline at the end
    bad.unlink()
    gz = write_jsonl(d / "b-more.jsonl.gz", docs[25:] + docs[10:12], gz=True)
    texts = d / "c-texts"
    texts.mkdir()
    for i, doc in enumerate(docs[30:34]):
        (texts / f"{i}.txt").write_text(doc["text"], encoding="utf-8")
    (texts / "empty.txt").write_text("", encoding="utf-8")
    ref = d / "ref.jsonl"
    assert local([big, gz, texts], ref, stats=str(d / "ref.stats.json"), batch_size=4) == 0
    return [big, gz, texts], ref


# ---------------------------------------------------------------- planning (no Dask needed)


@pytest.mark.parametrize("shard_lines", [1, 3, 7, 1000])
def test_shards_read_exactly_what_the_whole_inputs_hold(mixed_inputs, shard_lines):
    inputs, _ = mixed_inputs
    sources = resolve_inputs([str(i) for i in inputs])
    shards = plan_shards(sources, shard_lines, lines=False)
    assert [s.index for s in shards] == list(range(len(shards)))
    assert all(s.lines == shard_lines for s in shards[:-1])  # fixed size, across file boundaries
    whole = [(i.source, i.line, getattr(i, "text", None), getattr(i, "error", None)) for i in read_records(sources)]
    pieces = []
    for shard in shards:
        for p in shard.pieces:
            src = next(s for s in sources if s.name == p.name)
            for i in read_range(src, first_line=p.first_line, n_lines=p.n_lines, start=p.start):
                pieces.append((p.name, i.line, getattr(i, "text", None), getattr(i, "error", None)))
    assert pieces == whole


def test_read_range_numbers_lines_and_checks_records(tmp_path):
    path, expected = bad_input_file(tmp_path / "bad.jsonl")
    (src,) = resolve_inputs([path])
    data = path.read_bytes()
    start = len(b"".join(data.splitlines(keepends=True)[:3]))
    for kw in ({"start": start}, {}):  # seeking, or reading and skipping lines
        items = list(read_range(src, first_line=4, n_lines=6, **kw))
        assert [(i.line, i.error) for i in items if isinstance(i, BadRecord)] == [(n, expected[n]) for n in range(4, 10)]
    (last,) = list(read_range(src, first_line=12))
    assert isinstance(last, Record) and last.line == 12 and last.text == GOOD + " ۳"
    txt = tmp_path / "lines.txt"
    txt.write_text("یک\n\nدو\nسه\n", encoding="utf-8")
    (tsrc,) = resolve_inputs([txt])
    got = list(read_range(tsrc, first_line=3, n_lines=1, start=len("یک\n\n".encode()), lines=True))
    assert [(r.line, r.text, r.meta) for r in got] == [(3, "دو", {"source": "lines.txt", "line": 3})]


def test_a_cut_off_gzip_file_is_not_split(tmp_path):
    data = gzip.compress(b"".join(json.dumps(d).encode() + b"\n" for d in paragraph_docs(30)))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    sources = resolve_inputs([path])
    (shard, *rest) = plan_shards(sources, 5, lines=False)
    assert len(shard.pieces) == 1 and shard.pieces[0].first_line == 1 and shard.pieces[0].n_lines is None


def test_without_dask_the_error_says_how_to_install(tmp_path):
    code = (
        "import sys; sys.modules['dask'] = None; sys.modules['distributed'] = None; "
        "sys.argv = ['annotator', 'annotate', sys.argv[1], '-o', sys.argv[2], '--engine', 'dask']; "
        "from annotator.cli import main; main()"
    )
    proc = subprocess.run([PY, "-c", code, str(SAMPLE), str(tmp_path / "o.jsonl")], capture_output=True, timeout=120)
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "pip install 'persian-news-annotator[dask]'" in err and "--engine dask" in err
    assert not (tmp_path / "o.jsonl.part").exists()


# ---------------------------------------------------------------- same output as the local engine


def test_same_output_errors_and_summary_as_the_local_engine(cluster, mixed_inputs, tmp_path, monkeypatch):
    inputs, ref = mixed_inputs
    # The client never loads a pipeline nor annotates: only the workers do.
    import annotator.jobs.worker

    def not_here(*args):
        raise AssertionError("the client loaded a pipeline or annotated")

    monkeypatch.setattr(annotator.jobs.worker, "load_pipeline", not_here)
    monkeypatch.setattr(annotator.jobs.worker.Annotator, "__call__", not_here)
    for shard_lines in (3, 1000):
        out = tmp_path / f"out-{shard_lines}.jsonl"
        stats = tmp_path / "stats.json"
        assert dask_job(cluster, inputs, out, shard_lines=shard_lines, batch_size=2, stats=str(stats)) == 0
        assert out.read_bytes() == ref.read_bytes()
        assert errors_of(tmp_path / f"out-{shard_lines}.errors.jsonl") == errors_of(ref.with_name("ref.errors.jsonl"))
        same_summary(stats, ref.with_name("ref.stats.json"))
        s = json.loads(stats.read_text())
        assert s["duplicates_skipped"] == 8 and s["errors"] == 10
        assert s["shards"]["total"] == (21 if shard_lines == 3 else 1)
        assert not out.with_name(out.name + ".shards").exists() and not out.with_name(out.name + ".part").exists()


@pytest.mark.parametrize("opts", [
    {"keep_duplicates": True, "quantity_spans": True},
    {"relations": True, "gz": True},
    {"lines": True, "txt": True},
])
def test_same_output_with_other_settings(cluster, tmp_path, opts):
    opts = dict(opts)
    docs = paragraph_docs(12)
    if opts.pop("txt", False):
        src = tmp_path / "in.txt"
        src.write_text("\n\n".join(d["text"].replace("\n\n", " ") for d in docs + docs[:2]), encoding="utf-8")
    else:
        src = write_jsonl(tmp_path / "in.jsonl", docs + docs[:3])
    name = "out.jsonl.gz" if opts.pop("gz", False) else "out.jsonl"
    ref, out = tmp_path / "ref" / name, tmp_path / name
    ref.parent.mkdir()
    assert local([src], ref, **opts) == 0
    assert dask_job(cluster, [src], out, shard_lines=4, **opts) == 0
    assert lines_of(out) == lines_of(ref)
    assert out.read_bytes()[:2] == ref.read_bytes()[:2]


def test_strict_stops_where_the_local_engine_stops(cluster, tmp_path):
    docs = paragraph_docs(10)
    src = tmp_path / "in.jsonl"
    rows = [json.dumps(d, ensure_ascii=False).encode() for d in docs]
    rows.insert(6, b'{"text": 42}')
    src.write_bytes(b"\n".join(rows) + b"\n")
    ref, out = tmp_path / "ref" / "o.jsonl", tmp_path / "o.jsonl"
    ref.parent.mkdir()
    assert local([src], ref, strict=True) == 1
    assert dask_job(cluster, [src], out, strict=True, shard_lines=3) == 1
    assert not out.exists()
    assert lines_of(out.with_name("o.jsonl.part")) == lines_of(ref.with_name("o.jsonl.part"))
    assert errors_of(tmp_path / "o.errors.jsonl") == errors_of(ref.with_name("o.errors.jsonl"))
    assert out.with_name("o.jsonl.shards").is_dir()  # kept, for --resume


def test_usage_errors(cluster, tmp_path):
    assert dask_job(cluster, [SAMPLE], "-") == 2
    assert dask_job(cluster, ["-"], tmp_path / "o.jsonl") == 2
    assert dask_job(cluster, [SAMPLE], tmp_path / "no" / "dir" / "o.jsonl") == 2
    assert dask_job(cluster, [tmp_path / "missing.jsonl"], tmp_path / "o.jsonl") == 2
    proc = subprocess.run([PY, "-m", "annotator", "annotate", str(SAMPLE), "-o", str(tmp_path / "o.jsonl"),
                           "--scheduler", cluster.scheduler_address], capture_output=True, timeout=120)
    assert proc.returncode == 2 and b"--engine dask" in proc.stderr
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        assert dask_job(cluster, [SAMPLE], tmp_path / "o.jsonl", scheduler="tcp://127.0.0.1:9") == 2
    assert not (tmp_path / "o.jsonl").exists()


# ---------------------------------------------------------------- failures


def test_a_scheduler_address_that_is_not_one_is_a_usage_error(tmp_path):
    proc = subprocess.run(
        [PY, "-m", "annotator", "annotate", str(SAMPLE), "-o", str(tmp_path / "o.jsonl"), "--engine", "dask",
         "--scheduler", "notaurl"], capture_output=True, timeout=120,
    )
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert err.startswith("error: ") and "notaurl" in err and "Traceback" not in err
    assert not (tmp_path / "o.jsonl.part").exists()


def test_bad_records_in_the_same_order_as_the_local_engine(cluster, tmp_path):
    """Bad records read and documents the pipeline failed on: the errors
    files of both engines are the same, in input order."""
    from dask.distributed import Client

    pipeline = save_failing_pipeline(tmp_path / "pipeline")
    with Client(cluster, set_as_default=False) as client:
        client.run(register_failing_component)  # for the workers to load the pipeline
    docs = paragraph_docs(14)
    rows = [json.dumps(d, ensure_ascii=False) for d in docs]
    for i in (1, 4, 9):
        rows[i] = rows[i].replace('"text": "', '"text": "BOOM ', 1)
    rows[5], rows[10] = '{"text": 42}', "not json"
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ref, out = tmp_path / "ref" / "o.jsonl", tmp_path / "o.jsonl"
    ref.parent.mkdir()
    assert local([src], ref, pipeline=str(pipeline), batch_size=8) == 0
    assert dask_job(cluster, [src], out, pipeline=str(pipeline), batch_size=8, shard_lines=6) == 0
    assert out.read_bytes() == ref.read_bytes()
    errors = (tmp_path / "o.errors.jsonl").read_bytes()
    assert errors == ref.with_name("o.errors.jsonl").read_bytes()
    assert [e["line"] for e in errors_of(tmp_path / "o.errors.jsonl")] == [2, 5, 6, 10, 11]


def test_an_unreadable_input_stops_both_engines_at_the_same_place(cluster, tmp_path):
    docs = paragraph_docs(40)
    inputs = [
        write_jsonl(tmp_path / "a.jsonl", docs[:5]),
        cut_gzip(tmp_path / "b.jsonl.gz", docs[5:35], "cut"),
        write_jsonl(tmp_path / "c.jsonl", docs[35:]),
    ]
    for skip in (False, True):
        ref, out = tmp_path / f"ref-{skip}" / "o.jsonl", tmp_path / f"dask-{skip}" / "o.jsonl"
        ref.parent.mkdir()
        out.parent.mkdir()
        assert local(inputs, ref, skip_unreadable=skip) == (0 if skip else 1)
        assert dask_job(cluster, inputs, out, skip_unreadable=skip, shard_lines=3) == (0 if skip else 1)
        name = "o.jsonl" if skip else "o.jsonl.part"
        assert out.with_name(name).read_bytes() == ref.with_name(name).read_bytes()
        assert errors_of(out.with_name("o.errors.jsonl")) == errors_of(ref.with_name("o.errors.jsonl"))
        assert errors_of(out.with_name("o.errors.jsonl"))[-1]["error"] == READ_ERROR




def test_a_killed_worker_loses_nothing_and_writes_nothing_twice(cluster, tmp_path):
    docs = paragraph_docs(40)
    src = write_jsonl(tmp_path / "in.jsonl", docs)
    ref = tmp_path / "ref.jsonl"
    assert local([src], ref) == 0
    marker = tmp_path / "slow.pid"
    failed = tmp_path / "failed-once"
    task = ShardTask(slow_shard=2, slow_seconds=120, marker=str(marker), fail_shard=5, fail_marker=str(failed))
    killed: list[int] = []

    def kill_the_slow_worker() -> None:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        pid = int(marker.read_text())
        os.kill(pid, signal.SIGKILL)  # mid-shard: its first batch is in a temporary file
        killed.append(pid)

    killer = threading.Thread(target=kill_the_slow_worker, daemon=True)
    killer.start()
    out = tmp_path / "out.jsonl"
    stats = tmp_path / "stats.json"
    start = time.monotonic()
    assert dask_job(cluster, [src], out, shard_lines=4, batch_size=2, task=task, stats=str(stats)) == 0
    killer.join(5)
    assert killed and time.monotonic() - start < 60  # the slow shard was redone elsewhere, not waited for
    assert failed.exists()  # shard 5 failed once, and was retried
    assert out.read_bytes() == ref.read_bytes()
    assert len(lines_of(out)) == len(docs)
    s = json.loads(stats.read_text())
    # (A shard whose result the killed worker still held is run again by
    # Dask: that rerun finds the shard complete on disk.)
    assert s["documents_written"] == len(docs) and s["shards"]["computed"] == 10
    # Each worker process loaded the pipeline once, however many shards it
    # annotated. (The worker started in place of the killed one may have had none.)
    from dask.distributed import Client

    from annotator.jobs.worker import pipelines_loaded

    with Client(cluster, set_as_default=False) as client:
        per_worker = client.run(pipelines_loaded)
    assert per_worker
    assert any(None in loaded for loaded in per_worker.values())
    for loaded in per_worker.values():
        assert len(loaded) == len(set(loaded))


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_interrupted_client_then_resume(cluster, tmp_path, sig):
    """SIGKILL: the command with its own LocalCluster (whose workers must not
    outlive it). SIGINT: the command on the module's cluster (exit code 130).
    Then --resume keeps the complete shards and writes the same output."""
    docs = paragraph_docs(60)
    src = write_jsonl(tmp_path / "in.jsonl", docs + docs[:5])
    ref = tmp_path / "ref.jsonl"
    assert local([src], ref) == 0
    out = tmp_path / "out.jsonl"
    shards_dir = tmp_path / "out.jsonl.shards"
    # `annotate --engine dask --shard-lines 5 --batch-size 2 --quiet`, each shard 0.4 s slower
    args = [str(src), str(out), "--shard-lines", "5", "--batch-size", "2"]
    args += ["--n-process", "2"] if sig == signal.SIGKILL else ["--scheduler", cluster.scheduler_address]
    proc = subprocess.Popen([PY, str(TESTS / "job_helpers.py"), "0.4", *args], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(shards_dir.glob("*.index.json"))) >= 3:
            break
        time.sleep(0.01)
    assert proc.poll() is None, f"the job ended before it could be interrupted: {proc.stderr.read().decode()}"
    workers = _children(proc.pid)
    proc.send_signal(sig)
    code = proc.wait(60)
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if sig == signal.SIGINT:
        assert code == 130, err
        assert "rerun with --resume" in err
    complete = len(list(shards_dir.glob("*.index.json")))
    assert 3 <= complete < 13
    assert not out.exists()
    if sig == signal.SIGKILL:
        deadline = time.monotonic() + 20
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers)

    stats = tmp_path / "stats.json"
    assert dask_job(cluster, [src], out, shard_lines=5, resume=True, stats=str(stats)) == 0
    assert out.read_bytes() == ref.read_bytes()
    s = json.loads(stats.read_text())
    assert s["shards"]["already_complete"] >= complete
    assert s["shards"]["computed"] == 13 - s["shards"]["already_complete"]
    assert s["documents_written"] + s["already_done"] == len(docs) and s["duplicates_skipped"] == 5
    assert not shards_dir.exists()


def test_resume_a_finished_job_annotates_only_new_inputs(cluster, tmp_path):
    docs = paragraph_docs(16)
    first = write_jsonl(tmp_path / "a.jsonl", docs[:10])
    second = write_jsonl(tmp_path / "b.jsonl", docs[10:] + docs[:2])
    full = tmp_path / "full.jsonl"
    assert local([first, second], full) == 0
    out = tmp_path / "out.jsonl"
    assert dask_job(cluster, [first], out, shard_lines=4) == 0
    stats = tmp_path / "stats.json"
    assert dask_job(cluster, [first, second], out, shard_lines=4, resume=True, stats=str(stats)) == 0
    assert out.read_bytes() == full.read_bytes()
    s = json.loads(stats.read_text())
    assert s["already_done"] == 10 and s["documents_written"] == 6 and s["duplicates_skipped"] == 2
    # The workers left the documents already in OUTPUT alone.
    assert s["shards"]["words_annotated"] == sum(len(d["text"].split()) for d in docs[10:])
    # …and a local-engine resume of that output agrees.
    assert local([first, second], out, resume=True) == 0
    assert out.read_bytes() == full.read_bytes()


def test_resume_after_an_interrupted_merge(cluster, tmp_path, monkeypatch):
    """Killed while merging: OUTPUT.part holds some shards, every shard is
    complete. --resume needs no worker at all."""
    docs = paragraph_docs(20)
    src = write_jsonl(tmp_path / "in.jsonl", docs)
    ref = tmp_path / "ref.jsonl"
    assert local([src], ref) == 0
    out = tmp_path / "out.jsonl"
    assert dask_job(cluster, [src], out, shard_lines=6, strict=True) == 0
    # Rebuild the state of a merge cut mid-line: shards complete, .part partial.
    shards_dir = tmp_path / "out.jsonl.shards"
    settings = Settings()
    sources = resolve_inputs([str(src)])
    shards = plan_shards(sources, 6, lines=False)
    shards_dir.mkdir()
    for shard in shards:
        annotate_shard(shard, settings, str(shards_dir), shard_key(shard, settings), None, 64)
    part = out.with_name("out.jsonl.part")
    data = ref.read_bytes()
    part.write_bytes(data[: len(data) // 2])
    out.unlink()
    stats = tmp_path / "stats.json"
    import dask.distributed

    monkeypatch.setattr(dask.distributed, "LocalCluster", None)  # no cluster is started: nothing to compute
    assert dask_job(cluster, [src], out, shard_lines=6, resume=True, stats=str(stats), scheduler=None) == 0
    assert out.read_bytes() == ref.read_bytes()
    s = json.loads(stats.read_text())
    assert s["shards"]["already_complete"] == 4 and s["shards"]["computed"] == 0


def test_a_shard_task_run_twice_writes_its_shard_once(tmp_path):
    """What Dask does to a task whose worker died: run it again. A rerun
    after the shard is complete returns at once; a rerun after a killed
    attempt (its temporary file left behind) writes the same shard."""
    src = write_jsonl(tmp_path / "in.jsonl", paragraph_docs(6))
    settings = Settings()
    (shard,) = plan_shards(resolve_inputs([str(src)]), 10, lines=False)
    key = shard_key(shard, settings)
    files = ShardFiles(tmp_path, shard.index)
    stale = tmp_path / f".{files.data.name}.otherhost.123.deadbeef.tmp"
    stale.write_bytes(b'{"text": "cut off')  # a killed attempt's
    first = annotate_shard(shard, settings, str(tmp_path), key, None, 4)
    data, index = files.data.read_bytes(), files.index.read_bytes()
    stamp = files.index.stat().st_mtime_ns
    again = annotate_shard(shard, settings, str(tmp_path), key, None, 4)
    assert first["computed"] and not again["computed"] and first["docs"] == again["docs"] == 6
    assert files.index.stat().st_mtime_ns == stamp and files.data.read_bytes() == data
    files.index.unlink()  # killed between the two renames: redone, same bytes
    annotate_shard(shard, settings, str(tmp_path), key, None, 2)
    assert files.data.read_bytes() == data and json.loads(files.index.read_bytes())["items"] == json.loads(index)["items"]
