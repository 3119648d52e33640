"""Simultaneous requests against a real server: every write is recorded exactly once."""

import threading

import pytest
from django.urls import reverse

from courses.curriculum.loading import load_curriculum
from courses.models import Quiz, QuizAttempt, RoleplayRun, RoleplayScript, RunTurn, StepCompletion
from courses.quizzes.services import quiz_attempt_start
from courses.roleplays.services import roleplay_run_start
from tests.platform.live import Session
from tests.support import QUIZ, ROLEPLAY, answer_form, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(count: int, action):
    """Run `action(i)` in `count` threads released at the same moment; return the results."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index):
        barrier.wait()
        results[index] = action(index)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_sixteen_simultaneous_submissions_are_graded_once(live_server, builder, rep):
    builder.with_quiz()
    load_curriculum(builder.root)
    attempt = quiz_attempt_start(user=rep, quiz=builder_quiz())
    right, wrong = answer_form(attempt, right=True), answer_form(attempt, right=False)
    url = reverse("learner:quiz-submit", args=[attempt.pk])
    sessions = [Session(live_server.url, rep) for _ in range(16)]

    results = run_together(16, lambda i: sessions[i].post(url, right if i % 2 else wrong))

    assert [status for status, _ in results] == [200] * 16  # each followed its redirect
    repeats = sum("already submitted; it counts once" in page for _, page in results)
    assert repeats == 15
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None
    assert QuizAttempt.objects.filter(submitted_at__isnull=False).count() == 1
    # The stored score is the score of the answers that were stored.
    stored = {
        item.pk: sorted(item.answers.values_list("choice_id", flat=True))
        for item in attempt.items.all()
    }
    all_right = all(
        set(ids) == set(item.question.choices.filter(is_correct=True).values_list("pk", flat=True))
        for item in attempt.items.select_related("question")
        for ids in [stored[item.pk]]
    )
    assert attempt.passed is all_right
    assert StepCompletion.objects.filter(user=rep).count() == (1 if all_right else 0)


def test_simultaneous_starts_open_one_attempt(live_server, builder, rep):
    builder.with_quiz()
    load_curriculum(builder.root)
    url = reverse("learner:quiz-start", args=["module-1", "check"])
    sessions = [Session(live_server.url, rep) for _ in range(8)]
    results = run_together(8, lambda i: sessions[i].post(url))
    assert all(status == 200 for status, _ in results)
    assert QuizAttempt.objects.filter(user=rep).count() == 1


def builder_quiz():
    return Quiz.objects.select_related("step__module").get(step__slug="check")


def test_simultaneous_choices_record_one_reply(live_server, builder, rep):
    builder.with_roleplay()
    load_curriculum(builder.root)
    script = RoleplayScript.objects.select_related("step__module").get()
    run = roleplay_run_start(user=rep, script=script)
    url = reverse("learner:roleplay-choose", args=[run.pk])
    sessions = [Session(live_server.url, rep) for _ in range(8)]

    results = run_together(
        8,
        lambda i: sessions[i].post(
            url, {"turn": 0, "option": i % 2}, headers={"HX-Request": "true"}
        ),
    )

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * 7
    run = RoleplayRun.objects.get(pk=run.pk)
    assert run.turns.count() == 1


def test_many_people_submitting_and_replying_at_once(live_server, builder, django_user_model):
    """Different people's writes at the same moment: every one succeeds and is kept once."""
    builder.course(modules=["module-1"])
    builder.module(
        slug="module-1", lessons=["intro"],
        extra_steps="  - quiz: check.yaml\n  - roleplay: call.yaml\n",
    )  # fmt: skip
    builder.quiz(module="module-1", text=QUIZ)
    builder.write("basics/module-1/call.yaml", ROLEPLAY)
    load_curriculum(builder.root)
    quiz, script = builder_quiz(), RoleplayScript.objects.select_related("step__module").get()
    people = [make_user(django_user_model, f"person{i}", "Rep") for i in range(12)]
    attempts = [quiz_attempt_start(user=p, quiz=quiz) for p in people]
    runs = [roleplay_run_start(user=p, script=script) for p in people]
    sessions = [Session(live_server.url, p) for p in people]
    forms = [answer_form(attempt, right=True) for attempt in attempts]
    htmx = {"HX-Request": "true"}

    def act(i):
        # Only HTTP in the threads: the server does the database work.
        person = i // 2
        if i % 2 == 0:
            url = reverse("learner:quiz-submit", args=[attempts[person].pk])
            return sessions[person].post(url, forms[person])
        url = reverse("learner:roleplay-choose", args=[runs[person].pk])
        return sessions[person].post(url, {"turn": 0, "option": 0}, headers=htmx)

    results = run_together(24, act)

    assert [status for status, _ in results] == [200] * 24
    assert not any("database is locked" in page for _, page in results)
    assert QuizAttempt.objects.filter(submitted_at__isnull=False, passed=True).count() == 12
    assert StepCompletion.objects.filter(step__kind="quiz").count() == 12
    assert RunTurn.objects.count() == 12
    assert set(RunTurn.objects.values_list("run_id", flat=True)) == {r.pk for r in runs}
    assert RoleplayRun.objects.filter(finished_at__isnull=True).count() == 12
