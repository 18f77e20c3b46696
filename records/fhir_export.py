"""The patient profile as a FHIR R4B Bundle following mCODE STU4.

Built from fhir.resources R4B model classes, so every resource is validated as it is
made. Only values in force (present, not rejected, not in conflict) are exported;
each carries a Provenance naming its source document and the pipeline version."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.attachment import Attachment
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.documentreference import DocumentReference, DocumentReferenceContent
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.provenance import Provenance, ProvenanceAgent, ProvenanceEntity
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.reference import Reference

from nlp import PIPELINE_VERSION

from .models import Document, Patient
from .profile import build_profile
from .timeline import build_timeline

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
AJCC = "http://cancerstaging.org"
HGNC = "http://www.genenames.org/geneId"
NAMESPACE = uuid.UUID("6f1c3b0e-9f1e-4c55-9d0a-0c0d1e2f3a4b")

STATUS_SNOMED = {
    "positive": ("10828004", "Positive (qualifier value)"),
    "negative": ("260385009", "Negative (qualifier value)"),
    "equivocal": ("42425007", "Equivocal (qualifier value)"),
}
TUMOR_MARKERS = {
    "er_status": ("85337-4", "Estrogen receptor Ag [Presence] in Breast cancer specimen by Immune stain"),
    "pr_status": ("85339-0", "Progesterone receptor Ag [Presence] in Breast cancer specimen by Immune stain"),
    "her2_status": ("48676-1", "HER2 [Interpretation] in Tissue"),
    "her2_ihc_score": ("85319-2", "HER2 [Presence] in Breast cancer specimen by Immune stain"),
    "her2_ish": ("85318-4", "HER2 [Presence] in Breast cancer specimen by FISH"),
    "ki67_percent": ("85330-9", "Cells.Ki-67 nuclear Ag/100 cells in Breast cancer specimen by Immune stain"),
}
GENES = {"brca1": ("HGNC:1100", "BRCA1"), "brca2": ("HGNC:1101", "BRCA2"),
         "pik3ca": ("HGNC:8975", "PIK3CA"), "esr1": ("HGNC:3467", "ESR1")}
# LOINC codes for pathologic (p) and clinical (c) TNM observations.
TNM_CODES = {
    "stage_group": {"p": ("21902-2", "Stage group.pathology Cancer"), "c": ("21908-9", "Stage group.clinical Cancer")},
    "t_category": {"p": ("21899-0", "Primary tumor.pathology Cancer"), "c": ("21905-5", "Primary tumor.clinical Cancer")},
    "n_category": {"p": ("21900-6", "Regional lymph nodes.pathology Cancer"), "c": ("21906-3", "Regional lymph nodes.clinical Cancer")},
    "m_category": {"p": ("21901-4", "Distant metastases.pathology Cancer"), "c": ("21907-1", "Distant metastases.clinical Cancer")},
}
TNM_PROFILES = {"stage_group": "mcode-tnm-stage-group", "t_category": "mcode-tnm-primary-tumor-category",
                "n_category": "mcode-tnm-regional-nodes-category", "m_category": "mcode-tnm-distant-metastases-category"}


def concept(system: str | None, code: str | None, display: str | None = None, text: str | None = None) -> CodeableConcept:
    coding = [Coding(system=system, code=code, display=display)] if code else None
    return CodeableConcept(coding=coding, text=text or display)


class BundleBuilder:
    def __init__(self, patient: Patient):
        self.patient = patient
        self.entries: list[BundleEntry] = []
        self.counts: dict[str, int] = {}

    def urn(self, key: str) -> str:
        return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{self.patient.pk}:{key}')}"

    def add(self, key: str, resource) -> Reference:
        url = self.urn(key)
        resource.id = url.rsplit(":", 1)[1]
        self.entries.append(BundleEntry(fullUrl=url, resource=resource))
        name = resource.get_resource_type()
        self.counts[name] = self.counts.get(name, 0) + 1
        return Reference(reference=url)

    def bundle(self) -> Bundle:
        return Bundle(
            type="collection",
            timestamp=datetime.now(UTC).isoformat(timespec="seconds"),
            entry=self.entries,
        )


def _provenance(b: BundleBuilder, key: str, target: Reference, entry: dict[str, Any],
                doc_refs: dict[int, Reference]) -> None:
    documents = {s["document_id"] for s in entry.get("sources", [])}
    if entry.get("document_id"):
        documents.add(entry["document_id"])
    agents = [ProvenanceAgent(
        type=concept("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "assembler", "Assembler"),
        who=Reference(display=f"OncoLens NLP pipeline {PIPELINE_VERSION}"),
    )]
    if entry.get("status") in ("corrected", "reviewed"):
        agents.append(ProvenanceAgent(
            type=concept("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "verifier", "Verifier"),
            who=Reference(display="Reviewing clinician"),
        ))
    b.add(f"provenance:{key}", Provenance(
        target=[target],
        recorded=datetime.now(UTC).isoformat(timespec="seconds"),
        agent=agents,
        entity=[ProvenanceEntity(role="source", what=doc_refs[d]) for d in sorted(documents) if d in doc_refs] or None,
    ))


def _observation(b: BundleBuilder, key: str, profile: str, code: tuple[str, str], subject: Reference,
                 focus: Reference | None, **value: Any) -> Reference:
    return b.add(key, Observation(
        meta=Meta(profile=[MCODE + profile]),
        status="final",
        category=[concept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "Laboratory")]
        if profile in ("mcode-tumor-marker-test", "mcode-genomic-variant") else None,
        code=concept(LOINC, code[0], code[1]),
        subject=subject,
        focus=[focus] if focus else None,
        **value,
    ))


def build_bundle(patient: Patient) -> tuple[Bundle, dict[str, int]]:
    profile = build_profile(patient)
    timeline = build_timeline(patient)
    fields = {k: v for k, v in profile["fields"].items() if v["value"] is not None}
    b = BundleBuilder(patient)
    subject = b.add("patient", FhirPatient(
        meta=Meta(profile=[MCODE + "mcode-cancer-patient"]),
        name=[{"text": str(patient)}],
    ))
    doc_refs: dict[int, Reference] = {}
    for document in Document.objects.filter(patient=patient, status=Document.Status.DONE):
        doc_refs[document.pk] = b.add(f"document:{document.pk}", DocumentReference(
            status="current",
            subject=subject,
            description=document.original_name,
            date=document.created_at.isoformat(timespec="seconds"),
            content=[DocumentReferenceContent(attachment=Attachment(
                contentType=document.media_type, title=document.original_name,
                url=f"/api/documents/{document.pk}/file", size=document.size,
            ))],
        ))

    condition_key = "condition:primary"
    histology = fields.get("histology", {}).get("value")
    laterality = fields.get("laterality", {}).get("value")
    primary = b.add(condition_key, Condition(
        meta=Meta(profile=[MCODE + "mcode-primary-cancer-condition"]),
        clinicalStatus=concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"),
        verificationStatus=concept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed"),
        category=[concept("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Problem List Item")],
        code=concept(SNOMED, "254837009", "Malignant neoplasm of breast (disorder)"),
        bodySite=[concept(None, None, text=f"{laterality} breast")] if laterality else None,
        subject=subject,
        note=[Annotation(text=f"Histology: {histology}")] if histology else None,
    ))
    if "histology" in fields:
        _provenance(b, condition_key, primary, fields["histology"], doc_refs)

    for site in profile["metastatic_sites"]:
        b.add(f"condition:secondary:{site}", Condition(
            meta=Meta(profile=[MCODE + "mcode-secondary-cancer-condition"]),
            clinicalStatus=concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"),
            code=concept(SNOMED, "128462008", "Secondary malignant neoplastic disease (disorder)"),
            bodySite=[concept(None, None, text=site)],
            subject=subject,
        ))

    for name, (code, display) in TUMOR_MARKERS.items():
        if name not in fields:
            continue
        value = fields[name]["value"]
        if name == "ki67_percent":
            kwargs = {"valueQuantity": Quantity(value=value, unit="%", system="http://unitsofmeasure.org", code="%")}
        elif value in STATUS_SNOMED:
            kwargs = {"valueCodeableConcept": concept(SNOMED, *STATUS_SNOMED[value])}
        else:
            kwargs = {"valueCodeableConcept": concept(None, None, text=str(value))}
        ref = _observation(b, f"marker:{name}", "mcode-tumor-marker-test", (code, display), subject, primary, **kwargs)
        _provenance(b, f"marker:{name}", ref, fields[name], doc_refs)

    prefix = "c" if (fields.get("t_category", {}).get("prefix") or "p").startswith("c") else "p"
    members = []
    for name in ("t_category", "n_category", "m_category"):
        if name in fields:
            value = str(fields[name]["value"])
            ref = _observation(b, f"tnm:{name}", TNM_PROFILES[name], TNM_CODES[name][prefix], subject, primary,
                               valueCodeableConcept=concept(AJCC, value, value))
            _provenance(b, f"tnm:{name}", ref, fields[name], doc_refs)
            members.append(ref)
    stage = profile["derived"]["stage_group"]
    if stage:
        ref = _observation(
            b, "tnm:stage_group", TNM_PROFILES["stage_group"], TNM_CODES["stage_group"][prefix], subject, primary,
            valueCodeableConcept=concept(AJCC, stage, f"Stage {stage}"), hasMember=members or None,
            method=concept(SNOMED, "897275008", "American Joint Commission on Cancer, Cancer Staging Manual, 8th edition neoplasm staging system (tumor staging)"),
        )
        _provenance(b, "tnm:stage_group", ref, fields.get("stage_group") or {"sources": []}, doc_refs)

    for name, (hgnc, symbol) in GENES.items():
        value = fields.get(name, {}).get("value")
        if value not in ("positive", "negative", "detected", "not detected", "pathogenic", "mutated"):
            continue
        present = value in ("positive", "detected", "pathogenic", "mutated")
        ref = _observation(
            b, f"genomic:{name}", "mcode-genomic-variant", ("69548-6", "Genetic variant assessment"), subject, None,
            valueCodeableConcept=concept(LOINC, "LA9633-4" if present else "LA9634-2", "Present" if present else "Absent"),
            component=[ObservationComponent(
                code=concept(LOINC, "48018-6", "Gene studied [ID]"),
                valueCodeableConcept=concept(HGNC, hgnc, symbol),
            )],
        )
        _provenance(b, f"genomic:{name}", ref, fields[name], doc_refs)

    for item in timeline["treatments"]:
        key = f"treatment:{item['kind']}:{item['name']}"
        period = Period(start=item["start"], end=item["end"]) if (item["start"] or item["end"]) else None
        notes = [Annotation(text=f"{c.get('date') or 'undated'}: {c.get('change')}"
                            + (f" ({c['reason']})" if c.get("reason") else "")) for c in item["changes"]] or None
        if item["kind"] == "drug":
            resource = MedicationRequest(
                meta=Meta(profile=[MCODE + "mcode-cancer-related-medication-request"]),
                status={"current": "active", "past": "completed", "planned": "draft"}.get(item["status"], "unknown"),
                intent="proposal" if item["status"] == "planned" else "order",
                medicationCodeableConcept=concept(None, None, text=item["name"]),
                subject=subject,
                authoredOn=item["start"],
                reasonReference=[primary],
                note=notes,
            )
        else:
            resource = Procedure(
                meta=Meta(profile=[MCODE + ("mcode-cancer-related-surgical-procedure" if item["kind"] == "surgery"
                                            else "mcode-radiotherapy-course-summary")]),
                status="completed" if item["status"] == "past" else ("in-progress" if item["status"] == "current" else "preparation"),
                code=concept(None, None, text=item["name"]),
                subject=subject,
                performedPeriod=period,
                reasonReference=[primary],
                note=notes,
            )
        ref = b.add(key, resource)
        _provenance(b, key, ref, {"sources": item["sources"]}, doc_refs)
    return b.bundle(), b.counts
