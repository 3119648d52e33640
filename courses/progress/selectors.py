"""Where a person stands within a module's steps, and everything My training shows."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.db.models import Q
from django.urls import get_script_prefix, get_urlconf, reverse

from courses.curriculum.selectors import content_cache
from courses.models import Assignment, Membership, Module, ModuleProgress, Step, StepCompletion
from courses.platform.days import weekday_day
from courses.platform.rows import TemplateRow
from courses.progress.models import ProgressStatus as Status
from courses.progress.models import module_tag, percent_done, status_of, steps_left


def module_steps(user, module: Module) -> list[Step]:
    return list(module.steps.active().with_done(user).order_by("position"))


def mark_done(user, steps: list[Step]) -> list[Step]:
    done = set(
        StepCompletion.objects.live()
        .filter(user=user, step_id__in=[step.pk for step in steps])
        .values_list("step_id", flat=True)
        .order_by()
    )
    for step in steps:
        step.done = step.pk in done
    return steps


def module_url(module: Module | TrainingModule) -> str:
    """The module's address; a step's page is at this address plus its slug (the templates
    build those links from it rather than looking each one up)."""
    return module_url_for(module.slug)


def module_url_for(slug: str) -> str:
    """The address of the module with this slug. It depends only on the slug, the URL
    configuration and the prefix the site is served under, so it is worked out once per
    process for each module."""
    return _module_url(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, slug)


@lru_cache(maxsize=1024)
def _module_url(prefix: str, urlconf: str, slug: str) -> str:
    return reverse("learner:module", args=[slug], urlconf=urlconf)


def next_step(steps: list[Step]) -> Step | None:
    return next((step for step in steps if not step.done), None)


def step_context(user, step: Step, steps: list[Step] | None = None) -> dict:
    """The step with its module's steps around it; `steps` already marked done, if given."""
    if steps is None:
        steps = module_steps(user, step.module)
    index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
    done_count = sum(1 for s in steps if s.done)
    return {
        "module": step.module,
        "module_url": module_url(step.module),
        "step": steps[index],
        "steps": steps,
        "previous_step": steps[index - 1] if index > 0 else None,
        "following_step": steps[index + 1] if index + 1 < len(steps) else None,
        "next_step": next_step(steps),
        "done_count": done_count,
        "step_count": len(steps),
        "percent": percent_done(done=done_count, steps=len(steps)),
    }


# My training -----------------------------------------------------------------------------------


@dataclass(slots=True)
class TrainingModule(TemplateRow):
    """A module as My training shows it, with the person's progress: plain values, each module
    read once. Named as `Module.objects.with_progress` names them, so a module card renders
    either."""

    id: int
    slug: str
    url: str
    title: str
    summary: str
    position: int
    course_title: str
    required_for_certification: bool
    published: bool  # False when its course is retired: an assignment still shows it
    done_count: int  # from the progress read model
    step_count: int  # active steps
    started: bool  # a step done, a quiz submitted or a call finished
    status: Status  # regardless of due dates
    percent: int
    tag: str  # what the module is to the person: assigned, required or practice
    next_step: ActiveStep | None = None  # the first active step not done
    left: str = ""  # what is left, in words: "Only the quiz left"


@dataclass(slots=True)
class AssignedModule(TemplateRow):
    """A module assigned to the person: the earliest due date among the assignments that reach
    them, and the note of the assignment that sets it."""

    module: TrainingModule
    due: datetime.date
    due_day: str  # as the page writes it
    note: str
    status: Status  # with the due date
    label: str  # the status in words
    badge: str  # the status as a class name
    is_overdue: bool


class ActiveStep(NamedTuple):
    """A step as the next step to take is shown: what it is, and where it sits."""

    id: int
    module_id: int
    slug: str
    kind: str
    title: str
    minutes: int

    @property
    def kind_label(self) -> str:
        return Step.Kind(self.kind).label


@dataclass
class MyTraining:
    next_module: TrainingModule | None  # where "your next step" is: see `next_up`
    due: list[AssignedModule]  # assigned and not done: overdue first, then by due date
    in_progress: list[TrainingModule]  # the rest, in catalogue order
    completed: list[TrainingModule]
    not_started: list[TrainingModule]

    @property
    def to_certify(self) -> list[TrainingModule]:
        """Modules required for certification that the person has yet to complete, assigned
        ones first (in the Due list's order), then in catalogue order."""
        waiting = [row.module for row in self.due] + self.in_progress + self.not_started
        return [module for module in waiting if module.required_for_certification]

    @property
    def next_is_due(self) -> bool:
        """Whether the next step belongs to assigned work (it then leads the Due list)."""
        return bool(self.due) and self.next_module is self.due[0].module


def next_up(
    *,
    due: list[TrainingModule],
    last_touched: TrainingModule | None,
    modules: list[TrainingModule],
) -> TrainingModule | None:
    """The one rule for the person's next step, read by My training.

    Assigned work comes first: the first of `due` (the assigned modules not done, overdue
    first, then by due date). With none, the module the person last worked in, if it is not
    done; then the first module in progress, then the first not started (`modules` in
    catalogue order). Everything done: nothing.
    """
    if due:
        return due[0]
    if last_touched is not None and last_touched.status is not Status.DONE:
        return last_touched
    unfinished = [module for module in modules if module.status is not Status.DONE]
    started = [module for module in unfinished if module.status is Status.IN_PROGRESS]
    return (started or unfinished or [None])[0]


def my_training(user, *, today: datetime.date) -> MyTraining:
    """Everything My training shows about the person's modules, in a fixed number of queries.

    Progress comes from the read model, so the numbers and statuses are the ones the person's
    manager sees in the team grid (`teams.selectors.build_grid`), read for one person: each
    module once, the assignments that reach the person, and their live completions (the
    module they last worked in, and the steps they have done in each). Each module's active
    steps are content, kept by its content version.
    """
    modules, steps = _training_modules(user)
    module_of = {
        step_id: module_id for module_id, listed in steps.items() for step_id, *_ in listed
    }
    done = [  # latest first
        step_id for step_id in _COMPLETED_STEPS.filter(user=user) if step_id in module_of
    ]
    done_here = set(done)
    for module in modules.values():
        remaining = [row for row in steps[module.id] if row[0] not in done_here]
        if remaining:
            module.next_step = ActiveStep._make(remaining[0])
            module.left = steps_left([row[3] for row in remaining])

    assigned = _assigned(user, modules, today)
    due = [row for row in assigned if row.status is not Status.DONE]
    published = [module for module in modules.values() if module.published]
    last_touched = modules.get(module_of[done[0]]) if done else None
    next_module = next_up(
        due=[row.module for row in due if row.module.published],
        last_touched=last_touched if last_touched and last_touched.published else None,
        modules=published,
    )

    due_ids = {row.module.id for row in due}
    others = [module for module in published if module.id not in due_ids]
    return MyTraining(
        next_module=next_module,
        due=due,
        in_progress=[m for m in others if m.status is Status.IN_PROGRESS],
        completed=[m for m in others if m.status is Status.DONE],
        not_started=[m for m in others if m.status is Status.NOT_STARTED],
    )


# My training's reads, built once: only the person changes from one visit to the next. Each
# is a query only when filtered or copied (`all()`), never evaluated itself.
_MODULES = Module.objects.values_list(
    "pk",
    "content_version",
    "retired_at",
    "slug",
    "title",
    "summary",
    "position",
    "course__title",
    "required_for_certification",
    "course__retired_at",
)
_PROGRESS = ModuleProgress.objects.values_list("module_id", "steps_done", "best_quiz", "call")
_COMPLETED_STEPS = StepCompletion.objects.live().values_list("step_id", flat=True)  # latest first
_MEMBERSHIPS = Membership.objects.order_by().values_list("team_id", "joined_at")


def _training_modules(
    user,
) -> tuple[dict[int, TrainingModule], dict[int, list[tuple]]]:
    """Every live module in catalogue order, with the person's progress in it; and the active
    steps of every module, by module (a retired module's too: the latest step the person
    completed may be in one)."""
    progress = {
        module_id: (done, best_quiz is not None or bool(call))
        for module_id, done, best_quiz, call in _PROGRESS.filter(user=user)
    }
    rows = list(_MODULES.all())
    steps = active_steps({row[0]: row[1] for row in rows})
    prefix, urlconf = get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    modules = {}
    for pk, _, retired, slug, title, summary, position, course, required, course_retired in rows:
        if retired is not None:
            continue
        done, scored = progress.get(pk, (0, False))
        count = len(steps[pk])
        modules[pk] = TrainingModule(
            id=pk,
            slug=slug,
            url=_module_url(prefix, urlconf, slug),
            title=title,
            summary=summary,
            position=position,
            course_title=course,
            required_for_certification=required,
            published=course_retired is None,
            done_count=done,
            step_count=count,
            started=bool(done) or scored,
            status=status_of(done=done, steps=count, started=False, due=None, today=None),
            percent=percent_done(done=done, steps=count),
            tag=module_tag(required=required),
        )
    return modules, steps


def active_steps(versions: dict[int, str]) -> dict[int, list[tuple]]:
    """The active steps of each module in order, as `ActiveStep` rows; `versions` holds every
    module's content version, by id.

    Steps are content: they change only when a load gives their module a new content version
    (as `curriculum.selectors.published_steps` relies on), so they are read once for each set
    of versions and kept in the content cache, as plain rows.
    """
    versions_read = ",".join(f"{pk}:{version}" for pk, version in sorted(versions.items()))
    key = f"active-steps:{hashlib.sha256(versions_read.encode()).hexdigest()}"
    rows = content_cache().get(key)
    if rows is None:
        rows = {pk: [] for pk in versions}
        for row in (
            Step.objects.active()
            .filter(module_id__in=list(versions))
            .order_by("module_id", "position")
            .values_list(*ActiveStep._fields)
        ):
            rows[row[1]].append(row)
        content_cache().set(key, rows)
    return rows


class _Reach(NamedTuple):
    """An assignment reaching the person, as plain values."""

    id: int
    module_id: int
    team_id: int | None
    due_date: datetime.date
    late_joiner_days: int | None
    assigned_at: datetime.datetime
    note: str

    # The model's own rule: these are its fields, so its method applies as it is.
    due_for = Assignment.due_for


_REACHES = Assignment.objects.active().order_by().values_list(*_Reach._fields)


def assignment_dues(user) -> dict[int, tuple[datetime.date, int, str]]:
    """The modules assigned to the person, directly or through a team, in two queries: by
    module, the earliest due date among the assignments that reach them, with the id and note
    of the assignment that sets it."""
    joined = dict(_MEMBERSHIPS.filter(user=user))
    reaching = _REACHES.filter(Q(user=user) | Q(team_id__in=list(joined)))
    earliest: dict[int, tuple[datetime.date, int, str]] = {}
    for reach in map(_Reach._make, reaching):
        due = reach.due_for(joined.get(reach.team_id))
        if reach.module_id not in earliest or (due, reach.id) < earliest[reach.module_id][:2]:
            earliest[reach.module_id] = (due, reach.id, reach.note)
    return earliest


def tag_modules(user, modules, *, today: datetime.date) -> None:
    """Give each module (from `Module.objects.with_progress`) its `tag` for the person, as My
    training's modules carry theirs: assigned work says so, with its due date."""
    dues = assignment_dues(user)
    for module in modules:
        if module.pk not in dues:
            module.tag = module_tag(required=module.required_for_certification)
            continue
        due = dues[module.pk][0]
        status = status_of(
            done=module.done_count, steps=module.step_count, started=False, due=due, today=today
        )
        module.tag = module_tag(
            required=module.required_for_certification,
            due_day=weekday_day(due),
            overdue=status is Status.OVERDUE,
        )


def _assigned(user, modules: dict[int, TrainingModule], today) -> list[AssignedModule]:
    """The live modules assigned to the person, overdue and due first, done last; each
    module's tag says it is assigned."""
    earliest = assignment_dues(user)
    rows = []
    for module in modules.values():  # catalogue order, kept among equals by the sort
        if module.id not in earliest:
            continue  # not assigned
        due, _, note = earliest[module.id]
        status = status_of(
            done=module.done_count,
            steps=module.step_count,
            started=module.started,
            due=due,
            today=today,
        )
        module.tag = module_tag(
            required=module.required_for_certification,
            due_day=weekday_day(due),
            overdue=status is Status.OVERDUE,
        )
        rows.append(
            AssignedModule(
                module=module,
                due=due,
                due_day=weekday_day(due),
                note=note,
                status=status,
                label=status.label,
                badge=status.badge,
                is_overdue=status is Status.OVERDUE,
            )
        )
    rows.sort(key=lambda row: (row.status is Status.DONE, row.due, row.module.position))
    return rows
