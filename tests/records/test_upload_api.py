"""Upload, status, dedupe and bad input through the API, with tasks run in-process."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from records.models import Document, ProcessingRun
from tests.records import factories

pytestmark = pytest.mark.django_db


def upload(client, name, data, **extra):
    return client.post(
        "/api/documents/", {"file": SimpleUploadedFile(name, data), **extra}, format="multipart"
    )


def test_upload_reaches_done_with_pages(clients, eager_tasks):
    with eager_tasks(execute=True):
        response = upload(clients["alice"], "report.pdf", factories.report_pdf(2))
    assert response.status_code == 201, response.content
    doc_id = response.json()["documents"][0]["id"]
    detail = clients["alice"].get(f"/api/documents/{doc_id}/").json()
    assert detail["status"] == "done", detail["error"]
    assert detail["text_ready_at"] and detail["done_at"]
    assert detail["page_count"] == 2
    assert detail["media_type"] == "application/pdf"
    assert [p["number"] for p in detail["pages"]] == [1, 2]
    assert "Estrogen receptor: POSITIVE" in detail["pages"][0]["text"]
    assert {r["outcome"] for r in detail["runs"]} == {"success"}


def test_several_files_in_one_request(clients, eager_tasks):
    files = [
        SimpleUploadedFile("a.pdf", factories.report_pdf(1)),
        SimpleUploadedFile("b.txt", b"ER: negative\nPR: negative\n"),
    ]
    with eager_tasks(execute=True):
        response = clients["alice"].post("/api/documents/", {"file": files}, format="multipart")
    assert response.status_code == 201
    assert sorted(d["original_name"] for d in response.json()["documents"]) == ["a.pdf", "b.txt"]
    assert set(Document.objects.values_list("status", flat=True)) == {"done"}


def test_same_file_twice_returns_the_existing_document(clients, eager_tasks):
    data = factories.report_pdf(1)
    with eager_tasks(execute=True):
        first = upload(clients["alice"], "report.pdf", data)
        second = upload(clients["alice"], "copy-of-report.pdf", data)
    assert second.status_code == 200
    assert second.json()["duplicates"] == [first.json()["documents"][0]["id"]]
    assert Document.objects.count() == 1


def test_same_file_for_another_patient_is_a_separate_document(clients, eager_tasks):
    data = factories.report_pdf(1)
    with eager_tasks(execute=True):
        upload(clients["alice"], "report.pdf", data)
        response = upload(clients["charlie"], "report.pdf", data)
    assert response.status_code == 201
    assert Document.objects.count() == 2


@pytest.mark.parametrize(
    "name, data, status, words",
    [
        ("empty.pdf", b"", 400, "is empty"),
        ("setup.pdf", factories.WINDOWS_EXE, 415, "Windows program"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", 415, "web page"),
    ],
)
def test_refused_uploads_get_a_clear_4xx_and_store_nothing(clients, name, data, status, words):
    response = upload(clients["alice"], name, data)
    assert response.status_code == status
    assert words in response.json()["detail"]
    assert response.json()["rejected"][0]["filename"] == name
    assert Document.objects.count() == 0


def test_oversize_upload_is_refused_with_the_limit(clients, settings):
    settings.UPLOAD_MAX_BYTES = 2048
    response = upload(clients["alice"], "big.pdf", factories.report_pdf(3))
    assert response.status_code == 413
    assert "the limit is 2 KB" in response.json()["detail"]


def test_mixed_batch_keeps_good_files_and_reports_bad_ones(clients, eager_tasks):
    files = [
        SimpleUploadedFile("good.pdf", factories.report_pdf(1)),
        SimpleUploadedFile("empty.txt", b""),
    ]
    with eager_tasks(execute=True):
        response = clients["alice"].post("/api/documents/", {"file": files}, format="multipart")
    assert response.status_code == 201
    body = response.json()
    assert [d["original_name"] for d in body["documents"]] == ["good.pdf"]
    assert body["rejected"][0]["filename"] == "empty.txt"


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("truncated.pdf", factories.truncated_pdf(), "damaged or incomplete"),
        ("locked.pdf", factories.encrypted_pdf(), "password-protected"),
    ],
)
def test_unreadable_pdf_is_failed_with_reason_and_original_kept(clients, eager_tasks, name, data, words):
    with eager_tasks(execute=True):
        response = upload(clients["alice"], name, data)
    assert response.status_code == 201
    doc = Document.objects.get()
    assert doc.status == "failed"
    assert words in doc.error
    assert doc.runs.get().outcome == ProcessingRun.Outcome.FAILED
    # Nothing lost: the original is still stored and downloadable.
    file_response = clients["alice"].get(f"/api/documents/{doc.pk}/file")
    assert file_response.status_code == 200
    assert b"".join(file_response.streaming_content) == data


def test_too_many_pages_fails_with_the_count(clients, eager_tasks, settings):
    settings.UPLOAD_MAX_PAGES = 3
    with eager_tasks(execute=True):
        upload(clients["alice"], "long.pdf", factories.report_pdf(5))
    doc = Document.objects.get()
    assert doc.status == "failed"
    assert "has 5 pages" in doc.error and "up to 3 pages" in doc.error


def test_file_download_is_an_attachment_with_original_bytes(clients, eager_tasks):
    data = factories.report_pdf(1)
    with eager_tasks(execute=True):
        doc_id = upload(clients["alice"], "report.pdf", data).json()["documents"][0]["id"]
    response = clients["alice"].get(f"/api/documents/{doc_id}/file")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == data


def test_rerunning_the_task_is_idempotent(clients, eager_tasks):
    from records import services

    with eager_tasks(execute=True):
        doc_id = upload(clients["alice"], "r.pdf", factories.report_pdf(2)).json()["documents"][0]["id"]
    assert services.run_text_extraction(doc_id) == "done"
    doc = Document.objects.get(pk=doc_id)
    assert doc.pages.count() == 2
    text_runs = doc.runs.filter(task_name="extract_text")
    assert list(text_runs.values_list("outcome", flat=True)) == ["skipped", "success"]


def test_task_after_crash_mid_extraction_redoes_the_work(clients, eager_tasks):
    """A worker killed while reading leaves the document `extracting_text`; the
    redelivered task must finish it, replacing any partial pages."""
    from records import services
    from records.models import Page

    with eager_tasks(execute=True):
        doc_id = upload(clients["alice"], "r.pdf", factories.report_pdf(2)).json()["documents"][0]["id"]
    Document.objects.filter(pk=doc_id).update(status="extracting_text")
    Page.objects.filter(document_id=doc_id, number=2).delete()
    assert services.run_text_extraction(doc_id) == "text_ready"
    assert Page.objects.filter(document_id=doc_id).count() == 2


def test_broker_down_leaves_upload_stored_and_uploaded(clients, django_capture_on_commit_callbacks, monkeypatch):
    from records import tasks

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.extract_text, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(clients["alice"], "r.pdf", factories.report_pdf(1))
    assert response.status_code == 201
    doc = Document.objects.get()
    assert doc.status == "uploaded"
    assert doc.original.storage.exists(doc.original.name)


def test_delete_removes_document_and_file(clients, eager_tasks):
    with eager_tasks(execute=True):
        doc_id = upload(clients["alice"], "r.pdf", factories.report_pdf(1)).json()["documents"][0]["id"]
    doc = Document.objects.get(pk=doc_id)
    storage, name = doc.original.storage, doc.original.name
    with eager_tasks(execute=True):
        response = clients["alice"].delete(f"/api/documents/{doc_id}/")
    assert response.status_code == 204
    assert not Document.objects.filter(pk=doc_id).exists()
    assert not storage.exists(name)


def test_openapi_schema_lists_the_document_endpoints(clients):
    response = clients["alice"].get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/documents/" in paths or "/api/documents" in paths
    assert any(p.rstrip("/").endswith("/file") for p in paths)
