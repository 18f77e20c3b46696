"""PDF pages to text: the text layer where it is usable, OCR where it is not.

Two-column pages are read column by column and ruled tables are kept as rows, so the
NLP step sees "ER | Positive | 95%" on one line rather than interleaved words.
"""

from __future__ import annotations

import io
import logging

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .textextract import MIN_TEXT_LAYER_CHARS, PageText, UnreadableDocument

log = logging.getLogger(__name__)

DAMAGED = (
    "This PDF is damaged or incomplete (it may have been cut off while downloading "
    "or uploading). Please upload the original file again."
)


def check_pdf(data: bytes, max_pages: int) -> tuple[int, str | None]:
    """Page count and the password that opens the file ("" for owner-only locks).

    Refuses, with a reason, files that are truncated, password-protected or too long.
    """
    if b"%%EOF" not in data[-2048:]:
        raise UnreadableDocument(DAMAGED)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        password = None
        if reader.is_encrypted:
            # Files locked only against editing open with an empty password.
            if not reader.decrypt(""):
                raise UnreadableDocument(
                    "This PDF is password-protected, so it cannot be read. Please save "
                    "or print it as a PDF without a password and upload that copy."
                )
            password = ""
        count = len(reader.pages)
    except UnreadableDocument:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnreadableDocument(DAMAGED) from exc
    except NotImplementedError as exc:
        raise UnreadableDocument(
            "This PDF uses a kind of encryption OncoLens cannot open. Please save it "
            "as a PDF without a password and upload that copy."
        ) from exc
    if count == 0:
        raise UnreadableDocument("This PDF has no pages.")
    if count > max_pages:
        raise UnreadableDocument(
            f"This PDF has {count} pages; OncoLens reads documents of up to {max_pages} "
            "pages. Please split it into smaller files."
        )
    return count, password


def read_pdf(
    data: bytes, *, max_pages: int, ocr_language: str = "eng", ocr_dpi: int = 300
) -> list[PageText]:
    _, password = check_pdf(data, max_pages)
    pages: list[PageText] = []
    try:
        with pdfplumber.open(io.BytesIO(data), password=password) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                try:
                    pages.append(_read_page(page, number, ocr_language, ocr_dpi))
                finally:
                    page.close()
    except UnreadableDocument:
        raise
    except (PDFSyntaxError, PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise UnreadableDocument(DAMAGED) from exc
    return pages


def _read_page(page, number: int, ocr_language: str, ocr_dpi: int) -> PageText:
    text = layer_text(page)
    if usable_text_layer(text):
        return PageText(number, text, "text_layer")
    from .ocr import ocr_image

    image = page.to_image(resolution=ocr_dpi).original
    ocr_text, confidence = ocr_image(image, ocr_language)
    return PageText(number, ocr_text, "ocr", confidence)


def usable_text_layer(text: str) -> bool:
    alnum = sum(ch.isalnum() for ch in text)
    garbage = text.count("(cid:")
    return alnum >= MIN_TEXT_LAYER_CHARS and garbage * 10 < alnum


def layer_text(page) -> str:
    """The page's text layer in reading order: tables as rows, columns one by one."""
    tables = [t for t in page.find_tables() if len(t.rows) > 1]
    if not tables:
        return _column_text(page)
    blocks: list[str] = []
    top = page.bbox[1]
    for table in sorted(tables, key=lambda t: t.bbox[1]):
        x0, t_top, x1, t_bottom = table.bbox
        if t_top > top:
            blocks.append(_column_text(page.crop((page.bbox[0], top, page.bbox[2], t_top))))
        rows = table.extract()
        blocks.append(
            "\n".join(
                " | ".join((cell or "").replace("\n", " ").strip() for cell in row)
                for row in rows
                if any(cell for cell in row)
            )
        )
        top = max(top, t_bottom)
    if top < page.bbox[3]:
        blocks.append(_column_text(page.crop((page.bbox[0], top, page.bbox[2], page.bbox[3]))))
    return "\n".join(block for block in blocks if block.strip())


def _column_text(page) -> str:
    gutter = find_gutter(page)
    if gutter is None:
        return page.extract_text() or ""
    x0, top, x1, bottom = page.bbox
    left = page.crop((x0, top, gutter, bottom)).extract_text() or ""
    right = page.crop((gutter, top, x1, bottom)).extract_text() or ""
    return f"{left}\n{right}"


def find_gutter(page, min_gap: float = 12.0) -> float | None:
    """x of an empty vertical band in the middle of the page that splits its lines
    into two real columns, or None for a single-column page."""
    words = page.extract_words()
    if len(words) < 20:
        return None
    x0, _, x1, _ = page.bbox
    width = x1 - x0
    lo, hi = x0 + 0.3 * width, x0 + 0.7 * width
    covered = [False] * (int(hi - lo) + 1)
    for word in words:
        a, b = max(word["x0"], lo), min(word["x1"], hi)
        for x in range(int(a - lo), int(b - lo) + 1) if b >= a else ():
            covered[x] = True
    best, run_start = None, None
    for i, is_covered in enumerate(covered + [True]):
        if not is_covered and run_start is None:
            run_start = i
        elif is_covered and run_start is not None:
            if i - run_start >= min_gap and (best is None or i - run_start > best[1] - best[0]):
                best = (run_start, i)
            run_start = None
    if best is None:
        return None
    gutter = lo + (best[0] + best[1]) / 2
    left_lines = {round(w["top"]) for w in words if w["x1"] <= gutter}
    right_lines = {round(w["top"]) for w in words if w["x0"] >= gutter}
    # A few label/value pairs are not columns; real columns run down the page.
    if len(left_lines) < 5 or len(right_lines) < 5:
        return None
    return gutter
