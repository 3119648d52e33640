"""The rep's pages: my training, the catalogue, modules and their steps.

The Rules page: the rules catalogue as compliance and managers need it.
"""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from courses.certification.selectors import certification_statuses
from courses.certification.services import EXPIRY_WARNING_DAYS
from courses.curriculum.selectors import (
    PERFORMANCE_DAYS,
    published_steps,
    rule_overview,
    visible_step,
)
from courses.models import Course, Module, Reminder, Step, StepCompletion
from courses.platform.access import is_compliance, overseer_required, visible_people
from courses.progress import services as progress
from courses.progress.selectors import mark_done, module_steps, next_step, step_context
from courses.quizzes.views import quiz_overview
from courses.roleplays.views import roleplay_overview
from courses.teams.selectors import Status, build_grid

EXPIRY_WARNING = datetime.timedelta(days=EXPIRY_WARNING_DAYS)


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


def lesson_page(request, step: Step, steps: list[Step] | None = None):
    context = step_context(request.user, step, steps)
    if not context["step"].done:
        progress.step_open(user=request.user, step=step)
    return render(request, "learner/lesson.html", context)


@require_POST
def lesson_complete(request, module_slug, step_slug):
    step = visible_step(request.user, module_slug, step_slug)
    if step.kind != Step.Kind.LESSON:
        raise Http404("Only lessons are completed by reading them.")
    try:
        progress.lesson_complete(user=request.user, step=step)
    except progress.ProgressRefused as refused:
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


PAGES = {
    Step.Kind.LESSON: lesson_page,
    Step.Kind.QUIZ: quiz_overview,
    Step.Kind.ROLEPLAY: roleplay_overview,
}


@require_GET
def step_detail(request, module_slug, step_slug):
    """A step's own page: a lesson to read, a quiz to take, a call to play."""
    steps = published_steps(module_slug)
    step = next((s for s in steps if s.slug == step_slug), None)
    if step is None:
        raise Http404("No such step.")
    return PAGES[step.kind](request, step, mark_done(request.user, steps))


@require_GET
@overseer_required
def rule_list(request):
    rules = rule_overview(people=visible_people(request.user), now=timezone.now())
    context = {
        "rules": rules,
        "untested": [entry for entry in rules if not entry.tested],
        "days": PERFORMANCE_DAYS,
        "whose": "the organisation" if is_compliance(request.user) else "your teams",
        "nav": "rules",
    }
    return render(request, "rules/list.html", context)
