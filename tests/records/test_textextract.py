"""Text extraction on real and generated files, no Django involved."""

from pathlib import Path

import pytest

from records.ocr import tesseract_available
from records.textextract import UnreadableDocument, extract_pages, ocr_code_notes
from tests.records import factories

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_real_scanned_report_with_text_layer_is_read_without_ocr():
    pages = extract_pages(FIXTURES / "scanned-pdfs" / "kidney.pdf")
    assert [p.method for p in pages] == ["text_layer"]
    assert "RENAL CELL CARCINOMA" in pages[0].text
    assert "FINAL DIAGNOSIS" in pages[0].text


def test_second_real_report_keeps_its_diagnosis_text():
    pages = extract_pages(FIXTURES / "scanned-pdfs" / "lung-2.pdf")
    assert "lobectomy" in pages[0].text
    assert "DIAGNOSIS" in pages[0].text


def test_pages_are_numbered_in_order():
    pages = extract_pages(factories.report_pdf(3))
    assert [p.number for p in pages] == [1, 2, 3]
    assert "Page 2 of 3" in pages[1].text


def test_two_column_page_is_read_column_by_column():
    left = [f"Left column line {i} about estrogen receptor" for i in range(8)]
    right = [f"Right column line {i} about HER2 status" for i in range(8)]
    text = extract_pages(factories.two_column_pdf(left, right))[0].text
    # Interleaved reading would put "Right column line 0" before "Left column line 1".
    assert text.index("Left column line 7") < text.index("Right column line 0")
    assert text.index("Right column line 0") < text.index("Right column line 7")


def test_single_column_page_is_not_split():
    lines = [f"A long single-column sentence number {i} running across the middle of the page" for i in range(10)]
    text = extract_pages(factories.text_pdf([lines]))[0].text
    assert "sentence number 3 running across" in text


def test_ruled_table_is_kept_as_rows():
    rows = [["Marker", "Result", "Percent"], ["ER", "Positive", "95%"], ["PR", "Negative", "0%"]]
    text = extract_pages(factories.table_pdf(rows))[0].text
    assert "ER | Positive | 95%" in text
    assert "PR | Negative | 0%" in text


@pytest.mark.slow
@pytest.mark.skipif(not tesseract_available(), reason="tesseract not installed")
def test_image_only_pdf_page_is_ocred_with_confidence():
    pages = extract_pages(
        factories.image_only_pdf(["FINAL DIAGNOSIS", "Invasive ductal carcinoma", "Estrogen receptor positive"])
    )
    assert pages[0].method == "ocr"
    assert "ductal carcinoma" in pages[0].text.lower()
    assert pages[0].ocr_confidence is not None and pages[0].ocr_confidence > 50


@pytest.mark.slow
@pytest.mark.skipif(not tesseract_available(), reason="tesseract not installed")
def test_png_image_is_ocred():
    pages = extract_pages(factories.text_image(["Progesterone receptor negative"]))
    assert pages[0].method == "ocr"
    assert "progesterone" in pages[0].text.lower()


def test_plain_text_is_one_page():
    pages = extract_pages(b"ER: positive\nPR: negative\n")
    assert len(pages) == 1 and pages[0].method == "plain_text"
    assert pages[0].text.startswith("ER: positive")


@pytest.mark.parametrize(
    "data, words",
    [
        (factories.truncated_pdf(), "damaged or incomplete"),
        (factories.encrypted_pdf(), "password-protected"),
        (factories.WINDOWS_EXE, "Windows program"),
        (b"%PDF-1.4\n%%EOF\n", "damaged"),
    ],
)
def test_unreadable_files_raise_a_reason_a_person_understands(data, words):
    with pytest.raises(UnreadableDocument, match=words):
        extract_pages(data)


def test_page_limit_is_enforced():
    with pytest.raises(UnreadableDocument, match="has 5 pages"):
        extract_pages(factories.report_pdf(5), max_pages=3)


def test_owner_only_lock_still_opens():
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(factories.report_pdf(1))).pages[0])
    writer.encrypt(user_password="", owner_password="owner-only")
    buf = io.BytesIO()
    writer.write(buf)
    pages = extract_pages(buf.getvalue())
    assert "Estrogen receptor" in pages[0].text


def test_ocr_confusions_in_staging_codes_are_noted():
    notes = ocr_code_notes("pT2 pNO MO, Stage IlA")
    suggestions = {n["text"]: n["suggest"] for n in notes}
    assert suggestions["pNO"] == "pN0"
    assert suggestions["MO"] == "M0"
    assert suggestions["Stage IlA"] == "Stage IIA"
    assert "pT2" not in suggestions
