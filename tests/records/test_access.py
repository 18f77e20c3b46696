"""alice owns the records, bob is the clinician she granted, charlie is another
patient, dave a clinician without a grant: every endpoint, every person."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from records import services
from records.models import Document
from tests.records import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_doc(people, upload_now):
    return upload_now(people.alice, "a.pdf", factories.report_pdf(1))


SEES = {"alice": 200, "bob": 200, "charlie": 404, "dave": 404, "anonymous": 401}


@pytest.mark.parametrize("who, expected", SEES.items())
def test_document_detail(clients, alice_doc, who, expected):
    assert clients[who].get(f"/api/documents/{alice_doc.pk}/").status_code == expected


@pytest.mark.parametrize("who, expected", SEES.items())
def test_document_file(clients, alice_doc, who, expected):
    assert clients[who].get(f"/api/documents/{alice_doc.pk}/file").status_code == expected


@pytest.mark.parametrize("who, count", [("alice", 1), ("bob", 1), ("charlie", 0), ("dave", 0)])
def test_document_list_shows_only_visible(clients, alice_doc, who, count):
    body = clients[who].get("/api/documents/").json()
    assert body["count"] == count


def test_anonymous_list_is_401(clients):
    assert clients["anonymous"].get("/api/documents/").status_code == 401


@pytest.mark.parametrize(
    "who, expected", {"alice": 204, "bob": 403, "charlie": 404, "dave": 404, "anonymous": 401}.items()
)
def test_delete_only_by_owner(clients, alice_doc, who, expected):
    assert clients[who].delete(f"/api/documents/{alice_doc.pk}/").status_code == expected
    assert Document.objects.filter(pk=alice_doc.pk).exists() == (expected != 204)


@pytest.mark.parametrize(
    "who, expected", {"alice": 201, "bob": 201, "charlie": 404, "dave": 404, "anonymous": 401}.items()
)
def test_upload_into_alices_record(clients, people, eager_tasks, who, expected):
    with eager_tasks(execute=True):
        response = clients[who].post(
            "/api/documents/",
            {"file": SimpleUploadedFile("n.txt", b"ER positive"), "patient": people.alice.pk},
            format="multipart",
        )
    assert response.status_code == expected
    assert Document.objects.filter(patient=people.alice).exists() == (expected == 201)


def test_clinician_must_name_the_patient(clients):
    response = clients["bob"].post(
        "/api/documents/", {"file": SimpleUploadedFile("n.txt", b"ER positive")}, format="multipart"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("who, expected", SEES.items())
def test_patient_detail(clients, people, who, expected):
    assert clients[who].get(f"/api/patients/{people.alice.pk}/").status_code == expected


def test_revoked_grant_hides_records(clients, people, alice_doc):
    services.revoke_access(people.alice, people.bob)
    assert clients["bob"].get(f"/api/documents/{alice_doc.pk}/").status_code == 404
    services.grant_access(people.alice, people.bob)
    assert clients["bob"].get(f"/api/documents/{alice_doc.pk}/").status_code == 200


@pytest.mark.parametrize("who, expected", [("alice", 200), ("bob", 200), ("charlie", 404)])
def test_document_page_in_the_browser(people, alice_doc, client, who, expected):
    from tests.records.conftest import PASSWORD

    user = {"alice": people.alice.user, "bob": people.bob.user, "charlie": people.charlie.user}[who]
    assert client.login(username=user.username, password=PASSWORD)
    assert client.get(f"/documents/{alice_doc.pk}/").status_code == expected


def test_document_page_asks_anonymous_to_sign_in(client, alice_doc):
    response = client.get(f"/documents/{alice_doc.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
