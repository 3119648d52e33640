"""Reads of the rules catalogue: citations for pages, and the Rules page's overview of where
each rule is taught, tested and rehearsed and how the organisation does on it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import BaseCache, caches
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from courses.curriculum.models import published_step
from courses.models import AttemptQuestion, Module, Question, Rule, Step


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
        Step.rules.through.objects.filter(published_step("step__"), rule__in=list(overview))
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
            published_step("question__quiz__step__"),
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


def visible_step(user, module_slug: str, step_slug: str) -> Step:
    """A published step, or 404: retired content cannot be worked on."""
    return get_object_or_404(
        Step.objects.published().select_related("module__course"),
        module__slug=module_slug,
        slug=step_slug,
    )


def published_steps(module_slug: str, *, reading: str | None = None) -> list[Step]:
    """A published module's published steps in order, each with its module.

    The module (and whether it and its course are published) is read afresh on every page.
    Its steps are content: they change only when a load gives the module a new content
    version (the version covers the module's file, its steps' files and the rules they
    cite), so they are read once per version and kept in the content cache. Only the step
    being read (`reading`, a slug) carries its lesson text, as `text`.
    """
    try:
        module = Module.objects.published().get(slug=module_slug)
    except Module.DoesNotExist:
        return []
    key = f"module-steps:{module.pk}:{module.content_version}"
    kept = content_cache().get(key)
    if kept is None:
        kept = _module_steps(module.pk)
        content_cache().set(key, kept)
    steps, texts = kept
    for step in steps:
        step.module = module
        step.text = texts.get(step.slug, "") if step.slug == reading else ""
    return steps


def _module_steps(module_id: int) -> tuple[list[Step], dict[str, str]]:
    """The module's active steps in order, without their text; and each step's text, by slug."""
    steps = list(
        Step.objects.active()
        .filter(module_id=module_id)
        .defer("body_html", "source_hash")
        .order_by("position")
    )
    texts = dict(Step.objects.active().filter(module_id=module_id).values_list("slug", "body_html"))
    return steps, texts


def content_cache() -> BaseCache:
    """Where content read once per content version is kept: question banks and their answer
    keys, parsed scripts, modules' step lists.

    Keys name the content version they were read at; the loader empties it after a load that
    changed anything (the policy is in settings.CACHES).
    """
    return caches["content"]
