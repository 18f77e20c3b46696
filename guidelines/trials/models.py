"""The trial record every part of `guidelines.trials` works on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CTGOV_STUDY_URL = "https://clinicaltrials.gov/study/{nct_id}"


@dataclass(frozen=True)
class Trial:
    nct_id: str
    title: str
    status: str                      # as the source wrote it: "Recruiting", "RECRUITING"
    phases: tuple[str, ...] = ()     # "Phase 1", "Phase 2"; empty when not applicable
    conditions: tuple[str, ...] = ()
    interventions: tuple[str, ...] = ()
    eligibility_text: str = ""
    min_age: float | None = None     # years
    max_age: float | None = None     # years
    sex: str = "ALL"                 # "ALL" | "FEMALE" | "MALE"
    locations: str = ""              # short summary: "United States, Canada"
    last_update: str | None = None   # ISO date of the record's last update, when known
    source: str = "snapshot"         # "snapshot" | "live"
    retrieved: str | None = None     # ISO date the record was fetched
    summary: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def url(self) -> str:
        return CTGOV_STUDY_URL.format(nct_id=self.nct_id)

    @property
    def phase(self) -> str:
        return "/".join(self.phases) if self.phases else "Not applicable"


_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.I)
_PER_YEAR = {"year": 1, "month": 12, "week": 52.18, "day": 365.25, "hour": 8766,
             "minute": 525960}


def parse_age(value: str | None) -> float | None:
    """'18 Years' -> 18.0, '6 Months' -> 0.5; None for missing or 'N/A'."""
    if not value:
        return None
    m = _AGE.match(str(value))
    if not m:
        return None
    return round(float(m.group(1)) / _PER_YEAR[m.group(2).lower()], 2)


_PHASE_CODES = {"EARLY_PHASE1": "Early Phase 1", "PHASE1": "Phase 1", "PHASE2": "Phase 2",
                "PHASE3": "Phase 3", "PHASE4": "Phase 4"}


def parse_phases(value) -> tuple[str, ...]:
    """'Phase 1/Phase 2' or ['PHASE1', 'PHASE2'] -> ('Phase 1', 'Phase 2'); NA -> ()."""
    if not value:
        return ()
    items = value if isinstance(value, list | tuple) else str(value).split("/")
    out = []
    for item in items:
        s = str(item).strip()
        s = _PHASE_CODES.get(s.upper(), s)
        if s and s.upper() not in {"NA", "NOT APPLICABLE", "N/A"}:
            out.append(s)
    return tuple(out)


def summarize_locations(places: list[str], limit: int = 5) -> str:
    seen: list[str] = []
    for p in places:
        if p and p not in seen:
            seen.append(p)
    more = len(seen) - limit
    text = ", ".join(seen[:limit])
    return f"{text} and {more} more" if more > 0 else text
