"""Cleaning scraped cancer.gov Markdown into text worth retrieving and quoting.

The scrape keeps everything a browser showed: citation anchors, reference lists,
glossary pop-up links, images, PDQ boilerplate, link-only "related resources" lists and
tables whose spanning rows were flattened (so their cells no longer line up). What is
left after cleaning should be prose a person could be shown as a quote.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

# Sections that hold no patient-facing content: bibliography, editorial boilerplate,
# change logs, trial-search links and link lists.
DROPPED_SECTIONS = re.compile(
    r"^(references|about this pdq summary|latest updates to this summary.*|"
    r"changes to this summary.*|current clinical trials|clinical trials accepting patients|"
    r"more about .*|research results and related resources|about pdq|"
    r"clinical trial information|learn more.*|to learn more about .*)$",
    re.IGNORECASE,
)

# Paragraphs repeated across pages that say nothing about the topic.
BOILERPLATE = re.compile(
    r"^(This summary is written and maintained by the PDQ|"
    r"The information in this patient summary was taken from the health professional|"
    r"Drugs are often studied to find out if they can help treat|"
    r"Use our \[?(advanced )?clinical trial search|"
    r"The PDQ cancer information summaries are reviewed regularly|"
    r"Placeholder slot$|Credit: |Go to (Patient|Health Professional) Version|"
    r"Learn more (about|in|tips)\b)",
    re.IGNORECASE,
)

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
# "[[1](#cit/section_1.1),[2](#cit/…)]", "[[28](#cit…)-[31](#cit…)]"
_CITATION = re.compile(r"\s?\[(?:\[\d+\]\(#cit[^)]*\)[\s,\-–]*)+\]")
_EVIDENCE_LEVEL = re.compile(r"\s?\[\[Level of evidence[^\]]*\]\([^)]*\)\]", re.IGNORECASE)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_ENLARGE = re.compile(r"\[Enlarge\]\([^)]*\)", re.IGNORECASE)
# [text](url "title") — the title part is optional; text may hold one level of brackets.
_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*([^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
# Promo "cards": a link whose label spans lines (title + teaser) points elsewhere.
_CARD_LINK = re.compile(r"\[[^\[\]]*\n[^\[\]]*\]\([^)]*\)")
_LINK_ONLY_LINE = re.compile(r"^(?:[-*]\s+)?(?:\[[^\]]*\]\([^)]*\)[\s,.;:-]*)+$")
_TABLE_CAPTION = re.compile(r"^(?:\*\*)?Table \d+(?:[.:]|\s*$)")
# "(RY-boh-SY-klib SUK-sih-nayt)": pronunciation guides under drug names.
_PRONUNCIATION = re.compile(r"^\((?=[^()]*\b[A-Z]+-[a-z]+)[^()]*\)$")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+\.)\s+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
_GLOSSARY = re.compile(r"/Common/PopUps/popDefinition\.aspx", re.IGNORECASE)


def strip_front_matter(markdown: str) -> str:
    return _FRONT_MATTER.sub("", markdown, count=1)


def absolute_url(url: str, page_url: str) -> str:
    """Resolve a link as the browser would on `page_url` ("#_12" stays on the page)."""
    url = url.strip()
    if url.startswith(("mailto:", "tel:")):
        return url
    return urljoin(page_url, url)


def remove_citations(text: str) -> str:
    text = _CITATION.sub("", text)
    return _EVIDENCE_LEVEL.sub("", text)


def absolutise_links(text: str, page_url: str) -> str:
    """Make every link absolute; glossary pop-ups become plain words, because their
    target is a pop-up fragment that makes no sense outside the page."""

    def repl(match: re.Match) -> str:
        label, target = match.group(1), match.group(2)
        if _GLOSSARY.search(target):
            return label
        return f"[{label}]({absolute_url(target, page_url)})"

    return _LINK.sub(repl, text)


def to_plain_text(markdown_line: str) -> str:
    """Markdown inline markup → the words a reader sees."""
    text = _LINK.sub(lambda m: m.group(1), markdown_line)
    text = _EMPHASIS.sub(lambda m: m.group(2), text)
    text = text.replace("\\", "")
    return re.sub(r"\s+", " ", text).strip()


def heading_anchors(markdown: str, page_url: str) -> dict[str, str]:
    """Map a heading's text to its on-page anchor.

    The scrape lost heading ids, but PDQ pages link to their own sections
    ("[Treatment of Metastatic Breast Cancer](/types/…-pdq#_1452)"), so a link from the
    page to itself whose label is a heading's text gives that heading's anchor.
    """
    page = urlsplit(page_url)
    anchors: dict[str, str] = {}
    for label, target in _LINK.findall(markdown):
        url = urlsplit(absolute_url(target, page_url))
        if (
            url.fragment
            and url.netloc == page.netloc
            and url.path.rstrip("/") == page.path.rstrip("/")
        ):
            key = _heading_key(to_plain_text(label))
            anchors.setdefault(key, url.fragment)
    return anchors


def _heading_key(text: str) -> str:
    return re.sub(r"\s+", " ", to_plain_text(text)).strip().casefold()


def _join_wrapped_lines(lines: list[str]) -> list[str]:
    """Undo hard wraps: a line that starts no block continues the one before it."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        starts_block = (
            not stripped or stripped.startswith(("#", "|", ">")) or _LIST_ITEM.match(stripped)
        )
        if (
            out
            and out[-1].strip()
            and not starts_block
            and not out[-1].lstrip().startswith(("#", "|"))
        ):
            out[-1] = f"{out[-1].rstrip()} {stripped}"
        else:
            out.append(stripped)
    return out


def _merge_drug_facts(lines: list[str]) -> list[str]:
    """Drug pages show "US Brand Name(s)" and "FDA Approved" as label/value lines;
    join them so a brand-name question finds a sentence that says it."""
    out: list[str] = []
    values = [ln for ln in lines]
    i = 0
    while i < len(values):
        line = values[i]
        if line in ("US Brand Name(s)", "FDA Approved"):
            j = i + 1
            while j < len(values) and not values[j]:
                j += 1
            if j < len(values) and values[j] and not values[j].startswith("#"):
                label = "US brand name(s)" if line.startswith("US") else "FDA approved"
                out.append(f"{label}: {values[j]}.")
                i = j + 1
                continue
        out.append(line)
        i += 1
    return out


def clean_markdown(markdown: str, page_url: str) -> str:
    """Cleaned Markdown: headings kept, links absolute, noise and dropped sections gone,
    one paragraph or list item per line, blocks separated by blank lines."""
    body = _IMAGE.sub("", strip_front_matter(markdown))
    body = _CARD_LINK.sub("\n", body)
    lines = _join_wrapped_lines(body.splitlines())
    lines = _merge_drug_facts(lines)
    out: list[str] = []
    drop_level = 0  # while > 0, skip until a heading at this level or higher
    for raw in lines:
        line = raw.strip()
        heading = _HEADING.match(line)
        if heading:
            level, text = len(heading.group(1)), to_plain_text(heading.group(2))
            if drop_level and level > drop_level:
                continue
            drop_level = 0
            if DROPPED_SECTIONS.match(text):
                drop_level = level
                continue
            if text:
                out.extend(["", f"{'#' * level} {text}", ""])
            continue
        if drop_level:
            continue
        line = _ENLARGE.sub("", _IMAGE.sub("", line)).strip()
        line = remove_citations(line)
        if (
            not line
            or line.startswith("|")
            or _TABLE_CAPTION.match(line)
            or _PRONUNCIATION.match(line)
            or BOILERPLATE.match(to_plain_text(line))
            or _LINK_ONLY_LINE.match(line)
            or line in ("---", "***")
        ):
            out.append("")
            continue
        out.append(absolutise_links(line, page_url))
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
