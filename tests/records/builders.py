"""Documents with findings, made directly, for testing the rules that combine them."""

from __future__ import annotations

import hashlib
from datetime import date
from itertools import count

from django.core.files.base import ContentFile

from records.models import Document, Finding, Page

_serial = count(1)


def done_document(patient, *, kind="pathology", when: date | None = None, summary=None,
                  findings=(), name=None) -> Document:
    """A processed document: `findings` are (field, value) or (field, value, extra-dict)."""
    n = next(_serial)
    text_parts, rows = [], []
    offset = 0
    for item in findings:
        field, value, extra = (*item, {})[:3]
        snippet = f"{field}: {value}"
        text_parts.append(snippet)
        rows.append((field, value, offset, offset + len(snippet), snippet, extra))
        offset += len(snippet) + 1
    text = "\n".join(text_parts) or "empty"
    document = Document(
        patient=patient,
        original_name=name or f"doc{n}.txt",
        sha256=hashlib.sha256(f"{n}-{text}".encode()).hexdigest(),
        media_type="text/plain",
        size=len(text),
        page_count=1,
        status=Document.Status.DONE,
        kind=kind,
        document_date=when,
        summary=summary if summary is not None else {r[0]: r[1] for r in rows},
        pipeline_version="test",
    )
    document.original.save(f"{document.sha256}.txt", ContentFile(text.encode()), save=False)
    document.save()
    Page.objects.create(document=document, number=1, text=text, method="plain_text")
    for field, value, start, end, snippet, extra in rows:
        Finding.objects.create(
            document=document, pipeline_version="test", field=field, value=value, text=snippet,
            start=start, end=end, page=1, section="diagnosis",
            assertion=extra.get("assertion", "present"), confidence=extra.get("confidence", 0.9),
        )
    return document
