"""Fixtures for the page tests and the browser tests."""

from __future__ import annotations

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import tests.records.conftest as records_conftest
from records import services
from records.models import Document
from tests.records.test_end_to_end import CORE_BIOPSY, EXCISION

# `people` (alice, bob, charlie, dave) comes from tests/conftest.py, or from
# tests/records/conftest.py where it still lives there; `worker` from the latter.
PASSWORD = records_conftest.PASSWORD
worker = records_conftest.worker
if hasattr(records_conftest, "people"):
    people = records_conftest.people

# Playwright's sync API runs an event loop in the test thread; Django would refuse ORM
# calls from it. The live server and the ORM calls in these tests are plain sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

__all__ = ["PASSWORD", "worker", "read_now", "CORE_BIOPSY", "EXCISION"]


def read_now(patient, name: str, data: bytes) -> Document:
    """Upload and process a document in this thread, without a broker: the same
    service calls the worker makes."""
    result = services.ingest_upload(
        patient=patient, uploaded_by=patient.user,
        uploaded=SimpleUploadedFile(name, data, "text/plain"),
    )
    services.run_text_extraction(result.document.pk)
    services.run_findings_extraction(result.document.pk)
    result.document.refresh_from_db()
    assert result.document.status == Document.Status.DONE, result.document.error
    return result.document


@pytest.fixture
def records(people):
    """Alice's two reports that disagree about ER, read and stored."""
    core = read_now(people.alice, "core-biopsy.txt", CORE_BIOPSY)
    excision = read_now(people.alice, "excision.txt", EXCISION)
    return {"core": core, "excision": excision}


@pytest.fixture
def clinic_note(people):
    from pathlib import Path

    import records

    path = Path(records.__file__).parent / "demo" / "clinic_note.txt"
    return read_now(people.alice, "clinic_note.txt", path.read_bytes())


def login(client, person) -> None:
    client.force_login(person.user)
