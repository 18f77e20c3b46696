"""Uploaded originals are encrypted at rest; keys rotate; a wrong key is an error."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from records import services
from records.models import Document, Page
from records.storage import MAGIC, EncryptedFileSystemStorage, FileDecryptionError

from .conftest import MARKER, REPORT, upload

pytestmark = pytest.mark.django_db


def on_disk(document: Document) -> bytes:
    return Path(document.original.path).read_bytes()


def test_default_storage_is_encrypted():
    assert isinstance(default_storage, EncryptedFileSystemStorage)


def test_bytes_on_disk_are_not_the_plaintext(clients, people):
    response = upload(clients["alice"], "pathology.txt", REPORT)
    assert response.status_code == 201, response.content
    document = Document.objects.get(pk=response.json()["documents"][0]["id"])
    raw = on_disk(document)
    assert raw.startswith(MAGIC)
    assert raw != REPORT and MARKER not in raw and b"Estrogen" not in raw
    assert document.original.size == len(REPORT)  # the original's size, not the ciphertext's


def test_download_returns_the_original_as_an_attachment(clients, people):
    doc_id = upload(clients["alice"], "pathology.txt", REPORT).json()["documents"][0]["id"]
    for who in ("alice", "bob"):
        response = clients[who].get(f"/api/documents/{doc_id}/file")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == REPORT
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        assert int(response["Content-Length"]) == len(REPORT)


def test_text_extraction_reads_the_encrypted_original(people, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=False):
        result = services.ingest_upload(
            patient=people.alice, uploaded_by=people.alice.user,
            uploaded=SimpleUploadedFile("pathology.txt", REPORT),
        )
    assert services.run_text_extraction(result.document.pk) == Document.Status.TEXT_READY
    assert MARKER.decode() in Page.objects.get(document=result.document).text


def test_a_pdf_goes_all_the_way_through(clients, eager_tasks):
    from tests.records import factories

    with eager_tasks(execute=True):
        response = upload(clients["alice"], "report.pdf", factories.report_pdf(2))
    doc_id = response.json()["documents"][0]["id"]
    detail = clients["alice"].get(f"/api/documents/{doc_id}/").json()
    assert detail["status"] == "done", detail["error"]
    assert detail["page_count"] == 2
    assert not on_disk(Document.objects.get(pk=doc_id)).startswith(b"%PDF")


def test_rotation(settings, people, new_key):
    old_key = Fernet.generate_key().decode()
    settings.FILE_ENCRYPTION_KEYS = [old_key]
    name = default_storage.save("documents/rotate-me.txt", ContentFile(REPORT))
    before = default_storage.path(name)
    before_raw = Path(before).read_bytes()
    Document.objects.create(
        patient=people.alice, original=name, original_name="r.txt", sha256="0" * 64,
        media_type="text/plain", size=len(REPORT),
    )

    # A new key in front: the old key still opens files not yet rotated.
    settings.FILE_ENCRYPTION_KEYS = [new_key, old_key]
    with default_storage.open(name) as fh:
        assert fh.read() == REPORT

    out = io.StringIO()
    call_command("rotate_file_keys", stdout=out)
    assert "1 rotated" in out.getvalue()
    assert Path(before).read_bytes() != before_raw

    # Only the new key is needed now; the old one alone no longer opens it.
    settings.FILE_ENCRYPTION_KEYS = [new_key]
    with default_storage.open(name) as fh:
        assert fh.read() == REPORT
    settings.FILE_ENCRYPTION_KEYS = [old_key]
    with pytest.raises(FileDecryptionError):
        default_storage.open(name)

    # Rerunning leaves current files alone.
    settings.FILE_ENCRYPTION_KEYS = [new_key]
    out = io.StringIO()
    call_command("rotate_file_keys", stdout=out)
    assert "0 rotated, 1 current" in out.getvalue()


def test_wrong_key_is_a_clear_error_not_garbage(settings, clients, people, new_key):
    doc_id = upload(clients["alice"], "pathology.txt", REPORT).json()["documents"][0]["id"]
    document = Document.objects.get(pk=doc_id)
    settings.FILE_ENCRYPTION_KEYS = [new_key]
    with pytest.raises(FileDecryptionError, match="cannot be decrypted with any key"):
        document.original.open("rb")
    response = clients["alice"].get(f"/api/documents/{doc_id}/file")
    assert response.status_code == 500
    assert REPORT not in response.content and MARKER not in response.content
    # The rotation command refuses too, and says which key to keep.
    with pytest.raises(CommandError, match="keep the old key"):
        call_command("rotate_file_keys", stdout=io.StringIO(), stderr=io.StringIO())


def test_plaintext_from_before_encryption_is_refused_then_rotated(settings, people):
    name = "documents/legacy.txt"
    path = Path(default_storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(REPORT)
    Document.objects.create(
        patient=people.alice, original=name, original_name="l.txt", sha256="1" * 64,
        media_type="text/plain", size=len(REPORT),
    )
    settings.FILE_ENCRYPTION_READ_PLAINTEXT = False
    with pytest.raises(FileDecryptionError, match="rotate_file_keys"):
        default_storage.open(name)
    call_command("rotate_file_keys", stdout=io.StringIO())
    assert path.read_bytes().startswith(MAGIC)
    with default_storage.open(name) as fh:
        assert fh.read() == REPORT


def test_a_malformed_key_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.FILE_ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="key #1 is not a valid Fernet key"):
        default_storage.save("documents/x.txt", ContentFile(b"x"))
