"""Per-user rate limits on uploads and questions answer 429 past the limit."""

from __future__ import annotations

import pytest

from guidelines import services as guideline_services
from guidelines.models import Question

from .conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rates(upload_rate="3/hour", ask_rate="2/hour"):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"upload": upload_rate, "ask": ask_rate},
        }

    set_rates()
    return set_rates


@pytest.fixture
def quick_answers(monkeypatch):
    """The throttle is what is tested: answer without the retrieval index."""
    def ask_question(user, patient, text):
        return Question.objects.create(patient=patient, asked_by=user, text=text, kind="answer",
                                       answer={"kind": "answer", "text": "stub"})

    monkeypatch.setattr(guideline_services, "ask_question", ask_question)


def test_defaults_are_documented_values(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {
        "upload": "120/hour", "ask": "60/hour"
    }


def test_upload_limit_per_user(clients, people, rates):
    for i in range(3):
        assert upload(clients["alice"], f"n{i}.txt", f"note {i}\n".encode()).status_code == 201
    refused = upload(clients["alice"], "n3.txt", b"note 3\n")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # Reading is not limited, and another person has their own budget.
    assert clients["alice"].get("/api/documents/").status_code == 200
    assert upload(clients["charlie"], "c.txt", b"charlie's note\n").status_code == 201


def test_ask_limit_per_user(clients, people, rates, quick_answers):
    url = f"/api/patients/{people.alice.pk}/questions/"
    for q in ("What is HER2?", "What is Ki-67?"):
        assert clients["alice"].post(url, {"question": q}, format="json").status_code == 201
    refused = clients["alice"].post(url, {"question": "What is ER?"}, format="json")
    assert refused.status_code == 429
    assert clients["alice"].get(url).status_code == 200
    assert clients["bob"].post(url, {"question": "What is PR?"}, format="json").status_code == 201
    assert Question.objects.count() == 3


def test_off_disables_a_limit(clients, people, rates):
    rates(upload_rate=None)
    for i in range(5):
        assert upload(clients["alice"], f"n{i}.txt", f"note {i}\n".encode()).status_code == 201
