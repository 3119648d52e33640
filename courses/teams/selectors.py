"""Who is assigned what, by when, and how far they have got.

One grid, people by assigned modules, built with a fixed number of queries whatever the number
of people, modules, completions or attempts. The rep's own "My training", the team dashboard,
its CSV export and the reminders all read it from here.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Assignment, Membership, Module, ModuleProgress, Step, TeamTally
from courses.platform.access import REP
from courses.platform.days import day_month
from courses.platform.rows import TemplateRow
from courses.progress.models import ProgressStatus as Status
from courses.progress.models import percent_done, status_of


class AssignedModule(NamedTuple):
    """An assignment as the grid reads it: plain values, as a large team has hundreds."""

    id: int
    module_id: int
    team_id: int | None
    user_id: int | None
    due_date: datetime.date
    late_joiner_days: int | None
    assigned_at: datetime.datetime
    note: str

    # The same rule as the model's: these are its fields, so its method applies as it is.
    due_for = Assignment.due_for


@dataclass(slots=True)
class Cell(TemplateRow):
    person_id: int
    module: Module
    due: datetime.date | None
    assignment: AssignedModule  # the one that sets the (earliest) due date
    done: int
    steps: int
    best_quiz: Decimal | None
    roleplay: str  # "passed", "violation", "not passed" or "" when no call was finished
    status: Status
    summary: str = ""  # "Overdue · due 3 Dec · 2/5 · quiz 80% · call passed", by `describe`

    @property
    def css(self) -> str:
        return self.status.badge

    @property
    def percent(self) -> int:
        return percent_done(done=self.done, steps=self.steps)

    @property
    def is_overdue(self) -> bool:
        return self.status is Status.OVERDUE


@dataclass
class Row(TemplateRow):
    person: object
    teams: list[str]
    cells: dict[int, Cell] = field(default_factory=dict)  # by module id
    columns: list[Cell | None] = field(default_factory=list)  # in the grid's column order

    @property
    def overdue_count(self) -> int:
        return sum(1 for cell in self.cells.values() if cell.is_overdue)

    @property
    def done_count(self) -> int:
        return sum(1 for cell in self.cells.values() if cell.status is Status.DONE)

    @property
    def percent(self) -> int:
        """How much of their assigned modules the person has done, counted in steps: a module
        half done counts as half, so 4 of 9 steps is 44%, never 0%."""
        cells = self.cells.values()
        return percent_done(
            done=sum(min(cell.done, cell.steps) for cell in cells),
            steps=sum(cell.steps for cell in cells),
        )


@dataclass
class ModuleSummary:
    module: Module
    assigned: int = 0
    done: int = 0
    overdue: int = 0
    quiz_total: Decimal = Decimal(0)
    quiz_count: int = 0

    def add(self, cell: Cell) -> None:
        self.assigned += 1
        self.done += cell.status is Status.DONE
        self.overdue += cell.is_overdue
        if cell.best_quiz is not None:
            self.quiz_total += cell.best_quiz
            self.quiz_count += 1

    @property
    def average_quiz(self) -> Decimal | None:
        return round(self.quiz_total / self.quiz_count, 1) if self.quiz_count else None


@dataclass
class Grid:
    rows: list[Row]
    modules: list[Module]

    @cached_property
    def summaries(self) -> list[ModuleSummary]:
        return summarise(self.rows, self.modules)

    @property
    def cells(self) -> list[Cell]:
        return [cell for row in self.rows for cell in row.cells.values()]

    @property
    def completion_rate(self) -> int | None:
        cells = self.cells
        if not cells:
            return None
        return round(100 * sum(c.status is Status.DONE for c in cells) / len(cells))

    @property
    def overdue_count(self) -> int:
        return sum(1 for cell in self.cells if cell.is_overdue)


def build_grid(people, *, today: datetime.date, module_ids=None, teams=None, modules=None) -> Grid:
    """The grid for `people` (a queryset of users, ordered as the rows should be).

    `teams` (teams or their ids) limits which team assignments count (a manager's dashboard
    filtered to a team); `module_ids` limits the columns, or `modules` when the caller has
    already read them.
    """
    if modules is not None:
        module_ids = [module.pk for module in modules]
    people = list(people)
    person_ids = [p.pk for p in people]
    memberships = Membership.objects.filter(user_id__in=person_ids)
    if teams is not None:
        memberships = memberships.filter(team__in=teams)
    joined: dict[tuple[int, int], datetime.datetime] = {}
    teams_of: dict[int, list[str]] = defaultdict(list)
    members_of: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id, joined_at, team_name in memberships.values_list(
        "team_id", "user_id", "joined_at", "team__name"
    ):
        joined[(team_id, user_id)] = joined_at
        teams_of[user_id].append(team_name)
        members_of[team_id].append(user_id)

    assignments = Assignment.objects.active().filter(
        Q(user_id__in=person_ids) | Q(team_id__in=list(members_of))
    )
    if modules is not None:
        assignments = assignments.filter(module_id__in=module_ids)  # already known to be live
    elif module_ids is not None:
        assignments = assignments.filter(module_id__in=module_ids, module__retired_at=None)
    else:
        assignments = assignments.filter(module__retired_at=None)
    assignments = list(map(AssignedModule._make, assignments.values_list(*AssignedModule._fields)))
    # The modules once each, not once per assignment: a large team has hundreds of these.
    assigned = {assignment.module_id for assignment in assignments}
    if modules is None:
        columns = Module.objects.select_related("course").in_bulk(assigned)
    else:
        columns = {module.pk: module for module in modules if module.pk in assigned}

    # (person, module) -> the assignments reaching them, each with its due date for them.
    reach: dict[tuple[int, int], list[tuple[AssignedModule, datetime.date]]] = defaultdict(list)
    for assignment in assignments:
        if assignment.user_id is not None:
            reach[(assignment.user_id, assignment.module_id)].append(
                (assignment, assignment.due_date)
            )
        else:
            for person_id in members_of[assignment.team_id]:
                due = assignment.due_for(joined[(assignment.team_id, person_id)])
                reach[(person_id, assignment.module_id)].append((assignment, due))

    progress = module_progress(person_ids, list(columns))
    rows = []
    for person in people:
        person_id = person.pk
        row = Row(person=person, teams=sorted(teams_of.get(person_id, [])))
        for module_id, module in columns.items():
            reached = reach.get((person_id, module_id))
            if reached:
                row.cells[module_id] = make_cell(
                    person_id, module_id, module, reached, progress, today
                )
        rows.append(row)

    ordered = sorted(columns.values(), key=lambda m: (m.course.position, m.position, m.title))
    for row in rows:
        row.columns = [row.cells.get(module.pk) for module in ordered]
    return Grid(rows=rows, modules=ordered)


def describe(rows: list[Row]) -> None:
    """Write each cell's one-line summary, as the grid shows it: the status in words first
    (the cell's colour repeats it), then the due date, steps done, quiz and call.

    A page shows hundreds of cells with few distinct due dates and scores, so each is written
    once, not once per cell.
    """
    dues: dict[datetime.date, str] = {}
    scores: dict[Decimal, str] = {}
    statuses = {status: str(status.label) for status in Status}
    calls = {
        "passed": _("call passed"),
        "violation": _("call violation"),
        "not passed": _("call not passed"),
    }
    for row in rows:
        for cell in row.cells.values():
            parts = [statuses[cell.status]]
            if cell.due is not None:
                if cell.due not in dues:
                    dues[cell.due] = _("due %(day)s") % {"day": day_month(cell.due)}
                parts.append(dues[cell.due])
            parts.append(f"{cell.done}/{cell.steps}")
            if cell.best_quiz is not None:
                if cell.best_quiz not in scores:
                    scores[cell.best_quiz] = _("quiz %(score)s%%") % {
                        "score": floatformat(cell.best_quiz, "-1")
                    }
                parts.append(scores[cell.best_quiz])
            if cell.roleplay:
                parts.append(calls.get(cell.roleplay, cell.roleplay))
            cell.summary = " · ".join(parts)


@dataclass
class Progress:
    steps: dict[int, int]
    done: dict[tuple[int, int], int]
    best_quiz: dict[tuple[int, int], Decimal]
    roleplay: dict[tuple[int, int], str]


def module_progress(person_ids: list[int], module_ids: list[int]) -> Progress:
    """Per person and module: steps done, best quiz score, best call, from the read model."""
    if not person_ids or not module_ids:
        return Progress({}, {}, {}, {})
    progress = Progress(
        steps=dict(
            Step.objects.filter(module_id__in=module_ids, retired_at__isnull=True)
            .order_by()
            .values("module_id")
            .annotate(n=Count("pk"))
            .values_list("module_id", "n")
        ),
        done={},
        best_quiz={},
        roleplay={},
    )
    for user_id, module_id, done, best_quiz, call in ModuleProgress.objects.filter(
        user_id__in=person_ids, module_id__in=module_ids
    ).values_list("user_id", "module_id", "steps_done", "best_quiz", "call"):
        key = (user_id, module_id)
        progress.done[key] = done
        if best_quiz is not None:
            progress.best_quiz[key] = best_quiz
        if call:
            progress.roleplay[key] = call
    return progress


def make_cell(person_id, module_id, module, reached, progress: Progress, today) -> Cell:
    key = (person_id, module_id)
    if len(reached) == 1:
        assignment, due = reached[0]
    else:
        assignment, due = min(reached, key=lambda pair: (pair[1], pair[0].id))
    done = progress.done.get(key, 0)
    steps = progress.steps.get(module_id, 0)
    best_quiz = progress.best_quiz.get(key)
    roleplay = progress.roleplay.get(key, "")
    started = bool(done or best_quiz is not None or roleplay)
    return Cell(
        person_id=person_id,
        module=module,
        due=due,
        assignment=assignment,
        done=done,
        steps=steps,
        best_quiz=best_quiz,
        roleplay=roleplay,
        status=status_of(done=done, steps=steps, started=started, due=due, today=today),
    )


def summarise(rows: list[Row], modules: list[Module]) -> list[ModuleSummary]:
    summaries = {module.pk: ModuleSummary(module) for module in modules}
    for row in rows:
        for module_id, cell in row.cells.items():
            summaries[module_id].add(cell)
    return [summaries[module.pk] for module in modules]


@dataclass
class TeamSummary:
    """A dashboard's headline numbers: per module, and for the teams as a whole."""

    summaries: list[ModuleSummary]

    @property
    def modules(self) -> list[Module]:
        return [summary.module for summary in self.summaries]

    @property
    def completion_rate(self) -> int | None:
        assigned = sum(s.assigned for s in self.summaries)
        return round(100 * sum(s.done for s in self.summaries) / assigned) if assigned else None

    @property
    def overdue_count(self) -> int:
        return sum(s.overdue for s in self.summaries)


def team_summary(*, teams, today: datetime.date, module_ids=None, known=()) -> TeamSummary:
    """The summary of `build_grid` for everyone in `teams`, without building their grid.

    It adds up the teams' tallies (courses/teams/tally.py), which count everyone in only one
    team, and builds the grid only for the people in several of these teams: its cost follows
    the number of teams and modules, not people. `known`: modules the caller has read already
    (with their course), used rather than read again.
    """
    team_ids = [getattr(team, "pk", team) for team in teams]
    tallies = TeamTally.objects.filter(team_id__in=team_ids, module__retired_at=None, people__gt=0)
    if module_ids is not None:
        tallies = tallies.filter(module_id__in=module_ids)
    counts = {
        row["module_id"]: row
        for row in tallies.values("module_id").annotate(
            n_assigned=Sum("people"),
            n_done=Sum("people", filter=Q(done=True)),
            n_overdue=Sum("people", filter=Q(done=False, due_date__lt=today)),
            n_quiz_total=Sum("quiz_total"),
            n_quiz_count=Sum("quiz_count"),
        )
    }
    shared = list(
        Membership.objects.filter(team_id__in=team_ids)
        .values("user_id")
        .annotate(teams=Count("user__memberships"))
        .filter(teams__gt=1)
        .values_list("user_id", flat=True)
    )
    cells = []
    if shared:
        grid = build_grid(
            get_user_model().objects.filter(pk__in=shared).order_by("pk").only("pk"),
            today=today,
            teams=team_ids,
            module_ids=module_ids,
        )
        cells = grid.cells
    modules = {cell.module.pk: cell.module for cell in cells}
    modules |= {module.pk: module for module in known if module.pk in counts}
    missing = set(counts) - set(modules)
    if missing:
        modules |= Module.objects.select_related("course").in_bulk(missing)
    ordered = sorted(modules.values(), key=lambda m: (m.course.position, m.position, m.title))
    summaries = {module.pk: ModuleSummary(module) for module in ordered}
    for module_id, row in counts.items():
        summary = summaries[module_id]
        summary.assigned += row["n_assigned"]
        summary.done += row["n_done"] or 0
        summary.overdue += row["n_overdue"] or 0
        summary.quiz_total += row["n_quiz_total"] or 0
        summary.quiz_count += row["n_quiz_count"] or 0
    for cell in cells:
        summaries[cell.module.pk].add(cell)
    return TeamSummary(list(summaries.values()))


@dataclass
class TeamCompletion:
    """A team's completion by day: of the (person, module) pairs assigned to its members now,
    how many were done by the end of each day."""

    team: object
    pairs: int
    done_by_day: list[tuple[datetime.date, int]]
    due_dates: list[datetime.date]

    @property
    def shares(self) -> list[tuple[datetime.date, float]]:
        return [(day, done / self.pairs) for day, done in self.done_by_day] if self.pairs else []

    @property
    def share_now(self) -> int | None:
        return round(100 * self.done_by_day[-1][1] / self.pairs) if self.pairs else None


@dataclass
class ChartData:
    teams: list[TeamCompletion]
    statuses: list[tuple[Status, int]]  # every status, in the grid's order, with its count


def chart_data(*, teams, today: datetime.date, start: datetime.date) -> ChartData:
    """What the manager's charts show, for everyone in `teams`: each team's completion from
    `start` to `today` against its due dates, and the mix of statuses across their grid.

    A fixed number of queries whatever the number of teams and people: the grid (as the
    dashboard reads it), the memberships, the assignments and the completion times.
    """
    teams = list(teams)
    people = (
        get_user_model().objects.filter(memberships__team__in=teams).distinct().order_by("pk")
    ).only("pk")
    grid = build_grid(people, today=today, teams=teams)
    cells = {(cell.person_id, cell.module.pk): cell for cell in grid.cells}
    members: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in Membership.objects.filter(team__in=teams).values_list(
        "team_id", "user_id"
    ):
        members[team_id].append(user_id)
    team_modules: dict[int, set[int]] = defaultdict(set)
    own_modules: dict[int, set[int]] = defaultdict(set)
    for team_id, user_id, module_id in (
        Assignment.objects.active()
        .filter(Q(team__in=teams) | Q(user_id__in=[row.person.pk for row in grid.rows]))
        .values_list("team_id", "user_id", "module_id")
    ):
        if team_id is not None:
            team_modules[team_id].add(module_id)
        else:
            own_modules[user_id].add(module_id)
    completed = {
        (user_id, module_id): timezone.localdate(at)
        for user_id, module_id, at in ModuleProgress.objects.filter(
            user_id__in=[row.person.pk for row in grid.rows],
            module_id__in=[module.pk for module in grid.modules],
            completed_at__isnull=False,
        ).values_list("user_id", "module_id", "completed_at")
    }
    days = [start + datetime.timedelta(days=n) for n in range((today - start).days + 1)]
    result = []
    for team in teams:
        pairs = [
            cells[(user_id, module_id)]
            for user_id in members[team.pk]
            for module_id in team_modules[team.pk] | own_modules[user_id]
            if (user_id, module_id) in cells
        ]
        finished = sorted(
            completed.get((cell.person_id, cell.module.pk), today)
            for cell in pairs
            if cell.status is Status.DONE
        )
        done_by_day = [(day, bisect_right(finished, day)) for day in days]
        result.append(
            TeamCompletion(
                team=team,
                pairs=len(pairs),
                done_by_day=done_by_day,
                due_dates=sorted({cell.due for cell in pairs if cell.due is not None}),
            )
        )
    counts = Counter(cell.status for cell in cells.values())
    order = [Status.DONE, Status.IN_PROGRESS, Status.DUE_SOON, Status.OVERDUE, Status.NOT_STARTED]
    return ChartData(teams=result, statuses=[(status, counts[status]) for status in order])


def reps_in_scope(manager):
    """The reps `manager` may add to their teams: active accounts with the Rep role that an
    administrator placed in the manager's scope (`ManagerScope`). The one statement of the
    rule: the member-add form offers only these, and `services.team_member_add` refuses others."""
    return get_user_model().objects.filter(
        is_active=True, groups__name=REP, in_scope_of__manager=manager
    )
