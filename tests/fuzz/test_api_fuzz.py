"""Schemathesis against the live OpenAPI schema: every operation, fuzzed, as a
patient and as her clinician. No 5xx, and every response matches the schema
(status code, content type, body, headers).

Bounded: derandomized (the same cases every run), MAX_EXAMPLES per operation and
mode (positive: schema-valid input; negative: schema-invalid input), a per-request
timeout. Path ids are half random, half the seeded objects, so fuzzing reaches past
the 404. Deletes run last. Uploads are stored but not queued: the worker is not what
is fuzzed here (tests/records covers it)."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip(
    "schemathesis", reason="pip install -r requirements-load.txt -c constraints.txt"
)

from collections import Counter  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import CHECKS as CHECK_REGISTRY  # noqa: E402
from schemathesis.checks import load_all_checks  # noqa: E402

from records import services  # noqa: E402
from tests.people import make_people  # noqa: E402
from tests.records.factories import report_pdf  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MAX_EXAMPLES = 8  # per operation and mode: ~40 s for both users on 2 cores
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# What is asserted: no 5xx, and the response is what the schema says (status, media
# type, body, headers); an API that ignores the token would fail `ignored_auth`.
# Not asserted: that every schema-invalid input is refused (DRF's paginator, for one,
# falls back to its default on `?limit=4.3`, which is fine).
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "ignored_auth",
)


@pytest.fixture
def fuzz_world(live_server, monkeypatch):
    """Alice (a patient) with one read document and its findings; Bob, her clinician."""
    from django.core.cache import cache
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.authtoken.models import Token

    monkeypatch.setattr(services, "enqueue_text_extraction", lambda document_id: None)
    cache.clear()  # per-user rate limits start from zero
    people = make_people()
    doc = services.ingest_upload(
        patient=people.alice, uploaded_by=people.alice.user,
        uploaded=SimpleUploadedFile("report.pdf", report_pdf(1)),
    ).document
    services.run_text_extraction(doc.pk)
    services.run_findings_extraction(doc.pk)
    finding = doc.findings.first()
    return {
        "url": live_server.url,
        "ids": {
            "patient_id": people.alice.pk,
            "id": doc.pk,
            "finding_id": finding.pk if finding else doc.pk,
        },
        "tokens": {
            name: Token.objects.get_or_create(user=getattr(people, name).user)[0].key
            for name in ("alice", "bob")
        },
    }


@pytest.fixture
def api_schema(fuzz_world):
    return schemathesis.openapi.from_url(f"{fuzz_world['url']}/api/schema/", timeout=30)


def destructive_last(operation) -> tuple[int, str]:
    """Deletes run after the reads, and deleting all of a patient's data runs last."""
    if operation.path.endswith("/data/"):
        return (2, operation.label)
    return (int(operation.method.upper() == "DELETE"), operation.label)


def fuzz_operation(strategy, headers, checks, runs: Counter, label: str) -> None:
    @FUZZ_SETTINGS
    @given(case=strategy)
    def run(case):
        runs[label] += 1
        case.call_and_validate(headers=headers, checks=checks, timeout=30)

    run()


def fuzz_all(schema, fuzz_world, who: str) -> None:
    """Every operation, positive then negative data; all failures are collected and
    reported together."""
    headers = {"Authorization": f"Token {fuzz_world['tokens'][who]}"}
    known = fuzz_world["ids"]
    load_all_checks()
    checks = CHECK_REGISTRY.get_by_names(CHECKS)
    failures, runs = [], Counter()
    operations = sorted((r.ok() for r in schema.get_all_operations()), key=destructive_last)
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        real = {k: v for k, v in known.items() if k in names}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)
            if real:
                # Aim at objects that exist too, so fuzzing reaches past the 404.
                strategy = st.one_of(
                    strategy, operation.as_strategy(generation_mode=mode, path_parameters=real)
                )
            try:
                fuzz_operation(strategy, headers, checks, runs, operation.label)
            except Unsatisfiable:
                continue  # no input of this operation can be made invalid
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported below
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:3000]}")
    print(f"{who}: {sum(runs.values())} cases over {len(runs)} operations")
    assert not failures, "\n\n".join(failures)


def test_api_as_patient(api_schema, fuzz_world):
    fuzz_all(api_schema, fuzz_world, "alice")


def test_api_as_clinician(api_schema, fuzz_world):
    fuzz_all(api_schema, fuzz_world, "bob")
