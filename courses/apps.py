from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Training"

    def ready(self):
        from courses.platform import idle  # noqa: F401  (a login starts the idle clock)
        from courses.teams import tally  # noqa: F401  (connects the tallies' receivers)
