"""Responses carrying patient data are never stored by browsers or proxies."""

from __future__ import annotations

import pytest

from .conftest import REPORT, upload

pytestmark = pytest.mark.django_db


def assert_no_store(response, url):
    cache_control = response.get("Cache-Control", "")
    assert "no-store" in cache_control and "private" in cache_control, (url, cache_control)


@pytest.fixture
def alice_doc_id(clients, people):
    return upload(clients["alice"], "pathology.txt", REPORT).json()["documents"][0]["id"]


def test_api_responses_with_a_token(clients, people, alice_doc_id):
    pid = people.alice.pk
    urls = [
        "/api/documents/", f"/api/documents/{alice_doc_id}/", f"/api/documents/{alice_doc_id}/file",
        f"/api/documents/{alice_doc_id}/findings", "/api/patients/", f"/api/patients/{pid}/",
        f"/api/patients/{pid}/profile/", f"/api/patients/{pid}/timeline/",
        f"/api/patients/{pid}/fhir/", f"/api/patients/{pid}/questions/",
    ]
    for url in urls:
        response = clients["alice"].get(url)
        assert response.status_code == 200, url
        assert_no_store(response, url)
    # Errors and refusals too: a stranger's 404 and an anonymous 401.
    assert_no_store(clients["charlie"].get(f"/api/patients/{pid}/profile/"), "404")
    assert_no_store(clients["anonymous"].get("/api/documents/"), "401")


def test_pages_with_a_session(client, people, alice_doc_id):
    client.force_login(people.alice.user)
    for url in ["/", "/documents/", f"/documents/{alice_doc_id}/", "/profile/",
                f"/patients/{people.alice.pk}/profile/", "/ask/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_store(response, url)
    client.force_login(people.bob.user)
    assert_no_store(client.get("/clinician/"), "/clinician/")


def test_static_files_stay_cacheable(client, people):
    client.force_login(people.alice.user)
    response = client.get("/static/frontend/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
