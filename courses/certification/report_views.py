"""Compliance's records: the audit log and the certification report, each with its CSV. For
compliance officers only. CSVs are written in English, whatever the page's language: whatever
reads them expects their headers and labels."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from courses.certification.forms import AuditFilters, ReportFilters
from courses.certification.models import CertificationStatus
from courses.certification.reports import certification_rows, certification_totals
from courses.certification.views import PAGE_SIZE, _without, template_for
from courses.models import AuditEntry, Membership
from courses.platform.access import REP, compliance_required
from courses.platform.csvexport import csv_response
from courses.platform.people import display_name

REPORT_PAGE_ROWS = 50


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
