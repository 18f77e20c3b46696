from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.celery import app as celery_app
from records import services
from records.models import Document
from tests.people import PASSWORD, People, client_for  # noqa: F401 - re-exported for tests


@pytest.fixture
def eager_tasks(django_capture_on_commit_callbacks):
    """Run queued tasks in-process right after commit: the real task code, no broker.
    The worker tests cover the queue itself."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = False
    try:
        yield django_capture_on_commit_callbacks
    finally:
        celery_app.conf.task_always_eager = False


@pytest.fixture
def upload_now(eager_tasks):
    """Ingest a file for a patient and run its tasks in-process (the real task code)."""

    def upload(patient, name: str, data: bytes) -> Document:
        with eager_tasks(execute=True):
            result = services.ingest_upload(
                patient=patient, uploaded_by=patient.user, uploaded=SimpleUploadedFile(name, data)
            )
        return Document.objects.get(pk=result.document.pk)

    return upload


@pytest.fixture
def worker():
    celery_app.conf.task_always_eager = False
    # Drop anything an earlier, aborted run left in the queue.
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    with start_worker(celery_app, pool="threads", concurrency=1, perform_ping_check=False,
                      shutdown_timeout=30):
        yield


def wait_for(doc_id: int, states: set[str], timeout: float = 60.0) -> Document:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        doc = Document.objects.get(pk=doc_id)
        if doc.status in states:
            return doc
        time.sleep(0.1)
    raise AssertionError(f"document {doc_id} stuck in {doc.status}")


