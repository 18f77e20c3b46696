"""AJCC 8th anatomic stage groups, checked against the hand-transcribed table in
tests/fixtures/ajcc8 (the oracle), plus the special rules and the size/count rules."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest

from nlp.staging import (
    n_from_node_count,
    n_main,
    stage,
    stage_group,
    t_from_size,
    t_main,
)

TSV = Path(__file__).resolve().parents[1] / "fixtures" / "ajcc8" / "breast_anatomic_stage_groups_ajcc8.tsv"

# Every spelling a main category covers.
T_SPELLINGS = {
    "Tis": ["Tis"],
    "T0": ["T0"],
    "T1": ["T1", "T1mi", "T1a", "T1b", "T1c"],
    "T2": ["T2"],
    "T3": ["T3"],
    "T4": ["T4", "T4a", "T4b", "T4c", "T4d"],
}
N_SPELLINGS = {
    "N0": ["N0", "N0(i+)", "N0(mol+)", "N0(i-)"],
    "N1mi": ["N1mi"],
    "N1": ["N1", "N1a", "N1b", "N1c"],
    "N2": ["N2", "N2a", "N2b"],
    "N3": ["N3", "N3a", "N3b", "N3c"],
}
M0_SPELLINGS = ["M0", "cM0", "cM0(i+)", "pM0"]


def _oracle_rows() -> list[dict[str, str]]:
    with open(TSV, encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _oracle() -> dict[tuple[str, str, str], str]:
    """(T main, N main, M) -> stage, with "any T"/"any N" expanded."""
    table = {}
    for row in _oracle_rows():
        ts = list(T_SPELLINGS) if row["T"] == "any T" else [row["T"]]
        ns = list(N_SPELLINGS) if row["N"] == "any N" else [row["N"]]
        for t, n in itertools.product(ts, ns):
            table[(t, n, row["M"])] = row["stage"]
    return table


ORACLE = _oracle()


def test_oracle_file_has_every_group():
    assert {row["stage"] for row in _oracle_rows()} == {
        "0", "IA", "IB", "IIA", "IIB", "IIIA", "IIIB", "IIIC", "IV"
    }
    assert len(_oracle_rows()) == 19


@pytest.mark.parametrize("row", _oracle_rows(), ids=lambda r: f"{r['T']}-{r['N']}-{r['M']}")
def test_every_oracle_row_with_every_subcategory(row):
    ts = list(T_SPELLINGS) if row["T"] == "any T" else [row["T"]]
    ns = list(N_SPELLINGS) if row["N"] == "any N" else [row["N"]]
    ms = M0_SPELLINGS if row["M"] == "M0" else ["M1", "pM1", "cM1"]
    checked = 0
    for t_main_cat, n_main_cat, m in itertools.product(ts, ns, ms):
        for t, n in itertools.product(T_SPELLINGS[t_main_cat], N_SPELLINGS[n_main_cat]):
            for prefix in ("", "p"):
                assert stage_group(prefix + t, prefix + n, m) == row["stage"], (t, n, m)
                checked += 1
    assert checked > 0


def test_combinations_outside_the_table_have_no_stage():
    for t_cat, n_cat in itertools.product(T_SPELLINGS, N_SPELLINGS):
        expected = ORACLE.get((t_cat, n_cat, "M0"))
        if n_cat == "N1mi" and t_cat in ("T2", "T3", "T4"):
            expected = ORACLE[(t_cat, "N1", "M0")]
        for t in T_SPELLINGS[t_cat]:
            assert stage_group(t, n_cat, "M0") == expected, (t, n_cat)
    # Tis with nodes and T0 without nodes are not in the table.
    assert stage_group("Tis", "N1a", "M0") is None
    assert stage_group("T0", "N0", "M0") is None


@pytest.mark.parametrize(
    ("t", "expected"),
    [("T0", "IB"), ("T1mi", "IB"), ("T1c", "IB"), ("T2", "IIB"), ("T3", "IIIA"), ("T4b", "IIIB")],
)
def test_n1mi_rule(t, expected):
    # T0/T1 with N1mi is IB; T2-T4 use the N1 row.
    assert stage_group(t, "N1mi", "M0") == expected


def test_itc_and_m0_i_plus_count_as_negative():
    assert stage_group("pT1c", "pN0(i+)", "M0") == "IA"
    assert stage_group("pT2", "pN0(mol+)", "cM0(i+)") == "IIA"
    assert stage("pT2", "pN0", "cM0(i+)").m_assumed is False


def test_tis_n0_m0_is_stage_0():
    assert stage_group("pTis", "pN0", "M0") == "0"
    assert stage_group("Tis", "N0(i+)", None) == "0"


def test_m1_is_stage_iv_whatever_t_and_n():
    assert stage_group("TX", "NX", "M1") == "IV"
    assert stage_group(None, None, "cM1") == "IV"
    assert stage_group("ypT0", "ypN0", "M1") == "IV"
    assert stage("T1a", "N0", "M1").m_assumed is False


def test_unknown_m_is_staged_as_cm0_and_marked():
    for m in ("MX", "pMX", None, ""):
        result = stage("pT2", "pN1a", m)
        assert result.group == "IIB"
        assert result.m_assumed is True
    assert stage("pT2", "pN1a", "M0").m_assumed is False


@pytest.mark.parametrize(
    ("t", "n"),
    [("TX", "N0"), ("T2", "NX"), (None, "N1a"), ("pT1c", None), ("pTX", "pNX"), ("T5", "N0")],
)
def test_unknown_t_or_n_cannot_be_staged(t, n):
    assert stage_group(t, n, "M0") is None
    assert stage_group(t, n, "MX") is None


def test_no_stage_after_complete_response():
    result = stage("ypT0", "ypN0", None)
    assert result.group is None
    assert "complete response" in result.reason
    # Residual disease after therapy is staged like any other.
    assert stage_group("ypT1a", "ypN0", None) == "IA"
    assert stage_group("ypT0", "ypN1a", None) == "IIA"
    # T0 N0 without therapy is simply not a stage group.
    assert stage_group("pT0", "pN0", "M0") is None


def test_main_categories_parse_prefixes_and_modifiers():
    assert t_main("ypT1mi") == "T1"
    assert t_main("pT2(m)") == "T2"
    assert t_main("pTis") == "Tis"
    assert t_main("T2 weighted") is None
    assert n_main("pN0(i+)") == "N0"
    assert n_main("N1mi") == "N1mi"
    assert n_main("pN3c") == "N3"
    assert n_main("N4") is None


@pytest.mark.parametrize(
    ("size_mm", "expected"),
    [
        (0.5, "T1mi"), (1, "T1mi"), (1.1, "T1a"), (1.9, "T1a"), (5, "T1a"), (5.4, "T1a"),
        (5.5, "T1b"), (10, "T1b"), (10.6, "T1c"), (20, "T1c"), (20.4, "T1c"), (21, "T2"),
        (50, "T2"), (51, "T3"), (150, "T3"), (0, None), (None, None),
    ],
)
def test_t_from_size_boundaries(size_mm, expected):
    assert t_from_size(size_mm) == expected


def test_t_from_size_never_gives_t4():
    assert all(t_from_size(mm) != "T4" for mm in range(1, 400))


@pytest.mark.parametrize(
    ("positive", "kwargs", "expected"),
    [
        (0, {}, "N0"),
        (0, {"itc_only": True}, "N0(i+)"),
        (1, {"micrometastasis_only": True}, "N1mi"),
        (5, {"micrometastasis_only": True}, "N1mi"),
        (1, {}, "N1a"),
        (3, {}, "N1a"),
        (4, {}, "N2a"),
        (9, {}, "N2a"),
        (10, {}, "N3a"),
        (31, {}, "N3a"),
        (None, {}, None),
    ],
)
def test_n_from_node_count_boundaries(positive, kwargs, expected):
    assert n_from_node_count(positive, **kwargs) == expected


def test_derived_categories_stage_together():
    assert stage_group(t_from_size(28), n_from_node_count(4), None) == "IIIA"
    assert stage_group(t_from_size(8), n_from_node_count(0, itc_only=True), None) == "IA"
