from functools import cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

from courses.platform.access import is_compliance, is_manager, landing

NAVIGATION = {
    "home": "learner:home",
    "catalogue": "learner:catalogue",
    "call_check": "learner:call-check",
    "practice": "practice:home",
    "team": "team:dashboard",
    "assignments": "team:assignments",
    "insights": "insights:quizzes",
    "rules": "rules:list",
    "compliance": "compliance:queue",
    "admin": "admin:index",
    "password_change": "password_change",
    "logout": "logout",
    "set_language": "set_language",
}

# The navigation's link to each page a role lands on (the brand links there).
LANDING_LINK = {name: key for key, name in NAVIGATION.items()}


def navigation_urls() -> dict[str, str]:
    """The addresses the navigation links to.

    They depend only on the URL configuration and the prefix the site is served under, so
    they are worked out once per process for each (not on every page).
    """
    return dict(_navigation_urls(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF))


@cache
def _navigation_urls(prefix: str, urlconf: str) -> dict[str, str]:
    return {key: reverse(name, urlconf=urlconf) for key, name in NAVIGATION.items()}


# The files pages link to: every page's head, the countdowns (the drill's, a timed quiz's, the
# wait before a retry), the quiz's warnings, a call's clock, the certificate's Print button.
ASSETS = {
    "favicon": "favicon.svg",
    "site_css": "css/site.css",
    "print_css": "css/print.css",
    "htmx": "django_htmx/htmx-2.min.js",
    "countdown_js": "js/countdown.js",
    "quiz_js": "js/quiz.js",
    "call_js": "js/call.js",
    "certificate_js": "js/certificate.js",
}


@cache
def asset_urls() -> dict[str, str]:
    """The addresses of the files every page links to: fixed once the process has read the
    static files' manifest, so worked out once."""
    return {key: static(path) for key, path in ASSETS.items()}


def roles(request):
    user = request.user
    urls = navigation_urls()
    return {
        "is_manager": is_manager(user),
        "is_compliance": is_compliance(user),
        "urls": urls,
        "landing_url": urls[LANDING_LINK[landing(user)]],
        "assets": asset_urls(),
        # The language chooser's choices, each named in its own language ("English", "Suomi").
        "languages": settings.LANGUAGES,
    }
