"""Hostile input through the CLI: absurd numbers never cost a document."""
from __future__ import annotations

import json
import subprocess
import sys


def test_long_digit_runs_keep_their_documents(tmp_path):
    rows = [
        {"text": "شماره حساب 123456789012345678901 است و ۲۰ درصد سود دارد.", "meta": {"i": 0}},
        {"text": "عدد " + "۷" * 300_000 + " را بخوانید و ۳ میلیون تومان بپردازید.", "meta": {"i": 1}},
        {"text": "بیست میلیون تریلیون تریلیون دلار بدهی", "meta": {"i": 2}},
        {"text": "12345678901234567890.5 و 0.000000000000000000001 درصد", "meta": {"i": 3}},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run([sys.executable, "-m", "annotator", "annotate", str(src), "-o", str(out), "-q"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    tasks = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [t["meta"]["i"] for t in tasks] == [0, 1, 2, 3]
    for task in tasks:
        for claim in task["claims"]:
            for key in ("value", "low", "high"):
                v = claim[key]
                assert v is None or not isinstance(v, int) or -2**63 <= v < 2**63
    assert any(c["text"] == "۲۰ درصد" for c in tasks[0]["claims"])
    assert not any("1234567890123" in c["text"] for c in tasks[0]["claims"])  # an identifier, not a quantity
    assert any(c["value"] == 3_000_000 for c in tasks[1]["claims"])
