"""`annotator annotate` as a batch job: inputs, bad records, resume, processes.

Most tests call `run_job` in this process (the pipeline is loaded once and
shared); the ones about the command line itself, stdin/stdout, several
processes and being killed run the real command in a subprocess.
"""
from __future__ import annotations

import gzip
import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.io.inputs import InputFileError, resolve_inputs
from annotator.io.prodigy import input_hash
from annotator.io.records import (
    EMPTY_TEXT,
    INVALID_JSON,
    INVALID_META,
    INVALID_UTF8,
    MISSING_TEXT,
    NOT_AN_OBJECT,
    PROCESSING_ERROR,
    READ_ERROR,
    TEXT_NOT_STRING,
    TEXT_TOO_LONG,
    BadRecord,
    Record,
    read_records,
)
from annotator.jobs import Settings, run_job
from annotator.jobs import worker as ann
from annotator.jobs.output import Output
from conftest import ROOT
from job_helpers import save_failing_pipeline

SAMPLE = ROOT / "corpora" / "sample.jsonl"
TESTS = Path(__file__).resolve().parent
PY = sys.executable


def sample_texts() -> list[str]:
    return [json.loads(line)["text"] for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]


def paragraph_docs(n: int) -> list[dict]:
    """`n` different documents: pairs of paragraphs of the sample corpus."""
    paras = [p for t in sample_texts() for p in t.split("\n\n") if p.strip()]
    out = []
    for i in range(len(paras)):
        for j in range(len(paras)):
            if i != j:
                out.append({"text": paras[i] + "\n\n" + paras[j], "meta": {"i": i, "j": j}})
                if len(out) == n:
                    return out
    raise AssertionError("not enough paragraphs")


def write_jsonl(path: Path, rows: list, *, gz: bool = False) -> Path:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def lines_of(path: Path) -> list[bytes]:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.splitlines(keepends=True)


def job(inputs, output, **kw) -> int:
    settings = Settings(**{k: kw.pop(k) for k in list(kw) if k in Settings.__dataclass_fields__})
    kw.setdefault("quiet", True)
    return run_job([str(i) for i in inputs], str(output), settings, **kw)


def cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "annotator", "annotate", *args], capture_output=True, timeout=300, **kw)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The sample corpus annotated in this process: what every other way of
    running the same job must write, byte for byte."""
    out = tmp_path_factory.mktemp("ref") / "sample.jsonl"
    assert job([SAMPLE], out) == 0
    return out


# ---------------------------------------------------------------- the basics


def test_readme_command_and_output_contract(tmp_path, reference):
    out = tmp_path / "sample.annotated.jsonl"
    proc = cli(str(SAMPLE), "-o", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.read_bytes() == reference.read_bytes()
    assert not out.with_name(out.name + ".part").exists()
    assert not (tmp_path / "sample.annotated.errors.jsonl").exists()
    tasks = [json.loads(line) for line in lines_of(out)]
    assert [t["text"] for t in tasks] == sample_texts()
    for t in tasks:
        assert t["_input_hash"] == input_hash({"text": t["text"]})
        assert {"text", "meta", "tokens", "spans", "claims", "_input_hash", "_task_hash"} <= set(t)
    summary = proc.stderr.decode()
    assert "Annotated 10 documents" in summary and "entities:" in summary and "claims:" in summary
    assert "%|" not in summary  # no progress bar when stderr is not a terminal


def test_n_process_2_writes_the_same(tmp_path, reference):
    out = tmp_path / "out.jsonl"
    proc = cli(str(SAMPLE), "-o", str(out), "--n-process", "2", "--batch-size", "3")
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.read_bytes() == reference.read_bytes()


def test_stdin_to_stdout(reference):
    proc = cli("-", "-o", "-", "--quiet", input=SAMPLE.read_bytes())
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == reference.read_bytes()
    assert proc.stderr == b""


def test_stdin_text_lines(tmp_path):
    text = "وزیر نفت گفت: ۳۱ هزار واحد\n\nمعاون وزیر صنعت، معدن و تجارت افزود\n"
    out = tmp_path / "o.jsonl"
    code = job(["-"], out, format="txt", lines=True, stdin=__import__("io").BytesIO(text.encode("utf-8")))
    assert code == 0
    tasks = [json.loads(line) for line in lines_of(out)]
    assert [t["text"] for t in tasks] == ["وزیر نفت گفت: ۳۱ هزار واحد", "معاون وزیر صنعت، معدن و تجارت افزود"]
    assert tasks[1]["meta"] == {"source": "<stdin>", "line": 3}


def test_gzip_in_and_out(tmp_path, reference):
    gz_in = tmp_path / "in.jsonl.gz"
    gz_in.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    out = tmp_path / "out.jsonl"
    assert job([gz_in], out) == 0
    assert out.read_bytes() == reference.read_bytes()
    out_gz = tmp_path / "out.jsonl.gz"
    assert job([gz_in], out_gz) == 0
    assert gzip.decompress(out_gz.read_bytes()) == reference.read_bytes()


def test_txt_files_directories_and_globs(tmp_path):
    d = tmp_path / "corpus"
    (d / "sub").mkdir(parents=True)
    texts = sample_texts()
    (d / "a.txt").write_text(texts[0], encoding="utf-8")
    (d / "sub" / "b.txt").write_text(texts[1], encoding="utf-8")
    (d / "notes.md").write_text("not an input", encoding="utf-8")
    write_jsonl(d / "c.jsonl", [{"text": texts[2]}])
    out = tmp_path / "out.jsonl"
    assert job([d], out) == 0  # recursive, sorted, only known types
    assert [json.loads(x)["text"] for x in lines_of(out)] == [texts[0], texts[2], texts[1]]
    assert json.loads(lines_of(out)[0])["meta"] == {"source": "a.txt"}
    assert job([str(d / "**" / "*.txt")], out) == 0
    assert [json.loads(x)["text"] for x in lines_of(out)] == [texts[0], texts[1]]
    # --lines: one document per non-blank line
    (d / "lines.txt").write_text("سلام دنیا\n\n\r\nوزیر نفت گفت\r\n", encoding="utf-8")
    assert job([d / "lines.txt"], out, lines=True) == 0
    tasks = [json.loads(x) for x in lines_of(out)]
    assert [t["text"] for t in tasks] == ["سلام دنیا", "وزیر نفت گفت"]
    assert [t["meta"]["line"] for t in tasks] == [1, 4]


def test_output_inside_an_input_directory_is_not_read(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    write_jsonl(d / "in.jsonl", [{"text": t} for t in sample_texts()[:2]])
    out = d / "out.jsonl"
    assert job([d], out) == 0
    assert job([d], out) == 0  # the second run does not annotate its own output
    assert len(lines_of(out)) == 2


def test_duplicates_skipped_unless_kept(tmp_path):
    texts = sample_texts()[:3]
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": t, "meta": {"n": i}} for i, t in enumerate(texts + texts[:2])])
    stats = tmp_path / "stats.json"
    out = tmp_path / "out.jsonl"
    assert job([src], out, stats=str(stats)) == 0
    assert [json.loads(x)["meta"]["n"] for x in lines_of(out)] == [0, 1, 2]
    assert json.loads(stats.read_text())["duplicates_skipped"] == 2
    assert job([src], out, keep_duplicates=True) == 0
    assert [json.loads(x)["meta"]["n"] for x in lines_of(out)] == [0, 1, 2, 3, 4]


def test_summary_counts(tmp_path, capsys, reference):
    out = tmp_path / "out.jsonl"
    stats = tmp_path / "stats.json"
    assert job([SAMPLE], out, stats=str(stats), quiet=False) == 0
    s = json.loads(stats.read_text())
    tasks = [json.loads(x) for x in lines_of(reference)]
    labels: dict[str, int] = {}
    for t in tasks:
        for sp in t["spans"]:
            labels[sp["label"]] = labels.get(sp["label"], 0) + 1
    assert s["documents_written"] == s["documents_read"] == 10
    assert s["entities"] == labels
    assert s["claims"] == sum(len(t["claims"]) for t in tasks)
    assert s["words"] == sum(len(t["text"].split()) for t in tasks)
    assert s["errors"] == 0 and s["status"] == "done"
    err = capsys.readouterr().err
    assert "Annotated 10 documents" in err and "words/s" in err


# ---------------------------------------------------------------- bad input

GOOD = "وزیر نفت گفت: تولید به ۳۱ هزار بشکه رسید"
BIG = "کلمه " * 1_100_000  # 5.5 MB of UTF-8, over the default --max-chars


def bad_input_file(path: Path) -> tuple[Path, dict[int, str]]:
    """A JSONL file with every kind of bad record between good ones; returns
    it and {line: expected error kind}."""
    rows: list[bytes] = [
        json.dumps({"text": GOOD + " ۱"}).encode(),  # 1 good
        b'{"text": "\xd9\x88\xd8\xb2\xdb\x8c\xd8\xb1", "meta": ',  # 2 malformed JSON
        json.dumps({"meta": {"id": 3}}).encode(),  # 3 no text
        json.dumps({"text": 42}).encode(),  # 4 non-string text
        b'{"text": "\xd9\x88\xff\xfe bad"}',  # 5 invalid UTF-8
        json.dumps({"text": ""}).encode(),  # 6 empty
        json.dumps({"text": "  \n\t "}).encode(),  # 7 whitespace only
        json.dumps({"text": BIG}).encode(),  # 8 a 5 MB text
        json.dumps(["text", GOOD]).encode(),  # 9 not an object
        json.dumps({"text": GOOD + " ۲", "meta": "x"}).encode(),  # 10 meta not an object
        b"",  # 11 blank line: skipped, not an error
        json.dumps({"text": GOOD + " ۳"}, ensure_ascii=False).encode(),  # 12 good
    ]
    path.write_bytes(b"\n".join(rows) + b"\n")
    expected = {
        2: INVALID_JSON, 3: MISSING_TEXT, 4: TEXT_NOT_STRING, 5: INVALID_UTF8, 6: EMPTY_TEXT,
        7: EMPTY_TEXT, 8: TEXT_TOO_LONG, 9: NOT_AN_OBJECT, 10: INVALID_META,
    }
    return path, expected


def test_reader_reports_every_bad_record_with_its_line(tmp_path):
    path, expected = bad_input_file(tmp_path / "bad.jsonl")
    items = list(read_records(resolve_inputs([path])))
    bad = {i.line: i.error for i in items if isinstance(i, BadRecord)}
    good = [(i.line, i.text) for i in items if isinstance(i, Record)]
    assert bad == expected
    assert good == [(1, GOOD + " ۱"), (12, GOOD + " ۳")]
    assert all(i.source == str(path) for i in items)
    assert [i.pos for i in items] == sorted(i.pos for i in items)  # progress only moves forward


def test_bad_records_do_not_stop_the_job(tmp_path, capsys):
    path, expected = bad_input_file(tmp_path / "bad.jsonl")
    out = tmp_path / "out.jsonl"
    stats = tmp_path / "stats.json"
    assert job([path], out, stats=str(stats), quiet=False) == 0
    assert [json.loads(x)["text"] for x in lines_of(out)] == [GOOD + " ۱", GOOD + " ۳"]
    errors = [json.loads(x) for x in (tmp_path / "out.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {e["line"]: e["error"] for e in errors} == expected
    assert all(e["file"] == str(path) and e["message"] for e in errors)
    err = capsys.readouterr().err
    for line in expected:
        assert f"{path}:{line}: " in err
    s = json.loads(stats.read_text())
    assert s["errors"] == len(expected) and s["documents_written"] == 2
    assert s["errors_by_kind"][EMPTY_TEXT] == 2


def test_an_input_with_no_usable_record_fails_and_writes_no_output(tmp_path, capsys):
    """Every line bad (a wrong file given as input): exit 2 and no output at
    all, not an empty file that passes for a result; the errors file says why."""
    src = tmp_path / "wrong.jsonl"
    src.write_text('{"label": "ORG", "pattern": "وزارت نفت"}\n{not json\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert job([src], out, quiet=False) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.errors.jsonl", "wrong.jsonl"]
    assert len((tmp_path / "out.errors.jsonl").read_text().splitlines()) == 2
    assert "error: no usable document in the input: 2 bad records" in capsys.readouterr().err
    # One good record is enough for a result, as before.
    src.write_text(src.read_text(encoding="utf-8") + json.dumps({"text": GOOD}) + "\n", encoding="utf-8")
    assert job([src], out) == 0
    assert [json.loads(x)["text"] for x in lines_of(out)] == [GOOD]


@pytest.mark.parametrize("bad_line", [2, 3, 4, 5, 6, 8, 9, 10])
def test_strict_stops_at_the_first_bad_record(tmp_path, bad_line):
    path, expected = bad_input_file(tmp_path / "bad.jsonl")
    rows = path.read_bytes().split(b"\n")
    good_first, bad = rows[0], rows[bad_line - 1]
    src = tmp_path / "one.jsonl"
    src.write_bytes(good_first + b"\n" + bad + b"\n" + json.dumps({"text": GOOD + " ۹"}).encode() + b"\n")
    out = tmp_path / "out.jsonl"
    assert job([src], out, strict=True) == 1
    assert not out.exists()
    part = out.with_name("out.jsonl.part")
    assert [json.loads(x)["text"] for x in lines_of(part)] == [GOOD + " ۱"]  # kept for --resume
    (error,) = [json.loads(x) for x in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert (error["line"], error["error"]) == (2, expected[bad_line])


def test_max_chars(tmp_path):
    long_text = ("وزیر نفت گفت: " * 200).strip()  # 2,599 characters
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": long_text}, {"text": GOOD}])
    out = tmp_path / "out.jsonl"
    assert job([src], out, max_chars=1000) == 0
    assert [json.loads(x)["text"] for x in lines_of(out)] == [GOOD]
    (error,) = [json.loads(x) for x in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert error["error"] == TEXT_TOO_LONG and error["chars"] == len(long_text) and error["line"] == 1
    assert job([src], out, max_chars=0) == 0
    assert len(lines_of(out)) == 2
    assert not (tmp_path / "out.errors.jsonl").exists()  # a run without errors leaves no stale errors file


def test_overlong_line_is_skipped_without_parsing(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"text": "' + b"x" * 3_000_000 + b'"}\n' + json.dumps({"text": GOOD}).encode() + b"\n")
    items = list(read_records(resolve_inputs([src]), max_chars=100))
    assert isinstance(items[0], BadRecord) and items[0].error == TEXT_TOO_LONG and items[0].line == 1
    assert isinstance(items[1], Record) and items[1].line == 2


def test_bad_txt_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin1.txt").write_bytes("سلام\nوزیر".encode("utf-8") + b"\n\xe9t\xe9\n")
    (tmp_path / "ok.txt").write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    items = list(read_records(resolve_inputs([tmp_path])))
    assert [(type(i).__name__, getattr(i, "error", None), i.line) for i in items] == [
        ("BadRecord", EMPTY_TEXT, 1),
        ("BadRecord", INVALID_UTF8, 3),
        ("Record", None, 1),
    ]
    assert items[2].text == GOOD  # the byte-order mark is not part of the text


def test_inputs_fail_fast(tmp_path, capsys):
    good = write_jsonl(tmp_path / "good.jsonl", [{"text": GOOD}])
    (tmp_path / "fake.jsonl.gz").write_bytes(b"plain text, not gzip")
    (tmp_path / "data.csv").write_text("a,b")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputFileError) as e:
        resolve_inputs([
            good, tmp_path / "missing.jsonl", tmp_path / "fake.jsonl.gz", tmp_path / "data.csv",
            tmp_path / "empty", str(tmp_path / "nothing*.jsonl"),
        ])
    problems = "\n".join(e.value.problems)
    for needle in ("missing.jsonl: no such file", "fake.jsonl.gz: not a gzip file", "data.csv: unknown input type",
                   "empty: directory has no", "nothing*.jsonl: no files match"):
        assert needle in problems
    out = tmp_path / "out.jsonl"
    start = time.perf_counter()
    assert job([good, tmp_path / "missing.jsonl"], out) == 2
    assert time.perf_counter() - start < 1.0  # before any work (the pipeline is not even loaded)
    assert not out.exists() and not out.with_name("out.jsonl.part").exists()
    assert "missing.jsonl: no such file or directory" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_input_fails_fast(tmp_path):
    src = write_jsonl(tmp_path / "secret.jsonl", [{"text": GOOD}])
    src.chmod(0)
    with pytest.raises(InputFileError, match="cannot read"):
        resolve_inputs([src])


def test_usage_errors(tmp_path):
    assert job([SAMPLE], "-", resume=True) == 2
    assert job([SAMPLE], tmp_path / "no" / "such" / "dir.jsonl") == 2
    assert job([SAMPLE], tmp_path / "out.jsonl", pipeline=str(tmp_path / "no-pipeline")) == 2
    assert job([SAMPLE], SAMPLE) == 2  # would overwrite its input
    proc = cli(str(SAMPLE), "-o", str(tmp_path / "x.jsonl"), "--batch-size", "0")
    assert proc.returncode == 2


def test_a_failing_document_is_isolated(tmp_path):
    pipeline = save_failing_pipeline(tmp_path / "pipeline")
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": GOOD + " ۱"}, {"text": GOOD + " BOOM"}, {"text": GOOD + " ۳"}])
    out = tmp_path / "out.jsonl"
    assert job([src], out, pipeline=str(pipeline), batch_size=10) == 0
    assert [json.loads(x)["text"] for x in lines_of(out)] == [GOOD + " ۱", GOOD + " ۳"]
    (error,) = [json.loads(x) for x in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert (error["line"], error["error"]) == (2, PROCESSING_ERROR) and "component bug" in error["message"]
    assert job([src], out, pipeline=str(pipeline), strict=True) == 1


# ---------------------------------------------------------------- resume


def test_resume_drops_a_cut_off_line_and_finishes_the_job(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", paragraph_docs(30))
    full = tmp_path / "full.jsonl"
    assert job([src], full) == 0
    lines = lines_of(full)
    out = tmp_path / "out.jsonl"
    for cut in (0, 1, 17):
        part = out.with_name("out.jsonl.part")
        part.write_bytes(b"".join(lines[:cut]) + lines[cut][: len(lines[cut]) // 2])
        stats = tmp_path / "stats.json"
        assert job([src], out, resume=True, stats=str(stats)) == 0
        assert out.read_bytes() == full.read_bytes()
        assert not part.exists()
        s = json.loads(stats.read_text())
        assert (s["already_done"], s["documents_written"]) == (cut, 30 - cut)


def test_resume_gzip_output_cut_mid_stream(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", paragraph_docs(20))
    full = tmp_path / "full.jsonl"
    assert job([src], full) == 0
    out = tmp_path / "out.jsonl.gz"
    part = out.with_name(out.name + ".part")
    # What a killed writer leaves: a gzip stream flushed so far, with no end.
    import zlib

    c = zlib.compressobj(wbits=31)
    data = b"".join(lines_of(full)[:7]) + b'{"text":"cut'
    part.write_bytes(c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH))
    assert job([src], out, resume=True) == 0
    assert gzip.decompress(out.read_bytes()) == full.read_bytes()


def test_resume_a_finished_job_adds_only_new_inputs(tmp_path):
    docs = paragraph_docs(12)
    first = write_jsonl(tmp_path / "a.jsonl", docs[:8])
    second = write_jsonl(tmp_path / "b.jsonl", docs[8:])
    out = tmp_path / "out.jsonl"
    assert job([first], out) == 0
    stats = tmp_path / "stats.json"
    assert job([first, second], out, resume=True, stats=str(stats)) == 0
    full = tmp_path / "full.jsonl"
    assert job([first, second], full) == 0
    assert out.read_bytes() == full.read_bytes()
    assert json.loads(stats.read_text())["already_done"] == 8


def test_resume_with_other_settings_is_refused(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", paragraph_docs(3))
    out = tmp_path / "out.jsonl"
    out.with_name("out.jsonl.part").write_bytes(b"")
    out.with_name("out.jsonl.part.settings.json").write_text(json.dumps(Settings().__dict__))
    assert job([src], out, resume=True, quantity_spans=True) == 2
    assert job([src], out, resume=True) == 0


def test_two_jobs_cannot_write_one_output(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", paragraph_docs(3))
    out = tmp_path / "out.jsonl"
    running = Output(out, Settings(), resume=False)  # holds the output, as a running job does
    try:
        assert job([src], out) == 2
        assert job([src], out, resume=True) == 2
        assert "another annotate job is writing" in capsys.readouterr().err
    finally:
        running.abandon()
    assert job([src], out, resume=True) == 0
    assert len(lines_of(out)) == 3


def test_resume_with_duplicates_kept(tmp_path):
    docs = paragraph_docs(4)
    src = write_jsonl(tmp_path / "in.jsonl", docs + docs + docs[:1])
    full = tmp_path / "full.jsonl"
    assert job([src], full, keep_duplicates=True) == 0
    out = tmp_path / "out.jsonl"
    for cut in (3, 5):
        out.with_name("out.jsonl.part").write_bytes(b"".join(lines_of(full)[:cut]))
        assert job([src], out, resume=True, keep_duplicates=True) == 0
        assert out.read_bytes() == full.read_bytes()


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("n_process", [1, 2])
def test_sigkill_then_resume_gives_the_uninterrupted_output(tmp_path, n_process):
    docs = paragraph_docs(800)
    src = write_jsonl(tmp_path / "in.jsonl", docs + docs[:50])  # duplicates too
    out = tmp_path / "out.jsonl"
    part = out.with_name("out.jsonl.part")
    args = [str(src), "-o", str(out), "--batch-size", "8", "--quiet", "--n-process", str(n_process)]
    proc = subprocess.Popen([PY, "-m", "annotator", "annotate", *args], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if part.exists() and part.read_bytes().count(b"\n") >= 3:
            break
        time.sleep(0.005)
    assert proc.poll() is None, f"the job ended before it could be killed: {proc.stderr.read().decode()}"
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    written = part.read_bytes()
    assert 3 <= written.count(b"\n") < len(docs)  # really mid-way
    assert not out.exists()  # nothing half-written under the final name
    # Worker processes do not outlive the killed job.
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)

    # (Resuming does not depend on the number of processes: resume with one.)
    args[args.index("--n-process") + 1] = "1"
    resumed = subprocess.run([PY, "-m", "annotator", "annotate", *args, "--resume"], capture_output=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr.decode()
    full = tmp_path / "full.jsonl"
    assert job([src], full) == 0
    assert sorted(lines_of(out)) == sorted(lines_of(full))
    assert out.read_bytes() == full.read_bytes()  # even in the same order
    assert len(lines_of(out)) == len(docs)


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="needs SIGTERM")
def test_sigterm_at_random_moments_then_resume_gives_the_uninterrupted_output(tmp_path):
    """SIGTERM stops a job as Ctrl-C does (exit code 130, OUTPUT.part kept),
    wherever it lands (sent once or twice, at random moments once the job has
    its output); --resume then writes what an uninterrupted job writes."""
    rng = random.Random(13)
    docs = paragraph_docs(1500)  # several seconds of work
    src = write_jsonl(tmp_path / "in.jsonl", docs + docs[:20])
    out = tmp_path / "out.jsonl"
    part = out.with_name("out.jsonl.part")
    args = [str(src), "-o", str(out), "--batch-size", "4", "--quiet"]
    interrupted = 0
    for attempt in range(4):
        written = part.stat().st_size if part.exists() else 0
        proc = subprocess.Popen(
            [PY, "-m", "annotator", "annotate", *args, *(["--resume"] if attempt else [])], stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:  # until this run writes
            if part.exists() and part.stat().st_size > written:
                break
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.4))
        for _ in range(rng.choice([1, 2])):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            time.sleep(rng.uniform(0, 0.2))
        code = proc.wait(120)
        err = proc.stderr.read().decode()
        proc.stderr.close()
        if attempt == 0:
            assert code == 130, err  # (the job takes longer than the wait)
        assert code in (0, 130), err
        if code == 0:
            break
        interrupted += 1
        assert "interrupted" in err and "Traceback" not in err
        assert part.exists() and not out.exists()
    resumed = cli(*args, "--resume")
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert interrupted >= 2
    full = tmp_path / "full.jsonl"
    assert job([src], full) == 0
    assert out.read_bytes() == full.read_bytes()
    assert not (tmp_path / "out.errors.jsonl").exists()  # no document was taken for a failing one


def test_a_sigterm_whose_exception_is_lost_still_stops_the_job(tmp_path, monkeypatch):
    """Python drops an exception raised where it cannot go on up (in a
    finalizer): the job still ends as interrupted, its output kept."""
    src = write_jsonl(tmp_path / "in.jsonl", paragraph_docs(6))
    original = ann.Annotator.__call__

    def call(self, batch):
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
        except BaseException:  # noqa: BLE001  (what a finalizer does with it)
            pass
        return original(self, batch)

    monkeypatch.setattr(ann.Annotator, "__call__", call)
    out = tmp_path / "out.jsonl"
    assert job([src], out, batch_size=2) == 130
    assert not out.exists() and len(lines_of(out.with_name("out.jsonl.part"))) == 6


# ---------------------------------------------------------------- outputs that are not files, files used twice


def test_an_output_that_is_not_a_regular_file_is_refused(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": GOOD}])
    target = write_jsonl(tmp_path / "target.jsonl", [{"text": "kept"}])
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo)
    outputs = [link, fifo, tmp_path]
    device = tmp_path / "null.jsonl"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # what /dev/null is
        outputs.append(device)
    except (OSError, AttributeError):
        pass
    for output in outputs:
        proc = cli(str(src), "-o", str(output), "--quiet")
        err = proc.stderr.decode()
        assert proc.returncode == 2, err
        assert err.startswith("error: ") and str(output) in err and "Traceback" not in err
        assert not output.with_name(output.name + ".part").exists()
    assert link.is_symlink() and target.read_bytes() == b'{"text": "kept"}\n'
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert "symbolic link" in cli("--help").stdout.decode()


def test_the_same_file_in_two_roles_is_refused_before_any_work(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": GOOD}])
    data = src.read_bytes()
    out = tmp_path / "out.jsonl"
    hardlink = tmp_path / "hard.jsonl"
    os.link(src, hardlink)
    stale = write_jsonl(tmp_path / "out.errors.jsonl", [{"text": GOOD + " ۲"}])
    cases = [
        ([str(src), "-o", str(out), "--errors", str(out)], "the output and the errors file", out, out),
        ([str(src), "-o", str(out), "--stats", str(src)], "the stats file and an input", src, src),
        ([str(src), "-o", str(hardlink)], "the output and an input", hardlink, src),
        ([str(src), "-o", str(out), "--errors", str(tmp_path / "e.json"), "--stats", str(tmp_path / "e.json")],
         "the errors file and the stats file", tmp_path / "e.json", tmp_path / "e.json"),
        ([str(stale), "-o", str(out)], "the errors file and an input", stale, stale),  # OUTPUT's default errors file
    ]
    for args, what, a, b in cases:
        proc = cli(*args, "--quiet")
        err = proc.stderr.decode()
        assert proc.returncode == 2, err
        assert err == f"error: {what} are the same file ({a} and {b})\n"
        assert src.read_bytes() == data and hardlink.read_bytes() == data
        assert not out.exists() and not out.with_name("out.jsonl.part").exists()


# ---------------------------------------------------------------- inputs that cannot be read to their end


def cut_gzip(path: Path, docs: list[dict], how: str) -> Path:
    """A gzipped JSONL file of `docs` that cannot be read to its end: `cut`
    off, or `corrupt` in its middle."""
    data = bytearray(gzip.compress("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs).encode("utf-8")))
    if how == "cut":
        data = data[: len(data) * 2 // 3]
    else:
        middle = len(data) * 2 // 3
        data[middle : middle + 64] = bytes(64)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("how", ["cut", "corrupt"])
def test_an_input_that_cannot_be_read_to_its_end_fails_the_job(tmp_path, how):
    docs = paragraph_docs(40)
    first = write_jsonl(tmp_path / "a.jsonl", docs[:5])
    broken = cut_gzip(tmp_path / "b.jsonl.gz", docs[5:35], how)
    last = write_jsonl(tmp_path / "c.jsonl", docs[35:])
    *items, read_error = list(read_records(resolve_inputs([broken])))
    assert read_error.error == READ_ERROR
    readable = [i.text for i in items if isinstance(i, Record)]
    assert 0 < len(readable) < 30
    out = tmp_path / "out.jsonl"
    proc = cli(str(first), str(broken), str(last), "-o", str(out), "--batch-size", "4")
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert f"error: {broken}:{read_error.line}: cannot read the rest of the file" in err
    assert f"cannot read {broken} after line {read_error.line - 1}" in err and "Traceback" not in err
    assert not out.exists()
    part = out.with_name("out.jsonl.part")
    assert [json.loads(x)["text"] for x in lines_of(part)] == [d["text"] for d in docs[:5]] + readable

    proc = cli(str(first), str(broken), str(last), "-o", str(out), "--skip-unreadable", "--quiet")
    assert proc.returncode == 0, proc.stderr.decode()
    assert [json.loads(x)["text"] for x in lines_of(out)] == [d["text"] for d in docs[:5]] + readable + [
        d["text"] for d in docs[35:]
    ]
    *_, error = [json.loads(x) for x in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert (error["file"], error["line"], error["error"]) == (str(broken), read_error.line, READ_ERROR)


# ---------------------------------------------------------------- the errors file


def cli_with_failing_component(*args: str) -> subprocess.CompletedProcess:
    """The command, in a process where the failing test component is registered."""
    code = (
        "import sys; sys.path.insert(0, sys.argv.pop(1)); import job_helpers; job_helpers.register_failing_component(); "
        "sys.argv[0] = 'annotator'; from annotator.cli import main; main()"
    )
    return subprocess.run([PY, "-c", code, str(TESTS), "annotate", *args], capture_output=True, timeout=300)


def test_bad_records_are_reported_in_input_order(tmp_path):
    """Bad records read and documents the pipeline failed on, in the errors
    file and on stderr, in input order (as the Dask engine writes them)."""
    pipeline = save_failing_pipeline(tmp_path / "pipeline")
    rows = [json.dumps({"text": GOOD + f" {i}" + (" BOOM" if i % 3 == 1 else "")}, ensure_ascii=False) for i in range(12)]
    rows[5] = '{"text": 42}'
    rows[9] = "not json"
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = cli_with_failing_component(str(src), "-o", str(out), "--pipeline", str(pipeline), "--batch-size", "8")
    assert proc.returncode == 0, proc.stderr.decode()
    errors = [json.loads(x) for x in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert [(e["line"], e["error"]) for e in errors] == [
        (2, PROCESSING_ERROR), (5, PROCESSING_ERROR), (6, TEXT_NOT_STRING), (8, PROCESSING_ERROR),
        (10, INVALID_JSON), (11, PROCESSING_ERROR),
    ]
    printed = [int(line.split(":")[2]) for line in proc.stderr.decode().splitlines() if line.startswith("error: ")]
    assert printed == [2, 5, 6, 8, 10, 11]


# ---------------------------------------------------------------- failures say what and where, not how


def test_an_unusable_output_directory_is_an_error_not_a_traceback(tmp_path):
    a_file = write_jsonl(tmp_path / "in.jsonl", [{"text": GOOD}])
    outputs = [a_file / "out.jsonl"]  # in a "directory" that is a file
    if Path("/sys/kernel").is_dir():
        outputs.append(Path("/sys/out.jsonl"))  # sysfs: no new files, whatever the permissions say (root)
    if os.geteuid() != 0:
        read_only = tmp_path / "read-only"
        read_only.mkdir(mode=0o555)
        outputs.append(read_only / "out.jsonl")
    for output in outputs:
        proc = cli(str(a_file), "-o", str(output), "--quiet")
        err = proc.stderr.decode()
        assert proc.returncode == 2, err
        assert err.startswith("error: ") and "Traceback" not in err


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs RLIMIT_FSIZE")
def test_a_full_disk_is_an_error_not_a_traceback(tmp_path):
    """Out of space mid-job (here: over the file size limit): exit code 1,
    the message and the file, the partial output kept; the traceback only
    with --debug or ANNOTATOR_DEBUG=1."""
    import resource

    src = write_jsonl(tmp_path / "in.jsonl", paragraph_docs(40))
    out = tmp_path / "out.jsonl"

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, 60_000))

    for extra, env in (([], {}), (["--debug"], {}), ([], {"ANNOTATOR_DEBUG": "1"})):
        proc = subprocess.run(
            [PY, "-m", "annotator", "annotate", str(src), "-o", str(out), "--quiet", "--batch-size", "4", *extra],
            capture_output=True, timeout=300, preexec_fn=small_files, env=dict(os.environ, **env),
        )
        err = proc.stderr.decode()
        assert proc.returncode == 1, err
        assert f"error: File too large ({out}.part)" in err
        assert ("Traceback" in err) == bool(extra or env)
        assert out.with_name("out.jsonl.part").exists() and not out.exists()


# ---------------------------------------------------------------- memory


def test_memory_zones_keep_the_vocab_from_growing(monkeypatch):
    """Strings first seen in a batch are freed when its memory zone closes,
    so a corpus of ever new words does not grow the vocabulary."""
    monkeypatch.setattr(ann, "ZONE_WORDS", 200)
    worker = ann.Annotator(Settings())
    worker([("گرم کردن خط لوله", {}, {})])
    worker.close()
    before = len(worker.nlp.vocab.strings)
    sizes = []
    for b in range(30):
        batch = [(" ".join(f"واژه{b}x{i}x{k}" for k in range(20)) + f" {b * 100 + i}", {}, {}) for i in range(10)]
        result = worker(batch)
        assert all(isinstance(x, bytes) for x in result.items)
        sizes.append(len(worker.nlp.vocab.strings))
    worker.close()
    assert len(worker.nlp.vocab.strings) <= before + 50
    assert max(sizes) < before + 2 * 200 * 3  # bounded by the zone, not by the corpus (6,000 new words)


def test_memory_zones_do_not_change_the_output(monkeypatch):
    """Where zones open and close (which differs between one process and
    several) must not change a single byte of the output."""
    batches = [[(d["text"], d["meta"], {}) for d in paragraph_docs(60)[i : i + 6]] for i in range(0, 60, 6)]
    outputs = []
    for zone_words in (1, 10**9):
        monkeypatch.setattr(ann, "ZONE_WORDS", zone_words)
        worker = ann.Annotator(Settings(quantity_spans=True, relations=True))
        outputs.append([line for batch in batches for line in worker(batch).items])
        worker.close()
    assert outputs[0] == outputs[1]
    assert all(isinstance(x, bytes) for x in outputs[0])
