"""Practice forms: the call check's question, as a GET form (a lead and a call, in the words of
the page's URL), and the dialing drill's start and answer. A tampered value is a form error,
never a change."""

import copy
from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import DrillSession
from courses.practice.calling_rules import Call, Lead, local_clock
from courses.practice.drill import CARDS, MAX_SEED
from courses.practice.grading import CHOICES

CALLERS = (("other", _("Another seller")), ("broker-dealer", _("A broker-dealer")))
CONSENTS = (
    ("none", pgettext_lazy("consent", "None")),
    ("express", _("Prior express consent")),
    ("written", _("Prior express written consent")),
)
LINE_LABELS = {
    "landline": _("Home landline"),
    "mobile": _("Personal mobile"),
    "business": pgettext_lazy("a telephone line", "Business"),
}
METHOD_LABELS = {
    "live": _("Dialed by hand, live agent"),
    "autodialed": _("Placed by a dialer, live agent"),
    "prerecorded": _("Prerecorded or artificial voice"),
}

# The states as the call check's list names them, in the language of the page.
STATE_CHOICES = (
    ("AL", pgettext_lazy("US state", "Alabama")),
    ("AK", pgettext_lazy("US state", "Alaska")),
    ("AZ", pgettext_lazy("US state", "Arizona")),
    ("AR", pgettext_lazy("US state", "Arkansas")),
    ("CA", pgettext_lazy("US state", "California")),
    ("CO", pgettext_lazy("US state", "Colorado")),
    ("CT", pgettext_lazy("US state", "Connecticut")),
    ("DE", pgettext_lazy("US state", "Delaware")),
    ("DC", pgettext_lazy("US state", "District of Columbia")),
    ("FL", pgettext_lazy("US state", "Florida")),
    ("GA", pgettext_lazy("US state", "Georgia")),
    ("HI", pgettext_lazy("US state", "Hawaii")),
    ("ID", pgettext_lazy("US state", "Idaho")),
    ("IL", pgettext_lazy("US state", "Illinois")),
    ("IN", pgettext_lazy("US state", "Indiana")),
    ("IA", pgettext_lazy("US state", "Iowa")),
    ("KS", pgettext_lazy("US state", "Kansas")),
    ("KY", pgettext_lazy("US state", "Kentucky")),
    ("LA", pgettext_lazy("US state", "Louisiana")),
    ("ME", pgettext_lazy("US state", "Maine")),
    ("MD", pgettext_lazy("US state", "Maryland")),
    ("MA", pgettext_lazy("US state", "Massachusetts")),
    ("MI", pgettext_lazy("US state", "Michigan")),
    ("MN", pgettext_lazy("US state", "Minnesota")),
    ("MS", pgettext_lazy("US state", "Mississippi")),
    ("MO", pgettext_lazy("US state", "Missouri")),
    ("MT", pgettext_lazy("US state", "Montana")),
    ("NE", pgettext_lazy("US state", "Nebraska")),
    ("NV", pgettext_lazy("US state", "Nevada")),
    ("NH", pgettext_lazy("US state", "New Hampshire")),
    ("NJ", pgettext_lazy("US state", "New Jersey")),
    ("NM", pgettext_lazy("US state", "New Mexico")),
    ("NY", pgettext_lazy("US state", "New York")),
    ("NC", pgettext_lazy("US state", "North Carolina")),
    ("ND", pgettext_lazy("US state", "North Dakota")),
    ("OH", pgettext_lazy("US state", "Ohio")),
    ("OK", pgettext_lazy("US state", "Oklahoma")),
    ("OR", pgettext_lazy("US state", "Oregon")),
    ("PA", pgettext_lazy("US state", "Pennsylvania")),
    ("RI", pgettext_lazy("US state", "Rhode Island")),
    ("SC", pgettext_lazy("US state", "South Carolina")),
    ("SD", pgettext_lazy("US state", "South Dakota")),
    ("TN", pgettext_lazy("US state", "Tennessee")),
    ("TX", pgettext_lazy("US state", "Texas")),
    ("UT", pgettext_lazy("US state", "Utah")),
    ("VT", pgettext_lazy("US state", "Vermont")),
    ("VA", pgettext_lazy("US state", "Virginia")),
    ("WA", pgettext_lazy("US state", "Washington")),
    ("WV", pgettext_lazy("US state", "West Virginia")),
    ("WI", pgettext_lazy("US state", "Wisconsin")),
    ("WY", pgettext_lazy("US state", "Wyoming")),
)


class LocalDateTimeField(forms.Field):
    """A date and time on the called party's own clock, `YYYY-MM-DDTHH:MM`.

    Django's DateTimeField would read it in the site's time zone; the lead's clock is theirs.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    default_error_messages = {"invalid": _("Enter a date and time as YYYY-MM-DDTHH:MM.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return local_clock(datetime.strptime(value, "%Y-%m-%dT%H:%M"))
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        return value.strftime("%Y-%m-%dT%H:%M") if isinstance(value, datetime) else value


class FixedChoices:
    """For a choice field whose choices are constants: each form's copy of the field shares
    them, and its widget, which nothing changes per form. Django deep-copies both for every
    form, and for the call check's fifty states and nine other choices that copy cost as much
    as answering the question."""

    def __deepcopy__(self, memo):
        result = copy.copy(self)
        memo[id(self)] = result
        return result


class FixedChoiceField(FixedChoices, forms.ChoiceField):
    pass


class FixedTypedChoiceField(FixedChoices, forms.TypedChoiceField):
    pass


def flag(label: str) -> forms.TypedChoiceField:
    """`1` when it holds; absent (or `0`) when it does not; anything else is refused.

    The page draws it as a checkbox sending `1`; Django's CheckboxInput would read `0` as true.
    """
    return FixedTypedChoiceField(
        label=label,
        choices=(("1", _("Yes")), ("0", _("No"))),
        coerce=lambda value: value == "1",
        required=False,
        empty_value=False,
    )


def day(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )


class CallCheckForm(forms.Form):
    state = FixedChoiceField(label=_("State of the called party"), choices=STATE_CHOICES)
    when = LocalDateTimeField(label=_("Their local date and time"))
    line = FixedChoiceField(
        label=pgettext_lazy("a telephone number", "Number"), choices=LINE_LABELS.items()
    )
    registry = flag(_("On the National Do-Not-Call Registry"))
    state_list = flag(_("On the state's own do-not-call list"))
    firm_dnc = flag(_("Asked the firm not to call"))
    last_purchase = day(_("Last purchase or transaction with the seller"))
    last_inquiry = day(_("Last inquiry or application"))
    written_permission = flag(_("Signed written permission naming this number"))
    personal_relationship = flag(_("You know them personally"))
    caller = FixedChoiceField(label=_("Who is calling"), choices=CALLERS)
    method = FixedChoiceField(label=_("How the call is made"), choices=METHOD_LABELS.items())
    consent = FixedChoiceField(label=_("Consent to calls like this"), choices=CONSENTS)
    calls_24h = forms.IntegerField(
        label=_("Calls to them in the last 24 hours"),
        required=False,
        min_value=0,
        max_value=999,
    )

    def clean_calls_24h(self):
        return self.cleaned_data["calls_24h"] or 0

    def clean(self):
        cleaned = super().clean()
        when = cleaned.get("when")
        for name in ("last_purchase", "last_inquiry"):
            day = cleaned.get(name)
            if when and day and day > when.date():
                self.add_error(name, _("This date is after the call: enter one on or before it."))
        return cleaned

    def lead_and_call(self) -> tuple[Lead, Call]:
        data = self.cleaned_data
        lead = Lead(
            local_time=data["when"],
            state=data["state"],
            line=data["line"],
            on_national_registry=data["registry"],
            on_state_list=data["state_list"],
            firm_dnc_request=data["firm_dnc"],
            last_purchase=data["last_purchase"],
            last_inquiry=data["last_inquiry"],
            written_permission=data["written_permission"],
            personal_relationship=data["personal_relationship"],
            calls_last_24h=data["calls_24h"],
        )
        call = Call(
            caller_is_broker_dealer=data["caller"] == "broker-dealer",
            method=data["method"],
            prior_express_consent=data["consent"] in ("express", "written"),
            prior_express_written_consent=data["consent"] == "written",
        )
        return lead, call


# --- The dialing drill ---------------------------------------------------------------------------


def seed_field() -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_SEED - 1,
        label=_("Deal number"),
        error_messages={
            "invalid": _("A deal number is a whole number from 0."),
            "min_value": _("A deal number is a whole number from 0."),
            "max_value": _("There is no deal with that number."),
        },
    )


class DrillStartForm(forms.Form):
    mode = forms.ChoiceField(choices=DrillSession.Mode.choices)
    seed = seed_field()


class DealForm(forms.Form):
    """A deal to replay, from the address (?seed=N)."""

    seed = seed_field()


class LeadAnswerForm(forms.Form):
    """An answer to a lead card: Call now, Don't call, or Call later with a moment on the
    lead's clock (`callback` in cleaned_data, naive)."""

    choice = forms.ChoiceField(choices=[(key, _(label)) for key, label in CHOICES.items()])
    callback_date = forms.DateField(required=False, label=_("Date"))
    callback_time = forms.TimeField(required=False, label=_("Time"))

    def clean(self):
        data = super().clean()
        data["callback"] = None
        if data.get("choice") == "wait":
            day, moment = data.get("callback_date"), data.get("callback_time")
            if day is None or moment is None:
                raise forms.ValidationError(
                    _("Say when to call back: a date and a time on the lead's clock.")
                )
            data["callback"] = datetime.combine(day, moment)
        return data


class DrillAnswerForm(LeadAnswerForm):
    field_order = ["position"]

    position = forms.IntegerField(min_value=0, max_value=CARDS - 1)


class NextCardForm(forms.Form):
    position = forms.IntegerField(min_value=1, max_value=CARDS - 1)
