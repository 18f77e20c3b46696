"""The TCGA-BRCA development reports and labels shipped under tests/fixtures.

A fixed fifth of the reports (chosen by a hash of the patient barcode) is held back:
nobody writing rules reads them, and `python -m nlp.evaluate` scores them apart, so
the held-back numbers say how the rules do on text they were not written against.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "tcga-brca"
HOLDOUT_PERCENT = 20


@dataclass(frozen=True)
class DevReport:
    patient_id: str
    text: str
    labels: dict[str, str]


def split_of(patient_id: str) -> str:
    digest = hashlib.sha1(patient_id.encode()).digest()
    return "holdout" if digest[0] * 100 // 256 < HOLDOUT_PERCENT else "dev"


def load(split: str = "dev", data_dir: Path = DATA_DIR) -> list[DevReport]:
    """Reports of one split ("dev", "holdout" or "all"), in file order."""
    csv.field_size_limit(10**8)
    with open(data_dir / "dev_labels.csv", newline="", encoding="utf-8") as fh:
        labels = {row["patient_id"]: row for row in csv.DictReader(fh)}
    out = []
    with open(data_dir / "dev_reports.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            pid = row["patient_id"]
            if split != "all" and split_of(pid) != split:
                continue
            out.append(DevReport(pid, row["text"], labels.get(pid, {})))
    return out
