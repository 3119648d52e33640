"""Roleplay calls: preparation, the call itself one reply at a time (or ended early), the
debrief."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses.curriculum.selectors import citation_of, published_steps, visible_step
from courses.models import RoleplayRun, RoleplayScript, Step
from courses.platform.access import visible_people
from courses.progress.selectors import module_url, step_context
from courses.roleplays import engine, services
from courses.roleplays.selectors import call_debrief, run_exchanges


def roleplay_overview(request, step: Step, steps: list[Step] | None = None):
    script = get_object_or_404(RoleplayScript, step=step)
    runs = list(RoleplayRun.objects.filter(user=request.user, script=script))
    context = step_context(request.user, step, steps) | {
        "script": script,
        "persona": script.data["persona"],
        "briefing": script.data.get("briefing", ""),
        "open_run": next((r for r in runs if not r.is_finished), None),
        "runs": [r for r in runs if r.is_finished],
        "passed": any(r.passed for r in runs),
    }
    return render(request, "learner/roleplay.html", context)


@require_POST
def roleplay_start(request, module_slug, step_slug):
    step = visible_step(request.user, module_slug, step_slug)
    if step.kind != Step.Kind.ROLEPLAY:
        raise Http404("This step is not a roleplay call.")
    script = get_object_or_404(RoleplayScript.objects.select_related("step__module"), step=step)
    run = services.roleplay_run_start(user=request.user, script=script)
    return redirect("learner:roleplay-run", run.pk)


# A call page reads the script the run was played on from the process's parsed copy
# (calls.run_script): the stored copies, many pages of JSON each, are read only on a miss.
CALL_COPIES = ("script_data", "script__data")


def viewable_run(request, run_id: int) -> RoleplayRun:
    """The run, if it is the viewer's own or belongs to someone they oversee; else 404."""
    run = get_object_or_404(
        RoleplayRun.objects.select_related("script__step__module__course", "user").defer(
            *CALL_COPIES
        ),
        pk=run_id,
    )
    if (
        run.user_id != request.user.pk
        and not visible_people(request.user).filter(pk=run.user_id).exists()
    ):
        raise Http404("No such call.")
    return run


def following_step(step: Step) -> Step | None:
    """The step after this one in its module, if there is one."""
    steps = published_steps(step.module.slug)
    index = next((i for i, s in enumerate(steps) if s.pk == step.pk), None)
    return steps[index + 1] if index is not None and index + 1 < len(steps) else None


def run_context(request, run: RoleplayRun, **extra) -> dict:
    view, exchanges = run_exchanges(run)
    current = view.script.nodes[view.state.node]
    step = run.script.step
    finished = run.is_finished and view.result is not None
    own = run.user_id == request.user.pk
    # Each row's best is what a best call scored, so the column adds up to the best total.
    best = view.result.best if view.result else view.script.best_call
    dimensions = [
        {
            "name": name,
            "label": str(engine.DIMENSION_LABELS[name]),
            "score": view.result.scores[name] if view.result else None,
            "best": best[name],
        }
        for name in engine.DIMENSIONS
    ]
    return {
        "run": run,
        # The clock on the page counts on from this, not from the start time: a device's clock
        # minutes off the server's would show the wrong time on the call.
        "seconds_on_call": max(0, int((timezone.now() - run.started_at).total_seconds())),
        "step": step,
        "module": step.module,
        "module_url": module_url(step.module),
        "script": view.script,
        "persona": view.script.persona,
        "exchanges": exchanges,
        "current_line": current.prospect,
        "offered": list(enumerate(view.offered)) if not view.over else [],
        "turn": len(exchanges),
        "call_over": view.over,
        "needs_record": view.needs_record and not run.is_finished,
        "result": view.result if run.is_finished else None,
        "dnc_citation": (
            citation_of(view.result.dnc.rules) if run.is_finished and view.result.dnc else ""
        ),
        "dimensions": dimensions,
        # The record's options are shuffled like the replies: their order tells nothing.
        "dnc_lists": translated(
            engine.shuffled_for(run.seed, "dnc-lists", list(engine.DNC_LISTS.items()))
        ),
        "dnc_details": translated(
            engine.shuffled_for(run.seed, "dnc-details", list(engine.DNC_DETAILS.items()))
        ),
        "own_run": own,
        "debrief": call_debrief(exchanges) if finished else None,
        "next_step": following_step(step) if finished and own else None,
        **extra,
    }


def translated(options: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Options (key, label) with their labels in the language of the page."""
    return [(key, _(label)) for key, label in options]


def render_call(request, run: RoleplayRun, status: int = 200, **extra):
    template = "learner/roleplay_run.html#call" if request.htmx else "learner/roleplay_run.html"
    return render(request, template, run_context(request, run, **extra), status=status)


@require_GET
def roleplay_run(request, run_id):
    return render_call(request, viewable_run(request, run_id))


def own_run(request, run_id: int) -> RoleplayRun:
    return get_object_or_404(
        RoleplayRun.objects.select_related("script__step__module").defer(*CALL_COPIES),
        pk=run_id,
        user=request.user,
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@require_POST
def roleplay_choose(request, run_id):
    try:
        run = services.roleplay_choose(
            user=request.user,
            run_id=run_id,
            turn=_int(request.POST.get("turn")),
            option=_int(request.POST.get("option")),
        )
    except RoleplayRun.DoesNotExist:
        raise Http404("No such call.") from None
    except services.RoleplayRefused as refused:
        run = own_run(request, run_id)
        if request.htmx:
            return render_call(request, run, status=409, error=str(refused))
        messages.error(request, str(refused))
        return redirect("learner:roleplay-run", run.pk)
    if request.htmx:
        return render_call(request, run)
    return redirect_to_call(run)


def redirect_to_call(run: RoleplayRun):
    """Back to the call, at its newest line; or at the debrief once it is over."""
    where = "#debrief" if run.is_finished else "#latest"
    return redirect(reverse("learner:roleplay-run", args=[run.pk]) + where)


@require_POST
def roleplay_end(request, run_id):
    """The rep hangs up: the call ends where it stands and is scored."""
    run = own_run(request, run_id)
    try:
        services.roleplay_end_call(user=request.user, run_id=run.pk)
    except services.RoleplayRefused as refused:
        run.refresh_from_db()
        if request.htmx:
            return render_call(request, run, status=409, error=str(refused))
        messages.error(request, str(refused))
        return redirect("learner:roleplay-run", run.pk)
    run.refresh_from_db()
    if request.htmx:
        return render_call(request, run)
    return redirect_to_call(run)


@require_POST
def roleplay_record(request, run_id):
    run = own_run(request, run_id)
    try:
        services.roleplay_record_dnc(
            user=request.user,
            run_id=run.pk,
            list_key=request.POST.get("list", ""),
            details=request.POST.getlist("details"),
        )
    except services.RoleplayRefused as refused:
        run.refresh_from_db()
        return render_call(request, run, status=400, error=str(refused))
    run.refresh_from_db()
    if request.htmx:
        return render_call(request, run)
    return redirect_to_call(run)
