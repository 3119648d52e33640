"""Signed-in sessions end after a while without activity.

Each session remembers when it was last seen (whole seconds), written at most once a minute so
that a person reading page after page costs one session write a minute, not one a request; the
time without activity is therefore counted to the minute. The limit is `SESSION_IDLE_MINUTES`,
or `SESSION_IDLE_MINUTES_PRIVILEGED` for compliance officers and administrators (staff), who can
see and change more. A session past its limit is logged out and its person sent to log in, told
why. The session's row is also set to expire a day after its limit, so the database forgets
abandoned sessions (`clearsessions`) while whoever comes back the same day still reads why.
"""

from __future__ import annotations

import enum

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

from courses.platform.access import is_compliance

LAST_SEEN = "idle.last_seen"
REFRESH_AFTER_SECONDS = 60
KEPT_AFTER_LIMIT_SECONDS = 24 * 60 * 60


class Idle(enum.Enum):
    FRESH = "fresh"  # seen within the last minute: nothing to write
    REFRESH = "refresh"  # still within the limit: write the time seen
    EXPIRED = "expired"  # past the limit: log out


def idle_state(*, last_seen: int | None, now: int, limit_seconds: int) -> Idle:
    """What a request does with its session, from when the session was last seen."""
    if last_seen is None:
        return Idle.REFRESH
    idle = now - last_seen
    if idle > limit_seconds:
        return Idle.EXPIRED
    if idle < -limit_seconds:
        return Idle.REFRESH  # a clock set far back: start again from now
    # Seen in the last minute, or a moment "in the future" (another server's clock a little
    # ahead of this one's): nothing to write.
    if idle < REFRESH_AFTER_SECONDS:
        return Idle.FRESH
    return Idle.REFRESH


def idle_limit_minutes(user) -> int:
    """How many minutes without activity end this person's session."""
    if user.is_staff or is_compliance(user):
        return settings.SESSION_IDLE_MINUTES_PRIVILEGED
    return settings.SESSION_IDLE_MINUTES


@receiver(user_logged_in)
def seen_at_login(sender, request, user, **kwargs):
    """A login is activity: the session starts seen, so its first page writes nothing more."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(timezone.now().timestamp())


def refreshes_now(request) -> bool:
    """Whether this request writes the time the session was seen (or ends the session): what
    else a session remembers about its person can be read again then, in the same write."""
    state = idle_state(
        last_seen=request.session.get(LAST_SEEN),
        now=int(timezone.now().timestamp()),
        limit_seconds=idle_limit_minutes(request.user) * 60,
    )
    return state is not Idle.FRESH


class IdleSessionMiddleware:
    """After authentication, messages and htmx: ends a signed-in session left idle too long."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A request without a session cookie has nobody signed in: no session read for it.
        signed_in = (
            settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated
        )
        if signed_in and (ended := self.check(request)) is not None:
            return ended
        return self.get_response(request)

    def check(self, request):
        minutes = idle_limit_minutes(request.user)
        limit = minutes * 60
        now = int(timezone.now().timestamp())
        session = request.session
        state = idle_state(last_seen=session.get(LAST_SEEN), now=now, limit_seconds=limit)
        if state is Idle.REFRESH:
            session[LAST_SEEN] = now
            session.set_expiry(limit + KEPT_AFTER_LIMIT_SECONDS)
        elif state is Idle.EXPIRED:
            return self.end(request, minutes)
        return None

    def end(self, request, minutes: int):
        logout(request)
        messages.info(
            request,
            ngettext(
                "Your session ended after %(minutes)d minute without activity. "
                "Please log in again.",
                "Your session ended after %(minutes)d minutes without activity. "
                "Please log in again.",
                minutes,
            )
            % {"minutes": minutes},
        )
        if request.htmx:
            # The page the person was on, not the fragment it asked for.
            return HttpResponseClientRedirect(
                redirect_to_login(request.htmx.current_url_abs_path or "/")["Location"]
            )
        if request.method in {"GET", "HEAD"}:
            return redirect_to_login(request.get_full_path())
        # A form sent after the session ended is not replayed: log in, then start again.
        return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
