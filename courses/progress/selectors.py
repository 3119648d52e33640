"""Where a person stands within a module's steps, and everything My training shows."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q

from courses.models import Assignment, Module, ModuleProgress, Step, StepCompletion
from courses.progress.models import ProgressStatus as Status
from courses.progress.models import status_of


def module_steps(user, module: Module) -> list[Step]:
    return list(module.steps.active().with_done(user).order_by("position"))


def mark_done(user, steps: list[Step]) -> list[Step]:
    done = set(
        StepCompletion.objects.live()
        .filter(user=user, step_id__in=[step.pk for step in steps])
        .values_list("step_id", flat=True)
    )
    for step in steps:
        step.done = step.pk in done
    return steps


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
        "step": steps[index],
        "steps": steps,
        "previous_step": steps[index - 1] if index > 0 else None,
        "following_step": steps[index + 1] if index + 1 < len(steps) else None,
        "next_step": next_step(steps),
        "done_count": done_count,
        "step_count": len(steps),
        "percent": round(100 * done_count / len(steps)) if steps else 0,
    }


# My training -----------------------------------------------------------------------------------


@dataclass(slots=True)
class TrainingModule:
    """A module as My training shows it, with the person's progress: plain values, each module
    read once. Named as `Module.objects.with_progress` names them, so a module card renders
    either."""

    id: int
    slug: str
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


@dataclass(slots=True)
class AssignedModule:
    """A module assigned to the person: the earliest due date among the assignments that reach
    them, and the note of the assignment that sets it."""

    module: TrainingModule
    due: datetime.date
    note: str
    status: Status  # with the due date
    badge: str  # the status as a class name

    @property
    def is_overdue(self) -> bool:
        return self.status is Status.OVERDUE


@dataclass(frozen=True, slots=True)
class NextStep:
    """The step to resume with: the first active step of the module the person has not done."""

    slug: str
    kind: str
    title: str
    minutes: int

    @property
    def kind_label(self) -> str:
        return Step.Kind(self.kind).label


@dataclass
class MyTraining:
    resume: TrainingModule | None
    resume_step: NextStep | None
    assigned: list[AssignedModule]
    in_progress: list[TrainingModule]
    completed: list[TrainingModule]
    not_started: list[TrainingModule]


def my_training(user, *, today: datetime.date) -> MyTraining:
    """Everything My training shows about the person's modules, in a fixed number of queries.

    Progress comes from the read model, so the numbers and statuses are the ones the person's
    manager sees in the team grid (`teams.selectors.build_grid`), read for one person: each
    live module once, its active steps once, the assignments that reach the person, and their
    live completions (the module they last worked in, and the steps they have done in it).
    """
    modules, steps = _training_modules(user)
    assigned = _assigned(user, modules, today)
    published = {module.id: module for module in modules.values() if module.published}

    completed_steps = list(
        StepCompletion.objects.live()
        .filter(user=user, step__retired_at__isnull=True)
        .values_list("step__module_id", "step_id")
    )  # latest first
    last = completed_steps[0][0] if completed_steps else None
    resume = published.get(last)
    if resume is None or resume.status is Status.DONE:
        pending = [
            row.module
            for row in assigned
            if row.status is not Status.DONE and row.module.id in published
        ]
        unfinished = [module for module in published.values() if module.status is not Status.DONE]
        started = [module for module in unfinished if module.status is Status.IN_PROGRESS]
        resume = (pending or started or unfinished or [None])[0]
    resume_step = None
    if resume is not None:
        done = {step_id for module_id, step_id in completed_steps if module_id == resume.id}
        resume_step = next(
            (NextStep(*step[1:]) for step in steps.get(resume.id, ()) if step[0] not in done),
            None,
        )

    assigned_ids = {row.module.id for row in assigned}
    others = [module for module in published.values() if module.id not in assigned_ids]
    return MyTraining(
        resume=resume,
        resume_step=resume_step,
        assigned=assigned,
        in_progress=[m for m in others if m.status is Status.IN_PROGRESS],
        completed=[m for m in others if m.status is Status.DONE],
        not_started=[m for m in others if m.status is Status.NOT_STARTED],
    )


def _training_modules(user) -> tuple[dict[int, TrainingModule], dict[int, list[tuple]]]:
    """Every live module in catalogue order with the person's progress in it, and each one's
    active steps in order as (id, slug, kind, title, minutes)."""
    steps: dict[int, list[tuple]] = defaultdict(list)
    for module_id, *step in (
        Step.objects.filter(retired_at__isnull=True, module__retired_at__isnull=True)
        .order_by("module_id", "position")
        .values_list("module_id", "pk", "slug", "kind", "title", "minutes")
    ):
        steps[module_id].append(step)
    progress = {
        module_id: (done, best_quiz is not None or bool(call))
        for module_id, done, best_quiz, call in ModuleProgress.objects.filter(
            user=user
        ).values_list("module_id", "steps_done", "best_quiz", "call")
    }
    rows = Module.objects.filter(retired_at__isnull=True).values_list(
        "pk",
        "slug",
        "title",
        "summary",
        "position",
        "course__title",
        "required_for_certification",
        "course__retired_at",
    )
    modules = {}
    for pk, slug, title, summary, position, course, required, course_retired in rows:
        done, scored = progress.get(pk, (0, False))
        count = len(steps.get(pk, ()))
        modules[pk] = TrainingModule(
            id=pk,
            slug=slug,
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
            percent=round(100 * done / count) if count else 0,
        )
    return modules, steps


class _Reach(NamedTuple):
    """An assignment reaching the person, with when they joined its team (if it has one)."""

    id: int
    module_id: int
    team_id: int | None
    due_date: datetime.date
    late_joiner_days: int | None
    assigned_at: datetime.datetime
    note: str
    joined_at: datetime.datetime | None

    # The model's own rule: these are its fields, so its method applies as it is.
    due_for = Assignment.due_for


def _assigned(user, modules: dict[int, TrainingModule], today) -> list[AssignedModule]:
    """The live modules assigned to the person, overdue and due first, done last."""
    # The membership joined to a team assignment is the person's own (the filter's join), so
    # its joined_at gives a late joiner their own due date; a personal assignment has none.
    reaching = (
        Assignment.objects.active()
        .filter(Q(user=user) | Q(team__memberships__user=user))
        .order_by()
        .values_list(*_Reach._fields[:-1], "team__memberships__joined_at")
    )
    earliest: dict[int, tuple[datetime.date, int, str]] = {}
    for reach in map(_Reach._make, reaching):
        if reach.module_id not in modules:
            continue  # a retired module
        due = reach.due_for(reach.joined_at)
        if reach.module_id not in earliest or (due, reach.id) < earliest[reach.module_id][:2]:
            earliest[reach.module_id] = (due, reach.id, reach.note)
    rows = []
    for module in modules.values():  # catalogue order, kept among equals by the sort
        if module.id not in earliest:
            continue
        due, _, note = earliest[module.id]
        status = status_of(
            done=module.done_count,
            steps=module.step_count,
            started=module.started,
            due=due,
            today=today,
        )
        rows.append(
            AssignedModule(
                module=module,
                due=due,
                note=note,
                status=status,
                badge=status.value.replace(" ", "-"),
            )
        )
    rows.sort(key=lambda row: (row.status is Status.DONE, row.due, row.module.position))
    return rows
