import pytest

from records import filetypes
from tests.records import factories


@pytest.mark.parametrize(
    "head, expected",
    [
        (b"%PDF-1.7\n...", filetypes.PDF),
        (b"\n\r %PDF-1.4\n", filetypes.PDF),
        (b"\x89PNG\r\n\x1a\n....", filetypes.PNG),
        (b"\xff\xd8\xff\xe0....", filetypes.JPEG),
        (b"II*\x00....", filetypes.TIFF),
        (b"MM\x00*....", filetypes.TIFF),
        ("ER: positive (95%)\nHER2: 1+ — negative\n".encode(), filetypes.TEXT),
        ("Récepteurs: positif".encode("cp1252"), filetypes.TEXT),
    ],
)
def test_accepted_types_are_recognised_by_content(head, expected):
    assert filetypes.sniff(head).media_type == expected


@pytest.mark.parametrize(
    "head, words",
    [
        (b"", "empty"),
        (factories.WINDOWS_EXE, "Windows program"),
        (b"PK\x03\x04\x14\x00", "ZIP"),
        (b"<!DOCTYPE html><html><script>alert(1)</script>", "web page"),
        (b"<script>fetch('x')</script>", "web page"),
        (b"GARBAGE\x00\x01\x02%PDF-1.4", "PDF hidden"),
        (b"\x00\x01\x02\x03binary", "binary"),
        (b"junk before %PDF-1.4\n", "PDF hidden"),
    ],
)
def test_refused_types_are_described_in_words(head, words):
    sniffed = filetypes.sniff(head)
    assert sniffed.media_type is None
    assert words.lower() in sniffed.description.lower()


def test_utf8_character_cut_at_sample_end_is_still_text():
    sample = ("a" * 8190 + "é").encode()[:8191]
    assert filetypes.sniff(sample).media_type == filetypes.TEXT
