"""Where a value came from: the page text split around the span to highlight."""

from __future__ import annotations

from dataclasses import dataclass

from records.models import Finding, Review


@dataclass
class SourceView:
    page_number: int | None
    page_count: int
    before: str
    span: str
    after: str
    exact: bool  # the stored offsets matched the text; False means found by search or not at all


def locate(finding: Finding) -> SourceView:
    """Split the finding's page into before / span / after. Offsets point into the page
    text; when they do not match (text re-read since), the nearest copy of the quoted
    text is used, and failing that the page is shown without a highlight."""
    pages = list(finding.document.pages.order_by("number"))
    page = next((p for p in pages if p.number == (finding.page or 1)), pages[0] if pages else None)
    if page is None:
        return SourceView(None, 0, "", "", "", False)
    text = page.text
    start, end = finding.start, finding.end
    exact = 0 <= start <= end <= len(text) and text[start:end] == finding.text
    if not exact and finding.text:
        hits = []
        pos = text.find(finding.text)
        while pos != -1:
            hits.append(pos)
            pos = text.find(finding.text, pos + 1)
        if hits:
            start = min(hits, key=lambda h: abs(h - finding.start))
            end = start + len(finding.text)
        else:
            return SourceView(page.number, len(pages), text, "", "", False)
    return SourceView(page.number, len(pages), text[:start], text[start:end], text[end:], exact)


def latest_reviews(finding_ids) -> dict[int, list[Review]]:
    """Reviews of the given findings (already scoped by the caller), oldest first."""
    out: dict[int, list[Review]] = {}
    for review in Review.objects.filter(finding_id__in=list(finding_ids)).select_related("reviewer"):
        out.setdefault(review.finding_id, []).append(review)
    return out
