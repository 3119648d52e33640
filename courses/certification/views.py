"""Compliance: the review queue with its evidence, certificates, recertification, the audit
log and the reports. For compliance officers only.

Certificates: the printable certificate for its holder, their manager and compliance, and
the public verification page that anyone can use without logging in.
"""

import datetime
import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from courses.certification import documents, engagement, services
from courses.certification.forms import (
    AuditFilters,
    BulkCertifyForm,
    CertifyForm,
    PersonSearch,
    ReasonForm,
    RecertifyForm,
    RejectForm,
    ReportFilters,
    VerifyForm,
)
from courses.certification.models import CertificationStatus, code_groups
from courses.certification.reports import certification_rows, certification_totals
from courses.certification.selectors import certificate_url
from courses.models import AuditEntry, Certificate, CompletionRecord, Membership, Module
from courses.platform.access import REP, compliance_required, is_compliance, visible_people
from courses.platform.csvexport import csv_response
from courses.platform.days import day as written_day
from courses.platform.people import display_name
from courses.review.selectors import practice_since_certification

PAGE_SIZE = 100
REPORT_PAGE_ROWS = 50


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
    context = {"form": form, "page": page, "query": _without(request, "page"), "nav": "compliance"}
    return render(request, "compliance/audit.html", context)


def _name(user):
    """Who did it, as the CSV writes it (in English, as its headers and its actions are)."""
    return display_name(user) if user else "CallReady (automatic)"


def _english_labels(choices) -> dict[str, str]:
    """The choices' labels in English: a CSV reads the same in every language, as whatever
    reads it expects."""
    with translation.override("en"):
        return {choice.value: str(choice.label) for choice in choices}


@require_GET
@compliance_required
def audit_csv(request):
    _form, entries = audit_entries(request)
    actions = _english_labels(AuditEntry.Action)
    rows = (
        [
            timezone.localtime(e.at).isoformat(),
            actions.get(e.action, e.action),
            _name(e.actor),
            e.person.username if e.person else "",
            e.team_name,
            e.module_slug,
            e.summary,
            e.object_type,
            e.object_id,
            e.note,
        ]
        for e in entries.iterator(chunk_size=2000)
    )
    header = ["When", "What", "Who", "About", "Team", "Module", "Summary", "Object", "Id", "Note"]
    return csv_response(f"audit-log-{timezone.localdate():%Y-%m-%d}.csv", header, rows)


def offer(field, objects: list) -> list:
    """Give a model choice field these objects as its options, listed once: otherwise showing
    the form queries them again (and counts them first)."""
    field.choices = [
        ("", field.empty_label),
        *((o.pk, field.label_from_instance(o)) for o in objects),
    ]
    return objects


@dataclass
class ReportQuery:
    """The report's filter form and what it asks for: the people, and the report's arguments
    (modules, moment, statuses, completion days) that its rows and totals share."""

    form: ReportFilters
    people: QuerySet
    arguments: dict
    as_of: datetime.date | None

    def rows(self, **paging):
        """The rows, lazily (a page reads a few people at a time: see `certification_rows`)."""
        return certification_rows(self.people, **self.arguments, **paging)

    def totals(self):
        return certification_totals(self.people, **self.arguments)


def report_query(request) -> ReportQuery:
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
    if data.get("q"):
        people = people.filter(form.people())
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
    arguments = {
        "modules": modules,
        "moment": moment,
        "statuses": {CertificationStatus(data["status"])} if data.get("status") else None,
        "completed_from": data.get("completed_from"),
        "completed_to": data.get("completed_to"),
    }
    return ReportQuery(form, people, arguments, as_of)


def people_for_a_page(modules: int) -> int:
    """Enough people to fill a page when every module gives a row, and one more to tell
    whether there is a next page."""
    return -(-REPORT_PAGE_ROWS // max(modules, 1)) + 1


@require_GET
@compliance_required
@vary_on_headers("HX-Request")
def certification_report(request):
    """A page of whole people at a time, at least REPORT_PAGE_ROWS rows, paged by username,
    with the totals of everyone the filters match."""
    after = request.GET.get("after", "")[:150]
    report = report_query(request)
    rows = report.rows(after=after, first_chunk=people_for_a_page(len(report.arguments["modules"])))
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
        "form": report.form,
        "rows": shown,
        "totals": report.totals(),
        "next_query": next_query,
        "paged": bool(after),
        "as_of": report.as_of,
        "query": query.urlencode(),
        "nav": "compliance",
    }
    return render(request, template_for(request, "compliance/report.html"), context)


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@require_GET
@compliance_required
def certification_report_csv(request):
    report = report_query(request)
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
        for row in report.rows()
    )
    day = report.as_of or timezone.localdate()
    return csv_response(f"certification-report-{day:%Y-%m-%d}.csv", header, lines)


@require_GET
@compliance_required
def certification_totals_csv(request):
    """The report's totals, with the same filters: how many rows of the report's CSV have each
    status, and all of them. A file of its own, so that the report's CSV stays one row per
    person and module for whatever reads it."""
    report = report_query(request)
    totals = report.totals()
    labels = _english_labels(CertificationStatus)
    lines = [[labels[status], count] for status, count in totals.by_status]
    lines.append(["All", totals.total])
    day = report.as_of or timezone.localdate()
    return csv_response(f"certification-totals-{day:%Y-%m-%d}.csv", ["Status", "Rows"], lines)


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
