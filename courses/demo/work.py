"""Doing the work the way a rep does it, through the services, at a believable pace.

Every helper takes the moments it acts at, so that evidence of engagement (reading time, quiz
duration, time per call reply) looks like honest work unless the caller says otherwise. The
tests use these helpers, and so does the organisation `generate_org` makes.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.utils import timezone

from courses.models import CompletionRecord, Module, Quiz, QuizAttempt, RoleplayRun, Step
from courses.progress.services import lesson_complete, step_open
from courses.quizzes.services import quiz_attempt_start, quiz_attempt_submit
from courses.roleplays import engine
from courses.roleplays.selectors import call_view
from courses.roleplays.services import roleplay_choose, roleplay_record_dnc, roleplay_run_start

QUESTION_SECONDS = 40
REPLY_SECONDS = 15


def read_lesson(user, step: Step, *, opened_at: datetime.datetime, seconds: float) -> None:
    """Open the lesson, read it for `seconds`, then mark it complete."""
    step_open(user=user, step=step, now=opened_at)
    lesson_complete(user=user, step=step, now=opened_at + datetime.timedelta(seconds=seconds))


def form_answers(
    items: Sequence[tuple[int, Sequence[int]]], picked: Mapping[int, Sequence[int]]
) -> dict[str, list[str]]:
    """The quiz form's values: for each (position, choice order) shown, the choice ids in
    `picked[position]`, named as the page names them (by their place in the shown order)."""
    return {
        f"q{position}": [str(order.index(choice_id)) for choice_id in picked.get(position, ())]
        for position, order in items
    }


def submit_quiz(
    user, attempt: QuizAttempt, picked: Mapping[int, Sequence[int]], *, at: datetime.datetime
) -> QuizAttempt:
    """Submit the choice ids picked for each question position of an open attempt."""
    items = attempt.items.order_by("position").values_list("position", "choice_order")
    submitted, _ = quiz_attempt_submit(
        user=user, attempt_id=attempt.pk, raw_answers=form_answers(items, picked), now=at
    )
    return submitted


def option_of(script: engine.Script, run: RoleplayRun, path: Sequence[str], reply_id: str) -> int:
    """Where this run's page shows the reply with this id, after the replies in `path`."""
    state = engine.replay(script, path)
    offered = engine.offered_replies(script, state, seed=run.seed)
    return [reply.id for reply in offered].index(reply_id)


def answers_for(attempt, wrong_keys=()) -> dict[str, list[str]]:
    """Form answers: right except for the questions in `wrong_keys`, by shown position.

    Wrong answers are taken in authoring order, so that everyone who is wrong picks the same
    wrong choice.
    """
    answers = {}
    for item in attempt.items.select_related("question"):
        choices = {c.pk: c for c in item.question.choices.all()}
        want_right = item.question.key not in wrong_keys
        picks = [
            str(item.choice_order.index(cid))
            for cid in sorted(choices, key=lambda pk: choices[pk].position)
            if choices[cid].is_correct == want_right
        ]
        if item.question.kind != "multiple":
            picks = picks[:1]
        answers[f"q{item.position}"] = picks
    return answers


def take_quiz(user, quiz: Quiz, wrong_keys=(), *, at=None, seconds_per_question=QUESTION_SECONDS):
    """Start and submit an attempt, right except for `wrong_keys`, taking the time given
    (by default, so that it is submitted now)."""
    took = datetime.timedelta(seconds=seconds_per_question * quiz.draw_count)
    at = at or timezone.now() - took
    attempt = quiz_attempt_start(user=user, quiz=quiz, now=at)
    finished = at + datetime.timedelta(seconds=seconds_per_question * attempt.items.count())
    quiz_attempt_submit(
        user=user, attempt_id=attempt.pk, raw_answers=answers_for(attempt, wrong_keys), now=finished
    )
    attempt.refresh_from_db()
    return attempt


def choose_reply(user, run: RoleplayRun, reply_id: str, *, at=None) -> None:
    """Choose the reply with this id, wherever this run happens to offer it."""
    run = RoleplayRun.objects.get(pk=run.pk)
    turns = list(run.turns.values_list("reply", flat=True))
    offered = [reply.id for reply in call_view(run, turns).offered]
    roleplay_choose(
        user=user, run_id=run.pk, turn=len(turns), option=offered.index(reply_id), now=at
    )


def play_call(
    user, script, reply_ids, *, at=None, seconds_per_reply=REPLY_SECONDS, record=True
) -> RoleplayRun:
    """Start a call and say these replies; if it ends with a do-not-call request, record it
    on the firm's list with every detail it needs (unless `record` is false)."""
    at = at or timezone.now() - datetime.timedelta(seconds=seconds_per_reply * len(reply_ids))
    run = roleplay_run_start(user=user, script=script, now=at)
    for reply_id in reply_ids:
        at += datetime.timedelta(seconds=seconds_per_reply)
        choose_reply(user, run, reply_id, at=at)
    run.refresh_from_db()
    if record and not run.is_finished and call_view(run, list(reply_ids)).needs_record:
        roleplay_record_dnc(
            user=user,
            run_id=run.pk,
            list_key="firm",
            details=engine.REQUIRED_DNC_DETAILS,
            now=at + datetime.timedelta(seconds=seconds_per_reply),
        )
        run.refresh_from_db()
    return run


# The clean path through the sample call the tests load: identify yourself, offer a summary:
# booked.
CLEAN_CALL = ("opening.1", "objection.1")


def complete_module(
    user, module: Module, *, quiz_right=True, calls=CLEAN_CALL, ended_at=None
) -> CompletionRecord | None:
    """Do every step of the module the way a rep would, in order, taking the time each step
    needs, finishing at `ended_at` (now by default). Returns the newest completion record.

    `calls` are the reply ids to say in each call, or a function of the script that gives them.
    """
    ended_at = ended_at or timezone.now()
    steps = list(module.steps.active().order_by("position"))
    needed = sum(step.minutes for step in steps) + len(steps)
    at = ended_at - datetime.timedelta(minutes=needed)
    for step in steps:
        if step.kind == "lesson":
            step_open(user=user, step=step, now=at)
            at += datetime.timedelta(minutes=step.minutes)
            lesson_complete(user=user, step=step, now=at)
        elif step.kind == "quiz":
            wrong = () if quiz_right else step.quiz.questions.values_list("key", flat=True)
            attempt = take_quiz(user, step.quiz, list(wrong), at=at)
            at = attempt.submitted_at
        elif step.kind == "roleplay":
            replies = calls(step.script.parsed()) if callable(calls) else calls
            run = play_call(user, step.script, replies, at=at)
            at = run.finished_at or at
        at += datetime.timedelta(seconds=30)
    return CompletionRecord.objects.filter(user=user, module=module).order_by("-pk").first()
