"""Breast-cancer drugs: names, class, the setting they are used in, and the NCI drug
page that backs each row. Answers quote the page; the table only chooses rows."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from guidelines.answer.extractive import clean, is_unsafe
from guidelines.types import Passage
from nlp.drugs import DrugInfo, normalize_drug


@dataclass(frozen=True)
class DrugRow:
    drug: DrugInfo
    settings: tuple[str, ...]  # subtypes or biomarkers the row is relevant to
    passages: tuple[Passage, ...]  # the NCI drug page's passages

    @property
    def use_sentence(self) -> tuple[str, Passage] | None:
        """"X is approved to treat: <first use>" joined from the page's list."""
        for passage in self.passages:
            sentences = [clean(s) for s in passage.sentences]
            for i, sentence in enumerate(sentences):
                if "approved to" in sentence.lower() and not is_unsafe(sentence):
                    if sentence.endswith(":"):
                        # The page lists uses; quote the intro with the breast-cancer item.
                        items = sentences[i + 1 : i + 12]
                        item = next((x for x in items if "breast" in x.lower() and not x.endswith(":")), None)
                        if item is None:
                            continue
                        sentence = f"{sentence} {item.rstrip('.')}"
                    elif "breast" not in sentence.lower():
                        continue
                    return sentence.rstrip(".") + ".", passage
        return None

    @property
    def how_sentence(self) -> tuple[str, Passage] | None:
        for passage in self.passages:
            for sentence in passage.sentences:
                text = clean(sentence)
                if " works by " in text or text.lower().startswith(self.drug.name.split()[0].lower()) and " blocks " in text:
                    return text, passage
        return None


# Which rows matter for whom. Settings name subtypes (as nlp.subtype spells them) or
# biomarkers; rows are chosen from here, their wording comes from NCI's pages.
SETTINGS: dict[str, tuple[str, ...]] = {
    "palbociclib": ("HR+/HER2-",), "ribociclib": ("HR+/HER2-",), "abemaciclib": ("HR+/HER2-",),
    "letrozole": ("HR+/HER2-", "HR+/HER2+"), "anastrozole": ("HR+/HER2-", "HR+/HER2+"),
    "exemestane": ("HR+/HER2-", "HR+/HER2+"), "tamoxifen": ("HR+/HER2-", "HR+/HER2+"),
    "fulvestrant": ("HR+/HER2-", "HR+/HER2+"), "elacestrant": ("ESR1",),
    "alpelisib": ("PIK3CA",), "capivasertib": ("PIK3CA",), "inavolisib": ("PIK3CA",),
    "everolimus": ("HR+/HER2-",),
    "trastuzumab": ("HER2+",), "pertuzumab": ("HER2+",), "ado-trastuzumab emtansine": ("HER2+",),
    "trastuzumab deruxtecan": ("HER2+", "HER2-low"), "tucatinib": ("HER2+",), "neratinib": ("HER2+",),
    "lapatinib": ("HER2+",),
    "sacituzumab govitecan": ("triple-negative", "HR+/HER2-"), "datopotamab deruxtecan": ("HR+/HER2-",),
    "pembrolizumab": ("triple-negative",), "olaparib": ("BRCA",), "talazoparib": ("BRCA",),
    "capecitabine": ("triple-negative", "HR+/HER2-", "HER2+"), "eribulin": ("triple-negative", "HR+/HER2-"),
}


def _drug_pages(index) -> dict[str, list[Passage]]:
    pages: dict[str, list[Passage]] = {}
    for passage in index.passages:
        if "drug_summaries/" not in passage.file:
            continue
        title = passage.title.lower().replace(" - nci", "")
        pages.setdefault(title, []).append(passage)
    return pages


@lru_cache(maxsize=1)
def table() -> tuple[DrugRow, ...]:
    from guidelines.index_store import get_index

    pages = _drug_pages(get_index())
    rows = []
    for generic, settings in SETTINGS.items():
        info = normalize_drug(generic)
        if info is None:
            continue
        # NCI titles some pages with prefixes and suffixes ("Fam-Trastuzumab
        # Deruxtecan-nxki"); combination pages ("... and ...") are other rows.
        name = info.name.lower()
        candidates = [(title, ps) for title, ps in pages.items()
                      if name in title and not any(o in title for o in (" and ", "hyaluronidase"))]
        passages = min(candidates, key=lambda c: len(c[0]))[1] if candidates else None
        if passages:
            rows.append(DrugRow(info, settings, tuple(passages)))
    return tuple(rows)


def row_for(name: str) -> DrugRow | None:
    info = normalize_drug(name)
    if info is None:
        return None
    return next((r for r in table() if r.drug.name == info.name), None)


def rows_for(subtype: str | None, biomarkers: set[str], limit: int = 6) -> list[DrugRow]:
    """Rows relevant to a subtype and to biomarkers (ESR1, PIK3CA, BRCA, HER2-low),
    biomarker-specific rows first."""
    specific = [r for r in table() if set(r.settings) & biomarkers]
    general = [r for r in table() if subtype in r.settings and r not in specific]
    return (specific + general)[:limit]
