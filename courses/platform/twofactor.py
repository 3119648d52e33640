"""Two-factor authentication: who must use it, the gate every request passes, and its writes.

A person's second factor is an authenticator app (a confirmed django-otp TOTPDevice) with ten
one-time recovery codes (a StaticDevice and its tokens). Once a person has one, every login
asks for a code before any other page opens; with REQUIRE_2FA=1, compliance officers and
administrators (is_staff) without one are first sent to set it up. The gate is a middleware
keyed on the signed-in person and this session's verification, so it holds whatever way they
logged in (the login form, the admin's, single sign-on).

Whether a person has a device is kept in their session (read at each login, and rewritten by
every change made here), so that the gate costs no query on most pages. It is read again once
a minute, when the idle check writes the session: another session the person already had open
is asked for a code within a minute of an authenticator being set up elsewhere.
"""

from __future__ import annotations

import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import django_otp
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from courses.certification.models import AuditEntry
from courses.certification.services import audit_record
from courses.platform.access import is_compliance
from courses.platform.idle import refreshes_now
from courses.platform.people import display_name

Action = AuditEntry.Action

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"

# Session keys: whether the person has a device (with whose account it was read), the secret
# of an authenticator being set up, and recovery codes not yet shown.
HAS_DEVICE_KEY = "twofactor_has_device"
SETUP_KEY = "twofactor_setup_key"
FRESH_CODES_KEY = "twofactor_fresh_codes"

# Pages the gate never holds back: leaving, the two-factor pages, and the health check.
OPEN_URL_NAMES = frozenset({"login", "logout", "health", "admin:logout", "set_language"})
OPEN_NAMESPACE = "twofactor"


# The rules (no database).


def is_required(user) -> bool:
    """Whether this person must use two-factor authentication: with REQUIRE_2FA, compliance
    officers and administrators. Reps and managers are never made to."""
    return settings.REQUIRE_2FA and (user.is_staff or is_compliance(user))


Step = Literal["verify", "setup"]


def gate(*, authenticated: bool, verified: bool, has_device: bool, required: bool) -> Step | None:
    """Where a request must go first: to enter a code (the person has a device and this
    session has not confirmed one), to set one up (required, none yet), or nowhere."""
    if not authenticated or verified:
        return None
    if has_device:
        return "verify"
    if required:
        return "setup"
    return None


def normalise(code: str) -> str:
    """A code as typed, without the spaces and dashes people copy with it."""
    return "".join(code.split()).replace("-", "").lower()


def secret_text(key_hex: str) -> str:
    """An authenticator's secret as people type it into their app: base32, in fours."""
    secret = b32encode(unhexlify(key_hex)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def config_url(*, key_hex: str, user) -> str:
    """The otpauth:// address a QR code gives an authenticator app: the secret, named for the
    site and the person's username."""
    return TOTPDevice(key=key_hex, user=user).config_url


# What the database holds for a person.


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def has_device(request) -> bool:
    """Whether the signed-in person has an authenticator, as this session last read it.

    Read again each time the idle check writes the session (once a minute), so an
    authenticator set up in another browser is asked for here within a minute, at one query
    a minute and no write of its own."""
    user = request.user
    remembered = request.session.get(HAS_DEVICE_KEY)
    if not remembered or remembered[0] != user.pk or refreshes_now(request):
        return refresh_has_device(request)
    return remembered[1]


def refresh_has_device(request, user=None) -> bool:
    user = user or request.user
    found = totp_device(user) is not None
    request.session[HAS_DEVICE_KEY] = [user.pk, found]
    return found


@receiver(user_logged_in)
def read_devices_at_login(sender, request, user, **kwargs):
    """Every login (whatever its method) reads once whether the person has an authenticator,
    so the pages after it need not."""
    if request is not None and hasattr(request, "session"):
        refresh_has_device(request, user)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# The gate.


class TwoFactorMiddleware:
    """Sends a signed-in person who still owes a code (or a required set-up) there first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            step = gate(
                authenticated=True,
                verified=False,
                has_device=has_device(request),
                required=is_required(user),
            )
            # Only a request held back pays for resolving its address.
            if step is not None and not _is_open(request):
                return _send_to(request, step)
        return self.get_response(request)


def _is_open(request) -> bool:
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return OPEN_NAMESPACE in match.namespaces or match.view_name in OPEN_URL_NAMES


def _send_to(request, step: Step):
    url = reverse(f"twofactor:{step}")
    # Before django-htmx's middleware has run: its header, read directly.
    htmx = request.headers.get("HX-Request") == "true"
    if request.method == "GET" and not htmx:
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    if htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


# Setting up, entering a code, recovery codes, removing: every write, each in one transaction.


def setup_secret(request) -> str:
    """The secret of the authenticator this session is setting up (kept in the session until
    a first code confirms it; nothing is stored for the person before that)."""
    key = request.session.get(SETUP_KEY)
    if not key:
        key = random_hex(20)
        request.session[SETUP_KEY] = key
    return key


@transaction.atomic
def twofactor_setup(*, request, code: str) -> bool:
    """Confirm the authenticator being set up with its first code: store it, give the person
    ten recovery codes (kept in the session to be shown once), and count this session as
    verified. False, and nothing stored, if the code is wrong."""
    user = request.user
    key = setup_secret(request)
    token = normalise(code)
    totp = TOTP(unhexlify(key))
    totp.time = time.time()
    if not token.isdigit() or not totp.verify(int(token), tolerance=1):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, key=key, confirmed=True, last_t=totp.t()
    )
    _new_recovery_codes(request)
    del request.session[SETUP_KEY]
    _verified(request, device)
    audit_record(
        actor=user,
        action=Action.TWOFACTOR_ADDED,
        summary=f"{display_name(user)} set up two-factor authentication",
        person=user,
        obj=device,
    )
    return True


@dataclass(frozen=True)
class Outcome:
    """What entering a code came to: the device that accepted it, or why not."""

    device: TOTPDevice | StaticDevice | None = None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.device is not None


@transaction.atomic
def twofactor_verify(*, request, code: str) -> Outcome:
    """Check a code from the authenticator app (six digits) or a recovery code (used up).

    Each wrong code makes the next one wait longer (django-otp's throttling: 1, 2, 4...
    seconds); while any of the person's devices waits, no code is checked at all.
    """
    user = request.user
    devices = [
        *TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update(),
        *StaticDevice.objects.devices_for_user(user, confirmed=True).select_for_update(),
    ]
    waits = [data["locked_until"] for allowed, data in _allowed(devices) if not allowed]
    if waits:
        return Outcome(locked_until=max(waits))
    token = normalise(code)
    kind = TOTPDevice if len(token) == 6 and token.isdigit() else StaticDevice
    for device in devices:
        if isinstance(device, kind) and device.verify_token(token):
            _verified(request, device)
            if kind is StaticDevice:
                left = device.token_set.count()
                audit_record(
                    actor=user,
                    action=Action.RECOVERY_CODE_USED,
                    summary=(f"{display_name(user)} logged in with a recovery code ({left} left)"),
                    person=user,
                    obj=device,
                    details={"codes_left": left},
                )
            return Outcome(device=device)
    return Outcome()


def _allowed(devices):
    return [device.verify_is_allowed() for device in devices]


@transaction.atomic
def twofactor_regenerate_codes(*, request) -> None:
    """Ten new recovery codes in place of the old ones, which stop working."""
    user = request.user
    device = _new_recovery_codes(request)
    audit_record(
        actor=user,
        action=Action.RECOVERY_CODES_REGENERATED,
        summary=f"{display_name(user)} regenerated their two-factor recovery codes",
        person=user,
        obj=device,
    )


@transaction.atomic
def twofactor_remove(*, request, device: TOTPDevice, code: str) -> Outcome:
    """Turn two-factor authentication off, if `code` is a current code from the app or a
    recovery code: the authenticator and the recovery codes go, and so does this session's
    verification."""
    user = request.user
    outcome = twofactor_verify(request=request, code=code)
    if not outcome.ok:
        return outcome
    audit_record(
        actor=user,
        action=Action.TWOFACTOR_REMOVED,
        summary=f"{display_name(user)} removed two-factor authentication",
        person=user,
        obj=device,
    )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    request.session[HAS_DEVICE_KEY] = [user.pk, False]
    return outcome


def _new_recovery_codes(request) -> StaticDevice:
    user = request.user
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    request.session[FRESH_CODES_KEY] = codes
    return device


def _verified(request, device) -> None:
    """This session has confirmed a code: a new session key, and the device remembered."""
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session[HAS_DEVICE_KEY] = [request.user.pk, True]


def take_fresh_codes(request) -> list[str] | None:
    """The recovery codes just made, once: the page that shows them takes them away."""
    return request.session.pop(FRESH_CODES_KEY, None)
