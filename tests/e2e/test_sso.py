"""Single sign-on end to end: the site (live_server) against a real OpenID Connect provider
(tests/oidc_provider: django-oauth-toolkit, RS256 keys made for the run) on loopback. The
browser logs in at the provider's own page; the site checks the ID token it is sent back."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from courses.models import AuditEntry, SingleSignOnIdentity
from courses.platform import oidc
from courses.platform.oidc_roles import parse_role_map
from tests.oidc_provider import MIXED_UP
from tests.oidc_provider.server import Provider

from .support import DESKTOP, PHONE, SCREENSHOTS, require_playwright

require_playwright()

import time_machine  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

from .keyboard import follow, tab_to, type_into  # noqa: E402
from .test_accessibility import FAILING_IMPACTS, run_axe  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

ROLE_MAP = "sales-reps=Rep,sales-managers=Manager,compliance=Compliance"
SITE = {"client_id": "callready", "client_secret": "callready-client-secret", "name": "CallReady"}
MIXED = {"client_id": "mixed-up", "client_secret": "mixed-up-client-secret", "name": MIXED_UP}
PASSWORD = "provider-password"


def provider_user(username: str, groups: list[str], first: str, last: str) -> dict:
    return {
        "username": username,
        "password": PASSWORD,
        "groups": groups,
        "first_name": first,
        "last_name": last,
        "email": f"{username}@example.com",
    }


RITA = provider_user("rita", ["sales-reps", "all-staff"], "Rita", "Moreno")
NORA = provider_user("nora", ["all-staff"], "Nora", "Quist")


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    started = Provider(tmp_path_factory.mktemp("provider")).start()
    callback = f"{live_server.url}/oidc/callback/"
    started.seed(
        users=[RITA, NORA],
        clients=[{**SITE, "redirect_uri": callback}, {**MIXED, "redirect_uri": callback}],
    )
    yield started
    started.stop()


@pytest.fixture
def sso(settings, provider):
    """The site configured for the provider, as the OIDC_* variables would configure it."""
    oidc.discover.cache_clear()
    settings.OIDC_ISSUER_URL = provider.issuer
    settings.OIDC_RP_CLIENT_ID = SITE["client_id"]
    settings.OIDC_RP_CLIENT_SECRET = SITE["client_secret"]
    settings.OIDC_ROLE_MAP = parse_role_map(ROLE_MAP)
    settings.OIDC_ONLY = False
    yield provider
    oidc.discover.cache_clear()


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def axe_clean(page: Page) -> None:
    failing = [v["id"] for v in run_axe(page) if v["impact"] in FAILING_IMPACTS]
    assert failing == []


def sign_in(page: Page, base: str, who: dict, *, screenshot: str = "") -> None:
    """From the site's login page, through the provider's, back to the site."""
    page.goto(f"{base}/accounts/login/")
    if screenshot:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / screenshot, full_page=True)
    page.get_by_role("link", name="Sign in with single sign-on").click()
    expect(page.get_by_role("heading", name="Example Identity")).to_be_visible()
    page.get_by_label("Username").fill(who["username"])
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation(url=lambda url: url.startswith(base)):
        page.get_by_role("button", name="Sign in").click()


def roles_of(username: str) -> set[str]:
    user = get_user_model().objects.get(username=username)
    return set(user.groups.values_list("name", flat=True))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_rep_signs_in_with_single_sign_on_and_is_made_a_rep(
    live_server, sso, open_page, viewport
):
    width = "desktop" if viewport is DESKTOP else "phone"
    page = open_page(viewport=viewport)
    page.goto(f"{live_server.url}/accounts/login/")
    # The button comes first, above the password form that stays for everyone.
    button = page.get_by_role("link", name="Sign in with single sign-on")
    expect(button).to_be_visible()
    expect(page.get_by_label("Username")).to_be_visible()
    assert button.bounding_box()["y"] < page.get_by_label("Username").bounding_box()["y"]
    no_sideways_scroll(page)
    axe_clean(page)

    sign_in(page, live_server.url, RITA, screenshot=f"sso-login-{width}.png")

    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    assert page.url == f"{live_server.url}/"
    no_sideways_scroll(page)
    rita = get_user_model().objects.get(username="rita")
    assert (rita.first_name, rita.last_name, rita.email) == ("Rita", "Moreno", "rita@example.com")
    assert roles_of("rita") == {"Rep"}
    assert not rita.has_usable_password()
    identity = SingleSignOnIdentity.objects.get(user=rita)
    assert identity.issuer == sso.issuer
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.ROLE_ADDED, person=rita, details__role="Rep"
    ).exists()


def test_keyboard_only_sign_in(live_server, sso, open_page):
    page = open_page()
    page.goto(f"{live_server.url}/accounts/login/")
    follow(page, page.get_by_role("link", name="Sign in with single sign-on"))
    type_into(page, page.get_by_label("Username"), RITA["username"])
    type_into(page, page.get_by_label("Password"), PASSWORD)
    tab_to(page, page.get_by_role("button", name="Sign in"))
    with page.expect_navigation(url=lambda url: url.startswith(live_server.url)):
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()


def test_sign_in_needs_no_javascript(live_server, sso, open_page):
    page = open_page(js=False, viewport=PHONE)
    sign_in(page, live_server.url, RITA)
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    no_sideways_scroll(page)


def test_roles_follow_the_provider_at_each_sign_in(live_server, sso, open_page):
    sign_in(open_page(), live_server.url, RITA)
    assert roles_of("rita") == {"Rep"}

    # Rita is moved to the managers' group at the provider.
    sso.seed(users=[{**RITA, "groups": ["sales-managers", "all-staff"]}])
    try:
        page = open_page(viewport=PHONE)
        sign_in(page, live_server.url, RITA)
        expect(page.get_by_role("heading", name="Team dashboard")).to_be_visible()
        assert roles_of("rita") == {"Manager"}
        assert get_user_model().objects.filter(username__startswith="rita").count() == 1
        removed = AuditEntry.objects.get(action=AuditEntry.Action.ROLE_REMOVED)
        assert removed.details["role"] == "Rep"
        assert "single sign-on" in removed.summary
    finally:
        sso.seed(users=[RITA])


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_person_with_no_role_is_refused(live_server, sso, open_page, viewport):
    page = open_page(viewport=viewport)
    sign_in(page, live_server.url, NORA)
    expect(
        page.get_by_role("heading", name="Your account has no role in CallReady")
    ).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("does not give you a CallReady role")
    no_sideways_scroll(page)
    axe_clean(page)
    width = "desktop" if viewport is DESKTOP else "phone"
    page.screenshot(path=SCREENSHOTS / f"sso-refused-{width}.png", full_page=True)
    # Not signed in, and no account was made.
    assert not get_user_model().objects.filter(username="nora").exists()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Log in to CallReady")).to_be_visible()


def test_an_id_token_for_another_audience_is_refused(live_server, sso, settings, open_page):
    # The site is registered as the client whose tokens the provider addresses to another
    # application: a token the site did not ask for is no sign-in.
    settings.OIDC_RP_CLIENT_ID = MIXED["client_id"]
    settings.OIDC_RP_CLIENT_SECRET = MIXED["client_secret"]
    page = open_page()
    sign_in(page, live_server.url, RITA)
    expect(page.get_by_role("heading", name="Sign-in refused")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("meant for another application")
    assert not get_user_model().objects.filter(username="rita").exists()


def test_an_expired_id_token_is_refused(live_server, sso, open_page):
    # The provider's ID tokens live a minute; the site's clock runs ten minutes ahead of it, so
    # the token it is sent has expired by the time it reads it.
    page = open_page()
    ahead = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=10)
    with time_machine.travel(ahead, tick=True):
        sign_in(page, live_server.url, RITA)
        expect(page.get_by_role("heading", name="Sign-in refused")).to_be_visible()
        expect(page.get_by_role("alert")).to_contain_text("had expired")
    assert not get_user_model().objects.filter(username="rita").exists()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_oidc_only_hides_the_password_form_but_lets_an_administrator_in(
    live_server, sso, settings, open_page, django_user_model, viewport
):
    settings.OIDC_ONLY = True
    django_user_model.objects.create_superuser("root", "root@example.com", "admin-password-1")
    page = open_page(viewport=viewport)
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("link", name="Sign in with single sign-on")).to_be_visible()
    expect(page.get_by_label("Password")).to_have_count(0)
    expect(page.get_by_role("link", name="Forgotten your password?")).to_have_count(0)
    no_sideways_scroll(page)
    axe_clean(page)
    width = "desktop" if viewport is DESKTOP else "phone"
    page.screenshot(path=SCREENSHOTS / f"sso-only-login-{width}.png", full_page=True)

    follow(page, page.get_by_role("link", name="Administrators: log in with a password"))
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("admin-password-1")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # A rep still signs in, with single sign-on.
    rep_page = open_page(viewport=viewport)
    sign_in(rep_page, live_server.url, RITA)
    expect(rep_page.get_by_role("heading", name="My training", level=1)).to_be_visible()
