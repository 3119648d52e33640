"""Roleplay runs: start a call, choose replies one at a time, end it early, record a
do-not-call request."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import RoleplayRun, RoleplayScript, RunTurn
from courses.progress.read_model import refresh
from courses.progress.services import step_complete
from courses.roleplays import engine
from courses.roleplays.selectors import call_view


class RoleplayRefused(Exception):
    """The choice is not allowed; the message says why."""


@transaction.atomic
def roleplay_run_start(
    *, user, script: RoleplayScript, now: datetime.datetime | None = None
) -> RoleplayRun:
    """Start a call, or return the one already open: a reload never starts a second."""
    now = now or timezone.now()
    existing = RoleplayRun.objects.filter(user=user, script=script)
    open_run = existing.filter(finished_at__isnull=True).first()
    if open_run is not None:
        return open_run
    try:
        with transaction.atomic():
            return RoleplayRun.objects.create(
                user=user,
                script=script,
                number=existing.count() + 1,
                script_data=script.data,
                content_version=script.step.module.content_version,
                started_at=now,
            )
    except IntegrityError:
        return RoleplayRun.objects.get(user=user, script=script, finished_at__isnull=True)


def _run(*, user, run_id: int, lock: bool = False) -> RoleplayRun:
    runs = RoleplayRun.objects.select_for_update() if lock else RoleplayRun.objects
    # The run's copy of its script is read only if this process has not parsed it yet, and
    # the script's own copy is not needed at all.
    run = (
        runs.select_related("script__step__module")
        .defer("script_data", "script__data")
        .get(pk=run_id, user=user)
    )
    run.user = user  # already loaded: no need to read it again
    return run


def roleplay_choose(
    *, user, run_id: int, turn: int, option: int, now: datetime.datetime | None = None
) -> RoleplayRun:
    """Record the reply chosen at the current moment of the call.

    `turn` is the number of replies the page showing the options had seen, and `option` the
    position of the chosen reply among those offered: a stale page, a replayed post or a reply
    from another moment of the call is refused and changes nothing.

    The call is read and the reply checked without a lock; the write then relies on the
    database: a turn's position is unique in its run, so of two replies to the same moment
    only one is recorded, and the write lock is held only for the writes.
    """
    now = now or timezone.now()
    run = _run(user=user, run_id=run_id)
    if run.is_finished:
        raise RoleplayRefused(_("This call is over. Start a new call to play it again."))
    turns = list(run.turns.all())
    if turn != len(turns):
        raise RoleplayRefused(
            _("That reply was for an earlier moment of the call; the call has moved on.")
        )
    path = [t.reply for t in turns]
    view = call_view(run, path)
    if view.over:
        raise RoleplayRefused(_("The call has ended; there is nothing more to say."))
    offered = view.offered
    if not 0 <= option < len(offered):
        raise RoleplayRefused(_("That reply is not one of the options at this point of the call."))
    reply = offered[option]
    after = call_view(run, [*path, reply.id])
    try:
        with transaction.atomic():
            RunTurn.objects.create(
                run=run, position=len(turns), node=view.state.node, reply=reply.id, chosen_at=now
            )
            if after.result is not None and not after.result.needs_dnc_record:
                _finish(run, after.result, now)
    except IntegrityError:
        raise RoleplayRefused(
            _("That reply was for an earlier moment of the call; the call has moved on.")
        ) from None
    return run


@transaction.atomic
def roleplay_end_call(*, user, run_id: int, now: datetime.datetime | None = None) -> RoleplayRun:
    """The rep hangs up before the call's end: it is scored as it stands, and does not pass."""
    now = now or timezone.now()
    run = _run(user=user, run_id=run_id, lock=True)
    if run.is_finished:
        raise RoleplayRefused(_("This call is already over."))
    path = list(run.turns.values_list("reply", flat=True))
    if call_view(run, path).over:
        raise RoleplayRefused(
            _("The call has already ended: record the do-not-call request to finish it.")
        )
    run.ended_early = True
    _finish(run, call_view(run, path).result, now)
    return run


@transaction.atomic
def roleplay_record_dnc(
    *,
    user,
    run_id: int,
    list_key: str,
    details: Iterable[str],
    now: datetime.datetime | None = None,
) -> RoleplayRun:
    """Record the do-not-call request at the end of a call where the prospect asked for it."""
    now = now or timezone.now()
    run = _run(user=user, run_id=run_id, lock=True)
    path = list(run.turns.values_list("reply", flat=True))
    view = call_view(run, path)
    if run.is_finished or not view.needs_record:
        raise RoleplayRefused(_("This call has no do-not-call request waiting to be recorded."))
    details = set(details)
    if list_key not in engine.DNC_LISTS:
        raise RoleplayRefused(_("Choose the list where the request is recorded."))
    if not details <= set(engine.DNC_DETAILS):
        raise RoleplayRefused(_("That detail is not one of the options."))
    record = engine.DncRecord(list_key, frozenset(details))
    run.dnc_record = {"list": list_key, "details": sorted(details), "recorded_at": now.isoformat()}
    result = engine.score_path(view.script, path, record)
    _finish(run, result, now)
    return run


def _finish(run: RoleplayRun, result: engine.CallResult, now: datetime.datetime) -> None:
    run.finished_at = now
    run.scores = dict(result.scores)
    run.total = result.total
    run.percent = result.percent
    run.outcome = result.outcome or ""
    run.violation = bool(result.violations)
    run.passed = result.passed
    run.save()
    completed = False
    if result.passed:
        _, completed = step_complete(
            user=run.user, step=run.script.step, started_at=run.started_at, now=now
        )
    if not completed:  # a completion made now has refreshed the row, this call in it
        refresh(user_id=run.user_id, module_id=run.script.step.module_id)
