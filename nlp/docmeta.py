"""What kind of document a text is and the clinical date it carries.

Profile consolidation ranks pathology and biomarker reports above notes and newer
above older, so both facts are read from the text, not from the upload."""

from __future__ import annotations

import re
from datetime import date

KINDS = ("pathology", "biomarker", "genomic", "imaging", "lab", "note", "other")

_KIND_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pathology", re.compile(r"\b(?:surgical pathology|final (?:pathologic(?:al)? )?diagnosis|gross description|microscopic description|synoptic|specimen\s*(?:\(s\))?\s*(?:received|submitted)?:)", re.I)),
    ("note", re.compile(r"\b(?:history of present illness|HPI:|assessment and plan|assessment/plan|progress note|follow-?up note|consult(?:ation)? note|review of systems|chief complaint|plan:)", re.I)),
    ("genomic", re.compile(r"\b(?:oncotype|germline|genomic (?:profil|test)|next[- ]generation sequencing|NGS panel|foundation ?one|guardant|variant of uncertain)", re.I)),
    ("biomarker", re.compile(r"\b(?:immunohistochemi|receptor (?:assay|status)|HER-?2\s*(?:/neu)?\s*(?:by|\()\s*(?:IHC|FISH|ISH)|predictive marker)", re.I)),
    ("imaging", re.compile(r"\b(?:impression:|mammogra|ultrasound|MRI|CT (?:chest|abdomen|scan)|PET[/-]CT|bone scan|BI-?RADS)", re.I)),
    ("lab", re.compile(r"\b(?:complete blood count|CBC with diff|reference range|specimen collected|ANC\b.*\bWBC\b|WBC\b.*\bANC\b)", re.I | re.S)),
)

_DATE_LABEL = (
    r"(?:date of (?:service|visit|procedure|surgery|collection|report)|report(?:ed)? date|"
    r"collect(?:ed|ion)(?: date)?|received|date signed|signed(?: out)? on|visit date|"
    r"procedure date|accession date|date)"
)
_NUMERIC = r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})/(\d{1,2})/(\d{2,4})"
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_WORDY = r"(" + "|".join(_MONTHS) + r")[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})"
_LABELLED = re.compile(_DATE_LABEL + r"\s*[:\-]?\s*(?:" + _NUMERIC + "|" + _WORDY + ")", re.I)
_ANY_DATE = re.compile(_NUMERIC + "|" + _WORDY, re.I)


def document_kind(text: str) -> str:
    """The first cue that matches wins: the order above runs from most to least
    specific, because a pathology report often also says "impression" or "plan"."""
    head = text[:6000]
    for kind, cue in _KIND_CUES:
        if cue.search(head):
            return kind
    return "other"


def _to_date(groups: tuple[str | None, ...]) -> date | None:
    iso_y, iso_m, iso_d, us_m, us_d, us_y, w_mon, w_day, w_year = groups
    try:
        if iso_y:
            return date(int(iso_y), int(iso_m), int(iso_d))
        if us_m:
            year = int(us_y)
            year += 2000 if year < 50 else (1900 if year < 100 else 0)
            return date(year, int(us_m), int(us_d))
        if w_mon:
            return date(int(w_year), _MONTHS.index(w_mon[:3].lower()) + 1, int(w_day))
    except ValueError:
        return None
    return None


def document_date(text: str) -> date | None:
    """The labelled clinical date (visit, procedure, collection, report) if there is
    one, else the first plausible date in the first part of the text."""
    head = text[:4000]
    for match in _LABELLED.finditer(head):
        found = _to_date(match.groups())
        if found and 1950 <= found.year <= 2100:
            return found
    for match in _ANY_DATE.finditer(head[:1500]):
        found = _to_date(match.groups())
        if found and 1950 <= found.year <= 2100:
            return found
    return None
