"""Celery tasks: thin wrappers that take ids and call services."""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection

from . import services
from .models import Document

log = logging.getLogger(__name__)

# Transient: the database or the file store hiccuped. Retried with backoff.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)

DOCUMENT_TASK = dict(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
    soft_time_limit=settings.TASK_SOFT_TIME_LIMIT,
    time_limit=settings.TASK_TIME_LIMIT,
)


def _run_step(
    task, step: Callable[..., str | None], document_id: int, retry_status: str
) -> str | None:
    """Run one document step with the retry and failure policy every step shares."""
    try:
        return step(document_id, task_id=task.request.id or "", attempt=task.request.retries + 1)
    except SoftTimeLimitExceeded:
        services.mark_failed(document_id, services.TOO_SLOW)
        return "failed"
    except Exception as exc:
        if isinstance(exc, TRANSIENT) and task.request.retries < task.max_retries:
            # Drop a connection the failure broke, and never let the bookkeeping (which
            # needs the database that just failed) stop the retry from being scheduled.
            if not connection.in_atomic_block:
                close_old_connections()
            try:
                services.mark_retrying(document_id, f"{type(exc).__name__}: {exc}", retry_status)
            except TRANSIENT:
                log.warning("could not record the retry of document %s", document_id)
            raise task.retry(exc=exc, countdown=min(2**task.request.retries * 5, 300)) from exc
        log.exception("%s failed for document %s", task.name, document_id)
        services.mark_failed(document_id, services.UNEXPECTED)
        raise


@shared_task(**DOCUMENT_TASK)
def extract_text(self, document_id: int) -> str | None:
    return _run_step(self, services.run_text_extraction, document_id, Document.Status.QUEUED)


@shared_task(**DOCUMENT_TASK)
def extract_findings(self, document_id: int) -> str | None:
    return _run_step(
        self, services.run_findings_extraction, document_id, Document.Status.TEXT_READY
    )
