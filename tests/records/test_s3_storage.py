"""FILE_STORAGE=s3: encrypted originals in an S3-compatible bucket, exercised against
moto's S3 server on loopback (a real HTTP S3 endpoint, no network)."""

from __future__ import annotations

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from records.models import Document
from tests.records import factories

pytest.importorskip("moto")
pytestmark = pytest.mark.django_db

BUCKET = "oncolens-test"


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test",
                 aws_secret_access_key="test").create_bucket(Bucket=BUCKET)
    yield url
    server.stop()


def storage_options(url: str) -> dict:
    return {"bucket_name": BUCKET, "endpoint_url": url, "region_name": "us-east-1",
            "access_key": "test", "secret_key": "test", "default_acl": None, "file_overwrite": False}


def raw_object(url: str, key: str) -> bytes:
    client = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    return client.get_object(Bucket=BUCKET, Key=key)["Body"].read()


def test_bucket_holds_ciphertext_and_storage_returns_plaintext(s3_endpoint):
    from records.storage_s3 import EncryptedS3Storage

    storage = EncryptedS3Storage(**storage_options(s3_endpoint))
    plaintext = b"ER: POSITIVE (95%)\nHER2 (IHC): 1+\n"
    name = storage.save("documents/t/report.txt", ContentFile(plaintext))
    assert plaintext not in raw_object(s3_endpoint, name)
    with storage.open(name) as fh:
        assert fh.read() == plaintext
    assert storage.size(name) == len(plaintext)
    storage.delete(name)
    assert not storage.exists(name)


def test_upload_to_text_ready_with_s3_storage(s3_endpoint, settings, clients, eager_tasks):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "records.storage_s3.EncryptedS3Storage", "OPTIONS": storage_options(s3_endpoint)}}
    data = factories.report_pdf(2)
    with eager_tasks(execute=True):
        response = clients["alice"].post("/api/documents/", {"file": SimpleUploadedFile("r.pdf", data)},
                                         format="multipart")
    assert response.status_code == 201
    doc = Document.objects.get()
    assert doc.status in ("text_ready", "done"), doc.error
    assert data not in raw_object(s3_endpoint, doc.original.name)
    download = clients["alice"].get(f"/api/documents/{doc.pk}/file")
    assert b"".join(download.streaming_content) == data
