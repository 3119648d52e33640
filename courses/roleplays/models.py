"""Roleplay calls: the scripts (from the content files) and the runs people play through them.

A run keeps a copy of the script it was played on, and every reply with its time, so its
transcript and debrief can be replayed exactly, whatever happens to the content later.
"""

import secrets

from django.conf import settings
from django.db import models

from courses.curriculum.models import Step
from courses.roleplays import engine


def new_seed() -> int:
    return secrets.randbits(62)


class RoleplayScript(models.Model):
    step = models.OneToOneField(Step, on_delete=models.PROTECT, related_name="script")
    data = models.JSONField(help_text="The validated script, in its authoring form.")
    best = models.JSONField(help_text="Best achievable score per dimension.")
    best_total = models.IntegerField()
    pass_mark = models.PositiveSmallIntegerField()

    def __str__(self):
        return f"Script: {self.step}"

    def parsed(self) -> engine.Script:
        return engine.parse_script(self.data)


class RoleplayRunQuerySet(models.QuerySet):
    def finished(self):
        return self.filter(finished_at__isnull=False)


class RoleplayRun(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roleplay_runs"
    )
    script = models.ForeignKey(RoleplayScript, on_delete=models.PROTECT, related_name="runs")
    number = models.PositiveIntegerField()
    script_data = models.JSONField(help_text="The script as it was when the run started.")
    content_version = models.CharField(max_length=64)
    seed = models.BigIntegerField(
        default=new_seed,
        help_text="Orders the replies offered in this call: fixed for the run, random across runs.",
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    ended_early = models.BooleanField(
        default=False, help_text="The rep hung up before the script's end."
    )
    dnc_record = models.JSONField(null=True, blank=True)
    scores = models.JSONField(null=True, blank=True)
    total = models.IntegerField(null=True, blank=True)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=32, blank=True)
    violation = models.BooleanField(null=True)
    passed = models.BooleanField(null=True)

    objects = RoleplayRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "script", "number"], name="run_number_unique"),
            models.UniqueConstraint(
                fields=["user", "script"],
                condition=models.Q(finished_at__isnull=True),
                name="one_open_run_per_script",
            ),
        ]
        # Progress grids read every run's result from this index alone, never touching the
        # rows themselves: each carries its own copy of a script, many pages long.
        indexes = [
            models.Index(
                fields=["user", "script", "finished_at", "passed", "violation"], name="run_results"
            )
        ]

    def __str__(self):
        return f"{self.user} run {self.number} of {self.script}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def outcome_label(self) -> str:
        return engine.RUN_OUTCOMES.get(self.outcome, "")


class RunTurn(models.Model):
    """One reply the rep chose, in order, with when it was chosen."""

    run = models.ForeignKey(RoleplayRun, on_delete=models.CASCADE, related_name="turns")
    position = models.PositiveSmallIntegerField()
    node = models.CharField(max_length=100)
    reply = models.CharField(max_length=120)
    chosen_at = models.DateTimeField()

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            # Two simultaneous choices for the same moment of a call: only one is recorded.
            models.UniqueConstraint(fields=["run", "position"], name="turn_position_unique")
        ]

    def __str__(self):
        return f"{self.run} turn {self.position}: {self.reply}"
