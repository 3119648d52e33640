"""Forms. Every choice a form offers is limited to what the person may act on, so a tampered
value is a form error, never a change."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Refuses a username longer than any account's before it reaches authentication, where
    the lockout records would have to store it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class DateInput(forms.DateInput):
    input_type = "date"
