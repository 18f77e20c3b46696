"""Fixtures for the hardening tests: uploads as alice, a clean throttle cache."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.records.conftest import eager_tasks  # noqa: F401 - fixture re-exported

# A report with words that must never show up on disk or in a task message.
REPORT = (
    b"SURGICAL PATHOLOGY REPORT\nPatient: Zelda Quartermaine-Hardening\n"
    b"Estrogen receptor: POSITIVE (95%)\nProgesterone receptor: POSITIVE (80%)\n"
    b"HER2 (IHC): 1+, negative\nKi-67: 12%\n"
)
MARKER = b"Zelda Quartermaine-Hardening"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def new_key():
    return Fernet.generate_key().decode()


def upload(client, name: str, data: bytes, **extra):
    return client.post(
        "/api/documents/", {"file": SimpleUploadedFile(name, data), **extra}, format="multipart"
    )
