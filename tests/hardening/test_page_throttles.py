"""The upload and ask pages count against the same per-user limits as the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.settings import api_settings

from records.models import Document
from tests.people import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_limits(monkeypatch, settings):
    from django.core.cache import cache

    cache.clear()
    rates = dict(api_settings.DEFAULT_THROTTLE_RATES)
    rates.update({"upload": "1/hour", "ask": "1/hour"})
    monkeypatch.setattr(api_settings, "DEFAULT_THROTTLE_RATES", rates)
    yield
    cache.clear()


def test_upload_page_stops_after_the_limit(client, people, tight_limits, django_capture_on_commit_callbacks):
    assert client.login(username="alice@example.org", password=PASSWORD)
    ajax = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
    client.post("/upload/", {"file": SimpleUploadedFile("a.txt", b"ER positive")}, **ajax)
    response = client.post("/upload/", {"file": SimpleUploadedFile("b.txt", b"PR negative")}, **ajax)
    assert Document.objects.count() == 1
    assert b"many files in the last hour" in response.content


def test_ask_page_stops_after_the_limit(client, people, tight_limits):
    assert client.login(username="alice@example.org", password=PASSWORD)
    client.post("/ask/", {"question": "What is HER2?"})
    response = client.post("/ask/", {"question": "What is Ki-67?"})
    assert response.status_code == 400
    assert b"many questions in the last hour" in response.content
