"""The caching policy (settings.CACHES): content is cached by content version and emptied by a
load that changes it; progress, roles and sessions are read afresh on every request.

These run with the real local-memory caches of the test settings, emptied before each test.
"""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.curriculum.loading import load_curriculum
from courses.curriculum.selectors import content_cache
from courses.models import Module, QuizAttempt
from courses.platform.access import MANAGER, roles_of
from tests.support import QUIZ, opened_long_ago, role_group

ATTEMPTS = "learner:quiz-attempt"


def load(builder, django_capture_on_commit_callbacks):
    """Run `load_content` as an operator does, its transaction committed."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_content", root=builder.root, stdout=None)


def quiz_page(client, builder, django_capture_on_commit_callbacks) -> str:
    builder.with_quiz()
    load(builder, django_capture_on_commit_callbacks)
    client.post(reverse("learner:quiz-start", args=["module-1", "check"]))
    return reverse(ATTEMPTS, args=[QuizAttempt.objects.get().pk])


@pytest.mark.django_db
def test_a_load_that_changes_a_question_shows_on_the_next_quiz_page(
    rep_client, builder, django_capture_on_commit_callbacks
):
    url = quiz_page(rep_client, builder, django_capture_on_commit_callbacks)
    assert "How long does a registration" in rep_client.get(url).content.decode()
    builder.quiz(
        module="module-1",
        text=QUIZ.replace("How long does a registration", "For how long does a registration"),
    )
    load(builder, django_capture_on_commit_callbacks)
    content = rep_client.get(url).content.decode()
    assert "For how long does a registration" in content
    assert "How long does a registration" not in content


@pytest.mark.django_db
def test_content_is_kept_until_a_load_changes_something(
    rep_client, builder, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    url = quiz_page(rep_client, builder, django_capture_on_commit_callbacks)
    rep_client.get(url)
    # Session, user, the attempt with its quiz, its items, its answers: the bank is kept.
    with django_assert_max_num_queries(5):
        rep_client.get(url)
    content_cache().set("kept-until-a-change", True)
    load(builder, django_capture_on_commit_callbacks)  # the same files: nothing changes
    assert content_cache().get("kept-until-a-change")
    with django_assert_max_num_queries(5):
        rep_client.get(url)
    builder.quiz(module="module-1", text=QUIZ.replace("Thirty-one days.", "31 days."))
    load(builder, django_capture_on_commit_callbacks)
    assert content_cache().get("kept-until-a-change") is None


@pytest.mark.django_db
def test_a_load_that_renames_a_lesson_shows_on_its_page_at_once(rep_client, small_curriculum):
    url = reverse("learner:step", args=["module-1", "lesson-2"])
    assert "Lesson 2" in rep_client.get(url).content.decode()
    small_curriculum.write(
        "basics/module-1/lesson-2.md",
        (small_curriculum.root / "basics/module-1/lesson-2.md")
        .read_text()
        .replace("title: Lesson 2", "title: Reading the registry"),
    )
    call_command("load_content", root=small_curriculum.root, stdout=None)
    assert "Reading the registry" in rep_client.get(url).content.decode()


@pytest.mark.django_db
def test_a_load_that_adds_or_retires_steps_shows_on_my_training_at_once(
    rep_client, small_curriculum
):
    # The load's transaction is not committed here, so the content cache is not emptied: as
    # in another process, only the new content versions tell My training what changed.
    home = reverse("learner:home")
    page = rep_client.get(home).content.decode()
    assert page.count("0% · 0 of 3 steps") == 3  # both modules' cards, and the first's next step
    assert 'href="/modules/module-1/lesson-1/">Begin: Lesson 1<' in page
    lessons = ["lesson-1", "lesson-2", "lesson-3", "lesson-4"]
    small_curriculum.module(slug="module-1", lessons=lessons)
    call_command("load_content", root=small_curriculum.root, stdout=None)
    page = rep_client.get(home).content.decode()
    assert "0% · 0 of 4 steps" in page and "0% · 0 of 3 steps" in page
    small_curriculum.module(slug="module-1", lessons=["lesson-3"])
    call_command("load_content", root=small_curriculum.root, stdout=None)
    page = rep_client.get(home).content.decode()
    assert "0% · 0 of 1 steps" in page
    assert 'href="/modules/module-1/lesson-3/">Begin: Lesson 3<' in page


@pytest.mark.django_db
def test_a_completed_lesson_shows_on_the_next_module_and_step_page(
    rep, rep_client, small_curriculum
):
    opened_long_ago(rep)
    module = reverse("learner:module", args=["module-1"])
    lesson = reverse("learner:step", args=["module-1", "lesson-3"])
    assert "0 of 3 steps done" in rep_client.get(module).content.decode()
    assert "0 of 3 steps done" in rep_client.get(lesson).content.decode()
    rep_client.post(reverse("learner:lesson-complete", args=["module-1", "lesson-1"]))
    assert "1 of 3 steps done" in rep_client.get(module).content.decode()
    assert "1 of 3 steps done" in rep_client.get(lesson).content.decode()


@pytest.mark.django_db
def test_a_role_given_in_the_database_applies_on_the_next_request(rep, rep_client):
    dashboard = reverse("team:dashboard")
    assert rep_client.get(dashboard).status_code == 403
    assert roles_of(rep) == {"Rep"}
    rep.groups.add(role_group(MANAGER))
    assert roles_of(rep) == {"Rep", MANAGER}  # a user not loaded for a request is looked up
    page = rep_client.get(reverse("learner:home")).content.decode()
    assert f'href="{dashboard}"' in page  # the manager's navigation
    assert rep_client.get(dashboard).status_code == 200
    rep.groups.remove(role_group(MANAGER))
    assert rep_client.get(dashboard).status_code == 403


@pytest.mark.django_db
def test_sessions_sign_in_sign_out_and_expire(rep, django_assert_num_queries):
    client = Client()
    home = reverse("learner:home")
    assert client.get(home).status_code == 302
    response = client.post(reverse("login"), {"username": "rep", "password": "pw"})
    assert response.status_code == 302
    # The session and the user with their roles: one query each, then the page's own.
    with django_assert_num_queries(3):
        assert client.get(reverse("learner:reminders")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(home).status_code == 302
    client.post(reverse("login"), {"username": "rep", "password": "pw"})
    assert client.get(home).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(home)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_the_dashboard_shows_a_new_assignment_and_a_completion_on_the_next_load(
    client, builder, manager, rep
):
    builder.simple(modules=1, lessons=2)
    load_curriculum(builder.root)
    module = Module.objects.get()
    team = manager.managed_teams.get()
    client.force_login(manager)
    assert module.title not in client.get(reverse("team:dashboard")).content.decode()

    due = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    response = client.post(
        reverse("team:assignment-new"),
        {"what": f"module:{module.pk}", "to": f"team:{team.pk}", "due_date": due,
         "late_joiners": "same"},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(reverse("team:dashboard")).content.decode()
    assert module.title in page and "0/2" in page

    lesson = module.steps.order_by("position").first()
    opened_long_ago(rep, [lesson])
    rep_client = Client()
    rep_client.force_login(rep)
    rep_client.post(reverse("learner:lesson-complete", args=[module.slug, lesson.slug]))
    assert "1/2" in client.get(reverse("team:dashboard")).content.decode()


@pytest.mark.django_db
def test_a_module_s_steps_are_kept_by_version_and_its_retirement_shows_at_once(
    rep_client, small_curriculum, django_assert_max_num_queries
):
    url = reverse("learner:step", args=["module-1", "lesson-2"])
    assert "Lesson 2" in rep_client.get(url).content.decode()
    # Session, user, the module (read afresh), the person's completions and whether they
    # opened the lesson: the module's steps and the lesson's text are kept.
    with django_assert_max_num_queries(5):
        assert "Lesson 2" in rep_client.get(url).content.decode()
    Module.objects.filter(slug="module-1").update(retired_at=timezone.now())
    assert rep_client.get(url).status_code == 404
