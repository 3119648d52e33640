"""Taking quizzes: the overview, the attempt page, saving answers as you go, submitting once
(asking first when questions are left blank), and after a fail the lessons to read again and
when the next attempt may start.

Quiz insight for managers (their teams) and compliance (everyone).
"""

import datetime
import math

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses.curriculum.models import published_step
from courses.curriculum.selectors import visible_step
from courses.models import Quiz, QuizAttempt, Step
from courses.platform.access import overseer_required, visible_people
from courses.platform.charts import histogram
from courses.progress.selectors import module_url, step_context
from courses.quizzes.analysis import SMALL_SAMPLE, item_analysis
from courses.quizzes.selectors import lessons_for_missed, shown_questions
from courses.quizzes.services import (
    QuizRefused,
    UnansweredQuestions,
    answer_key_shown,
    quiz_answer_save,
    quiz_attempt_finish_if_expired,
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_availability,
)


def seconds_until(moment: datetime.datetime | None, now: datetime.datetime) -> int:
    """Whole seconds from `now` to `moment` (rounded up; 0 once past), for a countdown."""
    if moment is None:
        return 0
    return max(0, math.ceil((moment - now).total_seconds()))


def quiz_overview(request, step: Step, steps: list[Step] | None = None):
    quiz = get_object_or_404(Quiz, step=step)
    attempts = list(QuizAttempt.objects.filter(user=request.user, quiz=quiz))
    now = timezone.now()
    availability = quiz_availability(user=request.user, quiz=quiz, attempts=attempts, now=now)
    context = step_context(request.user, step, steps) | {
        "quiz": quiz,
        "attempts": [a for a in attempts if a.submitted_at is not None],
        "availability": availability,
        "retry_seconds": seconds_until(availability.wait_until, now),
    }
    return render(request, "learner/quiz.html", context)


@require_POST
def quiz_start(request, module_slug, step_slug):
    step = visible_step(request.user, module_slug, step_slug)
    if step.kind != Step.Kind.QUIZ:
        raise Http404("This step is not a quiz.")
    quiz = get_object_or_404(Quiz.objects.select_related("step__module"), step=step)
    try:
        attempt = quiz_attempt_start(user=request.user, quiz=quiz)
    except QuizRefused as refused:
        messages.error(request, str(refused))
        return redirect("learner:step", module_slug, step_slug)
    return redirect("learner:quiz-attempt", attempt.pk)


def own_attempt(request, attempt_id: int) -> QuizAttempt:
    """The signed-in person's attempt, or 404: nobody opens another person's attempt here."""
    return get_object_or_404(
        QuizAttempt.objects.select_related("quiz__step__module"),
        pk=attempt_id,
        user=request.user,
    )


def attempt_context(request, attempt: QuizAttempt, **extra) -> dict:
    now = timezone.now()
    key, availability, lessons = True, None, []
    if attempt.is_submitted and attempt.user_id == request.user.pk:
        attempts = list(QuizAttempt.objects.filter(user=request.user, quiz=attempt.quiz_id))
        key = answer_key_shown(quiz=attempt.quiz, attempts=attempts)
        if not attempt.passed:
            lessons = lessons_for_missed(attempt)
            availability = quiz_availability(
                user=request.user, quiz=attempt.quiz, attempts=attempts, now=now
            )
            if availability.passed:  # passed since: nothing to try again
                availability = None
    questions = shown_questions(attempt, key=key)
    step = attempt.quiz.step
    return {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "module": step.module,
        "module_url": module_url(step.module),
        "step": step,
        "questions": questions,
        "answered_count": sum(1 for q in questions if q.answered),
        "saved_at": now,
        "time_left": seconds_until(attempt.deadline, now),
        "own_attempt": attempt.user_id == request.user.pk,
        "key_shown": key,
        "lessons": lessons,
        "availability": availability,
        "retry_seconds": seconds_until(availability and availability.wait_until, now),
        **extra,
    }


def viewable_attempt(request, attempt_id: int) -> QuizAttempt:
    """The viewer's own attempt, or one by someone they oversee (read only); else 404."""
    attempt = get_object_or_404(
        QuizAttempt.objects.select_related("quiz__step__module"), pk=attempt_id
    )
    if attempt.user_id == request.user.pk:
        attempt.user = request.user  # already loaded: grading a late attempt needs no query
    elif not visible_people(request.user).filter(pk=attempt.user_id).exists():
        raise Http404("No such attempt.")
    return attempt


@require_GET
def quiz_attempt(request, attempt_id):
    attempt = viewable_attempt(request, attempt_id)
    if quiz_attempt_finish_if_expired(attempt=attempt):
        messages.warning(request, _("Time ran out; the answers saved before then were scored."))
    if attempt.user_id != request.user.pk and not attempt.is_submitted:
        # Someone else's open attempt: nothing to review yet, and no answers to show.
        return render(
            request,
            "learner/quiz_attempt.html",
            {
                "attempt": attempt,
                "not_yours": True,
                "step": attempt.quiz.step,
                "module": attempt.quiz.step.module,
                "module_url": module_url(attempt.quiz.step.module),
            },
        )
    return render(request, "learner/quiz_attempt.html", attempt_context(request, attempt))


def answers_from(request) -> dict[str, list[str]]:
    # Only the answer fields are read: anything else posted (a score, say) is ignored.
    return {name: request.POST.getlist(name) for name in request.POST if name.startswith("q")}


@require_POST
def quiz_answer(request, attempt_id):
    attempt = own_attempt(request, attempt_id)
    try:
        quiz_answer_save(
            user=request.user, attempt_id=attempt.pk, raw_answers=answers_from(request)
        )
    except QuizRefused as refused:
        if request.htmx:
            attempt.refresh_from_db()
            context = attempt_context(request, attempt, save_error=str(refused))
            return render(request, "learner/quiz_attempt.html#save-response", context, status=409)
        messages.error(request, str(refused))
        return redirect("learner:quiz-attempt", attempt.pk)
    if request.htmx:
        context = attempt_context(request, attempt, saved=True)
        return render(request, "learner/quiz_attempt.html#save-response", context)
    messages.success(request, _("Your answers are saved. Submit when you are ready."))
    return redirect("learner:quiz-attempt", attempt.pk)


@require_POST
def quiz_submit(request, attempt_id):
    posted = answers_from(request)
    try:
        attempt, graded = quiz_attempt_submit(
            user=request.user,
            attempt_id=attempt_id,
            raw_answers=posted,
            # Only this value confirms; anything else asks again (blanks score wrong anyway).
            confirmed=request.POST.get("confirm") == "yes",
        )
    except QuizAttempt.DoesNotExist:
        raise Http404("No such attempt.") from None
    except UnansweredQuestions as blank:
        # Nothing was submitted; the answers posted were kept. Ask before submitting.
        attempt = own_attempt(request, attempt_id)
        context = attempt_context(request, attempt)
        context["unanswered"] = [q for q in context["questions"] if q.position in blank.positions]
        context["posted"] = [(name, value) for name, values in posted.items() for value in values]
        return render(request, "learner/quiz_confirm.html", context)
    except QuizRefused as refused:
        attempt = own_attempt(request, attempt_id)
        context = attempt_context(request, attempt, error=str(refused))
        return render(request, "learner/quiz_attempt.html", context, status=400)
    if not graded:
        messages.info(request, _("This attempt was already submitted; it counts once."))
    elif attempt.timed_out:
        messages.warning(
            request, _("Time was up before you submitted; the answers saved in time were scored.")
        )
    return redirect("learner:quiz-attempt", attempt.pk)


def seen_attempts(user):
    return QuizAttempt.objects.filter(user__in=visible_people(user).values("pk"))


@require_GET
@overseer_required
def quiz_list(request):
    people = visible_people(request.user).values("pk")
    quizzes = (
        Quiz.objects.filter(published_step("step__"))
        .select_related("step__module__course")
        .annotate(
            attempt_count=Count(
                "attempts",
                filter=Q(attempts__submitted_at__isnull=False, attempts__user__in=people),
            )
        )
        .order_by("step__module__course__position", "step__module__position", "step__position")
    )
    context = {"quizzes": quizzes, "small_sample": SMALL_SAMPLE, "nav": "insights"}
    return render(request, "insights/quiz_list.html", context)


@require_GET
@overseer_required
def quiz_detail(request, quiz_id):
    quiz = get_object_or_404(Quiz.objects.select_related("step__module"), pk=quiz_id)
    analysis = item_analysis(quiz, seen_attempts(request.user))
    context = {
        "analysis": analysis,
        "scores": histogram(analysis.best_scores, mark=quiz.pass_mark),
        "small_sample": SMALL_SAMPLE,
        "nav": "insights",
    }
    return render(request, "insights/quiz_detail.html", context)
