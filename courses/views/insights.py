"""Quiz insight for managers (their teams) and compliance (everyone)."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ..access import overseer_required, visible_people
from ..analysis import item_analysis
from ..models import Module, Quiz, QuizAttempt


def seen_attempts(user):
    return QuizAttempt.objects.filter(user__in=visible_people(user).values("pk"))


@require_GET
@overseer_required
def quiz_list(request):
    people = visible_people(request.user).values("pk")
    quizzes = (
        Quiz.objects.filter(
            step__retired_at__isnull=True, step__module__in=Module.objects.published()
        )
        .select_related("step__module__course")
        .annotate(
            attempt_count=Count(
                "attempts",
                filter=Q(attempts__submitted_at__isnull=False, attempts__user__in=people),
            )
        )
        .order_by("step__module__course__position", "step__module__position", "step__position")
    )
    return render(request, "insights/quiz_list.html", {"quizzes": quizzes, "nav": "insights"})


@require_GET
@overseer_required
def quiz_detail(request, quiz_id):
    quiz = get_object_or_404(Quiz.objects.select_related("step__module"), pk=quiz_id)
    analysis = item_analysis(quiz, seen_attempts(request.user))
    return render(request, "insights/quiz_detail.html", {"analysis": analysis, "nav": "insights"})
