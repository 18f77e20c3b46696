"""Citation entries and the resolver the grounding check uses."""

from __future__ import annotations

from typing import Any

from guidelines.types import Passage


def passage_entry(passage: Passage) -> dict[str, Any]:
    return {
        "title": passage.title.replace(" - NCI", ""),
        "url": passage.url,
        "updated": passage.updated or None,
        "publisher": passage.publisher,
        "heading": " › ".join(passage.heading_path),
        "passage": passage.text,
    }


def trial_entry(trial: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": trial.get("title") or trial["nct_id"],
        "url": trial.get("url") or f"https://clinicaltrials.gov/study/{trial['nct_id']}",
        "updated": trial.get("retrieved") or "2026-01-05",
        "publisher": "ClinicalTrials.gov",
        "passage": trial.get("passage") or "; ".join([trial.get("title") or "", *trial.get("why", [])]),
    }


_PASSAGE_IDS: dict[str, frozenset[str]] = {}


def _passage_ids(index) -> frozenset[str]:
    """The shipped passage ids, computed once per index rather than per answer."""
    if index.key not in _PASSAGE_IDS:
        _PASSAGE_IDS[index.key] = frozenset(p.id for p in index.passages)
    return _PASSAGE_IDS[index.key]


def make_resolver(index, trial_ids: set[str]):
    passage_ids = _passage_ids(index)

    def resolves(cid: str, entry: dict[str, Any]) -> bool:
        if cid.startswith("record:"):
            return bool(entry.get("passage"))
        if cid.startswith("trial:"):
            return cid.split(":", 1)[1] in trial_ids
        return cid in passage_ids

    return resolves
