"""The rep's pages: my training, the catalogue, modules and their steps.

The Rules page: the rules catalogue as compliance and managers need it.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from courses.certification.selectors import certification_statuses
from courses.curriculum.selectors import (
    PERFORMANCE_DAYS,
    published_steps,
    rule_overview,
    visible_step,
)
from courses.models import Course, Module, Step
from courses.platform.access import is_compliance, overseer_required, visible_people
from courses.progress import services as progress
from courses.progress.selectors import (
    mark_done,
    module_steps,
    module_url,
    next_step,
    step_context,
    tag_modules,
)
from courses.quizzes.views import quiz_overview
from courses.review.selectors import rule_mastery
from courses.roleplays.views import roleplay_overview


@require_GET
def catalogue(request):
    modules = list(Module.objects.published().with_progress(request.user).select_related("course"))
    for module in modules:
        module.url = module_url(module)  # as My training's modules carry theirs
    tag_modules(request.user, modules, today=timezone.localdate())
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
    tag_modules(request.user, [module], today=timezone.localdate())
    return render(
        request,
        "learner/module.html",
        {
            "module": module,
            "module_url": module_url(module),
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
    following = step_context(request.user, step)["following_step"]
    if following is not None:
        to = reverse("learner:step", args=[module_slug, following.slug])
    else:
        to = reverse("learner:module", args=[module_slug])
    # With JavaScript too the rep goes on to the next step: htmx loads the page it is told to.
    return HttpResponseClientRedirect(to) if request.htmx else redirect(to)


PAGES = {
    Step.Kind.LESSON: lesson_page,
    Step.Kind.QUIZ: quiz_overview,
    Step.Kind.ROLEPLAY: roleplay_overview,
}


@require_GET
def step_detail(request, module_slug, step_slug):
    """A step's own page: a lesson to read, a quiz to take, a call to play."""
    steps = published_steps(module_slug, reading=step_slug)
    step = next((s for s in steps if s.slug == step_slug), None)
    if step is None:
        raise Http404("No such step.")
    return PAGES[step.kind](request, step, mark_done(request.user, steps))


@require_GET
@overseer_required
def rule_list(request):
    now = timezone.now()
    people = visible_people(request.user)
    rules = rule_overview(people=people, now=now)
    context = {
        "rules": rules,
        "mastery": rule_mastery(people=people, now=now),
        "untested": [entry for entry in rules if not entry.tested],
        "days": PERFORMANCE_DAYS,
        "whole_organisation": is_compliance(request.user),  # else the viewer's teams
        "nav": "rules",
    }
    return render(request, "rules/list.html", context)
