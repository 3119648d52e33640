"""Spaced review: a card for each quiz question a rep has met, and for each rule they have
practised, scheduled by FSRS (courses.review.scheduling); and a log of every review answer.

A card holds the scheduler's memory of it. It is made by its first review (meeting the
question in a quiz, practising the rule) and changed by each later one. The log is
append-only: it is the record of practice that compliance reads.
"""

from django.conf import settings
from django.db import models

from courses.certification.models import AppendOnlyModel
from courses.curriculum.models import Rule
from courses.quizzes.models import Question
from courses.review.scheduling import Rating, State


class ReviewCard(models.Model):
    # No index of their own: the unique indexes below lead with the person, and cards are
    # never looked up from a question or a rule. Every quiz submission writes cards, and each
    # index costs it time holding the write lock.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_cards",
        db_index=False,
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_cards",
        db_index=False,
    )
    rule = models.ForeignKey(
        Rule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_cards",
        db_index=False,
    )
    state = models.PositiveSmallIntegerField(choices=[(s.value, s.name) for s in State])
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField()
    difficulty = models.FloatField()
    due = models.DateTimeField()
    last_review = models.DateTimeField()
    last_review_days = models.FloatField(
        help_text="The last review as days since 1970, for the database to measure forgetting."
    )
    reviews = models.PositiveIntegerField(
        default=1, help_text="How many times it has been reviewed, the first meeting included."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(question__isnull=False, rule__isnull=True)
                    | models.Q(question__isnull=True, rule__isnull=False)
                ),
                name="review_card_question_or_rule",
            ),
            # A whole (not partial) unique index: a submission's write names it in its ON
            # CONFLICT clause; a rule card's empty question never collides.
            models.UniqueConstraint(fields=["user", "question"], name="review_card_question_once"),
            models.UniqueConstraint(
                fields=["user", "rule"],
                condition=models.Q(rule__isnull=False),
                name="review_card_rule_once",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.question or self.rule}"


class ReviewLog(AppendOnlyModel):
    """One answer in a review session or in practice, as it was graded."""

    card = models.ForeignKey(
        ReviewCard, on_delete=models.PROTECT, related_name="log", db_index=False
    )  # the indexes below lead with it
    number = models.PositiveIntegerField(help_text="The card's review count after this review.")
    rating = models.PositiveSmallIntegerField(choices=[(r.value, r.name) for r in Rating])
    correct = models.BooleanField()
    answer = models.JSONField(
        default=list,
        blank=True,
        help_text="The choice ids picked; for a lead card, the answer and any callback moment.",
    )
    reviewed_at = models.DateTimeField()

    class Meta:
        constraints = [
            # One review per card state: the same answer posted twice is recorded once.
            models.UniqueConstraint(fields=["card", "number"], name="review_log_once")
        ]
        indexes = [models.Index(fields=["card", "reviewed_at"], name="review_log_by_card")]

    def __str__(self):
        return f"{self.card} review {self.number}"
