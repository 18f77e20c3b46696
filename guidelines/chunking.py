"""Cleaned Markdown → passages: one heading's text, in pieces of a bounded size.

Passages are what retrieval ranks and what the answer engine cites, so each keeps its
page's citation fields and its heading path, and the text is split at paragraph, then
sentence, boundaries. Sizes: long enough to carry a complete statement with its
context, short enough that MiniLM (256 word pieces) sees most of it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from guidelines.corpus.clean import clean_markdown, heading_anchors, to_plain_text
from guidelines.corpus.manifest import Corpus
from guidelines.sentences import split_sentences
from guidelines.types import PageMeta, Passage

MIN_WORDS = 80
MAX_WORDS = 220
_HEADING = re.compile(r"^(#{1,6}) (.+)$")
_LIST_MARKER = re.compile(r"^(?:[-*+]|\d+\.)\s+")


@dataclass
class Section:
    path: tuple[str, ...]
    units: list[str] = field(default_factory=list)  # paragraphs / list items, plain text

    @property
    def words(self) -> int:
        return sum(_word_count(u) for u in self.units)


def _word_count(text: str) -> int:
    return len(text.split())


def parse_sections(cleaned: str) -> list[Section]:
    """Split cleaned Markdown at headings. H1 is the page title, not a section."""
    stack: list[tuple[int, str]] = []
    sections: list[Section] = [Section(path=())]
    for line in cleaned.splitlines():
        heading = _HEADING.match(line)
        if heading:
            level, text = len(heading.group(1)), heading.group(2).strip()
            if level == 1:
                stack = []
                sections.append(Section(path=()))
                continue
            stack = [(lv, t) for lv, t in stack if lv < level] + [(level, text)]
            sections.append(Section(path=tuple(t for _, t in stack)))
        elif line.strip():
            sections[-1].units.append(
                to_plain_text(line)
                if not _LIST_MARKER.match(line)
                else "- " + to_plain_text(_LIST_MARKER.sub("", line))
            )
    return [s for s in sections if s.units]


def _is_child(parent: Section, child: Section) -> bool:
    return len(child.path) > len(parent.path) and child.path[: len(parent.path)] == parent.path


def _merge_small(sections: list[Section], min_words: int, max_words: int) -> list[Section]:
    """Short sections are merged rather than indexed alone (a 20-word passage wins
    BM25 on length alone and says too little to quote): a short intro goes with its
    first sub-section; a short section goes with its next sibling, or else its previous
    one, under their common parent heading, its own heading kept as a label."""
    merged: list[Section] = []
    carry: Section | None = None
    for i, original in enumerate(sections):
        section = original
        if carry is not None:
            if _is_child(carry, section):
                section = Section(path=section.path, units=carry.units + section.units)
            else:
                section = Section(
                    path=section.path[:-1],
                    units=carry.units + [f"{section.path[-1]}:"] + section.units,
                )
            carry = None
        nxt = sections[i + 1] if i + 1 < len(sections) else None
        if section.words < min_words and nxt is not None:
            if _is_child(section, nxt):
                carry = section
                continue
            if (
                section.path
                and nxt.path[:-1] == section.path[:-1]
                and section.words + nxt.words <= max_words
            ):
                carry = Section(
                    path=section.path[:-1], units=[f"{section.path[-1]}:"] + section.units
                )
                continue
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and section.words < min_words
            and section.path
            and prev.path[:-1] == section.path[:-1]
            and prev.words + section.words <= max_words
        ):
            merged[-1] = Section(
                path=prev.path[:-1], units=prev.units + [f"{section.path[-1]}:"] + section.units
            )
            continue
        merged.append(section)
    if carry is not None:
        merged.append(carry)
    return merged


def _split_unit(unit: str, max_words: int) -> list[str]:
    """A paragraph longer than a passage is cut between sentences."""
    if _word_count(unit) <= max_words:
        return [unit]
    pieces, current = [], []
    for sentence in split_sentences(unit):
        if current and _word_count(" ".join(current + [sentence])) > max_words:
            pieces.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        pieces.append(" ".join(current))
    return pieces


def pack_units(units: list[str], max_words: int) -> list[list[str]]:
    """Group units into pieces of about equal size, none over `max_words` (unless one
    sentence is), so a section is never left with a tiny last passage."""
    atoms = [piece for unit in units for piece in _split_unit(unit, max_words)]
    total = sum(_word_count(a) for a in atoms)
    if total <= max_words:
        return [atoms]
    target = total / math.ceil(total / max_words)
    groups: list[list[str]] = [[]]
    size = 0
    for atom in atoms:
        words = _word_count(atom)
        if groups[-1] and (size + words > max_words or size >= target):
            groups.append([])
            size = 0
        groups[-1].append(atom)
        size += words
    return groups


def chunk_page(
    markdown: str,
    page: PageMeta,
    id_prefix: str,
    min_words: int = MIN_WORDS,
    max_words: int = MAX_WORDS,
) -> list[Passage]:
    cleaned = clean_markdown(markdown, page.url)
    anchors = heading_anchors(markdown, page.url)
    slug = page_slug(page.file)
    passages: list[Passage] = []
    for section in _merge_small(parse_sections(cleaned), min_words, max_words):
        anchor = next(
            (anchors[h.casefold()] for h in reversed(section.path) if h.casefold() in anchors), ""
        )
        for group in pack_units(section.units, max_words):
            text = "\n".join(group)
            sentences = tuple(_LIST_MARKER.sub("", s) for s in split_sentences(text))
            passages.append(
                Passage(
                    id=f"{id_prefix}-{slug}-{len(passages) + 1}",
                    corpus=page.corpus,
                    file=page.file,
                    title=page.title,
                    url=f"{page.url}#{anchor}" if anchor else page.url,
                    page_url=page.url,
                    updated=page.updated,
                    publisher=page.publisher,
                    heading_path=section.path,
                    text=text,
                    sentences=sentences,
                )
            )
    return passages


def page_slug(file: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", Path(file).stem.lower()).strip("-")


def chunk_corpus(corpus: Corpus) -> list[Passage]:
    passages: list[Passage] = []
    seen: dict[str, str] = {}
    for page in corpus.pages:
        slug = page_slug(page.file)
        if slug in seen:
            # Ids must be unique and stable; two files with one slug would break both.
            raise ValueError(f"{corpus.name}: {page.file} and {seen[slug]} share id slug {slug!r}")
        seen[slug] = page.file
        markdown = (corpus.root / page.file).read_text(encoding="utf-8")
        passages.extend(chunk_page(markdown, page, corpus.id_prefix))
    return passages
