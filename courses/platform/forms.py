"""Forms. Every choice a form offers is limited to what the person may act on, so a tampered
value is a form error, never a change."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from courses.platform.language import stored_language
from courses.platform.oidc import password_login_for_everyone


class LoginForm(AuthenticationForm):
    """Refuses a username longer than any account's before it reaches authentication, where
    the lockout records would have to store it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))

    def confirm_login_allowed(self, user):
        """Under OIDC_ONLY a password opens administrators' accounts only."""
        super().confirm_login_allowed(user)
        if not password_login_for_everyone() and not user.is_staff:
            raise ValidationError(
                _("Password login is for administrators only. Sign in with single sign-on."),
                code="single_sign_on_only",
            )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Under OIDC_ONLY only administrators get a reset link; anyone else is answered the same
    way (nobody learns which addresses have accounts) and sent nothing. The email is written in
    the person's stored language, else in the language of the page it was asked for on."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        language = stored_language(context.get("user")) or translation.get_language()
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)

    def get_users(self, email):
        users = super().get_users(email)
        if password_login_for_everyone():
            return users
        return (user for user in users if user.is_staff)


class DateInput(forms.DateInput):
    input_type = "date"


class CodeForm(forms.Form):
    """A code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("Enter the 6-digit code from your authenticator app, or a recovery code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class SetupCodeForm(forms.Form):
    """The first code the authenticator app shows, to confirm it was set up."""

    code = forms.CharField(
        label=_("Code from your app"),
        max_length=16,
        help_text=_("Enter the 6-digit code your authenticator app now shows."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
