"""Reads of review cards: what is due, a session's next card, and mastery of each rule.

Mastery of a rule is FSRS's retrievability now (the chance of recalling a card), averaged over
the cards that touch the rule: question cards through their question's rules, and rule cards.
The database averages it, with the scheduler's own forgetting curve (`scheduling.DECAY` and
`FACTOR`), so a page reads one row per rule (or per person and rule) however many cards there
are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Max, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Floor, Greatest, Power

from courses.models import Certificate, Module, Rule, Step
from courses.platform import sql
from courses.platform.rows import TemplateRow
from courses.review import scheduling
from courses.review.asking import (
    ASKABLE,
    ASKABLE_CARDS,
    ASKABLE_FROM,
    ASKABLE_SLUGS,
    ASKABLE_TABLES,
)
from courses.review.models import ReviewCard, ReviewLog

# About three minutes of review: a session asks at most this many cards.
SESSION_CARDS = 10


def due_cards(*, user, now: datetime.datetime) -> QuerySet[ReviewCard]:
    """The person's cards a session asks that are due at `now`, the longest waiting first."""
    return (
        ReviewCard.objects.filter(ASKABLE, user=user, due__lte=now)
        .select_related("rule")
        .order_by("due", "pk")
    )


def due_count(*, user, now: datetime.datetime) -> int:
    return due_cards(user=user, now=now).count()


@dataclass(frozen=True)
class Today:
    """My training's summary of the person's review."""

    cards: int  # cards a session asks
    due: int  # of which due now
    session_cards: int = SESSION_CARDS


# My training is the page every rep opens first: its count is written out, as ASKABLE is.
_TODAY = "SELECT COUNT(*), SUM(CASE WHEN {card}.{card.due} <= %s THEN 1 ELSE 0 END) " + ASKABLE_FROM


def review_today(*, user, now: datetime.datetime) -> Today:
    """How many cards the person has in review, and how many are due now: one query."""
    ((cards, due),) = sql.values(_TODAY, [now, user.pk, *ASKABLE_SLUGS], **ASKABLE_TABLES)
    return Today(cards, due or 0)


@dataclass(frozen=True)
class Outlook:
    """The person's review as a session shows it."""

    cards: int  # cards a session asks
    due: int  # of which due now
    card: ReviewCard | None  # the one to ask now: the longest waiting
    next_due: datetime.datetime | None  # the soonest due, when none is due now
    session_cards: int = SESSION_CARDS


_SOONEST = ASKABLE_CARDS + ASKABLE_FROM + " ORDER BY {card}.{card.due}, {card}.{card.id} LIMIT 1"


def review_outlook(*, user, now: datetime.datetime) -> Outlook:
    """How many of the person's cards are due now, the one to ask first, and when the next one
    is due if none is: two queries."""
    today = review_today(user=user, now=now)
    found = sql.rows(ReviewCard, _SOONEST, [user.pk, *ASKABLE_SLUGS], **ASKABLE_TABLES)
    soonest = found[0] if found else None
    if soonest is None:
        return Outlook(today.cards, today.due, None, None)
    if soonest.due <= now:
        return Outlook(today.cards, today.due, soonest, None)
    return Outlook(today.cards, today.due, None, soonest.due)


# --- Mastery ----------------------------------------------------------------------------------


def retrievability(now: datetime.datetime):
    """A card's retrievability at `now`, for the database to compute: `scheduling.
    retrievability` (whole days since the last review, as fsrs counts them)."""
    days = Greatest(
        Floor(Value(scheduling.days_since_epoch(now)) - F("last_review_days")), Value(0.0)
    )
    return Power(
        Value(1.0) + Value(scheduling.FACTOR) * days / F("stability"), Value(scheduling.DECAY)
    )


def _measured(cards: QuerySet[ReviewCard]) -> QuerySet[ReviewCard]:
    """The cards that count towards mastery, each once for every rule it touches: rule cards,
    and question cards of questions a session asks (a retired question's fading says nothing)."""
    return (
        cards.filter(ASKABLE | Q(rule__isnull=False))
        .annotate(rule_key=Coalesce("rule", "question__rules"))
        .filter(rule_key__isnull=False)
    )


@dataclass
class Mastery(TemplateRow):
    rule_id: int
    value: float  # average retrievability now, 0 to 1
    cards: int
    people: int = 1
    title: str = ""
    citation: str = ""
    slug: str = ""

    @property
    def percent(self) -> int:
        return round(self.value * 100)

    @property
    def band(self) -> str:
        return scheduling.band(self.value)


def rule_mastery(*, people: QuerySet, now: datetime.datetime) -> dict[int, Mastery]:
    """Mastery of each rule over the cards of `people`, with how many people it covers, by
    rule id: one query."""
    rows = (
        _measured(ReviewCard.objects.filter(user__in=people.order_by().values("pk")))
        .values("rule_key")
        .annotate(
            value=Avg(retrievability(now)), cards=Count("pk"), people=Count("user", distinct=True)
        )
        .order_by()
        .values_list("rule_key", "value", "cards", "people")
    )
    return {
        rule_id: Mastery(rule_id, value, cards, people) for rule_id, value, cards, people in rows
    }


def person_mastery(*, user, now: datetime.datetime) -> list[Mastery]:
    """The person's mastery of each rule their cards touch, weakest first, with the rule's
    title and citation: two queries."""
    rows = (
        _measured(ReviewCard.objects.filter(user=user))
        .values("rule_key")
        .annotate(value=Avg(retrievability(now)), cards=Count("pk"))
        .order_by()
        .values_list("rule_key", "value", "cards")
    )
    mastery = {rule_id: Mastery(rule_id, value, cards) for rule_id, value, cards in rows}
    for rule_id, title, citation, slug in (
        Rule.objects.published()
        .filter(pk__in=list(mastery))
        .values_list("pk", "title", "citation", "slug")
    ):
        entry = mastery[rule_id]
        entry.title, entry.citation, entry.slug = title, citation, slug
    return sorted(
        (entry for entry in mastery.values() if entry.slug), key=lambda m: (m.value, m.title)
    )


@dataclass
class HeatmapRow(TemplateRow):
    person: object
    cells: list[Mastery | None] = field(default_factory=list)


@dataclass
class Heatmap:
    rules: list[Mastery]  # the columns: each rule the people's cards touch, with their average
    rows: list[HeatmapRow]


def mastery_heatmap(*, everyone: QuerySet, page: list, now: datetime.datetime) -> Heatmap:
    """People (rows, those of `page`) by rules (columns: the rules the cards of `everyone`
    touch, in catalogue order, each with everyone's average): three queries."""
    columns = rule_mastery(people=everyone, now=now)
    rules = []
    for rule_id, title, citation, slug in (
        Rule.objects.published()
        .filter(pk__in=list(columns))
        .values_list("pk", "title", "citation", "slug")
    ):
        entry = columns[rule_id]
        entry.title, entry.citation, entry.slug = title, citation, slug
        rules.append(entry)
    cells = {
        (user_id, rule_id): Mastery(rule_id, value, cards)
        for user_id, rule_id, value, cards in (
            _measured(ReviewCard.objects.filter(user__in=[person.pk for person in page]))
            .values("user", "rule_key")
            .annotate(value=Avg(retrievability(now)), cards=Count("pk"))
            .order_by()
            .values_list("user", "rule_key", "value", "cards")
        )
    }
    rows = [
        HeatmapRow(person, [cells.get((person.pk, rule.rule_id)) for rule in rules])
        for person in page
    ]
    return Heatmap(rules, rows)


# --- Compliance -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Practice:
    certified_at: datetime.datetime | None  # the person's latest certificate for the module
    reviews: int  # review answers since then, on the module's questions and rules


def practice_since_certification(*, user_id: int, module: Module) -> Practice:
    """How much the person has practised a module since their latest certificate for it:
    review answers on its questions, and on rule cards of the rules its steps teach."""
    certified_at = Certificate.objects.filter(
        record__user_id=user_id, record__module=module
    ).aggregate(latest=Max("issued_at"))["latest"]
    if certified_at is None:
        return Practice(None, 0)
    rules = Step.rules.through.objects.filter(step__module=module).values("rule_id")
    reviews = ReviewLog.objects.filter(
        Q(card__question__quiz__step__module=module) | Q(card__rule__in=rules),
        card__user_id=user_id,
        reviewed_at__gt=certified_at,
    ).count()
    return Practice(certified_at, reviews)
