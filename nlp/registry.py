"""The extractor modules the pipeline runs, and the summarize() functions it merges."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from nlp.extractors import (
    biomarkers,
    genomic,
    histology,
    labs,
    menopause,
    tnm,
    treatments,
    tumor,
)

EXTRACTORS: tuple[ModuleType, ...] = (
    biomarkers, histology, tnm, tumor, treatments, labs, menopause, genomic,
)


def summarizers() -> list[Callable]:
    """Each distinct summarize() once (tnm re-exports the staging summary, for example)."""
    seen, out = set(), []
    for module in EXTRACTORS:
        fn = getattr(module, "summarize", None)
        if fn is not None and fn not in seen:
            seen.add(fn)
            out.append(fn)
    return out
