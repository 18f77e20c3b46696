"""PDF pages to text: the text layer where it is usable, OCR where it is not.

Two-column pages are read column by column and ruled tables are kept as rows, so the
NLP step sees "ER | Positive | 95%" on one line rather than interleaved words.
"""

from __future__ import annotations

import io
import logging
import math
import zlib

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError, PdfReadError, PyPdfError
from pypdf.filters import decode_stream_data
from pypdf.generic import IndirectObject, StreamObject

from .textextract import MAX_IMAGE_PIXELS, MIN_TEXT_LAYER_CHARS, PageText, UnreadableDocument

log = logging.getLogger(__name__)

DAMAGED = (
    "This PDF is damaged or incomplete (it may have been cut off while downloading "
    "or uploading). Please upload the original file again."
)
BOMB = (
    "This PDF is built to expand into far more data than a medical document holds "
    "(a “decompression bomb”), so it was not read. If it is a genuine document, print "
    "it to a new PDF and upload that copy."
)

# Hostile-file limits, checked before pdfminer (which inflates streams without any
# bound) or pdfium touch the file. A 200-page text report holds a few MB of content
# streams and fonts; scanned images are bounded by their declared size instead.
MAX_DECODED_BYTES = 128 * 1024 * 1024  # all non-image streams together, once decoded
MAX_RENDER_PIXELS = 40_000_000  # one page rendered for OCR (A3 at 300 dpi is 17 MP)
MIN_OCR_DPI = 100  # below this, scaling a huge page down leaves no readable text
_PYPDF_LIMITS = dict(  # pypdf stops decoding past these and raises LimitReachedError
    zlib_maximum_output_length=MAX_DECODED_BYTES,
    lzw_maximum_output_length=MAX_DECODED_BYTES,
    run_length_maximum_output_length=MAX_DECODED_BYTES,
    jbig2_maximum_output_length=MAX_DECODED_BYTES,
    array_based_stream_maximum_output_length=MAX_DECODED_BYTES,
    jbig2dec_binary=None,  # never run an external decoder on an upload
)
_UNREADABLE = (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError,
               IndexError, RecursionError)


def _get(dictionary, key: str, default=None):
    """A dictionary entry with indirect references resolved (pypdf's .get does not)."""
    value = dictionary.get(key, default)
    return value.get_object() if hasattr(value, "get_object") else value


def _too_many_pages(max_pages: int, count: int | None = None) -> UnreadableDocument:
    has = f"{count}" if count is not None else f"more than {max_pages}"
    return UnreadableDocument(
        f"This PDF has {has} pages; OncoLens reads documents of up to {max_pages} "
        "pages. Please split it into smaller files."
    )


def count_pages_bounded(reader: PdfReader, max_pages: int, count_up_to: int = 5000) -> int:
    """Leaves of the page tree, walked without pypdf's flattening. A tree of shared
    nodes can claim millions of pages in a few hundred bytes, and /Count may lie, so
    the walk stops past `count_up_to` leaves (or ten times as many nodes). Refuses
    more than max_pages, with the exact count when it was reached."""
    root = reader.trailer["/Root"].get_object()
    stack = [root["/Pages"]]
    leaves = nodes = 0
    node_budget = 10 * count_up_to + 100
    while stack:
        node = stack.pop().get_object()
        nodes += 1
        if nodes > node_budget:
            raise _too_many_pages(max_pages)
        kids = _get(node, "/Kids")
        if kids is not None or _get(node, "/Type") == "/Pages":
            stack.extend(kids if kids is not None else [])
            continue
        leaves += 1
        if leaves > count_up_to:
            raise _too_many_pages(max_pages)
    if leaves > max_pages:
        raise _too_many_pages(max_pages, leaves)
    return leaves


def check_streams(reader: PdfReader) -> None:
    """Refuse decompression bombs: decode every non-image stream under a byte budget
    (pypdf's limits hold each decode to the budget, without caching the result), and
    check each image's declared size instead of decoding it."""
    decoded = 0
    for generation, objects in reader.xref.items():
        for number in objects:
            obj = IndirectObject(number, generation, reader).get_object()
            if not isinstance(obj, StreamObject):
                continue
            if _get(obj, "/Type") in ("/XRef", "/ObjStm"):
                continue  # already decoded by pypdf to read the file at all
            if _get(obj, "/Subtype") == "/Image":
                width, height = _get(obj, "/Width", 0), _get(obj, "/Height", 0)
                if not (isinstance(width, (int, float)) and isinstance(height, (int, float))):
                    raise UnreadableDocument(DAMAGED)
                width, height = int(width), int(height)
                if width * height > MAX_IMAGE_PIXELS:
                    raise UnreadableDocument(
                        f"This PDF holds an image of {width} × {height} pixels, too large "
                        "to read safely. Please scan at a lower resolution.")
                continue
            decoded += _decoded_size(obj, MAX_DECODED_BYTES - decoded)
            if decoded > MAX_DECODED_BYTES:
                raise UnreadableDocument(BOMB)


_FLATE = {"/FlateDecode", "/Fl"}
_CHUNK = 1 << 20


def _decoded_size(obj: StreamObject, budget: int) -> int:
    """Bytes the stream decodes to, or more than `budget` once it passes it. Deflate
    (by far the usual filter, and the bomb's) is counted chunk by chunk through every
    layer without holding the output; other filters go through pypdf's limits."""
    filters = _get(obj, "/Filter")
    chain = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)]
    if filters is not None and all(f in _FLATE for f in chain):
        chunks = iter([getattr(obj, "_data", b"")])
        for _ in chain:
            chunks = _inflate(chunks)
        total = 0
        for chunk in chunks:
            total += len(chunk)
            if total > budget:
                break
        return total
    try:
        return len(decode_stream_data(obj))
    except LimitReachedError as exc:
        raise UnreadableDocument(BOMB) from exc
    except NotImplementedError:
        return 0  # a filter pypdf cannot decode; pdfminer cannot either


def _inflate(chunks):
    """zlib-inflate an iterable of byte chunks lazily, at most _CHUNK bytes at a time.
    Damaged data ends the stream quietly: only its size matters here."""
    inflater = zlib.decompressobj()
    try:
        for data in chunks:
            while True:
                out = inflater.decompress(data, _CHUNK)
                if out:
                    yield out
                data = inflater.unconsumed_tail
                if inflater.eof or (not data and len(out) < _CHUNK):
                    break
            if inflater.eof:
                return
    except zlib.error:
        return


def check_pdf(data: bytes, max_pages: int) -> tuple[int, str | None]:
    """Page count and the password that opens the file ("" for owner-only locks).

    Refuses, with a reason, files that are truncated, password-protected or too long.
    """
    if b"%%EOF" not in data[-2048:]:
        raise UnreadableDocument(DAMAGED)
    try:
        with apply_configuration(**_PYPDF_LIMITS):
            reader = PdfReader(io.BytesIO(data), strict=False)
            password = None
            if reader.is_encrypted:
                # Files locked only against editing open with an empty password.
                if not reader.decrypt(""):
                    raise UnreadableDocument(
                        "This PDF is password-protected, so it cannot be read. Please "
                        "save or print it as a PDF without a password and upload that copy."
                    )
                password = ""
            count_pages_bounded(reader, max_pages)
            count = len(reader.pages)
            check_streams(reader)
    except UnreadableDocument:
        raise
    except LimitReachedError as exc:
        raise UnreadableDocument(BOMB) from exc
    except _UNREADABLE as exc:
        raise UnreadableDocument(DAMAGED) from exc
    except NotImplementedError as exc:
        raise UnreadableDocument(
            "This PDF uses a kind of encryption OncoLens cannot open. Please save it "
            "as a PDF without a password and upload that copy."
        ) from exc
    if count == 0:
        raise UnreadableDocument("This PDF has no pages.")
    if count > max_pages:
        raise _too_many_pages(max_pages, count)
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
    except (PDFSyntaxError, *_UNREADABLE) as exc:
        raise UnreadableDocument(DAMAGED) from exc
    return pages


def _read_page(page, number: int, ocr_language: str, ocr_dpi: int) -> PageText:
    text = layer_text(page)
    if usable_text_layer(text):
        return PageText(number, text, "text_layer")
    from .ocr import ocr_image

    image = page.to_image(resolution=render_dpi(page.width, page.height, ocr_dpi, number)).original
    ocr_text, confidence = ocr_image(image, ocr_language)
    return PageText(number, ocr_text, "ocr", confidence)


def render_dpi(width_pt: float, height_pt: float, dpi: int, number: int = 1) -> int:
    """The resolution to render a page at for OCR: `dpi`, lowered so the bitmap stays
    under MAX_RENDER_PIXELS. A page so large that text would be unreadable at that
    size (a 200-inch page is 3.6 gigapixels at 300 dpi) is refused."""
    pixels = (width_pt / 72 * dpi) * (height_pt / 72 * dpi)
    if pixels <= MAX_RENDER_PIXELS:
        return dpi
    scaled = int(dpi * math.sqrt(MAX_RENDER_PIXELS / pixels))
    if scaled < MIN_OCR_DPI:
        raise UnreadableDocument(
            f"Page {number} of this PDF is {width_pt / 72:.0f} × {height_pt / 72:.0f} inches, "
            "too large to read as a scan. Please scan or print it at a normal paper size."
        )
    return scaled


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
