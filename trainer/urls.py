from django.contrib import admin
from django.urls import include, path

from courses.urls import (
    certificate_urls,
    compliance_urls,
    insight_urls,
    learner_urls,
    team_urls,
    verify_urls,
)
from courses.views import health

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("certificates/", include((certificate_urls, "certificates"))),
    path("compliance/", include((compliance_urls, "compliance"))),
    path("insights/", include((insight_urls, "insights"))),
    path("team/", include((team_urls, "team"))),
    path("verify/", include((verify_urls, "verify"))),
    path("", include((learner_urls, "learner"))),
]
