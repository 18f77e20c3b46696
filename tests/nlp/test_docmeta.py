from datetime import date

import pytest

from nlp.docmeta import document_date, document_kind


@pytest.mark.parametrize(
    "text, kind",
    [
        ("SURGICAL PATHOLOGY REPORT\nFINAL DIAGNOSIS: invasive ductal carcinoma", "pathology"),
        ("Immunohistochemistry: ER positive, PR negative. HER2 (IHC): 1+", "biomarker"),
        ("Oncotype DX Breast Recurrence Score: 18", "genomic"),
        ("MRI BREAST BILATERAL\nIMPRESSION: 2.1 cm mass. BI-RADS 6.", "imaging"),
        ("MEDICAL ONCOLOGY FOLLOW-UP NOTE\nAssessment and Plan: continue letrozole", "note"),
        ("CBC with diff: WBC 3.1, ANC 1.2 (reference range 1.8-7.7)", "lab"),
        ("Dear patient, thank you", "other"),
        # A note that discusses results is still a note, not the genomic report itself.
        ("ONCOLOGY FOLLOW-UP NOTE\nGermline BRCA1/BRCA2 testing: negative.\nPlan: continue", "note"),
        ("Assessment and Plan: ER-positive per immunohistochemistry; continue letrozole", "note"),
    ],
)
def test_document_kind(text, kind):
    assert document_kind(text) == kind


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Date of visit: 2026-10-01\nHistory: ...", date(2026, 10, 1)),
        ("Collected: 01/15/2024 Received: 01/16/2024", date(2024, 1, 15)),
        ("Date of procedure: March 3, 2025", date(2025, 3, 3)),
        ("Signed out on 3/7/25 by Dr X", date(2025, 3, 7)),
        ("Report printed\nPatient seen 2024-02-30 (typo) and 2024-02-03", date(2024, 2, 3)),
        ("No dates here at all", None),
    ],
)
def test_document_date(text, expected):
    assert document_date(text) == expected
