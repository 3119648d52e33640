"""Two-factor authentication: setting it up, the code after logging in, recovery codes, turning
it off, throttled wrong codes, the REQUIRE_2FA gate, and the audit log (two-factor events and
every change an administrator makes in the admin)."""

from __future__ import annotations

import datetime
from binascii import unhexlify

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from courses.models import AuditEntry, Team
from courses.platform import twofactor
from courses.platform.twofactor import gate, normalise, secret_text
from tests.platform.support import client_for
from tests.platform.url_matrix import MATRIX, request

Action = AuditEntry.Action
SETUP = reverse("twofactor:setup")
VERIFY = reverse("twofactor:verify")
CODES = reverse("twofactor:codes")
OVERVIEW = reverse("twofactor:overview")
LOGIN = reverse("login")


def code_for(device: TOTPDevice, ahead: int = 0) -> str:
    """The code the person's app shows now (or `ahead` steps on), from the device's key."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead)
    return f"{value:06d}"


def turn_on(user) -> tuple[TOTPDevice, list[str]]:
    """An authenticator and ten recovery codes for `user`, as set-up leaves them."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [f"code{n:04d}" for n in range(10)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    return device, codes


def logged_in(client, user):
    client.post(LOGIN, {"username": user.username, "password": "pw"})
    return client


def unthrottle(user):
    """As if the wait after the last wrong code were over."""
    past = timezone.now() - datetime.timedelta(hours=1)
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_timestamp=past)


# The rules, without a database ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("authenticated", "verified", "has_device", "required", "expected"),
    [
        (False, False, False, True, None),
        (True, True, True, True, None),
        (True, False, True, False, "verify"),
        (True, False, True, True, "verify"),
        (True, False, False, True, "setup"),
        (True, False, False, False, None),
    ],
)
def test_where_the_gate_sends_a_request(authenticated, verified, has_device, required, expected):
    assert (
        gate(
            authenticated=authenticated,
            verified=verified,
            has_device=has_device,
            required=required,
        )
        == expected
    )


def test_codes_are_read_without_spaces_dashes_or_case():
    assert normalise(" 123 456 ") == "123456"
    assert normalise("ABCD-efgh") == "abcdefgh"


def test_the_secret_is_shown_in_groups_of_four_in_base32():
    assert secret_text("00" * 10) == "AAAA AAAA AAAA AAAA"


# Setting up ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_setting_up_shows_a_qr_code_and_the_key_and_a_wrong_code_stores_nothing(
    rep_client, rep, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = rep_client.get(SETUP)
    assert response.status_code == 200
    page = response.content.decode()
    key = rep_client.session[twofactor.SETUP_KEY]
    assert "<svg" in page and 'class="qr-code"' in page
    assert secret_text(key) in page

    response = rep_client.post(SETUP, {"code": "000000" if code_of(key) != "000000" else "1"})
    assert response.status_code == 400
    assert "That code does not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=rep).exists()
    # The same key until it is confirmed: the person's app already holds it.
    assert rep_client.session[twofactor.SETUP_KEY] == key


def code_of(key: str) -> str:
    return f"{totp(unhexlify(key)):06d}"


@pytest.mark.django_db
def test_a_first_code_turns_it_on_and_the_recovery_codes_are_shown_once(
    rep_client, rep, django_assert_max_num_queries
):
    rep_client.get(SETUP)
    key = rep_client.session[twofactor.SETUP_KEY]
    response = rep_client.post(SETUP, {"code": code_of(key)})
    assert response.status_code == 302
    assert response["Location"] == CODES

    device = TOTPDevice.objects.get(user=rep)
    assert device.confirmed and device.key == key
    codes = list(StaticToken.objects.filter(device__user=rep).values_list("token", flat=True))
    assert len(codes) == 10

    with django_assert_max_num_queries(8):
        page = rep_client.get(CODES).content.decode()
    assert all(code in page for code in codes)
    assert "shown only this once" in page
    again = rep_client.get(CODES).content.decode()
    assert not any(code in again for code in codes)
    assert "You have 10 recovery codes left." in again

    entry = AuditEntry.objects.get(action=Action.TWOFACTOR_ADDED)
    assert entry.actor == rep and entry.person == rep
    # Set up in this session: nothing more to enter here.
    assert rep_client.get("/").status_code == 200


@pytest.mark.django_db
def test_set_up_carries_on_to_the_page_the_person_was_going_to(compliance, client, settings):
    settings.REQUIRE_2FA = True
    client.force_login(compliance)
    assert client.get("/compliance/")["Location"] == f"{SETUP}?next=%2Fcompliance%2F"
    client.get(f"{SETUP}?next=/compliance/")
    key = client.session[twofactor.SETUP_KEY]
    response = client.post(SETUP, {"code": code_of(key), "next": "/compliance/"})
    assert response["Location"] == f"{CODES}?next=%2Fcompliance%2F"
    page = client.get(response["Location"]).content.decode()
    assert 'href="/compliance/"' in page
    assert client.get("/compliance/").status_code == 200


@pytest.mark.django_db
def test_a_person_with_an_authenticator_cannot_set_up_another_over_it(rep_client, rep):
    device, _ = turn_on(rep)
    # Entering a code first (the gate asks for it), then asking to set up again.
    rep_client.post(VERIFY, {"code": code_for(device)})
    response = rep_client.get(SETUP)
    assert response["Location"] == OVERVIEW
    assert TOTPDevice.objects.filter(user=rep).count() == 1


# The code after logging in ----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_opted_in_person_is_asked_for_a_code_after_their_password(client, rep):
    device, _ = turn_on(rep)
    response = client.post(LOGIN, {"username": "rep", "password": "pw"})
    assert response["Location"] == "/"
    response = client.get("/")
    assert response["Location"] == f"{VERIFY}?next=%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Enter the 6-digit code from your authenticator app, or a recovery code." in page

    response = client.post(VERIFY, {"code": code_for(device), "next": "/"})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_is_refused_and_the_next_try_must_wait(client, rep):
    device, _ = turn_on(rep)
    logged_in(client, rep)
    response = client.post(VERIFY, {"code": "000000" if code_for(device) != "000000" else "1"})
    assert response.status_code == 400
    assert "That code is not right." in response.content.decode()
    assert client.get("/").status_code == 302

    # Straight away, even the right code is not checked: the device waits after a wrong one.
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 429
    assert "Too many wrong codes. Wait 1 second, then try again." in response.content.decode()
    assert client.get("/").status_code == 302

    unthrottle(rep)
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_tampered_codes_are_a_form_error_and_change_nothing(client, rep):
    turn_on(rep)
    logged_in(client, rep)
    for bad in ("", "x" * 200):
        response = client.post(VERIFY, {"code": bad})
        assert response.status_code == 400
        assert 'class="errorlist' in response.content.decode()
    assert TOTPDevice.objects.get(user=rep).throttling_failure_count == 0
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_a_recovery_code_works_once(client, rep):
    _, codes = turn_on(rep)
    logged_in(client, rep)
    response = client.post(VERIFY, {"code": codes[0].upper(), "next": "/catalogue/"})
    assert response["Location"] == "/catalogue/"
    assert StaticToken.objects.filter(device__user=rep).count() == 9
    entry = AuditEntry.objects.get(action=Action.RECOVERY_CODE_USED)
    assert entry.person == rep and entry.details["codes_left"] == 9

    client.post(reverse("logout"))
    logged_in(client, rep)
    unthrottle(rep)
    response = client.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_an_address_elsewhere_is_never_where_a_code_sends_a_person(client, rep):
    device, _ = turn_on(rep)
    logged_in(client, rep)
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_htmx_requests_are_sent_to_the_code_page_by_htmx(client, rep):
    turn_on(rep)
    logged_in(client, rep)
    response = client.get("/catalogue/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == VERIFY


@pytest.mark.django_db
def test_the_code_page_costs_few_queries(client, rep, django_assert_max_num_queries):
    turn_on(rep)
    logged_in(client, rep)
    with django_assert_max_num_queries(8):
        assert client.get(VERIFY).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/catalogue/").status_code == 302


@pytest.mark.django_db
def test_the_gate_costs_no_query_for_people_without_two_factor(rep_client, small_curriculum):
    """The session remembers that the person has no authenticator."""
    rep_client.get("/catalogue/")
    with CaptureQueriesContext(connection) as queries:
        assert rep_client.get("/catalogue/").status_code == 200
    assert not [q for q in queries.captured_queries if "otp_" in q["sql"]]


@pytest.mark.django_db
def test_a_session_already_open_is_asked_for_a_code_within_a_minute_of_a_set_up_elsewhere(
    client, rep, small_curriculum
):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        logged_in(client, rep)
        assert client.get("/catalogue/").status_code == 200
        device, _ = turn_on(rep)  # in another browser
        clock.shift(61)
        response = client.get("/catalogue/")
        assert response["Location"] == f"{VERIFY}?next=%2Fcatalogue%2F"
        client.post(VERIFY, {"code": code_for(device), "next": "/catalogue/"})
        assert client.get("/catalogue/").status_code == 200


# Recovery codes and turning it off ----------------------------------------------------------------


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones(client, rep):
    device, old = turn_on(rep)
    logged_in(client, rep)
    client.post(VERIFY, {"code": code_for(device)})
    response = client.post(CODES)
    assert response["Location"] == CODES
    new = set(StaticToken.objects.filter(device__user=rep).values_list("token", flat=True))
    assert len(new) == 10 and not new & set(old)
    page = client.get(CODES).content.decode()
    assert all(code in page for code in new)
    assert AuditEntry.objects.filter(action=Action.RECOVERY_CODES_REGENERATED, person=rep).exists()


@pytest.mark.django_db
def test_recovery_codes_are_not_made_before_a_code_is_entered(client, rep):
    _, old = turn_on(rep)
    logged_in(client, rep)
    response = client.post(CODES)
    assert response["Location"] == VERIFY
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old)


@pytest.mark.django_db
def test_turning_it_off_needs_a_current_code(client, rep):
    device, _ = turn_on(rep)
    logged_in(client, rep)
    client.post(VERIFY, {"code": code_for(device)})
    remove = reverse("twofactor:remove", args=[device.pk])
    assert client.get(remove).status_code == 200

    response = client.post(remove, {"code": "abcdefgh"})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=rep).exists()

    unthrottle(rep)
    response = client.post(remove, {"code": code_for(device, ahead=1)})
    assert response["Location"] == OVERVIEW
    assert not TOTPDevice.objects.filter(user=rep).exists()
    assert not StaticDevice.objects.filter(user=rep).exists()
    assert AuditEntry.objects.filter(action=Action.TWOFACTOR_REMOVED, person=rep).exists()
    # Off: the next login asks for no code.
    client.post(reverse("logout"))
    logged_in(client, rep)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_another_persons_authenticator_is_not_found(client, rep, other_rep):
    turn_on(rep)
    theirs, _ = turn_on(other_rep)
    logged_in(client, rep)
    client.post(VERIFY, {"code": code_for(TOTPDevice.objects.get(user=rep))})
    remove = reverse("twofactor:remove", args=[theirs.pk])
    assert client.get(remove).status_code == 404
    assert client.post(remove, {"code": code_for(theirs)}).status_code == 404
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_the_two_factor_page_says_how_things_stand(client, rep, django_assert_max_num_queries):
    logged_in(client, rep)
    assert "Set up two-factor authentication" in client.get(OVERVIEW).content.decode()
    device, _ = turn_on(rep)
    client.post(reverse("logout"))
    logged_in(client, rep)
    client.post(VERIFY, {"code": code_for(device)})
    with django_assert_max_num_queries(10):
        page = client.get(OVERVIEW).content.decode()
    assert "You have 10 recovery codes left." in page
    assert reverse("twofactor:remove", args=[device.pk]) in page


# REQUIRE_2FA -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_with_require_2fa_compliance_and_staff_must_set_it_up_first(
    settings, client, compliance, django_user_model
):
    settings.REQUIRE_2FA = True
    staff = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    for person, page in ((compliance, "/compliance/"), (staff, "/admin/")):
        client.force_login(person)
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(SETUP)
        assert client.get(SETUP).status_code == 200
        assert client.get("/health/").status_code == 200
        assert client.post(reverse("logout")).status_code == 302


@pytest.mark.django_db
def test_with_require_2fa_reps_and_managers_are_never_made_to(settings, client, rep, manager):
    settings.REQUIRE_2FA = True
    client.force_login(rep)
    assert client.get("/").status_code == 200
    client.force_login(manager)
    assert client.get("/team/").status_code == 200


@pytest.mark.django_db
def test_with_require_2fa_a_person_with_an_authenticator_enters_a_code(
    settings, client, compliance
):
    settings.REQUIRE_2FA = True
    device, _ = turn_on(compliance)
    # However the person logged in (the login form, the admin's, single sign-on): the gate
    # reads only who they are and what this session has confirmed.
    client.force_login(compliance)
    assert client.get("/compliance/")["Location"] == f"{VERIFY}?next=%2Fcompliance%2F"
    client.post(VERIFY, {"code": code_for(device)})
    assert client.get("/compliance/").status_code == 200


@pytest.mark.django_db
def test_with_require_2fa_a_reset_device_means_setting_up_again(settings, client, compliance):
    """An administrator resets a lost authenticator by deleting it in the admin."""
    settings.REQUIRE_2FA = True
    device, _ = turn_on(compliance)
    client.force_login(compliance)
    client.post(VERIFY, {"code": code_for(device)})
    TOTPDevice.objects.filter(user=compliance).delete()
    response = client.get("/compliance/")
    assert response["Location"].startswith(VERIFY)
    assert client.get(response["Location"])["Location"] == SETUP


@pytest.mark.django_db
def test_with_require_2fa_every_compliance_url_waits_for_two_factor(settings, world):
    settings.REQUIRE_2FA = True
    compliance_routes = [route for route in MATRIX if route.startswith("/compliance/")]
    assert len(compliance_routes) >= 10
    client = client_for("compliance", world)
    for route in compliance_routes:
        for entry in MATRIX[route]:
            response = request(client, entry, world)
            assert response.status_code == 302, route
            assert response["Location"].startswith(SETUP), route
    # And with an authenticator, to the code.
    turn_on(world.users["compliance"])
    client = client_for("compliance", world)
    for route in compliance_routes:
        for entry in MATRIX[route]:
            response = request(client, entry, world)
            assert response["Location"].startswith(VERIFY), route


# Administrators' changes in the audit log -------------------------------------------------------


@pytest.fixture
def admin_client_(client, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(admin)
    client.admin = admin
    return client


@pytest.mark.django_db
def test_an_administrators_change_to_a_persons_groups_is_in_the_audit_log(admin_client_, rep):
    compliance_group = Group.objects.get_or_create(name="Compliance")[0]
    rep_group = Group.objects.get(name="Rep")
    url = reverse("admin:auth_user_change", args=[rep.pk])
    joined = timezone.localtime(rep.date_joined)
    response = admin_client_.post(
        url,
        {
            "username": rep.username,
            "first_name": rep.first_name,
            "last_name": "",
            "email": rep.email,
            "is_active": "on",
            "groups": [rep_group.pk, compliance_group.pk],
            "date_joined_0": joined.date().isoformat(),
            "date_joined_1": joined.time().strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action=Action.ADMIN_CHANGED)
    assert entry.actor == admin_client_.admin
    assert entry.person == rep
    assert (entry.object_type, entry.object_id) == ("user", str(rep.pk))
    assert "Changed Groups" in entry.summary
    assert AuditEntry.objects.filter(action=Action.ROLE_ADDED, person=rep).exists()


@pytest.mark.django_db
def test_deleting_through_the_admin_action_writes_an_entry_for_each(admin_client_):
    teams = [Team.objects.create(name=name) for name in ("Delta", "Echo")]
    response = admin_client_.post(
        reverse("admin:courses_team_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [team.pk for team in teams],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Team.objects.filter(name__in=["Delta", "Echo"]).exists()
    entries = AuditEntry.objects.filter(action=Action.ADMIN_DELETED).order_by("object_id")
    assert [(e.object_type, e.object_id) for e in entries] == [
        ("team", str(team.pk)) for team in teams
    ]
    assert all(e.actor == admin_client_.admin for e in entries)
    assert "Team “Delta” deleted in the admin" in entries[0].summary


@pytest.mark.django_db
def test_adding_and_resetting_in_the_admin_are_in_the_audit_log(admin_client_, rep):
    response = admin_client_.post(reverse("admin:auth_group_add"), {"name": "Auditors"})
    assert response.status_code == 302
    added = AuditEntry.objects.get(action=Action.ADMIN_ADDED)
    assert added.summary.startswith("Group “Auditors” added in the admin")

    device, _ = turn_on(rep)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert admin_client_.post(url, {"post": "yes"}).status_code == 302
    reset = AuditEntry.objects.get(action=Action.ADMIN_DELETED)
    assert reset.person == rep
    assert reset.object_type == "totpdevice"
