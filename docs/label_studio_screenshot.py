"""Make docs/label-studio-editor.png: a task in Label Studio's editor.

    pip install -e ".[labelstudio]" playwright   # no browser download: Debian's chromium is used
    python docs/label_studio_screenshot.py [OUT.png]

Starts a throwaway Label Studio exactly as tests/test_labelstudio_server.py
does (loopback, temporary data folder, no telemetry), imports the first
article of corpora/sample.jsonl as `annotator to-label-studio` writes it,
opens it in headless Chromium with every request off the machine refused,
selects a claim so that its fields show, and saves the screenshot.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_labelstudio_server import USERNAME, Server, label_studio_command  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CLAIM_TO_SELECT = "۲۴٫۶ درصد"


def main(out: Path) -> None:
    from label_studio_sdk import LabelStudio
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="ls-shot-") as tmp:
        work = Path(tmp)
        first = (ROOT / "corpora" / "sample.jsonl").read_text(encoding="utf-8").splitlines()[0]
        (work / "in.jsonl").write_text(first + "\n", encoding="utf-8")
        annotator = [sys.executable, "-m", "annotator"]
        subprocess.run([*annotator, "annotate", str(work / "in.jsonl"), "-o", str(work / "a.jsonl"), "-q"], check=True)
        subprocess.run([*annotator, "to-label-studio", str(work / "a.jsonl"), "-o", str(work / "tasks.json"),
                        "--config", str(work / "labeling.xml")], check=True)
        data_dir = work / "ls"
        data_dir.mkdir()
        server = Server(label_studio_command(), data_dir)
        try:
            server.start()
            client = LabelStudio(base_url=server.url, api_key=server.token)
            project = client.projects.create(title="annotator review", label_config=(work / "labeling.xml").read_text())

            imported = client.projects.import_tasks(project.id, request=json.loads((work / "tasks.json").read_bytes()),
                                                    return_task_ids=True)
            task_id = imported.task_ids[0]
            claim = next(r["id"] for r in json.loads((work / "tasks.json").read_bytes())[0]["predictions"][0]["result"]
                         if r["type"] == "labels" and r["value"]["text"] == CLAIM_TO_SELECT)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                            args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                                  "--disable-background-networking", "--disable-component-update"])
                context = browser.new_context(viewport={"width": 1440, "height": 1000}, device_scale_factor=1)
                context.route("**/*", lambda r: r.continue_() if r.request.url.startswith((server.url, "data:", "blob:"))
                              else r.abort())
                page = context.new_page()
                page.set_default_timeout(180_000)
                page.goto(f"{server.url}/user/login/")
                page.fill("input[name=email]", USERNAME)
                page.fill("input[name=password]", server.password)
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
                page.goto(f"{server.url}/projects/{project.id}/data?task={task_id}")
                page.wait_for_selector("span.htx-highlight")
                page.wait_for_timeout(2000)
                page.locator(f"span[class*='htx-highlight-{claim}-']").first.click()
                page.wait_for_timeout(1500)
                page.screenshot(path=str(out))
                browser.close()
        finally:
            server.stop()
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "label-studio-editor.png")
