"""Print, for a few typical profiles, how many snapshot trials pass the pre-screen and
the top three with their reasons: `python -m guidelines.trials.measure`."""

from __future__ import annotations

import sys

from .prescreen import prescreen
from .snapshot import load_snapshot

PROFILES: dict[str, dict] = {
    "HER2+ metastatic (after TCHP, on T-DM1)": {
        "cancer_type": "breast", "her2_status": "positive", "er_status": "positive",
        "pr_status": "negative", "stage_group": "IV", "m_category": "M1",
        "metastatic_sites": ["bone", "liver"], "menopausal_status": "premenopausal",
        "age": 48, "sex": "female",
        "treatments": [{"name": "TCHP", "kind": "drug", "status": "completed"},
                       {"name": "trastuzumab/pertuzumab + docetaxel", "kind": "drug",
                        "status": "completed"},
                       {"name": "T-DM1", "kind": "drug", "status": "current"}]},
    "HR+/HER2- metastatic on ribociclib": {
        "cancer_type": "breast", "her2_status": "negative", "her2_low": False,
        "er_status": "positive", "pr_status": "positive", "stage_group": "IV",
        "m_category": "M1", "metastatic_sites": ["bone"], "menopausal_status": "postmenopausal",
        "age": 61, "sex": "female",
        "treatments": [{"name": "ribociclib", "kind": "drug", "status": "current"},
                       {"name": "letrozole", "kind": "drug", "status": "current"}]},
    "triple-negative early (stage IIA)": {
        "cancer_type": "breast", "her2_status": "negative", "her2_low": False,
        "er_status": "negative", "pr_status": "negative", "stage_group": "IIA",
        "m_category": "M0", "metastatic_sites": [], "menopausal_status": "premenopausal",
        "age": 39, "sex": "female", "treatments": []},
    "HER2-low metastatic (after T-DXd)": {
        "cancer_type": "breast", "her2_status": "negative", "her2_low": True,
        "her2_ihc_score": "1+", "er_status": "positive", "pr_status": "negative",
        "stage_group": "IV", "m_category": "M1", "metastatic_sites": ["liver", "brain"],
        "menopausal_status": "postmenopausal", "age": 57, "sex": "female",
        "treatments": [{"name": "palbociclib", "kind": "drug", "status": "completed"},
                       {"name": "fulvestrant", "kind": "drug", "status": "completed"},
                       {"name": "Enhertu", "kind": "drug", "status": "current"}]},
}


def main(out=sys.stdout) -> None:
    trials = load_snapshot()
    for name, profile in PROFILES.items():
        screens = prescreen(trials, profile)
        passing = [s for s in screens if s.passes]
        out.write(f"\n== {name}: {len(passing)} of {len(screens)} trials pass the pre-screen\n")
        for s in passing[:3]:
            out.write(f"  {s.trial.nct_id} score {s.score:g} ({s.fit}) {s.trial.title[:90]}\n")
            for w in s.why:
                out.write(f"      + {w}\n")
            for c in s.concerns:
                out.write(f"      ? {c}\n")


if __name__ == "__main__":
    main()
