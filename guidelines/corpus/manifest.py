"""Reading a corpus: a folder holding Markdown pages and a MANIFEST.tsv.

MANIFEST.tsv columns used: file, cancer_gov_url (or url), title, pdq_latest_update,
scraped_lastReviewed. An optional corpus.json beside it may set "id_prefix",
"publisher" and "base_url"; otherwise they are derived, so a new corpus needs no code.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from guidelines.types import PageMeta

logger = logging.getLogger(__name__)

CORPORA_ROOT = Path(__file__).resolve().parent
MANIFEST_NAME = "MANIFEST.tsv"
_TITLE_SUFFIX = re.compile(r"\s+-\s+NCI\s*$")


@dataclass(frozen=True)
class Corpus:
    name: str
    root: Path
    id_prefix: str
    publisher: str
    base_url: str
    pages: tuple[PageMeta, ...]


def discover_corpora(root: Path = CORPORA_ROOT) -> list[Path]:
    """Every direct sub-folder of `root` that has a manifest, in name order."""
    return sorted(p.parent for p in root.glob(f"*/{MANIFEST_NAME}"))


def normalise_date(raw: str) -> str:
    raw = (raw or "").strip().strip("'\"")
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(raw, fmt).date().isoformat()
        except ValueError:
            continue
    return ""


def _clean_title(title: str) -> str:
    # " - NCI" is the site's tab suffix, not part of the page's name.
    return _TITLE_SUFFIX.sub("", title.strip())


def load_corpus(folder: Path) -> Corpus:
    folder = Path(folder)
    config = {}
    if (folder / "corpus.json").exists():
        config = json.loads((folder / "corpus.json").read_text(encoding="utf-8"))
    name = folder.name
    publisher = config.get("publisher", name)
    pages: list[PageMeta] = []
    with (folder / MANIFEST_NAME).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            url = (row.get("cancer_gov_url") or row.get("url") or "").strip()
            if not url:
                # A page without a source URL cannot be cited, so it is not served.
                logger.info("corpus %s: skipping %s (no source URL)", name, row["file"])
                continue
            updated = normalise_date(row.get("pdq_latest_update", "")) or normalise_date(
                row.get("scraped_lastReviewed", "")
            )
            pages.append(
                PageMeta(
                    corpus=name,
                    file=row["file"],
                    url=url,
                    title=_clean_title(row.get("title", "")) or row["file"],
                    updated=updated,
                    publisher=publisher,
                )
            )
    base_url = config.get("base_url")
    if not base_url and pages:
        parts = urlsplit(pages[0].url)
        base_url = f"{parts.scheme}://{parts.netloc}"
    return Corpus(
        name=name,
        root=folder,
        id_prefix=config.get("id_prefix", name.split("_")[0]),
        publisher=publisher,
        base_url=base_url or "",
        pages=tuple(pages),
    )
