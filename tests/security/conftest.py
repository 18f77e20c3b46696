"""Fixtures of the security tests: a small world of people and alice's records, the
hostile-file corpus, and a tally of the access checks for the closing summary."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.records.conftest import eager_tasks, wait_for, worker  # noqa: F401 - fixtures

HOSTILE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "hostile"
HOSTILE_REPORT = Path(__file__).resolve().parents[2] / "test-output" / "hostile-files.json"
MATRIX_REPORT = Path(__file__).resolve().parents[2] / "test-output" / "access-matrix.json"

# Strings only alice's records contain: a response to anyone else must hold none.
CANARIES = (
    "Alice Canary",
    "alice-canary-report.txt",
    "CANARY-PAGE-TEXT",
    "CANARY question about tamoxifen",
)


@dataclass
class World:
    alice: object  # Patient
    bob: object  # Clinician (granted by alice)
    charlie: object  # Patient
    dave: object  # Clinician (no grant)
    staff: object  # User: staff superuser with no patient or clinician role
    document: object
    page: object
    finding: object
    review: object
    question: object
    run: object
    grant: object
    group: object
    log_entry: object
    ids: dict = field(default_factory=dict)


STUB_ANSWER = {
    "kind": "general", "personalized_for": [], "sections": [], "questions_for_oncologist": [],
    "trials": [], "citations": {}, "disclaimer": "Educational information, not medical advice.",
    "grounding": {}, "profile_version": "", "elapsed_ms": 0,
}


def stub_answer(question, facts=None):
    """The answer engine without its model (which takes seconds to load): access is
    what these tests check, and the engine has its own tests."""
    return {**STUB_ANSWER, "question": question}


@pytest.fixture
def world(db, monkeypatch):
    import guidelines.services

    monkeypatch.setattr(guidelines.services, "answer", stub_answer)
    return build_world()


def build_world() -> World:
    from auditlog.models import LogEntry
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from guidelines.models import Question
    from records import services
    from records.models import AccessGrant, ProcessingRun, Review
    from tests.people import PASSWORD
    from tests.records.builders import done_document

    alice = services.create_patient_account("alice@example.org", PASSWORD, "Alice Canary")
    bob = services.create_clinician_account("bob@example.org", PASSWORD, "Dr Bob")
    charlie = services.create_patient_account("charlie@example.org", PASSWORD, "Charlie")
    dave = services.create_clinician_account("dave@example.org", PASSWORD, "Dr Dave")
    services.grant_access(alice, bob)
    staff = get_user_model().objects.create_superuser("staff@example.org", "staff@example.org",
                                                       PASSWORD)
    document = done_document(
        alice,
        name="alice-canary-report.txt",
        findings=[("er_status", "positive"), ("her2_status", "negative"),
                  ("histology", "invasive ductal carcinoma")],
    )
    page = document.pages.get()
    page.text += "\nCANARY-PAGE-TEXT"
    page.save(update_fields=["text"])
    finding = document.findings.order_by("pk").first()
    # bob reviewed one value, so the statistics have something that is alice's.
    review = Review.objects.create(finding=document.findings.order_by("pk").last(),
                                   reviewer=bob.user, action=Review.Action.ACCEPT)
    question = Question.objects.create(patient=alice, asked_by=alice.user,
                                       text="CANARY question about tamoxifen", kind="general",
                                       answer=stub_answer("CANARY question about tamoxifen"))
    run = ProcessingRun.objects.create(document=document, task_name="extract_text",
                                       pipeline_version="test")
    return World(
        alice=alice, bob=bob, charlie=charlie, dave=dave, staff=staff, document=document,
        page=page, finding=finding, review=review, question=question, run=run,
        grant=AccessGrant.objects.get(patient=alice, clinician=bob),
        group=Group.objects.create(name="canary-group"),
        log_entry=LogEntry.objects.order_by("pk").first(),
    )


class MatrixTally:
    """Every (URL pattern, method, role) request the matrix checked."""

    def __init__(self):
        self.rows: list[tuple[str, str, str, int]] = []

    def add(self, key: str, method: str, role: str, status: int) -> None:
        self.rows.append((key, method, role, status))

    def summary(self) -> dict:
        return {
            "patterns": len({r[0] for r in self.rows}),
            "roles": len({r[2] for r in self.rows}),
            "pattern_method_pairs": len({(r[0], r[1]) for r in self.rows}),
            "requests": len(self.rows),
        }


_TALLY = MatrixTally()


class HostileTable:
    """file → outcome → reason → time, for the closing note."""

    def __init__(self):
        self.rows: list[tuple[str, str, str, float]] = []

    def add(self, name: str, outcome: str, reason, seconds: float) -> None:
        self.rows.append((name, outcome, str(reason), round(seconds, 2)))


_HOSTILE = HostileTable()


@pytest.fixture(scope="session")
def hostile_table():
    return _HOSTILE


@pytest.fixture(scope="session")
def matrix_tally():
    return _TALLY


def pytest_terminal_summary(terminalreporter):
    if _HOSTILE.rows:
        terminalreporter.write_line("hostile files: file | outcome | reason | seconds")
        for name, outcome, reason, seconds in _HOSTILE.rows:
            terminalreporter.write_line(f"  {name} | {outcome} | {reason[:110]} | {seconds}")
        try:
            HOSTILE_REPORT.parent.mkdir(exist_ok=True)
            HOSTILE_REPORT.write_text(json.dumps(_HOSTILE.rows, indent=1, ensure_ascii=False))
        except OSError:
            pass
    if not _TALLY.rows:
        return
    s = _TALLY.summary()
    terminalreporter.write_line(
        f"access matrix: {s['patterns']} URL patterns ({s['pattern_method_pairs']} "
        f"pattern×method pairs) × {s['roles']} roles = {s['requests']} requests checked"
    )
    try:
        MATRIX_REPORT.parent.mkdir(exist_ok=True)
        MATRIX_REPORT.write_text(json.dumps({"summary": s, "rows": _TALLY.rows}, indent=1))
    except OSError:
        pass
