from django.contrib import admin
from django.urls import include, path

from courses.urls import insight_urls, learner_urls, team_urls

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("insights/", include((insight_urls, "insights"))),
    path("team/", include((team_urls, "team"))),
    path("", include((learner_urls, "learner"))),
]
