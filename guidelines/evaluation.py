"""Retrieval evaluation: did the right source page come back, and how high?

A question counts as found at rank r when the r-th passage returned is from one of its
expected pages; recall@k is the share found within k passages, MRR the mean of 1/r
(0 when not in the first `depth`). Judged on passages, not distinct pages, because the
answer engine reads the top passages.
"""

from __future__ import annotations

import json
import statistics
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from guidelines.index_store import Index
from guidelines.retrieval import Mode, search

QUESTIONS_FILE = Path(__file__).resolve().parent / "eval" / "questions.jsonl"


@dataclass(frozen=True)
class EvalQuestion:
    question: str
    expected_urls: frozenset[str]  # page URLs without anchors
    source: str = ""


@dataclass
class MedquadSet:
    questions: list[EvalQuestion] = field(default_factory=list)
    exact: int = 0  # answer URL is a corpus page
    mapped: int = 0  # answer URL is the patient version of a corpus page's summary
    uncovered: dict[str, int] = field(default_factory=dict)  # URL → questions skipped


@dataclass(frozen=True)
class Metrics:
    n: int
    recall_at_1: float
    recall_at_5: float
    mrr: float
    median_ms: float


def normalise_url(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}"


def load_questions(index: Index, path: Path = QUESTIONS_FILE) -> list[EvalQuestion]:
    """Questions with expected pages given as corpus file paths or URLs."""
    by_file = {p.file: p.page_url for p in index.passages}
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        urls = set()
        for ref in row["expected"]:
            url = by_file.get(ref, ref)
            if url == ref and not ref.startswith("http"):
                raise ValueError(f"{path.name}: {ref!r} is not a page in the index")
            urls.add(normalise_url(url))
        out.append(EvalQuestion(row["question"], frozenset(urls), row.get("topic", "")))
    return out


def _alternate_audience(url: str) -> str | None:
    # cancer.gov publishes each PDQ summary in two audience versions with the same
    # slug (/types/breast/patient/X-pdq and /types/breast/hp/X-pdq). MedQuAD quotes
    # the patient version; the corpus holds the health-professional one.
    if "/patient/" in url:
        return url.replace("/patient/", "/hp/")
    return None


def load_medquad(folder: Path, index: Index) -> MedquadSet:
    pages = {normalise_url(p.page_url) for p in index.passages}
    result = MedquadSet()
    for xml_file in sorted(folder.glob("*.xml")):
        root = ET.parse(xml_file).getroot()
        url = normalise_url(root.get("url", ""))
        questions = [q.text.strip() for q in root.iter("Question") if q.text]
        target = url if url in pages else None
        if target is None:
            alt = _alternate_audience(url)
            target = alt if alt in pages else None
            if target is not None:
                result.mapped += len(questions)
        else:
            result.exact += len(questions)
        if target is None:
            result.uncovered[url] = result.uncovered.get(url, 0) + len(questions)
            continue
        result.questions.extend(
            EvalQuestion(q, frozenset({target}), xml_file.name) for q in questions
        )
    return result


def first_hit_rank(question: EvalQuestion, urls: Iterable[str]) -> int | None:
    for rank, url in enumerate(urls, start=1):
        if normalise_url(url) in question.expected_urls:
            return rank
    return None


def evaluate(
    questions: list[EvalQuestion],
    index: Index,
    mode: Mode = "hybrid",
    depth: int = 20,
    searcher: Callable = search,
) -> tuple[Metrics, list[int | None]]:
    ranks: list[int | None] = []
    timings: list[float] = []
    for question in questions:
        started = time.perf_counter()
        results = searcher(question.question, k=depth, mode=mode, index=index)
        timings.append((time.perf_counter() - started) * 1000)
        ranks.append(first_hit_rank(question, (r.passage.page_url for r in results)))
    n = len(questions) or 1
    return (
        Metrics(
            n=len(questions),
            recall_at_1=sum(r == 1 for r in ranks) / n,
            recall_at_5=sum(r is not None and r <= 5 for r in ranks) / n,
            mrr=sum(1 / r for r in ranks if r) / n,
            median_ms=statistics.median(timings) if timings else 0.0,
        ),
        ranks,
    )
