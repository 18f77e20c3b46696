"""The sweep that re-queues documents that stopped moving: which ones, how often, and
that it is wired to Celery beat. The tasks it sends are read back from our own Redis."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from backend.celery import app as celery_app
from records import sweep
from records.models import Document

pytestmark = [pytest.mark.django_db, pytest.mark.worker, pytest.mark.slow]


def queued_tasks(broker) -> list[tuple[str, int]]:
    import redis

    client = redis.Redis.from_url(broker.url)
    out = []
    for raw in client.lrange("celery", 0, -1):
        headers = json.loads(raw)["headers"]
        out.append((headers["task"].rsplit(".", 1)[-1], int(headers["argsrepr"].strip("(,)"))))
    return sorted(out)


def make(patient, status: str, minutes_still: float) -> int:
    n = Document.objects.count()
    doc = Document.objects.create(
        patient=patient,
        original=f"documents/{n}.pdf",
        original_name=f"{n}.pdf",
        sha256=f"{n:064d}",
        media_type="application/pdf",
        size=1,
        status=status,
    )
    Document.objects.filter(pk=doc.pk).update(
        updated_at=timezone.now() - timedelta(minutes=minutes_still)
    )
    return doc.pk


def test_sweep_requeues_exactly_the_stuck_documents_once(people, broker, settings):
    settings.TASK_TIME_LIMIT = 660  # running states count as stuck after 12 minutes
    alice = people.alice
    uploaded_old = make(alice, "uploaded", 20)
    queued_old = make(alice, "queued", 20)
    make(alice, "queued", 1)  # waiting, but not for long
    make(alice, "text_ready", 5)  # findings queued 5 minutes ago: give it time
    text_ready_old = make(alice, "text_ready", 30)
    reading_old = make(alice, "extracting_text", 30)
    make(alice, "extracting_text", 5)  # probably still running
    finding_old = make(alice, "extracting_findings", 30)
    make(alice, "done", 60)
    make(alice, "failed", 60)

    report = sweep.requeue_stuck(timedelta(minutes=10))

    assert sorted(report.requeued) == sorted(
        [uploaded_old, queued_old, text_ready_old, reading_old, finding_old]
    )
    assert queued_tasks(broker) == sorted(
        [
            ("extract_text", uploaded_old),
            ("extract_text", queued_old),
            ("extract_text", reading_old),
            ("extract_findings", text_ready_old),
            ("extract_findings", finding_old),
        ]
    )
    assert Document.objects.get(pk=uploaded_old).status == "queued"
    assert Document.objects.get(pk=reading_old).status == "extracting_text"

    # Swept documents are not swept again until they have been still that long again.
    assert sweep.requeue_stuck(timedelta(minutes=10)).requeued == []
    assert broker.llen() == 5


def test_sweep_command_reports_what_it_queued(people, broker):
    doc = make(people.alice, "uploaded", 3)
    out = StringIO()
    call_command("sweep_stuck", "--older-than", "2", stdout=out)
    assert "re-queued 1 document(s)" in out.getvalue()
    assert queued_tasks(broker) == [("extract_text", doc)]


def test_beat_runs_the_sweep_every_minute():
    entry = celery_app.conf.beat_schedule["sweep-stuck-documents"]
    assert entry["task"] == sweep.sweep_stuck.name == "records.sweep_stuck"
    assert entry["schedule"] == 60.0
    assert entry["options"]["expires"] < 60  # a sweep that could not run is dropped
    assert "records.sweep" in celery_app.conf.include  # workers register the task
