"""The two-factor pages: the account's two-factor status, setting up an authenticator app,
entering a code after logging in, recovery codes, and turning it off. The rules and every write
are in `twofactor.py`; the gate that sends people here is its middleware."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from courses.certification.documents import qr_svg
from courses.platform import twofactor
from courses.platform.access import landing
from courses.platform.forms import CodeForm, SetupCodeForm


def _next_url(request) -> str:
    """Where to go once this is done: the page the person was on its way to, if it is one of
    ours, else their role's page."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(landing(request.user))


def _next_value(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    return wanted if _next_url(request) == wanted else ""


@require_GET
def overview(request):
    user = request.user
    device = twofactor.totp_device(user)
    twofactor.refresh_has_device(request)
    return render(
        request,
        "account/twofactor.html",
        {
            "device": device,
            "codes_left": twofactor.recovery_codes_left(user) if device else 0,
            "required": twofactor.is_required(user),
        },
    )


@require_http_methods(["GET", "POST"])
def setup(request):
    user = request.user
    if twofactor.refresh_has_device(request):
        messages.info(request, _("Two-factor authentication is already on for your account."))
        return redirect("twofactor:overview")
    form = SetupCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and twofactor.twofactor_setup(
            request=request, code=form.cleaned_data["code"]
        ):
            messages.success(request, _("Two-factor authentication is on."))
            url = resolve_url("twofactor:codes")
            if next_value := _next_value(request):
                url = f"{url}?{urlencode({'next': next_value})}"
            return redirect(url)
        if form.is_valid():
            form.add_error(
                "code",
                _("That code does not match. Check the time on your phone and try a new code."),
            )
        status = 400
    key = twofactor.setup_secret(request)
    address = twofactor.config_url(key_hex=key, user=user)
    return render(
        request,
        "account/twofactor_setup.html",
        {
            "form": form,
            "qr": qr_svg(address),
            "secret": twofactor.secret_text(key),
            "required": twofactor.is_required(user),
            "next": _next_value(request),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def verify(request):
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not twofactor.refresh_has_device(request):
        if twofactor.is_required(user):
            return redirect("twofactor:setup")
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    form.fields["code"].widget.attrs["autofocus"] = True
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome = twofactor.twofactor_verify(request=request, code=form.cleaned_data["code"])
            if outcome.ok:
                return redirect(_next_url(request))
            _code_error(form, outcome)
            status = 429 if outcome.locked_until else 400
        else:
            status = 400
    return render(
        request,
        "account/twofactor_verify.html",
        {"form": form, "next": _next_value(request)},
        status=status,
    )


def _code_error(form, outcome: twofactor.Outcome) -> None:
    if outcome.locked_until:
        wait = max(1, round((outcome.locked_until - timezone.now()).total_seconds()))
        form.add_error(
            "code",
            ngettext(
                "Too many wrong codes. Wait %(seconds)d second, then try again.",
                "Too many wrong codes. Wait %(seconds)d seconds, then try again.",
                wait,
            )
            % {"seconds": wait},
        )
    else:
        form.add_error("code", _("That code is not right. Try again."))


@require_http_methods(["GET", "POST"])
def codes(request):
    user = request.user
    device = twofactor.totp_device(user)
    if device is None:
        return redirect("twofactor:overview")
    if not user.is_verified():
        return redirect("twofactor:verify")
    if request.method == "POST":
        twofactor.twofactor_regenerate_codes(request=request)
        messages.success(request, _("New recovery codes made. The old ones no longer work."))
        return redirect("twofactor:codes")
    return render(
        request,
        "account/twofactor_codes.html",
        {
            "fresh": twofactor.take_fresh_codes(request),
            "codes_left": twofactor.recovery_codes_left(user),
            "next": _next_value(request),
        },
    )


@require_http_methods(["GET", "POST"])
def remove(request, device_id: int):
    user = request.user
    device = get_object_or_404(TOTPDevice, pk=device_id, user=user, confirmed=True)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome = twofactor.twofactor_remove(
                request=request, device=device, code=form.cleaned_data["code"]
            )
            if outcome.ok:
                messages.success(request, _("Two-factor authentication is off."))
                if twofactor.is_required(user):
                    return redirect("twofactor:setup")
                return redirect("twofactor:overview")
            _code_error(form, outcome)
            status = 429 if outcome.locked_until else 400
        else:
            status = 400
    return render(
        request,
        "account/twofactor_remove.html",
        {"form": form, "device": device, "required": twofactor.is_required(user)},
        status=status,
    )


urlpatterns = [
    path("", overview, name="overview"),
    path("setup/", setup, name="setup"),
    path("verify/", verify, name="verify"),
    path("recovery-codes/", codes, name="codes"),
    path("devices/<int:device_id>/remove/", remove, name="remove"),
]
