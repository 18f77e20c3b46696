"""Celery tasks: thin wrappers that take ids and call services."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import services

log = logging.getLogger(__name__)

# Transient: the database or the file store hiccuped. Retried with backoff.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
    soft_time_limit=settings.TASK_SOFT_TIME_LIMIT,
    time_limit=settings.TASK_TIME_LIMIT,
)
def extract_text(self, document_id: int) -> str | None:
    attempt = self.request.retries + 1
    try:
        return services.run_text_extraction(
            document_id, task_id=self.request.id or "", attempt=attempt
        )
    except SoftTimeLimitExceeded:
        services.mark_failed(document_id, services.TOO_SLOW)
        return "failed"
    except Exception as exc:
        if isinstance(exc, TRANSIENT) and self.request.retries < self.max_retries:
            services.mark_retrying(document_id, f"{type(exc).__name__}: {exc}")
            raise self.retry(exc=exc, countdown=min(2 ** self.request.retries * 5, 300)) from exc
        log.exception("text extraction failed for document %s", document_id)
        services.mark_failed(document_id, services.UNEXPECTED)
        raise
