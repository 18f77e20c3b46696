"""Checks an upload must pass before it is stored. Each refusal carries the HTTP
status and a sentence the person can act on."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings

from . import filetypes


@dataclass(frozen=True)
class Refusal(Exception):
    status: int
    message: str


@dataclass(frozen=True)
class CheckedUpload:
    media_type: str
    sha256: str
    size: int


def human_size(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def check_upload(uploaded) -> CheckedUpload:
    """Size and real type of an UploadedFile; raises Refusal."""
    size = uploaded.size or 0
    if size == 0:
        raise Refusal(400, f"“{uploaded.name}” is empty (0 bytes). Please choose the file again.")
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise Refusal(
            413,
            f"“{uploaded.name}” is {human_size(size)}; the limit is {human_size(limit)}. "
            "Please split it or scan at a lower resolution.",
        )
    uploaded.seek(0)
    head = uploaded.read(8192)
    sniffed = filetypes.sniff(head)
    if sniffed.media_type is None:
        raise Refusal(
            415,
            f"“{uploaded.name}” looks like {sniffed.description}. OncoLens reads PDF, PNG, "
            "JPEG, TIFF and plain-text medical documents.",
        )
    if _has_zip_directory(uploaded):
        raise Refusal(
            415,
            f"“{uploaded.name}” is {sniffed.description} with a ZIP archive hidden in it "
            "(a file that is two kinds of file at once). Please upload the document on its "
            "own, for example by printing it to a new PDF.",
        )
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(sniffed.media_type, digest.hexdigest(), size)


def _has_zip_directory(uploaded) -> bool:
    """A ZIP archive's end-of-directory record closes the file: a "polyglot" is a PDF
    or an image that is also an archive (a ZIP appended after %%EOF, say). Readers that
    trust the end of the file see the archive; OncoLens keeps neither."""
    uploaded.seek(0)
    try:
        return zipfile.is_zipfile(uploaded)
    finally:
        uploaded.seek(0)
