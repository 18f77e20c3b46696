"""ANC and WBC as lab reports and clinic notes write them, in 10^9/L."""

from __future__ import annotations

import pytest

from nlp.extractors.labs import extract, summarize
from tests.nlp.checked import extract_checked


def run(text):
    return extract_checked(extract, text)


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [
        ("ANC 0.9", "ANC", 0.9),
        ("ANC of 900", "ANC", 0.9),
        ("ANC: 1.2 K/uL", "ANC", 1.2),
        ("ANC 1,200/mm3", "ANC", 1.2),
        ("Absolute neutrophil count 750 cells/\u00b5L", "ANC", 0.75),
        ("Absolute neutrophil count 750 cells/uL", "ANC", 0.75),
        ("Neutrophils, absolute 1.1 10*3/uL", "ANC", 1.1),
        ("Neutrophils (Abs) 2.4 x10^3/uL", "ANC", 2.4),
        ("ANC was 2100", "ANC", 2.1),
        ("WBC 3.1 x10^9/L", "WBC", 3.1),
        ("WBC 2.8 (L)", "WBC", 2.8),
        ("white blood cell count of 5.6", "WBC", 5.6),
        ("WBC   3.2   4.0-11.0 K/uL  L", "WBC", 3.2),
        ("Neutrophils 1.8 K/uL", "ANC", 1.8),
    ],
)
def test_values_in_giga_per_litre(text, name, value):
    (f,) = run(text)
    assert f.value["name"] == name
    assert f.value["value"] == pytest.approx(value)
    assert f.value["unit"] == "10^9/L"


def test_low_flag_and_grade():
    (f,) = run("ANC 0.4")
    assert f.attributes["flag"] == "low"
    assert f.attributes["ctcae_grade"] == 4
    (g,) = run("ANC 2.5")
    assert "flag" not in g.attributes and "ctcae_grade" not in g.attributes


def test_stated_high_flag_is_kept():
    (f,) = run("WBC 11.5 H")
    assert f.attributes["flag"] == "high"


def test_table_row_reads_unit_after_reference_range():
    (f,) = run("WBC   3.2   4.0-11.0 K/uL  L")
    assert f.attributes["unit_as_written"] == "K/uL"
    assert f.attributes["flag"] == "low"


def test_date_after_value_and_from_line_heading():
    (f,) = run("ANC of 900 on 10/1/2026")
    assert f.value["date"] == "2026-10-01"
    wbc, anc = run("Labs 10/01/2026: WBC 2.1, ANC 0.9")
    assert wbc.value["date"] == anc.value["date"] == "2026-10-01"


def test_pending_has_no_value():
    (f,) = run("ANC pending")
    assert f.value["value"] is None
    assert f.attributes == {"pending": True}
    assert summarize([f]) == {}


@pytest.mark.parametrize(
    "text",
    [
        "ANCA negative",
        "p-ANCA titer 1:40",
        "Diagnoses called at. (A) anc. (B) by Dr.",
        "Neutrophils 45%",
        "Neutrophils 65",
        "WBC 4.0-11.0",
        "cancer 2 cm",
        "The specimen was sent for WBC review.",
    ],
)
def test_not_labs(text):
    assert run(text) == []


def test_summary_lists_labs_in_profile_shape():
    found = run("10/01/2026: ANC 0.9, WBC 2.5.\nRepeat 10/08/2026: ANC 1.6")
    assert summarize(found) == {"labs": [
        {"name": "ANC", "value": 0.9, "unit": "10^9/L", "date": "2026-10-01", "flag": "low"},
        {"name": "WBC", "value": 2.5, "unit": "10^9/L", "date": "2026-10-01", "flag": "low"},
        {"name": "ANC", "value": 1.6, "unit": "10^9/L", "date": "2026-10-08"},
    ]}
