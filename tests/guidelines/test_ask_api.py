"""Asking through the API and the command line, for a stored patient."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from guidelines.models import Question
from tests.records.builders import done_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_record(people):
    path = done_document(people.alice, findings=[("er_status", "positive"), ("pr_status", "positive"),
                                                 ("her2_status", "negative"), ("stage_group", "IIA")])
    return path


def test_patient_asks_and_gets_an_answer_citing_the_record(clients, people, alice_record, guidelines_index):
    response = clients["alice"].post(f"/api/patients/{people.alice.pk}/questions/",
                                     {"question": "How does CAR-T work for my cancer?"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    answer = body["answer"]
    assert body["kind"] == "answer" and answer["kind"] == "answer"
    er = alice_record.findings.get(field="er_status")
    record_cites = [c for c in answer["citations"] if c.startswith("record:")]
    assert f"record:{er.pk}" in record_cites
    entry = answer["citations"][f"record:{er.pk}"]
    assert entry["document_id"] == alice_record.pk and entry["page"] == 1
    assert body["profile_version"]
    stored = Question.objects.get()
    assert stored.profile_version == body["profile_version"] and stored.asked_by == people.alice.user


def test_history_newest_first_and_visible_to_granted_clinician(clients, people, alice_record, guidelines_index):
    for q in ("What is HER2?", "What is Ki-67?"):
        clients["alice"].post(f"/api/patients/{people.alice.pk}/questions/", {"question": q}, format="json")
    history = clients["bob"].get(f"/api/patients/{people.alice.pk}/questions/").json()
    assert [h["question"] for h in history] == ["What is Ki-67?", "What is HER2?"]


@pytest.mark.parametrize("who, expected", [("charlie", 404), ("dave", 404), ("anonymous", 401)])
def test_strangers_cannot_ask_or_read(clients, people, who, expected):
    url = f"/api/patients/{people.alice.pk}/questions/"
    assert clients[who].post(url, {"question": "What is HER2?"}, format="json").status_code == expected
    assert clients[who].get(url).status_code == expected
    assert not Question.objects.exists()


def test_empty_question_is_refused(clients, people):
    response = clients["alice"].post(f"/api/patients/{people.alice.pk}/questions/", {"question": "  "}, format="json")
    assert response.status_code == 400


def test_ask_command_for_stored_patient_prints_one_json_object(people, alice_record, guidelines_index):
    out = io.StringIO()
    call_command("ask", "--patient", str(people.alice.pk), "What", "is", "HER2?", stdout=out)
    result = json.loads(out.getvalue())
    assert result["question"] == "What is HER2?"
    assert "ER-positive" in result["personalized_for"]
    assert set(result) >= {"question", "kind", "personalized_for", "sections", "questions_for_oncologist",
                           "trials", "citations", "disclaimer"}


def test_ask_command_with_profile_file(tmp_path, guidelines_index):
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"er_status": "negative", "pr_status": "negative", "her2_status": "negative"}))
    out = io.StringIO()
    call_command("ask", "--profile", str(profile), "What are my treatment options?", stdout=out)
    result = json.loads(out.getvalue())
    assert "triple-negative" in result["personalized_for"]
    assert all(s["citations"] for sec in result["sections"] for s in sec["sentences"])
