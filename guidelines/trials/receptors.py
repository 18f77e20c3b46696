"""Receptor wording in trial text: HER2-positive / HER2-low / HER2-0 / HER2-negative,
triple-negative, hormone-receptor positive or negative."""

from __future__ import annotations

import re

_H = (r"(?:her-?2(?:/neu)?|erbb2|human epidermal growth factor receptor[- ]2)"
      r"(?:\s?\((?:her-?2|erbb2)\))?(?:\s?protein)?")
HER2_POS = re.compile(
    rf"{_H}[- ]?(?:\+|\(\+\)|positiv|over-?express|amplifi|enriched|driven|mutant-? or-? amplified)"
    rf"|{_H}\s+(?:is\s+|status\s+)?positive|{_H}\s+(?:ihc\s+)?3\+|\bihc\s?3\+",
    re.I,
)
HER2_NEG = re.compile(
    rf"{_H}[- ]?(?:negative|neg\b|non-?amplified|non-?overexpress|-(?=[\s/),;.:]|$))"
    rf"|{_H}\s+(?:is\s+|status\s+)?negative|non-?{_H}-?(?:positive|amplified)",
    re.I,
)
HER2_LOW = re.compile(
    rf"{_H}[- ]?(?:low|ultra-?low)\b|\bihc\s?1\+|\bihc\s?2\+\s?/\s?(?:ish|fish)\s?(?:-|neg)",
    re.I,
)
HER2_ZERO = re.compile(rf"{_H}[- ]?(?:ihc\s?)?(?:0|zero|null)\b|\bihc\s?0\b", re.I)
TNBC = re.compile(r"triple[- ]negative|\btnbc\b|\bmtnbc\b", re.I)
_R = (r"(?:hr|er|hormone[- ]receptors?|estrogen[- ]receptors?|oestrogen[- ]receptors?|er/pr)"
      r"(?:\s?\((?:hr|er)\))?")
HR_POS = re.compile(
    rf"(?<![a-z]){_R}[- ]?(?:\+|\(\+\)|positiv|expressing|-?sensitive)|\bluminal\b"
    r"|estrogen[- ]sensitive|hormone[- ]sensitive",
    re.I,
)
HR_NEG = re.compile(rf"(?<![a-z]){_R}[- ]?(?:negative|neg\b|-(?=[\s/),;.:]|$))", re.I)

# Mentions that state no requirement: "HER2 status known", "regardless of HER2 status".
ANY_STATUS = re.compile(r"regardless of|irrespective of|any (?:her2|hr|hormone)", re.I)


def her2_mentions(text: str) -> set[str]:
    """Which HER2 categories a phrase names: 'positive', 'negative', 'low', 'zero', 'tnbc'."""
    found = set()
    if HER2_POS.search(text):
        found.add("positive")
    if HER2_LOW.search(text):
        found.add("low")
    if HER2_ZERO.search(text):
        found.add("zero")
    if HER2_NEG.search(text):
        found.add("negative")
    if TNBC.search(text):
        found.add("tnbc")
    return found


def hr_mentions(text: str) -> set[str]:
    found = set()
    if HR_POS.search(text):
        found.add("positive")
    if HR_NEG.search(text) or TNBC.search(text):
        found.add("negative")
    return found


HER2_CATEGORY_SETS = {
    "positive": {"positive"},
    "negative": {"low", "zero"},
    "low": {"low"},
    "zero": {"zero"},
    "tnbc": {"low", "zero"},
}


def accepted_her2(mentioned: set[str]) -> set[str]:
    out: set[str] = set()
    for m in mentioned:
        out |= HER2_CATEGORY_SETS[m]
    return out
