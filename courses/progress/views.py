"""A rep's own training: My training and their reminders."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from courses.certification.selectors import certification
from courses.models import Reminder
from courses.progress.selectors import my_training
from courses.review.selectors import review_today


@require_GET
def home(request):
    user = request.user
    now = timezone.now()
    training = my_training(user, today=timezone.localdate(now))
    certified = certification(user, now=now)
    return render(
        request,
        "learner/home.html",
        {
            "next_module": training.next_module,
            "next_is_due": training.next_is_due,
            "due": training.due,
            "in_progress": training.in_progress,
            "completed": training.completed,
            "not_started": training.not_started,
            "certification": certified.statuses,
            "to_certify": training.to_certify,
            "expiring": certified.expiring,
            "review": review_today(user=user, now=now),
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
