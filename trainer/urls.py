from django.contrib import admin
from django.contrib.auth import urls as auth_urls
from django.urls import include, path

from courses.platform.views import LimitedPasswordResetView, RoleLoginView, health
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

# Django's own account pages, with the site's login page (its form, each role's landing) in
# place of the stock one, and a password reset page that is rate limited
# (courses/platform/resets.py).
account_urls = [
    path("login/", RoleLoginView.as_view(), name="login"),
    path("password_reset/", LimitedPasswordResetView.as_view(), name="password_reset"),
    *(
        pattern
        for pattern in auth_urls.urlpatterns
        if pattern.name not in {"login", "password_reset"}
    ),
]

urlpatterns = [
    path("accounts/", include(account_urls)),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
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
