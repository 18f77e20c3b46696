"""Breast-cancer subtype from receptor statuses."""

from __future__ import annotations


def subtype(er: str | None, pr: str | None, her2: str | None) -> str | None:
    """HR+/HER2−, HR+/HER2+, HR−/HER2+, HER2+ or triple-negative; None when a value is
    missing or equivocal, because a guess here would mislead."""
    if her2 not in ("positive", "negative"):
        return None
    hr_positive = "positive" in (er, pr)
    if not hr_positive and (er != "negative" or pr != "negative"):
        return "HER2+" if her2 == "positive" else None
    if hr_positive:
        return "HR+/HER2+" if her2 == "positive" else "HR+/HER2-"
    return "HR-/HER2+" if her2 == "positive" else "triple-negative"
