"""Task messages carry document ids only, never a record's content or file name."""

from __future__ import annotations

import json

import pytest
from celery.signals import before_task_publish

from backend.celery import app as celery_app
from records import services

from .conftest import MARKER, REPORT, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    """Every message sent to the real broker while the test runs (then purged)."""
    messages = []

    def record(sender=None, body=None, headers=None, **kwargs):
        messages.append({"task": sender, "body": body, "headers": headers or {}})

    celery_app.conf.task_always_eager = False
    before_task_publish.connect(record, weak=False)
    try:
        yield messages
    finally:
        before_task_publish.disconnect(record)
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_purge("celery")


def test_upload_and_text_step_send_integer_ids_only(clients, people, published,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(clients["alice"], "Zelda pathology 2024.txt", REPORT)
    doc_id = response.json()["documents"][0]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        services.run_text_extraction(doc_id)

    assert [m["task"] for m in published] == [
        "records.tasks.extract_text", "records.tasks.extract_findings"
    ]
    for message in published:
        args, kwargs, _embed = message["body"]
        assert list(args) == [doc_id] and all(type(a) is int for a in args)
        assert all(type(v) is int for v in kwargs.values())
        text = json.dumps(message["body"], default=str) + json.dumps(message["headers"], default=str)
        assert MARKER.decode() not in text and "Zelda" not in text and "Estrogen" not in text
