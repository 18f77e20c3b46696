"""Checks an answer keeps its promise: every sentence cites something that resolves
to a shipped passage or a record finding, and every cited passage shares the
sentence's key terms. The engine runs it before returning and drops what fails."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .terms import key_terms


@dataclass
class GroundingReport:
    checked: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return self.checked - len(self.failures)

    @property
    def ok(self) -> bool:
        return not self.failures


def _citation_terms(entry: dict[str, Any]) -> set[str]:
    return key_terms(" ".join(str(entry.get(k) or "") for k in ("title", "passage", "heading")))


def sentence_problems(sentence: dict[str, Any], citations: dict[str, dict[str, Any]],
                      resolves) -> list[str]:
    problems = []
    ids = sentence.get("citations") or []
    if not ids:
        return ["no citation"]
    terms = key_terms(sentence["text"])
    for cid in ids:
        entry = citations.get(cid)
        if entry is None:
            problems.append(f"{cid}: not in citations")
            continue
        if not resolves(cid, entry):
            problems.append(f"{cid}: does not resolve to a shipped passage or record finding")
            continue
        if terms and not terms & _citation_terms(entry):
            problems.append(f"{cid}: shares no key term with the sentence")
    return problems


def check(answer: dict[str, Any], resolves) -> GroundingReport:
    report = GroundingReport()
    for s_index, section in enumerate(answer.get("sections", [])):
        for index, sentence in enumerate(section.get("sentences", [])):
            report.checked += 1
            problems = sentence_problems(sentence, answer.get("citations", {}), resolves)
            if problems:
                report.failures.append({"section": s_index, "sentence": index,
                                        "text": sentence["text"], "problems": problems})
    return report


def enforce(answer: dict[str, Any], resolves) -> GroundingReport:
    """Drop failing sentences, then empty sections, then citations nobody uses."""
    report = check(answer, resolves)
    failing = {(f["section"], f["sentence"]) for f in report.failures}
    sections = []
    for s_index, section in enumerate(answer.get("sections", [])):
        kept = [s for i, s in enumerate(section["sentences"]) if (s_index, i) not in failing]
        if kept:
            sections.append({**section, "sentences": kept})
    answer["sections"] = sections
    used = {cid for section in sections for s in section["sentences"] for cid in s["citations"]}
    answer["citations"] = {k: v for k, v in answer.get("citations", {}).items() if k in used}
    return report
