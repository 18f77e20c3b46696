"""Menopausal status from explicit statements and from menstrual/surgical history."""

from __future__ import annotations

import pytest

from nlp.extractors.menopause import extract, summarize
from tests.nlp.checked import extract_checked


def run(text):
    return extract_checked(extract, text)


def status(text):
    return summarize(run(text)).get("menopausal_status")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("62 yo post-menopausal woman with ER+ breast cancer", "postmenopausal"),
        ("Postmenopausal female.", "postmenopausal"),
        ("She is premenopausal.", "premenopausal"),
        ("pre-menopausal", "premenopausal"),
        ("Perimenopausal, irregular menses.", "perimenopausal"),
        ("Menopausal status: Pre", "premenopausal"),
        ("Menopausal status: post-menopausal", "postmenopausal"),
        ("not yet menopausal", "premenopausal"),
        ("Not postmenopausal.", "premenopausal"),
        ("Menopause at age 51.", "postmenopausal"),
        ("LMP 2 years ago.", "postmenopausal"),
        ("LMP: 3 weeks ago", "premenopausal"),
        ("No menses for 18 months.", "postmenopausal"),
        ("Still menstruating regularly; still has regular periods.", "premenopausal"),
        ("s/p bilateral oophorectomy 2019", "postmenopausal"),
        ("s/p TAH/BSO", "postmenopausal"),
        ("RIGHT BREAST CANCER; postmenopausal bleeding.", "postmenopausal"),
    ],
)
def test_status(text, expected):
    assert status(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "DATE of LMP: DATE OF LAST DELIVERY: PRE-OP DIAGNOSIS: LEFT BREAST CANCER.",
        "LMP: Not provided.",
        "s/p right oophorectomy for a cyst",
        "periodic acid-Schiff stain",
        "Period of observation: 3 months.",
    ],
)
def test_no_status(text):
    assert status(text) is None


def test_inferred_status_has_lower_confidence_than_stated():
    (inferred,) = run("s/p bilateral oophorectomy")
    (stated,) = run("postmenopausal")
    assert inferred.confidence < stated.confidence
    assert inferred.attributes["basis"] == "surgical"


def test_stated_status_beats_inference():
    assert status("LMP 3 weeks ago. Assessment: postmenopausal per patient report.") == "postmenopausal"


def test_ovarian_suppression_is_its_own_key():
    found = run("Premenopausal; on ovarian suppression with goserelin plus exemestane.")
    assert summarize(found) == {"menopausal_status": "premenopausal", "ovarian_suppression": True}


def test_planned_or_negated_ovarian_suppression_is_not_current():
    planned = run("Discussed ovarian function suppression with her.")
    assert [f.assertion for f in planned] == ["hypothetical"]
    negated = run("No ovarian suppression.")
    assert [f.assertion for f in negated] == ["negated"]
    assert summarize(planned + negated) == {}
