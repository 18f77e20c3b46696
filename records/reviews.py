"""Clinician review of findings: accept, correct or reject; patients may flag.

Every review is a new row. The latest clinician verdict is in force; nothing is
overwritten, so the history of a value stays readable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.http import Http404

from . import selectors
from .models import Clinician, Finding, Review


class ReviewNotAllowed(Exception):
    """The person may see the finding but not do this to it."""


class InvalidReview(ValueError):
    """The review lacks something it needs (a value, a reason)."""


def findings_visible_to(user):
    return Finding.objects.filter(document__in=selectors.documents_visible_to(user))


def get_finding_for(user, finding_id: int) -> Finding:
    finding = findings_visible_to(user).select_related("document").filter(pk=finding_id).first()
    if finding is None:
        raise Http404("No such finding.")
    return finding


def is_granted_clinician(user, patient) -> bool:
    return Clinician.objects.filter(
        user=user, grants__patient=patient, grants__revoked_at__isnull=True
    ).exists()


def add_review(user, finding: Finding, action: str, value: Any = None, reason: str = "") -> Review:
    patient = finding.document.patient
    reason = (reason or "").strip()
    if action == Review.Action.FLAG:
        if not selectors.is_owner(user, patient):
            raise ReviewNotAllowed("Only the patient can flag a value as wrong.")
    elif action in (Review.Action.ACCEPT, Review.Action.CORRECT, Review.Action.REJECT):
        if not is_granted_clinician(user, patient):
            raise ReviewNotAllowed("Only a clinician the patient granted access can review values.")
        if action == Review.Action.CORRECT and (value is None or value == ""):
            raise InvalidReview("A correction needs the new value.")
        if action in (Review.Action.CORRECT, Review.Action.REJECT) and not reason:
            raise InvalidReview("Say why the value is corrected or rejected.")
    else:
        raise InvalidReview(f"Unknown action {action!r}: use accept, correct, reject or flag.")
    return Review.objects.create(
        finding=finding,
        reviewer=user,
        action=action,
        value=value if action == Review.Action.CORRECT else None,
        reason=reason,
    )


@dataclass
class QueueItem:
    finding: Finding
    in_conflict: bool
    flagged: bool


def patient_queue(patient, inputs=None, profile=None) -> list[QueueItem]:
    """One patient's findings to review (unsorted). Callers that already loaded the
    patient's inputs or built the profile pass them in; nothing is loaded twice."""
    from .profile import build_profile, load_inputs

    inputs = inputs or load_inputs(patient)
    profile = profile or build_profile(patient, inputs)
    conflict_ids = {
        fid
        for name in profile["conflicts"]
        for cand in profile["fields"][name]["conflict"]
        for fid in cand["finding_ids"]
    }
    _, by_document, states = inputs
    items = []
    for findings in by_document.values():
        for finding in findings:
            state = states[finding.pk]
            if state.action is not None and not state.flagged:
                continue
            items.append(QueueItem(finding, finding.pk in conflict_ids, state.flagged))
    return items


def review_queue(user, patient_id: int | None = None, limit: int = 100) -> list[QueueItem]:
    """Findings a clinician should look at: conflicts first, then values patients
    flagged, then the least confident. A finding leaves the queue once a clinician
    has reviewed it after its latest flag."""
    patients = selectors.patients_visible_to(user).filter(
        grants__clinician__user=user, grants__revoked_at__isnull=True
    )
    if patient_id is not None:
        patients = patients.filter(pk=patient_id)
    items = [item for patient in patients for item in patient_queue(patient)]
    items.sort(key=lambda i: (not i.in_conflict, not i.flagged, i.finding.confidence, i.finding.pk))
    return items[:limit]


def review_statistics(user) -> list[dict[str, Any]]:
    """Per field: how many findings were reviewed and how; `accuracy` is the share
    of reviewed values that a clinician accepted as extracted."""
    latest = (
        Review.objects.filter(finding__in=findings_visible_to(user))
        .exclude(action=Review.Action.FLAG)
        .order_by("finding_id", "-created_at", "-id")
    )
    verdicts: dict[int, Review] = {}
    for review in latest.select_related("finding"):
        verdicts.setdefault(review.finding_id, review)
    stats: dict[str, dict[str, Any]] = {}
    for review in verdicts.values():
        row = stats.setdefault(
            review.finding.field,
            {"field": review.finding.field, "reviewed": 0, "accepted": 0, "corrected": 0, "rejected": 0},
        )
        row["reviewed"] += 1
        row[{"accept": "accepted", "correct": "corrected", "reject": "rejected"}[review.action]] += 1
    flags = (
        Review.objects.filter(finding__in=findings_visible_to(user), action=Review.Action.FLAG)
        .values("finding__field")
        .annotate(n=Count("id", filter=Q(action=Review.Action.FLAG)))
    )
    for flag in flags:
        row = stats.setdefault(
            flag["finding__field"],
            {"field": flag["finding__field"], "reviewed": 0, "accepted": 0, "corrected": 0, "rejected": 0},
        )
        row["flagged"] = flag["n"]
    for row in stats.values():
        row.setdefault("flagged", 0)
        row["accuracy"] = round(row["accepted"] / row["reviewed"], 3) if row["reviewed"] else None
    return sorted(stats.values(), key=lambda r: r["field"])


def source_context(finding: Finding, width: int = 240) -> dict[str, Any]:
    """The sentence around a finding with the span marked, for the review screen."""
    page = finding.document.pages.filter(number=finding.page or 1).first()
    text = page.text if page else ""
    start, end = finding.start, finding.end
    before_start = max(0, text.rfind("\n", 0, max(0, start - width)) + 1, start - width)
    after_end = min(len(text), end + width)
    return {
        "document_id": finding.document_id,
        "document_name": finding.document.original_name,
        "page": finding.page,
        "before": text[before_start:start],
        "span": text[start:end],
        "after": text[end:after_end],
        "span_matches": text[start:end] == finding.text,
    }
