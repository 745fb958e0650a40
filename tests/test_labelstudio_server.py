"""The Label Studio round trip against a real Label Studio server.

`label-studio start` runs on 127.0.0.1 (a free port) with its own data
folder and SQLite database in a temporary folder, with no telemetry, Sentry
or version check (nothing leaves the machine). Through the SDK, as a team
would: a project with our generated labeling config, our tasks imported
(`annotator to-label-studio`), a reviewer's annotation (a claim's value
corrected, a PERSON added), a skipped task, the export read back
(`annotator from-label-studio`), then `annotator export` and `annotator
train` on the result. The server's process group is killed in teardown,
whatever happens.

Needs the `labelstudio` extra (`pip install -e ".[labelstudio]"`): skipped
without it, failed if ANNOTATOR_REQUIRE_LABEL_STUDIO=1 (CI sets it, so the
round trip cannot go missing silently). Migrating a new database takes
20-45 s on two cores, so a migrated empty one is cached per Label Studio
and Django version in $XDG_CACHE_HOME/annotator-tests (or ~/.cache).
"""
from __future__ import annotations

import copy
import importlib.metadata
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import orjson
import pytest
import spacy
from spacy.tokens import DocBin
from typer.testing import CliRunner

from annotator.cli import app
from labelstudio_samples import find, sample_tasks, seed_task, tricky_task

START_TIMEOUT = 600  # seconds: migrations on two busy shared cores
HTTP_TIMEOUT = 120
USERNAME = "reviewer@example.com"
TRAIN = [  # a tiny model: the point is that training runs on the data, not what it learns
    "--max-steps", "2", "--no-rules", "--no-claims",
    "--set", "components.tok2vec.model.encode.width=32",
    "--set", "components.tok2vec.model.encode.depth=1",
    "--set", "components.tok2vec.model.embed.rows=[500,100,100,100]",
    "--set", "components.ner.model.hidden_width=16",
]


def label_studio_command() -> Path:
    """The `label-studio` command of this Python's environment, or skip
    (fail when ANNOTATOR_REQUIRE_LABEL_STUDIO=1)."""
    found = Path(sys.executable).with_name("label-studio")
    missing = [m for m in ("label_studio", "label_studio_sdk") if importlib.util.find_spec(m) is None]
    if not missing and not found.exists():
        missing = ["the label-studio command"]
    if missing:
        message = f"Label Studio not installed ({', '.join(missing)}): pip install -e '.[labelstudio]'"
        if os.environ.get("ANNOTATOR_REQUIRE_LABEL_STUDIO") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return found


def _server_env(data_dir: Path, token: str | None, password: str | None) -> dict[str, str]:
    """An environment for an isolated, offline Label Studio. Its settings
    also read plain HOST, PORT, DEBUG, USERNAME … so those are dropped."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LABEL_STUDIO_", "HEARTEX_", "DJANGO_", "SENTRY_"))
           and k not in {"DATABASE_NAME", "FRONTEND_SENTRY_DSN", "USERNAME", "PASSWORD", "USER_TOKEN", "HOST",
                         "PORT", "DEBUG", "LOG_LEVEL"}}
    env.update({
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "DJANGO_DB": "sqlite",
        "DATABASE_NAME": str(data_dir / "label_studio.sqlite3"),
        "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": "",  # a DSN is set by default
        "COLLECT_ANALYTICS": "false",
        "LATEST_VERSION_CHECK": "false",
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    if token and password:  # the user and organization are made at start, with this API token enabled
        env.update({"LABEL_STUDIO_USERNAME": USERNAME, "LABEL_STUDIO_PASSWORD": password,
                    "LABEL_STUDIO_USER_TOKEN": token, "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true"})
    return env


def _migrated_db(command: Path) -> Path:
    """An empty, migrated database for this Label Studio and Django,
    made once (`label-studio version` migrates and exits) and cached."""
    versions = "-".join(importlib.metadata.version(p) for p in ("label-studio", "django"))
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "annotator-tests"
    target = cache / f"label-studio-{versions}.sqlite3"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="ls-migrate-"))
    try:
        subprocess.run([str(command), "version"], env=_server_env(work, None, None), cwd=work, check=True,
                       timeout=START_TIMEOUT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, start_new_session=True)
        part = target.with_name(f".{target.name}.{os.getpid()}")
        shutil.copyfile(work / "label_studio.sqlite3", part)
        os.replace(part, target)  # whole or not at all: another run may be reading it
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A Label Studio server in its own process group."""

    def __init__(self, command: Path, data_dir: Path) -> None:
        self.command, self.data_dir = command, data_dir
        self.log = data_dir / "server.log"
        self.token = secrets.token_hex(20)
        self.password = secrets.token_urlsafe(12)
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> "Server":
        shutil.copyfile(_migrated_db(self.command), self.data_dir / "label_studio.sqlite3")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [str(self.command), "start", "--no-browser", "--internal-host", "127.0.0.1",
                 "--port", str(_free_port())],
                env=_server_env(self.data_dir, self.token, self.password), cwd=self.data_dir,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        # A taken port makes it move to the next one, silently: read the one it says.
        started = re.compile(rb"Starting development server at (http://127\.0\.0\.1:\d+)/")
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"label-studio exited with {self.proc.returncode}:\n{self.tail()}")
            found = started.search(self.log.read_bytes())
            if found and self._healthy(found.group(1).decode()):
                self.url = found.group(1).decode()
                return self
            time.sleep(0.5)
        raise TimeoutError(f"label-studio not up after {START_TIMEOUT} s:\n{self.tail()}")

    @staticmethod
    def _healthy(url: str) -> bool:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=10) as r:
                return r.status == 200
        except OSError:
            return False

    def tail(self) -> str:
        return self.log.read_bytes()[-4000:].decode("utf-8", "replace") if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc is None:
            return
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 20)):
            try:
                os.killpg(self.proc.pid, sig)  # the whole group: runserver and anything it started
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=wait)
                if sig == signal.SIGKILL:
                    break
            except subprocess.TimeoutExpired:
                continue
        if self.proc.poll() is None:
            self.proc.wait(timeout=20)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    command = label_studio_command()
    srv = Server(command, tmp_path_factory.mktemp("label-studio"))
    try:
        yield srv.start()
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def client(server):
    from label_studio_sdk import LabelStudio

    return LabelStudio(base_url=server.url, api_key=server.token, timeout=HTTP_TIMEOUT)


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output[-3000:]
    return result.output


def _snapshot_export(client, project_id: int) -> bytes:
    """The export with full predictions (the quick export lists their ids)."""
    export = client.projects.exports.create(project_id, title="review",
                                            serialization_options={"predictions": {"only_id": False}})
    for _ in range(HTTP_TIMEOUT):
        if export.status == "completed":
            break
        assert export.status in ("created", "in_progress"), export
        time.sleep(1)
        export = client.projects.exports.get(project_id, export.id)
    return b"".join(client.projects.exports.download(project_id, export.id, export_type="JSON"))


def test_review_in_label_studio_then_train(client, nlp, tmp_path):
    tasks = [tricky_task(nlp), *sample_tasks(nlp), seed_task(nlp)]
    annotated = tmp_path / "annotated.jsonl"
    annotated.write_bytes(b"".join(orjson.dumps(t) + b"\n" for t in tasks))
    _run("to-label-studio", str(annotated), "-o", str(tmp_path / "tasks.json"),
         "--config", str(tmp_path / "labeling.xml"))

    project = client.projects.create(title="annotator review", label_config=(tmp_path / "labeling.xml").read_text())
    imported = client.projects.import_tasks(project.id, request=json.loads((tmp_path / "tasks.json").read_bytes()),
                                            return_task_ids=True)
    assert imported.task_count == imported.prediction_count == len(tasks)
    tricky_id, skipped_id = imported.task_ids[0], imported.task_ids[1]

    # A reviewer corrects the first claim's value and marks a PERSON the annotator missed.
    (prediction,) = client.predictions.list(task=tricky_id)
    result = copy.deepcopy(prediction.result)
    first_claim = next(r for r in result if r["type"] == "labels" and r["value"]["labels"] == ["CLAIM"])
    field = next(r for r in result if r["id"] == first_claim["id"] and r["from_name"] == "value")
    field["value"]["text"] = ["21"]
    text = tasks[0]["text"]
    start, end = find(text, "آرش کمانگیر")
    assert not any(s["start"] < end and start < s["end"] for s in tasks[0]["spans"])
    result.append({"id": "rev1", "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
                   "value": {"start": start, "end": end, "text": text[start:end], "labels": ["PERSON"]}})
    client.annotations.create(id=tricky_id, result=result, lead_time=30.5, parent_prediction=prediction.id)
    client.annotations.create(id=skipped_id, result=[], was_cancelled=True)

    export = tmp_path / "export.json"
    export.write_bytes(_snapshot_export(client, project.id))
    reviewed = tmp_path / "reviewed.jsonl"
    _run("from-label-studio", str(export), "-o", str(reviewed))
    back = {t["meta"].get("id", t["_input_hash"]): t for t in map(json.loads, reviewed.read_text().splitlines())}
    assert len(back) == len(tasks)

    mine = back["tricky"]
    assert mine["answer"] == "accept"
    assert [c["value"] for c in mine["claims"]][0] == 21
    assert {"start": start, "end": end, "label": "PERSON"}.items() <= next(
        s for s in mine["spans"] if s["start"] == start).items()
    assert mine["text"] == text and mine["meta"] == tasks[0]["meta"] and mine["_input_hash"] == tasks[0]["_input_hash"]
    assert mine["_task_hash"] != tasks[0]["_task_hash"]  # the spans changed
    assert back[tasks[1]["meta"]["id"]]["answer"] == "ignore"
    # Nobody reviewed the rest: they come back as they went in, byte for byte.
    lines = annotated.read_bytes().splitlines()
    out_lines = {json.loads(line)["_input_hash"]: line for line in reviewed.read_bytes().splitlines()}
    for line, task in list(zip(lines, tasks))[2:]:
        assert out_lines[task["_input_hash"]] == line

    # The Export button's JSON (prediction ids only) is read with --reviewed-only.
    quick = tmp_path / "quick.json"
    quick.write_bytes(b"".join(client.projects.exports.download_sync(project.id, export_type="JSON",
                                                                     download_all_tasks=True)))
    refused = CliRunner().invoke(app, ["from-label-studio", str(quick), "-o", str(tmp_path / "q.jsonl")])
    assert refused.exit_code == 2 and "--reviewed-only" in refused.output
    _run("from-label-studio", str(quick), "-o", str(tmp_path / "q.jsonl"), "--reviewed-only")
    quick_back = [json.loads(line) for line in (tmp_path / "q.jsonl").read_text().splitlines()]
    assert sorted(t["answer"] for t in quick_back) == ["accept", "ignore"]
    assert next(t for t in quick_back if t["answer"] == "accept") == mine

    # The reviewed tasks are training data.
    corpus = tmp_path / "corpus"
    _run("export", str(reviewed), "-o", str(corpus), "--eval-split", "0.3")
    docs = [d for name in ("train", "dev") for d in DocBin().from_disk(corpus / f"{name}.spacy").get_docs(
        spacy.blank("fa").vocab)]
    assert len(docs) == len(tasks) - 1  # the skipped one is left out
    reviewed_doc = next(d for d in docs if d.text == text)
    assert (start, end, "PERSON") in {(e.start_char, e.end_char, e.label_) for e in reviewed_doc.ents}
    model = tmp_path / "model"
    _run("train", str(corpus / "train.spacy"), "--dev", str(corpus / "dev.spacy"), "-o", str(model), *TRAIN)
    assert "ner" in spacy.load(model).pipe_names
