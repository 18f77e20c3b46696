"""One patient profile from many documents.

For each field: a clinician's correction beats everything; then the more
authoritative kind of document (a pathology or biomarker report over a clinic note);
then the newer clinical date. Two authoritative documents that disagree with no
date order between them are a conflict: shown with both values, never settled
silently, until a clinician corrects one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from nlp.staging import stage_group as compute_stage_group
from nlp.subtype import subtype

from .models import Document, Finding, Patient, Review

PROFILE_FIELDS = (
    "er_status", "pr_status", "her2_status", "her2_ihc_score", "her2_ish", "ki67_percent",
    "histology", "grade", "laterality", "margins", "lymphovascular_invasion",
    "tumor_size_mm", "nodes_positive", "nodes_examined",
    "t_category", "n_category", "m_category", "stage_group",
    "menopausal_status", "brca1", "brca2", "pik3ca", "esr1", "pdl1", "oncotype_rs",
)

# Authority of a document kind for a field; higher wins before dates are compared.
_PATHOLOGY_AUTHORITY = {"pathology": 3, "biomarker": 3, "genomic": 3, "imaging": 2,
                        "lab": 1, "note": 1, "other": 0}
_CLINICAL_AUTHORITY = {"note": 3, "pathology": 2, "biomarker": 2, "genomic": 2,
                       "imaging": 2, "lab": 1, "other": 0}
_CLINICAL_FIELDS = {"menopausal_status"}
_GENOMIC_AUTHORITY = {"genomic": 4, **{k: v for k, v in _PATHOLOGY_AUTHORITY.items()
                                        if k != "genomic"}}
_GENOMIC_FIELDS = {"brca1", "brca2", "pik3ca", "esr1", "oncotype_rs"}


def authority(field_name: str, kind: str) -> int:
    if field_name in _CLINICAL_FIELDS:
        table = _CLINICAL_AUTHORITY
    elif field_name in _GENOMIC_FIELDS:
        table = _GENOMIC_AUTHORITY
    else:
        table = _PATHOLOGY_AUTHORITY
    return table.get(kind or "other", 0)


@dataclass
class ReviewState:
    action: str | None = None  # latest clinician verdict: accept, correct, reject
    value: Any = None
    reason: str = ""
    reviewer: str = ""
    at: str | None = None
    flagged: bool = False  # a patient flag newer than the last clinician verdict
    flag_reason: str = ""


def review_state(reviews: list[Review]) -> ReviewState:
    state = ReviewState()
    for review in sorted(reviews, key=lambda r: (r.created_at, r.pk)):
        if review.action == Review.Action.FLAG:
            state.flagged, state.flag_reason = True, review.reason
            continue
        state = ReviewState(
            action=review.action,
            value=review.value,
            reason=review.reason,
            reviewer=getattr(review.reviewer, "email", "") or "",
            at=review.created_at.isoformat(),
        )
    return state


@dataclass
class Candidate:
    """What one document says about one field."""

    document: Document
    value: Any
    findings: list[Finding] = field(default_factory=list)
    corrected_at: str | None = None
    accepted: bool = False
    flagged: bool = False

    @property
    def date(self) -> date:
        return self.document.document_date or self.document.created_at.date()

    @property
    def dated_from_text(self) -> bool:
        return self.document.document_date is not None


def _same(a: Any, b: Any) -> bool:
    norm = lambda v: json.dumps(v, sort_keys=True).lower() if not isinstance(v, str) else v.lower()  # noqa: E731
    return norm(a) == norm(b)


def document_candidate(
    document: Document, field_name: str, findings: list[Finding], states: dict[int, ReviewState]
) -> Candidate | None:
    """The document's value for a field once reviews are applied, or None."""
    present = [f for f in findings if f.assertion == "present"]
    corrections = [
        (states[f.pk].at, f) for f in present if states[f.pk].action == Review.Action.CORRECT
    ]
    if corrections:
        at, finding = max(corrections, key=lambda pair: pair[0])
        value = states[finding.pk].value
        return Candidate(document, value, [finding], corrected_at=at,
                         flagged=states[finding.pk].flagged)
    kept = [f for f in present if states[f.pk].action != Review.Action.REJECT]
    summary_value = document.summary.get(field_name) if document.summary else None
    # The document's summary may combine findings (HER2 "negative" from IHC 2+ and ISH
    # not amplified, per ASCO/CAP) into a value no single finding carries: it stands
    # unless a clinician rejected every finding behind the field.
    if summary_value is not None and (kept or not present):
        support = [f for f in kept if _same(f.value, summary_value)] or kept
    elif kept:
        best = max(kept, key=lambda f: f.confidence)
        summary_value, support = best.value, [f for f in kept if _same(f.value, best.value)]
    else:
        return None
    if summary_value is None:
        return None
    return Candidate(
        document,
        summary_value,
        support,
        accepted=bool(support) and all(states[f.pk].action == Review.Action.ACCEPT for f in support),
        flagged=any(states[f.pk].flagged for f in support),
    )


def _finding_source(f: Finding, states: dict[int, ReviewState]) -> dict[str, Any]:
    state = states[f.pk]
    return {
        "finding_id": f.pk,
        "document_id": f.document_id,
        "document_name": f.document.original_name,
        "document_kind": f.document.kind,
        "document_date": (f.document.document_date or f.document.created_at.date()).isoformat(),
        "page": f.page,
        "text": f.text,
        "start": f.start,
        "end": f.end,
        "section": f.section,
        "assertion": f.assertion,
        "confidence": f.confidence,
        "value": f.value,
        "review": state.action,
        "flagged": state.flagged,
    }


def decide(field_name: str, candidates: list[Candidate]) -> dict[str, Any]:
    """Apply correction > authority > recency; report a conflict where they can't."""
    corrected = [c for c in candidates if c.corrected_at]
    if corrected:
        winner = max(corrected, key=lambda c: c.corrected_at)
        return _entry(winner, "corrected", candidates)
    top = max(authority(field_name, c.document.kind) for c in candidates)
    best = [c for c in candidates if authority(field_name, c.document.kind) == top]
    values = []
    for c in best:
        if not any(_same(c.value, v.value) for v in values):
            values.append(c)
    if len(values) == 1:
        newest = max((c for c in best if _same(c.value, values[0].value)), key=lambda c: c.date)
        status = "reviewed" if newest.accepted else "extracted"
        return _entry(newest, status, candidates)
    ordered = sorted(best, key=lambda c: c.date, reverse=True)
    newest, runner_up = ordered[0], next(c for c in ordered if not _same(c.value, ordered[0].value))
    if newest.dated_from_text and runner_up.dated_from_text and newest.date > runner_up.date:
        return _entry(newest, "reviewed" if newest.accepted else "extracted", candidates)
    return {
        "value": None,
        "status": "conflict",
        "flagged": any(c.flagged for c in best),
        "conflict": [_candidate_summary(c) for c in ordered],
        "sources": [],
    }


def _candidate_summary(c: Candidate) -> dict[str, Any]:
    return {
        "value": c.value,
        "document_id": c.document.pk,
        "document_name": c.document.original_name,
        "document_kind": c.document.kind,
        "document_date": c.date.isoformat(),
        "dated_from_text": c.dated_from_text,
        "finding_ids": [f.pk for f in c.findings],
    }


def _entry(winner: Candidate, status: str, candidates: list[Candidate]) -> dict[str, Any]:
    others = [c for c in candidates if c is not winner and not _same(c.value, winner.value)]
    return {
        "value": winner.value,
        "status": status,
        "flagged": winner.flagged,
        "confidence": max((f.confidence for f in winner.findings), default=None),
        "document_id": winner.document.pk,
        "finding_ids": [f.pk for f in winner.findings],
        "superseded": [_candidate_summary(c) for c in others],
        "sources": [],
    }


Inputs = tuple[list[Document], dict[int, list[Finding]], dict[int, ReviewState]]


def load_inputs(patient: Patient) -> Inputs:
    documents = list(
        Document.objects.filter(patient=patient, status=Document.Status.DONE).order_by("created_at", "id")
    )
    findings = list(
        Finding.objects.filter(document__in=documents)
        .select_related("document")
        .prefetch_related("reviews__reviewer")
    )
    by_document: dict[int, list[Finding]] = {}
    for f in findings:
        by_document.setdefault(f.document_id, []).append(f)
    states = {f.pk: review_state(list(f.reviews.all())) for f in findings}
    return documents, by_document, states


def build_profile(patient: Patient, inputs: Inputs | None = None) -> dict[str, Any]:
    """The profile; `inputs` lets a caller that already ran load_inputs reuse them."""
    documents, by_document, states = inputs or load_inputs(patient)
    findings_by_id = {f.pk: f for fs in by_document.values() for f in fs}
    fields: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        candidates = []
        for document in documents:
            own = [f for f in by_document.get(document.pk, []) if f.field == name]
            candidate = document_candidate(document, name, own, states)
            if candidate is not None:
                candidates.append(candidate)
        if not candidates:
            continue
        entry = decide(name, candidates)
        entry["sources"] = [
            _finding_source(findings_by_id[i], states) for i in entry.get("finding_ids", [])
        ]
        if name == "t_category" and entry.get("document_id"):
            winner_doc = next(d for d in documents if d.pk == entry["document_id"])
            entry["prefix"] = (winner_doc.summary or {}).get("t_prefix")
        fields[name] = entry
    values = {k: v["value"] for k, v in fields.items() if v["value"] is not None}
    lists = _merge_lists(documents)
    derived = derive(values, lists)
    return {
        "patient_id": patient.pk,
        "version": profile_version(documents, findings_by_id, states),
        "fields": fields,
        "derived": derived,
        "metastatic_sites": lists["metastatic_sites"],
        "conflicts": sorted(k for k, v in fields.items() if v["status"] == "conflict"),
        "documents": [
            {"id": d.pk, "name": d.original_name, "kind": d.kind,
             "date": (d.document_date or d.created_at.date()).isoformat(),
             "dated_from_text": d.document_date is not None}
            for d in documents
        ],
    }


def _merge_lists(documents: list[Document]) -> dict[str, Any]:
    sites: list[str] = []
    oligo = None
    for d in documents:
        summary = d.summary or {}
        for site in summary.get("metastatic_sites") or []:
            if site not in sites:
                sites.append(site)
        if summary.get("oligometastatic") is not None:
            oligo = summary["oligometastatic"]
    return {"metastatic_sites": sites, "oligometastatic": oligo}


def derive(values: dict[str, Any], lists: dict[str, Any]) -> dict[str, Any]:
    ihc, ish = values.get("her2_ihc_score"), values.get("her2_ish")
    her2_low = None
    if values.get("her2_status") == "negative" and ihc in ("1+", "2+"):
        her2_low = ihc == "1+" or ish == "not amplified"
    elif values.get("her2_status") == "positive" or ihc in ("0", "3+"):
        her2_low = False
    stage = values.get("stage_group")
    stage_source = "stated" if stage else None
    if not stage and values.get("t_category") and values.get("n_category"):
        stage = compute_stage_group(values["t_category"], values["n_category"], values.get("m_category"))
        stage_source = "computed" if stage else None
    metastatic = bool(
        values.get("m_category") == "M1" or stage == "IV" or lists["metastatic_sites"]
    )
    # The stage at diagnosis stays what it was; a later spread is shown beside it.
    current_stage = "IV" if metastatic else stage
    return {
        "subtype": subtype(values.get("er_status"), values.get("pr_status"), values.get("her2_status")),
        "her2_low": her2_low,
        "stage_group": stage,
        "stage_source": stage_source,
        "current_stage": current_stage,
        "metastatic": metastatic,
        "oligometastatic": lists["oligometastatic"] if metastatic else False,
    }


def profile_version(documents, findings_by_id, states) -> str:
    """Changes whenever a document, finding or review behind the profile changes."""
    material = json.dumps(
        [
            [(d.pk, d.pipeline_version, str(d.updated_at)) for d in documents],
            sorted(findings_by_id),
            sorted((k, s.action, s.at, s.flagged) for k, s in states.items()),
        ],
        default=str,
    )
    return hashlib.sha1(material.encode()).hexdigest()[:12]
