from django.urls import path

from .views import learner

app_name = "learner"

urlpatterns = [
    path("", learner.home, name="home"),
    path("catalogue/", learner.catalogue, name="catalogue"),
    path("modules/<slug:module_slug>/", learner.module_detail, name="module"),
    path("modules/<slug:module_slug>/<slug:step_slug>/", learner.step_detail, name="step"),
    path(
        "modules/<slug:module_slug>/<slug:step_slug>/complete/",
        learner.lesson_complete,
        name="lesson-complete",
    ),
]
