"""The whole pipeline: offsets, sections, assertions (ConText), pages and the summary."""

from __future__ import annotations

import pytest

from nlp.pipeline import extract_document

REPORT = """FINAL DIAGNOSIS:
A. Left breast, mastectomy: Invasive ductal carcinoma, Nottingham grade 2, 2.8 cm.
Margins negative. No lymphovascular invasion.
ER: POSITIVE (95%, strong). PR: negative (0%). HER2 (IHC): 2+ (equivocal).
FISH: not amplified, ratio 1.3. Ki-67: 20%.

GROSS DESCRIPTION:
Received fresh labeled left breast. A 2.5 cm firm mass is present.

CLINICAL HISTORY:
History of right breast ductal carcinoma in situ in 2005, treated with lumpectomy.

FAMILY HISTORY:
Mother with breast cancer.
"""


def _doc(text: str, **kw) -> dict:
    return extract_document(text, **kw)


def _find(doc: dict, field: str, value=None) -> list[dict]:
    return [f for f in doc["findings"] if f["field"] == field and (value is None or f["value"] == value)]


def test_offsets_slice_the_original_text_even_with_typographic_characters():
    text = "ER\u00a0:\u2009POSITIVE (95%) \u2013 PR: NEGATIVE \u2264 1%\r\nHER2\u00a0(IHC): 3+"
    doc = _doc(text)
    assert doc["findings"]
    for f in doc["findings"]:
        assert text[f["start"]:f["end"]] == f["text"]
    assert doc["summary"]["er_status"] == "positive"
    assert doc["summary"]["her2_status"] == "positive"


def test_contract_keys():
    doc = _doc(REPORT, doc_id="r1")
    assert set(doc) == {"id", "summary", "findings"} and doc["id"] == "r1"
    for key in ("er_status", "pr_status", "her2_status", "her2_ihc_score", "her2_ish", "her2_low",
                "ki67_percent", "histology", "grade", "tumor_size_mm", "nodes_positive",
                "nodes_examined", "t_prefix", "t_category", "n_category", "m_category",
                "stage_group", "stage_derived", "metastatic_sites", "laterality"):
        assert key in doc["summary"], key
    for f in doc["findings"]:
        assert {"field", "value", "text", "start", "end", "page", "section", "assertion",
                "confidence", "derived"} <= set(f)
        assert f["assertion"] in ("present", "negated", "possible", "historical", "family", "hypothetical")


def test_summary_of_a_full_report():
    s = _doc(REPORT)["summary"]
    assert (s["er_status"], s["pr_status"]) == ("positive", "negative")
    assert (s["her2_status"], s["her2_ihc_score"], s["her2_ish"], s["her2_low"]) == (
        "negative", "2+", "not amplified", True)
    assert s["ki67_percent"] == 20
    assert s["histology"] == "invasive ductal carcinoma" and s["grade"] == 2
    assert s["laterality"] == "left"
    assert s["margins"] == "negative" and s["lymphovascular_invasion"] == "absent"


def test_sections():
    doc = _doc(REPORT)
    assert _find(doc, "er_status")[0]["section"] == "diagnosis"
    gross_side = [f for f in _find(doc, "laterality") if "Received" in REPORT[f["start"] - 30:f["start"]]]
    assert gross_side and gross_side[0]["section"] == "gross"
    dcis = _find(doc, "histology", "ductal carcinoma in situ")[0]
    assert dcis["section"] == "clinical_history"


def test_history_of_is_historical_and_does_not_reach_the_summary():
    doc = _doc(REPORT)
    dcis = _find(doc, "histology", "ductal carcinoma in situ")[0]
    assert dcis["assertion"] == "historical"
    right = [f for f in _find(doc, "laterality", "right")]
    assert right and all(f["assertion"] != "present" for f in right)
    assert doc["summary"]["laterality"] == "left"


def test_result_words_are_not_negations():
    doc = _doc("The tumor is negative for ER and PR. HER2 negative (1+). Margins free of tumor.")
    for field in ("er_status", "pr_status", "her2_status", "margins"):
        found = _find(doc, field)
        assert found and all(f["assertion"] == "present" for f in found), field
    assert doc["summary"]["er_status"] == "negative"
    assert doc["summary"]["her2_status"] == "negative"


def test_negated_histology():
    doc = _doc("Re-excision: no residual invasive ductal carcinoma is identified.")
    found = _find(doc, "histology")
    assert found and found[0]["assertion"] == "negated"
    assert doc["summary"]["histology"] is None


def test_possible_histology():
    doc = _doc("Core biopsy: atypical ductal proliferation, suspicious for invasive lobular carcinoma.")
    f = _find(doc, "histology", "invasive lobular carcinoma")[0]
    assert f["assertion"] == "possible"
    assert doc["summary"]["histology"] is None


def test_family_history():
    doc = _doc("FAMILY HISTORY: sister with invasive ductal carcinoma at 45.\n"
               "DIAGNOSIS: Invasive lobular carcinoma, left breast.")
    sister = _find(doc, "histology", "invasive ductal carcinoma")[0]
    assert sister["assertion"] == "family"
    assert doc["summary"]["histology"] == "invasive lobular carcinoma"


def test_hypothetical():
    doc = _doc("If HER2 is 2+ by IHC, FISH will be performed. HER2 (IHC): 1+.")
    s = doc["summary"]
    assert s["her2_ihc_score"] == "1+" and s["her2_status"] == "negative"


def test_pending_report_invents_nothing():
    s = _doc("DIAGNOSIS: Invasive ductal carcinoma. ER/PR/HER2 Results. ER: Pending. PR: Pending. "
             "HER2: Pending. Ki-67: to follow.")["summary"]
    assert (s["er_status"], s["pr_status"], s["her2_status"], s["ki67_percent"]) == (None, None, None, None)


def test_invasive_specimen_wins_over_dcis_specimen():
    text = ("FINAL DIAGNOSIS:\n"
            "A. Right breast, excision: Ductal carcinoma in situ, grade 3. ER: negative.\n"
            "B. Left breast, mastectomy: Invasive ductal carcinoma, Nottingham grade 1. "
            "ER: positive (90%).\n")
    s = _doc(text)["summary"]
    assert s["er_status"] == "positive"
    assert s["grade"] == 1
    assert s["laterality"] == "left"


def test_final_diagnosis_beats_clinical_history():
    text = ("CLINICAL HISTORY: Outside biopsy reported ER negative.\n"
            "FINAL DIAGNOSIS: Invasive ductal carcinoma. ER: POSITIVE (80%).")
    assert _doc(text)["summary"]["er_status"] == "positive"


def test_pages_have_numbers_and_page_offsets():
    pages = ["SURGICAL PATHOLOGY REPORT\nFINAL DIAGNOSIS: Invasive ductal carcinoma, left breast.",
             "ADDENDUM:\nER: POSITIVE (95%). PR: POSITIVE (60%). HER2: 1+ (negative)."]
    doc = _doc("\n".join(pages), pages=pages, doc_id="paged")
    er = _find(doc, "er_status")[0]
    assert er["page"] == 2
    assert pages[1][er["start"]:er["end"]] == er["text"]
    hist = _find(doc, "histology")[0]
    assert hist["page"] == 1 and pages[0][hist["start"]:hist["end"]] == hist["text"]
    s = doc["summary"]
    assert (s["er_status"], s["pr_status"], s["her2_status"], s["histology"]) == (
        "positive", "positive", "negative", "invasive ductal carcinoma")


def test_empty_document():
    doc = _doc("")
    assert doc["findings"] == [] and doc["summary"]["er_status"] is None


@pytest.mark.parametrize("text", ["ER positive", "Her2/neu: 3+", "Left breast: invasive lobular carcinoma"])
def test_findings_never_empty_spans(text):
    for f in _doc(text)["findings"]:
        assert f["end"] > f["start"]


def test_synoptic_block_split_at_values_still_counts_as_the_invasive_tumour():
    # "Nuclear grade: 3." looks like a part label "3."; the block after it names only DCIS
    # findings but is the invasive tumour's synoptic: its ER/PR beat the second focus's.
    text = ("FINAL DIAGNOSIS:\nF. RIGHT BREAST, MASTECTOMY: Invasive ductal carcinoma, 2.2 cm.\n"
            "SYNOPTIC REPORT - BREAST, ER/PR RESULTS. Nuclear grade: 3. Mitotic score: 2. "
            "DCIS type: Comedo. DCIS location: Associated with invasive tumor. "
            "Block Number: F1. ER: Positive - Allred Score: 8 = Proportion score: 5 + Intensity Score 3. "
            "PR: Negative - Allred Score: 0 = Proportion Score 0 + Intensity Score 0.\n"
            "References: 1. Harvey JM, et al. J Clin Oncol 1999.\n"
            "The followings are ER and PR results of the second tumor focus measuring 1 cm. "
            "Block Number: F7. ER: Positive - Allred Score: 8 = Proportion score: 5 + Intensity Score 3. "
            "PR: Positive - Allred Score: 7 = Proportion Score 4 + Intensity Score 3.\n")
    s = _doc(text)["summary"]
    assert (s["er_status"], s["pr_status"]) == ("positive", "negative")


def test_interpretation_label_inside_a_stain_block_is_not_a_section_header():
    text = ("FINAL DIAGNOSIS: Invasive ductal carcinoma.\n"
            "ADDENDUM: The following addendum reports the receptor studies. "
            "Estrogen receptor (clone SP1): Interpretation: Positive. "
            "HER2/neu (clone 4B5): Interpretation: Positive (overexpressed). Score: 3+.\n")
    her2 = _find(_doc(text), "her2_status")
    assert her2 and her2[0]["section"] == "addendum"


def test_addendum_that_revises_a_result_wins():
    text = ("COMMENT: Stains on block A7. Estrogen receptor (clone SP1): Interpretation: Positive. "
            "HER2/neu (clone 4B5): Interpretation: Negative (not overexpressed). Score: 1+.\n"
            "ADDENDUM: Repeat staining on block A5. Estrogen receptor (clone SP1): Interpretation: "
            "Positive. HER2/neu (clone 4B5): Interpretation: Positive (overexpressed). Score: 3+.\n")
    assert _doc(text)["summary"]["her2_status"] == "positive"


def test_abbreviations_are_scispacy_s():
    # The faster candidate search gives scispaCy's own abbreviations, long forms included.
    import spacy

    from nlp import context

    text = ("Ductal carcinoma in situ (DCIS) with lymphovascular invasion (LVI). DCIS is present; "
            "no LVI. Estrogen receptor (ER) positive (95%). Sentinel lymph node (SLN) biopsy: "
            "(((unbalanced) text (x) (1+)")
    nlp = context.get_nlp()
    ours = nlp.get_pipe("report_abbreviations")(nlp.make_doc(text))
    ref = spacy.blank("en")
    theirs = ref.get_pipe("abbreviation_detector") if "abbreviation_detector" in ref.pipe_names else \
        ref.add_pipe("abbreviation_detector")
    expected = theirs(nlp.make_doc(text))

    def key(doc):
        return sorted((a.start, a.end, a._.long_form.start, a._.long_form.end) for a in doc._.abbreviations)

    assert key(ours) == key(expected)
    assert {a.text for a in ours._.abbreviations} == {"DCIS", "LVI", "ER", "SLN"}


def test_context_by_sentence_matches_medspacy_context_on_the_whole_doc():
    from spacy.tokens import Span

    from nlp import context
    from nlp.extractors import histology

    text = ("No evidence of invasive carcinoma. History of ductal carcinoma in situ, now invasive "
            "lobular carcinoma. Possible invasive ductal carcinoma. If invasive carcinoma is found, "
            "stains will be performed. Mother with breast cancer; invasive ductal carcinoma present.")
    nlp = context.get_nlp()
    pipe = nlp.get_pipe("medspacy_context")
    found = histology.extract(text)

    def run(apply):
        with nlp.select_pipes(disable=["medspacy_context"]):
            doc = nlp(text)
        doc.spans[context.SPAN_GROUP] = [doc.char_span(f.start, f.end, alignment_mode="expand")
                                         for f in found]
        apply(doc)
        return [sorted((m.category, m.modifier_span, m.scope_span) for m in s._.modifiers)
                for s in doc.spans[context.SPAN_GROUP]]

    assert Span.has_extension("modifiers")
    assert run(lambda doc: context._apply_context(pipe, doc)) == run(pipe)
