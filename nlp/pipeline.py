"""One document in, the SPEC section 1 record out: {"id", "summary", "findings"}.

normalise (same length, so offsets hold) → extractors on the normalised text → one
spaCy Doc for sections, abbreviations and ConText assertions → `text` re-sliced from
the original → summary from the present findings, ranked by nlp.summary.
"""

from __future__ import annotations

from typing import Any

from nlp import context, registry, summary
from nlp.finding import Finding
from nlp.textnorm import normalize


def extract_findings(text: str, page: int | None = None) -> list[Finding]:
    """All findings of one text (a document or one page), sections and assertions set."""
    norm = normalize(text)
    findings: list[Finding] = []
    for module in registry.EXTRACTORS:
        findings.extend(module.extract(norm))
    findings.sort(key=lambda f: (f.start, f.end, f.field))
    context.analyse(norm, findings)
    for f in findings:
        f.text = text[f.start: f.end]
        f.page = page
    return findings


def summarize(findings: list[Finding], text: str | None = None,
              pages: list[str] | None = None) -> dict[str, Any]:
    present = [f for f in findings if f.assertion == "present"]
    ranked = summary.rank(present, text=text, pages=pages)
    return summary.merge(registry.summarizers(), ranked)


def extract_document(text: str, pages: list[str] | None = None, doc_id: Any = None) -> dict[str, Any]:
    """The SPEC record for one document. With `pages`, each page is processed on its own
    and findings carry 1-based page numbers with offsets into that page's text."""
    if pages:
        findings: list[Finding] = []
        for number, page_text in enumerate(pages, start=1):
            findings.extend(extract_findings(page_text or "", page=number))
        result_summary = summarize(findings, pages=[p or "" for p in pages])
    else:
        findings = extract_findings(text or "")
        result_summary = summarize(findings, text=text or "")
    return {
        "id": doc_id,
        "summary": result_summary,
        "findings": [finding_dict(f) for f in findings],
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    """Finding.to_dict() without dataclasses.asdict's deep copy, which cost ~2 ms a report."""
    out = {"field": f.field, "value": f.value, "text": f.text, "start": f.start, "end": f.end,
           "page": f.page, "section": f.section, "assertion": f.assertion,
           "confidence": f.confidence, "derived": f.derived}
    if f.attributes:
        out["attributes"] = dict(f.attributes)
    return out


def warm_up() -> None:
    """Build the spaCy pipeline now rather than on the first document."""
    context.get_nlp()
