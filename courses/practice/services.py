"""The dialing drill's writes: start a session, answer the card shown, show the next card."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import DrillAnswer, DrillRuleResult, DrillSession
from courses.practice.drill import BLOCK_MINUTES, CARDS, MAX_SEED
from courses.practice.grading import Grade, grade
from courses.practice.selectors import TIME_BOX, session_card
from courses.review.services import practised

# The countdown shows TIME_BOX; an answer sent as it runs out still has to reach the server.
GRACE = datetime.timedelta(seconds=3)


ANSWERED = gettext_lazy("That card was already answered: your first answer counts.")


class DrillRefused(Exception):
    """The answer or the step is not allowed; the message says why. Nothing was changed."""


@transaction.atomic
def drill_start(
    *,
    user,
    mode: str = DrillSession.Mode.DRILL,
    seed: int | None = None,
    desk_zone: str = "",
    now: datetime.datetime | None = None,
) -> DrillSession:
    """A new session, its first card shown at once: its time box starts now."""
    now = now or timezone.now()
    if mode not in DrillSession.Mode.values:
        raise DrillRefused(_("Choose a dialing drill or a calling block."))
    if seed is not None and not 0 <= seed < MAX_SEED:
        raise DrillRefused(_("A deal number is a whole number from 0."))
    session = DrillSession(
        user=user,
        mode=mode,
        desk_zone=(desk_zone or timezone.get_current_timezone_name())
        if mode == DrillSession.Mode.BLOCK
        else "",
        started_at=now,
        shown_at=now,
    )
    if seed is not None:
        session.seed = seed
    session.save()
    return session


def drill_answer(
    *,
    user,
    session_id: int,
    position: int,
    choice: str,
    callback: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> tuple[DrillSession, DrillAnswer, Grade]:
    """Record the answer to the card shown, graded by the engine, with a row per rule it tested.

    `position` is the card the page showed (from 0): an answer to a card already answered or
    not shown yet is refused, and so is a choice or a callback that is not one. An answer after
    the time box counts as wrong.

    The session is read and the answer graded without a lock; the writes then rely on the
    database, so the write lock is held only for them: the session moves on only from the card
    that was graded, and a card's answer is unique, so of two answers to the same card (a
    double submit) one is recorded and the other refused.
    """
    now = now or timezone.now()
    session = DrillSession.objects.get(pk=session_id, user=user)
    session.user = user  # already loaded: no need to read it again
    if session.is_finished:
        raise DrillRefused(_("This session is over: every card has been answered."))
    if position < session.answered:
        raise DrillRefused(ANSWERED)
    if position > session.answered or session.shown != session.answered + 1:
        raise DrillRefused(_("That card has not been shown yet."))
    minutes = session.clock_minutes
    card = session_card(session, position, minutes)
    late = now - session.shown_at > TIME_BOX + GRACE
    try:
        graded = grade(card, choice, callback, late=late)
    except ValueError:
        raise DrillRefused(_why_not(choice, callback)) from None
    moves = {"answered": position + 1, "right": session.right + graded.correct}
    if session.is_block:
        moves["clock_minutes"] = minutes + BLOCK_MINUTES[choice]
    if position + 1 == CARDS:
        moves |= _finish(session, now)
    answer = DrillAnswer(
        session=session,
        position=position,
        choice=choice,
        callback_date=callback.date() if callback else None,
        callback_time=callback.time() if callback else None,
        verdict=graded.verdict,
        correct=graded.correct,
        late=late,
        block_minutes=minutes,
        shown_at=session.shown_at,
        answered_at=now,
    )
    # A refusal leaves the whole transaction, so no write needs a savepoint of its own.
    with transaction.atomic():
        moved = DrillSession.objects.filter(
            pk=session.pk,
            answered=position,
            shown=position + 1,
            clock_minutes=minutes,
            finished_at__isnull=True,
        ).update(**moves)
        if not moved:
            raise DrillRefused(ANSWERED)
        try:
            answer.save(force_insert=True)
        except IntegrityError:
            raise DrillRefused(ANSWERED) from None
        DrillRuleResult.objects.bulk_create(
            DrillRuleResult(
                answer=answer, user=user, rule=rule, correct=graded.correct, answered_at=now
            )
            for rule in graded.rules
        )
        # Each rule the card tested is one of the person's review cards, due again when the
        # scheduler says they would forget it.
        practised(user=user, outcomes=[(rule, graded.correct) for rule in graded.rules], at=now)
    for name, value in moves.items():
        setattr(session, name, value)
    return session, answer, graded


def _why_not(choice: str, callback: datetime.datetime | None) -> str:
    if choice == "wait":
        return _("Set the callback for a moment after the lead's time, within the next week.")
    if callback is not None:
        return _("Only a callback has a date and time.")
    return _("Choose Call now, Call later or Don't call.")


def _finish(session: DrillSession, now: datetime.datetime) -> dict:
    """The session's score is its right answers; its day and streak are counted in the site's
    time zone: a session finished the day after the last finished one adds a day."""
    day = timezone.localdate(now)
    latest = (
        DrillSession.objects.filter(user=session.user, finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("finished_on", "streak")
        .first()
    )
    streak = 1
    if latest is not None:
        last_day, last_streak = latest
        if last_day >= day:
            streak = last_streak
        elif last_day == day - datetime.timedelta(days=1):
            streak = last_streak + 1
    return {"finished_at": now, "finished_on": day, "streak": streak}


def drill_next(
    *, user, session_id: int, position: int, now: datetime.datetime | None = None
) -> DrillSession:
    """Show the card at `position` (from 0), after the feedback of the one before: its time box
    starts now. Asking again for the card already shown changes nothing."""
    now = now or timezone.now()
    mine = DrillSession.objects.filter(pk=session_id, user=user)
    moved = mine.filter(
        finished_at__isnull=True, answered=position, shown=position, shown__lt=CARDS
    ).update(shown=position + 1, shown_at=now)
    session = mine.get()
    if not moved and not (session.shown == position + 1 and session.answered == position):
        raise DrillRefused(_("That card is not the next one."))
    return session
