"""Forms. Every choice a form offers is limited to what the person may act on, so a tampered
value is a form error, never a change."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.utils import translation

from courses.platform.language import stored_language


class LoginForm(AuthenticationForm):
    """Refuses a username longer than any account's before it reaches authentication, where
    the lockout records would have to store it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class DateInput(forms.DateInput):
    input_type = "date"


class PasswordResetInLanguageForm(PasswordResetForm):
    """The reset email is written in the person's stored language, else in the language of the
    page it was asked for on."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        language = stored_language(context.get("user")) or translation.get_language()
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
