"""Hostile uploads: each file of tests/fixtures/hostile (built by build.py there) goes
through the API as alice and the real task code, and must be refused with a clear
message or end `failed` with a clear reason, quickly and within a memory bound. The
original is kept, the stored name owes nothing to the uploader's, and the server
still answers /healthz afterwards."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from records import pdftext, services
from records.models import Document
from records.textextract import UnreadableDocument
from tests.security.conftest import HOSTILE_DIR

REPO = Path(__file__).resolve().parents[2]
MAX_SECONDS = 10.0  # per file, from upload to its final state (bombs take < 1 s)
MAX_RSS_GROWTH_MB = 200.0  # per file, peak resident memory while reading it
CORPUS_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Expect:
    outcome: str  # "refused" (4xx at upload), "failed" (kept, then failed) or "read"
    says: str  # a phrase the person is shown
    status: int = 201
    media_type: str | None = None


HOSTILE = {
    "empty.pdf": Expect("refused", "is empty (0 bytes)", 400),
    "truncated.pdf": Expect("failed", "damaged or incomplete"),
    "encrypted.pdf": Expect("failed", "password-protected"),
    "flate-bomb.pdf": Expect("failed", "decompression bomb"),
    "page-bomb-shared.pdf": Expect("failed", "has 5000 pages; OncoLens reads documents of "
                                             "up to 200 pages"),
    "page-tree-bomb.pdf": Expect("failed", "has more than 200 pages"),
    "huge-page.pdf": Expect("failed", "200 × 200 inches, too large to read"),
    "huge-image-in.pdf": Expect("failed", "image of 100000 × 100000 pixels, too large"),
    "deep-nesting.pdf": Expect("failed", "damaged or incomplete"),
    "polyglot-pdf-zip.pdf": Expect("refused", "ZIP archive hidden in it", 415),
    "html-as.pdf": Expect("refused", "web page or script", 415),
    "html-bom-as.pdf": Expect("refused", "web page or script", 415),
    "huge-dimensions.png": Expect("failed", "too large to read safely"),
    "huge-second-frame.tif": Expect("failed", "too large to read safely"),
    "many-frames.tif": Expect("failed", "more than 200 pages"),
    # A PNG named .pdf is fine: OncoLens goes by content, never by name.
    "png-named.pdf": Expect("read", "", media_type="image/png"),
}

pytestmark = pytest.mark.django_db


def test_the_corpus_is_built_and_small():
    files = {p.name for p in HOSTILE_DIR.iterdir()
             if p.suffix in (".pdf", ".png", ".tif")}
    assert files == set(HOSTILE), "run tests/fixtures/hostile/build.py; update HOSTILE"
    total = sum((HOSTILE_DIR / n).stat().st_size for n in files)
    assert total < CORPUS_MAX_BYTES


@pytest.fixture
def alice_api(people):
    from tests.people import client_for

    return client_for(people.alice.user)


@pytest.fixture
def no_findings_step(monkeypatch):
    """The NLP step after the text is read is not what is tested here (and loads
    models for seconds): a file that reads fine stops at text_ready."""
    monkeypatch.setattr(services, "after_text_ready", lambda document_id: None)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_upload(name, alice_api, people, eager_tasks, no_findings_step, hostile_table):
    expect = HOSTILE[name]
    data = (HOSTILE_DIR / name).read_bytes()
    started = time.monotonic()
    with eager_tasks(execute=True):
        response = alice_api.post(
            "/api/documents/", {"file": SimpleUploadedFile(name, data)}, format="multipart")
    seconds = time.monotonic() - started
    body = response.json()
    assert response.status_code == expect.status, body

    if expect.outcome == "refused":
        assert expect.says in body["detail"], body
        assert body["rejected"][0]["filename"] == name
        assert not Document.objects.filter(patient=people.alice).exists()
        hostile_table.add(name, f"refused {response.status_code}", body["detail"], seconds)
    else:
        doc = Document.objects.get(pk=body["documents"][0]["id"])
        if expect.outcome == "failed":
            assert doc.status == Document.Status.FAILED, (doc.status, doc.error)
            assert expect.says in doc.error, doc.error
            assert doc.runs.filter(task_name="extract_text", outcome="failed",
                                   message=doc.error).exists()
        else:
            assert doc.status in (Document.Status.TEXT_READY, Document.Status.DONE), doc.error
            assert "POSITIVE" in doc.pages.get(number=1).text.upper()
        if expect.media_type:
            assert doc.media_type == expect.media_type
        _assert_original_kept_under_a_content_name(doc, data)
        hostile_table.add(name, doc.status, doc.error or f"{doc.page_count} page(s) read",
                          seconds)
    assert seconds < MAX_SECONDS, f"{name} took {seconds:.1f} s"
    assert alice_api.get("/healthz").json() == {"status": "ok"}


def _assert_original_kept_under_a_content_name(doc: Document, data: bytes) -> None:
    digest = hashlib.sha256(data).hexdigest()
    assert doc.sha256 == digest
    stored = Path(doc.original.name)
    extension = {"application/pdf": "pdf", "image/png": "png", "image/tiff": "tif",
                 "text/plain": "txt", "image/jpeg": "jpg"}[doc.media_type]
    assert stored.name == f"{digest}.{extension}", stored
    assert ".." not in stored.parts and not stored.is_absolute()
    path = Path(doc.original.path).resolve()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    with doc.original.open("rb") as fh:
        assert fh.read() == data  # the original, byte for byte (decrypted if stored so)


# ------------------------------------------------------------------ hostile names

def _multipart(filename_header: bytes, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (b"--" + boundary.encode() + b"\r\n"
            b"Content-Disposition: form-data; name=\"file\"; " + filename_header + b"\r\n"
            b"Content-Type: application/pdf\r\n\r\n" + data + b"\r\n"
            b"--" + boundary.encode() + b"--\r\n")
    return body, f"multipart/form-data; boundary={boundary}"


def _quoted(name: str) -> bytes:
    return b'filename="' + name.encode("utf-8") + b'"'


def _rfc5987(name: str) -> bytes:
    from urllib.parse import quote

    return b"filename*=UTF-8''" + quote(name, safe="").encode()


# (how the name is sent, a label) -> the raw header parameter. The test client
# would clean these names itself, so the multipart body is written by hand.
NAMES = {
    "traversal": _quoted("../../etc/passwd.pdf"),
    "absolute": _quoted("/etc/cron.d/evil.pdf"),
    "windows-traversal": _quoted("..\\..\\Windows\\win.ini.pdf"),
    "unicode": _quoted("résumé 📄.pdf"),
    "very-long": _quoted("a" * 300 + ".pdf"),
    "extremely-long": _quoted("a" * 5000 + ".pdf"),
    "nul": b'filename="nul\x00byte.pdf"',
    "slashes": _quoted("dir/sub/name.pdf"),
    "crlf-encoded": _rfc5987("crlf\r\nX-Injected: 1.pdf"),
    "traversal-encoded": _rfc5987("../../../../tmp/owned.pdf"),
    "quote": _quoted('q"uote.pdf'),
    "dots-only": _quoted(".."),
    "empty": _quoted(""),
}


@pytest.mark.parametrize("label", sorted(NAMES))
def test_hostile_file_names(label, alice_api, people, hostile_table):
    data = f"Pathology report for upload {label}: ER positive.".encode()
    body, content_type = _multipart(NAMES[label], data)
    response = alice_api.generic("POST", "/api/documents/", body, content_type=content_type)
    if label == "extremely-long":  # Django refuses headers over 1 KB before any view
        assert response.status_code == 400, response.json()
        assert "header size" in response.json()["detail"]
        assert not Document.objects.exists()
        hostile_table.add(f"name: {label}", "refused 400", response.json()["detail"], 0)
        return
    if response.status_code == 400:  # a name that cleans to nothing: no file at all
        assert label in ("dots-only", "empty"), response.json()
        assert "Choose at least one file" in json.dumps(response.json())
        assert not Document.objects.exists()
        hostile_table.add(f"name: {label}", "refused 400", response.json()["file"], 0)
        return
    assert response.status_code == 201, response.json()
    doc = Document.objects.get(pk=response.json()["documents"][0]["id"])
    _assert_original_kept_under_a_content_name(doc, data)
    shown = doc.original_name
    assert not {"/", "\\", "\x00", "\r", "\n"} & set(shown), repr(shown)
    assert len(shown) <= 255
    if label == "very-long":
        assert len(shown) == 255 and shown.endswith(".pdf")  # cut, keeping the extension
    assert shown not in ("", ".", "..")
    # The download names the file after the cleaned name, in one safe header.
    download = alice_api.get(f"/api/documents/{doc.pk}/file")
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition and "\n" not in disposition and "\x00" not in disposition
    assert b"".join(download.streaming_content) == data
    hostile_table.add(f"name: {label}", "accepted", f"shown as {shown[:40]!r}, stored as "
                      f"{Path(doc.original.name).name[:12]}….txt", 0)


# ------------------------------------------------------------------ bounds

def test_reading_each_hostile_file_stays_within_time_and_memory():
    """Each file is read in a forked child of a process that imported the readers:
    getrusage gives the child's peak resident memory, which must stay small even for
    a stream that would inflate to 512 MB or a page that would render to 3.6 GP."""
    files = [str(HOSTILE_DIR / n) for n in sorted(HOSTILE)]
    env = {**os.environ, "UPLOAD_MAX_PAGES": str(settings.UPLOAD_MAX_PAGES)}
    run = subprocess.run([sys.executable, "-m", "tests.security.measure_extraction", *files],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    reports = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["name"] for r in reports] == sorted(HOSTILE)
    for r in reports:
        assert r["outcome"] in ("unreadable", "read"), r
        assert r["seconds"] < MAX_SECONDS, r
        assert r["rss_growth_mb"] < MAX_RSS_GROWTH_MB, r
        if HOSTILE[r["name"]].outcome == "failed":
            assert r["outcome"] == "unreadable" and HOSTILE[r["name"]].says in r["reason"], r


def test_the_measure_sees_a_real_allocation(tmp_path):
    """The bound above can fail: a reader that holds 300 MB is reported as such."""
    script = tmp_path / "alloc.py"
    script.write_text(
        "import sys, json\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "import tests.security.measure_extraction as m\n"
        "import records.textextract as t\n"
        "def hog(data, *a, **k):\n"
        "    block = bytearray(300 * 1024 * 1024)\n"
        "    block[::4096] = b'x' * len(block[::4096])\n"
        "    raise t.UnreadableDocument('held 300 MB')\n"
        "t.extract_pages = hog\n"
        "print(json.dumps(m.measure(m.Path(sys.argv[1]), 200)))\n")
    run = subprocess.run([sys.executable, str(script), str(HOSTILE_DIR / "truncated.pdf")],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    report = json.loads(run.stdout.splitlines()[-1])
    assert report["rss_growth_mb"] > MAX_RSS_GROWTH_MB, report


def test_the_worker_path_runs_under_time_and_memory_limits():
    """Extraction runs in Celery tasks with soft and hard time limits from settings
    (a soft limit marks the document failed with a reason), and worker children are
    recycled past a memory ceiling."""
    from records.tasks import extract_findings, extract_text

    for task in (extract_text, extract_findings):
        assert task.soft_time_limit == settings.TASK_SOFT_TIME_LIMIT
        assert task.time_limit == settings.TASK_TIME_LIMIT
        assert task.soft_time_limit < task.time_limit
    assert 0 < settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD <= 4_000_000  # KB


def test_a_soft_time_limit_ends_failed_with_a_reason(people, eager_tasks, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "extract_pages", too_slow)
    with eager_tasks(execute=True):
        result = services.ingest_upload(
            patient=people.alice, uploaded_by=people.alice.user,
            uploaded=SimpleUploadedFile("slow.txt", b"ER positive, slow to read"))
    doc = Document.objects.get(pk=result.document.pk)
    assert doc.status == Document.Status.FAILED
    assert doc.error == services.TOO_SLOW


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_bombs_through_a_real_worker(people, worker):
    """The same refusals on the real path: the broker, a worker thread, the database."""
    from tests.people import client_for
    from tests.security.conftest import wait_for

    api = client_for(people.alice.user)
    for name in ("flate-bomb.pdf", "page-tree-bomb.pdf"):
        started = time.monotonic()
        response = api.post("/api/documents/", {
            "file": SimpleUploadedFile(name, (HOSTILE_DIR / name).read_bytes())},
            format="multipart")
        assert response.status_code == 201
        doc = wait_for(response.json()["documents"][0]["id"], {"failed", "done"}, timeout=30)
        assert doc.status == "failed" and HOSTILE[name].says in doc.error, doc.error
        assert time.monotonic() - started < MAX_SECONDS
    assert api.get("/healthz").status_code == 200


# ------------------------------------------------------------------ the guards, directly

def test_render_dpi_keeps_ordinary_pages_and_shrinks_or_refuses_huge_ones():
    letter = (612, 792)
    assert pdftext.render_dpi(*letter, 300) == 300
    a1 = (1684, 2384)  # 70 MP at 300 dpi: lowered, still readable
    dpi = pdftext.render_dpi(*a1, 300)
    assert pdftext.MIN_OCR_DPI <= dpi < 300
    assert (a1[0] / 72 * dpi) * (a1[1] / 72 * dpi) <= pdftext.MAX_RENDER_PIXELS
    with pytest.raises(UnreadableDocument, match="too large to read as a scan"):
        pdftext.render_dpi(14400, 14400, 300)


def _load_build_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("hostile_build", HOSTILE_DIR / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_page_count_ignores_a_lying_count():
    import io

    from pypdf import PdfReader

    build = _load_build_script()
    reader = PdfReader(io.BytesIO(build.page_tree_bomb()))
    assert reader.trailer["/Root"]["/Pages"]["/Count"] == 1  # the lie
    with pytest.raises(UnreadableDocument, match="more than 200 pages"):
        pdftext.count_pages_bounded(reader, 200)
    assert pdftext.count_pages_bounded(PdfReader(io.BytesIO(build.text_pdf())), 200) == 1


def test_ordinary_documents_still_pass_the_guards():
    """The limits must not refuse real files: the project's real scanned PDFs and a
    generated multi-page report read as before."""
    from records.textextract import extract_pages
    from tests.records import factories

    pages = extract_pages(factories.report_pdf(3), "application/pdf", max_pages=200)
    assert len(pages) == 3
    scanned = REPO / "tests" / "fixtures" / "scanned-pdfs" / "kidney.pdf"
    count, _ = pdftext.check_pdf(scanned.read_bytes(), 200)
    assert count >= 1


def test_a_png_with_a_zip_appended_is_refused_too(alice_api, people):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("x.txt", "hidden")
    data = (HOSTILE_DIR / "png-named.pdf").read_bytes() + buf.getvalue()
    response = alice_api.post("/api/documents/", {
        "file": SimpleUploadedFile("scan.png", data)}, format="multipart")
    assert response.status_code == 415
    assert "ZIP archive hidden in it" in response.json()["detail"]
