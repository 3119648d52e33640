"""A rep opens their certificate from My training, by keyboard alone, at desktop and phone
widths, with JavaScript and without: the QR code of its address is there, the code never
breaks inside a group, Print is offered only where it works, and the PDF downloads. Anyone can
then check the code, typed however they like, and the page names the code it checked.
"""

import re
import shutil
import subprocess

import pytest
from django.test import override_settings

from .support import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from courses.certification.services import completion_certify  # noqa: E402
from courses.models import Module  # noqa: E402

from .keyboard import follow, log_in, press, type_into  # noqa: E402
from .support import DESKTOP, PHONE, SCREENSHOTS, complete_module  # noqa: E402
from .test_accessibility import FAILING_IMPACTS, run_axe  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

MODULE = "do-not-call-lists"
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
# Counts the page's calls to window.print (the browser's print dialog never opens in a test).
COUNT_PRINTS = "window.__prints = 0; window.print = () => { window.__prints += 1; };"


@pytest.fixture
def certificate(curriculum, riley, casey):
    record = complete_module(riley, Module.objects.get(slug=MODULE))
    return completion_certify(officer=casey, record=record)


def assert_fits(page: Page, js: bool) -> None:
    """No sideways scrolling; and axe finds nothing serious (axe itself needs JavaScript: the
    page without it is the same markup, with the Print button hidden)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the page scrolls sideways"
    )
    if js:
        serious = [v["id"] for v in run_axe(page) if v["impact"] in FAILING_IMPACTS]
        assert not serious, serious


def group_lines(page: Page, selector: str) -> list[int]:
    """How many lines each code group takes (1: it did not break), at the current width."""
    return page.locator(f"{selector} .code-group").evaluate_all(
        "els => els.map(el => el.getClientRects().length)"
    )


def code_rows(page: Page, selector: str) -> int:
    """How many lines the whole code takes."""
    return page.locator(f"{selector} .code-group").evaluate_all(
        "els => new Set(els.map(el => Math.round(el.getBoundingClientRect().top))).size"
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_rep_opens_prints_and_downloads_their_certificate(
    live_server, certificate, open_page, js, width, tmp_path
):
    page = open_page(js=js, viewport=WIDTHS[width])
    page.add_init_script(COUNT_PRINTS)
    log_in(page, live_server.url, "riley")
    follow(page, page.get_by_role("link", name="Your certificate"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate of completion")
    expect(page.locator(".certificate-name")).to_have_text("Riley Parker")

    # The QR code of the verification address, named for those who cannot see it.
    address = f"https://callready.test/verify/{certificate.code}/"
    qr = page.get_by_role("img", name=f"QR code of the verification address, {address}")
    expect(qr).to_be_visible()
    expect(qr.locator("svg.qr-code path")).to_have_count(1)
    assert qr.bounding_box()["width"] >= 100

    # The code in eight groups of four, none broken across lines, at this width.
    code = page.locator(".certificate-code")
    assert code.inner_text().replace("-", "") == certificate.code
    assert group_lines(page, ".certificate-code") == [1] * 8
    if width == "phone":
        assert code_rows(page, ".certificate-code") > 1, "the code wraps, between groups"

    # Print needs JavaScript, so it is offered only with it; the PDF link works either way.
    print_button = page.get_by_role("button", name="Print")
    if js:
        expect(print_button).to_be_visible()
        press(page, print_button)
        page.wait_for_function("window.__prints === 1")
    else:
        expect(print_button).to_be_hidden()
    pdf_link = page.get_by_role("link", name="Download PDF")
    with page.expect_download() as download:
        press(page, pdf_link)
    assert download.value.suggested_filename == f"callready-certificate-{certificate.code}.pdf"
    saved = tmp_path / "certificate.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    text = PdfReader(saved).pages[0].extract_text()
    assert "Riley Parker" in text and certificate.display_code in text.replace("\n", "")

    assert_fits(page, js)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = f"certificate-rep-{'js' if js else 'nojs'}-{width}.png"
    page.screenshot(path=SCREENSHOTS / name, full_page=True)
    if js and width == "desktop":
        save_printed_views(page, saved)


def save_printed_views(page: Page, downloaded) -> None:
    """The downloaded PDF, and the page as Chromium prints it, as pictures to compare."""
    shutil.copy(downloaded, SCREENSHOTS / "certificate-download.pdf")
    page.emulate_media(media="print")
    page.pdf(path=SCREENSHOTS / "certificate-chromium-print.pdf", format="A4")
    page.emulate_media(media="screen")
    if shutil.which("pdftoppm"):
        for stem in ("certificate-download", "certificate-chromium-print"):
            subprocess.run(
                ["pdftoppm", "-r", "60", "-png", "-singlefile", f"{stem}.pdf", stem],
                cwd=SCREENSHOTS,
                check=True,
            )


@pytest.mark.parametrize("width", WIDTHS)
def test_anyone_checks_the_code_however_it_is_typed(live_server, certificate, open_page, js, width):
    page = open_page(js=js, viewport=WIDTHS[width])
    page.goto(live_server.url + "/verify/")
    typed = " ".join(group.lower() for group in certificate.code_groups)
    type_into(page, page.get_by_label("Verification code"), typed)
    follow(page, page.get_by_role("button", name="Check"))
    expect(page).to_have_url(f"{live_server.url}/verify/{certificate.code}/")
    expect(page.get_by_role("status")).to_have_text(
        f"Certificate {certificate.display_code} is valid."
    )
    assert group_lines(page, ".checked-code") == [1] * 8
    assert_fits(page, js)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=SCREENSHOTS / f"verify-checked-{'js' if js else 'nojs'}-{width}.png", full_page=True
    )

    # A code that matches nothing is named too, so a typing mistake shows.
    wrong = certificate.code[:-1] + ("A" if certificate.code[-1] != "A" else "B")
    type_into(page, page.get_by_label("Verification code"), wrong)
    follow(page, page.get_by_role("button", name="Check"))
    status = page.get_by_role("status")
    expect(status).to_contain_text(re.compile(r"^Certificate [A-Z0-9-]+ was not found\."))
    expect(status).to_contain_text("-".join(re.findall(".{1,4}", wrong)))
    assert_fits(page, js)


def test_the_printed_address_follows_site_url(live_server, certificate, open_page):
    """What `make run PORT=8123` sets is what the certificate prints and encodes."""
    page = open_page()
    with override_settings(SITE_URL="http://127.0.0.1:8123"):
        log_in(page, live_server.url, "riley")
        follow(page, page.get_by_role("link", name="Your certificate"))
        address = f"http://127.0.0.1:8123/verify/{certificate.code}/"
        expect(page.locator(".verify-link")).to_have_text(address)
        qr_name = f"QR code of the verification address, {address}"
        expect(page.get_by_role("img", name=qr_name)).to_be_visible()
