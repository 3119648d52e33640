"""What each person has completed, when, and on which content version.

A completion is never edited away: when a step has to be done again (a rejected certification,
a recertification) the completion is voided with a reason and stays as history.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from courses.curriculum.models import Step


class StepCompletionQuerySet(models.QuerySet):
    def live(self):
        return self.filter(voided_at__isnull=True)


class StepCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completions"
    )
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="completions")
    started_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the person began the step; empty for completions recorded before "
        "reading times were kept.",
    )
    completed_at = models.DateTimeField()
    content_version = models.CharField(
        max_length=64, help_text="The module's content version when the step was completed."
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=300, blank=True)

    objects = StepCompletionQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "step"],
                condition=models.Q(voided_at__isnull=True),
                name="one_live_completion_per_step",
            )
        ]
        indexes = [models.Index(fields=["user", "-completed_at"])]

    def __str__(self):
        return f"{self.user} completed {self.step}"


class StepStart(models.Model):
    """When a person opened a step they have not completed yet: the start of their reading time.

    It lasts until the step is completed (the time moves onto the completion) and is made
    afresh when a voided step is opened again.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "step"], name="one_start_per_step")]

    def __str__(self):
        return f"{self.user} opened {self.step}"


class CallResult(models.TextChoices):
    """A person's best finished call in a module."""

    NONE = "", gettext_lazy("No call finished")
    PASSED = "passed", gettext_lazy("Passed")
    NOT_PASSED = "not passed", gettext_lazy("Not passed")
    VIOLATION = "violation", gettext_lazy("Broke a rule")


class ModuleProgress(models.Model):
    """Where one person stands in one module: the read model the progress pages read.

    A summary of the facts (completions, quiz attempts, calls) rather than a fact itself: the
    services rewrite it in the same transaction as the facts they record, so it is never
    behind them, and `rebuild_progress` recomputes every row from the facts. A row exists once
    the person has done anything in the module.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey("courses.Module", on_delete=models.CASCADE, related_name="+")
    steps_done = models.PositiveIntegerField(
        default=0, help_text="Live completions of the module's active steps."
    )
    completed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last active step was done, if all are."
    )
    best_quiz = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    call = models.CharField(max_length=12, choices=CallResult, blank=True, default="")
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="one_progress_per_module")
        ]
        indexes = [models.Index(fields=["module", "user"], name="progress_by_module")]

    def __str__(self):
        return f"{self.user} in {self.module}: {self.steps_done} steps done"

    @property
    def started(self) -> bool:
        return bool(self.steps_done or self.best_quiz is not None or self.call)


DUE_SOON_DAYS = 3


class ProgressStatus(models.TextChoices):
    """Where a person stands with a module: the words a rep, a manager and a reminder share."""

    NOT_STARTED = "not started", gettext_lazy("Not started")
    IN_PROGRESS = "in progress", gettext_lazy("In progress")
    DUE_SOON = "due soon", gettext_lazy("Due soon")
    OVERDUE = "overdue", gettext_lazy("Overdue")
    DONE = "done", gettext_lazy("Done")

    @property
    def badge(self) -> str:
        """The status as a class name: "in-progress"."""
        return self.value.replace(" ", "-")


def status_of(
    *, done: int, steps: int, started: bool, due: datetime.date | None, today: datetime.date | None
) -> ProgressStatus:
    """The status a rep, a manager and a reminder all go by."""
    if steps and done >= steps:
        return ProgressStatus.DONE
    if due is not None:
        if today > due:
            return ProgressStatus.OVERDUE
        if (due - today).days <= DUE_SOON_DAYS:
            return ProgressStatus.DUE_SOON
    return ProgressStatus.IN_PROGRESS if started or done else ProgressStatus.NOT_STARTED


def percent_done(*, done: int, steps: int) -> int:
    """How much of a module a person has done, as a whole percent: 4 of 9 steps is 44%.

    Rounded, except at the ends: a percent shows 0 only when nothing is done and 100 only when
    everything is, so a bar never says "0% done" beside steps that are done.
    """
    if not steps or done <= 0:
        return 0
    if done >= steps:
        return 100
    return min(99, max(1, round(100 * done / steps)))


def module_tag(*, required: bool, due_day: str = "", overdue: bool = False) -> str:
    """What a module is to a person, in words: work assigned to them (with its due date),
    a module required for certification, or optional practice. `due_day` is set when the module
    is assigned to them, directly or through a team."""
    if due_day and overdue:
        if required:
            return _("Overdue, was due %(day)s · required for certification") % {"day": due_day}
        return _("Overdue, was due %(day)s") % {"day": due_day}
    if due_day:
        if required:
            return _("Assigned, due %(day)s · required for certification") % {"day": due_day}
        return _("Assigned, due %(day)s") % {"day": due_day}
    return _("Required for certification") if required else _("Recommended practice")


def _left_name(kind: str, count: int) -> str:
    """One kind of step left, in words, as an item of a list: "1 lesson", "the call",
    "2 quizzes"."""
    if kind == "lesson":
        return ngettext("%(count)d lesson", "%(count)d lessons", count) % {"count": count}
    if kind == "roleplay":
        return _("the call") if count == 1 else _("%(count)d calls") % {"count": count}
    return _("the quiz") if count == 1 else _("%(count)d quizzes") % {"count": count}


_LEFT_ORDER = ("lesson", "roleplay", "quiz")
_ONLY_LEFT = {  # one step left, of each kind: whole sentences, for the languages' word order
    "lesson": gettext_lazy("Only 1 lesson left"),
    "roleplay": gettext_lazy("Only the call left"),
    "quiz": gettext_lazy("Only the quiz left"),
}


def steps_left(kinds: list[str]) -> str:
    """What is left of a module, from the kinds of the steps not done yet: "Only the quiz
    left", "2 lessons, the call and the quiz left"; "" when nothing is."""
    if not kinds:
        return ""
    if len(kinds) == 1:
        return str(_ONLY_LEFT[kinds[0]])
    parts = [_left_name(kind, kinds.count(kind)) for kind in _LEFT_ORDER if kind in kinds]
    if len(parts) == 1:
        words = parts[0]
    else:
        # Translators: a list of what is left of a module, e.g. "2 lessons, the call and the quiz".
        words = _("%(items)s and %(last)s") % {"items": ", ".join(parts[:-1]), "last": parts[-1]}
    sentence = _("%(steps)s left") % {"steps": words}
    return sentence[:1].upper() + sentence[1:]
