"""Compliance downloads a person's training record from their evidence page, and checks the
audit chain from the audit log: by keyboard alone, at desktop and phone widths, with JavaScript
and without where it makes a difference. Each page is checked with axe and photographed."""

import json
import re
import shutil
import subprocess

import pytest

from .support import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from courses.certification.services import completion_certify  # noqa: E402
from courses.models import AuditEntry, Module  # noqa: E402

from .keyboard import follow, log_in, press  # noqa: E402
from .support import DESKTOP, PHONE, SCREENSHOTS, complete_module  # noqa: E402
from .test_accessibility import FAILING_IMPACTS, describe, run_axe  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

MODULE = "do-not-call-lists"
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture
def certified(curriculum, riley, casey):
    module = Module.objects.get(slug=MODULE)
    record = complete_module(riley, module)
    completion_certify(officer=casey, record=record, note="All in order.")
    return record


def fits_and_is_accessible(page: Page, name: str, width: str, axe: bool = True) -> None:
    """No sideways scrolling, axe clean (axe needs JavaScript), and a picture of the page."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name} scrolls sideways at {width}: {widths}"
    if axe:
        failing = [v for v in run_axe(page) if v["impact"] in FAILING_IMPACTS]
        assert not failing, "\n".join(describe(name, width, v) for v in failing)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_officer_downloads_a_record_as_json_and_pdf(
    live_server, certified, casey, open_page, width, tmp_path
):
    page = open_page(viewport=WIDTHS[width])
    log_in(page, live_server.url, "casey", lands_on="Compliance")
    page.goto(f"{live_server.url}/compliance/records/{certified.pk}/")
    section = page.get_by_role("region", name="Training record")
    expect(section).to_contain_text("Each download is written to the audit log.")
    fits_and_is_accessible(page, "compliance-record-export", width)

    with page.expect_download() as download:
        press(page, section.get_by_role("button", name="Download record (JSON)"))
    assert download.value.suggested_filename.startswith("training-record-riley-")
    saved = tmp_path / "record.json"
    download.value.save_as(saved)
    data = json.loads(saved.read_text())
    assert data["person"]["name"] == "Riley Parker"
    assert [c["module"] for c in data["completions"]] == [MODULE]
    assert data["certificates"][0]["status"] == "valid"

    with page.expect_download() as download:
        press(page, section.get_by_role("button", name="Download record (PDF)"))
    assert download.value.suggested_filename.endswith(".pdf")
    pdf = SCREENSHOTS / f"training-record-{width}.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", "-singlefile", pdf.name, pdf.stem],
            cwd=SCREENSHOTS,
            check=True,
        )

    # Still on the evidence page; both downloads are in the audit log.
    expect(page.get_by_role("heading", level=1)).to_contain_text(certified.module.title)
    exports = AuditEntry.objects.filter(action=AuditEntry.Action.RECORD_EXPORTED)
    assert sorted(e.details["format"] for e in exports) == ["JSON", "PDF"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_officer_checks_the_audit_chain(live_server, certified, casey, open_page, js, width):
    entries = AuditEntry.objects.count()
    page = open_page(js=js, viewport=WIDTHS[width])
    log_in(page, live_server.url, "casey", lands_on="Compliance")
    page.goto(f"{live_server.url}/compliance/audit/")
    button = page.get_by_role("button", name="Verify the chain")
    if js:
        press(page, button)
        status = page.locator("#chain-status")
        expect(status).to_contain_text(f"Chain verified: {entries} entries")
        expect(page).to_have_url(f"{live_server.url}/compliance/audit/")
        fits_and_is_accessible(page, "compliance-audit-chain-in-place", width)
        # The check's own page, as it is without JavaScript, is accessible too.
        page.goto(f"{live_server.url}/compliance/audit/verify/")
        fits_and_is_accessible(page, "compliance-audit-chain-page", width)
    else:
        follow(page, button)
        expect(page).to_have_url(re.compile(r"/compliance/audit/verify/\??$"))
        expect(page.get_by_role("status")).to_contain_text(f"Chain verified: {entries} entries")
        follow(page, page.get_by_role("link", name="Back to the audit log"))
        expect(page).to_have_url(f"{live_server.url}/compliance/audit/")
        page.go_back()
        fits_and_is_accessible(page, "compliance-audit-chain-page-nojs", width, axe=False)
