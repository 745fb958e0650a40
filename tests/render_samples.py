"""Tasks for the report tests: the seed article in the output contract, and
documents that try to break the page."""
from __future__ import annotations

import json

from conftest import shared_path


def seed_task() -> dict:
    """The gold seed article as an output-contract task: spans from its
    entities, claims with the speaker as the first of its listed names that
    occurs in the text (with that mention's entity label)."""
    gold = json.loads(shared_path("gold", "seed.jsonl").read_text(encoding="utf-8").splitlines()[0])
    text = gold["text"]
    spans = [{"start": e["start"], "end": e["end"], "label": e["label"], "text": e["text"]} for e in gold["entities"]]
    labels = {(s["start"], s["end"]): s["label"] for s in spans}
    claims = []
    for c in gold["claims"]:
        speaker = None
        for name in c["speaker"]:
            at = text.find(name)
            if at >= 0:
                speaker = {"start": at, "end": at + len(name), "text": name, "label": labels.get((at, at + len(name)))}
                break
        claims.append({**{k: c[k] for k in ("start", "end", "text", "value", "low", "high", "qualifier", "kind", "unit")},
                       "speaker": speaker})
    return {"text": text, "meta": {"id": gold["id"], **gold.get("meta", {})}, "spans": spans, "claims": claims}


HOSTILE_TEXT = (
    "خبر <script>document.title='pwned';window.__pwned=1</script> و "
    "<img src=x onerror=\"window.__pwned=2\"> سپس </div></section></main> "
    "<style>body{display:none}</style> <!-- و &amp; «می‌گوید» Iran Khodro (IKCO) ۲۰۲۳ و 3.5% رشد"
)


def hostile_task() -> dict:
    """A document whose text, labels, meta and claim fields are markup."""
    text = HOSTILE_TEXT
    s = text.index("<script>")
    e = text.index("</script>") + len("</script>")
    img = text.index("<img")
    img_end = text.index(">", img) + 1
    pct = text.index("3.5%")
    pct_end = pct + len("3.5% رشد")
    return {
        "text": text,
        "meta": {"source": "<b onmouseover=alert(1)>x</b>", "title": "</title><script>window.__pwned=3</script>"},
        "answer": "<i>accept</i>",
        "spans": [
            {"start": s, "end": e, "label": "ORG"},
            {"start": img, "end": img_end, "label": '"><script>window.__pwned=4</script>', "text": "not the text"},
            {"start": 5, "end": 2, "label": "PERSON"},  # invalid: reported, not rendered
        ],
        "claims": [
            {"start": pct, "end": pct_end, "text": text[pct:pct_end], "value": 3.5, "low": None, "high": None,
             "qualifier": "exact", "kind": "percent", "unit": "<u>%</u>",
             "speaker": {"start": s, "end": e, "text": "<script>window.__pwned=5</script>", "label": "ORG"}},
            # Crosses the first entity: both must still be marked.
            {"start": s - 4, "end": s + 10, "text": text[s - 4:s + 10], "value": 1, "low": None, "high": None,
             "qualifier": "more_than", "kind": "count", "unit": "x", "speaker": None},
        ],
    }
