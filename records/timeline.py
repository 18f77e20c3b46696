"""Treatments and labs merged across a patient's documents into one timeline."""

from __future__ import annotations

from typing import Any

from .models import Document, Patient

_STATUS_ORDER = {"planned": 0, "past": 1, "current": 2}


def _doc_date(document: Document) -> str:
    return (document.document_date or document.created_at.date()).isoformat()


def merge_treatments(documents: list[Document]) -> list[dict[str, Any]]:
    """One entry per (kind, name). The newest document that mentions a treatment
    says whether it is current; dates widen to cover every mention; dose changes
    from all documents are kept once each, in date order."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for document in sorted(documents, key=lambda d: (_doc_date(d), d.pk)):
        for item in (document.summary or {}).get("treatments") or []:
            key = (item.get("kind") or "drug", (item.get("name") or "").lower())
            if not key[1]:
                continue
            entry = merged.setdefault(
                key,
                {"name": item.get("name"), "kind": key[0], "start": None, "end": None,
                 "status": None, "changes": [], "sources": []},
            )
            if item.get("start") and (not entry["start"] or item["start"] < entry["start"]):
                entry["start"] = item["start"]
            if item.get("end") and (not entry["end"] or item["end"] > entry["end"]):
                entry["end"] = item["end"]
            # Later documents overrule earlier ones on status; a plan never overrules
            # a treatment already given.
            status = item.get("status")
            if status and not (status == "planned" and entry["status"] in ("current", "past")):
                entry["status"] = status
            for change in item.get("changes") or []:
                if not any(
                    c.get("date") == change.get("date") and c.get("change") == change.get("change")
                    for c in entry["changes"]
                ):
                    entry["changes"].append(change)
            for extra in ("dose", "unit", "frequency", "drug_class", "lowers_neutrophils",
                          "brand", "laterality", "site"):
                if item.get(extra) is not None:
                    entry[extra] = item[extra]
            entry["sources"].append({"document_id": document.pk, "document_date": _doc_date(document)})
    for entry in merged.values():
        if entry["status"] == "current":
            entry["end"] = None
        entry["changes"].sort(key=lambda c: c.get("date") or "")
    return sorted(
        merged.values(),
        key=lambda e: (e["start"] or e["end"] or "9999", e["kind"], e["name"] or ""),
    )


def merge_labs(documents: list[Document]) -> list[dict[str, Any]]:
    seen: dict[tuple, dict[str, Any]] = {}
    for document in documents:
        for lab in (document.summary or {}).get("labs") or []:
            date = lab.get("date") or _doc_date(document)
            key = (lab.get("name"), date, lab.get("value"))
            seen.setdefault(key, {**lab, "date": date, "document_id": document.pk})
    return sorted(seen.values(), key=lambda lab: (lab["date"] or "", lab.get("name") or ""))


def build_timeline(patient: Patient) -> dict[str, Any]:
    documents = list(Document.objects.filter(patient=patient, status=Document.Status.DONE))
    treatments = merge_treatments(documents)
    return {
        "patient_id": patient.pk,
        "treatments": treatments,
        "current": [t["name"] for t in treatments if t["status"] == "current"],
        "labs": merge_labs(documents),
    }
