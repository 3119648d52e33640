"""A rep's own training: My training and their reminders."""

from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from courses.certification.selectors import certification_statuses
from courses.models import Certificate, Module, Reminder, StepCompletion
from courses.progress.models import ProgressStatus as Status
from courses.progress.selectors import module_steps, next_step
from courses.teams.selectors import build_grid


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
            "expiring": Certificate.objects.filter(record__user=user)
            .expiring(now=now)
            .select_related("record__module"),
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
