"""The rep's pages: my training, the catalogue, modules and their steps."""

import datetime

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ... import services
from ...models import (
    Certificate,
    CompletionRecord,
    Course,
    Module,
    Reminder,
    Review,
    Step,
    StepCompletion,
)
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
    certificates = latest_certificates(user, now)
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
            "certificates": certificates,
            "expiring": [
                c
                for c in certificates
                if c.status == "valid" and c.expires_at and c.expires_at <= now + EXPIRY_WARNING
            ],
            "rejections": open_rejections(user),
            "nav": "home",
        },
    )


def latest_certificates(user, now) -> list[Certificate]:
    """The user's most recent certificate for each module, with its status now."""
    latest = {}
    for certificate in (
        Certificate.objects.filter(record__user=user)
        .select_related("record__module", "revocation", "supersession")
        .order_by("-issued_at")
    ):
        latest.setdefault(certificate.record.module_id, certificate)
    for certificate in latest.values():
        certificate.status = certificate.status_at(now)
    return list(latest.values())


def open_rejections(user, module=None) -> list[Review]:
    """Rejections compliance made of the user's latest completion of a module: what to redo."""
    records = CompletionRecord.objects.filter(user=user).select_related("review", "module")
    if module is not None:
        records = records.filter(module=module)
    latest = {}
    for record in records.order_by("-completed_at"):
        latest.setdefault(record.module_id, record)
    return [
        record.review
        for record in latest.values()
        if getattr(record, "review", None) and record.review.decision == Review.Decision.REJECTED
    ]


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
            "rejections": open_rejections(request.user, module)
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
    return render(request, "learner/lesson.html", step_context(request.user, step, steps))


@require_POST
def lesson_complete(request, module_slug, step_slug):
    step = visible_step(request.user, module_slug, step_slug)
    if step.kind != Step.Kind.LESSON:
        raise Http404("Only lessons are completed by reading them.")
    services.step_complete(user=request.user, step=step)
    context = step_context(request.user, step)
    if request.htmx:
        return render(request, "learner/lesson.html#lesson-progress", context)
    following = context["following_step"]
    if following is not None:
        return redirect("learner:step", module_slug, following.slug)
    return redirect("learner:module", module_slug)
