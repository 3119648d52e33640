"""Fuzzing what a rep posts: lesson completion, quiz answers and submissions, call replies
and do-not-call records, drill answers and next cards. The values and checks are in fuzzing.py.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from courses.models import DrillSession, QuizAttempt, RoleplayRun
from tests.platform.fuzzing import FUZZ, as_client, dates, hostile, send, value
from tests.platform.support import Rollback, World

# A 100 KB value makes a long failure report; Hypothesis warns about it, and that is fine.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


slugs = st.one_of(st.from_regex(r"[-a-zA-Z0-9_]{1,80}", fullmatch=True), st.just("module-1"))


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_lesson_complete(world, data):
    lesson = world.step("lesson")
    module_slug = data.draw(st.one_of(st.just(world.module.slug), slugs))
    step_slug = data.draw(st.one_of(st.sampled_from([lesson.slug, "check", "call"]), slugs))
    body = data.draw(st.dictionaries(st.sampled_from(["user", "step", "done", "x"]), value))
    with Rollback():
        client = as_client(world, "rep")
        url = reverse("learner:lesson-complete", args=[module_slug, step_slug])
        response = send(client, "POST", url, body, htmx=data.draw(st.booleans()))
        real = module_slug == world.module.slug and step_slug == lesson.slug
        assert response.status_code in ({200, 302} if real else {404})


def answers(w: World):
    names = st.sampled_from(
        ["q1", "q2", "q3", "q4", "q0", "q5", "q-1", "qq", "Q1", "q" + "9" * 50, "score", "user"]
    )
    choices = st.one_of(st.sampled_from(["0", "1", "2", "3"]), hostile)
    return st.dictionaries(names, st.one_of(choices, st.lists(choices, max_size=4)), max_size=5)


def quiz_attempt_ids(w: World):
    return st.sampled_from(
        [w.open_attempt.pk] * 4 + [w.attempt.pk, w.other_attempt.pk, 0, 2**63, 2**70]
    )


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_quiz_answers(world, data):
    attempt_id = data.draw(quiz_attempt_ids(world))
    payload = data.draw(answers(world))
    with Rollback():
        client = as_client(world, "rep")
        response = send(
            client,
            "POST",
            reverse("learner:quiz-answer", args=[attempt_id]),
            payload,
            htmx=data.draw(st.booleans()),
        )
        if attempt_id != world.open_attempt.pk and attempt_id != world.attempt.pk:
            assert response.status_code == 404
        attempt = QuizAttempt.objects.get(pk=world.open_attempt.pk)
        assert attempt.submitted_at is None  # saving answers never submits


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_quiz_submit(world, data):
    attempt_id = data.draw(quiz_attempt_ids(world))
    payload = data.draw(answers(world))
    with Rollback():
        client = as_client(world, "rep")
        before = QuizAttempt.objects.get(pk=world.attempt.pk)
        response = send(client, "POST", reverse("learner:quiz-submit", args=[attempt_id]), payload)
        if attempt_id not in {world.open_attempt.pk, world.attempt.pk}:
            assert response.status_code == 404
        after = QuizAttempt.objects.get(pk=world.attempt.pk)
        # An attempt already submitted counts once: resubmitting changes nothing.
        assert (after.submitted_at, after.percent) == (before.submitted_at, before.percent)
        other = QuizAttempt.objects.get(pk=world.other_attempt.pk)
        assert other.user == world.users["other_rep"]


def run_ids(w: World):
    return st.sampled_from(
        [w.open_run.pk] * 3 + [w.dnc_run.pk, w.run.pk, w.other_run.pk, 0, 2**63, 2**70]
    )


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_roleplay_reply(world, data):
    run_id = data.draw(run_ids(world))
    payload = {
        "turn": data.draw(st.one_of(st.sampled_from(["0", "1", "3"]), value)),
        "option": data.draw(st.one_of(st.sampled_from(["0", "1", "2"]), value)),
    }
    with Rollback():
        client = as_client(world, "rep")
        before = RoleplayRun.objects.get(pk=world.open_run.pk).turns.count()
        response = send(
            client,
            "POST",
            reverse("learner:roleplay-choose", args=[run_id]),
            payload,
            htmx=data.draw(st.booleans()),
        )
        if run_id in {world.other_run.pk, 0, 2**63, 2**70}:
            assert response.status_code == 404
        after = RoleplayRun.objects.get(pk=world.open_run.pk).turns.count()
        assert after - before in {0, 1}


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_roleplay_record(world, data):
    run_id = data.draw(run_ids(world))
    valid_detail = st.sampled_from(["number", "name", "date", "caller"])
    payload = {
        "list": data.draw(st.one_of(st.sampled_from(["firm", "national", "none"]), value)),
        "details": data.draw(st.lists(st.one_of(valid_detail, hostile), max_size=5)),
    }
    with Rollback():
        client = as_client(world, "rep")
        response = send(
            client,
            "POST",
            reverse("learner:roleplay-record", args=[run_id]),
            payload,
            htmx=data.draw(st.booleans()),
        )
        if run_id in {world.other_run.pk, 0, 2**63, 2**70}:
            assert response.status_code == 404


def drill_ids(w: World):
    return st.sampled_from([w.drill.pk] * 3 + [w.drill_answered.pk, 0, 2**63, 2**70])


def answered(w: World) -> dict[int, int]:
    return dict(
        DrillSession.objects.filter(pk__in=[w.drill.pk, w.drill_answered.pk]).values_list(
            "pk", "answered"
        )
    )


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_drill_answer(world, data):
    session_id = data.draw(drill_ids(world))
    payload = {
        "position": data.draw(st.one_of(st.sampled_from(["0", "1", "9"]), value)),
        "choice": data.draw(st.one_of(st.sampled_from(["call", "wait", "do-not-call"]), value)),
        "callback_date": data.draw(dates),
        "callback_time": data.draw(st.one_of(st.sampled_from(["09:00", "8:00", "23:59"]), value)),
    }
    with Rollback():
        client = as_client(world, "rep")
        before = answered(world)
        url = reverse("practice:answer", args=[session_id])
        response = send(client, "POST", url, payload, htmx=data.draw(st.booleans()))
        if session_id not in before:
            assert response.status_code == 404
        after = answered(world)
        # At most the card shown is answered, once.
        assert all(after[pk] - before[pk] in {0, 1} for pk in before)
        assert after[world.drill_answered.pk] == before[world.drill_answered.pk]


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_drill_next(world, data):
    session_id = data.draw(drill_ids(world))
    payload = {"position": data.draw(st.one_of(st.sampled_from(["0", "1", "2"]), value))}
    with Rollback():
        client = as_client(world, "rep")
        url = reverse("practice:next", args=[session_id])
        response = send(client, "POST", url, payload, htmx=data.draw(st.booleans()))
        if session_id not in {world.drill.pk, world.drill_answered.pk}:
            assert response.status_code == 404
        shown = DrillSession.objects.get(pk=world.drill.pk).shown
        assert shown == 1  # its first card is not answered: no next card yet
