"""`python -m nlp extract` as a subprocess, the way graders and other services call it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run([sys.executable, "-m", "nlp", "extract", *args], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, env=env, timeout=120)


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_jsonl_on_stdin():
    docs = [{"id": "TCGA-XX-0001", "text": "FINAL DIAGNOSIS: Invasive ductal carcinoma. ER: POSITIVE (95%). "
                                           "PR: negative. HER2 (IHC): 3+."},
            {"id": "TCGA-XX-0002", "text": "ER: pending"}]
    proc = _run([], "\n".join(json.dumps(d) for d in docs) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = _lines(proc.stdout)
    assert [o["id"] for o in out] == ["TCGA-XX-0001", "TCGA-XX-0002"]
    first = out[0]
    assert set(first) == {"id", "summary", "findings"}
    assert first["summary"]["er_status"] == "positive"
    assert first["summary"]["her2_status"] == "positive"
    er = next(f for f in first["findings"] if f["field"] == "er_status")
    assert docs[0]["text"][er["start"]:er["end"]] == er["text"]
    assert out[1]["summary"]["er_status"] is None


def test_bad_lines_get_error_records_and_the_rest_still_come_out():
    stdin = 'not json\n{"id": "no-text"}\n{"id": "ok", "text": "PR positive"}\n'
    proc = _run([], stdin)
    assert proc.returncode == 0
    out = _lines(proc.stdout)
    assert len(out) == 3
    assert "error" in out[0] and out[1] == {"id": "no-text", "error": out[1]["error"]}
    assert out[2]["summary"]["pr_status"] == "positive"


def test_text_file_and_missing_file(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("DIAGNOSIS: Left breast, invasive lobular carcinoma. ER negative, PR negative.\n",
                      encoding="utf-8")
    missing = tmp_path / "missing.pdf"
    binary = tmp_path / "garbage.txt"
    binary.write_bytes(b"\xff\xfe\x00\x81 not utf-8 \xc3")
    proc = _run([str(report), str(missing), str(binary)])
    assert proc.returncode == 0, proc.stderr
    out = _lines(proc.stdout)
    assert [o["id"] for o in out] == [str(report), str(missing), str(binary)]
    assert out[0]["summary"]["er_status"] == "negative"
    assert out[0]["summary"]["histology"] == "invasive lobular carcinoma"
    assert out[0]["summary"]["laterality"] == "left"
    assert set(out[1]) == {"id", "error"}
    assert set(out[2]) == {"id", "error"}


def test_corrupt_pdf_is_an_error_record(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not really a pdf")
    proc = _run([str(bad)])
    assert proc.returncode == 0
    (out,) = _lines(proc.stdout)
    assert out["id"] == str(bad) and "error" in out
