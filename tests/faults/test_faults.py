"""Faults in the real set-up: `celery worker` processes on Redis and PostgreSQL, killed,
cut off and delivered twice. Each test ends with the document `done` exactly once (one
page set, one finding set) or `failed` with a reason: never lost, never stuck.

Run: DATABASE_URL=postgres://... pytest tests/faults (needs redis-server on PATH; the
tests start their own Redis so they can stop it)."""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from records import services
from records.models import Document, ProcessingRun
from records.tasks import extract_findings, extract_text
from tests.faults.conftest import wait_for_status, wait_until
from tests.records import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker, pytest.mark.slow]


def upload(client, name: str, data: bytes) -> int:
    response = client.post(
        "/api/documents/", {"file": SimpleUploadedFile(name, data)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    return response.json()["documents"][0]["id"]


def settled(doc_id: int, runs: int, timeout: float = 30) -> None:
    """Wait until `runs` processing runs of the document have finished and none runs."""

    def done():
        qs = ProcessingRun.objects.filter(document_id=doc_id)
        return (
            qs.filter(finished_at__isnull=False).count() >= runs
            and not qs.filter(outcome=ProcessingRun.Outcome.RUNNING).exists()
        )

    wait_until(done, timeout, f"{runs} finished runs on document {doc_id}")


def assert_done_once(doc_id: int, n_pages: int) -> Document:
    doc = Document.objects.get(pk=doc_id)
    assert doc.status == "done", doc.error
    assert doc.page_count == n_pages
    assert list(doc.pages.values_list("number", flat=True)) == list(range(1, n_pages + 1))
    findings = list(
        doc.findings.values_list("field", "page", "start", "end", "assertion", "pipeline_version")
    )
    assert findings, "no findings"
    assert len(findings) == len(set(findings)), "the findings were written twice"
    success = doc.runs.filter(task_name="extract_findings", outcome="success")
    assert success.count() == 1
    assert success.get().message == f"{len(findings)} findings"
    assert doc.runs.filter(task_name="extract_text", outcome="success").count() == 1
    assert not doc.runs.filter(outcome="running").exists(), "a run was left running"
    return doc


# 1. A worker killed in the middle of reading a document ---------------------------------


@pytest.mark.parametrize("victim", ["pool_child", "whole_worker"])
def test_worker_killed_mid_extraction_document_reaches_done_once(
    victim, clients, start_worker, faults
):
    visibility = 2  # seconds; production uses an hour, more than the longest task
    env = {"CELERY_VISIBILITY_TIMEOUT": str(visibility)}
    faults.set("text_hold", 60)  # the first extraction hangs until we kill it
    first = start_worker(env=env)

    doc_id = upload(clients["alice"], "report.pdf", factories.report_pdf(3))
    started = faults.dir / "text_started"
    pid = int(wait_until(lambda: started.exists() and started.read_text(), 20, "extraction"))
    held_at = time.monotonic()
    assert Document.objects.get(pk=doc_id).status == "extracting_text"
    assert pid in first.pool_pids()

    if victim == "pool_child":
        # OOM killer or a crash in a PDF library: the pool process dies, the worker
        # parent sees it and, with reject_on_worker_lost, puts the message back.
        os.kill(pid, signal.SIGKILL)
    else:
        # The machine dies: nobody acks or rejects. Redis hands the unacked message
        # out again once the visibility timeout has passed.
        first.kill_all()
        time.sleep(max(0.0, held_at + visibility + 0.5 - time.monotonic()))
        start_worker(env=env)

    wait_for_status(doc_id, {"done", "failed"}, 40, faults)
    settled(doc_id, runs=3)
    doc = assert_done_once(doc_id, 3)
    assert len(faults.calls("text")) == 2  # the killed attempt and the redelivery
    interrupted = doc.runs.get(task_name="extract_text", outcome="failed")
    assert interrupted.message == services.INTERRUPTED


# 2. Redis down while a person uploads ---------------------------------------------------


def test_broker_down_during_upload_document_kept_and_swept_to_done(
    clients, start_worker, faults, broker
):
    broker.stop()
    t0 = time.monotonic()
    doc_id = upload(clients["alice"], "report.pdf", factories.report_pdf(2))
    assert time.monotonic() - t0 < 15, "the upload waited too long for the broker"
    doc = Document.objects.get(pk=doc_id)
    assert doc.status == "uploaded"
    assert doc.original.storage.exists(doc.original.name)

    # A sweep while the broker is still down says so and changes nothing.
    with pytest.raises(CommandError, match="could not reach the broker"):
        call_command("sweep_stuck", "--older-than", "0")
    assert Document.objects.get(pk=doc_id).status == "uploaded"

    broker.start()
    assert broker.llen() == 0  # nothing was queued: only the sweep can save it
    # Nobody calls anything: beat inside the worker runs the sweep every second.
    start_worker(beat=True, env={"SWEEP_INTERVAL": "1", "SWEEP_STUCK_AFTER": "1"})
    wait_for_status(doc_id, {"done", "failed"}, 40, faults)
    settled(doc_id, runs=2)
    assert_done_once(doc_id, 2)
    assert len(faults.calls("text")) == 1


# 3. The same task delivered twice, both copies running at once ---------------------------


def both_copies_write_at_once(doc_id: int, gate: str, faults) -> None:
    """Make the two copies of a step write at the same moment: with the document row
    locked by us, let both past their gate, wait until both are blocked on the
    database, then let go."""
    wait_until(lambda: faults.arrivals(gate) >= 2, 30, f"both copies at {gate}")
    with transaction.atomic():
        Document.objects.select_for_update().get(pk=doc_id)
        faults.open(gate)

        def both_blocked():
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                return cur.fetchone()[0] >= 2

        wait_until(both_blocked, 20, f"both copies past {gate} to wait on the database")


def test_duplicate_concurrent_delivery_writes_one_page_set_and_one_finding_set(
    clients, start_worker, faults
):
    faults.set("text_gate")
    faults.set("findings_gate")
    start_worker(concurrency=2)

    doc_id = upload(clients["alice"], "report.pdf", factories.report_pdf(2))
    extract_text.delay(doc_id)  # the text step delivered a second time
    both_copies_write_at_once(doc_id, "text_gate", faults)

    wait_until(lambda: faults.calls("findings"), 30, "the findings step to start")
    extract_findings.delay(doc_id)  # the findings step delivered a second time
    both_copies_write_at_once(doc_id, "findings_gate", faults)

    wait_for_status(doc_id, {"done", "failed"}, 30, faults)
    settled(doc_id, runs=4)
    doc = assert_done_once(doc_id, 2)
    assert len(faults.calls("text")) == 2 and len(faults.calls("findings")) == 2
    for step in ("extract_text", "extract_findings"):
        outcomes = sorted(doc.runs.filter(task_name=step).values_list("outcome", flat=True))
        assert outcomes == ["skipped", "success"], (step, outcomes)


# 4. A transient database error inside a task --------------------------------------------


@pytest.mark.parametrize(
    "fault, value",
    [
        # One-shot hooks; the errors are real ones from PostgreSQL, not mocks:
        ("db_kill_once", ""),  # the worker's session is terminated mid-task
        ("db_outage_once", 2),  # and no connection is possible for 2 s (a DB restart)
    ],
)
def test_transient_database_error_is_retried_with_backoff(
    fault, value, clients, start_worker, faults
):
    faults.set(fault, value)
    start_worker()
    doc_id = upload(clients["alice"], "report.pdf", factories.report_pdf(2))

    wait_for_status(doc_id, {"done", "failed"}, 40, faults)
    settled(doc_id, runs=3)
    doc = assert_done_once(doc_id, 2)
    runs = list(doc.runs.filter(task_name="extract_text").order_by("started_at", "id"))
    if fault == "db_outage_once":
        # The database was unreachable, so the retry could not be written down; the
        # retry itself marks the cut-off attempt.
        assert (faults.dir / "outage_ended").exists()
        assert [(r.attempt, r.outcome) for r in runs] == [(1, "failed"), (2, "success")]
        assert runs[0].message == services.INTERRUPTED
    else:
        assert [(r.attempt, r.outcome) for r in runs] == [(1, "retrying"), (2, "success")]
        assert "OperationalError" in runs[0].message
    # Backoff: the first retry waits 5 s (tasks._run_step).
    assert (runs[1].started_at - runs[0].started_at).total_seconds() >= 4.5
    assert len(faults.calls("text")) == 2


# 5. A file that kills the worker every time ---------------------------------------------


def test_file_that_always_kills_the_worker_ends_failed_not_in_a_loop(clients, start_worker, faults):
    faults.set("crash_marker", "CRASH-ME-7f3a")
    start_worker()
    doc_id = upload(clients["alice"], "note.txt", b"Clinic note\nCRASH-ME-7f3a\nER positive\n")

    doc = wait_for_status(doc_id, {"done", "failed"}, 40, faults)
    assert doc.status == "failed"
    assert doc.error == services.KEEPS_CRASHING
    assert len(faults.calls("text")) == services.MAX_INTERRUPTED

    # The worker is still serving the queue.
    other = upload(clients["alice"], "report.pdf", factories.report_pdf(1))
    wait_for_status(other, {"done", "failed"}, 30, faults)
    settled(other, runs=2)
    assert_done_once(other, 1)
