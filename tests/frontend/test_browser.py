"""End to end in Debian's Chromium (driven by Playwright) against the live server and
a real Celery worker: upload and watch, profile and source, ask, review, strangers.

Each test leaves a screenshot in test-output/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from records.models import Document, Finding, Review
from tests.records.factories import text_pdf

from .conftest import CORE_BIOPSY, EXCISION, PASSWORD, read_now

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="/usr/bin/chromium is missing: run scripts/install_browser.sh"),
]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless; a plain launch gives it a new temporary profile."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Session:
    """One signed-in person in their own browser context (own cookies)."""

    def __init__(self, context_factory, base_url: str, email: str, viewport=None):
        self.context = context_factory(viewport or {"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.base = base_url
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.goto(self.base + "/accounts/login/")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))

    def go(self, path: str):
        return self.page.goto(self.base + path)

    def shot(self, name: str) -> Path:
        OUTPUT.mkdir(exist_ok=True)
        path = OUTPUT / name
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def shot_of(self, selector: str, name: str) -> Path:
        OUTPUT.mkdir(exist_ok=True)
        path = OUTPUT / name
        self.page.locator(selector).screenshot(path=str(path))
        return path

    def close(self):
        assert not self.errors, f"script errors on the page: {self.errors}"
        self.context.close()


@pytest.fixture
def sign_in(browser, live_server, transactional_db):
    sessions: list[Session] = []

    def open_as(person, viewport=None) -> Session:
        session = Session(lambda vp: browser.new_context(viewport=vp), live_server.url,
                          person.user.email, viewport)
        sessions.append(session)
        return session

    yield open_as
    for session in sessions:
        session.close()


def test_patient_uploads_watches_and_sees_the_source(sign_in, people, worker):
    alice = sign_in(people.alice)
    page = alice.page
    alice.go("/")
    pdf = text_pdf([CORE_BIOPSY.decode().splitlines()])
    page.set_input_files("#file", files=[
        {"name": "core-biopsy.pdf", "mimeType": "application/pdf", "buffer": pdf},
        {"name": "excision.txt", "mimeType": "text/plain", "buffer": EXCISION},
    ])
    page.get_by_role("button", name="Upload").click()
    page.wait_for_selector("#progress-box:not([hidden])")
    page.wait_for_function("document.querySelectorAll('#doc-list li.doc-row').length >= 2")
    # A third file dropped on the drop zone.
    page.evaluate("""() => {
        const dt = new DataTransfer();
        dt.items.add(new File(["SURGICAL PATHOLOGY REPORT\\nKi-67: 30%.\\n"], "dropped.txt",
                              {type: "text/plain"}));
        document.getElementById('dropzone').dispatchEvent(
            new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
    }""")
    page.wait_for_function("document.querySelectorAll('#doc-list li.doc-row').length >= 3")
    assert page.locator("#upload-progress").get_attribute("value") == "100"
    # htmx polls each row until it is final.
    page.wait_for_function(
        "[...document.querySelectorAll('#doc-list li.doc-row')]"
        ".every(li => ['done', 'failed'].includes(li.dataset.status))", timeout=120_000)
    assert page.locator("#doc-list li[data-status=done]").count() == 3, page.inner_text("#doc-list")
    assert Document.objects.filter(patient=people.alice, status="done").count() == 3
    alice.shot("patient-upload-three-documents-done.png")

    alice.go("/profile/")
    page.locator("#field-pr_status a.value").first.click()
    mark = page.locator("#source-panel mark")
    mark.wait_for()
    pr = Finding.objects.filter(document__patient=people.alice, field="pr_status").first()
    assert mark.inner_text().strip().lower().startswith(pr.text.strip().lower()[:8])
    assert "page 1" in page.inner_text("#source-panel")
    alice.shot("patient-profile-value-source-highlighted.png")


def test_profile_on_a_phone(sign_in, people):
    from pathlib import Path as _Path

    import records

    note = (_Path(records.__file__).parent / "demo" / "clinic_note.txt").read_bytes()
    read_now(people.alice, "clinic_note.txt", note)
    read_now(people.alice, "core-biopsy.txt", CORE_BIOPSY)
    desktop = sign_in(people.alice)
    desktop.go("/profile/")
    desktop.shot_of("section:has(#timeline-heading)", "patient-profile-timeline-chart-desktop.png")
    alice = sign_in(people.alice, viewport={"width": 390, "height": 844})
    page = alice.page
    alice.go("/profile/")
    assert page.locator("svg.timeline").count() == 1
    assert page.locator("svg.timeline g.change title").first.text_content().endswith(
        "Reason: neutropenia (grade 3)")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    page.locator("#field-er_status a.value").first.click()
    page.locator("#source-panel mark").wait_for()
    alice.shot("patient-profile-phone-390px.png")
    alice.go("/")
    alice.shot("patient-home-phone-390px.png")


def test_patient_asks_and_opens_a_citation(sign_in, people):
    from guidelines.index_store import get_index

    get_index()  # on a clean clone this builds the index here, not inside the page request
    read_now(people.alice, "core-biopsy.txt", CORE_BIOPSY)
    alice = sign_in(people.alice)
    page = alice.page
    alice.go("/ask/")
    page.get_by_role("textbox", name="Your question").fill("What does HER2-low mean for my treatment?")
    # The first answer may build the guidelines index (minutes on 2 cores).
    with page.expect_navigation(timeout=600_000):
        page.get_by_role("button", name="Ask").click(no_wait_after=True)
    try:
        page.locator(".answer-card .answer").wait_for(timeout=5_000)
    finally:
        alice.shot("patient-ask-answer.png")
    assert "It is not medical advice" in page.inner_text("body")
    cite = page.locator(".answer-card a.cite").first
    target = cite.get_attribute("data-cite")
    cite.click()
    details = page.locator(f"#{target}")
    assert details.get_attribute("open") is not None
    link = details.locator("a").first
    href = link.get_attribute("href")
    assert href.startswith(("https://", "/findings/")), href
    assert details.locator("blockquote").inner_text().strip()
    alice.shot("patient-ask-citation-open.png")


def test_clinician_corrects_and_patient_sees_it(sign_in, people):
    read_now(people.alice, "core-biopsy.txt", CORE_BIOPSY)
    read_now(people.alice, "excision.txt", EXCISION)
    negative = Finding.objects.get(document__patient=people.alice, field="er_status",
                                   assertion="present", value="negative")
    bob = sign_in(people.bob)
    page = bob.page
    bob.go("/clinician/")
    assert "Alice" in page.inner_text("table.patients")
    bob.shot("clinician-my-patients.png")
    bob.go("/review/")
    page.get_by_role("link", name="Start reviewing").click()
    page.wait_for_url(re.compile(r"/review/\d+/"))
    first = page.url
    page.keyboard.press("j")
    page.wait_for_url(lambda url: url != first)
    page.keyboard.press("k")
    page.wait_for_url(first)

    bob.go(f"/review/{negative.pk}/")
    assert page.locator("mark").inner_text() == negative.text
    page.keyboard.press("c")
    assert page.evaluate("document.activeElement.id") == "correct-value"
    page.keyboard.type("positive")
    page.get_by_label("Why", exact=True).fill("Excision ER stain failed; core result stands")
    bob.shot("clinician-review-screen.png")
    page.get_by_role("button", name="Save correction").click()
    page.wait_for_selector(".msg-success")
    assert "Corrected" in page.inner_text(".messages")
    # The next item opened; "a" accepts it.
    accepted_url = page.url
    page.keyboard.press("a")
    page.wait_for_url(lambda url: url != accepted_url)
    assert "Accepted" in page.inner_text(".messages")
    assert Review.objects.filter(reviewer=people.bob.user, action="accept").count() == 1
    bob.go("/review/stats/")
    assert "Estrogen receptor (ER)" in page.inner_text("table.stats")
    bob.shot("clinician-review-statistics.png")

    alice = sign_in(people.alice)
    alice.go("/profile/")
    er = alice.page.locator("#field-er_status")
    assert "Corrected by a clinician" in er.inner_text()
    assert "positive" in er.locator("a.value").inner_text()
    assert alice.page.locator("#conflict-title").count() == 0
    alice.shot("patient-profile-after-clinician-correction.png")


def test_stranger_gets_404(sign_in, browser, live_server, people):
    core = read_now(people.alice, "core-biopsy.txt", CORE_BIOPSY)
    anonymous = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = anonymous.new_page()
        page.goto(f"{live_server.url}/documents/{core.pk}/")
        assert "/accounts/login/?next=" in page.url
        assert page.get_by_label("Email").is_visible()
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "anonymous-sent-to-sign-in.png"), full_page=True)
    finally:
        anonymous.close()
    value = Finding.objects.filter(document=core, assertion="present").first()
    charlie = sign_in(people.charlie)
    response = charlie.go(f"/findings/{value.pk}/")
    assert response.status == 404
    assert "can't find that page" in charlie.page.inner_text("h1")
    response = charlie.go(f"/documents/{core.pk}/")
    assert response.status == 404
    charlie.shot("stranger-404-on-document.png")
