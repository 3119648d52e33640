"""The dialing drill: a rep's sessions, each answer, and each rule an answer tested.

A session keeps only its seed: its cards are dealt again from it (drill.py), so the page, the
grading and the record all see the same leads. Each answer keeps the engine's verdict and
whether it was right when it was given; a row per rule it tested lets progress per rule (and
the spaced review) be read with a few aggregate queries.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.practice.drill import CARDS
from courses.practice.grading import CHOICES

# The verdicts a card can have, as the engine names them; an answer claims one of them.
VERDICT_CHOICES = list(CHOICES.items())


def new_seed() -> int:
    return secrets.randbelow(10**9)


class DrillSession(models.Model):
    class Mode(models.TextChoices):
        DRILL = "drill", _("Dialing drill")
        BLOCK = "block", _("Calling block")

    # Every read of a person's sessions starts with the person: the indexes below lead with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="drill_sessions",
        db_index=False,
    )
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.DRILL)
    seed = models.BigIntegerField(
        default=new_seed, help_text="Deals the session's cards: the same seed, the same cards."
    )
    desk_zone = models.CharField(
        max_length=64, blank=True, help_text="A calling block's clock runs in this time zone."
    )
    started_at = models.DateTimeField()
    shown = models.PositiveSmallIntegerField(default=1, help_text="Cards shown so far.")
    shown_at = models.DateTimeField(
        help_text="When the latest card was shown: its time box runs from here."
    )
    answered = models.PositiveSmallIntegerField(default=0)
    right = models.PositiveSmallIntegerField(default=0)
    clock_minutes = models.PositiveIntegerField(
        default=0, help_text="How far a calling block's clock has moved."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_on = models.DateField(
        null=True, blank=True, help_text="The day it was finished, in the site's time zone."
    )
    streak = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Days in a row with a finished session, ending on the day this one finished.",
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # Cards are shown and answered in order, one at a time.
            models.CheckConstraint(
                condition=models.Q(answered__lte=models.F("shown"))
                & models.Q(shown__lte=models.F("answered") + 1)
                & models.Q(shown__lte=CARDS),
                name="drill_cards_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(right__lte=models.F("answered")), name="drill_right_of_answered"
            ),
        ]
        indexes = [
            # A person's finished sessions, latest first, with their scores (best, streak).
            models.Index(fields=["user", "finished_at", "right"], name="drill_session_results"),
        ]

    def __str__(self):
        return f"{self.user} {self.get_mode_display()} {self.seed}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def is_block(self) -> bool:
        return self.mode == self.Mode.BLOCK


class DrillAnswer(models.Model):
    session = models.ForeignKey(
        DrillSession, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    position = models.PositiveSmallIntegerField()
    choice = models.CharField(max_length=12, choices=VERDICT_CHOICES)
    # A callback's moment, on the lead's own clock (a wall clock, so no time zone).
    callback_date = models.DateField(null=True, blank=True)
    callback_time = models.TimeField(null=True, blank=True)
    verdict = models.CharField(
        max_length=12, choices=VERDICT_CHOICES, help_text="The engine's, when it was answered."
    )
    correct = models.BooleanField()
    late = models.BooleanField(default=False)
    block_minutes = models.PositiveIntegerField(
        default=0, help_text="How far a calling block's clock had moved when the lead was met."
    )
    shown_at = models.DateTimeField()
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            # A double submit, or two tabs answering the same card: one answer is recorded.
            models.UniqueConstraint(
                fields=["session", "position"], name="drill_one_answer_per_card"
            ),
            models.CheckConstraint(
                condition=models.Q(position__lt=CARDS), name="drill_answer_position"
            ),
        ]

    def __str__(self):
        return f"{self.session} card {self.position + 1}: {self.choice}"


class DrillRuleResult(models.Model):
    """One rule an answer tested, and whether the answer was right."""

    answer = models.ForeignKey(
        DrillAnswer, on_delete=models.CASCADE, related_name="rule_results", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    rule = models.CharField(max_length=80, help_text="A rules catalogue id (Rule.slug).")
    correct = models.BooleanField()
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "rule"], name="drill_rule_once_per_answer")
        ]
        # A person's score per rule is read from this index alone.
        indexes = [models.Index(fields=["user", "rule", "correct"], name="drill_rule_scores")]

    def __str__(self):
        return f"{self.answer}: {self.rule} {'right' if self.correct else 'wrong'}"
