"""The facts an answer is tailored to, each with what backs it.

A stored patient's facts cite the record finding (`record:<finding id>`, with
document and page); a profile file's facts cite the file; facts the person states
in the message are used where the record is silent, marked self-reported, and a
disagreement with the record is said out loud."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nlp.subtype import subtype

STATUS_KEYS = ("er_status", "pr_status", "her2_status")
MESSAGE_KEYS = (
    "er_status", "pr_status", "her2_status", "her2_low", "stage_group", "m_category",
    "histology", "menopausal_status", "oligometastatic", "brca1", "brca2", "pik3ca", "esr1",
)


@dataclass
class Fact:
    key: str
    value: Any
    citation: str  # id in the answer's citations
    self_reported: bool = False


@dataclass
class ProfileFacts:
    facts: dict[str, Fact] = field(default_factory=dict)
    treatments: list[dict[str, Any]] = field(default_factory=list)
    labs: list[dict[str, Any]] = field(default_factory=list)
    citations: dict[str, dict[str, Any]] = field(default_factory=dict)
    contradictions: list[dict[str, Any]] = field(default_factory=list)
    version: str | None = None

    def value(self, key: str) -> Any:
        fact = self.facts.get(key)
        return fact.value if fact else None

    def cite(self, key: str) -> list[str]:
        fact = self.facts.get(key)
        return [fact.citation] if fact else []

    @property
    def subtype(self) -> str | None:
        return subtype(self.value("er_status"), self.value("pr_status"), self.value("her2_status"))

    @property
    def metastatic(self) -> bool:
        return bool(
            self.value("m_category") == "M1" or self.value("stage_group") == "IV"
            or self.value("metastatic_sites") or self.value("oligometastatic")
        )

    @property
    def her2_low(self) -> bool:
        return self.value("her2_low") is True

    def current_drugs(self) -> list[dict[str, Any]]:
        return [t for t in self.treatments if t.get("kind", "drug") == "drug" and t.get("status") in ("current", None)]

    def treatment_citation(self, name: str) -> list[str]:
        key = f"treatment:{name.lower()}"
        return [self.facts[key].citation] if key in self.facts else []

    def labels(self) -> list[str]:
        out = []
        for key, label in (("er_status", "ER"), ("pr_status", "PR"), ("her2_status", "HER2")):
            value = self.value(key)
            if value in ("positive", "negative"):
                out.append(f"{label}-{value}")
        if self.subtype == "triple-negative":
            out.append("triple-negative")
        if self.her2_low:
            out.append("HER2-low")
        stage = self.value("stage_group")
        if stage:
            out.append(f"stage {stage}" if stage == "IV" or not self.metastatic else f"stage {stage} at diagnosis")
        if self.metastatic and stage != "IV":
            out.append("metastatic")
        if self.value("oligometastatic"):
            out.append("oligometastatic")
        for gene in ("brca1", "brca2", "pik3ca", "esr1"):
            if self.value(gene) in ("positive", "pathogenic", "mutated", "detected"):
                out.append(f"{gene.upper()} variant")
        if self.value("menopausal_status"):
            out.append(self.value("menopausal_status"))
        out.extend(f"on {t['name']}" for t in self.current_drugs())
        if any(f.self_reported for f in self.facts.values()):
            out.append("some facts self-reported")
        return out


def enrich_treatment(t: dict[str, Any]) -> dict[str, Any]:
    """Fill class and neutrophil effect from the drug lexicon (brand names become
    generic), so a profile file that names "Kisqali" is read like one naming ribociclib."""
    from nlp.drugs import normalize_drug

    info = normalize_drug(t.get("name") or "") if t.get("kind", "drug") == "drug" else None
    if info is None:
        return dict(t)
    return {**t, "name": info.name, "drug_class": t.get("drug_class") or info.drug_class,
            "lowers_neutrophils": t.get("lowers_neutrophils", info.lowers_neutrophils)}


def from_profile_file(data: dict[str, Any]) -> ProfileFacts:
    """A profile JSON (SPEC: summary keys plus cancer_type, menopausal_status,
    treatments, labs). Each fact cites the file, since it has no findings."""
    pf = ProfileFacts()
    for key, value in data.items():
        if key in ("treatments", "labs") or value in (None, "", []):
            continue
        cid = f"record:profile-{key}"
        pf.facts[key] = Fact(key, value, cid)
        pf.citations[cid] = {
            "title": "Your profile (as provided)", "url": None, "updated": None,
            "passage": f"{key}: {value}", "document": "profile file", "page": None,
        }
    for t in data.get("treatments") or []:
        t = enrich_treatment(t)
        name = (t.get("name") or "").lower()
        if not name:
            continue
        cid = f"record:profile-treatment-{name}"
        pf.treatments.append(t)
        pf.facts[f"treatment:{name}"] = Fact(f"treatment:{name}", t, cid)
        changes = "; ".join(f"{c.get('date')}: {c.get('change')} ({c.get('reason')})" for c in t.get("changes") or [])
        pf.citations[cid] = {
            "title": "Your profile (as provided)", "url": None, "updated": None,
            "passage": f"{name}, {t.get('status') or 'status not given'}, since {t.get('start') or '?'}"
                       + (f"; {changes}" if changes else ""),
            "document": "profile file", "page": None,
        }
    pf.labs = list(data.get("labs") or [])
    if pf.labs:
        cid = "record:profile-labs"
        pf.facts["labs"] = Fact("labs", pf.labs, cid)
        pf.citations[cid] = {
            "title": "Your profile (as provided)", "url": None, "updated": None, "document": "profile file",
            "page": None, "passage": "; ".join(f"{lab.get('name')} {lab.get('value')} {lab.get('unit', '')} ({lab.get('date')})" for lab in pf.labs),
        }
    return pf


def _finding_citation(source: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": f"Your record: {source['document_name']}",
        "url": f"/api/documents/{source['document_id']}/file",
        "updated": source.get("document_date"),
        "passage": source["text"],
        "document": source["document_name"],
        "document_id": source["document_id"],
        "page": source.get("page"),
        "finding_id": source["finding_id"],
    }


def from_patient(patient) -> ProfileFacts:
    """The stored, audited profile of a patient: values in force only (conflicts and
    rejected values are left out), each citing the finding behind it."""
    from records.profile import build_profile
    from records.timeline import build_timeline

    profile = build_profile(patient)
    timeline = build_timeline(patient)
    pf = ProfileFacts(version=profile["version"])
    for key, entry in profile["fields"].items():
        if entry["value"] is None or not entry["sources"]:
            continue
        source = entry["sources"][0]
        cid = f"record:{source['finding_id']}"
        pf.facts[key] = Fact(key, entry["value"], cid)
        pf.citations[cid] = _finding_citation(source)
    derived = profile["derived"]
    for key in ("her2_low", "stage_group"):
        basis = [k for k in (("her2_ihc_score", "her2_ish") if key == "her2_low" else ("t_category", "n_category"))
                 if k in pf.facts]
        if derived.get(key) is not None and key not in pf.facts and basis:
            pf.facts[key] = Fact(key, derived[key], pf.facts[basis[0]].citation)
    if profile["metastatic_sites"]:
        pf.facts["metastatic_sites"] = Fact("metastatic_sites", profile["metastatic_sites"],
                                            _document_citation(pf, profile, "metastatic_sites"))
    from records.models import Finding

    for t in timeline["treatments"]:
        t = enrich_treatment(t)
        pf.treatments.append(t)
        doc_id = t["sources"][-1]["document_id"]
        # Cite the finding that names the treatment (document and page), not just the document.
        finding = (
            Finding.objects.filter(document_id=doc_id, field=t.get("kind") or "drug", value=t["name"],
                                   assertion="present")
            .select_related("document").order_by("page", "start").first()
        )
        if finding is not None:
            cid = f"record:{finding.pk}"
            pf.citations[cid] = _finding_citation({
                "finding_id": finding.pk, "document_id": doc_id, "document_name": finding.document.original_name,
                "document_date": str(finding.document.document_date or finding.document.created_at.date()),
                "page": finding.page, "text": finding.text,
            })
        else:
            cid = f"record:document-{doc_id}-{t['name'].lower()}"
            pf.citations[cid] = _document_entry(profile, doc_id, f"{t['name']} ({t.get('status') or 'status not stated'})")
        pf.facts[f"treatment:{t['name'].lower()}"] = Fact(f"treatment:{t['name'].lower()}", t, cid)
    pf.labs = timeline["labs"]
    return pf


def _document_entry(profile: dict[str, Any], doc_id: int, passage: str) -> dict[str, Any]:
    doc = next((d for d in profile["documents"] if d["id"] == doc_id), {"name": "document", "date": None})
    return {"title": f"Your record: {doc['name']}", "url": f"/api/documents/{doc_id}/file",
            "updated": doc.get("date"), "passage": passage, "document": doc["name"],
            "document_id": doc_id, "page": None}


def _document_citation(pf: ProfileFacts, profile: dict[str, Any], key: str) -> str:
    doc = profile["documents"][-1]
    cid = f"record:document-{doc['id']}-{key}"
    pf.citations[cid] = _document_entry(profile, doc["id"], f"{key}: {', '.join(profile['metastatic_sites'])}")
    return cid


def add_message_facts(pf: ProfileFacts, message: str) -> None:
    """Read facts the person states ("ER+ oligometastatic, on ribociclib for 14 months,
    the dose was lowered for low neutrophils") with the NLP pipeline."""
    from nlp.pipeline import extract_document

    result = extract_document(message, doc_id="message")
    summary = result["summary"]
    for key in MESSAGE_KEYS:
        stated = summary.get(key)
        if stated in (None, [], ""):
            continue
        finding = next((f for f in result["findings"] if f["field"] == key and f["assertion"] == "present"), None)
        quote = finding["text"] if finding else str(stated)
        cid = f"record:message-{key}"
        if key in pf.facts and not pf.facts[key].self_reported:
            if str(pf.facts[key].value).lower() != str(stated).lower():
                pf.contradictions.append({"key": key, "record": pf.facts[key].value, "message": stated,
                                          "record_citation": pf.facts[key].citation, "message_citation": cid})
                pf.citations[cid] = _message_entry(quote)
            continue
        pf.facts[key] = Fact(key, stated, cid, self_reported=True)
        pf.citations[cid] = _message_entry(quote)
    for t in summary.get("treatments") or []:
        name = (t.get("name") or "").lower()
        if not name or t.get("kind", "drug") != "drug" or f"treatment:{name}" in pf.facts:
            continue
        cid = f"record:message-treatment-{name}"
        item = {**t, "self_reported": True}
        pf.treatments.append(item)
        pf.facts[f"treatment:{name}"] = Fact(f"treatment:{name}", item, cid, self_reported=True)
        pf.citations[cid] = _message_entry(f"{name}" + (f" ({t['status']})" if t.get("status") else ""))


def _message_entry(quote: str) -> dict[str, Any]:
    return {"title": "What you told OncoLens in this message (self-reported)", "url": None,
            "updated": None, "passage": quote, "document": "your message", "page": None}
