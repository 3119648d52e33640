from django.contrib import admin
from django.contrib.auth import urls as auth_urls
from django.urls import include, path

from courses.platform import twofactor_views
from courses.platform.oidc import SignOnCallback, SignOnStart
from courses.platform.views import (
    LimitedPasswordResetView,
    RoleLoginView,
    choose_language,
    health,
)
from courses.urls import (
    certificate_urls,
    compliance_urls,
    insight_urls,
    learner_urls,
    practice_urls,
    review_urls,
    rule_urls,
    team_urls,
    verify_urls,
)

# Django's own account pages, with the site's login page (its form, each role's landing) and
# password reset (rate limited: courses/platform/resets.py; its email in the person's language;
# administrators only under OIDC_ONLY) in place of the stock ones.
account_urls = [
    path("login/", RoleLoginView.as_view(), name="login"),
    path("password_reset/", LimitedPasswordResetView.as_view(), name="password_reset"),
    *(
        pattern
        for pattern in auth_urls.urlpatterns
        if pattern.name not in {"login", "password_reset"}
    ),
]

# Single sign-on (courses/platform/oidc.py): off to the provider, and back. The names are the
# ones mozilla-django-oidc reverses.
sso_urls = [
    path("authenticate/", SignOnStart.as_view(), name="oidc_authentication_init"),
    path("callback/", SignOnCallback.as_view(), name="oidc_authentication_callback"),
]

urlpatterns = [
    path("accounts/", include(account_urls)),
    path("oidc/", include(sso_urls)),
    path("accounts/two-factor/", include((twofactor_views.urlpatterns, "twofactor"))),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    # The language chooser: Django's own view (django.conf.urls.i18n), which also stores a
    # signed-in person's choice.
    path("i18n/setlang/", choose_language, name="set_language"),
    path("certificates/", include((certificate_urls, "certificates"))),
    path("compliance/", include((compliance_urls, "compliance"))),
    path("insights/", include((insight_urls, "insights"))),
    path("review/", include((review_urls, "review"))),
    path("practice/", include((practice_urls, "practice"))),
    path("rules/", include((rule_urls, "rules"))),
    path("team/", include((team_urls, "team"))),
    path("verify/", include((verify_urls, "verify"))),
    path("", include((learner_urls, "learner"))),
]
