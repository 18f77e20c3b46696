from datetime import date

import pytest

from records.timeline import build_timeline
from tests.records.builders import done_document

pytestmark = pytest.mark.django_db


def test_treatments_merge_across_documents(people):
    done_document(people.alice, kind="note", when=date(2025, 10, 1), summary={"treatments": [
        {"name": "ribociclib", "kind": "drug", "start": "2025-09", "end": None, "status": "current", "changes": []},
        {"name": "lumpectomy", "kind": "surgery", "start": "2025-02", "end": None, "status": "past", "changes": []},
    ]})
    done_document(people.alice, kind="note", when=date(2026, 4, 1), summary={"treatments": [
        {"name": "ribociclib", "kind": "drug", "start": None, "end": None, "status": "current",
         "changes": [{"date": "2026-03", "change": "dose reduced", "reason": "neutropenia"}]},
        {"name": "fulvestrant", "kind": "drug", "start": None, "end": None, "status": "planned", "changes": []},
    ]})
    done_document(people.alice, kind="note", when=date(2026, 5, 1), summary={"treatments": [
        {"name": "ribociclib", "kind": "drug", "start": None, "end": None, "status": "current",
         "changes": [{"date": "2026-03", "change": "dose reduced", "reason": "neutropenia"}]},
    ]})
    timeline = build_timeline(people.alice)
    by_name = {t["name"]: t for t in timeline["treatments"]}
    ribo = by_name["ribociclib"]
    assert ribo["start"] == "2025-09" and ribo["status"] == "current"
    assert ribo["changes"] == [{"date": "2026-03", "change": "dose reduced", "reason": "neutropenia"}]
    assert len(ribo["sources"]) == 3
    assert by_name["fulvestrant"]["status"] == "planned"
    assert timeline["current"] == ["ribociclib"]
    assert [t["name"] for t in timeline["treatments"]][0] == "lumpectomy"


def test_newer_document_ends_a_treatment(people):
    done_document(people.alice, kind="note", when=date(2024, 1, 1), summary={"treatments": [
        {"name": "letrozole", "kind": "drug", "start": "2023-05", "end": None, "status": "current", "changes": []}]})
    done_document(people.alice, kind="note", when=date(2025, 1, 1), summary={"treatments": [
        {"name": "letrozole", "kind": "drug", "start": None, "end": "2024-11", "status": "past",
         "changes": [{"date": "2024-11", "change": "stopped", "reason": "progression"}]}]})
    letrozole = build_timeline(people.alice)["treatments"][0]
    assert letrozole["status"] == "past" and letrozole["end"] == "2024-11"
    assert letrozole["start"] == "2023-05"


def test_labs_are_deduplicated_and_dated(people):
    lab = {"name": "ANC", "value": 0.9, "unit": "10^9/L", "date": "2026-10-01", "flag": "low"}
    done_document(people.alice, kind="lab", summary={"labs": [lab]})
    done_document(people.alice, kind="note", summary={"labs": [lab]})
    labs = build_timeline(people.alice)["labs"]
    assert len(labs) == 1 and labs[0]["value"] == 0.9
