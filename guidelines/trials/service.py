"""What the answer engine calls: `match_trials(profile)` and `trial_passage(trial)`."""

from __future__ import annotations

from .criteria import split_criteria
from .ctgov import CtgovError, live_enabled, search_studies
from .facts import Facts, facts_from_profile
from .models import Trial
from .prescreen import Screen, prescreen
from .snapshot import ATTRIBUTION, SNAPSHOT_DATE, load_snapshot

DISCLAIMER = ("A pre-screen from the trial's public listing, not an eligibility decision: only "
              "the study team can say whether someone can join. Worth discussing with your "
              "oncologist.")


def live_query(facts: Facts) -> tuple[str, str | None]:
    """The condition and free-text term for a live search built from the profile."""
    cond = "breast cancer"
    terms = []
    if facts.her2 == "positive":
        terms.append("HER2-positive")
    elif facts.her2 == "low":
        terms.append("HER2-low")
    elif facts.hr == "negative" and facts.her2 in ("negative", "zero"):
        terms.append("triple negative")
    elif facts.hr == "positive":
        terms.append("hormone receptor positive")
    if facts.setting == "metastatic":
        terms.append("metastatic")
    return cond, " ".join(terms) or None


def candidate_trials(facts: Facts, live: bool | None = None) -> tuple[list[Trial], str, list[str]]:
    """Trials to screen, their source ("live" | "snapshot") and notes for the reader."""
    notes: list[str] = []
    if live is None:
        live = live_enabled()
    if live:
        cond, term = live_query(facts)
        try:
            trials = search_studies(cond, term)
            if trials:
                return trials, "live", notes
            notes.append("The live ClinicalTrials.gov search returned no studies; showing the "
                         f"offline list retrieved {SNAPSHOT_DATE} instead.")
        except CtgovError as exc:
            notes.append(f"Live ClinicalTrials.gov search unavailable ({exc}); showing the "
                         f"offline list retrieved {SNAPSHOT_DATE} instead.")
    notes.append(f"{ATTRIBUTION}. Recruitment statuses may have changed since then: check "
                 "the live record.")
    return list(load_snapshot()), "snapshot", notes


def screen_to_dict(s: Screen) -> dict:
    t = s.trial
    return {
        "nct_id": t.nct_id,
        "title": t.title,
        "status": t.status,
        "phase": t.phase,
        "url": t.url,
        "fit": s.fit,
        "why": list(s.why),
        "concerns": list(s.concerns),
        "score": s.score,
        "source": t.source,
        "retrieved": t.retrieved,
        "last_update": t.last_update,
        "locations": t.locations,
        "attribution": (ATTRIBUTION if t.source == "snapshot"
                        else f"Source: ClinicalTrials.gov, retrieved {t.retrieved}"),
    }


def match_trials_report(profile: dict, limit: int = 5, live: bool | None = None) -> dict:
    """The top trials plus counts and notes (source, fallback, staleness)."""
    facts = facts_from_profile(profile)
    trials, source, notes = candidate_trials(facts, live)
    screens = prescreen(trials, facts)
    passing = [s for s in screens if s.passes]
    return {
        "source": source,
        "screened": len(screens),
        "passed": len(passing),
        "notes": notes,
        "disclaimer": DISCLAIMER,
        "trials": [screen_to_dict(s) for s in passing[: max(0, limit)]],
    }


def match_trials(profile: dict, limit: int = 5, live: bool | None = None) -> list[dict]:
    """Up to `limit` trials that may fit the profile, best first, each with `why` and
    `concerns`. `live=None` follows CTGOV_LIVE (off by default); a failed live search
    falls back to the snapshot and says so in each trial's `note`."""
    report = match_trials_report(profile, limit, live)
    out = report["trials"]
    fallback = [n for n in report["notes"] if n.startswith("Live") or n.startswith("The live")]
    if fallback:
        for item in out:
            item["note"] = fallback[0]
    return out


def trial_passage(trial: Trial | str, max_criteria: int = 6) -> str:
    """A short citable text for a trial: title, status with its date, conditions and the
    first inclusion criteria, ending with the attribution."""
    if isinstance(trial, str):
        found = [t for t in load_snapshot() if t.nct_id == trial.upper()]
        if not found:
            raise KeyError(trial)
        trial = found[0]
    crit = split_criteria(trial.eligibility_text)
    lines = [f"{trial.title} ({trial.nct_id}, {trial.phase}).",
             f"Status: {trial.status} as of {trial.retrieved or 'unknown date'}."]
    if trial.conditions:
        lines.append("Conditions: " + ", ".join(trial.conditions) + ".")
    if crit.inclusion:
        lines.append("Key inclusion criteria: " + " ".join(
            f"- {c[:300]}" for c in crit.inclusion[:max_criteria]))
    source = ATTRIBUTION if trial.source == "snapshot" else \
        f"Source: ClinicalTrials.gov, retrieved {trial.retrieved}"
    lines.append(f"{source}; {trial.url}")
    return "\n".join(lines)


def trial_citation(trial: Trial) -> dict:
    """A citation entry in the shape `manage.py ask` uses."""
    return {"title": trial.title, "url": trial.url,
            "updated": trial.last_update or trial.retrieved, "passage": trial_passage(trial)}
