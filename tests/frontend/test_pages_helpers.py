"""The pages' helpers: timeline chart, value display, answer preparation, source
highlighting when offsets no longer match."""

from __future__ import annotations

from datetime import date

import pytest

from frontend import answers, labels
from frontend.source import locate
from frontend.timeline_chart import build_chart, month_index, show_date
from records.models import Finding


def test_month_index_and_dates():
    assert month_index("2025-09") == 2025 * 12 + 8
    assert month_index("2025") == 2025 * 12
    assert month_index("soon") is None and month_index("2025-13") is None
    assert show_date("2026-03") == "March 2026"
    assert show_date(None) == "date not in the records"


@pytest.mark.django_db
def test_chart_draws_bars_changes_events_and_escapes(people):
    timeline = {"treatments": [
        {"name": "ribociclib", "kind": "drug", "start": "2025-09", "end": None,
         "status": "current", "brand": "Kisqali", "dose": 400, "unit": "mg",
         "changes": [{"date": "2026-03", "change": "dose reduced", "reason": "neutropenia",
                      "dose": 400, "unit": "mg"}]},
        {"name": "<script>x</script>", "kind": "drug", "start": "2024-01", "end": "2024-06",
         "status": "past", "changes": []},
        {"name": "lumpectomy", "kind": "surgery", "start": "2025-02", "end": None,
         "laterality": "left", "changes": []},
        {"name": "radiation", "kind": "radiation", "start": None, "end": "2025-06",
         "site": "breast", "changes": []},
        {"name": "fulvestrant", "kind": "drug", "start": None, "end": None,
         "status": "planned", "changes": []},
    ]}
    chart = build_chart(people.alice, timeline, today=date(2026, 11, 25))
    svg = str(chart.svg)
    assert svg.startswith('<svg class="timeline"')
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<title>1. ribociclib: Dose reduced to 400 mg (March 2026). Reason: neutropenia" in svg
    assert "Lumpectomy (partial mastectomy) – left: February 2025" in svg
    assert "Radiation – breast: finished June 2025" in svg
    assert "dates not in the records" in svg  # fulvestrant, planned, no dates
    assert 'class="today"' in svg
    assert [c.reason for c in chart.changes] == ["neutropenia"]


@pytest.mark.django_db
def test_chart_is_empty_without_treatments(people):
    assert build_chart(people.alice, {"treatments": []}).empty


def test_value_display_and_parsing():
    assert labels.show_value("ki67_percent", 25) == "25%"
    assert labels.show_value("tumor_size_mm", 18) == "18 mm (1.8 cm)"
    assert labels.show_value("er_status", None) == "not stated"
    assert labels.parse_value("ki67_percent", "30 %") == 30
    assert labels.parse_value("tumor_size_mm", "18.5") == 18.5
    assert labels.parse_value("er_status", " Positive ") == "positive"
    assert labels.parse_value("histology", "Invasive lobular carcinoma") == \
        "Invasive lobular carcinoma"


def test_prepare_numbers_citations_in_order_of_use():
    entry = {"question": "q", "answer": {
        "kind": "clarify",
        "sections": [{"heading": "h", "sentences": [
            {"text": "a", "citations": ["b", "a"]}, {"text": "b", "citations": ["a"]}]}],
        "citations": {"a": {"title": "A"}, "b": {"title": "B"}, "c": {"title": "C"},
                      "record:12": {"title": "note"}},
    }}
    prepared = answers.prepare(entry, "x")
    assert prepared["kind"] == "clarify" and prepared["anchor"] == "x"
    cites = [[c["n"] for c in s["cites"]] for s in prepared["sections"][0]["sentences"]]
    assert cites == [[1, 2], [2]]
    assert [c["id"] for c in prepared["citation_list"]] == ["b", "a", "c", "record:12"]
    assert prepared["citation_list"][3]["finding_id"] == 12


def test_service_record_becomes_an_entry():
    class Stored:
        pk, text, created_at, answer = 3, "why?", None, {"kind": "answer"}

    assert answers._as_entry(Stored()) == {"id": 3, "question": "why?", "created_at": None,
                                           "answer": {"kind": "answer"}}


@pytest.mark.django_db
def test_source_falls_back_to_the_quoted_text(records):
    finding = Finding.objects.filter(document=records["core"], field="er_status").first()
    exact = locate(finding)
    assert exact.exact and exact.span == finding.text
    finding.start, finding.end = finding.start + 3, finding.end + 3  # stale offsets
    moved = locate(finding)
    assert not moved.exact and moved.span == finding.text
    finding.text = "words that are not on the page"
    missing = locate(finding)
    assert missing.span == "" and "ESTROGEN" in missing.before.upper()
