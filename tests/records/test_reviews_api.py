"""Clinician review through the API: who may do what, the queue, statistics, audit."""

import pytest
from auditlog.models import LogEntry

from records.models import Review
from tests.records.builders import done_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def er(people):
    doc = done_document(people.alice, findings=[("er_status", "positive", {"confidence": 0.95}),
                                                ("grade", 2, {"confidence": 0.6})])
    return doc.findings.get(field="er_status")


def post_review(client, finding, **body):
    return client.post(f"/api/findings/{finding.pk}/reviews/", body, format="json")


@pytest.mark.parametrize(
    "who, action, expected",
    [
        ("bob", "accept", 201), ("bob", "reject", 201), ("bob", "flag", 403),
        ("alice", "flag", 201), ("alice", "accept", 403), ("alice", "correct", 403),
        ("charlie", "flag", 404), ("dave", "accept", 404), ("anonymous", "accept", 401),
    ],
)
def test_who_may_review(clients, er, who, action, expected):
    body = {"action": action, "reason": "checked against the slide"}
    if action == "correct":
        body["value"] = "negative"
    assert post_review(clients[who], er, **body).status_code == expected
    assert Review.objects.filter(finding=er).exists() == (expected == 201)


def test_correction_needs_value_and_reason(clients, er):
    assert post_review(clients["bob"], er, action="correct", reason="re-read").status_code == 400
    assert post_review(clients["bob"], er, action="correct", value="negative").status_code == 400
    response = post_review(clients["bob"], er, action="correct", value="negative", reason="re-read")
    assert response.status_code == 201 and response.json()["reviewer"] == "bob@example.org"


def test_correction_changes_the_profile_and_keeps_history(clients, people, er):
    post_review(clients["bob"], er, action="accept")
    post_review(clients["bob"], er, action="correct", value="negative", reason="block A2 re-stained")
    profile = clients["alice"].get(f"/api/patients/{people.alice.pk}/profile/").json()
    assert profile["fields"]["er_status"]["value"] == "negative"
    assert profile["fields"]["er_status"]["status"] == "corrected"
    detail = clients["bob"].get(f"/api/findings/{er.pk}/").json()
    assert [r["action"] for r in detail["reviews"]] == ["accept", "correct"]
    assert detail["source"]["span"] == er.text and detail["source"]["span_matches"]


def test_queue_orders_conflicts_then_flags_then_confidence(clients, people, er):
    a = done_document(people.alice, findings=[("pr_status", "positive", {"confidence": 0.99})])
    done_document(people.alice, findings=[("pr_status", "negative", {"confidence": 0.99})])
    post_review(clients["alice"], er, action="flag", reason="my report says negative")
    queue = clients["bob"].get("/api/review-queue/").json()
    fields = [item["field"] for item in queue]
    assert fields[:2] == ["pr_status", "pr_status"] and queue[0]["in_conflict"]
    assert fields[2] == "er_status" and queue[2]["flagged"]
    assert fields[3] == "grade"  # lowest confidence of the rest
    # Reviewing removes an item; the patient and strangers have no queue.
    post_review(clients["bob"], a.findings.get(), action="accept")
    assert len(clients["bob"].get("/api/review-queue/").json()) == len(queue) - 1
    assert clients["alice"].get("/api/review-queue/").json() == []
    assert clients["dave"].get("/api/review-queue/").json() == []
    assert clients["dave"].get(f"/api/review-queue/?patient={people.alice.pk}").status_code == 404


def test_review_statistics_per_field(clients, people, er):
    grade = er.document.findings.get(field="grade")
    post_review(clients["bob"], er, action="accept")
    post_review(clients["bob"], grade, action="correct", value=3, reason="mitoses 3")
    post_review(clients["alice"], er, action="flag", reason="?")
    stats = {row["field"]: row for row in clients["bob"].get("/api/review-stats/").json()}
    assert stats["er_status"] == {"field": "er_status", "reviewed": 1, "accepted": 1, "corrected": 0,
                                  "rejected": 0, "flagged": 1, "accuracy": 1.0}
    assert stats["grade"]["corrected"] == 1 and stats["grade"]["accuracy"] == 0.0
    assert clients["dave"].get("/api/review-stats/").json() == []


@pytest.mark.parametrize("path", ["profile", "timeline", "fhir"])
@pytest.mark.parametrize("who, expected", [("alice", 200), ("bob", 200), ("charlie", 404),
                                           ("dave", 404), ("anonymous", 401)])
def test_patient_data_access(clients, people, er, path, who, expected):
    assert clients[who].get(f"/api/patients/{people.alice.pk}/{path}/").status_code == expected


def test_reads_and_changes_are_audited_with_the_actor(clients, people, er):
    LogEntry.objects.all().delete()
    clients["bob"].get(f"/api/patients/{people.alice.pk}/profile/")
    post_review(clients["bob"], er, action="accept")
    read = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert read.actor == people.bob.user and read.object_pk == str(people.alice.pk)
    created = LogEntry.objects.get(action=LogEntry.Action.CREATE, content_type__model="review")
    assert created.actor == people.bob.user
    # A refused read leaves no access entry.
    clients["charlie"].get(f"/api/patients/{people.alice.pk}/profile/")
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 1
