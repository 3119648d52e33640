"""The team tallies: how each team stands in each module, counted ahead for the dashboard.

A `TeamTally` row counts the members of one team who belong to no other team, by module, due
date and done-or-not, with the sum and count of their best quiz results. The dashboard adds up
the rows of the teams shown instead of building every person's cell, so its cost follows the
number of teams and modules, not people. People in several teams are left out of the rows and
counted when the page is read, because which of their assignments apply depends on the teams
chosen.

`measured` is the definition: the rows as the team grid (`build_grid`, the one rule for who is
assigned what, due when, and done or not) says they are. `refresh` rewrites a team's rows; it is
called in the transaction of every change that can move them: progress (`courses.progress.
read_model.refresh`), assignments and memberships (the signal receivers below, so that the
admin and deletions that cascade keep them too).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from courses.platform import sql
from courses.progress.models import ProgressStatus
from courses.teams.models import Assignment, Membership, Team, TeamTally

Key = tuple[int, int, object, bool]  # team, module, due date, done


def members_by_team(team_ids: Iterable[int]) -> tuple[dict[int, list[int]], set[int]]:
    """The members of these teams the tallies count (those in no other team), by team, and the
    members they leave out (those in several teams). Reads only these teams' members."""
    team_ids = list(team_ids)
    pairs = list(Membership.objects.filter(team_id__in=team_ids).values_list("team_id", "user_id"))
    shared = set(
        Membership.objects.filter(user_id__in={user_id for _, user_id in pairs})
        .values("user_id")
        .annotate(teams=Count("pk"))
        .filter(teams__gt=1)
        .values_list("user_id", flat=True)
    )
    counted = defaultdict(list)
    for team_id, user_id in pairs:
        if user_id not in shared:
            counted[team_id].append(user_id)
    return counted, shared


def measured(team_ids: Iterable[int], module_ids: Iterable[int] | None = None) -> dict[Key, dict]:
    """The rows of these teams (and modules, if given) as the facts say they are."""
    from courses.teams.selectors import build_grid

    team_ids = list(team_ids)
    members, _ = members_by_team(team_ids)
    counted = [user_id for ids in members.values() for user_id in ids]
    assignments = Assignment.objects.active().filter(
        Q(team_id__in=team_ids) | Q(user_id__in=counted)
    )
    if module_ids is not None:
        assignments = assignments.filter(module_id__in=list(module_ids))
    # Retired modules are counted too (the dashboard leaves them out when it reads), so a
    # module the loader retires and restores needs no recount.
    modules = list(
        {a.module_id: a.module for a in assignments.select_related("module__course")}.values()
    )
    rows: dict[Key, dict] = {}
    if not modules:
        return rows
    today = timezone.localdate()  # whether a module is done does not depend on the day
    for team_id, people in members.items():
        grid = build_grid(
            get_user_model().objects.filter(pk__in=people).only("pk"),
            today=today,
            teams=[team_id],
            modules=modules,
        )
        for row in grid.rows:
            for module_id, cell in row.cells.items():
                key = (team_id, module_id, cell.due, cell.status is ProgressStatus.DONE)
                tally = rows.setdefault(
                    key, {"people": 0, "quiz_total": Decimal("0.0"), "quiz_count": 0}
                )
                tally["people"] += 1
                if cell.best_quiz is not None:
                    tally["quiz_total"] += cell.best_quiz
                    tally["quiz_count"] += 1
    return rows


def refresh(team_ids: Iterable[int], module_ids: Iterable[int] | None = None) -> None:
    """Rewrite the rows of these teams (and modules, if given) from the facts.

    The teams are locked first, in a fixed order, so that two requests changing the same team
    at once take turns and the second reads what the first wrote.
    """
    team_ids = sorted(set(team_ids))
    if not team_ids:
        return
    if module_ids is not None:
        module_ids = list(set(module_ids))
    # Its own transaction when the change that called it had none (a membership saved alone).
    with transaction.atomic():
        list(Team.objects.select_for_update().filter(pk__in=team_ids).order_by("pk").values("pk"))
        rows = measured(team_ids, module_ids)
        old = TeamTally.objects.filter(team_id__in=team_ids)
        if module_ids is not None:
            old = old.filter(module_id__in=module_ids)
        old.delete()
        TeamTally.objects.bulk_create(
            TeamTally(team_id=team, module_id=module, due_date=due, done=done, **values)
            for (team, module, due, done), values in rows.items()
        )


def refresh_person(*, user_id: int, module_id: int | None = None) -> None:
    """Rewrite the rows counting this person: those of each team they belong to."""
    teams = Membership.objects.filter(user_id=user_id).values_list("team_id", flat=True)
    refresh(teams, None if module_id is None else [module_id])


Standing = tuple[bool, Decimal | None]  # done, best quiz result


# A progress change moves one person between rows on every submission and finished call:
# written out, see courses.platform.sql.
_TEAMS_OF = (
    "SELECT {m}.{m.id}, {m}.{m.team}, {m}.{m.joined_at} FROM {m} "
    "INNER JOIN {team} ON {team}.{team.id} = {m}.{m.team} WHERE {m}.{m.user} = %s "
    "ORDER BY {m}.{m.team}"
)
# Active assignments (not withdrawn, as `Assignment.objects.active()`) of the module that
# reach the person, through the team or directly.
_REACHING = (
    "SELECT {a.id}, {a.team}, {a.due_date}, {a.late_joiner_days}, {a.assigned_at} FROM {a} "
    "WHERE {a.withdrawn_at} IS NULL AND {a.module} = %s AND ({a.team} = %s OR {a.user} = %s)"
)
_ROW_KEY = "WHERE {t.team} = %s AND {t.module} = %s AND {t.due_date} = %s AND {t.done} = %s"
_QUIZ_CHANGE = (
    "UPDATE {t} SET {t.quiz_total} = {t.quiz_total} + %s, {t.quiz_count} = {t.quiz_count} + %s "
    + _ROW_KEY
)
_LEAVE = (
    "UPDATE {t} SET {t.people} = {t.people} - 1, {t.quiz_total} = {t.quiz_total} + %s, "
    "{t.quiz_count} = {t.quiz_count} + %s " + _ROW_KEY
)
_JOIN = (
    "INSERT INTO {t} ({t.team}, {t.module}, {t.due_date}, {t.done}, {t.people}, "
    "{t.quiz_total}, {t.quiz_count}) VALUES (%s, %s, %s, %s, 1, %s, %s) "
    "ON CONFLICT ({t.team}, {t.module}, {t.due_date}, {t.done}) DO UPDATE SET "
    "{t.people} = {t}.{t.people} + 1, {t.quiz_total} = {t}.{t.quiz_total} + %s, "
    "{t.quiz_count} = {t}.{t.quiz_count} + %s"
)


def person_moved(*, user_id: int, module_id: int, before: Standing, after: Standing) -> None:
    """Move one person from one row to another after their progress changed.

    Progress changes only whether the module is done and the best quiz result, never who is
    assigned it or by when, so the person's count moves between two rows of their team and
    nothing else is recounted. Called with the person's progress row locked; their team is
    locked too, before its assignments are read, as a recount takes it, so a recount and a
    move never interleave. A row left at zero stays: it adds nothing.
    """
    if before == after:
        return
    teams = _TEAMS_OF + sql.for_update(Membership, of=Team)
    memberships = sql.rows(Membership, teams, [user_id], m=Membership, team=Team)
    if len(memberships) != 1:
        return  # in no team, or in several: not counted in any row
    (membership,) = memberships
    team_id = membership.team_id
    reaching = sql.rows(Assignment, _REACHING, [module_id, team_id, user_id], a=Assignment)
    due = min((a.due_for(membership.joined_at) for a in reaching), default=None)
    if due is None:
        return  # not assigned the module: no cell, no row
    key = [team_id, module_id, due]
    (done_before, quiz_before), (done_after, quiz_after) = before, after
    if done_before == done_after:
        # The same row: only the quiz result in it moves.
        change = _quiz_change(quiz_before, quiz_after)
        sql.execute(_QUIZ_CHANGE, [*change, *key, done_after], t=TeamTally)
        return
    # The person is counted in the row they leave; the row they join may be new.
    sql.execute(_LEAVE, [*_quiz_change(quiz_before, None), *key, done_before], t=TeamTally)
    joined = _quiz_change(None, quiz_after)
    sql.execute(_JOIN, [*key, done_after, *joined, *joined], t=TeamTally)


def _quiz_change(old: Decimal | None, new: Decimal | None) -> tuple[Decimal, int]:
    """The change to a row's quiz sum and count when one person's best result goes from
    `old` to `new` (None: no result)."""
    return (new or Decimal(0)) - (old or Decimal(0)), (new is not None) - (old is not None)


def stored(team_ids: Iterable[int] | None = None) -> dict[Key, dict]:
    """The rows as stored, in the shape of `measured`."""
    rows = TeamTally.objects.filter(people__gt=0)
    if team_ids is not None:
        rows = rows.filter(team_id__in=list(team_ids))
    return {
        (row.pop("team_id"), row.pop("module_id"), row.pop("due_date"), row.pop("done")): row
        for row in rows.values(
            "team_id", "module_id", "due_date", "done", "people", "quiz_total", "quiz_count"
        )
    }


def rebuild() -> int:
    """Recompute every team's rows. Returns the number of rows written."""
    teams = list(Team.objects.values_list("pk", flat=True))
    TeamTally.objects.all().delete()
    refresh(teams)
    return TeamTally.objects.count()


@receiver(post_save, sender=Assignment)
@receiver(post_delete, sender=Assignment)
def assignment_changed(sender, instance: Assignment, **kwargs):
    if instance.team_id is not None:
        refresh([instance.team_id], [instance.module_id])
    else:
        refresh_person(user_id=instance.user_id, module_id=instance.module_id)


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance: Membership, **kwargs):
    # Joining or leaving a team can make a person countable, or no longer countable, in each
    # of their other teams, so all of them are recounted.
    teams = set(
        Membership.objects.filter(user_id=instance.user_id).values_list("team_id", flat=True)
    )
    refresh(teams | {instance.team_id})
