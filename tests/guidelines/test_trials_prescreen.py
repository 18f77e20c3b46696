"""Pre-screen and `match_trials` on the snapshot fixture for typical profiles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from guidelines.trials import service
from guidelines.trials.facts import facts_from_profile
from guidelines.trials.models import Trial
from guidelines.trials.prescreen import prescreen, screen_trial
from guidelines.trials.snapshot import load_snapshot

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "trials" / \
    "sample_trials_her2pos_mbc_2026-01-05.json"

HER2_POS_MBC = {
    "cancer_type": "breast", "her2_status": "positive", "er_status": "positive",
    "pr_status": "negative", "stage_group": "IV", "m_category": "M1",
    "metastatic_sites": ["bone", "liver"], "menopausal_status": "premenopausal", "age": 48,
    "sex": "female",
    "treatments": [{"name": "TCHP", "kind": "drug", "status": "completed"},
                   {"name": "T-DM1", "kind": "drug", "status": "current"}]}
HR_POS_CDK = {
    "cancer_type": "breast", "her2_status": "negative", "her2_low": False,
    "er_status": "positive", "pr_status": "positive", "stage_group": "IV", "m_category": "M1",
    "metastatic_sites": ["bone"], "menopausal_status": "postmenopausal", "age": 61,
    "treatments": [{"name": "ribociclib", "kind": "drug", "status": "current"},
                   {"name": "letrozole", "kind": "drug", "status": "current"}]}
TNBC_EARLY = {
    "cancer_type": "breast", "her2_status": "negative", "her2_low": False,
    "er_status": "negative", "pr_status": "negative", "stage_group": "IIA", "m_category": "M0",
    "menopausal_status": "premenopausal", "age": 39, "treatments": []}
TNBC_MBC = {**TNBC_EARLY, "stage_group": "IV", "m_category": "M1", "metastatic_sites": ["lung"]}
HER2_LOW_TDXD = {
    "cancer_type": "breast", "her2_status": "negative", "her2_low": True,
    "er_status": "positive", "pr_status": "negative", "stage_group": "IV", "m_category": "M1",
    "metastatic_sites": ["liver", "brain"], "menopausal_status": "postmenopausal", "age": 57,
    "treatments": [{"name": "palbociclib", "kind": "drug", "status": "completed"},
                   {"name": "Enhertu", "kind": "drug", "status": "current"}]}


@pytest.fixture(scope="module")
def trials():
    return load_snapshot(FIXTURE)


@pytest.fixture()
def fixture_snapshot(monkeypatch, trials):
    monkeypatch.setattr(service, "load_snapshot", lambda: trials)
    monkeypatch.delenv("CTGOV_LIVE", raising=False)


def _by_id(screens):
    return {s.trial.nct_id: s for s in screens}


def test_her2_positive_profile_ranks_her2_directed_trials_first(trials):
    screens = prescreen(trials, HER2_POS_MBC)
    passing = [s for s in screens if s.passes]
    top5 = [s.trial.nct_id for s in passing[:5]]
    assert "NCT03740256" in top5          # HER2 CAR-T basket that lists breast cancer
    assert "NCT05230810" in top5          # tucatinib, HER2+ MBC
    assert all(s.criteria.her2_accepted and "positive" in s.criteria.her2_accepted
               for s in passing[:3])
    cart = _by_id(screens)["NCT03740256"]
    assert "HER2-positive: matches the HER2-positive requirement" in cart.why
    # The HER2 CAR-T trial for sarcoma (ages 1-25) is ruled out, for two reasons.
    sarcoma = _by_id(screens)["NCT04995003"]
    assert not sarcoma.passes
    assert any("not breast cancer" in r for r in sarcoma.excluded_because)
    assert any("up to 25" in r for r in sarcoma.excluded_because)


def test_her2_positive_profile_excludes_her2_negative_and_early_trials(trials):
    screens = _by_id(prescreen(trials, HER2_POS_MBC))
    assert not screens["NCT06016738"].passes      # ER+/HER2- only
    assert any("HER2-negative" in r for r in screens["NCT06016738"].excluded_because)
    assert not screens["NCT05325632"].passes      # HER2+ but neoadjuvant stage I-III
    assert any("early" in r for r in screens["NCT05325632"].excluded_because)


def test_triple_negative_profile_excludes_her2_positive_only_trials(trials):
    for profile in (TNBC_EARLY, TNBC_MBC):
        screens = _by_id(prescreen(trials, profile))
        for nct in ("NCT05230810", "NCT03740256", "NCT06439693", "NCT05748834"):
            assert not screens[nct].passes, nct
            assert any("requires HER2-positive" in r for r in screens[nct].excluded_because)
        # ER+ trials are ruled out for triple-negative disease too.
        assert not screens["NCT06016738"].passes
    mbc = [s for s in prescreen(trials, TNBC_MBC) if s.passes]
    # Trials written for triple-negative disease come first (NCT06099769: AR+ metastatic TNBC).
    assert mbc[0].criteria.hr_required == "negative"
    assert "triple-negative: matches the hormone-receptor-negative (or triple-negative) " \
        "requirement" in mbc[0].why
    tnbc_ids = [s.trial.nct_id for s in mbc[:6]]
    assert {"NCT06099769", "NCT05989828", "NCT03971409"} <= set(tnbc_ids)


def test_prior_tdxd_raises_concern_on_trial_that_excludes_it(trials):
    screens = _by_id(prescreen(trials, HER2_LOW_TDXD))
    db15 = screens["NCT05950945"]   # excludes prior ADC and prior anti-HER2 therapy
    assert db15.passes
    assert any(c.startswith("may exclude people treated with an antibody-drug conjugate")
               and "Enhertu" in c for c in db15.concerns)
    without = _by_id(prescreen(trials, {**HER2_LOW_TDXD, "treatments": [
        {"name": "palbociclib", "kind": "drug", "status": "completed"}]}))["NCT05950945"]
    assert not any("antibody-drug conjugate" in c for c in without.concerns)
    assert without.score > db15.score


def test_exact_tdxd_exclusion_wording():
    trial = Trial(nct_id="NCT09999999", title="A study in HER2-positive metastatic breast cancer",
                  status="RECRUITING", conditions=("HER2-positive Breast Cancer",),
                  eligibility_text="Inclusion Criteria:\n\n* HER2-positive metastatic breast "
                  "cancer\n\nExclusion Criteria:\n\n* Prior treatment with trastuzumab "
                  "deruxtecan (T-DXd)")
    facts = facts_from_profile({**HER2_POS_MBC, "treatments": [
        {"name": "trastuzumab deruxtecan", "kind": "drug", "status": "completed"}]})
    s = screen_trial(trial, facts)
    assert s.passes
    assert ("may exclude people treated with trastuzumab deruxtecan (T-DXd): your record lists "
            "trastuzumab deruxtecan") in s.concerns


def test_cdk46_profile_gets_credit_where_prior_cdk46_is_required(trials):
    screens = _by_id(prescreen(trials, HR_POS_CDK))
    op = screens["NCT06016738"]
    assert op.passes
    assert any("CDK4/6 inhibitor" in w and "ribociclib" in w for w in op.why)
    # The trial that excludes any prior CDK4/6 inhibitor in the metastatic setting says so.
    assert any("CDK4/6" in c and "ribociclib" in c for c in screens["NCT05826964"].concerns)
    # Bone-only disease against a measurable-disease requirement.
    assert any("bone-only" in c for c in screens["NCT04862663"].concerns)


def test_unknown_ecog_is_a_check_and_known_ecog_is_used(trials):
    screens = _by_id(prescreen(trials, HER2_POS_MBC))
    assert any(c.startswith("ECOG performance status not in your record")
               for c in screens["NCT05230810"].concerns)
    known = _by_id(prescreen(trials, {**HER2_POS_MBC, "ecog": 3}))["NCT05230810"]
    assert any(c.startswith("asks for ECOG performance status 0–1: your record says 3")
               for c in known.concerns)


def test_brain_metastases_in_record(trials):
    screens = _by_id(prescreen(trials, HER2_LOW_TDXD))
    assert "brain metastases: the trial accepts people with brain metastases" in \
        screens["NCT05950945"].why


def test_wording_never_claims_eligibility(trials):
    for profile in (HER2_POS_MBC, HR_POS_CDK, TNBC_EARLY, HER2_LOW_TDXD):
        for s in prescreen(trials, profile):
            for text in [*s.why, *s.concerns, s.fit]:
                assert not re.search(r"\byou are eligible\b|\byou qualify\b|\beligible\b",
                                     text, re.I), text


def test_shared_agent_profile_format_is_understood():
    facts = facts_from_profile({
        "age": 48, "sex": "female", "cancer_type": "breast cancer",
        "biomarkers": ["HER2 positive", "ER positive", "PR negative"],
        "description": "premenopausal ... metastatic breast cancer", "ecog_status": 1,
        "prior_therapies": ["TCHP", "T-DM1"], "brain_mets_status": "none"})
    assert (facts.her2, facts.hr, facts.setting, facts.ecog, facts.brain_mets) == \
        ("positive", "positive", "metastatic", 1, False)
    assert "drug:ado-trastuzumab emtansine" in facts.all_concepts()


def test_match_trials_shape_and_default_is_offline(fixture_snapshot, monkeypatch):
    def boom(*a, **k):
        raise AssertionError("the live API must not be called by default")
    monkeypatch.setattr(service, "search_studies", boom)
    out = service.match_trials(HER2_POS_MBC, limit=3)
    assert len(out) == 3
    first = out[0]
    assert {"nct_id", "title", "status", "phase", "url", "why", "concerns", "score", "source",
            "retrieved"} <= set(first)
    assert first["source"] == "snapshot" and first["retrieved"] == "2026-01-05"
    assert first["url"] == f"https://clinicaltrials.gov/study/{first['nct_id']}"
    assert [t["score"] for t in out] == sorted((t["score"] for t in out), reverse=True)
    report = service.match_trials_report(HER2_POS_MBC, limit=0)
    assert report["trials"] == [] and report["screened"] == 100 and 0 < report["passed"] < 100
    assert any("retrieved 2026-01-05" in n for n in report["notes"])


def test_trial_passage_cites_source(trials):
    text = service.trial_passage(next(t for t in trials if t.nct_id == "NCT05950945"))
    assert "NCT05950945" in text and "Source: ClinicalTrials.gov, retrieved 2026-01-05" in text
    assert "https://clinicaltrials.gov/study/NCT05950945" in text
