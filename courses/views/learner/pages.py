"""The rep's pages: my training, the catalogue, modules and their steps."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ... import services
from ...certification_status import certification_statuses
from ...models import Course, Module, Reminder, Step, StepCompletion
from ...services.certification import EXPIRY_WARNING_DAYS
from ...tracking import Status, build_grid

EXPIRY_WARNING = datetime.timedelta(days=EXPIRY_WARNING_DAYS)


def visible_step(user, module_slug: str, step_slug: str) -> Step:
    """A published module's active step, or 404: retired content cannot be worked on."""
    return get_object_or_404(
        Step.objects.select_related("module__course"),
        module__slug=module_slug,
        slug=step_slug,
        retired_at__isnull=True,
        module__retired_at__isnull=True,
        module__course__retired_at__isnull=True,
    )


def module_steps(user, module: Module) -> list[Step]:
    return list(module.steps.active().with_done(user).order_by("position"))


# Step pages read a module's steps from a per-process cache for up to this long: content
# changes only when load_content runs. Whatever writes progress looks the step up afresh.
CONTENT_SECONDS = 60


def published_steps(module_slug: str) -> list[Step]:
    """A published module's active steps in order, each with its module and course."""
    key = f"published-steps:{module_slug}"
    steps = cache.get(key)
    if steps is None:
        steps = list(
            Step.objects.select_related("module__course")
            .filter(
                module__slug=module_slug,
                retired_at__isnull=True,
                module__retired_at__isnull=True,
                module__course__retired_at__isnull=True,
            )
            .order_by("position")
        )
        cache.set(key, steps, CONTENT_SECONDS)
    return steps


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


@require_GET
def home(request):
    user = request.user
    modules = list(Module.objects.published().with_progress(user).select_related("course"))
    today = timezone.localdate()
    assigned = sorted(
        build_grid(get_user_model().objects.filter(pk=user.pk), today=today).rows[0].cells.values(),
        key=lambda cell: (cell.status == Status.DONE, cell.due, cell.module.position),
    )
    assigned_ids = {cell.module.pk for cell in assigned}
    last = (
        StepCompletion.objects.live()
        .filter(user=user, step__retired_at__isnull=True)
        .values_list("step__module_id", flat=True)
        .first()
    )
    by_id = {module.pk: module for module in modules}
    unfinished = [module for module in modules if module.status != "done"]
    pending = [
        by_id[c.module.pk] for c in assigned if c.status != Status.DONE and c.module.pk in by_id
    ]
    resume = by_id.get(last) if last in by_id and by_id[last].status != "done" else None
    if resume is None:
        started = [module for module in unfinished if module.status == "in progress"]
        resume = (pending or started or unfinished or [None])[0]
    resume_step = next_step(module_steps(user, resume)) if resume else None
    others = [module for module in modules if module.pk not in assigned_ids]
    now = timezone.now()
    certification = certification_statuses(user, now=now)
    return render(
        request,
        "learner/home.html",
        {
            "resume": resume,
            "resume_step": resume_step,
            "assigned": assigned,
            "in_progress": [m for m in others if m.status == "in progress"],
            "completed": [m for m in others if m.status == "done"],
            "not_started": [m for m in others if m.status == "not started"],
            "certification": certification,
            "expiring": [
                status.certificate
                for status in certification
                if status.certificate_status == "valid"
                and status.certificate.expires_at
                and status.certificate.expires_at <= now + EXPIRY_WARNING
            ],
            "nav": "home",
        },
    )


@require_GET
def reminders(request):
    sent = (
        Reminder.objects.filter(user=request.user, sent_at__isnull=False)
        .select_related("assignment__module")
        .order_by("-sent_at")[:100]
    )
    return render(request, "learner/reminders.html", {"reminders": sent, "nav": "home"})


@require_GET
def catalogue(request):
    modules = list(Module.objects.published().with_progress(request.user).select_related("course"))
    courses = []
    for course in Course.objects.published():
        course.module_list = [m for m in modules if m.course_id == course.pk]
        if course.module_list:
            courses.append(course)
    return render(request, "learner/catalogue.html", {"courses": courses, "nav": "catalogue"})


@require_GET
def module_detail(request, module_slug):
    module = get_object_or_404(
        Module.objects.published().with_progress(request.user).select_related("course"),
        slug=module_slug,
    )
    steps = module_steps(request.user, module)
    return render(
        request,
        "learner/module.html",
        {
            "module": module,
            "steps": steps,
            "next_step": next_step(steps),
            "certification": certification_statuses(request.user, now=timezone.now(), module=module)
            if module.required_for_certification
            else [],
        },
    )


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


def lesson_page(request, step: Step, steps: list[Step] | None = None):
    context = step_context(request.user, step, steps)
    if not context["step"].done:
        services.step_open(user=request.user, step=step)
    return render(request, "learner/lesson.html", context)


@require_POST
def lesson_complete(request, module_slug, step_slug):
    step = visible_step(request.user, module_slug, step_slug)
    if step.kind != Step.Kind.LESSON:
        raise Http404("Only lessons are completed by reading them.")
    try:
        services.lesson_complete(user=request.user, step=step)
    except services.ProgressRefused as refused:
        if request.htmx:
            context = step_context(request.user, step) | {"error": str(refused)}
            return render(request, "learner/lesson.html#lesson-progress", context, status=409)
        messages.error(request, str(refused))
        return redirect("learner:step", module_slug, step_slug)
    context = step_context(request.user, step)
    if request.htmx:
        return render(request, "learner/lesson.html#lesson-progress", context)
    following = context["following_step"]
    if following is not None:
        return redirect("learner:step", module_slug, following.slug)
    return redirect("learner:module", module_slug)
