"""Compliance's downloads of a person's training record (JSON and PDF), each written to the audit
log, and the audit chain's check on request. For compliance officers only."""

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from courses.certification import records
from courses.certification.selectors import audit_chain_verdict
from courses.certification.services import audit_record
from courses.models import AuditEntry
from courses.platform.access import compliance_required
from courses.platform.people import display_name


def _exported(request, kind: str) -> dict:
    """The person's record as it stands now, its export written to the audit log."""
    person = get_object_or_404(get_user_model(), pk=request.resolver_match.kwargs["user_id"])
    record = records.training_record(person=person, generated_by=request.user, now=timezone.now())
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.RECORD_EXPORTED,
        person=person,
        summary=f"Training record of {display_name(person)} exported as {kind}.",
        details={"format": kind, "schema": records.SCHEMA},
        at=record["generated_at"],
    )
    return record


def _download(content, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@compliance_required
def record_json(request, user_id):
    record = _exported(request, "JSON")
    return _download(records.as_json(record), "application/json", records.filename(record, "json"))


@require_POST
@compliance_required
def record_pdf(request, user_id):
    from courses.certification import pdf  # WeasyPrint: imported by this view only

    record = _exported(request, "PDF")
    html = render_to_string("compliance/record_export.html", {"record": record}, request)
    return _download(pdf.pdf_from_html(html), "application/pdf", records.filename(record, "pdf"))


@require_GET
@compliance_required
@vary_on_headers("HX-Request")
def audit_verify(request):
    """Check the whole chain: one pass over the log, so on request only."""
    verdict = audit_chain_verdict()
    template = "compliance/audit_chain.html"
    if request.htmx:
        template += "#chain-status"
    context = {"verdict": verdict, "checked_at": timezone.now(), "nav": "compliance"}
    return render(request, template, context)
