"""A compliance officer certifies a rep's completion of a required module, checks the
certificate on the public verification page, revokes it and sees the page say so.

The rep's completion is prepared through the services (as the pages would make it); the
officer's part is done by keyboard alone, with JavaScript and without.
"""

import pytest
from django.utils import timezone

from .support import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from courses.models import Certificate, Module, Review  # noqa: E402

from .keyboard import follow, log_in, log_out, press, type_into  # noqa: E402
from .support import complete_module  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

MODULE = "do-not-call-lists"
NOTE = "Quiz and call reviewed; the request was honoured and recorded."
REASON = "Certified on the wrong evidence: the call must be redone."


@pytest.fixture
def completion(curriculum, riley):
    record = complete_module(riley, Module.objects.get(slug=MODULE))
    assert record is not None
    return record


def compliance_section(page: Page, name: str) -> None:
    subnav = page.get_by_role("navigation", name="Compliance")
    follow(page, subnav.get_by_role("link", name=name, exact=True))


def open_certificate(page: Page, certificate: Certificate) -> None:
    follow(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Compliance"))
    compliance_section(page, "Certificates")
    row = page.locator("tbody tr", has_text="Riley Parker")
    follow(page, row.get_by_role("link", name=certificate.display_code))
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate of completion")


def verify(page: Page, base_url: str, code: str) -> None:
    """Anyone, logged in or not, types a code into the public verification page."""
    page.goto(base_url + "/verify/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify a CallReady certificate")
    type_into(page, page.get_by_label("Verification code"), code)
    follow(page, page.get_by_role("button", name="Check"))


def test_an_officer_certifies_verifies_and_revokes(live_server, completion, casey, open_page, js):
    module = completion.module
    page = open_page(js=js)
    log_in(page, live_server.url, "casey", lands_on="Compliance")

    # --- The review queue, and the evidence. ---
    waiting = page.get_by_role("region", name="Waiting for review")
    expect(waiting.get_by_role("heading")).to_have_text("Waiting for review (1)")
    expect(waiting.locator("tbody tr")).to_contain_text("Riley Parker")
    expect(waiting.locator("tbody tr")).to_contain_text(module.title)
    follow(page, waiting.get_by_role("link", name=f"Evidence for riley, {module.title}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(module.title)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Riley Parker")
    expect(page.locator(".facts-list")).to_contain_text("Waiting for review")
    expect(page.locator("#flags-heading")).to_have_text("No evidence flags")
    evidence = completion.evidence
    for step in evidence["steps"]:
        expect(page.get_by_role("region", name="Time on each step", exact=True)).to_contain_text(
            step["title"]
        )
    call = evidence["roleplays"][0]
    transcript = page.get_by_text("Transcript with feedback")
    last_reply = call["transcript"][-2]["reply"] if len(call["transcript"]) > 1 else ""
    press(page, transcript)  # <details> open with Enter, like any control
    expect(page.locator("details[open] .transcript")).to_contain_text(last_reply)
    expect(page.locator("details[open]")).to_contain_text("Do-not-call request recorded on")

    # --- Certify. ---
    type_into(page, page.get_by_label("Note (optional)"), NOTE)
    follow(page, page.get_by_role("button", name="Certify", exact=True))
    expect(page.locator(".messages")).to_contain_text(
        f"Certified: {module.title} for Riley Parker."
    )
    expect(page.get_by_role("region", name="Waiting for review")).to_contain_text(
        "Nothing is waiting for review."
    )
    review = Review.objects.get(record=completion)
    assert review.decision == Review.Decision.CERTIFIED and review.officer == casey
    assert review.note == NOTE
    certificate = Certificate.objects.get(record=completion)
    assert certificate.status_at(timezone.now()) == "valid"

    # --- The certificate. ---
    compliance_section(page, "Certificates")
    row = page.locator("tbody tr", has_text="Riley Parker")
    expect(row).to_contain_text(module.title)
    expect(row.locator(".badge")).to_have_text("Valid")
    follow(page, row.get_by_role("link", name=certificate.display_code))
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate of completion")
    expect(page.locator(".certificate-name")).to_have_text("Riley Parker")
    expect(page.locator(".certificate-module")).to_have_text(module.title)
    expect(page.locator(".certificate-facts")).to_contain_text("Casey Nguyen, Compliance")
    expect(page.locator(".certificate-facts .badge")).to_have_text("Valid")
    code = page.locator(".certificate-code").inner_text()
    assert code.replace("-", "") == certificate.code

    # --- Logged out, anyone can check the code. ---
    log_out(page)
    verify(page, live_server.url, code)
    expect(page).to_have_url(f"{live_server.url}/verify/{certificate.code}/")
    status = page.get_by_role("status")
    expect(status).to_have_text("This certificate is valid.")
    expect(page.locator(".facts-grid")).to_contain_text("Riley Parker")
    expect(page.locator(".facts-grid")).to_contain_text(module.title)

    # --- Logged in again, the officer revokes it. ---
    log_in(page, live_server.url, "casey", lands_on="Compliance")
    open_certificate(page, certificate)
    revoke = page.get_by_role("region", name="Revoke this certificate")
    type_into(page, revoke.get_by_label("Reason"), REASON)
    follow(page, revoke.get_by_role("button", name="Revoke"))
    expect(page.locator(".messages")).to_contain_text(
        "The certificate is revoked; its verification page says so."
    )
    expect(page.get_by_role("region", name="Revoked")).to_contain_text(REASON)
    expect(page.locator(".certificate-facts .badge")).to_have_text("Revoked")
    certificate.refresh_from_db()
    assert certificate.revocation.reason == REASON
    assert certificate.status_at(timezone.now()) == "revoked"

    # --- The verification page says revoked. ---
    log_out(page)
    verify(page, live_server.url, code.lower())  # typed by hand, in lower case
    expect(page.get_by_role("status")).to_have_text("This certificate is revoked.")
    expect(page.locator(".facts-grid")).to_contain_text("Revoked")
