from datetime import date

import pytest
from fhir.resources.R4B.bundle import Bundle

from records import reviews
from records.fhir_export import build_bundle
from tests.records.builders import done_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile_docs(people):
    path = done_document(people.alice, when=date(2025, 2, 1), findings=[
        ("er_status", "positive"), ("pr_status", "negative"), ("her2_status", "negative"),
        ("ki67_percent", 20), ("t_category", "T2"), ("n_category", "N1a"), ("histology", "invasive ductal carcinoma"),
        ("brca1", "negative"), ("pik3ca", "positive", {"assertion": "negated"}),
    ], summary={"er_status": "positive", "pr_status": "negative", "her2_status": "negative",
                "ki67_percent": 20, "t_category": "T2", "t_prefix": "p", "n_category": "N1a",
                "histology": "invasive ductal carcinoma", "brca1": "negative"})
    note = done_document(people.alice, kind="note", when=date(2025, 10, 1), summary={
        "treatments": [{"name": "ribociclib", "kind": "drug", "start": "2025-09", "end": None, "status": "current",
                        "changes": [{"date": "2026-03", "change": "dose reduced", "reason": "neutropenia"}]},
                       {"name": "lumpectomy", "kind": "surgery", "start": "2025-02", "end": None, "status": "past",
                        "changes": []}],
        "metastatic_sites": ["bone"]})
    return path, note


def resources(bundle, kind):
    return [e.resource for e in bundle.entry if e.resource.get_resource_type() == kind]


def test_bundle_has_mcode_resources_and_round_trips(people, profile_docs):
    bundle, counts = build_bundle(people.alice)
    again = Bundle.model_validate_json(bundle.model_dump_json())
    assert again.model_dump() == bundle.model_dump()
    assert counts["Patient"] == 1 and counts["DocumentReference"] == 2
    codes = {o.code.coding[0].code: o for o in resources(bundle, "Observation")}
    assert codes["85337-4"].valueCodeableConcept.coding[0].code == "10828004"  # ER positive
    assert codes["85339-0"].valueCodeableConcept.coding[0].code == "260385009"  # PR negative
    assert codes["85330-9"].valueQuantity.value == 20
    assert codes["21902-2"].valueCodeableConcept.coding[0].code == "IIB"  # computed pT2 N1a
    assert codes["21899-0"].valueCodeableConcept.coding[0].code == "T2"
    conditions = resources(bundle, "Condition")
    assert {c.code.coding[0].code for c in conditions} == {"254837009", "128462008"}
    ribo = resources(bundle, "MedicationRequest")[0]
    assert ribo.status == "active" and "neutropenia" in ribo.note[0].text
    assert resources(bundle, "Procedure")[0].status == "completed"


def test_every_value_has_provenance_naming_its_document(people, profile_docs):
    path, _ = profile_docs
    bundle, _ = build_bundle(people.alice)
    doc_urls = {e.fullUrl: e.resource for e in bundle.entry if e.resource.get_resource_type() == "DocumentReference"}
    targets = {}
    for prov in resources(bundle, "Provenance"):
        assert "OncoLens NLP pipeline" in prov.agent[0].who.display
        targets[prov.target[0].reference] = [ent.what.reference for ent in prov.entity or []]
    er_entry = next(e for e in bundle.entry if e.resource.get_resource_type() == "Observation"
                    and e.resource.code.coding[0].code == "85337-4")
    sources = targets[er_entry.fullUrl]
    assert sources and all(doc_urls[s].content[0].attachment.url == f"/api/documents/{path.pk}/file" for s in sources)


def test_negated_and_conflicting_values_are_not_exported(people, profile_docs):
    # Undated report disagreeing with the dated one: no date order, so a conflict.
    done_document(people.alice, findings=[("pr_status", "positive")])
    bundle, _ = build_bundle(people.alice)
    codes = {o.code.coding[0].code for o in resources(bundle, "Observation")}
    assert "85339-0" not in codes and "85337-4" in codes
    genes = [o for o in resources(bundle, "Observation") if o.code.coding[0].code == "69548-6"]
    assert [g.component[0].valueCodeableConcept.coding[0].display for g in genes] == ["BRCA1"]
    assert genes[0].valueCodeableConcept.coding[0].display == "Absent"


def test_correction_is_reflected_in_the_export(people, profile_docs):
    path, _ = profile_docs
    reviews.add_review(people.bob.user, path.findings.get(field="er_status"), "correct", "negative", "re-read")
    bundle, _ = build_bundle(people.alice)
    er = next(o for o in resources(bundle, "Observation") if o.code.coding[0].code == "85337-4")
    assert er.valueCodeableConcept.coding[0].code == "260385009"
    prov = next(p for p in resources(bundle, "Provenance") if p.target[0].reference.endswith(er.id))
    assert any(a.who.display == "Reviewing clinician" for a in prov.agent)
