"""`python -m nlp extract`: documents in, one JSON object per document out (SPEC §1).

Input is JSON Lines on stdin ({"id": ..., "text": ...} per line) or file arguments
(.txt as text; .pdf and images through records.textextract). A document that cannot be
read gets {"id": ..., "error": "..."} and the rest still come out; the exit status is 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

PAGED_SUFFIXES = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"})


def _read_pages(path: Path) -> list[str]:
    # Imported here: OCR and PDF libraries are heavy and only needed for such files.
    from records.textextract import extract_pages

    pages = sorted(extract_pages(str(path)), key=lambda p: p.number)
    return [p.text or "" for p in pages]


def _file_record(path_arg: str) -> dict[str, Any]:
    from nlp.pipeline import extract_document

    path = Path(path_arg)
    try:
        if not path.is_file():
            return {"id": path_arg, "error": f"no such file: {path_arg}"}
        if path.suffix.lower() in PAGED_SUFFIXES:
            pages = _read_pages(path)
            return extract_document("\n".join(pages), pages=pages, doc_id=path_arg)
        text = path.read_bytes().decode("utf-8")
        return extract_document(text, doc_id=path_arg)
    except UnicodeDecodeError:
        return {"id": path_arg, "error": "not a UTF-8 text file"}
    except ImportError as exc:
        return {"id": path_arg, "error": f"cannot read {path.suffix} files here: {exc}"}
    except Exception as exc:  # one bad document must not stop the others
        return {"id": path_arg, "error": f"{type(exc).__name__}: {exc}"}


def _line_record(line: str, number: int) -> dict[str, Any]:
    from nlp.pipeline import extract_document

    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"line {number}: invalid JSON: {exc.msg}"}
    if not isinstance(obj, dict):
        return {"id": None, "error": f"line {number}: expected a JSON object"}
    doc_id = obj.get("id")
    text = obj.get("text")
    if not isinstance(text, str):
        return {"id": doc_id, "error": f"line {number}: missing \"text\" string"}
    try:
        return extract_document(text, doc_id=doc_id)
    except Exception as exc:
        return {"id": doc_id, "error": f"{type(exc).__name__}: {exc}"}


def records(files: Iterable[str], stdin: TextIO) -> Iterator[dict[str, Any]]:
    files = list(files)
    if files:
        for path in files:
            yield _file_record(path)
        return
    for number, line in enumerate(stdin, start=1):
        if line.strip():
            yield _line_record(line, number)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlp", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ext = sub.add_parser("extract", help="extract findings and a summary from documents")
    ext.add_argument("files", nargs="*", help=".txt, .pdf or image files (default: JSON Lines on stdin)")
    args = parser.parse_args(argv)

    out = sys.stdout
    for record in records(args.files, sys.stdin):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return 0
