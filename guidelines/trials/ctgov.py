"""Live ClinicalTrials.gov API v2 client (`GET /studies`), off unless asked for.

Turned on by `CTGOV_LIVE=1` (environment or Django setting); the base URL comes from
`CTGOV_BASE_URL` (default https://clinicaltrials.gov/api/v2). Any failure raises
CtgovError so callers can fall back to the shipped snapshot."""

from __future__ import annotations

import os
from datetime import date

import requests

from .models import Trial, parse_age, parse_phases, summarize_locations

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
TIMEOUT_SECONDS = 10.0
FIELDS = (
    "NCTId", "BriefTitle", "OverallStatus", "Phase", "Condition", "InterventionName",
    "EligibilityCriteria", "MinimumAge", "MaximumAge", "Sex", "LocationCountry",
    "LastUpdatePostDate", "BriefSummary",
)
_TRUE = {"1", "true", "yes", "on"}


class CtgovError(Exception):
    """The live API could not be used (network, timeout, HTTP error, unreadable JSON)."""


def _setting(name: str):
    """A Django setting when Django is configured, else None (read lazily so this module
    stays plain Python)."""
    try:
        from django.conf import settings
        if settings.configured:
            return getattr(settings, name, None)
    except Exception:  # Django missing or settings broken: the environment decides
        return None
    return None


def live_enabled() -> bool:
    value = _setting("CTGOV_LIVE")
    if value is None:
        value = os.environ.get("CTGOV_LIVE", "")
    return str(value).strip().lower() in _TRUE


def base_url() -> str:
    value = _setting("CTGOV_BASE_URL") or os.environ.get("CTGOV_BASE_URL") or DEFAULT_BASE_URL
    return str(value).rstrip("/")


def search_params(cond: str, term: str | None = None, page_size: int = 50) -> dict[str, str]:
    params = {
        "format": "json",
        "query.cond": cond,
        "filter.overallStatus": "RECRUITING",
        "pageSize": str(page_size),
        "fields": "|".join(FIELDS),
    }
    if term:
        params["query.term"] = term
    return params


def search_studies(cond: str = "breast cancer", term: str | None = None, page_size: int = 50,
                   *, url: str | None = None, timeout: float | None = None,
                   session: requests.Session | None = None) -> list[Trial]:
    """One page of recruiting studies for a condition (and optional free-text term)."""
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    endpoint = f"{(url or base_url()).rstrip('/')}/studies"
    http = session or requests
    try:
        resp = http.get(endpoint, params=search_params(cond, term, page_size), timeout=timeout,
                        headers={"Accept": "application/json"})
    except requests.Timeout as exc:
        raise CtgovError(f"ClinicalTrials.gov did not answer within {timeout:g} s") from exc
    except requests.RequestException as exc:
        raise CtgovError(f"ClinicalTrials.gov could not be reached ({type(exc).__name__})") from exc
    if resp.status_code != 200:
        raise CtgovError(f"ClinicalTrials.gov answered HTTP {resp.status_code}")
    try:
        data = resp.json()
        studies = data.get("studies")
        if not isinstance(studies, list):
            raise ValueError("no 'studies' list")
    except ValueError as exc:
        raise CtgovError(f"ClinicalTrials.gov sent an unreadable answer ({exc})") from exc
    today = date.today().isoformat()
    out = []
    for study in studies:
        try:
            out.append(trial_from_study(study, retrieved=today))
        except (KeyError, TypeError, AttributeError):
            continue  # a study without an NCT id or with a broken shape is skipped
    return out


def trial_from_study(study: dict, retrieved: str | None = None) -> Trial:
    """A Trial from one `studies[]` item of the v2 API (its `protocolSection`)."""
    ps = study["protocolSection"]
    ident = ps.get("identificationModule") or {}
    status = ps.get("statusModule") or {}
    design = ps.get("designModule") or {}
    conds = ps.get("conditionsModule") or {}
    arms = ps.get("armsInterventionsModule") or {}
    elig = ps.get("eligibilityModule") or {}
    locs = ps.get("contactsLocationsModule") or {}
    desc = ps.get("descriptionModule") or {}
    places = [loc.get("country") for loc in locs.get("locations") or [] if loc.get("country")]
    return Trial(
        nct_id=ident["nctId"].upper(),
        title=ident.get("briefTitle") or ident.get("officialTitle") or "",
        status=status.get("overallStatus") or "UNKNOWN",
        phases=parse_phases(design.get("phases")),
        conditions=tuple(conds.get("conditions") or ()),
        interventions=tuple(i.get("name", "") for i in arms.get("interventions") or []
                            if i.get("name")),
        eligibility_text=elig.get("eligibilityCriteria") or "",
        min_age=parse_age(elig.get("minimumAge")),
        max_age=parse_age(elig.get("maximumAge")),
        sex=(elig.get("sex") or "ALL").upper(),
        locations=summarize_locations(places),
        last_update=(status.get("lastUpdatePostDateStruct") or {}).get("date"),
        source="live",
        retrieved=retrieved,
        summary=desc.get("briefSummary") or "",
    )
