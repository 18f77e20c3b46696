"""Regressions found by the schema fuzz tests (test_api_fuzz.py), kept as fast tests:
the schema lists the error answers the API gives, and an unknown /api/ URL answers
JSON like every other API error."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method.upper(), path): op
        for path, item in schema["paths"].items()
        for method, op in item.items()
    }


def test_every_operation_documents_401_and_403(operations):
    for key, op in operations.items():
        assert {"401", "403"} <= set(op["responses"]), key


def test_operations_on_one_object_document_404(operations):
    for (method, path), op in operations.items():
        if "{" in path:
            assert "404" in op["responses"], (method, path)


def test_a_patient_named_in_the_body_or_query_can_be_404(operations):
    assert "404" in operations["POST", "/api/documents/"]["responses"]
    assert "404" in operations["GET", "/api/review-queue/"]["responses"]


def test_upload_400_covers_a_field_error(operations):
    """`{"file": "Choose at least one file to upload."}` is not an UploadResult."""
    body = operations["POST", "/api/documents/"]["responses"]["400"]["content"]
    schema = body["application/json"]["schema"]
    assert schema["type"] == "object" and "required" not in schema


@pytest.mark.parametrize(
    "path", ["/api/patients/-5/profile/", "/api/documents/1.5/", "/api/no-such-thing/"]
)
def test_unknown_api_url_answers_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_unknown_page_still_answers_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
