"""The safety net under the queue: find documents that stopped moving and queue them again.

A document can stop when its message never reached the broker (Redis was down during
the upload: the document stays `uploaded`), when a message was lost (Redis restarted
without persistence: it stays `queued` or `text_ready`), or when the worker running it
died in a way the broker did not notice (it stays `extracting_*`). Celery beat runs
`sweep_stuck` every minute (backend/celery.py); `manage.py sweep_stuck` runs it by hand.

Re-queueing is safe because every step is idempotent: a document whose step already
finished skips it, and two deliveries of one step write one set of pages or findings.
Each document is claimed with a compare-and-set on `updated_at` before its task is
sent, so two sweeps running at once (beat started twice by mistake) queue it once, and
it is not queued again until it has been still for the threshold again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from backend.env import env_int

from .models import Document

log = logging.getLogger(__name__)

Status = Document.Status

# Waiting for a worker: the message may never have been sent, or may be lost.
WAITING = (Status.UPLOADED, Status.QUEUED)
# Text read and the findings step queued, or a step running: if still there after the
# hard time limit, no worker is running it any more.
RUNNING = (Status.TEXT_READY, Status.EXTRACTING_TEXT, Status.EXTRACTING_FINDINGS)
TEXT_STEP = {Status.UPLOADED, Status.QUEUED, Status.EXTRACTING_TEXT}

BATCH = 500


def default_older_than() -> timedelta:
    """SWEEP_STUCK_AFTER seconds (default 600) for `uploaded` and `queued`."""
    return timedelta(seconds=env_int("SWEEP_STUCK_AFTER", 600))


def default_running_older_than() -> timedelta:
    """Past the hard task time limit, with a minute's grace."""
    return timedelta(seconds=settings.TASK_TIME_LIMIT + 60)


@dataclass
class SweepReport:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # broker refused: still waiting

    def __str__(self) -> str:
        text = f"re-queued {len(self.requeued)} document(s)"
        if self.failed:
            text += f"; could not queue {len(self.failed)} (broker unreachable?)"
        return text


def stuck_documents(older_than: timedelta, running_older_than: timedelta, now=None):
    now = now or timezone.now()
    waiting = Document.objects.filter(status__in=WAITING, updated_at__lt=now - older_than)
    running = Document.objects.filter(status__in=RUNNING, updated_at__lt=now - running_older_than)
    return (waiting | running).order_by("updated_at", "id")


def _send(document_id: int, status: str) -> None:
    from .tasks import extract_findings, extract_text

    task = extract_text if status in TEXT_STEP else extract_findings
    task.delay(document_id)


def requeue_stuck(
    older_than: timedelta | None = None,
    running_older_than: timedelta | None = None,
    *,
    limit: int = BATCH,
) -> SweepReport:
    """Queue again the documents that have not moved for too long.

    `uploaded`/`queued` older than `older_than` (default SWEEP_STUCK_AFTER, 10 min)
    and `text_ready`/`extracting_*` older than `running_older_than` (default the task
    time limit plus a minute). Idempotent; stops at the first broker failure, leaving
    the rest for the next sweep."""
    older_than = default_older_than() if older_than is None else older_than
    if running_older_than is None:
        running_older_than = max(default_running_older_than(), older_than)
    report = SweepReport()
    candidates = stuck_documents(older_than, running_older_than).values_list(
        "pk", "status", "updated_at"
    )[:limit]
    for pk, status, updated_at in candidates:
        # Claim: only one sweep wins a document, and only if it has not moved meanwhile.
        claimed = Document.objects.filter(pk=pk, status=status, updated_at=updated_at).update(
            updated_at=timezone.now()
        )
        if not claimed:
            continue
        try:
            _send(pk, status)
        except Exception:  # noqa: BLE001 - broker down: the document keeps waiting
            log.exception("sweep could not queue document %s (%s)", pk, status)
            report.failed.append(pk)
            break
        if status == Status.UPLOADED:
            Document.objects.filter(pk=pk, status=Status.UPLOADED).update(
                status=Status.QUEUED, updated_at=timezone.now()
            )
        report.requeued.append(pk)
        log.warning("sweep re-queued document %s, which was %s since %s", pk, status, updated_at)
    return report


@shared_task(name="records.sweep_stuck", ignore_result=True)
def sweep_stuck() -> list[int]:
    """Celery beat entry point."""
    return requeue_stuck().requeued
