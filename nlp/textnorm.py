"""Same-length text normalisation, so offsets found in the normalised text are
offsets into the original text too."""

from __future__ import annotations

# One character for one character: the normalised string must keep every offset.
_CHAR_MAP = str.maketrans(
    {
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2212": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\t": " ",
        "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'",
        "\u2265": ">", "\u2264": "<", "\u00d7": "x", "\r": "\n", "\u2022": "*",
    }
)


def normalize(text: str) -> str:
    """Map typographic variants to ASCII without changing the length."""
    out = text.translate(_CHAR_MAP)
    assert len(out) == len(text)
    return out
