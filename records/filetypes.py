"""What a file really is, from its first bytes, never from its name."""

from __future__ import annotations

import re
from dataclasses import dataclass

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
TEXT = "text/plain"
ACCEPTED = (PDF, PNG, JPEG, TIFF, TEXT)
IMAGES = (PNG, JPEG, TIFF)

EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", TIFF: "tif", TEXT: "txt"}


@dataclass(frozen=True)
class Sniffed:
    media_type: str | None  # one of ACCEPTED, or None when refused
    description: str  # what it looks like, in words a person understands


_REFUSED_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"Rar!", "a RAR archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"{\\rtf", "a Rich Text document"),
)


def sniff(head: bytes) -> Sniffed:
    """Classify a file by its leading bytes (pass at least the first 8 KB)."""
    if not head:
        return Sniffed(None, "an empty file")
    # PDF readers accept a header within the first KB; so do we, but nothing disguised.
    pdf_at = head.find(b"%PDF-", 0, 1024)
    if pdf_at == 0 or (pdf_at > 0 and not head[:pdf_at].strip(b"\r\n\t \x00")):
        return Sniffed(PDF, "a PDF document")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(PNG, "a PNG image")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(JPEG, "a JPEG image")
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return Sniffed(TIFF, "a TIFF image")
    for signature, description in _REFUSED_SIGNATURES:
        if head.startswith(signature):
            return Sniffed(None, description)
    if pdf_at > 0:
        return Sniffed(None, "a file with a PDF hidden behind other content")
    return _sniff_text(head)


def _sniff_text(head: bytes) -> Sniffed:
    if b"\x00" in head:
        return Sniffed(None, "a binary file of an unknown kind")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of the sample is still text.
        if exc.start < len(head) - 4:
            try:
                text = head.decode("cp1252")
            except UnicodeDecodeError:
                return Sniffed(None, "a binary file of an unknown kind")
        else:
            text = head[: exc.start].decode("utf-8")
    if _looks_like_markup(text):
        return Sniffed(None, "a web page or script, not a medical document")
    printable = sum(ch.isprintable() or ch in "\r\n\t\f" for ch in text)
    if printable < 0.95 * max(len(text), 1):
        return Sniffed(None, "a binary file of an unknown kind")
    return Sniffed(TEXT, "a plain-text document")


# What a browser would render or run. Checked after a byte-order mark and any leading
# comments, which would otherwise hide the first tag.
_MARKUP_STARTS = (
    "<!doctype", "<html", "<head", "<body", "<script", "<?xml", "<svg", "<iframe",
    "<object", "<embed", "<meta", "<link", "<style", "<img", "<a ", "<div", "<form",
    "<math", "<xsl", "<base",
)
_LEADING_COMMENT = re.compile(r"\A(?:\s|<!--.*?-->)*", re.DOTALL)


def _looks_like_markup(text: str) -> bool:
    start = _LEADING_COMMENT.sub("", text.lstrip("\ufeff"), count=1).lower()
    return start.startswith(_MARKUP_STARTS) or (
        text.lstrip("\ufeff \t\r\n").startswith("<!--") and "<script" in text.lower()
    )
