"""The real path: a Celery worker consumes the configured broker (Redis in CI) and
writes to the real database."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.celery import app as celery_app
from tests.records import factories
from tests.records.conftest import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker, pytest.mark.slow]


def test_broker_is_the_configured_one():
    # In CI this must be Redis: the test below then proves the real queue works.
    assert celery_app.conf.broker_url == settings.CELERY_BROKER_URL


def test_uploaded_pdf_goes_through_the_queue_to_done(clients, worker):
    response = clients["alice"].post(
        "/api/documents/",
        {"file": SimpleUploadedFile("report.pdf", factories.report_pdf(2))},
        format="multipart",
    )
    assert response.status_code == 201
    doc_id = response.json()["documents"][0]["id"]
    doc = wait_for(doc_id, {"done", "failed"})
    assert doc.status == "done", doc.error
    assert doc.page_count == 2
    assert doc.findings.filter(field="er_status").exists()
    assert "Progesterone receptor: NEGATIVE" in doc.pages.get(number=1).text
    run = doc.runs.filter(task_name="extract_text").get()
    assert run.task_id and run.outcome == "success"


def test_real_scanned_pdf_through_the_worker(clients, worker):
    from tests.records.test_textextract import FIXTURES

    data = (FIXTURES / "scanned-pdfs" / "kidney.pdf").read_bytes()
    response = clients["alice"].post(
        "/api/documents/", {"file": SimpleUploadedFile("kidney.pdf", data)}, format="multipart"
    )
    doc = wait_for(response.json()["documents"][0]["id"], {"text_ready", "done", "failed"})
    assert doc.status in {"text_ready", "done"}, doc.error
    assert "RENAL CELL CARCINOMA" in doc.pages.get(number=1).text


def test_encrypted_pdf_fails_in_the_worker_with_reason(clients, worker):
    response = clients["alice"].post(
        "/api/documents/",
        {"file": SimpleUploadedFile("locked.pdf", factories.encrypted_pdf())},
        format="multipart",
    )
    doc = wait_for(response.json()["documents"][0]["id"], {"failed", "text_ready", "done"})
    assert doc.status == "failed"
    assert "password-protected" in doc.error
