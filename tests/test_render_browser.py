"""The HTML report in a real headless browser (Debian's chromium).

Chromium is driven through the DevTools protocol over a pipe
(`--remote-debugging-pipe`: NUL-separated JSON on fds 3 and 4), so no
websocket client or other dependency is needed. Every request the page makes
is observed from the protocol's Network domain; the browser also runs behind
a dead proxy, so nothing could leave the machine anyway.

Skipped when no chromium is installed (`apt-get install -y chromium`), or
failed if ANNOTATOR_REQUIRE_CHROMIUM is set (CI sets it, so the page check
cannot go missing silently). ANNOTATOR_CHROMIUM names another binary.
Set ANNOTATOR_UPDATE_SCREENSHOTS=1 to refresh docs/seed-report.png.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from annotator.render import render_tasks
from conftest import ROOT
from render_samples import hostile_task, seed_task

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SCREENSHOT = ROOT / "docs" / "seed-report.png"
WIDTH = 1100


def _browser_path() -> str | None:
    env = os.environ.get("ANNOTATOR_CHROMIUM")
    if env:
        return shutil.which(env)
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


class Chromium:
    """A headless chromium and a DevTools session to one page, over a pipe."""

    def __init__(self, executable: str, profile: str) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire_fds() -> None:  # chromium reads commands on fd 3, writes on fd 4
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self.proc = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", "--disable-default-apps", "--hide-scrollbars", "--force-device-scale-factor=1",
             "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
             f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=wire_fds,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._id = 0
        self.events: list[dict] = []
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.page(f"{domain}.enable")
        self.page("Emulation.setDeviceMetricsOverride", width=WIDTH, height=900, deviceScaleFactor=1, mobile=False)

    def _read(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_chrome], [], [], left)[0]:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: str | None = None, **params) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read(30)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            if "method" in reply:
                self.events.append(reply)

    def page(self, method: str, **params) -> dict:
        return self.send(method, self.session, **params)

    def wait_for(self, event: str, timeout: float = 30) -> dict:
        for seen in self.events:
            if seen["method"] == event:
                return seen
        deadline = time.monotonic() + timeout
        while True:
            message = self._read(max(0.0, deadline - time.monotonic()))
            if "method" in message:
                self.events.append(message)
                if message["method"] == event:
                    return message

    def open(self, url: str) -> None:
        """Navigate, and wait for the load event; `events` then holds what
        the page did."""
        self.events.clear()
        self.page("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str):
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def frames(self) -> None:
        """Wait until the page has rendered two more frames."""
        self.page("Runtime.evaluate", awaitPromise=True,
                  expression="new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def screenshot(self, max_height: int = 6000) -> bytes:
        import base64

        # Sections off screen are laid out lazily (content-visibility: auto):
        # grow the viewport to the page until its height settles.
        height = 900
        for _ in range(6):
            self.frames()
            full = min(max_height, int(self.page("Page.getLayoutMetrics")["cssContentSize"]["height"]))
            if full == height:
                break
            height = full
            self.page("Emulation.setDeviceMetricsOverride", width=WIDTH, height=height, deviceScaleFactor=1,
                      mobile=False)
        data = self.page("Page.captureScreenshot", format="png")["data"]
        self.page("Emulation.setDeviceMetricsOverride", width=WIDTH, height=900, deviceScaleFactor=1, mobile=False)
        return base64.b64decode(data)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


@pytest.fixture(scope="module")
def browser():
    executable = _browser_path()
    if executable is None:
        if os.environ.get("ANNOTATOR_REQUIRE_CHROMIUM"):
            pytest.fail("ANNOTATOR_REQUIRE_CHROMIUM is set but no chromium was found")
        pytest.skip("no chromium found: install Debian's chromium (apt-get install -y chromium) "
                    "or set ANNOTATOR_CHROMIUM to a Chrome/Chromium binary")
    with tempfile.TemporaryDirectory(prefix="annotator-chromium-") as profile:
        chrome = Chromium(executable, profile)
        try:
            yield chrome
        finally:
            chrome.close()


# Everything the test reads back from the page, in one evaluation.
PAGE_STATE = r"""
(() => {
  const style = (el, pseudo) => getComputedStyle(el, pseudo || null);
  const docs = [...document.querySelectorAll("section.doc")].map(sec => {
    const body = sec.querySelector(".doc-text");
    const ents = {}, claims = {};
    for (const el of body.querySelectorAll("mark.entity")) {
      const e = ents[el.dataset.ent] ||= {text: "", label: el.dataset.label, bg: style(el).backgroundColor, tag: null};
      e.text += el.textContent;
      const tag = el.querySelector(":scope > .tag");
      if (tag) e.tag = style(tag, "::after").content;
    }
    for (const el of body.querySelectorAll("span.claim")) {
      const c = claims[el.dataset.claim] ||= {text: "", title: el.title, border: style(el).borderBottomWidth, tag: null};
      c.text += el.textContent;
      const tag = el.querySelector(":scope > .ctag");
      if (tag) c.tag = style(tag, "::after").content;
    }
    const meta = sec.querySelector(".meta");
    return {id: sec.id, dir: style(body).direction, text: body.textContent, ents, claims,
            metaDir: meta && style(meta).direction,
            metaLefts: meta ? [...meta.querySelectorAll("dt")].map(el => el.getBoundingClientRect().left) : [],
            rows: sec.querySelectorAll("tr[data-claim-row]").length, visible: body.getBoundingClientRect().height > 0};
  });
  return {title: document.title, pwned: window.__pwned === undefined ? null : window.__pwned,
          scripts: document.scripts.length, images: document.images.length,
          styles: document.querySelectorAll("style").length, bodyDisplay: style(document.body).display,
          pageDir: style(document.documentElement).direction, docs};
})()
"""


def _transparent(color: str) -> bool:
    return color in ("", "transparent", "rgba(0, 0, 0, 0)")


def test_harness_sees_requests_and_scripts(browser, tmp_path):
    """The checks below are not vacuous: a page without our escaping and CSP
    that loads an image and runs a script is caught by this very harness."""
    page = tmp_path / "control.html"
    page.write_text('<html><body><img src="http://example.invalid/x.png">'
                    "<script>document.title='ran'</script></body></html>", encoding="utf-8")
    browser.open(page.as_uri())
    assert browser.evaluate("document.title") == "ran"
    assert "http://example.invalid/x.png" in browser.requests()


def test_seed_report_in_browser(browser, tmp_path):
    seed, hostile = seed_task(), hostile_task()
    report = tmp_path / "report.html"
    report.write_text(render_tasks([seed, hostile], title="seed report"), encoding="utf-8")
    url = report.as_uri()
    browser.open(url)
    state = browser.evaluate(PAGE_STATE)

    # Nothing fetched, nothing logged (a blocked fetch or script would be).
    assert [u for u in browser.requests() if u != url] == []
    logged = [e["params"] for e in browser.events if e["method"] in ("Log.entryAdded", "Runtime.exceptionThrown",
                                                                       "Runtime.consoleAPICalled")]
    assert logged == []

    # Markup in the text is text: no element came from it, nothing ran.
    assert state["title"] == "seed report"
    assert state["pwned"] is None
    assert state["scripts"] == 0 and state["images"] == 0 and state["styles"] == 1
    assert state["bodyDisplay"] == "block"
    assert state["pageDir"] == "rtl"

    for task, doc in zip((seed, hostile), state["docs"]):
        text = task["text"]
        assert doc["visible"]
        assert doc["dir"] == "rtl"
        assert doc["text"] == text  # byte for byte: Persian digits, ZWNJ, Latin runs, «<script>»
        # the meta line reads left to right: its first key is the leftmost
        assert doc["metaDir"] == "ltr" and len(doc["metaLefts"]) == len(task["meta"]) >= 2
        assert doc["metaLefts"] == sorted(doc["metaLefts"])
        valid = [(i, s) for i, s in enumerate(task["spans"]) if 0 <= s["start"] < s["end"] <= len(text)]
        assert sorted(doc["ents"], key=int) == [str(i) for i, _ in valid]
        for i, span in valid:
            ent = doc["ents"][str(i)]
            assert ent["text"] == text[span["start"]:span["end"]]
            assert ent["label"] == span["label"]
            assert not _transparent(ent["bg"])
            assert ent["tag"] == json.dumps(span["label"])  # the label shown beside it
        valid = [(j, c) for j, c in enumerate(task["claims"]) if 0 <= c["start"] < c["end"] <= len(text)]
        assert sorted(doc["claims"], key=int) == [str(j) for j, _ in valid]
        assert doc["rows"] == len(valid)
        for j, claim in valid:
            mark = doc["claims"][str(j)]
            assert mark["text"] == text[claim["start"]:claim["end"]]
            assert mark["border"] != "0px" and mark["tag"] not in (None, "none", '""')
            assert claim["unit"] in mark["title"] and claim["qualifier"] in mark["title"]
            if claim["speaker"]:
                assert claim["speaker"]["text"] in mark["title"]

    seed_doc = state["docs"][0]
    assert len(seed_doc["ents"]) == 17 and len(seed_doc["claims"]) == 12
    assert seed_doc["claims"]["0"]["tag"] == '"31,500"'
    assert seed_doc["claims"]["2"]["tag"] == '">37%"'

    png = browser.screenshot()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 20_000
    (tmp_path / "seed-report.png").write_bytes(png)
    if os.environ.get("ANNOTATOR_UPDATE_SCREENSHOTS"):  # the README's picture: the seed article alone
        report.write_text(render_tasks([seed], title="seed-article"), encoding="utf-8")
        browser.open(url)
        SCREENSHOT.parent.mkdir(exist_ok=True)
        SCREENSHOT.write_bytes(browser.screenshot())
