"""“Delete my data”: nothing of the patient remains but a content-free audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from guidelines.models import Question
from records import reviews
from records.models import AccessGrant, Document, Finding, Page, Patient, ProcessingRun, Review
from records.privacy import REDACTED, delete_patient_data

from .conftest import MARKER, REPORT, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_data(clients, people, eager_tasks):
    """Two read documents with findings, a clinician review, a flag and a question."""
    with eager_tasks(execute=True):
        ids = [upload(clients["alice"], name, data).json()["documents"][0]["id"]
               for name, data in (("a.txt", REPORT), ("b.txt", REPORT + b"Grade 2\n"))]
    finding = Finding.objects.filter(document_id=ids[0]).first()
    assert finding is not None
    clients["alice"].get(f"/api/documents/{ids[0]}/")  # an access entry in the audit log
    reviews.add_review(people.bob.user, finding, "accept")
    reviews.add_review(people.alice.user, finding, "flag", reason="Zelda thinks this is wrong")
    Question.objects.create(patient=people.alice, asked_by=people.alice.user,
                            text="Zelda asks about HER2", kind="answer", answer={"text": "..."})
    # Charlie's data must survive.
    upload(clients["charlie"], "c.txt", b"Charlie's note: ER negative\n")
    paths = [Path(d.original.path) for d in Document.objects.filter(patient=people.alice)]
    assert all(p.exists() for p in paths)
    review_ids = list(Review.objects.filter(finding=finding).values_list("pk", flat=True))
    return {"ids": ids, "paths": paths, "finding": finding.pk, "reviews": review_ids}


def alice_rows(patient_id, doc_ids):
    return {
        "documents": Document.objects.filter(patient_id=patient_id).count(),
        "pages": Page.objects.filter(document_id__in=doc_ids).count(),
        "runs": ProcessingRun.objects.filter(document_id__in=doc_ids).count(),
        "findings": Finding.objects.filter(document_id__in=doc_ids).count(),
        "reviews": Review.objects.filter(finding__document_id__in=doc_ids).count(),
        "questions": Question.objects.filter(patient_id=patient_id).count(),
    }


def deletion_entry(patient_id) -> LogEntry:
    return LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Patient), object_pk=str(patient_id),
        action=LogEntry.Action.DELETE,
    )


def assert_no_content_left_in_audit(data):
    for model, pk in [(Document, i) for i in data["ids"]] + [(Review, i) for i in data["reviews"]]:
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_pk=str(pk))
        assert entries.exists()  # who did what, when: kept
        for entry in entries:
            assert entry.object_repr == REDACTED and entry.changes is None
    dumped = " ".join(str(e.changes) + e.object_repr + str(e.additional_data)
                      for e in LogEntry.objects.all())
    assert "Zelda" not in dumped and "a.txt" not in dumped


def test_owner_deletes_everything_over_the_api(clients, people, alice_data,
                                              django_capture_on_commit_callbacks):
    pid = people.alice.pk
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["alice"].delete(f"/api/patients/{pid}/data/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["documents"] == 2 and body["files"] == 2 and body["questions"] == 1
    assert body["reviews"] == 2 and body["findings"] > 0 and body["pages"] == 2
    assert body["account_deleted"] is False

    assert set(alice_rows(pid, alice_data["ids"]).values()) == {0}
    assert not any(p.exists() for p in alice_data["paths"])
    # The account and the grant stay; alice can sign in and start again.
    assert Patient.objects.filter(pk=pid).exists()
    assert AccessGrant.objects.filter(patient_id=pid).exists()
    assert clients["alice"].get("/api/documents/").json()["count"] == 0
    # Charlie's record is untouched.
    assert Document.objects.filter(patient=people.charlie).count() == 1

    entry = deletion_entry(pid)
    assert entry.actor == people.alice.user and entry.actor_email == "alice@example.org"
    assert entry.additional_data["deletion"]["documents"] == 2
    assert "documents: 2" in entry.changes_text
    assert_no_content_left_in_audit(alice_data)


def test_deleting_the_account_too(people, alice_data, django_capture_on_commit_callbacks):
    pid, uid = people.alice.pk, people.alice.user.pk
    with django_capture_on_commit_callbacks(execute=True):
        summary = delete_patient_data(people.alice, people.alice.user, delete_account=True)
    assert summary.account_deleted and summary.access_grants == 1
    assert not get_user_model().objects.filter(pk=uid).exists()
    assert not Patient.objects.filter(pk=pid).exists()
    assert not AccessGrant.objects.filter(patient_id=pid).exists()
    assert set(alice_rows(pid, alice_data["ids"]).values()) == {0}
    assert not any(p.exists() for p in alice_data["paths"])
    entry = deletion_entry(pid)
    # The actor's account is gone; who asked is still on the entry.
    assert entry.actor is None and entry.actor_email == "alice@example.org"
    assert entry.additional_data["actor_id"] == uid
    assert_no_content_left_in_audit(alice_data)


@pytest.mark.parametrize("who, expected", [
    ("bob", 403), ("dave", 404), ("charlie", 404), ("anonymous", 401),
])
def test_only_the_owner_may_delete(clients, people, alice_data, who, expected):
    response = clients[who].delete(f"/api/patients/{people.alice.pk}/data/")
    assert response.status_code == expected
    assert Document.objects.filter(patient=people.alice).count() == 2
    assert Question.objects.filter(patient=people.alice).exists()


def test_account_delete_over_the_api(clients, people, django_capture_on_commit_callbacks):
    upload(clients["alice"], "a.txt", REPORT)
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["alice"].delete(f"/api/patients/{people.alice.pk}/data/?account=delete")
    assert response.status_code == 200 and response.json()["account_deleted"] is True
    assert not get_user_model().objects.filter(username="alice@example.org").exists()
    assert clients["alice"].get("/api/documents/").status_code == 401  # the token went too
    assert clients["alice"].delete(f"/api/patients/{people.alice.pk}/data/?account=bogus"
                                   ).status_code == 401


def test_files_stay_when_the_transaction_fails(people, monkeypatch,
                                               django_capture_on_commit_callbacks, clients):
    upload(clients["alice"], "a.txt", REPORT)
    path = Path(Document.objects.get(patient=people.alice).original.path)
    monkeypatch.setattr("records.privacy.LogEntry.objects.create",
                        lambda **kw: (_ for _ in ()).throw(RuntimeError("db down")))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        delete_patient_data(people.alice, people.alice.user)
    assert path.exists() and Document.objects.filter(patient=people.alice).exists()
    assert MARKER not in path.read_bytes()


def test_bad_account_option(clients, people):
    response = clients["alice"].delete(f"/api/patients/{people.alice.pk}/data/?account=maybe")
    assert response.status_code == 400


def test_a_clinician_review_by_bob_goes_too(people, alice_data, django_capture_on_commit_callbacks):
    assert Review.objects.filter(reviewer=people.bob.user).exists()
    with django_capture_on_commit_callbacks(execute=True):
        delete_patient_data(people.alice, people.alice.user)
    assert not Review.objects.filter(reviewer=people.bob.user).exists()
