from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Training"

    def ready(self):
        from courses.platform import (
            idle,  # noqa: F401  (a login starts the idle clock)
            language,  # noqa: F401  (the stored language at login)
            twofactor,  # noqa: F401  (connects the login receiver)
        )
        from courses.teams import tally  # noqa: F401  (connects the tallies' receivers)
