"""Read the text of a PDF, an image or a text file, page by page.

Plain Python (no Django) so the NLP command line can read files too. Problems a
person can act on raise UnreadableDocument with a message written for them.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import filetypes

log = logging.getLogger(__name__)

MIN_TEXT_LAYER_CHARS = 25
DEFAULT_MAX_PAGES = 200
MAX_IMAGE_PIXELS = 80_000_000


class UnreadableDocument(Exception):
    """The file cannot be read; the message says why in plain words."""


@dataclass
class PageText:
    number: int
    text: str
    method: str  # "text_layer", "ocr" or "plain_text"
    ocr_confidence: float | None = None
    notes: list[dict] = field(default_factory=list)


def extract_pages(
    source: str | Path | bytes,
    media_type: str | None = None,
    *,
    max_pages: int = DEFAULT_MAX_PAGES,
    ocr_language: str = "eng",
    ocr_dpi: int = 300,
) -> list[PageText]:
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if media_type is None:
        sniffed = filetypes.sniff(data[:8192])
        if sniffed.media_type is None:
            raise UnreadableDocument(
                f"This file looks like {sniffed.description}. OncoLens reads PDF, PNG, "
                "JPEG, TIFF and plain-text documents."
            )
        media_type = sniffed.media_type
    if media_type == filetypes.PDF:
        from .pdftext import read_pdf

        pages = read_pdf(data, max_pages=max_pages, ocr_language=ocr_language, ocr_dpi=ocr_dpi)
    elif media_type in filetypes.IMAGES:
        from .ocr import read_image

        pages = read_image(data, max_pages=max_pages, language=ocr_language)
    elif media_type == filetypes.TEXT:
        pages = [PageText(1, decode_text(data), "plain_text")]
    else:
        raise UnreadableDocument(f"OncoLens cannot read files of type {media_type}.")
    for page in pages:
        page.notes.extend(ocr_code_notes(page.text) if page.method == "ocr" else [])
    if not any(page.text.strip() for page in pages):
        raise UnreadableDocument(
            "No readable text was found in this file, even with OCR. If it is a photo, "
            "try a sharper, well-lit scan."
        )
    return pages


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# Letters OCR puts where digits belong inside staging codes; the NLP step reads these
# notes as hints, it never trusts them blindly.
_OCR_CODE = re.compile(r"\b(?:yp|p|c)?([TNM])([0-9OoIlSs]{1,2}[a-dA-D]?)\b|\b(?:Stage|STAGE)\s+([Il1]{1,3}[ABC]?)\b")
_DIGIT_FOR = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "S": "5", "s": "5"})


def ocr_code_notes(text: str) -> list[dict]:
    notes = []
    for m in _OCR_CODE.finditer(text):
        if m.group(2):
            raw = m.group(2)
            fixed = raw.translate(_DIGIT_FOR)
            if fixed != raw and fixed[0].isdigit():
                notes.append(
                    {"kind": "ocr_code", "start": m.start(), "end": m.end(),
                     "text": m.group(0), "suggest": m.group(0).replace(raw, fixed)}
                )
        elif m.group(3) and ("l" in m.group(3) or "1" in m.group(3)):
            roman = m.group(3).replace("l", "I").replace("1", "I")
            notes.append(
                {"kind": "ocr_code", "start": m.start(), "end": m.end(),
                 "text": m.group(0), "suggest": m.group(0).replace(m.group(3), roman)}
            )
    return notes


def open_image_bytes(data: bytes):
    """Open an image with a pixel cap, turning Pillow's errors into plain words."""
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise Image.DecompressionBombError("too many pixels")
        return image
    except Image.DecompressionBombError as exc:
        raise UnreadableDocument(
            "This image is too large to read safely (more than 80 megapixels). "
            "Please scan at a lower resolution."
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise UnreadableDocument(
            "This image file is damaged or incomplete and cannot be opened."
        ) from exc
