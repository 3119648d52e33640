"""The dialing drill's forms: starting a session, and an answer. A tampered value is a form
error, never a change."""

from __future__ import annotations

import datetime

from django import forms

from courses.models import DrillSession
from courses.practice.drill import CARDS
from courses.practice.grading import CHOICES
from courses.practice.services import MAX_SEED


def seed_field() -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_SEED - 1,
        label="Deal number",
        error_messages={
            "invalid": "A deal number is a whole number from 0.",
            "min_value": "A deal number is a whole number from 0.",
            "max_value": "There is no deal with that number.",
        },
    )


class DrillStartForm(forms.Form):
    mode = forms.ChoiceField(choices=DrillSession.Mode.choices)
    seed = seed_field()


class DealForm(forms.Form):
    """A deal to replay, from the address (?seed=N)."""

    seed = seed_field()


class DrillAnswerForm(forms.Form):
    position = forms.IntegerField(min_value=0, max_value=CARDS - 1)
    choice = forms.ChoiceField(choices=list(CHOICES.items()))
    callback_date = forms.DateField(required=False, label="Date")
    callback_time = forms.TimeField(required=False, label="Time")

    def clean(self):
        data = super().clean()
        data["callback"] = None
        if data.get("choice") == "wait":
            day, moment = data.get("callback_date"), data.get("callback_time")
            if day is None or moment is None:
                raise forms.ValidationError(
                    "Say when to call back: a date and a time on the lead's clock."
                )
            data["callback"] = datetime.datetime.combine(day, moment)
        return data


class NextCardForm(forms.Form):
    position = forms.IntegerField(min_value=1, max_value=CARDS - 1)
