"""People, their documents, the text read from them and each processing run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Patient(models.Model):
    """A person whose records OncoLens holds; owned by one user account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient"
    )
    display_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()


class Clinician(models.Model):
    """Marks a user account as a clinician who may be granted access to patients."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician"
    )
    display_name = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()


class AccessGrant(models.Model):
    """A patient's permission for one clinician to see their records."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="grants")
    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="grants")
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "clinician"], name="one_grant_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.clinician} → {self.patient}"


class Document(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        QUEUED = "queued", "Queued"
        EXTRACTING_TEXT = "extracting_text", "Reading text"
        TEXT_READY = "text_ready", "Text read"
        EXTRACTING_FINDINGS = "extracting_findings", "Finding clinical values"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="documents")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    original = models.FileField(upload_to="documents/%Y/%m/", max_length=500)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    media_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    page_count = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.UPLOADED)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    text_ready_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    pipeline_version = models.CharField(max_length=32, blank=True)
    kind = models.CharField(max_length=16, blank=True, help_text="pathology, note, lab...")
    document_date = models.DateField(null=True, blank=True, help_text="Clinical date read from the text")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "sha256"], name="one_copy_per_patient")
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"


class Page(models.Model):
    class Method(models.TextChoices):
        TEXT_LAYER = "text_layer", "Text layer"
        OCR = "ocr", "OCR"
        PLAIN_TEXT = "plain_text", "Plain text"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    text = models.TextField()
    method = models.CharField(max_length=16, choices=Method.choices)
    ocr_confidence = models.FloatField(null=True, blank=True)
    notes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_page_number")
        ]

    def __str__(self) -> str:
        return f"page {self.number} of document {self.document_id}"


class ProcessingRun(models.Model):
    """One attempt of one task on one document, in the spirit of paperless-ngx's
    task records: what ran, with which pipeline, how long, and how it ended."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCESS = "success", "Success"
        FAILED = "failed", "Failed"
        RETRYING = "retrying", "Will retry"
        SKIPPED = "skipped", "Skipped (already done)"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="runs")
    task_name = models.CharField(max_length=100)
    task_id = models.CharField(max_length=255, blank=True)
    pipeline_version = models.CharField(max_length=32)
    attempt = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task_name} on document {self.document_id}: {self.outcome}"


class Finding(models.Model):
    """One clinical value the NLP pipeline read from a document, with its provenance.

    Rows are written per pipeline run and replaced whole when a document is
    re-extracted; reviews (a later step) point at them and never overwrite them.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="findings")
    pipeline_version = models.CharField(max_length=32)
    field = models.CharField(max_length=64)
    value = models.JSONField(null=True)
    text = models.TextField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    page = models.PositiveIntegerField(null=True, blank=True)
    section = models.CharField(max_length=64, blank=True)
    assertion = models.CharField(max_length=16, default="present")
    confidence = models.FloatField()
    derived = models.BooleanField(default=False)
    attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document_id", "page", "start", "id"]
        indexes = [models.Index(fields=["document", "field"])]

    def __str__(self) -> str:
        return f"{self.field}={self.value!r} ({self.assertion})"


class Review(models.Model):
    """A person's verdict on one finding. Reviews are only ever added: the latest
    clinician review is in force, and the history stays for the audit."""

    class Action(models.TextChoices):
        ACCEPT = "accept", "Accepted"
        CORRECT = "correct", "Corrected"
        REJECT = "reject", "Rejected"
        FLAG = "flag", "Flagged as wrong by the patient"

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    value = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["finding", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action} on finding {self.finding_id}"
