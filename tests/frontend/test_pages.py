"""Pages render for the right people, answer 404 to strangers and send anonymous
people to sign in; the flag, review, delete and upload forms work for the right role
only and need a CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client

from records.models import Document, Finding, Review
from tests.records.factories import report_pdf

from .conftest import login

pytestmark = pytest.mark.django_db

DISCLAIMER = "OncoLens gives general, educational information from public sources"


def finding(document, field, value=None) -> Finding:
    qs = Finding.objects.filter(document=document, field=field, assertion="present")
    if value is not None:
        qs = [f for f in qs if f.value == value]
    return list(qs)[0]


def page_urls(records, people):
    er = finding(records["excision"], "er_status")
    return [
        "/", "/documents/", f"/documents/{records['core'].pk}/", "/profile/",
        f"/patients/{people.alice.pk}/profile/", f"/findings/{er.pk}/", "/ask/",
    ]


def test_anonymous_is_sent_to_sign_in(client, records, people):
    for url in page_urls(records, people)[1:] + ["/clinician/", "/review/", "/review/stats/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
    welcome = client.get("/")
    assert welcome.status_code == 200 and b"Sign in" in welcome.content


def test_sign_in_page_has_labels_and_disclaimer(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert DISCLAIMER in html


def test_patient_sees_every_page(client, records, people):
    login(client, people.alice)
    for url in page_urls(records, people):
        response = client.get(url)
        assert response.status_code == 200, url
        assert DISCLAIMER in response.content.decode(), url


def test_profile_shows_sources_conflict_and_derived_values(client, records, people):
    login(client, people.alice)
    html = client.get("/profile/").content.decode()
    assert "Documents disagree" in html  # ER: positive in one, negative in the other
    assert "Estrogen receptor (ER)" in html
    pr = finding(records["core"], "pr_status")
    assert f'href="/findings/{pr.pk}/"' in html or "/findings/" in html
    assert "From core-biopsy.txt, page 1" in html or "From excision.txt, page 1" in html
    assert "Stage" in html and "IIA" in html
    assert f"/api/patients/{people.alice.pk}/fhir/" in html
    assert f"/documents/{records['core'].pk}/delete/" in html


def test_finding_page_highlights_the_span(client, records, people):
    login(client, people.alice)
    er = finding(records["excision"], "er_status")
    html = client.get(f"/findings/{er.pk}/").content.decode()
    assert f'<mark id="mark-{er.pk}">{er.text}</mark>' in html
    fragment = client.get(f"/findings/{er.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<mark" in fragment and "<html" not in fragment


def test_timeline_chart_is_an_svg_with_dose_change_reason(client, clinic_note, people):
    login(client, people.alice)
    html = client.get("/profile/").content.decode()
    assert '<svg class="timeline"' in html
    assert "ribociclib" in html and "letrozole" in html
    assert "Reason: neutropenia" in html  # in the marker's <title> and the legend
    assert "<title>1. ribociclib: Dose reduced to 400 mg" in html
    assert "Lumpectomy" in html  # surgery as an event


def test_stranger_gets_404_everywhere(client, records, people):
    er = finding(records["excision"], "er_status")
    for person in (people.charlie, people.dave):
        login(client, person)
        for url in (f"/documents/{records['core'].pk}/", f"/findings/{er.pk}/",
                    f"/patients/{people.alice.pk}/profile/",
                    f"/documents/{records['core'].pk}/status/",
                    f"/documents/{records['core'].pk}/delete/"):
            assert client.get(url).status_code == 404, (person, url)
        assert client.post(f"/findings/{er.pk}/flag/", {"reason": "x"}).status_code == 404
        assert client.post(f"/documents/{records['core'].pk}/delete/").status_code == 404
    assert not Review.objects.exists()
    assert Document.objects.filter(pk=records["core"].pk).exists()


def test_patient_flags_a_value(client, records, people):
    login(client, people.alice)
    er = finding(records["excision"], "er_status")
    response = client.post(f"/findings/{er.pk}/flag/", {"reason": "My oncologist said ER+"})
    assert response.status_code == 302
    review = Review.objects.get(finding=er)
    assert review.action == "flag" and review.reviewer == people.alice.user
    html = client.get("/profile/").content.decode()
    assert "You flagged this" in html or "Documents disagree" in html
    assert "My oncologist said ER+" in client.get(f"/findings/{er.pk}/").content.decode()


def test_clinician_cannot_flag_and_patient_cannot_review(client, records, people):
    er = finding(records["excision"], "er_status")
    login(client, people.bob)
    assert client.post(f"/findings/{er.pk}/flag/", {"reason": "x"}).status_code == 403
    login(client, people.alice)
    response = client.post(f"/review/{er.pk}/", {"action": "accept"})
    assert response.status_code == 403
    assert not Review.objects.exists()


def test_clinician_pages(client, records, people):
    login(client, people.bob)
    home = client.get("/clinician/").content.decode()
    assert "Alice" in home and DISCLAIMER in home
    assert client.get("/").status_code == 302  # a clinician's home is the patient list
    queue = client.get("/review/").content.decode()
    assert "Conflict" in queue and "Estrogen receptor" in queue
    er = finding(records["excision"], "er_status")
    screen = client.get(f"/review/{er.pk}/").content.decode()
    assert f'<mark id="mark-{er.pk}">' in screen
    assert 'aria-keyshortcuts="a"' in screen and "<kbd>j</kbd> next" in screen
    assert client.get(f"/patients/{people.alice.pk}/profile/").status_code == 200
    assert client.get("/review/stats/").status_code == 200


def test_patient_cannot_open_clinician_pages(client, records, people):
    login(client, people.alice)
    for url in ("/clinician/", "/review/", "/review/stats/"):
        assert client.get(url).status_code == 403, url


def test_clinician_corrects_and_profile_follows(client, records, people):
    er = finding(records["excision"], "er_status")
    login(client, people.bob)
    missing = client.post(f"/review/{er.pk}/", {"action": "correct", "value": "positive"})
    assert missing.status_code == 400 and b"Say why" in missing.content
    response = client.post(f"/review/{er.pk}/", {
        "action": "correct", "value": "Positive", "reason": "excision stain failed"})
    assert response.status_code == 302
    review = Review.objects.get(finding=er)
    assert (review.action, review.value) == ("correct", "positive")
    login(client, people.alice)
    html = client.get("/profile/").content.decode()
    assert "Corrected by a clinician" in html and "excision stain failed" in html
    assert "Documents disagree" not in html


def test_clinician_accepts_and_rejects(client, records, people):
    pr = finding(records["core"], "pr_status")
    ki67 = finding(records["core"], "ki67_percent")
    login(client, people.bob)
    assert client.post(f"/review/{pr.pk}/", {"action": "accept"}).status_code == 302
    assert client.post(f"/review/{ki67.pk}/", {"action": "reject"}).status_code == 400
    assert client.post(f"/review/{ki67.pk}/", {"action": "reject",
                                                 "reason": "not this tumor"}).status_code == 302
    assert list(Review.objects.order_by("id").values_list("action", flat=True)) == [
        "accept", "reject"]
    stats = client.get("/review/stats/").content.decode()
    assert "Progesterone receptor (PR)" in stats and "100%" in stats


def test_clinician_without_grant_gets_404_on_review(client, records, people):
    er = finding(records["excision"], "er_status")
    login(client, people.dave)
    assert client.get(f"/review/{er.pk}/").status_code == 404
    assert client.post(f"/review/{er.pk}/", {"action": "accept"}).status_code == 404


def test_forms_need_csrf(records, people):
    er = finding(records["excision"], "er_status")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people.alice.user)
    assert strict.post(f"/findings/{er.pk}/flag/", {"reason": "x"}).status_code == 403
    assert strict.post(f"/documents/{records['core'].pk}/delete/").status_code == 403
    assert strict.post("/upload/", {}).status_code == 403
    assert strict.post("/ask/", {"question": "x"}).status_code == 403
    strict.force_login(people.bob.user)
    assert strict.post(f"/review/{er.pk}/", {"action": "accept"}).status_code == 403
    assert not Review.objects.exists()
    # The forms carry the token.
    strict.force_login(people.alice.user)
    html = strict.get(f"/findings/{er.pk}/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in html


def test_delete_document_with_confirmation(client, records, people):
    core = records["core"]
    login(client, people.bob)
    assert client.post(f"/documents/{core.pk}/delete/").status_code == 403
    login(client, people.alice)
    confirm = client.get(f"/documents/{core.pk}/delete/").content.decode()
    assert "cannot be undone" in confirm
    assert Document.objects.filter(pk=core.pk).exists()
    assert client.post(f"/documents/{core.pk}/delete/").status_code == 302
    assert not Document.objects.filter(pk=core.pk).exists()


def test_upload_form_and_fragment(client, people, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, people.alice)
    response = client.post("/upload/", {"file": [
        SimpleUploadedFile("report.pdf", report_pdf(1), "application/pdf"),
        SimpleUploadedFile("empty.txt", b"", "text/plain"),
    ]}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 200
    html = response.content.decode()
    document = Document.objects.get(original_name="report.pdf")
    assert f'id="doc-{document.pk}"' in html and 'hx-trigger="every 1s"' in html
    assert "Not accepted" in html  # the empty file, with its reason
    status = client.get(f"/documents/{document.pk}/status/", HTTP_HX_REQUEST="true")
    assert status.status_code == 200 and "Waiting" in status.content.decode()
    Document.objects.filter(pk=document.pk).update(status="failed", error="Could not read it.")
    final = client.get(f"/documents/{document.pk}/status/", HTTP_HX_REQUEST="true").content.decode()
    assert "Could not read it." in final and "hx-trigger" not in final
    login(client, people.bob)
    assert client.post("/upload/", {"file": [SimpleUploadedFile("x.txt", b"hi")]}).status_code == 403


def test_static_files_are_served(client):
    for path in ("/static/frontend/app.css", "/static/frontend/app.js",
                 "/static/frontend/vendor/htmx/htmx.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path


def test_ask_page_without_answer_engine_says_so(client, people, monkeypatch):
    from frontend import answers

    monkeypatch.setattr(answers, "_service", lambda name: None)
    monkeypatch.setattr(answers, "_api", lambda *a, **k: (_ for _ in ()).throw(
        answers.AnswerServiceMissing("The question service is not available yet.")))
    login(client, people.alice)
    response = client.post("/ask/", {"question": "What is HER2-low?"})
    assert response.status_code == 400
    assert "not available yet" in response.content.decode()


def test_ask_page_renders_an_answer(client, people, monkeypatch):
    from frontend import answers

    answer = {
        "question": "Fever on ribociclib?", "kind": "urgent",
        "personalized_for": ["on ribociclib"],
        "sections": [
            {"heading": "Call your care team now", "sentences": [
                {"text": "Fever on a drug that lowers white cells can be serious.",
                 "citations": ["nci-1"]}]},
            {"heading": "Why", "sentences": [
                {"text": "Your record lists ribociclib.", "citations": ["record:7"]}]},
        ],
        "questions_for_oncologist": ["Should I check my temperature daily?"],
        "trials": [{"nct_id": "NCT00000001", "title": "A study", "why": ["HR+: matches"],
                    "concerns": ["needs no prior CDK4/6 inhibitor"]}],
        "citations": {"nci-1": {"title": "Neutropenia", "url": "https://www.cancer.gov/x",
                                "updated": "2025-01-01", "passage": "Neutropenia is ..."},
                      "record:7": {"title": "Your clinic note", "document": "note.txt",
                                   "page": 1, "passage": "ribociclib"}},
        "disclaimer": "Educational only.",
    }
    entry = {"id": 1, "question": answer["question"], "created_at": "2026-11-25T10:00:00Z",
             "answer": answer}
    monkeypatch.setattr(answers, "ask", lambda user, patient, q: entry)
    monkeypatch.setattr(answers, "history", lambda user, patient: [entry])
    monkeypatch.setattr(answers, "available", lambda: True)
    login(client, people.alice)
    html = client.post("/ask/", {"question": "Fever on ribociclib?"}).content.decode()
    assert 'class="callout urgent" role="alert"' in html
    assert 'href="#a-cite-1"' in html and 'id="a-cite-1"' in html
    assert 'href="https://www.cancer.gov/x"' in html and "Neutropenia is ..." in html
    assert 'href="/findings/7/"' in html
    assert "NCT00000001" in html and "needs no prior CDK4/6 inhibitor" in html
    assert "Should I check my temperature daily?" in html and "Educational only." in html
