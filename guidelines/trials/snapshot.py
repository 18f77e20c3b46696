"""The offline trial snapshot the app ships (ClinicalTrials.gov, retrieved 2026-01-05).

The file is the jwlieb/clinical-trial-agent export format:
`{"metadata": {"export_date": ...}, "trials": [{"nct_id", "title", "phase", "status",
"conditions", "interventions", "locations", "summary", "source_url",
"eligibility": {"raw_text", "minimum_age", "maximum_age", "sex"}, ...}]}`."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .models import Trial, parse_age, parse_phases, summarize_locations

DATA_DIR = Path(__file__).resolve().parent / "data"
SNAPSHOT_FILE = DATA_DIR / "sample_trials_her2pos_mbc_2026-01-05.json"
SNAPSHOT_DATE = "2026-01-05"
ATTRIBUTION = f"Source: ClinicalTrials.gov, retrieved {SNAPSHOT_DATE}"


def trial_from_record(rec: dict, retrieved: str | None = SNAPSHOT_DATE) -> Trial:
    elig = rec.get("eligibility") or {}
    return Trial(
        nct_id=str(rec["nct_id"]).strip().upper(),
        title=(rec.get("title") or "").strip(),
        status=rec.get("status") or "Unknown",
        phases=parse_phases(rec.get("phase")),
        conditions=tuple(rec.get("conditions") or ()),
        interventions=tuple(rec.get("interventions") or ()),
        eligibility_text=elig.get("raw_text") or "",
        min_age=parse_age(elig.get("minimum_age")),
        max_age=parse_age(elig.get("maximum_age")),
        sex=(elig.get("sex") or "ALL").upper(),
        locations=summarize_locations(list(rec.get("locations") or ())),
        last_update=None,
        source="snapshot",
        retrieved=retrieved,
        summary=rec.get("summary") or "",
    )


def load_snapshot_file(path: Path | str) -> tuple[Trial, ...]:
    """Every trial in a snapshot file, in file order."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    records = data["trials"] if isinstance(data, dict) else data
    retrieved = SNAPSHOT_DATE
    if isinstance(data, dict):
        exported = (data.get("metadata") or {}).get("export_date")
        if exported:
            retrieved = str(exported)[:10]
    return tuple(trial_from_record(r, retrieved) for r in records if r.get("nct_id"))


@lru_cache(maxsize=4)
def _cached(path: str) -> tuple[Trial, ...]:
    return load_snapshot_file(path)


def load_snapshot(path: Path | str | None = None) -> tuple[Trial, ...]:
    """The shipped snapshot (or another file in the same format), parsed once."""
    return _cached(str(path or SNAPSHOT_FILE))
