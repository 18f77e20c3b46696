"""Peak memory and time of reading each file, one forked child per file.

    python -m tests.security.measure_extraction FILE...

Prints one JSON line per file: name, outcome, reason, seconds, and rss_growth_mb (the
child's peak resident memory, from getrusage, minus its resident memory when it
started). The parent imports the readers once, so each child measures the reading
alone. Children get an address-space cap and an alarm, so a regression fails here as
a MemoryError or a timeout instead of exhausting the machine. Plain Python, no Django,
like the readers themselves.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time
from pathlib import Path

ADDRESS_SPACE_HEADROOM = 3 * 1024**3  # on top of what the parent has mapped
CHILD_TIMEOUT_S = 60


def _rss_kb() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _vm_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def measure(path: Path, max_pages: int) -> dict:
    from records.filetypes import sniff
    from records.textextract import UnreadableDocument, extract_pages

    data = path.read_bytes()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child reads the file and reports
        os.close(read_fd)
        start_rss = _rss_kb()
        limit = _vm_bytes() + ADDRESS_SPACE_HEADROOM
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        signal.alarm(CHILD_TIMEOUT_S)
        started = time.monotonic()
        try:
            media_type = sniff(data[:8192]).media_type
            pages = extract_pages(data, media_type, max_pages=max_pages)
            outcome, reason = "read", f"{len(pages)} page(s)"
        except UnreadableDocument as exc:
            outcome, reason = "unreadable", str(exc)
        except BaseException as exc:  # noqa: BLE001 - any other failure is the finding
            outcome, reason = "error", f"{type(exc).__name__}: {exc}"[:300]
        seconds = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        report = {"name": path.name, "outcome": outcome, "reason": reason,
                  "seconds": round(seconds, 3),
                  "rss_growth_mb": round(max(0, peak - start_rss) / 1024, 1)}
        os.write(write_fd, json.dumps(report).encode())
        os._exit(0)
    os.close(write_fd)
    chunks = []
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        return {"name": path.name, "outcome": "crashed", "reason": f"wait status {status}",
                "seconds": None, "rss_growth_mb": None}
    return json.loads(b"".join(chunks))


def main(argv: list[str]) -> int:
    # Import the readers (and their heavy dependencies) before forking.
    import pdfplumber  # noqa: F401
    import pytesseract  # noqa: F401
    from PIL import Image  # noqa: F401

    import records.ocr  # noqa: F401
    import records.pdftext  # noqa: F401

    max_pages = int(os.environ.get("UPLOAD_MAX_PAGES", "200"))
    for name in argv:
        print(json.dumps(measure(Path(name), max_pages)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
