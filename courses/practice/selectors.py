"""Reads for practice pages: a call check's answer with its rules from the catalogue; the
dialing drill's cards, where a session stands, an answer's feedback with the catalogue's titles
and citations, and a rep's progress (per rule, best, streak)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Count, Max, Q
from django.utils.translation import gettext

from courses.models import DrillAnswer, DrillRuleResult, DrillSession, Rule
from courses.platform import sql
from courses.practice.calling_rules import (
    STATE_RULES,
    Call,
    Finding,
    Lead,
    Verdict,
    may_call,
    next_call_time,
)
from courses.practice.cards import Card, Fact, Place, describe, moment_text
from courses.practice.drill import CARDS, Block, block_card, deal_block, deal_card
from courses.practice.grading import CHOICES, Grade, grade, later_bounds

CALL_LIMITS = frozenset(rule.call_limit for rule in STATE_RULES.values())


@dataclass(frozen=True)
class RuleRef:
    """A rule as the catalogue names it; `checked` is None for a rule it does not hold."""

    slug: str
    title: str
    citation: str
    checked: datetime.date | None = None


# Every call check and drill answer reads it: written out (see courses.platform.sql).
_RULES = (
    "SELECT {rule.id}, {rule.slug}, {rule.title}, {rule.citation}, {rule.checked} FROM {rule} "
    "WHERE {rule.retired_at} IS NULL AND {rule.slug} IN ({slugs})"
)


def rule_refs(slugs: Iterable[str]) -> dict[str, RuleRef]:
    """The catalogue's title, citation and checked date of each rule, by id: one query. A rule
    the catalogue does not hold is shown by its id alone."""
    slugs = sorted(set(slugs))
    found = {}
    if slugs:
        read = _RULES.replace("{slugs}", ", ".join(["%s"] * len(slugs)))
        for rule in sql.rows(Rule, read, slugs, rule=Rule):
            found[rule.slug] = RuleRef(rule.slug, rule.title, rule.citation, rule.checked)
    return {slug: found.get(slug, RuleRef(slug, slug, "")) for slug in slugs}


@dataclass(frozen=True)
class Cited:
    """A finding with its catalogue entry: the rule's title and citation come from there."""

    finding: Finding
    rule: RuleRef


@dataclass(frozen=True)
class CallCheck:
    verdict: Verdict
    blocking: list[Cited]
    reminders: list[Cited]
    # When the lead may next be called, on their clock (a `wait` only): naive, since a page
    # must show it as it is, not converted to the site's time zone.
    next_call: datetime.datetime | None
    # The next call waits out a limit of calls in 24 hours, whose times are not known.
    waits_out_call_limit: bool
    # The oldest date on which one of the rules cited was checked against the facts.
    checked: datetime.date | None


def call_check(*, lead: Lead, call: Call) -> CallCheck:
    decision = may_call(lead, call)
    rules = rule_refs(f.rule for f in decision.findings)
    cited = [Cited(finding, rules[finding.rule]) for finding in decision.findings]
    verdict = decision.verdict
    next_call = next_call_time(lead, call) if verdict == "wait" else None
    return CallCheck(
        verdict=verdict,
        blocking=[entry for entry in cited if entry.finding.blocks],
        reminders=[entry for entry in cited if not entry.finding.blocks],
        next_call=next_call and next_call.replace(tzinfo=None),
        waits_out_call_limit=any(f.rule in CALL_LIMITS for f in decision.blocking),
        checked=min((rule.checked for rule in rules.values() if rule.checked), default=None),
    )


# --- The dialing drill ---------------------------------------------------------------------------

TIME_BOX = datetime.timedelta(seconds=45)


# --- A session's cards ---------------------------------------------------------------------------


# A deal is a pure function of its seed: each card is worked out once per process, like any
# other fixed input, and nobody's progress is kept with it.
@lru_cache(maxsize=2048)
def _drill_card(seed: int, position: int) -> Card:
    return deal_card(seed, position)


@lru_cache(maxsize=256)
def _block(seed: int, desk_zone: str) -> Block:
    return deal_block(seed, desk_zone=desk_zone)


def block_of(session: DrillSession) -> Block:
    return _block(session.seed, session.desk_zone)


def session_card(session: DrillSession, position: int, minutes: int | None = None) -> Card:
    """The card at `position`, as the rep meets it: in a calling block, `minutes` into the
    block (by default, where the block's clock stands now)."""
    if session.is_block:
        return block_card(
            block_of(session), position, session.clock_minutes if minutes is None else minutes
        )
    return _drill_card(session.seed, position)


def answer_card(session: DrillSession, answer: DrillAnswer) -> Card:
    return session_card(session, answer.position, answer.block_minutes)


def callback_of(answer: DrillAnswer) -> datetime.datetime | None:
    if answer.callback_date is None or answer.callback_time is None:
        return None
    return datetime.datetime.combine(answer.callback_date, answer.callback_time)


def regrade(card: Card, answer: DrillAnswer) -> Grade:
    """The grade of a recorded answer to `card`, with the engine's findings, for its feedback."""
    return grade(card, answer.choice, callback_of(answer), late=answer.late)


# --- Feedback ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingView:
    rule: RuleRef
    message: str


@dataclass
class Feedback:
    """What the rep is told after an answer: right or not, and why, from the engine's findings
    with each rule's title and citation from the catalogue."""

    card: Card
    grade: Grade
    blocking: list[FindingView]  # why the lead may not be called now
    at_callback: list[FindingView]  # why the callback set was still not lawful
    tested: list[RuleRef]  # what made a lawful call lawful
    reminders: list[FindingView]  # what to do on the call
    # The drill's record of the answer, which holds what it was graded when given; an answer in
    # a review session has only its grade.
    answer: DrillAnswer | None = None

    @property
    def right(self) -> bool:
        return self.answer.correct if self.answer else self.grade.correct

    @property
    def facts(self) -> tuple[Fact, ...]:
        return describe(self.card)

    @property
    def answer_label(self) -> str:
        return gettext(CHOICES[self.answer.verdict if self.answer else self.grade.verdict])

    @property
    def choice_label(self) -> str:
        return gettext(CHOICES[self.grade.choice])

    @property
    def callback_text(self) -> str:
        return moment_text(self.grade.later) if self.grade.later else ""

    @property
    def earliest_text(self) -> str:
        return moment_text(self.grade.earliest) if self.grade.earliest else ""


def feedbacks(session: DrillSession, answers: list[DrillAnswer]) -> list[Feedback]:
    """The feedback of each answer, reading the catalogue once for all of them."""
    graded = []
    for answer in answers:
        card = answer_card(session, answer)
        graded.append((answer, card, regrade(card, answer)))
    return _explained(graded)


def lead_feedback(card: Card, graded: Grade) -> Feedback:
    """The feedback of an answer to a lead card given outside a drill session."""
    return _explained([(None, card, graded)])[0]


def _explained(graded: list[tuple[DrillAnswer | None, Card, Grade]]) -> list[Feedback]:
    slugs = set()
    for _, _, g in graded:
        slugs |= {f.rule for f in g.decision.findings} | set(g.rules)
        if g.at_later is not None:
            slugs |= {f.rule for f in g.at_later.blocking}
    refs = rule_refs(slugs)

    def views(findings: Iterable[Finding]) -> list[FindingView]:
        return [FindingView(refs[f.rule], f.message) for f in findings]

    return [
        Feedback(
            answer=answer,
            card=card,
            grade=g,
            blocking=views(g.decision.blocking),
            at_callback=views(g.at_later.blocking) if g.at_later and g.verdict == "wait" else [],
            tested=[refs[slug] for slug in g.rules] if g.verdict == "call" else [],
            reminders=views(f for f in g.decision.findings if not f.blocks),
        )
        for answer, card, g in graded
    ]


# --- Where a session stands ----------------------------------------------------------------------


@dataclass
class CardView:
    """The card the rep is to answer: what it says, and nothing of its answer."""

    position: int
    card: Card
    facts: tuple[Fact, ...]
    seconds_left: int
    callback_first: datetime.datetime
    callback_last: datetime.datetime


@dataclass
class SessionView:
    session: DrillSession
    phase: str  # "card", "feedback" or "finished"
    card: CardView | None = None
    feedback: Feedback | None = None
    summary: list[Feedback] = field(default_factory=list)
    desk_clock: datetime.datetime | None = None  # a calling block's clock, on the rep's desk

    @property
    def number(self) -> int:
        """The card's number, counted from 1, that the page is about."""
        return self.session.answered + (1 if self.phase == "card" else 0)

    @property
    def total(self) -> int:
        return CARDS

    @property
    def desk_clock_text(self) -> str:
        return moment_text(self.desk_clock) if self.desk_clock else ""

    @property
    def desk(self) -> Place | None:
        return block_of(self.session).desk if self.session.is_block else None


def session_view(
    session: DrillSession, *, now: datetime.datetime, answer: DrillAnswer | None = None
) -> SessionView:
    """Where the session stands: a card to answer, the feedback of the last answer before the
    next card, or the score at the end. `answer` is the last answer if the caller has it."""
    view = SessionView(session=session, phase="card")
    if session.is_block:
        view.desk_clock = block_of(session).clock(session.clock_minutes)
    if session.is_finished:
        answers = list(session.answers.all())
        view.phase, view.summary = "finished", feedbacks(session, answers)
        view.feedback = view.summary[-1]
    elif session.shown == session.answered:
        last = answer or session.answers.get(position=session.answered - 1)
        view.phase, view.feedback = "feedback", feedbacks(session, [last])[0]
    else:
        position = session.answered
        card = session_card(session, position)
        first, last = later_bounds(card)
        left = TIME_BOX - (now - session.shown_at)
        view.card = CardView(
            position=position,
            card=card,
            facts=describe(card),
            seconds_left=max(0, int(left.total_seconds())),
            callback_first=first,
            callback_last=last,
        )
    return view


# --- Progress ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleScore:
    rule: RuleRef
    right: int
    answered: int

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.answered)


@dataclass
class Progress:
    rules: list[RuleScore]
    best: int | None  # the best finished session's score, of CARDS
    finished: int  # finished sessions
    streak: int  # days in a row, up to today or yesterday, with a finished session
    recent: list[DrillSession]
    open_session: DrillSession | None

    @property
    def total(self) -> int:
        return CARDS


RECENT = 5


def drill_progress(*, user, today: datetime.date) -> Progress:
    """A rep's drill progress: right out of answered for every rule their answers tested
    (weakest first), their best finished session, their streak of days, and where to resume."""
    rows = list(
        DrillRuleResult.objects.filter(user=user)
        .values("rule")
        .annotate(answered=Count("pk"), right=Count("pk", filter=Q(correct=True)))
        .values_list("rule", "right", "answered")
        .order_by()
    )
    refs = rule_refs(rule for rule, _, _ in rows) if rows else {}
    scores = sorted(
        (RuleScore(refs[rule], right, answered) for rule, right, answered in rows),
        key=lambda s: (s.right / s.answered, -s.answered, s.rule.title),
    )
    finished = DrillSession.objects.filter(user=user, finished_at__isnull=False)
    totals = finished.aggregate(best=Max("right"), count=Count("pk"))
    recent = list(finished.order_by("-finished_at")[:RECENT])
    open_session = (
        DrillSession.objects.filter(user=user, finished_at__isnull=True)
        .order_by("-started_at")
        .first()
    )
    return Progress(
        rules=scores,
        best=totals["best"],
        finished=totals["count"],
        streak=current_streak(recent[0] if recent else None, today),
        recent=recent,
        open_session=open_session,
    )


def current_streak(latest: DrillSession | None, today: datetime.date) -> int:
    """The streak of the latest finished session, if it reaches today or yesterday; a day with
    no finished session since breaks it."""
    if latest is None or latest.finished_on is None:
        return 0
    if latest.finished_on >= today - datetime.timedelta(days=1):
        return latest.streak or 0
    return 0
