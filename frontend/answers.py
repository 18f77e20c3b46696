"""The ask page's link to the answer engine.

Prefers the Python service (`guidelines.services.ask_question` and a history function
beside it); without it, calls the questions API view in-process
(`/api/patients/{id}/questions/`), so the page speaks the API's contract either way."""

from __future__ import annotations

import importlib
import logging
from typing import Any

from django.test import RequestFactory
from django.urls import Resolver404, resolve

log = logging.getLogger(__name__)


class AnswerServiceMissing(Exception):
    """Neither the service nor the API endpoint exists yet."""


class AnswerFailed(Exception):
    """The answer engine refused or failed; the message is for the person."""


def _service(name: str):
    try:
        module = importlib.import_module("guidelines.services")
    except ImportError:
        return None
    return getattr(module, name, None)


def _api(user, patient, method: str, body: dict | None = None):
    path = f"/api/patients/{patient.pk}/questions/"
    try:
        match = resolve(path)
    except Resolver404 as exc:
        raise AnswerServiceMissing("The question service is not available yet.") from exc
    factory = RequestFactory()
    if method == "post":
        request = factory.post(path, data=body or {}, content_type="application/json")
    else:
        request = factory.get(path)
    request.user = user
    request._dont_enforce_csrf_checks = True  # the page's own form was CSRF-checked
    response = match.func(request, *match.args, **match.kwargs)
    if hasattr(response, "render"):
        response.render()
    return response


def _as_entry(data: Any) -> dict[str, Any]:
    """Normalise an API/service record to {id, question, created_at, answer}."""
    if hasattr(data, "answer") and hasattr(data, "pk"):  # the service's stored Question
        return {"id": data.pk, "question": getattr(data, "text", ""),
                "created_at": getattr(data, "created_at", None), "answer": data.answer}
    if isinstance(data, dict) and "answer" in data:
        return data
    return {"id": None, "question": (data or {}).get("question", ""), "created_at": None,
            "answer": data}


def ask(user, patient, question: str) -> dict[str, Any]:
    service = _service("ask_question")
    if service is not None:
        try:
            return _as_entry(service(user, patient, question))
        except ValueError as exc:  # the service's QuestionRejected: empty or too long
            raise AnswerFailed(str(exc)) from exc
    response = _api(user, patient, "post", {"question": question})
    if response.status_code >= 400:
        detail = getattr(response, "data", None)
        if isinstance(detail, dict):
            detail = detail.get("detail") or detail.get("question") or detail
        raise AnswerFailed(str(detail or "The question could not be answered."))
    return _as_entry(response.data)


def history(user, patient) -> list[dict[str, Any]]:
    for name in ("question_history", "list_questions", "questions_for"):
        service = _service(name)
        if service is not None:
            return [_as_entry(item) for item in service(user, patient)]
    try:
        response = _api(user, patient, "get")
    except AnswerServiceMissing:
        return []
    if response.status_code >= 400:
        log.warning("question history answered %s", response.status_code)
        return []
    data = response.data
    if isinstance(data, dict) and "results" in data:  # paginated
        data = data["results"]
    return [_as_entry(item) for item in data or []]


def available() -> bool:
    if _service("ask_question") is not None:
        return True
    try:
        resolve("/api/patients/1/questions/")
    except Resolver404:
        return False
    return True


def prepare(entry: dict[str, Any], anchor: str = "a") -> dict[str, Any]:
    """Number the citations in order of first use and attach them to each sentence."""
    answer = dict(entry.get("answer") or {})
    citations = answer.get("citations") or {}
    numbers: dict[str, int] = {}
    ordered: list[dict[str, Any]] = []

    def number(cid: str) -> int:
        if cid not in numbers:
            numbers[cid] = len(numbers) + 1
            info = dict(citations.get(cid) or {})
            record = cid.split(":", 1)[1] if cid.startswith("record:") else None
            finding_id = info.get("finding_id") or (
                int(record) if record and record.isdigit() else None)
            ordered.append({**info, "id": cid, "n": numbers[cid], "finding_id": finding_id,
                            "is_record": record is not None})
        return numbers[cid]

    sections = []
    for section in answer.get("sections") or []:
        sentences = [
            {"text": s.get("text", ""), "cites": [
                {"n": number(c), "id": c} for c in s.get("citations") or []]}
            for s in section.get("sentences") or []
        ]
        sections.append({"heading": section.get("heading", ""), "sentences": sentences})
    for cid in citations:  # cited only by trials or unused: still listed
        number(cid)
    return {**entry, "answer": answer, "kind": answer.get("kind", "answer"), "anchor": anchor,
            "sections": sections, "citation_list": ordered}
