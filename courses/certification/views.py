"""Compliance: the review queue with its evidence, certificates and recertification, for
compliance officers only (the audit log and the reports: report_views).

Certificates: the printable certificate for its holder, their manager and compliance, and
the public verification page that anyone can use without logging in.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from courses.certification import documents, engagement, services
from courses.certification.forms import (
    BulkCertifyForm,
    CertifyForm,
    PersonSearch,
    ReasonForm,
    RecertifyForm,
    RejectForm,
    VerifyForm,
)
from courses.certification.models import CertificationStatus, code_groups
from courses.certification.selectors import certificate_url
from courses.models import Certificate, CompletionRecord, Module
from courses.platform.access import compliance_required, is_compliance, visible_people
from courses.platform.days import day as written_day
from courses.platform.people import display_name
from courses.review.selectors import practice_since_certification

PAGE_SIZE = 100


def template_for(request, page: str) -> str:
    """The page, or for htmx its `results` partial (a history restore wants the whole page)."""
    if request.htmx and not request.htmx.history_restore_request:
        return f"{page}#results"
    return page


@require_GET
@compliance_required
@vary_on_headers("HX-Request")
def queue(request):
    now = timezone.now()
    search = PersonSearch(request.GET or None)
    pending = (
        CompletionRecord.objects.filter(review__isnull=True)
        .filter(search.people(to_person="user"))
        .select_related("user", "module")
        .order_by("completed_at")
    )
    expiring = (
        Certificate.objects.expiring(now=now)
        .filter(search.people(to_person="record__user"))
        .select_related("record__user", "record__module")
    )
    outdated = (
        Module.objects.published()
        .filter(required_for_certification=True)
        .annotate(
            outdated=Count(
                "completion_records__certificate",
                filter=Q(
                    completion_records__material_version__lt=F("material_version"),
                    completion_records__certificate__revocation__isnull=True,
                    completion_records__certificate__supersession__isnull=True,
                )
                & (
                    Q(completion_records__certificate__expires_at__gt=now)
                    | Q(completion_records__certificate__expires_at__isnull=True)
                ),
            )
        )
        .filter(outdated__gt=0)
    )
    context = {
        "search": search,
        "pending": pending,
        "expiring": expiring,
        "outdated": outdated,
        "nav": "compliance",
    }
    return render(request, template_for(request, "compliance/queue.html"), context)


@require_GET
@compliance_required
def record_detail(request, record_id):
    record = get_object_or_404(
        CompletionRecord.objects.select_related(
            "user", "module", "review__officer", "certificate__revocation"
        ),
        pk=record_id,
    )
    steps = record.module.steps.active().order_by("position")
    context = record_context(request, record, RejectForm(steps=steps))
    return render(request, "compliance/record.html", context)


def record_context(request, record: CompletionRecord, reject_form) -> dict:
    return {
        "record": record,
        "evidence": record.evidence,
        "flags": record.flags,
        "timings": engagement.step_timings(record.evidence),
        "module_time": engagement.module_time(record.evidence),
        "reply_min_seconds": engagement.REPLY_MIN_SECONDS,
        "review": getattr(record, "review", None),
        "certificate": getattr(record, "certificate", None),
        "reject_form": reject_form,
        "own": record.user_id == request.user.pk,
        "practice": practice_since_certification(user_id=record.user_id, module=record.module),
        "nav": "compliance",
    }


@require_POST
@compliance_required
def record_certify(request, record_id):
    record = get_object_or_404(
        CompletionRecord.objects.select_related("module", "user"), pk=record_id
    )
    form = CertifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("compliance:record", record.pk)
    try:
        certificate = services.completion_certify(
            officer=request.user, record=record, note=form.cleaned_data["note"]
        )
    except services.CertificationRefused as refused:
        messages.error(request, str(refused))
        return redirect("compliance:record", record.pk)
    certified_message(request, [certificate])
    return redirect("compliance:queue")


def certified_message(request, certificates: list[Certificate]) -> None:
    """Say what was certified, each with a link to its new certificate. The message's markup
    comes from its template, which escapes every name in it."""
    shown = [
        {"certificate": c, "url": certificate_url(c.code), "who": display_name(c.record.user)}
        for c in certificates
    ]
    text = render_to_string("compliance/_certified_message.html", {"certified": shown})
    messages.success(request, mark_safe(text.strip()))


@require_POST
@compliance_required
def record_reject(request, record_id):
    record = get_object_or_404(
        CompletionRecord.objects.select_related("module", "user"), pk=record_id
    )
    steps = record.module.steps.active().order_by("position")
    form = RejectForm(request.POST, steps=steps)
    if form.is_valid():
        try:
            services.completion_reject(
                officer=request.user,
                record=record,
                note=form.cleaned_data["note"],
                redo_steps=form.cleaned_data["steps"],
            )
        except services.CertificationRefused as refused:
            messages.error(request, str(refused))
            return redirect("compliance:record", record.pk)
        messages.success(
            request,
            _("Rejected; %(name)s is asked to redo it.") % {"name": display_name(record.user)},
        )
        return redirect("compliance:queue")
    context = record_context(request, record, form) | {"review": None, "certificate": None}
    return render(request, "compliance/record.html", context, status=400)


@require_POST
@compliance_required
def bulk_certify(request):
    form = BulkCertifyForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Select completions that are waiting for review; nothing was certified.")
        )
        return redirect("compliance:queue")
    records = form.cleaned_data["records"]
    certified, refused = [], []
    for record in records:
        try:
            certified.append(services.completion_certify(officer=request.user, record=record))
        except services.CertificationRefused as reason:
            refused.append((display_name(record.user), str(reason)))
    if certified:
        certified_message(request, certified)
    for name, reason in refused:
        messages.warning(
            request, _("Not certified. %(name)s: %(reason)s") % {"name": name, "reason": reason}
        )
    return redirect("compliance:queue")


@require_GET
@compliance_required
@vary_on_headers("HX-Request")
def certificate_list(request):
    now = timezone.now()
    search = PersonSearch(request.GET or None)
    certificates = (
        Certificate.objects.filter(search.people(to_person="record__user"))
        .select_related(
            "record__user", "record__module", "revocation", "supersession", "certified_by"
        )
        .order_by("-issued_at")
    )
    paginator = Paginator(certificates, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    for certificate in page:
        certificate.status = certificate.status_at(now)
    context = {
        "search": search,
        "page": page,
        "query": _without(request, "page"),
        "nav": "compliance",
    }
    return render(request, template_for(request, "compliance/certificates.html"), context)


def _without(request, name: str) -> str:
    """The request's query string without `name` (a page marker), for the pager's links."""
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


@require_POST
@compliance_required
def certificate_revoke(request, code):
    certificate = get_object_or_404(
        Certificate.objects.select_related("record__module", "record__user"), code=code
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for revoking the certificate."))
        return redirect("certificates:detail", code)
    try:
        services.certificate_revoke(
            officer=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
        )
    except services.CertificationRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The certificate is revoked; its verification page says so."))
    return redirect("certificates:detail", code)


@require_http_methods(["GET", "POST"])
@compliance_required
def recertify(request, module_id):
    module = get_object_or_404(
        Module.objects.published().filter(required_for_certification=True), pk=module_id
    )
    affected = services.outdated_certificates(module)
    form = RecertifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request_row = services.recertification_require(
            officer=request.user,
            module=module,
            due_date=form.cleaned_data["due_date"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request,
            _("Recertification required of %(count)s person(s) by %(day)s.")
            % {
                "count": request_row.supersessions.count(),
                "day": written_day(request_row.due_date),
            },
        )
        return redirect("compliance:queue")
    context = {"module": module, "affected": affected, "form": form, "nav": "compliance"}
    status = 400 if request.method == "POST" else 200
    return render(request, "compliance/recertify.html", context, status=status)


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


def certificate_context(request, certificate: Certificate) -> dict:
    verify_url = documents.verification_url(certificate.code)
    return {
        "certificate": certificate,
        "record": certificate.record,
        "status": certificate.status_at(timezone.now()),
        "Status": CertificationStatus,
        "verify_url": verify_url,
        "qr_svg": documents.qr_svg(verify_url),
        "can_revoke": is_compliance(request.user),
        "revoke_form": ReasonForm(),
    }


@require_GET
def certificate_detail(request, code):
    certificate = viewable_certificate(request, code)
    return render(
        request, "certificates/certificate.html", certificate_context(request, certificate)
    )


@require_GET
def certificate_pdf(request, code):
    """The certificate page as it prints, as a PDF download: for the same people."""
    from courses.certification import pdf  # WeasyPrint: imported by this view only

    certificate = viewable_certificate(request, code)
    html = render_to_string(
        "certificates/certificate.html", certificate_context(request, certificate), request
    )
    response = HttpResponse(pdf.pdf_from_html(html), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="callready-certificate-{certificate.code}.pdf"'
    )
    return response


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
    context = {
        "form": VerifyForm(),
        "checked": True,
        "checked_code": code_groups(normalise(code)),
        "certificate": certificate,
        "Status": CertificationStatus,
    }
    if certificate is not None:
        context["status"] = certificate.status_at(timezone.now())
    response = render(
        request, "certificates/verify.html", context, status=200 if certificate else 404
    )
    response["X-Robots-Tag"] = "noindex"
    return response
