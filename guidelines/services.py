"""Writes of the answer engine: answering and storing a patient's question."""

from __future__ import annotations

import time
from typing import Any

from guidelines.answer.engine import answer
from guidelines.answer.profile_facts import from_patient, from_profile_file

from .models import Question

MAX_QUESTION_CHARS = 2000


class QuestionRejected(ValueError):
    """A question that cannot be answered as sent (empty or too long)."""


def _checked(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise QuestionRejected("Type a question first.")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionRejected(f"Please keep a question under {MAX_QUESTION_CHARS} characters.")
    return text


def answer_for_profile_file(profile: dict[str, Any], question: str) -> dict[str, Any]:
    return answer(_checked(question), from_profile_file(profile))


def answer_for_patient(patient, question: str) -> dict[str, Any]:
    return answer(_checked(question), from_patient(patient))


def ask_question(user, patient, question: str) -> Question:
    """Answer for the patient's stored, audited profile and keep the answer with the
    profile version it used, so it can be read again as it was given."""
    started = time.perf_counter()
    result = answer_for_patient(patient, question)
    return Question.objects.create(
        patient=patient,
        asked_by=user,
        text=result["question"],
        kind=result["kind"],
        answer=result,
        profile_version=result.get("profile_version") or "",
        duration_ms=int((time.perf_counter() - started) * 1000),
    )


def question_history(user, patient, limit: int = 50) -> list[Question]:
    """The patient's questions, newest first; the caller has already checked access."""
    return list(patient.questions.all()[:limit])
