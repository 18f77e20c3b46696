"""Plain data carried between corpus loading, chunking, indexing and retrieval."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class PageMeta:
    """One manifest row: a source page and what a citation needs."""

    corpus: str  # folder name of the corpus
    file: str  # path relative to the corpus folder
    url: str
    title: str
    updated: str  # ISO date (YYYY-MM-DD), "" when the source gives none
    publisher: str


@dataclass(frozen=True)
class Passage:
    id: str
    corpus: str
    file: str
    title: str
    url: str  # page URL, with #anchor when the section has one
    page_url: str  # page URL without anchor: the unit retrieval is judged on
    updated: str
    publisher: str
    heading_path: tuple[str, ...]
    text: str
    sentences: tuple[str, ...] = field(default=())

    @property
    def citation(self) -> str:
        updated = f", updated {self.updated}" if self.updated else ""
        return f"{self.publisher}, {self.title}, {self.url}{updated}"

    def to_json(self) -> dict:
        data = asdict(self)
        data["heading_path"] = list(self.heading_path)
        data["sentences"] = list(self.sentences)
        return data

    @classmethod
    def from_json(cls, data: dict) -> Passage:
        return cls(
            **{
                **data,
                "heading_path": tuple(data["heading_path"]),
                "sentences": tuple(data["sentences"]),
            }
        )


@dataclass(frozen=True)
class ScoredPassage:
    passage: Passage
    score: float  # fused score; comparable only within one result list
    lexical_rank: int | None = None  # 1-based; None when outside that ranker's pool
    semantic_rank: int | None = None
