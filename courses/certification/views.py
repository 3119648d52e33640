"""Compliance: the review queue with its evidence, certificates, recertification, the audit
log and the reports. For compliance officers only.

Certificates: the printable certificate for its holder, their manager and compliance, and
the public verification page that anyone can use without logging in.
"""

import datetime
import re

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.certification import documents, engagement, services
from courses.certification.forms import (
    AuditFilters,
    BulkCertifyForm,
    CertifyForm,
    ReasonForm,
    RecertifyForm,
    RejectForm,
    ReportFilters,
    VerifyForm,
)
from courses.certification.models import CertificationStatus, code_groups
from courses.certification.reports import certification_rows
from courses.models import AuditEntry, Certificate, CompletionRecord, Membership, Module
from courses.platform.access import REP, compliance_required, is_compliance, visible_people
from courses.platform.csvexport import csv_response
from courses.platform.people import display_name
from courses.review.selectors import practice_since_certification

PAGE_SIZE = 100
REPORT_PAGE_ROWS = 50


@require_GET
@compliance_required
def queue(request):
    now = timezone.now()
    pending = (
        CompletionRecord.objects.filter(review__isnull=True)
        .select_related("user", "module")
        .order_by("completed_at")
    )
    expiring = Certificate.objects.expiring(now=now).select_related(
        "record__user", "record__module"
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
        "pending": pending,
        "expiring": expiring,
        "outdated": outdated,
        "nav": "compliance",
    }
    return render(request, "compliance/queue.html", context)


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
        services.completion_certify(
            officer=request.user, record=record, note=form.cleaned_data["note"]
        )
    except services.CertificationRefused as refused:
        messages.error(request, str(refused))
        return redirect("compliance:record", record.pk)
    messages.success(request, f"Certified: {record.module.title} for {display_name(record.user)}.")
    return redirect("compliance:queue")


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
        messages.success(request, f"Rejected; {display_name(record.user)} is asked to redo it.")
        return redirect("compliance:queue")
    context = record_context(request, record, form) | {"review": None, "certificate": None}
    return render(request, "compliance/record.html", context, status=400)


@require_POST
@compliance_required
def bulk_certify(request):
    form = BulkCertifyForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Select completions that are waiting for review; nothing was certified."
        )
        return redirect("compliance:queue")
    records = form.cleaned_data["records"]
    certified, refused = 0, []
    for record in records:
        try:
            services.completion_certify(officer=request.user, record=record)
            certified += 1
        except services.CertificationRefused as reason:
            refused.append(f"{display_name(record.user)}: {reason}")
    if certified:
        messages.success(request, f"Certified {certified} completion(s).")
    for line in refused:
        messages.warning(request, f"Not certified. {line}")
    return redirect("compliance:queue")


@require_GET
@compliance_required
def certificate_list(request):
    now = timezone.now()
    certificates = Certificate.objects.select_related(
        "record__user", "record__module", "revocation", "supersession", "certified_by"
    ).order_by("-issued_at")
    paginator = Paginator(certificates, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    for certificate in page:
        certificate.status = certificate.status_at(now)
    return render(request, "compliance/certificates.html", {"page": page, "nav": "compliance"})


@require_POST
@compliance_required
def certificate_revoke(request, code):
    certificate = get_object_or_404(
        Certificate.objects.select_related("record__module", "record__user"), code=code
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for revoking the certificate.")
        return redirect("certificates:detail", code)
    try:
        services.certificate_revoke(
            officer=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
        )
    except services.CertificationRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "The certificate is revoked; its verification page says so.")
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
            f"Recertification required of {request_row.supersessions.count()} person(s) "
            f"by {request_row.due_date:%d %b %Y}.",
        )
        return redirect("compliance:queue")
    context = {"module": module, "affected": affected, "form": form, "nav": "compliance"}
    status = 400 if request.method == "POST" else 200
    return render(request, "compliance/recertify.html", context, status=status)


def audit_entries(request):
    form = AuditFilters(request.GET or None)
    entries = AuditEntry.objects.select_related("actor", "person").order_by("-at", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["person"]:
            entries = entries.filter(
                Q(person__username__iexact=data["person"])
                | Q(actor__username__iexact=data["person"])
            )
        if data["date_from"]:
            entries = entries.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(at__date__lte=data["date_to"])
    return form, entries


@require_GET
@compliance_required
def audit_log(request):
    form, entries = audit_entries(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "nav": "compliance"}
    return render(request, "compliance/audit.html", context)


def _name(user):
    return display_name(user) if user else "CallReady (automatic)"


@require_GET
@compliance_required
def audit_csv(request):
    _, entries = audit_entries(request)
    rows = (
        [
            timezone.localtime(e.at).isoformat(),
            e.get_action_display(),
            _name(e.actor),
            e.person.username if e.person else "",
            e.team_name,
            e.module_slug,
            e.summary,
            e.object_type,
            e.object_id,
        ]
        for e in entries.iterator(chunk_size=2000)
    )
    header = ["When", "What", "Who", "About", "Team", "Module", "Summary", "Object", "Id"]
    return csv_response(f"audit-log-{timezone.localdate():%Y-%m-%d}.csv", header, rows)


def offer(field, objects: list) -> list:
    """Give a model choice field these objects as its options, listed once: otherwise showing
    the form queries them again (and counts them first)."""
    field.choices = [
        ("", field.empty_label),
        *((o.pk, field.label_from_instance(o)) for o in objects),
    ]
    return objects


def report_query(request, *, page=False, after=None):
    """The filter form, the rows (lazily; for a `page`, read a few people at a time) and the
    day the report is as of."""
    form = ReportFilters(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    User = get_user_model()
    # Exists rather than joins: no DISTINCT, so each chunk is a cheap walk along the primary key.
    people = User.objects.filter(
        Exists(User.groups.through.objects.filter(user=OuterRef("pk"), group__name=REP))
    )
    if data.get("team"):
        people = people.filter(
            Exists(Membership.objects.filter(user=OuterRef("pk"), team=data["team"]))
        )
    # The required modules in course order, as the module filter offers them.
    modules = offer(form.fields["module"], list(form.fields["module"].queryset))
    offer(form.fields["team"], list(form.fields["team"].queryset))
    if data.get("module"):
        modules = [m for m in modules if m.pk == data["module"].pk]
    as_of = data.get("as_of")
    moment = (
        timezone.make_aware(datetime.datetime.combine(as_of, datetime.time.max))
        if as_of
        else timezone.now()
    )
    rows = certification_rows(
        people,
        modules=modules,
        moment=moment,
        statuses={CertificationStatus(data["status"])} if data.get("status") else None,
        completed_from=data.get("completed_from"),
        completed_to=data.get("completed_to"),
        after=after,
        first_chunk=people_for_a_page(len(modules)) if page else None,
    )
    return form, rows, as_of


def people_for_a_page(modules: int) -> int:
    """Enough people to fill a page when every module gives a row, and one more to tell
    whether there is a next page."""
    return -(-REPORT_PAGE_ROWS // max(modules, 1)) + 1


@require_GET
@compliance_required
def certification_report(request):
    """A page of whole people at a time, at least REPORT_PAGE_ROWS rows, paged by username."""
    after = request.GET.get("after", "")[:150]
    form, rows, as_of = report_query(request, page=True, after=after)
    shown, next_after = [], None
    for row in rows:
        if len(shown) >= REPORT_PAGE_ROWS and row.person.pk != shown[-1].person.pk:
            next_after = shown[-1].person.username
            break
        shown.append(row)
    query = request.GET.copy()
    query.pop("after", None)
    next_query = None
    if next_after is not None:
        query["after"] = next_after
        next_query = query.urlencode()
        query.pop("after")
    context = {
        "form": form,
        "rows": shown,
        "next_query": next_query,
        "paged": bool(after),
        "as_of": as_of,
        "query": query.urlencode(),
        "nav": "compliance",
    }
    return render(request, "compliance/report.html", context)


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@require_GET
@compliance_required
def certification_report_csv(request):
    _, rows, as_of = report_query(request)
    header = [
        "Name", "Username", "Teams", "Module", "Status", "Completed", "Content version",
        "Certified", "Expires", "Certified by", "Verification code",
    ]  # fmt: skip
    lines = (
        [
            row.name,
            row.person.username,
            row.teams,
            row.module.title,
            row.status,
            _when(row.completed_at),
            row.content_version[:12],
            _when(row.certified_at),
            _when(row.expires_at),
            row.certified_by,
            row.code,
        ]
        for row in rows
    )
    day = as_of or timezone.localdate()
    return csv_response(f"certification-report-{day:%Y-%m-%d}.csv", header, lines)


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
