from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from celery.contrib.testing.worker import start_worker
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from backend.celery import app as celery_app
from records import services
from records.models import Document

PASSWORD = "correct-horse-battery"


@dataclass
class People:
    alice: object  # patient, owner of the records
    bob: object  # clinician alice granted access to
    charlie: object  # another patient: no rights on alice's records
    dave: object  # a clinician without a grant


@pytest.fixture
def people(db) -> People:
    alice = services.create_patient_account("alice@example.org", PASSWORD, "Alice")
    bob = services.create_clinician_account("bob@example.org", PASSWORD, "Dr Bob")
    charlie = services.create_patient_account("charlie@example.org", PASSWORD, "Charlie")
    dave = services.create_clinician_account("dave@example.org", PASSWORD, "Dr Dave")
    services.grant_access(alice, bob)
    return People(alice, bob, charlie, dave)


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def clients(people):
    return {
        "alice": client_for(people.alice.user),
        "bob": client_for(people.bob.user),
        "charlie": client_for(people.charlie.user),
        "dave": client_for(people.dave.user),
        "anonymous": client_for(None),
    }


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


