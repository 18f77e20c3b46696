"""Split a ClinicalTrials.gov eligibility text into inclusion and exclusion criteria.

Records write "Inclusion Criteria:" / "Exclusion Criteria:" headings (sometimes
"Key", "Procurement", "Treatment", "Cohort A" in front), then bullets ("* ", "- ") or
numbers ("1. ", "1\\. "). A criterion is one top-level item with its indented
sub-items, so "Prior treatment with any of: * T-DXd * tucatinib" stays one criterion."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

_ESCAPED = re.compile(r"\\([<>*_#&\[\]().~^`|'\"-])")
_HEADING = re.compile(
    r"^\s*(?:[*-]\s*)?(?:\d+(?:\\?\.)?\s*)?(?:[\w/+()-]+\s+){0,4}?"
    r"(inclusion|exclusion|eligibility)\s+criteria\b[^:\n]{0,60}:?\s*$",
    re.I,
)
_BARE_HEADING = re.compile(r"^\s*(inclusion|exclusion|criteria)s?\s*:?\s*$", re.I)
# "Subjects who meet any of the following criteria will be excluded from the study:"
_PHRASE_HEADING = re.compile(r"^[^*\n]{0,150}\bcriteria\b[^\n]{0,80}:\s*$", re.I)
ARM_PREFIX = "For some arms or cohorts only: "
_INCLUDING = re.compile(r"inclu|must meet|eligible to|enrol", re.I)
_EXCLUDING = re.compile(r"exclu|may not (?:participate|enrol)|not be eligible|ineligible", re.I)
_ITEM = re.compile(r"^(\s*)(?:[*\u2022-]|\d{1,2}(?:\\?[.)])|[a-zA-Z](?:\\?[.)])|[ivx]+\.)\s+")
_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z(])|\n+")


def clean_text(text: str) -> str:
    """Undo the Markdown escapes (`\\>`, `\\*`) and HTML entities the records carry."""
    text = html.unescape(html.unescape(text or ""))
    text = _ESCAPED.sub(r"\1", text)
    return text.replace("\r\n", "\n").replace("\u00a0", " ")


@dataclass
class Criteria:
    inclusion: list[str] = field(default_factory=list)
    exclusion: list[str] = field(default_factory=list)

    def all(self) -> list[tuple[str, str]]:
        return [("inclusion", c) for c in self.inclusion] + [
            ("exclusion", c) for c in self.exclusion]


def split_criteria(text: str) -> Criteria:
    """Criteria grouped by section. Text before any heading counts as inclusion."""
    out = Criteria()
    section = "inclusion"
    current: list[str] = []
    top_indent: int | None = None
    arm_prefix = ""

    def flush() -> None:
        if current:
            item = " ".join(s.strip() for s in current if s.strip())
            if item:
                getattr(out, section).append(arm_prefix + item)
        current.clear()

    for line in clean_text(text).split("\n"):
        if not line.strip():
            continue
        heading = _HEADING.match(line) or _BARE_HEADING.match(line)
        if heading:
            flush()
            word = heading.group(1).lower()
            if word in ("inclusion", "exclusion"):
                section = word
            top_indent = None
            arm_prefix = ""
            continue
        if not _ITEM.match(line) and _PHRASE_HEADING.match(line) and "/" not in line:
            flush()
            if _EXCLUDING.search(line):
                section = "exclusion"
            elif _INCLUDING.search(line):
                section = "inclusion"
            # "Additional Criteria for the Ribociclib Combination (Arm C):" keeps the
            # section; what follows applies to some arms only.
            arm_prefix = "" if _INCLUDING.search(line) or _EXCLUDING.search(line) else ARM_PREFIX
            top_indent = None
            continue
        m = _ITEM.match(line)
        if m:
            indent = len(m.group(1).expandtabs(4))
            if top_indent is None or indent <= top_indent:
                flush()
                top_indent = indent
                current.append(line[m.end():])
                continue
            current.append(line[m.end():])
            continue
        # A plain line: an intro sentence ("This study will look at ...") or the
        # continuation of the item above.
        if current and line.startswith((" ", "\t")):
            current.append(line)
        else:
            flush()
            current.append(line)
            flush()
    flush()
    return out


def sentences(criterion: str) -> list[str]:
    """A criterion's sentences (split at '. X', '; X' and line breaks)."""
    return [s.strip() for s in _SENTENCE.split(criterion) if s and s.strip()]
