"""Forms. Every choice a form offers is limited to what the person may act on, so a tampered
value is a form error, never a change."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import Course, Module, Team
from courses.platform.access import REP
from courses.platform.forms import DateInput
from courses.platform.people import person_label
from courses.teams.models import validate_due_date
from courses.teams.selectors import reps_in_scope


class AssignmentForm(forms.Form):
    what = forms.ChoiceField(label=gettext_lazy("Training to assign"))
    to = forms.ChoiceField(label=gettext_lazy("Assign to"))
    due_date = forms.DateField(
        label=gettext_lazy("Due date"), widget=DateInput, validators=[validate_due_date]
    )
    late_joiners = forms.ChoiceField(
        label=gettext_lazy("People who join the team later"),
        choices=[
            ("same", gettext_lazy("are due on the same date")),
            ("after", gettext_lazy("are due some days after joining")),
        ],
        initial="same",
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Only for a team: a team assignment also reaches people who join it later."
        ),
    )
    late_joiner_days = forms.IntegerField(
        label=gettext_lazy("Days after joining"),
        min_value=1,
        max_value=365,
        required=False,
        initial=14,
        help_text=gettext_lazy("Used when later joiners are due some days after joining."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the reps (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, teams, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = {str(team.pk): team for team in teams}
        self.people = {str(person.pk): person for person in people}
        modules = Module.objects.published().select_related("course")
        self.modules = {str(module.pk): module for module in modules}
        self.courses = {str(course.pk): course for course in Course.objects.published()}
        self.fields["what"].choices = [
            (
                course.title,
                [
                    (
                        f"course:{course.pk}",
                        _("The whole course: %(course)s") % {"course": course.title},
                    )
                ]
                + [
                    (f"module:{module.pk}", module.title)
                    for module in self.modules.values()
                    if module.course_id == course.pk
                ],
            )
            for course in self.courses.values()
        ]
        self.fields["to"].choices = [
            (
                _("Teams"),
                [
                    (f"team:{pk}", _("Team %(team)s") % {"team": team.name})
                    for pk, team in self.teams.items()
                ],
            ),
            (_("People"), [(f"user:{pk}", person_label(p)) for pk, p in self.people.items()]),
        ]

    def clean(self):
        data = super().clean()
        kind, _sep, pk = data.get("what", "").partition(":")
        if kind == "course" and pk in self.courses:
            data["modules"] = [m for m in self.modules.values() if str(m.course_id) == pk]
        elif kind == "module" and pk in self.modules:
            data["modules"] = [self.modules[pk]]
        elif "what" in data:
            self.add_error("what", _("Choose a module or a course from the list."))
        kind, _sep, pk = data.get("to", "").partition(":")
        data["team"] = self.teams.get(pk) if kind == "team" else None
        data["user"] = self.people.get(pk) if kind == "user" else None
        if "to" in data and data["team"] is None and data["user"] is None:
            self.add_error("to", _("Choose one of your teams or one of their members."))
        data["late_joiner_days"] = None
        if data.get("team") is not None and data.get("late_joiners") == "after":
            if not data.get("late_joiner_days"):
                self.add_error("late_joiner_days", _("Say how many days after joining."))
            else:
                data["late_joiner_days"] = self.cleaned_data["late_joiner_days"]
        return data


class DueDateForm(forms.Form):
    due_date = forms.DateField(
        label=gettext_lazy("New due date"), widget=DateInput, validators=[validate_due_date]
    )


class MemberAddForm(forms.Form):
    person = forms.CharField(
        label=gettext_lazy("Username or email of the person to add"),
        max_length=254,
        strip=True,
        help_text=gettext_lazy("You can add the reps an administrator has placed in your scope."),
    )

    def __init__(self, *args, manager, **kwargs):
        super().__init__(*args, **kwargs)
        self.manager = manager

    def clean_person(self):
        value = self.cleaned_data["person"]
        users = get_user_model().objects.filter(is_active=True)
        match = users.filter(username__iexact=value).first() or (
            users.filter(email__iexact=value).first() if "@" in value else None
        )
        if match is None:
            raise forms.ValidationError(_("No active account has that username or email."))
        if not match.groups.filter(name=REP).exists():
            raise forms.ValidationError(
                _("Only people with the Rep role can join a team; an administrator gives roles.")
            )
        if not reps_in_scope(self.manager).filter(pk=match.pk).exists():
            raise forms.ValidationError(
                _(
                    "You can add only the reps an administrator has placed in your scope; "
                    "ask an administrator to place this rep in it."
                )
            )
        return match


class DashboardFilters(forms.Form):
    SORTS = [
        ("name", gettext_lazy("Name")),
        ("progress", gettext_lazy("Least progress first")),
        ("overdue", gettext_lazy("Most overdue first")),
    ]

    team = forms.ChoiceField(required=False, label=gettext_lazy("Team"))
    module = forms.ChoiceField(required=False, label=gettext_lazy("Module"))
    overdue = forms.BooleanField(
        required=False, label=gettext_lazy("Only people with overdue training")
    )
    sort = forms.ChoiceField(required=False, choices=SORTS, label=gettext_lazy("Sort by"))

    def __init__(self, *args, teams: list[Team], modules: list[Module], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("All my teams"))] + [
            (str(t.pk), t.name) for t in teams
        ]
        self.fields["module"].choices = [("", _("All assigned modules"))] + [
            (str(m.pk), m.title) for m in modules
        ]

    def value(self, name, default=None):
        """The cleaned value, or the default when the filter is missing or tampered with."""
        if not self.is_bound:
            return default
        self.is_valid()
        return self.cleaned_data.get(name) or default
