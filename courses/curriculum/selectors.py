"""Reads of the rules catalogue: citations for pages, and the Rules page's overview of where
each rule is taught, tested and rehearsed and how the organisation does on it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from courses.models import AttemptQuestion, Question, Rule, Step


def citation_of(slugs: Iterable[str]) -> str:
    """The citations of these catalogue rules, in the order given, joined as one line."""
    slugs = list(dict.fromkeys(slugs))
    citations = dict(Rule.objects.filter(slug__in=slugs).values_list("slug", "citation"))
    return "; ".join(citations[slug] for slug in slugs if slug in citations)


# --- The Rules page ---------------------------------------------------------------------------

PERFORMANCE_DAYS = 90


@dataclass
class Use:
    """A step that teaches, tests or rehearses a rule."""

    module_slug: str
    module_title: str
    step_slug: str
    step_title: str
    count: int = 1  # quiz items in the step that test the rule


@dataclass
class RuleOverview:
    rule: Rule
    taught: list[Use] = field(default_factory=list)  # lessons
    tested: list[Use] = field(default_factory=list)  # quizzes, with their items' count
    rehearsed: list[Use] = field(default_factory=list)  # roleplay calls
    answered: int = 0  # answers to its quiz items in the period, by the people in view
    correct: int = 0
    attempts: int = 0

    @property
    def items(self) -> int:
        return sum(use.count for use in self.tested)

    @property
    def facility(self) -> float | None:
        return self.correct / self.answered if self.answered else None


def rule_overview(*, people: QuerySet, now: datetime.datetime) -> list[RuleOverview]:
    """Every rule in the catalogue with where it is taught, tested and rehearsed in the
    published curriculum, and how `people` did on its quiz items in the last 90 days."""
    overview = {rule.pk: RuleOverview(rule) for rule in Rule.objects.published()}
    for row in (
        Step.rules.through.objects.filter(_published("step__"), rule__in=list(overview))
        .values_list(
            "rule_id", "step__kind", "step__module__slug", "step__module__title", "step__slug",
            "step__title",
        )
        .order_by("step__module__course__position", "step__module__position", "step__position")
    ):  # fmt: skip
        rule_id, kind, *where = row
        uses = overview[rule_id].taught if kind == Step.Kind.LESSON else overview[rule_id].rehearsed
        uses.append(Use(*where))
    tested = (
        Question.rules.through.objects.filter(
            _published("question__quiz__step__"),
            question__retired_at__isnull=True,
            rule__in=list(overview),
        )
        .values_list(
            "rule_id", "question__quiz__step__module__slug", "question__quiz__step__module__title",
            "question__quiz__step__slug", "question__quiz__step__title",
        )
        .annotate(count=Count("pk"))
        .order_by("question__quiz__step__module__course__position",
                  "question__quiz__step__module__position")
    )  # fmt: skip
    for rule_id, *where, count in tested:
        overview[rule_id].tested.append(Use(*where, count=count))
    results = (
        AttemptQuestion.objects.filter(
            attempt__submitted_at__gte=now - datetime.timedelta(days=PERFORMANCE_DAYS),
            attempt__user__in=people.values("pk"),
            question__rules__in=list(overview),
        )
        .values_list("question__rules")
        .annotate(
            answered=Count("pk"),
            correct=Count("pk", filter=Q(is_correct=True)),
            attempts=Count("attempt", distinct=True),
        )
        .order_by()
    )
    for rule_id, answered, correct, attempts in results:
        entry = overview[rule_id]
        entry.answered, entry.correct, entry.attempts = answered, correct, attempts
    return list(overview.values())


def _published(step: str) -> Q:
    """The step at the path `step` is active, in a published module and course."""
    return Q(
        **{
            f"{step}retired_at__isnull": True,
            f"{step}module__retired_at__isnull": True,
            f"{step}module__course__retired_at__isnull": True,
        }
    )


def visible_step(user, module_slug: str, step_slug: str) -> Step:
    """A published module's active step, or 404: retired content cannot be worked on."""
    return get_object_or_404(
        Step.objects.select_related("module__course"),
        module__slug=module_slug,
        slug=step_slug,
        retired_at__isnull=True,
        module__retired_at__isnull=True,
        module__course__retired_at__isnull=True,
    )


# Step pages read a module's steps from a per-process cache for up to this long: content
# changes only when load_content runs. Whatever writes progress looks the step up afresh.
CONTENT_SECONDS = 60


def published_steps(module_slug: str) -> list[Step]:
    """A published module's active steps in order, each with its module and course."""
    key = f"published-steps:{module_slug}"
    steps = cache.get(key)
    if steps is None:
        steps = list(
            Step.objects.select_related("module__course")
            .filter(
                module__slug=module_slug,
                retired_at__isnull=True,
                module__retired_at__isnull=True,
                module__course__retired_at__isnull=True,
            )
            .order_by("position")
        )
        cache.set(key, steps, CONTENT_SECONDS)
    return steps
