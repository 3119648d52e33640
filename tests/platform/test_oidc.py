"""Single sign-on below the browser: the OIDC_* settings as the environment gives them, the role
map (pure), the ID token checks, the sign-in's account and roles, and the login page with and
without single sign-on. The whole journey against a real provider is tests/e2e/test_sso.py."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from axes.models import AccessAttempt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from courses.models import AuditEntry, SingleSignOnIdentity
from courses.platform import oidc
from courses.platform.oidc_roles import (
    RoleMapError,
    claim_values,
    parse_role_map,
    roles_from_claim,
)
from tests.platform.test_production_settings import production_env, run_python
from tests.support import make_user

ISSUER = "https://id.example.com/realm"
CLIENT = "callready"
ROLE_MAP = "sales-reps=Rep,sales-managers=Manager,compliance=Compliance"
ENDPOINTS = {
    "issuer": ISSUER,
    "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{ISSUER}/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": f"{ISSUER}/token",
    "OIDC_OP_USER_ENDPOINT": f"{ISSUER}/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": f"{ISSUER}/jwks",
}


# The role map, pure.


def test_the_role_map_reads_pairs():
    assert parse_role_map(ROLE_MAP) == {
        "sales-reps": frozenset({"Rep"}),
        "sales-managers": frozenset({"Manager"}),
        "compliance": frozenset({"Compliance"}),
    }


def test_a_value_given_twice_gives_each_role_and_roles_are_read_in_any_case():
    assert parse_role_map(" leads = rep , leads=MANAGER,,") == {
        "leads": frozenset({"Rep", "Manager"})
    }


def test_a_value_may_hold_an_equals_sign_the_role_is_after_the_last():
    assert parse_role_map("cn=reps=Rep") == {"cn=reps": frozenset({"Rep"})}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("sales-reps=Admin", "names the role 'Admin'; the roles are Rep, Manager, Compliance"),
        ("sales-reps", "'sales-reps' is not a `claim value=Role` pair"),
        ("=Rep", "'=Rep' is not a `claim value=Role` pair"),
        ("sales-reps=", "is not a `claim value=Role` pair"),
        ("", "OIDC_ROLE_MAP is empty"),
        (" , ,", "OIDC_ROLE_MAP is empty"),
    ],
)
def test_a_wrong_role_map_is_refused_with_what_is_wrong(text, says):
    with pytest.raises(RoleMapError) as error:
        parse_role_map(text)
    assert says in str(error.value)


@pytest.mark.parametrize(
    ("claim", "values"),
    [
        (["sales-reps", "all-staff"], ["sales-reps", "all-staff"]),
        ("sales-reps all-staff", ["sales-reps", "all-staff"]),
        ("sales-reps,compliance", ["sales-reps", "compliance"]),
        (["sales-reps", 7, {"nested": 1}], ["sales-reps"]),
        (None, []),
        (42, []),
        ({"sales-reps": True}, []),
    ],
)
def test_claim_values_from_what_providers_send(claim, values):
    assert claim_values(claim) == values


def test_roles_from_a_claim():
    role_map = parse_role_map(ROLE_MAP + ",leads=Rep,leads=Manager")
    assert roles_from_claim(["sales-reps"], role_map) == {"Rep"}
    assert roles_from_claim(["leads", "compliance"], role_map) == {"Rep", "Manager", "Compliance"}
    assert roles_from_claim(["all-staff"], role_map) == frozenset()
    assert roles_from_claim(None, role_map) == frozenset()
    assert roles_from_claim(["Sales-Reps"], role_map) == frozenset()  # values are exact


# The settings, as the environment gives them (a fresh process each).

OIDC_VALUES = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in ['OIDC_ISSUER_URL', 'OIDC_RP_CLIENT_ID', "
    "'OIDC_RP_CLIENT_SECRET', 'OIDC_ROLE_CLAIM', 'OIDC_ONLY']} | "
    "{'map': {k: sorted(v) for k, v in s.OIDC_ROLE_MAP.items()}}))"
)


def oidc_env(**changes):
    variables = {
        "OIDC_ISSUER_URL": f"{ISSUER}/",
        "OIDC_CLIENT_ID": CLIENT,
        "OIDC_CLIENT_SECRET": "secret",
        "OIDC_ROLE_MAP": "sales-reps=Rep,leads=Rep,leads=Manager",
    }
    return production_env(**(variables | changes))


def test_settings_read_the_oidc_variables():
    result = run_python(OIDC_VALUES, oidc_env(OIDC_ROLE_CLAIM="roles", OIDC_ONLY="1"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "OIDC_ISSUER_URL": ISSUER,
        "OIDC_RP_CLIENT_ID": CLIENT,
        "OIDC_RP_CLIENT_SECRET": "secret",
        "OIDC_ROLE_CLAIM": "roles",
        "OIDC_ONLY": True,
        "map": {"sales-reps": ["Rep"], "leads": ["Manager", "Rep"]},
    }


def test_without_an_issuer_single_sign_on_is_off():
    result = run_python(OIDC_VALUES, production_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["OIDC_ISSUER_URL"] == ""
    assert values["OIDC_ROLE_CLAIM"] == "groups"
    assert values["OIDC_ONLY"] is False


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"OIDC_ROLE_MAP": "sales-reps=Boss"}, "names the role 'Boss'"),
        ({"OIDC_ROLE_MAP": None}, "OIDC_ROLE_MAP is empty"),
        ({"OIDC_CLIENT_SECRET": None}, "OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be"),
        ({"OIDC_ISSUER_URL": None, "OIDC_ONLY": "1"}, "OIDC_ONLY=1 turns password login off"),
    ],
)
def test_a_wrong_configuration_stops_the_start_with_a_message(changes, says):
    result = run_python("import django; django.setup()", oidc_env(**changes))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert says in result.stderr


# The ID token's checks.


@pytest.fixture
def sso_settings(settings):
    settings.OIDC_ISSUER_URL = ISSUER
    settings.OIDC_RP_CLIENT_ID = CLIENT
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_ROLE_MAP = parse_role_map(ROLE_MAP)
    settings.OIDC_ONLY = False
    return settings


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def token(key, **changes) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": CLIENT, "sub": "s-1", "iat": now, "exp": now + 60}
    claims |= changes
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm="RS256")


@pytest.fixture
def backend(sso_settings, monkeypatch):
    monkeypatch.setattr(oidc, "discover", lambda issuer: ENDPOINTS)
    checker = oidc.SingleSignOnBackend()
    checker._configure()
    checker.request = RequestFactory().get("/oidc/callback/")
    return checker


def refusal(backend, token_text, key) -> str | None:
    try:
        backend._verify_jws(token_text, key)
    except PermissionDenied:
        return getattr(backend.request, oidc.REFUSAL)
    return None


def test_a_good_id_token_is_accepted(backend, key):
    assert backend._verify_jws(token(key), key.public_key())["sub"] == "s-1"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"aud": "another-client"}, oidc.WRONG_AUDIENCE),
        ({"exp": int(time.time()) - 1}, oidc.EXPIRED),
        ({"iss": "https://elsewhere.example.com"}, oidc.INVALID),
        ({"exp": None}, oidc.INVALID),
        ({"aud": None}, oidc.INVALID),
    ],
)
def test_a_wrong_id_token_is_refused_and_says_why(backend, key, changes, reason):
    assert refusal(backend, token(key, **changes), key.public_key()) == reason


def test_a_tampered_signature_is_refused(backend, key):
    header, _, signature = token(key).split(".")
    forged = jwt.encode(
        {"iss": ISSUER, "aud": CLIENT, "sub": "admin", "iat": 0, "exp": 2**40}, "k" * 32, "HS256"
    ).split(".")[1]
    assert refusal(backend, f"{header}.{forged}.{signature}", key.public_key()) == oidc.INVALID


def test_a_token_signed_by_another_key_is_refused(backend, key):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert refusal(backend, token(other), key.public_key()) == oidc.INVALID


def test_a_password_login_never_reaches_the_provider(backend, rf):
    request = rf.post("/accounts/login/?code=x&state=y")
    assert backend.authenticate(request, username="rep", password="pw") is None


# The account and its roles.


def claims(**changes) -> dict:
    return {
        "sub": "s-1",
        "preferred_username": "rita",
        "given_name": "Rita",
        "family_name": "Moreno",
        "email": "rita@example.com",
    } | changes


@pytest.mark.django_db
def test_a_newcomer_gets_an_account_with_their_roles():
    user = oidc.sso_sign_in(issuer=ISSUER, claims=claims(), roles=frozenset({"Rep"}))
    assert (user.username, user.get_full_name(), user.email) == (
        "rita",
        "Rita Moreno",
        "rita@example.com",
    )
    assert not user.has_usable_password()
    assert set(user.groups.values_list("name", flat=True)) == {"Rep"}
    assert SingleSignOnIdentity.objects.get(user=user).subject == "s-1"
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.ROLE_ADDED
    assert entry.actor is None
    assert entry.summary == "Rita Moreno given the Rep role (single sign-on)"


@pytest.mark.django_db
def test_a_newcomer_with_no_role_gets_no_account(django_user_model):
    assert oidc.sso_sign_in(issuer=ISSUER, claims=claims(), roles=frozenset()) is None
    assert not django_user_model.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_a_password_account_with_the_same_name_and_email_is_never_taken_over(django_user_model):
    existing = make_user(django_user_model, "rita", "Manager")  # rita@example.com
    user = oidc.sso_sign_in(issuer=ISSUER, claims=claims(), roles=frozenset({"Rep"}))
    assert user.pk != existing.pk
    assert user.username == "rita-2"
    assert set(existing.groups.values_list("name", flat=True)) == {"Manager"}
    assert existing.check_password("pw")


@pytest.mark.django_db
def test_roles_become_exactly_what_the_claim_maps_to_at_each_sign_in():
    user = oidc.sso_sign_in(issuer=ISSUER, claims=claims(), roles=frozenset({"Rep"}))
    user.groups.add(Group.objects.create(name="Newsletter"))  # not a role: left alone
    again = oidc.sso_sign_in(
        issuer=ISSUER,
        claims=claims(family_name="Reyes"),
        roles=frozenset({"Manager", "Compliance"}),
    )
    assert again.pk == user.pk
    assert again.last_name == "Reyes"
    assert set(again.groups.values_list("name", flat=True)) == {
        "Manager",
        "Compliance",
        "Newsletter",
    }
    changes = AuditEntry.objects.order_by("pk").values_list("action", "details__role")[1:]
    assert list(changes) == [
        (AuditEntry.Action.ROLE_ADDED, "Compliance"),
        (AuditEntry.Action.ROLE_ADDED, "Manager"),
        (AuditEntry.Action.ROLE_REMOVED, "Rep"),
    ]


@pytest.mark.django_db
def test_a_claim_that_maps_to_no_role_takes_the_roles_away():
    user = oidc.sso_sign_in(issuer=ISSUER, claims=claims(), roles=frozenset({"Rep"}))
    oidc.sso_sign_in(issuer=ISSUER, claims=claims(), roles=frozenset())
    assert not user.groups.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ROLE_REMOVED).count() == 1


@pytest.mark.django_db
def test_the_same_subject_at_another_issuer_is_another_person():
    first = oidc.sso_sign_in(issuer=ISSUER, claims=claims(), roles=frozenset({"Rep"}))
    second = oidc.sso_sign_in(
        issuer="https://other.example.com", claims=claims(), roles=frozenset({"Rep"})
    )
    assert first.pk != second.pk


@pytest.mark.django_db
def test_a_username_holds_only_what_usernames_may():
    user = oidc.sso_sign_in(
        issuer=ISSUER,
        claims=claims(preferred_username="Rita Moreno/Sales", sub="s-2"),
        roles=frozenset({"Rep"}),
    )
    assert user.username == "Rita-Moreno-Sales"
    user = oidc.sso_sign_in(
        issuer=ISSUER, claims=claims(preferred_username=None, sub="abc|123"), roles={"Rep"}
    )
    assert user.username == "abc-123"


# The login page and the two addresses.


@pytest.mark.django_db
def test_without_single_sign_on_the_login_page_has_no_button(client):
    response = client.get("/accounts/login/")
    assert b"Sign in with single sign-on" not in response.content
    assert b'name="password"' in response.content
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


@pytest.mark.django_db
def test_with_single_sign_on_the_button_comes_before_the_password_form(
    client, sso_settings, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        response = client.get("/accounts/login/?next=/rules/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="/oidc/authenticate/?next=/rules/"' in page
    assert page.index("Sign in with single sign-on") < page.index('name="password"')
    assert "Forgotten your password?" in page


@pytest.mark.django_db
def test_the_button_sends_the_person_to_the_provider(client, sso_settings, monkeypatch):
    monkeypatch.setattr(oidc, "discover", lambda issuer: ENDPOINTS)
    response = client.get("/oidc/authenticate/?next=/rules/")
    assert response.status_code == 302
    address = urlsplit(response["Location"])
    assert f"{address.scheme}://{address.netloc}{address.path}" == f"{ISSUER}/authorize"
    query = {name: values[0] for name, values in parse_qs(address.query).items()}
    assert query["client_id"] == CLIENT
    assert query["redirect_uri"] == "http://testserver/oidc/callback/"
    assert query["scope"] == "openid email profile"
    assert query["code_challenge_method"] == "S256"
    assert query["state"] in client.session["oidc_states"]
    assert client.session["oidc_login_next"] == "/rules/"


@pytest.mark.django_db
def test_an_unreachable_provider_gets_a_clear_page(client, sso_settings):
    oidc.discover.cache_clear()
    sso_settings.OIDC_ISSUER_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 503
    assert b"Single sign-on is unavailable" in response.content


@pytest.mark.django_db
def test_a_tampered_state_is_refused_and_nothing_is_made(client, sso_settings, monkeypatch):
    monkeypatch.setattr(oidc, "discover", lambda issuer: ENDPOINTS)
    client.get("/oidc/authenticate/")
    response = client.get("/oidc/callback/?code=abc&state=not-the-one-sent")
    assert response.status_code == 400
    assert not SingleSignOnIdentity.objects.exists()


@pytest.mark.django_db
def test_a_callback_nobody_started_is_refused(client, sso_settings):
    response = client.get("/oidc/callback/?code=abc&state=xyz")
    assert response.status_code == 403
    assert b"Sign-in refused" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_sign_in_cancelled_at_the_provider_says_so(client, sso_settings):
    response = client.get("/oidc/callback/?error=access_denied&state=xyz")
    assert response.status_code == 403
    assert b"Sign-in was not completed" in response.content


@pytest.mark.django_db
def test_the_callback_is_not_an_htmx_fragment(client, sso_settings):
    response = client.get("/oidc/callback/?code=abc&state=xyz", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert b"<html" in response.content


@pytest.mark.django_db
def test_refused_callbacks_lock_nobody_out(client, sso_settings, monkeypatch, rep):
    # The provider's token endpoint refuses connections (nothing listens on the discard port).
    down = dict.fromkeys(ENDPOINTS, "http://127.0.0.1:9/") | {"issuer": ISSUER}
    monkeypatch.setattr(oidc, "discover", lambda issuer: down)
    for _ in range(7):  # more than the lockout's five: refused, never counted as guesses
        client.get("/oidc/authenticate/")
        state = next(reversed(client.session["oidc_states"]))
        response = client.get(f"/oidc/callback/?code=used-up&state={state}")
        assert response.status_code == 503
        assert b"Single sign-on is unavailable" in response.content
    assert not AccessAttempt.objects.exists()
    assert client.post("/accounts/login/", {"username": "rep", "password": "pw"}).status_code == 302


# OIDC_ONLY: passwords for administrators only.


@pytest.fixture
def sso_only(sso_settings):
    sso_settings.OIDC_ONLY = True
    return sso_settings


@pytest.mark.django_db
def test_oidc_only_leaves_the_button_and_a_way_for_administrators(client, sso_only):
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with single sign-on" in page
    assert 'name="password"' not in page
    assert "Forgotten your password?" not in page
    assert 'href="/admin/login/"' in page


@pytest.mark.django_db
def test_oidc_only_refuses_a_reps_password_with_a_clear_message(client, sso_only, rep):
    response = client.post("/accounts/login/", {"username": "rep", "password": "pw"})
    assert response.status_code == 200
    assert b"Password login is for administrators only" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_oidc_only_still_lets_an_administrator_in(client, sso_only, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    assert client.post("/admin/login/?next=/admin/", {"username": "root", "password": "pw"})[
        "Location"
    ] == ("/admin/")
    client.logout()
    response = client.post("/accounts/login/", {"username": "root", "password": "pw"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_oidc_only_sends_password_resets_to_administrators_only(
    client, sso_only, rep, django_user_model
):
    make_user(django_user_model, "staff", is_staff=True)  # staff@example.com
    client.post("/accounts/password_reset/", {"email": "rep@example.com"})
    assert mail.outbox == []
    client.post("/accounts/password_reset/", {"email": "staff@example.com"})
    assert [message.to for message in mail.outbox] == [["staff@example.com"]]


@pytest.mark.django_db
def test_without_oidc_only_a_rep_still_resets_their_password(client, sso_settings, rep):
    client.post("/accounts/password_reset/", {"email": "rep@example.com"})
    assert [message.to for message in mail.outbox] == [["rep@example.com"]]


@pytest.mark.django_db
def test_an_administrator_unlinks_a_single_sign_on_identity_in_the_admin(client, django_user_model):
    """Deleting the link in the admin is written to the audit log, and the subject's next sign-in
    makes a new account instead of opening the old one."""
    user = oidc.sso_sign_in(issuer=ISSUER, claims=claims(), roles=frozenset({"Rep"}))
    identity = SingleSignOnIdentity.objects.get(user=user)
    client.force_login(make_user(django_user_model, "root", is_staff=True, is_superuser=True))

    listing = client.get("/admin/courses/singlesignonidentity/")
    assert listing.status_code == 200
    assert "s-1" in listing.text

    url = f"/admin/courses/singlesignonidentity/{identity.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not SingleSignOnIdentity.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ADMIN_DELETED).exists()
    again = oidc.sso_sign_in(issuer=ISSUER, claims=claims(), roles=frozenset({"Rep"}))
    assert again.pk != user.pk


@pytest.mark.django_db
def test_a_manager_cannot_see_single_sign_on_identities_in_the_admin(client, django_user_model):
    client.force_login(make_user(django_user_model, "boss", role="Manager"))
    assert client.get("/admin/courses/singlesignonidentity/").status_code == 302
