"""Certificates: the printable certificate for its holder, their manager and compliance, and
the public verification page that anyone can use without logging in."""

import re

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..access import is_compliance, visible_people
from ..forms import ReasonForm, VerifyForm
from ..models import Certificate


def viewable_certificate(request, code: str) -> Certificate:
    certificate = get_object_or_404(
        Certificate.objects.select_related(
            "record__user", "record__module__course", "certified_by", "revocation", "supersession"
        ),
        code=code,
    )
    holder = certificate.record.user_id
    if holder != request.user.pk and not visible_people(request.user).filter(pk=holder).exists():
        raise Http404("No such certificate.")
    return certificate


@require_GET
def certificate_detail(request, code):
    certificate = viewable_certificate(request, code)
    context = {
        "certificate": certificate,
        "record": certificate.record,
        "status": certificate.status_at(timezone.now()),
        "verify_url": settings.SITE_URL + reverse("verify:code", args=[certificate.code]),
        "can_revoke": is_compliance(request.user),
        "revoke_form": ReasonForm(),
    }
    return render(request, "certificates/certificate.html", context)


def normalise(code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", code.upper())


@login_not_required
@require_GET
def verify(request):
    """The form: a code typed in is looked up on its own page."""
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("verify:code", normalise(form.cleaned_data["code"]) or "none")
    return render(request, "certificates/verify.html", {"form": form})


@login_not_required
@require_GET
def verify_code(request, code):
    """Valid, expired or revoked, with the name, module and dates only; unknown codes and
    malformed ones get the same plain answer."""
    certificate = (
        Certificate.objects.select_related(
            "record__user", "record__module", "revocation", "supersession"
        )
        .filter(code=normalise(code))
        .first()
    )
    context = {"form": VerifyForm(), "checked": True, "certificate": certificate}
    if certificate is not None:
        context["status"] = certificate.status_at(timezone.now())
    response = render(
        request, "certificates/verify.html", context, status=200 if certificate else 404
    )
    response["X-Robots-Tag"] = "noindex"
    return response
