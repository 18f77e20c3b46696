"""Two real-looking reports go through the real worker into one profile; they
disagree; a clinician settles it; the profile and the FHIR export follow."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.records.conftest import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker, pytest.mark.slow]

CORE_BIOPSY = b"""SURGICAL PATHOLOGY REPORT
SPECIMEN: Left breast, 2 o'clock, ultrasound-guided core needle biopsy.
FINAL DIAGNOSIS:
Invasive ductal carcinoma, Nottingham grade 2 of 3.
BIOMARKERS:
Estrogen receptor (ER): POSITIVE, 85% of tumor cells, moderate intensity.
Progesterone receptor (PR): POSITIVE, 30%.
HER2 by IHC: 1+ (negative).
Ki-67: 25%.
"""

EXCISION = b"""SURGICAL PATHOLOGY REPORT
SPECIMEN: Left breast, partial mastectomy; left axillary sentinel lymph nodes.
FINAL DIAGNOSIS:
Invasive ductal carcinoma, Nottingham grade 2. Invasive tumor size 1.8 cm.
Metastatic carcinoma in 1 of 3 sentinel lymph nodes (1/3).
Pathologic stage: pT1c pN1a.
BIOMARKERS (repeated on the excision):
Estrogen receptor: NEGATIVE (0%).
Progesterone receptor: POSITIVE (20%).
HER2 (IHC): 1+.
"""


def upload(client, name, data):
    response = client.post("/api/documents/", {"file": SimpleUploadedFile(name, data)}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()["documents"][0]["id"]


def test_two_reports_conflict_then_clinician_resolves(clients, people, worker):
    ids = [upload(clients["alice"], "core-biopsy.txt", CORE_BIOPSY),
           upload(clients["alice"], "excision.txt", EXCISION)]
    for doc_id in ids:
        assert wait_for(doc_id, {"done", "failed"}).status == "done"

    profile = clients["bob"].get(f"/api/patients/{people.alice.pk}/profile/").json()
    fields = profile["fields"]
    assert fields["pr_status"]["value"] == "positive"
    assert fields["histology"]["value"] == "invasive ductal carcinoma"
    assert fields["t_category"]["value"] == "T1c" and fields["n_category"]["value"] == "N1a"
    assert profile["derived"]["stage_group"] == "IIA"
    # ER: positive in one report, negative in the other, neither dated: a conflict.
    assert profile["conflicts"] == ["er_status"]
    assert {c["value"] for c in fields["er_status"]["conflict"]} == {"positive", "negative"}

    queue = clients["bob"].get("/api/review-queue/").json()
    assert queue[0]["field"] == "er_status" and queue[0]["in_conflict"]
    negative = next(item for item in queue if item["field"] == "er_status" and item["value"] == "negative")
    assert negative["source"]["span"] == negative["text"]
    response = clients["bob"].post(
        f"/api/findings/{negative['id']}/reviews/",
        {"action": "correct", "value": "positive", "reason": "excision ER stain failed; core result stands"},
        format="json",
    )
    assert response.status_code == 201

    profile = clients["alice"].get(f"/api/patients/{people.alice.pk}/profile/").json()
    assert profile["conflicts"] == []
    assert profile["fields"]["er_status"]["value"] == "positive"
    assert profile["fields"]["er_status"]["status"] == "corrected"
    assert profile["derived"]["subtype"] == "HR+/HER2-"
    bundle = clients["alice"].get(f"/api/patients/{people.alice.pk}/fhir/").json()
    er = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
          and e["resource"]["code"]["coding"][0]["code"] == "85337-4"]
    assert er[0]["valueCodeableConcept"]["coding"][0]["display"].startswith("Positive")
