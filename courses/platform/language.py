"""The interface language: the one a person chose, else the one their browser asks for.

A choice is remembered twice: in the browser (Django's language cookie, which LocaleMiddleware
reads on every request at no query's cost) and, for a signed-in person, in the database
(`LanguagePreference`), so it follows them to another browser and their emails are written in
it. The stored choice is read once, when they log in: it wins over the browser's, and is put in
the cookie then. Emails are composed inside `in_recipients_language`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import models
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from courses.platform.models import LanguagePreference

# Set on a request whose login found a stored language; the middleware then writes the cookie.
LANGUAGE_AT_LOGIN = "_language_at_login"


def offered(language: str | None) -> bool:
    return language in dict(settings.LANGUAGES)


def stored_language(user) -> str | None:
    """The language a person chose, if they ever did (one query)."""
    if user is None or not user.pk:
        return None
    return LanguagePreference.objects.filter(user=user).values_list("language", flat=True).first()


def language_choose(*, user, language: str) -> None:
    """Remember a signed-in person's choice of language."""
    if not offered(language):
        raise ValueError(f"{language!r} is not one of the site's languages")
    LanguagePreference.objects.update_or_create(user=user, defaults={"language": language})


def remember_in_browser(response: HttpResponse, language: str) -> None:
    """The language cookie, as Django's own language view writes it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@receiver(user_logged_in, dispatch_uid="courses.platform.language.login")
def _stored_language_wins_at_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """A stored choice wins over the browser's; a person who has none yet, but chose one in
    this browser before logging in, keeps that one as theirs."""
    if request is None:
        return
    language = stored_language(user)
    if not offered(language):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if offered(chosen):
            language_choose(user=user, language=chosen)
        return
    translation.activate(language)
    request.LANGUAGE_CODE = language
    setattr(request, LANGUAGE_AT_LOGIN, language)


class LanguageAtLoginMiddleware:
    """Writes the language cookie on the response to a login that found a stored language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = getattr(request, LANGUAGE_AT_LOGIN, None)
        if language:
            remember_in_browser(response, language)
        return response


def in_recipients_language[T](
    compose: Callable[[int], T], model: type[models.Model], recipient: str
) -> Callable[[int], T]:
    """`compose(pk)`, in the language of the person in row `pk`'s field `recipient` (their
    stored choice, else the site's default language)."""

    def composed(pk: int) -> T:
        language = (
            model._default_manager.filter(pk=pk)
            .values_list(f"{recipient}__language_preference__language", flat=True)
            .first()
        )
        with translation.override(language if offered(language) else settings.LANGUAGE_CODE):
            return compose(pk)

    return composed
