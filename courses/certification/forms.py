"""Forms. Every choice a form offers is limited to what the person may act on, so a tampered
value is a form error, never a change."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.certification.reports import STATUSES
from courses.models import AuditEntry, CompletionRecord, Module, Team
from courses.platform.forms import DateInput
from courses.platform.people import person_search
from courses.teams.models import validate_due_date


class CertifyForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000)


class BulkCertifyForm(forms.Form):
    records = forms.MultipleChoiceField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Checked against the pending records in Python: a tampered id is a form error,
        # never a number handed to the database.
        pending = CompletionRecord.objects.filter(review__isnull=True).values_list("pk", flat=True)
        self.fields["records"].choices = [(str(pk), str(pk)) for pk in pending]

    def clean_records(self):
        ids = [int(value) for value in self.cleaned_data["records"]]
        return list(CompletionRecord.objects.filter(pk__in=ids).select_related("module", "user"))


class RejectForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What must the rep redo, and why?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    steps = forms.MultipleChoiceField(
        label=gettext_lazy("Steps to reopen"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.step_rows = {str(step.pk): step for step in steps}
        self.fields["steps"].choices = [
            (pk, _("%(kind)s: %(step)s") % {"kind": step.get_kind_display(), "step": step.title})
            for pk, step in self.step_rows.items()
        ]
        self.fields["steps"].initial = [
            pk for pk, step in self.step_rows.items() if step.kind != "lesson"
        ]

    def clean_steps(self):
        return [self.step_rows[pk] for pk in self.cleaned_data["steps"]]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RecertifyForm(forms.Form):
    due_date = forms.DateField(
        label=gettext_lazy("Recertify by"), widget=DateInput, validators=[validate_due_date]
    )
    reason = forms.CharField(
        label=gettext_lazy("What changed, and why recertification is required"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PersonSearch(forms.Form):
    """A search by person: any of their name, username or email, in any case."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label=gettext_lazy("Person"),
        help_text=gettext_lazy("Name, username or email"),
        widget=forms.SearchInput,
    )

    @property
    def query(self) -> str:
        """What was searched for ("" for nothing, or a search that is not valid)."""
        return self.cleaned_data.get("q", "") if self.is_valid() else ""

    def people(self, *, to_person: str = "") -> Q:
        """The rows whose person the search finds (every row when nothing is searched)."""
        return person_search(self.query, to_person=to_person)


class ReportFilters(PersonSearch):
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(),
        required=False,
        label=gettext_lazy("Team"),
        empty_label=gettext_lazy("All teams"),
    )
    module = forms.ModelChoiceField(
        queryset=Module.objects.published().filter(required_for_certification=True),
        required=False,
        label=gettext_lazy("Module"),
        empty_label=gettext_lazy("All required modules"),
    )
    status = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Status"),
        choices=[
            ("", gettext_lazy("Any status")),
            *((status.value, status.label) for status in STATUSES),
        ],
    )
    completed_from = forms.DateField(
        required=False, label=gettext_lazy("Completed from"), widget=DateInput
    )
    completed_to = forms.DateField(
        required=False, label=gettext_lazy("Completed to"), widget=DateInput
    )
    as_of = forms.DateField(
        required=False,
        label=gettext_lazy("As of"),
        widget=DateInput,
        help_text=gettext_lazy("Show who held a valid certificate at the end of that day."),
    )


class AuditFilters(forms.Form):
    action = forms.ChoiceField(required=False, label=gettext_lazy("What"))
    person = forms.CharField(
        required=False, max_length=150, label=gettext_lazy("Person (username)")
    )
    date_from = forms.DateField(required=False, label=gettext_lazy("From"), widget=DateInput)
    date_to = forms.DateField(required=False, label=gettext_lazy("To"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Everything")), *AuditEntry.Action.choices]


class VerifyForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Verification code"), max_length=64, strip=True)
