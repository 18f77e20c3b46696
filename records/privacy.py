"""“Delete my data”: everything OncoLens holds about a patient, gone on request.

Removes the patient's documents with their stored files, pages, processing runs,
findings, reviews (anyone's reviews of those findings) and questions with their
answers; optionally the account itself. What stays is the audit trail of who did what
and when, with the content taken out: one new entry records the deletion (actor,
action delete, counts), and earlier entries about the deleted objects keep their
action, actor, time and ids but lose the copied field values and descriptions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .models import AccessGrant, Document, Finding, Page, Patient, ProcessingRun, Review

REDACTED = "[deleted at the patient's request]"


@dataclass(frozen=True)
class DeletionSummary:
    patient_id: int
    documents: int
    pages: int
    processing_runs: int
    findings: int
    reviews: int
    questions: int
    files: int
    access_grants: int
    account_deleted: bool
    audit_entries_redacted: int

    def as_dict(self) -> dict:
        return asdict(self)


def _redact_history(objects: dict[type, list[int]]) -> int:
    """Strip content from earlier audit entries about these objects."""
    redacted = 0
    for model, ids in objects.items():
        if not ids:
            continue
        content_type = ContentType.objects.get_for_model(model)
        redacted += LogEntry.objects.filter(
            content_type=content_type, object_pk__in=[str(i) for i in ids]
        ).update(
            object_repr=REDACTED, changes=None, changes_text="", serialized_data=None,
            additional_data=None,
        )
    return redacted


def delete_patient_data(patient: Patient, actor, *, delete_account: bool = False) -> DeletionSummary:
    """Delete a patient's data (and with delete_account=True their user account).

    Runs in one transaction; stored files are removed once it commits, so a failure
    leaves everything as it was. Returns the counts also written to the audit entry.
    """
    from guidelines.models import Question

    with transaction.atomic():
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        documents = Document.objects.filter(patient=patient)
        document_ids = list(documents.values_list("pk", flat=True))
        file_names = [n for n in documents.values_list("original", flat=True) if n]
        storage = Document._meta.get_field("original").storage
        findings = Finding.objects.filter(document_id__in=document_ids)
        finding_ids = list(findings.values_list("pk", flat=True))
        reviews = Review.objects.filter(finding_id__in=finding_ids)
        review_ids = list(reviews.values_list("pk", flat=True))
        grant_ids = list(AccessGrant.objects.filter(patient=patient).values_list("pk", flat=True))

        # One summary entry instead of an entry per row, each copying the row's content.
        with disable_auditlog():
            counts = {
                "reviews": reviews.delete()[0],
                "findings": findings.delete()[0],
                "pages": Page.objects.filter(document_id__in=document_ids).delete()[0],
                "processing_runs": ProcessingRun.objects.filter(
                    document_id__in=document_ids).delete()[0],
                "questions": Question.objects.filter(patient=patient).delete()[0],
                "documents": documents.delete()[0],
            }
            # Grants are who-may-see, not clinical data: they go only with the account.
            counts["access_grants"] = (
                AccessGrant.objects.filter(patient=patient).delete()[0] if delete_account else 0
            )

        redacted = _redact_history({
            Document: document_ids, Finding: finding_ids, Review: review_ids,
            **({Patient: [patient.pk], AccessGrant: grant_ids} if delete_account else {}),
        })
        summary = DeletionSummary(
            patient_id=patient.pk,
            files=len(file_names),
            account_deleted=delete_account,
            audit_entries_redacted=redacted,
            **counts,
        )
        actor_user = actor if getattr(actor, "is_authenticated", False) else None
        LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(Patient),
            object_pk=str(patient.pk),
            object_id=patient.pk,
            object_repr=f"patient {patient.pk}: data deleted at the patient's request",
            action=LogEntry.Action.DELETE,
            actor=actor_user,
            actor_email=getattr(actor_user, "email", None) or None,
            changes_text=", ".join(
                f"{k.replace('_', ' ')}: {v}" for k, v in summary.as_dict().items()
            ),
            additional_data={
                "deletion": summary.as_dict(),
                "actor_id": getattr(actor_user, "pk", None),
                "at": timezone.now().isoformat(),
            },
        )
        if delete_account:
            user = patient.user
            with disable_auditlog():
                user.delete()  # cascades to the Patient row and the API token

        def remove_files(names=tuple(file_names)):
            for name in names:
                storage.delete(name)

        transaction.on_commit(remove_files)
    return summary
