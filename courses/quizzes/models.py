"""Quizzes: the question bank (from the content files) and the attempts made on it.

An attempt fixes its drawn questions, their order and each question's choice order when it
starts. Answers are stored as they are given; scoring happens once, on the server, when the
attempt is submitted (or when its time runs out).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.curriculum.models import Step


class Quiz(models.Model):
    class Review(models.TextChoices):
        FULL = "full", _("Answer key after every attempt")
        KEY_AFTER_PASS = "key_after_pass", _("Answer key once passed or out of attempts")

    step = models.OneToOneField(Step, on_delete=models.PROTECT, related_name="quiz")
    pass_mark = models.PositiveSmallIntegerField(help_text="Percent needed to pass.")
    draw_count = models.PositiveSmallIntegerField(help_text="Questions drawn per attempt.")
    min_per_tag = models.JSONField(default=dict, blank=True)
    max_attempts = models.PositiveSmallIntegerField(null=True, blank=True)
    wait_minutes = models.PositiveIntegerField(default=0)
    time_limit_minutes = models.PositiveIntegerField(null=True, blank=True)
    partial_credit = models.BooleanField(default=False)
    review = models.CharField(
        max_length=16,
        choices=Review.choices,
        default=Review.FULL,
        help_text="What a rep sees after an attempt they did not pass.",
    )

    class Meta:
        verbose_name_plural = "quizzes"

    def __str__(self):
        return f"Quiz: {self.step}"


class Scenario(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="scenarios")
    key = models.SlugField(max_length=80)
    text = models.TextField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quiz", "key"], name="scenario_key_unique")]

    def __str__(self):
        return self.key


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Choose one")
        MULTIPLE = "multiple", _("Choose all that apply")
        TRUE_FALSE = "true_false", _("True or false")

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="questions")
    key = models.SlugField(max_length=80)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    prompt = models.TextField()
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, null=True, blank=True)
    explanation = models.TextField()
    rules = models.ManyToManyField("Rule", blank=True, related_name="questions")
    citation = models.CharField(
        max_length=300,
        blank=True,
        help_text="Its rules' citations, from the catalogue when loaded.",
    )
    tags = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [models.UniqueConstraint(fields=["quiz", "key"], name="question_key_unique")]

    def __str__(self):
        return self.key


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="choices")
    key = models.CharField(max_length=80, help_text="Stable identity: the author's id or a hash.")
    text = models.TextField()
    is_correct = models.BooleanField(default=False)
    feedback = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="choice_key_unique")
        ]

    def __str__(self):
        return self.text[:60]


class QuizAttemptQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def in_progress(self):
        return self.filter(submitted_at__isnull=True)


class QuizAttempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveIntegerField(help_text="1 for the user's first attempt, and so on.")
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    timed_out = models.BooleanField(default=False)
    content_version = models.CharField(max_length=64)
    pass_mark = models.PositiveSmallIntegerField(help_text="The pass mark when it started.")
    points = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    max_points = models.PositiveIntegerField(default=0)
    percent = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(null=True)

    objects = QuizAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"], name="attempt_number_unique"
            ),
            # At most one unsubmitted attempt per person per quiz, even under double clicks.
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=models.Q(submitted_at__isnull=True),
                name="one_open_attempt_per_quiz",
            ),
        ]
        # Progress grids read every attempt's result from this index alone.
        indexes = [
            models.Index(fields=["user", "quiz", "submitted_at", "percent"], name="attempt_results")
        ]

    def __str__(self):
        return f"{self.user} attempt {self.number} on {self.quiz}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class AttemptQuestion(models.Model):
    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="asked")
    choice_order = models.JSONField(help_text="Choice ids in the order this attempt shows them.")
    points = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    is_correct = models.BooleanField(null=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="item_position_unique"),
            models.UniqueConstraint(fields=["attempt", "question"], name="item_question_unique"),
        ]

    def __str__(self):
        return f"{self.attempt} question {self.position}"


class Answer(models.Model):
    """One choice selected for one drawn question."""

    item = models.ForeignKey(AttemptQuestion, on_delete=models.CASCADE, related_name="answers")
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, related_name="answers")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "choice"], name="answer_unique")]

    def __str__(self):
        return f"{self.item}: {self.choice}"
