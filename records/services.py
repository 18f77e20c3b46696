"""Writes: taking in uploads and moving documents through their states."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nlp import PIPELINE_VERSION

from . import filetypes
from .models import Document, Finding, Page, Patient, ProcessingRun
from .textextract import UnreadableDocument, extract_pages
from .validation import check_upload

log = logging.getLogger(__name__)

UNEXPECTED = (
    "Something went wrong on our side while reading this file. The original is kept "
    "safely; please try again later or contact support."
)
TOO_SLOW = (
    "Reading this file took too long and was stopped. The original is kept; it may be "
    "unusually large or complex. Try splitting it into smaller files."
)
KEEPS_CRASHING = (
    "Reading this file stopped our reader every time we tried, so it was set aside. "
    "The original is kept; it may be damaged or unusually complex. Try exporting it "
    "again or splitting it into smaller files."
)
# A run left `running` was cut off: its worker died (killed, out of memory, crashed in
# a file reader) or the database went away, and the task was delivered again.
INTERRUPTED = "Stopped before finishing (worker lost or database unreachable); tried again."
MAX_INTERRUPTED = 3


@dataclass(frozen=True)
class IngestResult:
    document: Document
    created: bool


def ingest_upload(*, patient: Patient, uploaded_by, uploaded) -> IngestResult:
    """Store one uploaded file for a patient and queue it once the row is committed.

    The same bytes uploaded again for the same patient return the existing document.
    Raises validation.Refusal for files that must not be stored.
    """
    checked = check_upload(uploaded)
    existing = Document.objects.filter(patient=patient, sha256=checked.sha256).first()
    if existing:
        return IngestResult(existing, created=False)
    extension = filetypes.EXTENSIONS[checked.media_type]
    with transaction.atomic():
        document = Document(
            patient=patient,
            uploaded_by=uploaded_by,
            original_name=(uploaded.name or "upload")[:255],
            sha256=checked.sha256,
            media_type=checked.media_type,
            size=checked.size,
        )
        # The stored name carries no part of the user's file name: no traversal, no PII.
        document.original.save(f"{checked.sha256}.{extension}", uploaded, save=False)
        document.save()
        transaction.on_commit(lambda: enqueue_text_extraction(document.pk))
    return IngestResult(document, created=True)


def enqueue_text_extraction(document_id: int) -> None:
    """Mark queued and send the task. If the broker is down the document stays
    `uploaded`, nothing is lost, and the sweep queues it later."""
    from .tasks import extract_text

    try:
        extract_text.delay(document_id)
    except Exception:  # noqa: BLE001 - any broker failure leaves the upload safe
        log.exception("could not queue document %s; it stays uploaded", document_id)
        return
    Document.objects.filter(pk=document_id, status=Document.Status.UPLOADED).update(
        status=Document.Status.QUEUED, updated_at=timezone.now()
    )


def _start_run(document: Document, task_name: str, task_id: str, attempt: int) -> ProcessingRun:
    return ProcessingRun.objects.create(
        document=document,
        task_name=task_name,
        task_id=task_id or "",
        pipeline_version=PIPELINE_VERSION,
        attempt=attempt,
    )


def _gave_up_after_interruptions(
    document: Document, task_name: str, task_id: str, attempt: int
) -> bool:
    """Mark this step's cut-off runs, and fail a document whose step was cut off
    MAX_INTERRUPTED times: a file that kills the worker must not loop forever (with
    acks_late and reject_on_worker_lost the broker would deliver it again and again)."""
    runs = ProcessingRun.objects.filter(document=document, task_name=task_name)
    runs.filter(outcome=ProcessingRun.Outcome.RUNNING).update(
        outcome=ProcessingRun.Outcome.FAILED, finished_at=timezone.now(), message=INTERRUPTED
    )
    if runs.filter(message=INTERRUPTED).count() < MAX_INTERRUPTED:
        return False
    mark_failed(document.pk, KEEPS_CRASHING, run=_start_run(document, task_name, task_id, attempt))
    return True


def _locked_status(document_id: int) -> str | None:
    """Lock the document row for the rest of the transaction and read its status, so
    two deliveries of one step write one after the other and the second sees the first."""
    return (
        Document.objects.select_for_update()
        .filter(pk=document_id)
        .values_list("status", flat=True)
        .first()
    )


def _record_skip(document: Document, step: str, task_id: str, attempt: int) -> str:
    """A delivery that finds its step already taken or done leaves a `skipped` run."""
    document.refresh_from_db(fields=["status"])
    run = _start_run(document, step, task_id, attempt)
    _finish_run(run, ProcessingRun.Outcome.SKIPPED, f"status was {document.status}")
    return document.status


def _finish_run(run: ProcessingRun, outcome: str, message: str = "") -> None:
    run.finished_at = timezone.now()
    run.duration_ms = int((run.finished_at - run.started_at).total_seconds() * 1000)
    run.outcome = outcome
    run.message = message[:2000]
    run.save(update_fields=["finished_at", "duration_ms", "outcome", "message"])


TEXT_DONE_STATES = {
    Document.Status.TEXT_READY,
    Document.Status.EXTRACTING_FINDINGS,
    Document.Status.DONE,
}
TEXT_TODO_STATES = {
    Document.Status.UPLOADED,
    Document.Status.QUEUED,
    Document.Status.EXTRACTING_TEXT,  # a run cut off before it finished
}


def run_text_extraction(document_id: int, *, task_id: str = "", attempt: int = 1) -> str | None:
    """Read a document's pages. Idempotent: a document whose text is already read is
    left alone, and a rerun after a crash replaces pages in one transaction."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return None  # deleted while queued
    # Claim only from a to-do state: another delivery may have finished meanwhile.
    claimed = Document.objects.filter(pk=document.pk, status__in=TEXT_TODO_STATES).update(
        status=Document.Status.EXTRACTING_TEXT, error="", updated_at=timezone.now()
    )
    if not claimed:
        return _record_skip(document, "extract_text", task_id, attempt)
    if _gave_up_after_interruptions(document, "extract_text", task_id, attempt):
        return Document.Status.FAILED
    run = _start_run(document, "extract_text", task_id, attempt)
    started = time.monotonic()
    try:
        with document.original.open("rb") as fh:
            data = fh.read()
        pages = extract_pages(
            data,
            document.media_type,
            max_pages=settings.UPLOAD_MAX_PAGES,
            ocr_language=settings.OCR_LANGUAGE,
            ocr_dpi=settings.OCR_DPI,
        )
    except UnreadableDocument as exc:
        mark_failed(document.pk, str(exc), run=run)
        return Document.Status.FAILED
    with transaction.atomic():
        status = _locked_status(document.pk)
        if status != Document.Status.EXTRACTING_TEXT:  # another delivery wrote the pages
            if status is not None:
                _finish_run(run, ProcessingRun.Outcome.SKIPPED, f"status was {status}")
            return status
        Page.objects.filter(document=document).delete()
        Page.objects.bulk_create(
            Page(
                document=document,
                number=p.number,
                text=p.text.replace("\x00", ""),
                method=p.method,
                ocr_confidence=p.ocr_confidence,
                notes=p.notes,
            )
            for p in pages
        )
        Document.objects.filter(pk=document.pk).update(
            status=Document.Status.TEXT_READY,
            page_count=len(pages),
            text_ready_at=timezone.now(),
            error="",
            updated_at=timezone.now(),
        )
        _finish_run(
            run,
            ProcessingRun.Outcome.SUCCESS,
            f"{len(pages)} pages in {(time.monotonic() - started) * 1000:.0f} ms",
        )
        transaction.on_commit(lambda: after_text_ready(document.pk))
    return Document.Status.TEXT_READY


def after_text_ready(document_id: int) -> None:
    """Queue the findings step. A broker failure leaves the document `text_ready`,
    which the sweep picks up later."""
    from .tasks import extract_findings

    try:
        extract_findings.delay(document_id)
    except Exception:  # noqa: BLE001 - any broker failure leaves the text safe
        log.exception("could not queue findings for document %s", document_id)


def run_findings_extraction(
    document_id: int, *, task_id: str = "", attempt: int = 1
) -> str | None:
    """Run the NLP pipeline over a document's pages and store its findings.

    Idempotent: a document already done with this pipeline version is skipped, and a
    rerun replaces the document's findings in one transaction, so duplicate delivery
    leaves one set."""
    from nlp.docmeta import document_date, document_kind
    from nlp.pipeline import extract_document

    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return None
    # Claim unless done with this pipeline version (checked in the same statement, so
    # a copy finishing meanwhile is not undone).
    claimed = (
        Document.objects.filter(
            pk=document.pk,
            status__in=(
                Document.Status.TEXT_READY,
                Document.Status.EXTRACTING_FINDINGS,
                Document.Status.DONE,
            ),
        )
        .exclude(status=Document.Status.DONE, pipeline_version=PIPELINE_VERSION)
        .update(status=Document.Status.EXTRACTING_FINDINGS, updated_at=timezone.now())
    )
    if not claimed:
        return _record_skip(document, "extract_findings", task_id, attempt)
    if _gave_up_after_interruptions(document, "extract_findings", task_id, attempt):
        return Document.Status.FAILED
    run = _start_run(document, "extract_findings", task_id, attempt)
    pages = list(document.pages.order_by("number").values_list("text", flat=True))
    full_text = "\n".join(pages)
    result = extract_document(full_text, pages=pages, doc_id=str(document.pk))
    with transaction.atomic():
        status = _locked_status(document.pk)
        if status != Document.Status.EXTRACTING_FINDINGS:  # another delivery wrote them
            if status is not None:
                _finish_run(run, ProcessingRun.Outcome.SKIPPED, f"status was {status}")
            return status
        Finding.objects.filter(document=document).delete()
        Finding.objects.bulk_create(
            Finding(
                document=document,
                pipeline_version=PIPELINE_VERSION,
                field=f["field"],
                value=f.get("value"),
                text=f["text"],
                start=f["start"],
                end=f["end"],
                page=f.get("page"),
                section=f.get("section") or "",
                assertion=f.get("assertion", "present"),
                confidence=f.get("confidence", 0.5),
                derived=bool(f.get("derived")),
                attributes=f.get("attributes") or {},
            )
            for f in result["findings"]
        )
        Document.objects.filter(pk=document.pk).update(
            status=Document.Status.DONE,
            summary=result["summary"],
            pipeline_version=PIPELINE_VERSION,
            kind=document_kind(full_text),
            document_date=document_date(full_text),
            done_at=timezone.now(),
            updated_at=timezone.now(),
        )
        _finish_run(run, ProcessingRun.Outcome.SUCCESS, f"{len(result['findings'])} findings")
    return Document.Status.DONE


def mark_failed(document_id: int, reason: str, *, run: ProcessingRun | None = None) -> None:
    Document.objects.filter(pk=document_id).update(
        status=Document.Status.FAILED, error=reason, updated_at=timezone.now()
    )
    if run is not None:
        _finish_run(run, ProcessingRun.Outcome.FAILED, reason)
    else:
        ProcessingRun.objects.filter(
            document_id=document_id, outcome=ProcessingRun.Outcome.RUNNING
        ).update(outcome=ProcessingRun.Outcome.FAILED, finished_at=timezone.now(), message=reason)


def mark_retrying(document_id: int, message: str, status: str) -> None:
    ProcessingRun.objects.filter(
        document_id=document_id, outcome=ProcessingRun.Outcome.RUNNING
    ).update(outcome=ProcessingRun.Outcome.RETRYING, finished_at=timezone.now(), message=message)
    Document.objects.filter(pk=document_id).exclude(status=Document.Status.FAILED).update(
        status=status, updated_at=timezone.now()
    )


def delete_document(document: Document) -> None:
    """Remove a document, its pages and its stored file."""
    storage, name = document.original.storage, document.original.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name) if name else None)


def create_patient_account(email: str, password: str, display_name: str = "") -> Patient:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username=email, defaults={"email": email}
    )
    user.set_password(password)
    user.save()
    patient, _ = Patient.objects.get_or_create(user=user, defaults={"display_name": display_name})
    return patient


def create_clinician_account(email: str, password: str, display_name: str = ""):
    from django.contrib.auth import get_user_model

    from .models import Clinician

    user, _ = get_user_model().objects.get_or_create(
        username=email, defaults={"email": email}
    )
    user.set_password(password)
    user.save()
    clinician, _ = Clinician.objects.get_or_create(
        user=user, defaults={"display_name": display_name}
    )
    return clinician


def grant_access(patient: Patient, clinician) -> None:
    from .models import AccessGrant

    grant, created = AccessGrant.objects.get_or_create(patient=patient, clinician=clinician)
    if not created and grant.revoked_at is not None:
        grant.revoked_at = None
        grant.granted_at = timezone.now()
        grant.save(update_fields=["revoked_at", "granted_at"])


def revoke_access(patient: Patient, clinician) -> None:
    from .models import AccessGrant

    AccessGrant.objects.filter(patient=patient, clinician=clinician).update(
        revoked_at=timezone.now()
    )
