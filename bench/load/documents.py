"""The documents of the load run: synthetic, built from the demo records."""

from __future__ import annotations

from pathlib import Path

from tests.records.factories import text_pdf

DEMO = Path(__file__).resolve().parents[2] / "records" / "demo"

QUESTIONS = [
    "What are my treatment options?",
    "What does HER2-negative mean for me?",
    "What is ribociclib and what are its side effects?",
    "What does ER-positive mean?",
    "Should I ask about clinical trials?",
    "What does stage IIIA mean?",
    "What is a sentinel lymph node biopsy?",
    "How does hormone therapy work?",
]

LAB_NOTE = """LABORATORY RESULTS (SYNTHETIC LOAD-TEST DOCUMENT - NOT A REAL PATIENT)
Date: 2026-10-{day:02d}
WBC 4.{n} x10^9/L. ANC 2.{n} x10^9/L. Hemoglobin 12.{n} g/dL. Platelets 2{n}0 x10^9/L.
CA 15-3: 3{n} U/mL.
Reference: {tag}
"""


def _lines(name: str) -> list[str]:
    return (DEMO / name).read_text().splitlines()


def _pdf(pages: list[list[str]], tag: str) -> bytes:
    return text_pdf([page + [f"Reference: {tag}"] for page in pages])


def seed_documents(i: int) -> list[tuple[str, bytes]]:
    """Three documents for seeded patient i."""
    tag = f"seed-{i}"
    return [
        ("pathology.pdf", _pdf([_lines("pathology_report.txt")], tag)),
        ("clinic-note.txt", ((DEMO / "clinic_note.txt").read_text() + f"\nReference: {tag}\n").encode()),
        ("labs.txt", LAB_NOTE.format(day=1 + i % 28, n=i % 10, tag=tag).encode()),
    ]


def small_note(tag: str) -> tuple[str, bytes]:
    """What a patient uploads during the load run: a short text note (~300 bytes)."""
    return f"labs-{tag}.txt", LAB_NOTE.format(day=1 + sum(map(ord, tag)) % 28, n=len(tag) % 10, tag=tag).encode()


def batch_document(k: int) -> tuple[str, bytes]:
    """Document k of the throughput batch: a 3-page text PDF (pathology report, clinic
    note, labs). The same k gives the same bytes in every run."""
    tag = f"batch-{k}"
    labs = LAB_NOTE.format(day=1 + k % 28, n=k % 10, tag=tag).splitlines()
    pages = [_lines("pathology_report.txt"), _lines("clinic_note.txt"), labs]
    return f"record-{k}.pdf", _pdf(pages, tag)
