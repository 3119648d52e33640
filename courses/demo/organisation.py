"""A realistic organisation: teams, managers, reps, a compliance officer, assignments, and the
work and certification that follow from them.

Everything is drawn from one seeded random generator, so a seed always gives the same people,
due dates and results; only the absolute timestamps move with the clock (they are placed
relative to now, never in the future). Accounts, groups, teams and managers' scopes are
inserted in bulk; memberships, assignments, the reps' work and its certification are made by
the services.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils import timezone

from courses.demo.activity import DAY, RUSHING_SHARE, Rep, Worker, clamp, level_of
from courses.demo.certification import certify_progress
from courses.demo.curriculum import load_modules
from courses.demo.people import full_names, team_name
from courses.models import ManagerScope, Module, Team
from courses.platform.access import COMPLIANCE, MANAGER, REP
from courses.teams.services import assignment_create, team_member_add

BATCH_SIZE = 1000
JOIN_WINDOW_DAYS = 120
INDIVIDUAL_NOTES = (
    "Catch-up agreed at your one-to-one.",
    "Refresher after last week's call review.",
    "Needed before you join the new campaign.",
    "Please finish this before your quarterly review.",
)


class OrganisationRefused(Exception):
    """The organisation cannot be made; the message says why and what to do instead."""


@dataclass(frozen=True)
class Plan:
    teams: int
    reps_per_team: int
    module_count: int | None  # None: every published module
    seed: int
    prefix: str
    password: str
    working_reps: int | None = None  # None: every rep's work is made


def build_organisation(plan: Plan) -> dict[str, object]:
    """Make the organisation and return what was made, by label, for a summary."""
    User = get_user_model()
    rng = random.Random(plan.seed)
    now = timezone.now()
    today = timezone.localdate(now)
    prefix = plan.prefix
    _refuse_if_taken(prefix, plan.teams)

    infos = load_modules(rng)
    count = len(infos) if plan.module_count is None else min(plan.module_count, len(infos))
    team_modules = infos[:count]
    hashed = make_password(plan.password)
    groups = {
        name: Group.objects.get_or_create(name=name)[0] for name in (REP, MANAGER, COMPLIANCE)
    }

    # People ---------------------------------------------------------------------------------
    teams, reps_per_team = plan.teams, plan.reps_per_team
    names = full_names(rng, teams * (reps_per_team + 1) + 1)
    managers = []
    for index in range(teams):
        first, last = next(names)
        username = f"{prefix}-manager-{index + 1:02d}"
        joined = now - datetime.timedelta(days=rng.uniform(150, 900))
        managers.append(_user(username, first, last, hashed, joined))
    width = max(3, len(str(teams * reps_per_team)))
    reps: list[Rep] = []
    for team_index in range(teams):
        # Stratified, so every team has strong and weak reps; more keen than not.
        levels = [((k + rng.random()) / reps_per_team) ** 0.75 for k in range(reps_per_team)]
        rng.shuffle(levels)
        for diligence in levels:
            first, last = next(names)
            username = f"{prefix}-rep-{len(reps) + 1:0{width}d}"
            joined_at = now - datetime.timedelta(days=rng.uniform(0.2, JOIN_WINDOW_DAYS))
            signed_up = joined_at - datetime.timedelta(hours=rng.uniform(1, 72))
            user = _user(username, first, last, hashed, signed_up)
            skill = clamp(0.3 + 0.5 * diligence + rng.gauss(0, 0.12), 0.05, 0.98)
            rushes = rng.random() < RUSHING_SHARE
            reps.append(Rep(user, team_index, joined_at, diligence, skill, rushes))
    User.objects.bulk_create([*managers, *(rep.user for rep in reps)], batch_size=BATCH_SIZE)
    UserGroup = User.groups.through
    UserGroup.objects.bulk_create(
        [UserGroup(user_id=m.pk, group_id=groups[MANAGER].pk) for m in managers]
        + [UserGroup(user_id=r.user.pk, group_id=groups[REP].pk) for r in reps],
        batch_size=BATCH_SIZE,
    )

    # Teams: each rep joins on their own day, added by the team's manager --------------------
    team_rows = Team.objects.bulk_create([Team(name=team_name(i, prefix)) for i in range(teams)])
    TeamManager = Team.managers.through
    links = [
        TeamManager(team_id=team.pk, user_id=managers[i].pk) for i, team in enumerate(team_rows)
    ]
    # Every fourth manager also manages the next team.
    links += [
        TeamManager(team_id=team_rows[i + 1].pk, user_id=managers[i].pk)
        for i in range(3, teams - 1, 4)
    ]
    TeamManager.objects.bulk_create(links)
    # An administrator places each rep in the scope of their team's managers.
    managers_of = defaultdict(list)
    for link in links:
        managers_of[link.team_id].append(link.user_id)
    ManagerScope.objects.bulk_create(
        [
            ManagerScope(manager_id=manager_id, rep_id=rep.user.pk)
            for rep in reps
            for manager_id in managers_of[team_rows[rep.team_index].pk]
        ],
        batch_size=BATCH_SIZE,
    )
    for rep in reps:
        team_member_add(
            by=managers[rep.team_index],
            team=team_rows[rep.team_index],
            user=rep.user,
            now=rep.joined_at,
        )

    # Assignments, each made by the manager on the day it was made ---------------------------
    assigned: list[dict[int, datetime.datetime]] = [{} for _ in reps]  # module id: when asked
    team_assigned: dict[int, dict[int, datetime.datetime]] = defaultdict(dict)
    kinds = due_kinds(rng, teams, len(team_modules))
    for team_index, team in enumerate(team_rows):
        for module_index, info in enumerate(team_modules):
            kind = kinds[team_index][module_index]
            due, assigned_at = due_date(rng, kind, now, today)
            late_joiner_days = 14 if kind == "future" and rng.random() < 0.3 else None
            assignment_create(
                by=managers[team_index],
                modules=[info.module],
                due_date=due,
                team=team,
                late_joiner_days=late_joiner_days,
                now=assigned_at,
            )
            team_assigned[team_index][info.module.pk] = assigned_at
    for rep_index, rep in enumerate(reps):
        assigned[rep_index].update(team_assigned[rep.team_index])
    # A few people are also asked individually: a module their team does not have, or
    # (when the team has them all) one of the team's modules again.
    others = infos[count:]
    individual = sorted(rng.sample(range(len(reps)), max(1, round(len(reps) * 0.08))))
    for rep_index in individual:
        rep = reps[rep_index]
        info = rng.choice(others or team_modules)
        kind = rng.choices(("overdue", "soon", "future"), weights=(2, 2, 6))[0]
        due, assigned_at = due_date(rng, kind, now, today)
        if assigned_at < rep.joined_at:
            # Nobody is asked before they join: assign it since, and due in the future.
            assigned_at = rep.joined_at + (now - rep.joined_at) * rng.uniform(0.1, 0.9)
            due = max(due, today + datetime.timedelta(days=rng.randint(4, 30)))
        assignment_create(
            by=managers[rep.team_index],
            modules=[info.module],
            due_date=due,
            user=rep.user,
            note=rng.choice(INDIVIDUAL_NOTES),
            now=assigned_at,
        )
        earlier = assigned[rep_index].get(info.module.pk, assigned_at)
        assigned[rep_index][info.module.pk] = min(earlier, assigned_at)

    # Work: each rep works on the modules assigned to them, from when they joined or were asked.
    order = {info.module.pk: index for index, info in enumerate(infos)}
    by_module = {info.module.pk: info for info in infos}
    worker = Worker(rng, now)
    working = working_reps(len(reps), plan.working_reps)
    for rep_index in working:
        rep = reps[rep_index]
        mine = assigned[rep_index]
        tenure = (now - rep.joined_at).total_seconds() / DAY
        for position, module_id in enumerate(sorted(mine, key=order.__getitem__)):
            drive = rep.diligence + rng.uniform(-0.2, 0.2) - 0.03 * position
            if tenure < 10:
                drive -= 0.3  # new starters have not got far yet
            start = max(rep.joined_at, mine[module_id])
            worker.module_progress(rep, by_module[module_id], level_of(drive), start)

    # Certification --------------------------------------------------------------------------
    first, last = next(names)
    joined = now - datetime.timedelta(days=rng.uniform(400, 1500))
    officer = _user(f"{prefix}-compliance", first, last, hashed, joined)
    officer.save()
    officer.groups.add(groups[COMPLIANCE])
    people = [reps[index].user for index in working]
    certification = certify_progress(rng, now, officer, people, infos)

    assignments = teams * len(team_modules) + len(individual)
    return {
        "teams": teams,
        "managers": f"{len(managers)} ({managers[0].username} ... {managers[-1].username})",
        "reps": f"{len(reps)} ({reps[0].user.username} ... {reps[-1].user.username})",
        "assignments": f"{assignments} ({assignments - len(individual)} to teams, "
        f"{len(individual)} to individuals)",
        "reps at work": f"{len(working)} of {len(reps)}",
        "completions": worker.made["completions"],
        "quiz attempts": worker.made["quiz attempts"],
        "roleplay runs": worker.made["roleplay runs"],
        "compliance": officer.username,
        "completion records": certification.records,
        "certified": certification.certified,
        "rejected": certification.rejected,
        "pending": certification.pending,
        "revoked": certification.revoked,
        "expired": certification.expired,
    }


def working_reps(count: int, wanted: int | None) -> list[int]:
    """The indexes of the reps whose work is made: all of them, or `wanted` spread evenly over
    every team (reps are numbered team by team)."""
    if wanted is None or wanted >= count:
        return list(range(count))
    return sorted({index * count // wanted for index in range(wanted)})


def _user(username: str, first: str, last: str, hashed: str, joined: datetime.datetime):
    User = get_user_model()
    return User(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@example.com",
        password=hashed,
        date_joined=joined,
    )


def _refuse_if_taken(prefix: str, teams: int) -> None:
    User = get_user_model()
    if not Module.objects.published().exists():
        raise OrganisationRefused(
            "The curriculum is not loaded (no published modules). "
            "Run `python manage.py load_content` first."
        )
    generated = (
        Q(username__startswith=f"{prefix}-manager-")
        | Q(username__startswith=f"{prefix}-rep-")
        | Q(username=f"{prefix}-compliance")
    )
    if User.objects.filter(generated).exists():
        raise OrganisationRefused(
            f'Users named "{prefix}-manager-...", "{prefix}-rep-..." or "{prefix}-compliance" '
            "already exist: this organisation was generated before. Choose another --prefix."
        )
    names = [team_name(index, prefix) for index in range(teams)]
    taken = sorted(Team.objects.filter(name__in=names).values_list("name", flat=True))
    if taken:
        raise OrganisationRefused(
            f"Teams already exist: {', '.join(taken)}. Choose another --prefix."
        )


def due_kinds(rng: random.Random, teams: int, modules: int) -> list[list[str]]:
    """Per team and module: overdue, due soon (within 3 days) or in the future.

    Each team has roughly one in seven of its modules overdue and one in seven due soon (at
    least one of each once it has three modules) and the rest in the future, in a random
    order; a team with fewer modules gets them at random, mostly in the future.
    """
    kinds = []
    for _ in range(teams):
        if modules >= 3:
            overdue = max(1, round(modules * rng.uniform(0.08, 0.2)))
            soon = max(1, round(modules * rng.uniform(0.08, 0.2)))
            row = ["overdue"] * overdue + ["soon"] * soon
            row += ["future"] * (modules - len(row))
            rng.shuffle(row)
        else:
            row = rng.choices(("overdue", "soon", "future"), weights=(15, 15, 70), k=modules)
        kinds.append(row)
    if modules and not any("overdue" in row for row in kinds):
        kinds[0][0] = "overdue"
    return kinds


def due_date(
    rng: random.Random, kind: str, now: datetime.datetime, today: datetime.date
) -> tuple[datetime.date, datetime.datetime]:
    """A due date of the given kind, and when it was assigned (always in the past)."""
    if kind == "overdue":
        due = today - datetime.timedelta(days=rng.randint(1, 30))
    elif kind == "soon":
        due = today + datetime.timedelta(days=rng.randint(0, 3))
    else:
        due = today + datetime.timedelta(days=rng.randint(4, 75))
    # A future due date was set recently; one already close or past was set weeks before it.
    back = rng.uniform(0.5, 40) if kind == "future" else (today - due).days + rng.uniform(14, 45)
    return due, now - datetime.timedelta(days=back)
