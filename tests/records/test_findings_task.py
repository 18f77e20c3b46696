"""The findings step after text extraction: stored per document, idempotent."""

import pytest

from nlp import PIPELINE_VERSION
from records import services
from records.models import Document, Finding
from tests.records import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_doc(people, upload_now):
    return upload_now(people.alice, "r.pdf", factories.report_pdf(2))


def test_document_reaches_done_with_findings_and_summary(done_doc):
    assert done_doc.status == "done", done_doc.error
    assert done_doc.pipeline_version == PIPELINE_VERSION
    assert done_doc.summary["er_status"] == "positive"
    assert done_doc.summary["pr_status"] == "negative"
    er = done_doc.findings.filter(field="er_status", assertion="present").first()
    assert er is not None and er.page in (1, 2)
    # Provenance: the stored span slices back to the page text it names.
    page_text = done_doc.pages.get(number=er.page).text
    assert page_text[er.start : er.end] == er.text
    assert {r.task_name for r in done_doc.runs.all()} == {"extract_text", "extract_findings"}


def test_findings_api_lists_spans(clients, done_doc):
    body = clients["alice"].get(f"/api/documents/{done_doc.pk}/findings").json()
    fields = {f["field"] for f in body}
    assert {"er_status", "pr_status"} <= fields
    assert clients["charlie"].get(f"/api/documents/{done_doc.pk}/findings").status_code == 404
    detail = clients["bob"].get(f"/api/documents/{done_doc.pk}/").json()
    assert detail["summary"]["er_status"] == "positive"


def test_duplicate_delivery_leaves_one_set_of_findings(done_doc):
    count = done_doc.findings.count()
    assert count > 0
    # Same version, already done: skipped.
    assert services.run_findings_extraction(done_doc.pk) == "done"
    # A redelivery that finds the document mid-step (worker died) redoes it whole.
    Document.objects.filter(pk=done_doc.pk).update(status="extracting_findings")
    assert services.run_findings_extraction(done_doc.pk) == "done"
    assert Finding.objects.filter(document=done_doc).count() == count


def test_findings_step_skips_a_failed_document(people, upload_now):
    document = upload_now(people.alice, "x.pdf", factories.encrypted_pdf())
    assert services.run_findings_extraction(document.pk) == "failed"
    assert not Finding.objects.filter(document=document).exists()
