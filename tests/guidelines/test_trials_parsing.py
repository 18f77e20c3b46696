"""Eligibility-text parsing on real snippets from the ClinicalTrials.gov snapshot
(tests/fixtures/trials/, retrieved 2026-01-05)."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidelines.trials.criteria import clean_text, split_criteria
from guidelines.trials.eligibility import parse_text, parse_trial
from guidelines.trials.models import parse_age, parse_phases
from guidelines.trials.snapshot import load_snapshot
from guidelines.trials.therapies import find_mentions, treatment_concepts

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "trials" / \
    "sample_trials_her2pos_mbc_2026-01-05.json"


@pytest.fixture(scope="module")
def trials():
    return {t.nct_id: t for t in load_snapshot(FIXTURE)}


def test_snapshot_loads_every_trial_with_its_fields(trials):
    assert len(trials) == 100
    cart = trials["NCT03740256"]
    assert cart.url == "https://clinicaltrials.gov/study/NCT03740256"
    assert cart.source == "snapshot" and cart.retrieved == "2026-01-05"
    assert cart.min_age == 18 and cart.max_age is None and cart.sex == "ALL"
    assert "Breast Cancer" in cart.conditions
    assert trials["NCT04995003"].max_age == 25
    assert trials["NCT05230810"].phases == ("Phase 1", "Phase 2")


def test_small_parsers():
    assert parse_age("18 Years") == 18 and parse_age("6 Months") == 0.5 and parse_age(None) is None
    assert parse_phases(["PHASE1", "PHASE2"]) == ("Phase 1", "Phase 2")
    assert parse_phases("Not Applicable") == ()
    assert clean_text("ANC \\>1,000 and Gilbert\\&#39;s") == "ANC >1,000 and Gilbert's"


def test_split_keeps_sections_and_sub_items(trials):
    crit = split_criteria(trials["NCT05950945"].eligibility_text)
    assert any(c.startswith("Prior treatment with an antibody drug conjugate") for c in crit.exclusion)
    assert not any("antibody drug conjugate" in c for c in crit.inclusion)
    # The HER2-low sub-bullets stay with their parent criterion.
    parent = [c for c in crit.inclusion if c.startswith("Pathologically documented Breast Cancer")]
    assert parent and "HER2-low" in parent[0] and "unresectable" in parent[0]


def test_split_arm_specific_headings_stay_in_exclusion(trials):
    crit = split_criteria(trials["NCT05563220"].eligibility_text)
    ribo = [c for c in crit.exclusion if "Prior therapy with ribociclib" in c]
    assert ribo and ribo[0].startswith("For some arms or cohorts only")
    assert not any("Prior therapy with ribociclib" in c for c in crit.inclusion)


@pytest.mark.parametrize(("nct_id", "accepted"), [
    ("NCT05230810", {"positive"}),          # tucatinib + alpelisib, HER2+ MBC
    ("NCT03740256", {"positive"}),          # HER2 CAR-T basket ("HER2 positivity ... excluded in DL1")
    ("NCT06439693", {"positive"}),          # "HER2 1+ or 2+ ... FISH positive are not eligible"
    ("NCT05950945", {"low", "zero"}),       # DESTINY-Breast15: HER2-low or IHC 0, never HER2+
    ("NCT06062498", {"low", "zero"}),       # ER+ / HER2-negative
    ("NCT05989828", {"low", "zero"}),       # triple-negative
])
def test_her2_requirement(trials, nct_id, accepted):
    assert parse_trial(trials[nct_id]).her2_accepted == accepted


def test_hr_requirement(trials):
    assert parse_trial(trials["NCT06016738"]).hr_required == "positive"
    assert parse_trial(trials["NCT05989828"]).hr_required == "negative"
    assert parse_trial(trials["NCT05230810"]).hr_required is None  # HR+ or HR- may enrol


def test_condition_and_setting(trials):
    assert parse_trial(trials["NCT04995003"]).cancer == "other"      # HER2 CAR-T for sarcoma
    assert parse_trial(trials["NCT06119581"]).cancer == "other"      # KRAS G12C lung
    assert parse_trial(trials["NCT06234397"]).cancer == "basket"     # advanced solid tumours
    assert parse_trial(trials["NCT05325632"]).setting == "early"     # neoadjuvant stage I-III
    assert parse_trial(trials["NCT05230810"]).setting == "metastatic"
    assert parse_trial(trials["NCT03909282"]).breast_kind == "prevention"   # DCIS


def test_prior_therapy_exclusions(trials):
    db15 = parse_trial(trials["NCT05950945"])
    excluded = [r.concepts for r in db15.prior_rules if r.kind == "excluded"]
    assert frozenset({"adc"}) in excluded
    assert any("anti_her2" in c for c in excluded)   # "never previously treated with anti-HER2"
    elac = parse_trial(trials["NCT05386108"])
    assert any(r.kind == "excluded" and "drug:abemaciclib" in r.concepts for r in elac.prior_rules)


def test_prior_therapy_requirements(trials):
    tuc = parse_trial(trials["NCT05230810"])
    assert any(r.kind == "required" and "anti_her2" in r.concepts for r in tuc.prior_rules)
    # "Prior therapy with fulvestrant is allowed" is neither required nor excluded.
    assert not any("drug:fulvestrant" in r.concepts for r in tuc.prior_rules)
    op = parse_trial(trials["NCT06016738"])
    assert any(r.kind == "required" and "cdk46" in r.concepts for r in op.prior_rules)


def test_inclusion_that_says_not_permitted_is_an_exclusion(trials):
    zani = parse_trial(trials["NCT06695845"])
    rules = [r for r in zani.prior_rules if "anti_her2" in r.concepts]
    assert rules and all(r.kind == "excluded" and r.cohort_specific for r in rules)


def test_washout_windows_are_not_lifetime_exclusions():
    crit = parse_text("Exclusion Criteria:\n\n* Treatment with trastuzumab within 21 days "
                      "before the first dose\n* Prior treatment with tucatinib")
    assert len(crit.prior_rules) == 1
    assert crit.prior_rules[0].kind == "excluded"
    assert "drug:tucatinib" in crit.prior_rules[0].concepts


def test_brain_metastases_policy(trials):
    assert parse_trial(trials["NCT05950945"]).brain_policy == "allowed"      # untreated allowed
    assert parse_trial(trials["NCT05230810"]).brain_policy == "allowed"
    assert parse_trial(trials["NCT06062498"]).brain_policy == "stable_only"
    assert parse_text("Exclusion Criteria:\n\n* Known brain metastases").brain_policy == "excluded"


def test_ecog_measurable_lines_menopause(trials):
    db15 = parse_trial(trials["NCT05950945"])
    assert db15.ecog_max == 1 and db15.measurable_required and db15.max_lines == 2
    assert parse_trial(trials["NCT03740256"]).ecog_max == 2
    assert parse_trial(trials["NCT05230810"]).bone_only_allowed
    assert parse_trial(trials["NCT04862663"]).menopause == "postmenopausal"


def test_drug_mentions_use_the_lexicon():
    found = {m.concept for m in find_mentions(
        "Prior T-DXd, DS-8201a, Enhertu, trastuzumab emtansine or a CDK4/6i; no taxanes")}
    assert {"drug:trastuzumab deruxtecan", "drug:ado-trastuzumab emtansine", "cdk46",
            "taxane"} <= found
    assert "drug:trastuzumab" not in found   # "trastuzumab emtansine" is one drug


def test_treatment_concepts():
    assert {"drug:trastuzumab", "drug:pertuzumab", "taxane", "anti_her2"} <= treatment_concepts("TCHP")
    assert {"cdk46", "drug:ribociclib"} <= treatment_concepts("Kisqali")
    assert {"adc", "anti_her2", "topo1"} <= treatment_concepts("Enhertu")
    assert treatment_concepts("zanidatamab") == frozenset({"name:zanidatamab"})
