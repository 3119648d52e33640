"""A rep's own training: My training and their reminders."""

from django.db.models import F
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from courses.certification.selectors import certification_statuses
from courses.models import Certificate, Reminder
from courses.progress.selectors import my_training


@require_GET
def home(request):
    user = request.user
    now = timezone.now()
    training = my_training(user, today=timezone.localdate(now))
    return render(
        request,
        "learner/home.html",
        {
            "resume": training.resume,
            "resume_step": training.resume_step,
            "assigned": training.assigned,
            "in_progress": training.in_progress,
            "completed": training.completed,
            "not_started": training.not_started,
            "certification": certification_statuses(user, now=now),
            "expiring": Certificate.objects.filter(record__user=user)
            .expiring(now=now)
            .values("expires_at", module_title=F("record__module__title")),
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
