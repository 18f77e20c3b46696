"""The unit every extractor returns: one clinical value with its provenance."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ASSERTIONS = ("present", "negated", "possible", "historical", "family", "hypothetical")


@dataclass
class Finding:
    """One extracted value.

    `start`/`end` are offsets into the text the extractor was given (a page's text
    when `page` is set), and `text` is exactly `source[start:end]`.
    `attributes` carries field-specific detail that is not the normalised value,
    e.g. {"percent": 95, "intensity": "strong", "allred": 8} for ER.
    """

    field: str
    value: Any
    text: str
    start: int
    end: int
    page: int | None = None
    section: str | None = None
    assertion: str = "present"
    confidence: float = 0.9
    derived: bool = False
    attributes: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not data["attributes"]:
            data.pop("attributes")
        return data

    def shifted(self, offset: int) -> Finding:
        """The same finding with offsets moved by `offset` characters."""
        data = asdict(self)
        data["start"] += offset
        data["end"] += offset
        return Finding(**data)
