"""Single sign-on with OpenID Connect, through mozilla-django-oidc.

Off unless OIDC_ISSUER_URL is set (trainer/settings.py). The provider's endpoints come from its
discovery document, read the first time a sign-in needs them and kept for the life of the
process (a failed read is not kept, so the next sign-in asks again): the site starts and serves
password logins while the provider is down.

What a sign-in checks, beyond the library's state, nonce and PKCE: the ID token is RS256,
signed by a key the provider publishes (JWKS), issued by the configured issuer, for this
client (`aud`), and unexpired (no leeway). The person is then found by issuer and subject
(`SingleSignOnIdentity`), never by email or username: a password account that shares an
address stays apart. Their Rep, Manager and Compliance roles become exactly what their role
claim maps to (OIDC_ROLE_MAP), each change in the audit log. A claim that maps to no role is
refused: no account is made for a newcomer, and an existing account loses its roles.
"""

from __future__ import annotations

import functools
import logging
import re

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import transaction
from django.http import Http404
from django.shortcuts import render, resolve_url
from django.utils.decorators import method_decorator
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from courses.certification.services import audit_record
from courses.models import AuditEntry, SingleSignOnIdentity
from courses.platform.access import ROLES, landing
from courses.platform.backends import RoleAwareBackend
from courses.platform.oidc_roles import roles_from_claim
from courses.platform.people import display_name

log = logging.getLogger(__name__)

# Why a sign-in was refused, kept on the request for the page that says so.
REFUSAL = "sso_refusal"
NO_ROLE = "no_role"
EXPIRED = "expired"
WRONG_AUDIENCE = "audience"
INVALID = "invalid"
UNREACHABLE = "unreachable"
CANCELLED = "cancelled"

# The library's settings for the provider's endpoints, and where discovery gives each.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read, or does not describe it."""


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER_URL)


def password_login_for_everyone() -> bool:
    """False under OIDC_ONLY: then only administrators (staff) log in with a password."""
    return not (enabled() and settings.OIDC_ONLY)


@functools.cache
def discover(issuer: str) -> dict[str, str]:
    """The provider's endpoints, from `<issuer>/.well-known/openid-configuration`."""
    try:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"discovery at {issuer} failed: {error}") from error
    if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != issuer:
        raise ProviderUnavailable(f"the discovery document at {issuer} names another issuer")
    missing = [key for key in DISCOVERED.values() if not document.get(key)]
    if missing:
        raise ProviderUnavailable(f"the discovery document at {issuer} lacks {missing}")
    # The issuer as the provider writes it (a trailing slash kept): ID tokens must name it so.
    return {setting: document[key] for setting, key in DISCOVERED.items()} | {
        "issuer": document["issuer"]
    }


def oidc_setting(attr: str, *default):
    """The library's settings, with the provider's endpoints found by discovery."""
    if attr in DISCOVERED:
        return discover(settings.OIDC_ISSUER_URL)[attr]
    return import_from_settings(attr, *default)


def is_single_sign_on(request, credentials=None) -> bool:
    """For django-axes (AXES_WHITELIST_CALLABLE): a callback's sign-in is not a password guess.
    It proves itself with a one-time code from the provider, which throttles its own logins;
    counted by address with no username, a few refused callbacks (people with no role, say)
    would lock everyone behind that address out of single sign-on."""
    return bool(credentials) and "nonce" in credentials and "username" not in credentials


def _refuse(request, reason: str, detail: str = "") -> PermissionDenied:
    """Remember why, for the refusal page; Django's authenticate() stops at PermissionDenied."""
    setattr(request, REFUSAL, reason)
    log.warning("single sign-on refused (%s) %s", reason, detail)
    return PermissionDenied(reason)


def username_for(claims: dict) -> str:
    """A free username for a newcomer: `preferred_username`, else the subject, with anything
    a username may not hold replaced, and a number added if another account has it."""
    wanted = str(claims.get("preferred_username") or claims["sub"])
    base = re.sub(r"[^\w.@+-]", "-", wanted)[:140] or "user"
    User = get_user_model()
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _profile(claims: dict) -> dict[str, str]:
    return {
        "first_name": str(claims.get("given_name") or "")[:150],
        "last_name": str(claims.get("family_name") or "")[:150],
        "email": str(claims.get("email") or "")[:254],
    }


@transaction.atomic
def sso_sign_in(*, issuer: str, claims: dict, roles: frozenset[str]):
    """The account for a signed-in subject, with exactly `roles` among the site's roles (other
    groups are left alone). A newcomer with no role gets no account: returns None."""
    User = get_user_model()
    identity = (
        SingleSignOnIdentity.objects.select_related("user")
        .select_for_update()
        .filter(issuer=issuer, subject=claims["sub"])
        .first()
    )
    profile = _profile(claims)
    if identity is None:
        if not roles:
            return None
        user = User.objects.create_user(username_for(claims), **profile)  # no usable password
        SingleSignOnIdentity.objects.create(user=user, issuer=issuer, subject=claims["sub"])
    else:
        user = identity.user
        changed = [field for field, value in profile.items() if getattr(user, field) != value]
        for field in changed:
            setattr(user, field, profile[field])
        if changed:
            user.save(update_fields=changed)
    held = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    for role in sorted(roles - held):
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        audit_record(
            actor=None,
            action=AuditEntry.Action.ROLE_ADDED,
            summary=f"{display_name(user)} given the {role} role (single sign-on)",
            person=user,
            details={"role": role, "source": "single sign-on"},
        )
    for role in sorted(held - roles):
        user.groups.remove(Group.objects.get(name=role))
        audit_record(
            actor=None,
            action=AuditEntry.Action.ROLE_REMOVED,
            summary=f"{display_name(user)} no longer has the {role} role (single sign-on)",
            person=user,
            details={"role": role, "source": "single sign-on"},
        )
    return user


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """The callback's authentication. Inert (it answers None) for password logins and while
    single sign-on is off; its settings are read at a sign-in, not when Django loads it for
    every login, so a password login never waits on the provider."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        self.UserModel = get_user_model()

    def _configure(self) -> None:
        self.OIDC_OP_TOKEN_ENDPOINT = oidc_setting("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = oidc_setting("OIDC_OP_USER_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = oidc_setting("OIDC_OP_JWKS_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        # Only the callback passes a nonce; a password login passes a username.
        if request is None or not enabled() or "username" in kwargs or "nonce" not in kwargs:
            return None
        try:
            self._configure()
            return super().authenticate(request, **kwargs)
        except (ProviderUnavailable, requests.RequestException) as error:
            raise _refuse(request, UNREACHABLE, str(error)) from error

    def verify_token(self, token, **kwargs):
        try:
            return super().verify_token(token, **kwargs)
        except SuspiciousOperation as error:  # nonce, algorithm, unknown key
            raise _refuse(self.request, INVALID, str(error)) from error

    def _verify_jws(self, payload, key):
        """The library checks the signature only; this also checks issuer, audience and
        expiry, and names which failed."""
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=discover(settings.OIDC_ISSUER_URL)["issuer"],
                leeway=settings.OIDC_CLOCK_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise _refuse(self.request, EXPIRED, str(error)) from error
        except jwt.InvalidAudienceError as error:
            raise _refuse(self.request, WRONG_AUDIENCE, str(error)) from error
        except jwt.InvalidTokenError as error:
            raise _refuse(self.request, INVALID, str(error)) from error

    def get_userinfo(self, access_token, id_token, payload):
        """The verified ID token's claims, with the provider's userinfo added when it is about
        the same subject."""
        info = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
            raise _refuse(self.request, INVALID, "userinfo is about another subject")
        return {**payload, **info}

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        roles = roles_from_claim(claims.get(settings.OIDC_ROLE_CLAIM), settings.OIDC_ROLE_MAP)
        user = sso_sign_in(issuer=settings.OIDC_ISSUER_URL, claims=claims, roles=roles)
        if not roles:
            raise _refuse(self.request, NO_ROLE, f"subject {claims['sub']}")
        if not user.is_active:
            raise _refuse(self.request, INVALID, f"account {user.pk} is inactive")
        return user

    def get_user(self, user_id):
        """Each request's user, with their roles, as for a password login."""
        return RoleAwareBackend().get_user(user_id)


def refused(request, reason: str):
    """The page that says why a sign-in did not happen: 503 while the provider is out of
    reach, else 403."""
    status = 503 if reason == UNREACHABLE else 403
    return render(request, "registration/sso_refused.html", {"reason": reason}, status=status)


@method_decorator(login_not_required, name="dispatch")
class SignOnStart(OIDCAuthenticationRequestView):
    """The "Sign in with single sign-on" button: off to the provider, with state, nonce and
    PKCE."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        if not enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable as error:
            log.warning("single sign-on unavailable: %s", error)
            return refused(request, UNREACHABLE)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
class SignOnCallback(OIDCAuthenticationCallbackView):
    """The provider sends the person back here; they land where a password login would."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        if not enabled():
            raise Http404
        return super().get(request)

    @property
    def success_url(self):
        return self.request.session.get("oidc_login_next") or resolve_url(landing(self.user))

    def login_failure(self):
        reason = getattr(self.request, REFUSAL, None)
        if reason is None:
            reason = CANCELLED if self.request.GET.get("error") else INVALID
        return refused(self.request, reason)
