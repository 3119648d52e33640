import datetime
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from courses.curriculum.loading import load_curriculum
from courses.models import Module, Step, StepCompletion
from courses.teams.services import assignment_create
from tests.support import opened_long_ago

HTMX = {"HTTP_HX_REQUEST": "true"}


def step_url(name, module="module-1", step="lesson-1"):
    return reverse(name, args=[module, step])


@pytest.mark.django_db
class TestLoginRequired:
    @pytest.mark.parametrize(
        "url",
        [
            reverse("learner:home"),
            reverse("learner:catalogue"),
            reverse("learner:module", args=["module-1"]),
            step_url("learner:step"),
        ],
    )
    def test_anonymous_is_sent_to_login(self, client, small_curriculum, url):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_anonymous_cannot_complete(self, client, small_curriculum):
        response = client.post(step_url("learner:lesson-complete"))
        assert response.status_code == 302
        assert not StepCompletion.objects.exists()

    def test_login_and_password_reset_pages_are_public(self, client):
        assert client.get(reverse("login")).status_code == 200
        assert client.get(reverse("password_reset")).status_code == 200


@pytest.fixture
def lessons_read(rep, small_curriculum):
    opened_long_ago(rep)


@pytest.mark.django_db
@pytest.mark.usefixtures("lessons_read")
class TestPages:
    def test_home_shows_where_to_start(self, rep_client, small_curriculum):
        response = rep_client.get(reverse("learner:home"))
        assert response.status_code == 200
        content = response.content.decode()
        assert "Start here" in content
        assert step_url("learner:step") in content

    def test_home_resumes_where_the_rep_left_off(self, rep_client, rep, small_curriculum):
        step = Step.objects.get(module__slug="module-2", slug="lesson-1")
        rep_client.post(step_url("learner:lesson-complete", "module-2", "lesson-1"))
        content = rep_client.get(reverse("learner:home")).content.decode()
        assert "Pick up where you left off" in content
        assert step_url("learner:step", "module-2", "lesson-2") in content
        assert step.completions.filter(user=rep).count() == 1

    def test_catalogue_shows_progress_per_module(self, rep_client, small_curriculum):
        rep_client.post(step_url("learner:lesson-complete"))
        content = rep_client.get(reverse("learner:catalogue")).content.decode()
        assert "33% · 1 of 3 steps" in content
        assert "0% · 0 of 3 steps" in content

    def test_module_page_lists_steps_with_state_and_next_action(self, rep_client, small_curriculum):
        rep_client.post(step_url("learner:lesson-complete"))
        response = rep_client.get(reverse("learner:module", args=["module-1"]))
        content = response.content.decode()
        assert "Rules as of 31 January 2026" in content
        assert content.count("Done:") == 1
        assert "Continue: Lesson 2" in content

    def test_lesson_page_renders_the_lesson_and_navigation(self, rep_client, small_curriculum):
        response = rep_client.get(step_url("learner:step", step="lesson-2"))
        content = response.content.decode()
        assert "<h2>Why it matters</h2>" in content
        assert 'rel="prev"' in content and 'rel="next"' in content
        assert "Mark complete and continue" in content

    def test_unknown_module_or_step_is_404(self, rep_client, small_curriculum):
        assert rep_client.get(reverse("learner:module", args=["nope"])).status_code == 404
        assert rep_client.get(step_url("learner:step", step="nope")).status_code == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("lessons_read")
class TestCompletingALesson:
    def test_plain_post_records_and_redirects_to_the_next_step(
        self, rep_client, rep, small_curriculum
    ):
        response = rep_client.post(step_url("learner:lesson-complete"))
        assert response.status_code == 302
        assert response["Location"] == step_url("learner:step", step="lesson-2")
        completion = StepCompletion.objects.get(user=rep)
        assert completion.step.slug == "lesson-1"
        assert completion.content_version == completion.step.module.content_version

    def test_last_step_redirects_to_the_module(self, rep_client, small_curriculum):
        response = rep_client.post(step_url("learner:lesson-complete", step="lesson-3"))
        assert response["Location"] == reverse("learner:module", args=["module-1"])

    def test_htmx_post_goes_on_to_the_next_step_as_a_plain_post_does(
        self, rep_client, rep, small_curriculum
    ):
        response = rep_client.post(step_url("learner:lesson-complete"), **HTMX)
        assert response.status_code == 200
        assert response["HX-Redirect"] == step_url("learner:step", step="lesson-2")
        assert StepCompletion.objects.get(user=rep).step.slug == "lesson-1"
        last = rep_client.post(step_url("learner:lesson-complete", step="lesson-3"), **HTMX)
        assert last["HX-Redirect"] == reverse("learner:module", args=["module-1"])
        # The page it goes to shows the lesson done.
        page = rep_client.get(step_url("learner:step", step="lesson-2")).content.decode()
        assert "2 of 3 steps done" in page and page.count("Done:") == 2

    def test_an_htmx_post_for_a_step_that_is_not_a_lesson_here_is_refused(
        self, rep_client, small_curriculum
    ):
        for module, step in [("module-1", "nope"), ("module-2", "lesson-9"), ("nope", "lesson-1")]:
            response = rep_client.post(step_url("learner:lesson-complete", module, step), **HTMX)
            assert response.status_code == 404 and "HX-Redirect" not in response
        assert not StepCompletion.objects.exists()

    def test_completing_twice_changes_nothing(self, rep_client, rep, small_curriculum):
        rep_client.post(step_url("learner:lesson-complete"))
        first = StepCompletion.objects.get(user=rep)
        rep_client.post(step_url("learner:lesson-complete"))
        rep_client.post(step_url("learner:lesson-complete"), **HTMX)
        assert StepCompletion.objects.get(user=rep) == first
        assert StepCompletion.objects.get(user=rep).completed_at == first.completed_at

    def test_get_is_not_allowed(self, rep_client, small_curriculum):
        assert rep_client.get(step_url("learner:lesson-complete")).status_code == 405

    def test_completing_a_retired_step_is_refused(self, rep_client, small_curriculum):
        small_curriculum.module(slug="module-1", lessons=["lesson-1", "lesson-2"])
        load_curriculum(small_curriculum.root)
        response = rep_client.post(step_url("learner:lesson-complete", step="lesson-3"))
        assert response.status_code == 404
        assert not StepCompletion.objects.exists()

    def test_completing_in_a_retired_module_is_refused(self, rep_client, small_curriculum):
        small_curriculum.course(modules=["module-2"])
        (small_curriculum.root / "basics/module-1/module.yaml").unlink()
        load_curriculum(small_curriculum.root)
        assert rep_client.post(step_url("learner:lesson-complete")).status_code == 404
        assert rep_client.get(reverse("learner:module", args=["module-1"])).status_code == 404
        assert not StepCompletion.objects.exists()

    def test_full_module_shows_as_done_everywhere(self, rep_client, small_curriculum):
        for step in ("lesson-1", "lesson-2", "lesson-3"):
            rep_client.post(step_url("learner:lesson-complete", step=step))
        module_page = rep_client.get(reverse("learner:module", args=["module-1"])).content.decode()
        assert "You have completed every step of this module." in module_page
        home = rep_client.get(reverse("learner:home")).content.decode()
        assert "Completed" in home and "100% · 3 of 3 steps" in home


@pytest.mark.django_db
class TestReadingTime:
    """A lesson is read before it is marked complete: it cannot be completed in under a quarter
    of its reading time after it was opened (the test lessons are estimated at 1 min: 15 s)."""

    def test_marking_a_lesson_complete_straight_after_opening_it_is_refused(
        self, rep_client, rep, small_curriculum
    ):
        with time_machine.travel(timezone.now(), tick=False) as clock:
            rep_client.get(step_url("learner:step"))
            clock.shift(datetime.timedelta(seconds=5))
            response = rep_client.post(step_url("learner:lesson-complete"), follow=True)
            content = response.content.decode()
            assert "takes about 1 min to read" in content
            assert "you can mark it complete." in content
            assert not StepCompletion.objects.exists()
            clock.shift(datetime.timedelta(seconds=10))
            rep_client.post(step_url("learner:lesson-complete"))
        completion = StepCompletion.objects.get(user=rep)
        assert (completion.completed_at - completion.started_at).total_seconds() == 15

    def test_an_htmx_refusal_shows_in_place_and_changes_nothing(self, rep_client, small_curriculum):
        rep_client.get(step_url("learner:step"))
        response = rep_client.post(step_url("learner:lesson-complete"), **HTMX)
        assert response.status_code == 409
        content = response.content.decode()
        assert 'id="lesson-progress"' in content and "Take the time to read it" in content
        assert "Mark complete and continue" in content
        assert not StepCompletion.objects.exists()

    def test_posting_without_opening_the_lesson_starts_the_clock(
        self, rep_client, rep, small_curriculum
    ):
        with time_machine.travel(timezone.now(), tick=False) as clock:
            assert rep_client.post(step_url("learner:lesson-complete")).status_code == 302
            assert not StepCompletion.objects.exists()
            clock.shift(datetime.timedelta(seconds=20))
            rep_client.post(step_url("learner:lesson-complete"))
        assert StepCompletion.objects.filter(user=rep).count() == 1

    def test_reopening_does_not_restart_the_clock(self, rep_client, rep, small_curriculum):
        with time_machine.travel(timezone.now(), tick=False) as clock:
            rep_client.get(step_url("learner:step"))
            clock.shift(datetime.timedelta(seconds=14))
            rep_client.get(step_url("learner:step"))  # another look, a second tab
            clock.shift(datetime.timedelta(seconds=1))
            rep_client.post(step_url("learner:lesson-complete"))
        assert StepCompletion.objects.filter(user=rep).count() == 1

    def test_a_reopened_step_is_timed_afresh(self, rep_client, rep, small_curriculum):
        """When compliance reopens a lesson, the new reading starts when it is opened again."""
        with time_machine.travel(timezone.now(), tick=False) as clock:
            rep_client.get(step_url("learner:step"))
            clock.shift(datetime.timedelta(minutes=5))
            rep_client.post(step_url("learner:lesson-complete"))
            StepCompletion.objects.update(voided_at=timezone.now(), void_reason="Redo")
            clock.shift(datetime.timedelta(hours=1))
            rep_client.get(step_url("learner:step"))
            clock.shift(datetime.timedelta(seconds=3))
            rep_client.post(step_url("learner:lesson-complete"))
            assert not StepCompletion.objects.live().exists()


@pytest.mark.django_db
class TestQueryBudgets:
    """Queries per page do not grow with the number of modules, steps or completions."""

    @pytest.mark.parametrize("size", [3, 30])
    def test_pages_stay_within_budget(
        self, size, builder, rep, manager, rep_client, django_assert_max_num_queries
    ):
        builder.simple(modules=size, lessons=size)
        load_curriculum(builder.root)
        team = manager.managed_teams.get()
        for module in Module.objects.all():
            assignment_create(by=manager, modules=[module], team=team, due_date=date(2028, 1, 1))
        for step in Step.objects.all()[: size * 2]:
            StepCompletion.objects.create(
                user=rep, step=step, completed_at="2026-01-01T00:00Z", content_version="x"
            )
        pages = {
            reverse("learner:home"): 10,
            reverse("learner:catalogue"): 7,
            reverse("learner:module", args=["module-2"]): 7,
            step_url("learner:step", "module-2", "lesson-2"): 7,
        }
        for url, budget in pages.items():
            with django_assert_max_num_queries(budget):
                assert rep_client.get(url).status_code == 200
        # My training: the session, the user, the modules, the person's progress, their live
        # completions, teams, assignments, certification and the review cards due; the
        # modules' steps are kept once read (above) until a load changes them.
        with django_assert_max_num_queries(9):
            assert rep_client.get(reverse("learner:home")).status_code == 200


def test_health_answers_without_login(client):
    response = client.get("/health/")
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.django_db
def test_error_pages_use_the_sites_own_layout(client, rep_client):
    missing = rep_client.get("/modules/no-such-module/")
    assert missing.status_code == 404 and "Page not found" in missing.content.decode()
    assert "My training" in missing.content.decode()
    refused = rep_client.get(reverse("compliance:queue"))
    assert refused.status_code == 403 and "Not allowed" in refused.content.decode()
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    stale = strict.post(reverse("login"), {"username": "x", "password": "y"})
    assert stale.status_code == 403 and "Please try again" in stale.content.decode()
    assert "<style" not in stale.content.decode()


@pytest.mark.django_db
def test_a_page_loads_the_user_and_their_roles_in_one_query(client, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        content = client.get(reverse("learner:reminders")).content.decode()
    assert "Team" in content and "Assignments" in content  # the manager's navigation
    # The session, the user with their roles, and the page's own query: nothing more.
    assert len(queries) == 3, [q["sql"] for q in queries]


@pytest.mark.django_db
def test_expired_and_unknown_sessions_are_signed_out(client, rep):
    from django.contrib.sessions.models import Session

    client.force_login(rep)
    assert client.get(reverse("learner:home")).status_code == 200
    Session.objects.update(expire_date="2000-01-01T00:00Z")
    assert client.get(reverse("learner:home")).status_code == 302
    client.cookies["sessionid"] = "x" * 32
    assert client.get(reverse("learner:home")).status_code == 302


@pytest.mark.django_db
def test_step_pages_show_live_progress_and_retired_steps_at_once(
    rep_client, small_curriculum, lessons_read
):
    url = step_url("learner:step", step="lesson-3")
    assert "0 of 3 steps done" in rep_client.get(url).content.decode()
    rep_client.post(step_url("learner:lesson-complete", step="lesson-1"))
    assert "1 of 3 steps done" in rep_client.get(url).content.decode()  # progress is live
    # A load that retires lesson 3 shows on the next request: it can be neither opened nor
    # completed.
    small_curriculum.module(slug="module-1", lessons=["lesson-1", "lesson-2"])
    load_curriculum(small_curriculum.root)
    assert rep_client.get(url).status_code == 404
    assert rep_client.post(step_url("learner:lesson-complete", step="lesson-3")).status_code == 404
    assert not StepCompletion.objects.filter(step__slug="lesson-3").exists()


@pytest.mark.django_db
def test_my_training_lists_modules_in_catalogue_order(rep_client, builder):
    builder.simple(modules=3, lessons=1)
    load_curriculum(builder.root)
    first, second, third = Module.objects.order_by("course__position", "position", "title")
    content = rep_client.get(reverse("learner:home")).content.decode()
    assert content.index(first.title) < content.index(second.title) < content.index(third.title)


@pytest.mark.django_db
def test_my_trainings_shared_queries_keep_no_rows_between_visits(
    client, rep, other_rep, small_curriculum
):
    """My training's queries are built once per process and only filtered or copied for each
    person. Were one evaluated as it is, it would keep its rows and show them to every later
    visitor: each visit must leave them all unevaluated."""
    from django.db.models import QuerySet

    from courses.certification import selectors as certification
    from courses.progress import selectors as progress

    shared = {
        f"{module.__name__}.{name}": query
        for module in (progress, certification)
        for name, query in vars(module).items()
        if isinstance(query, QuerySet)
    }
    assert len(shared) >= 6
    opened_long_ago(rep)
    client.force_login(rep)
    assert client.post(step_url("learner:lesson-complete")).status_code in (200, 302)
    for person in (rep, other_rep):
        client.force_login(person)
        assert client.get(reverse("learner:home")).status_code == 200
    # A QuerySet holds its rows in _result_cache once evaluated.
    assert [name for name, query in shared.items() if query._result_cache is not None] == []
