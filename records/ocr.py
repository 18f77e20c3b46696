"""OCR with tesseract, keeping its own confidence so a clinician can see how far
to trust a scanned page."""

from __future__ import annotations

import shutil

from PIL import ImageSequence

from .textextract import MAX_IMAGE_PIXELS, PageText, UnreadableDocument, open_image_bytes


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def ocr_image(image, language: str = "eng") -> tuple[str, float | None]:
    """Text of one image, lines kept, and the mean word confidence (0–100)."""
    import pytesseract

    if not tesseract_available():
        raise UnreadableDocument(
            "This page is a scanned image and the OCR engine (tesseract) is not "
            "installed on the server, so its text could not be read."
        )
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    data = pytesseract.image_to_data(
        image, lang=language, output_type=pytesseract.Output.DICT, config="--psm 3"
    )
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        if not word.strip():
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word)
        conf = float(data["conf"][i])
        if conf >= 0:
            confidences.append(conf)
    text = "\n".join(" ".join(words) for _, words in sorted(lines.items()))
    confidence = round(sum(confidences) / len(confidences), 1) if confidences else None
    return text, confidence


def read_image(data: bytes, *, max_pages: int, language: str = "eng") -> list[PageText]:
    image = open_image_bytes(data)
    pages = []
    try:
        # Count the frames before reading any: a TIFF of thousands of tiny blank pages
        # would otherwise be OCR'd up to the limit before being refused.
        if getattr(image, "n_frames", 1) > max_pages:
            raise UnreadableDocument(
                f"This image file has more than {max_pages} pages; please split it."
            )
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if number > max_pages:
                raise UnreadableDocument(
                    f"This image file has more than {max_pages} pages; please split it."
                )
            # Pillow checks the pixel count of the first frame only.
            if frame.width * frame.height > MAX_IMAGE_PIXELS:
                raise UnreadableDocument(
                    "This image is too large to read safely (more than 80 megapixels). "
                    "Please scan at a lower resolution."
                )
            text, confidence = ocr_image(frame.copy(), language)
            pages.append(PageText(number, text, "ocr", confidence))
    except (OSError, SyntaxError) as exc:
        raise UnreadableDocument(
            "This image file is damaged or incomplete and cannot be read."
        ) from exc
    return pages
