import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from courses.curriculum.loading import load_curriculum
from courses.models import (
    Assignment,
    AuditEntry,
    ManagerScope,
    Membership,
    Module,
    Step,
    StepCompletion,
    Team,
)
from courses.progress.read_model import rebuild
from courses.progress.services import step_complete
from courses.teams.services import assignment_create, team_member_add
from tests.support import make_user

HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = datetime.date(2026, 11, 2)


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 2, 15, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def modules(db, builder):
    builder.simple(modules=3, lessons=2)
    load_curriculum(builder.root)
    return list(Module.objects.order_by("position"))


@pytest.fixture
def team(manager):
    return manager.managed_teams.get()


def assign(manager, team, module, days, **kwargs):
    return assignment_create(
        by=manager,
        modules=[module],
        team=team,
        due_date=TODAY + datetime.timedelta(days=days),
        **kwargs,
    )[0]


def complete(user, module, steps=None):
    for step in list(module.steps.order_by("position"))[:steps]:
        step_complete(user=user, step=step)


MANAGER_PAGES = [
    ("team:dashboard", []),
    ("team:dashboard-csv", []),
    ("team:assignments", []),
    ("team:assignment-new", []),
]


@pytest.mark.django_db
class TestWhoGetsIn:
    @pytest.mark.parametrize("name, args", MANAGER_PAGES)
    def test_anonymous_goes_to_login(self, client, name, args):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    @pytest.mark.parametrize("name, args", MANAGER_PAGES)
    def test_rep_is_refused(self, rep_client, name, args):
        assert rep_client.get(reverse(name, args=args)).status_code == 403

    def test_rep_cannot_post_an_assignment(self, rep_client, modules, team):
        response = rep_client.post(
            reverse("team:assignment-new"), {"what": f"module:{modules[0].pk}"}
        )
        assert response.status_code == 403
        assert not Assignment.objects.exists()

    def test_other_teams_manager_gets_404_for_objects(
        self, client, rep, manager, other_manager, team, modules
    ):
        assignment = assign(manager, team, modules[0], 10)
        client.force_login(other_manager)
        assert client.get(reverse("team:person", args=[rep.pk])).status_code == 404
        assert client.get(reverse("team:team", args=[team.pk])).status_code == 404
        assert (
            client.post(
                reverse("team:assignment-due", args=[assignment.pk]), {"due_date": "2030-01-01"}
            ).status_code
            == 404
        )
        assert (
            client.post(reverse("team:assignment-withdraw", args=[assignment.pk])).status_code
            == 404
        )
        assert client.post(reverse("team:member-remove", args=[team.pk, rep.pk])).status_code == 404
        assignment.refresh_from_db()
        assert assignment.withdrawn_at is None and assignment.due_date != datetime.date(2030, 1, 1)
        assert Membership.objects.filter(team=team, user=rep).exists()

    def test_other_teams_manager_sees_none_of_our_data(
        self, client, rep, other_rep, manager, other_manager, team, modules
    ):
        assign(manager, team, modules[0], 10)
        assign(other_manager, Team.objects.get(name="Bravo"), modules[1], 10)
        client.force_login(other_manager)
        dashboard = client.get(reverse("team:dashboard")).content.decode()
        assert ">Other-Rep<" in dashboard
        assert ">Rep<" not in dashboard
        assert modules[0].title not in dashboard.split('id="grid"')[1]
        exported = client.get(reverse("team:dashboard-csv"))
        text = b"".join(exported.streaming_content).decode("utf-8-sig")
        usernames = [row[1] for row in csv.reader(io.StringIO(text))][1:]
        assert usernames == ["other-rep"]
        assert "Alpha" not in client.get(reverse("team:assignments")).content.decode()


@pytest.mark.django_db
class TestAssigning:
    def form(self, team=None, user=None, what=None, due="2026-12-01", **extra):
        to = f"team:{team.pk}" if team else f"user:{user.pk}"
        return {"what": what, "to": to, "due_date": due, "late_joiners": "same", **extra}

    def test_assign_a_module_to_the_team(self, client, manager, team, modules, frozen):
        client.force_login(manager)
        response = client.post(
            reverse("team:assignment-new"),
            self.form(team=team, what=f"module:{modules[0].pk}", note="Before the campaign"),
        )
        assert response.status_code == 302
        assignment = Assignment.objects.get()
        assert (assignment.team, assignment.module, assignment.due_date) == (
            team,
            modules[0],
            datetime.date(2026, 12, 1),
        )
        entry = AuditEntry.objects.get(action=AuditEntry.Action.ASSIGNMENT_CREATED)
        assert entry.actor == manager and entry.object_id == str(assignment.pk)

    def test_assign_a_whole_course_to_a_person(self, client, manager, rep, team, modules, frozen):
        client.force_login(manager)
        course = modules[0].course
        client.post(reverse("team:assignment-new"), self.form(user=rep, what=f"course:{course.pk}"))
        assert Assignment.objects.filter(user=rep).count() == 3

    @pytest.mark.parametrize(
        "change, field",
        [
            ({"due_date": "2026-10-01"}, "cannot be in the past"),
            ({"due_date": "not a date"}, "Enter a valid date"),
            ({"what": "module:99999"}, "Select a valid choice"),
            ({"what": "lesson:1"}, "Select a valid choice"),
        ],
    )
    def test_bad_input_is_refused_and_changes_nothing(
        self, client, manager, team, modules, frozen, change, field
    ):
        client.force_login(manager)
        data = self.form(team=team, what=f"module:{modules[0].pk}") | change
        response = client.post(reverse("team:assignment-new"), data)
        assert response.status_code == 400
        assert field in response.content.decode()
        assert not Assignment.objects.exists()

    def test_another_teams_target_is_refused(
        self, client, manager, other_manager, other_rep, modules, frozen
    ):
        client.force_login(manager)
        other_team = Team.objects.get(name="Bravo")
        for target in (f"team:{other_team.pk}", f"user:{other_rep.pk}"):
            response = client.post(
                reverse("team:assignment-new"),
                {"what": f"module:{modules[0].pk}", "to": target, "due_date": "2026-12-01"},
            )
            assert response.status_code == 400
        assert not Assignment.objects.exists()

    def test_later_joiners_share_the_due_date_or_get_days_after_joining(
        self, django_user_model, manager, team, modules, frozen
    ):
        same = assign(manager, team, modules[0], 20)
        relative = assign(manager, team, modules[1], 20, late_joiner_days=14)
        with time_machine.travel(datetime.datetime(2026, 11, 10, 12, tzinfo=datetime.UTC)):
            newcomer = make_user(django_user_model, "newcomer", "Rep")
            ManagerScope.objects.create(manager=manager, rep=newcomer)
            team_member_add(by=manager, team=team, user=newcomer)
        joined = Membership.objects.get(user=newcomer).joined_at
        assert same.due_for(joined) == TODAY + datetime.timedelta(days=20)
        assert relative.due_for(joined) == datetime.date(2026, 11, 24)
        from courses.teams.selectors import build_grid

        grid = build_grid(django_user_model.objects.filter(pk=newcomer.pk), today=TODAY)
        dues = {cell.module.pk: cell.due for cell in grid.rows[0].cells.values()}
        assert dues == {modules[0].pk: same.due_date, modules[1].pk: datetime.date(2026, 11, 24)}

    def test_change_due_date_and_withdraw_keep_the_history(
        self, client, manager, team, modules, frozen
    ):
        assignment = assign(manager, team, modules[0], 10)
        client.force_login(manager)
        client.post(
            reverse("team:assignment-due", args=[assignment.pk]), {"due_date": "2026-12-24"}
        )
        client.post(reverse("team:assignment-withdraw", args=[assignment.pk]), {"confirm": "yes"})
        assignment.refresh_from_db()
        assert assignment.due_date == datetime.date(2026, 12, 24)
        assert assignment.withdrawn_at is not None and assignment.withdrawn_by == manager
        actions = list(
            AuditEntry.objects.filter(object_id=str(assignment.pk))
            .order_by("at", "pk")
            .values_list("action", flat=True)
        )
        assert actions == ["assignment.created", "assignment.changed", "assignment.withdrawn"]
        page = client.get(reverse("team:assignments")).content.decode()
        assert "Withdrawn" in page and "withdrawn" in page

    def test_due_date_in_the_past_is_refused(self, client, manager, team, modules, frozen):
        assignment = assign(manager, team, modules[0], 10)
        client.force_login(manager)
        response = client.post(
            reverse("team:assignment-due", args=[assignment.pk]),
            {"due_date": "2020-01-01"},
            follow=True,
        )
        assert "cannot be in the past" in response.content.decode()
        assignment.refresh_from_db()
        assert assignment.due_date == TODAY + datetime.timedelta(days=10)


@pytest.mark.django_db
class TestMyTrainingStatuses:
    def test_assigned_modules_come_first_with_due_dates_and_statuses(
        self, rep_client, rep, manager, team, modules, frozen
    ):
        assign(manager, team, modules[0], -2)  # overdue
        assign(manager, team, modules[1], 2)  # due soon
        assign(manager, team, modules[2], 30)  # done below
        complete(rep, modules[2])
        content = rep_client.get(reverse("learner:home")).content.decode()
        due = content[content.index('id="due-heading"') :]
        assert due.index(modules[0].title) < due.index(modules[1].title)
        assert "badge-overdue" in content and "badge-due-soon" in content
        assert "badge-done" in content
        assert "Sat 31 Oct 2026" in content  # the overdue due date

    def test_in_progress_and_not_started(self, rep_client, rep, manager, team, modules, frozen):
        assign(manager, team, modules[0], 10)
        assign(manager, team, modules[1], 10)
        complete(rep, modules[0], steps=1)
        content = rep_client.get(reverse("learner:home")).content.decode()
        assert "badge-in-progress" in content and "badge-not-started" in content

    def test_withdrawn_assignment_is_not_shown(self, rep_client, manager, team, modules, frozen):
        from courses.teams.services import assignment_withdraw

        assignment = assign(manager, team, modules[0], 10)
        assignment_withdraw(by=manager, assignment=assignment)
        assert 'id="due-heading"' not in rep_client.get(reverse("learner:home")).content.decode()


@pytest.mark.django_db
class TestDashboard:
    def test_grid_shows_people_modules_status_and_summary(
        self, client, rep, manager, team, modules, django_user_model, frozen
    ):
        second = make_user(django_user_model, "second", "Rep")
        Membership.objects.create(team=team, user=second)
        assign(manager, team, modules[0], -1)
        assign(manager, team, modules[1], 10)
        complete(rep, modules[0])
        client.force_login(manager)
        content = client.get(reverse("team:dashboard")).content.decode()
        assert "cell-done" in content and "cell-overdue" in content
        assert modules[0].title in content and modules[1].title in content
        # 1 of 4 cells done; one overdue (second's first module).
        assert '<span class="stat-value">25%</span>' in content
        assert '<span class="stat-value">1</span><span class="stat-label">overdue</span>' in content

    def test_filters_work_in_place_with_htmx_and_as_plain_links(
        self, client, rep, manager, team, modules, django_user_model, frozen
    ):
        second = make_user(django_user_model, "second", "Rep", last_name="Zed")
        Membership.objects.create(team=team, user=second)
        assign(manager, team, modules[0], -1)
        complete(rep, modules[0])
        client.force_login(manager)
        plain = client.get(reverse("team:dashboard"), {"overdue": "on"}).content.decode()
        assert "Second" in plain and ">Rep<" not in plain
        partial = client.get(reverse("team:dashboard"), {"overdue": "on"}, **HTMX).content.decode()
        assert "<html" not in partial and 'id="grid"' in partial and "Second" in partial
        assign(manager, team, modules[1], 5)
        by_module = client.get(
            reverse("team:dashboard"), {"module": modules[1].pk}
        ).content.decode()
        grid = by_module.split('id="grid"')[1]
        assert f'class="grid-module">{modules[1].title}<' in grid
        assert f'class="grid-module">{modules[0].title}<' not in grid

    def test_tampered_filters_fall_back_to_everything(
        self, client, rep, manager, team, modules, frozen
    ):
        assign(manager, team, modules[0], 5)
        client.force_login(manager)
        response = client.get(
            reverse("team:dashboard"), {"team": "999", "module": "x", "sort": "drop"}
        )
        assert response.status_code == 200
        assert modules[0].title in response.content.decode()

    def test_sorting_by_progress(
        self, client, rep, manager, team, modules, django_user_model, frozen
    ):
        second = make_user(django_user_model, "second", "Rep", last_name="Zed")
        Membership.objects.create(team=team, user=second)
        assign(manager, team, modules[0], 5)
        complete(second, modules[0])
        client.force_login(manager)
        by_name = client.get(reverse("team:dashboard")).content.decode()
        by_progress = client.get(reverse("team:dashboard"), {"sort": "progress"}).content.decode()
        assert by_name.index(">Rep<") < by_name.index(">Second Zed<")
        assert by_progress.index(">Rep<") < by_progress.index(">Second Zed<")  # 0% first
        assert client.get(reverse("team:dashboard"), {"sort": "overdue"}).status_code == 200

    def test_csv_export_follows_the_filters_and_is_spreadsheet_safe(
        self, client, rep, manager, team, modules, django_user_model, frozen
    ):
        sneaky = make_user(django_user_model, "sneaky", "Rep", last_name="=HYPERLINK(1)")
        Membership.objects.create(team=team, user=sneaky)
        assign(manager, team, modules[0], -1)
        complete(rep, modules[0])
        client.force_login(manager)
        response = client.get(reverse("team:dashboard-csv"), {"overdue": "on"})
        assert response["Content-Type"].startswith("text/csv")
        rows = list(
            csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        )
        assert rows[0][:6] == ["Name", "Username", "Teams", "Module", "Due", "Status"]
        assert [row[1] for row in rows[1:]] == ["sneaky"]  # only the overdue person
        assert rows[1][0] == "'Sneaky =HYPERLINK(1)" or rows[1][0].startswith("Sneaky")
        assert rows[1][5] == "overdue"

    def test_person_page_shows_assignments_attempts_and_calls(
        self, client, rep, manager, team, modules, frozen
    ):
        assign(manager, team, modules[0], 5)
        client.force_login(manager)
        content = client.get(reverse("team:person", args=[rep.pk])).content.decode()
        assert modules[0].title in content
        assert "No quiz attempts yet" in content and "No roleplay calls yet" in content

    @pytest.mark.parametrize("size", [5, 500])
    def test_query_count_does_not_grow_with_the_team(
        self, client, manager, team, modules, django_user_model, size, django_assert_num_queries
    ):
        people = django_user_model.objects.bulk_create(
            django_user_model(username=f"p{i}", first_name=f"P{i}") for i in range(size)
        )
        Membership.objects.bulk_create(Membership(team=team, user=p) for p in people)
        steps = list(Step.objects.order_by("pk"))
        StepCompletion.objects.bulk_create(
            StepCompletion(
                user=p, step=steps[i % len(steps)], completed_at=timezone.now(), content_version="v"
            )
            for i, p in enumerate(people)
        )
        rebuild()  # completions written directly, not by the service
        for module in modules:
            assign(manager, team, module, 5)
        client.force_login(manager)
        # Session, user, teams, modules, the teams' tallies, people in several teams, people
        # counted, the page's people, memberships, assignments, step counts, progress and
        # expiring certificates: the same whatever the size of the team.
        with django_assert_num_queries(13):
            response = client.get(reverse("team:dashboard"))
        assert response.status_code == 200
        content = response.content.decode()
        assert content.count('<th scope="row">') == min(size + 1, 25)
        assert f'<span class="stat-value">{size + 1}</span>' in content


@pytest.mark.django_db
class TestTeamMembers:
    def test_add_and_remove_a_member(self, client, manager, team, django_user_model):
        newcomer = make_user(django_user_model, "newcomer", "Rep")
        ManagerScope.objects.create(manager=manager, rep=newcomer)
        client.force_login(manager)
        client.post(reverse("team:team", args=[team.pk]), {"person": "NEWCOMER"})
        assert Membership.objects.filter(team=team, user=newcomer).exists()
        client.post(reverse("team:member-remove", args=[team.pk, newcomer.pk]))
        assert not Membership.objects.filter(team=team, user=newcomer).exists()
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        assert {"team.member_added", "team.member_removed"} <= actions

    @pytest.mark.parametrize("who", ["nobody-here", "officer"])
    def test_only_existing_reps_can_be_added(self, client, manager, team, compliance, who):
        client.force_login(manager)
        response = client.post(reverse("team:team", args=[team.pk]), {"person": who})
        assert response.status_code == 400
        assert Membership.objects.filter(team=team).count() == 1


@pytest.mark.django_db
def test_manager_can_read_a_team_members_submitted_attempt(client, rep, manager, builder):
    from courses.models import Quiz
    from courses.quizzes.services import quiz_attempt_start, quiz_attempt_submit

    builder.with_quiz()
    load_curriculum(builder.root)
    attempt = quiz_attempt_start(user=rep, quiz=Quiz.objects.get())
    client.force_login(manager)
    url = reverse("learner:quiz-attempt", args=[attempt.pk])
    assert "still in progress" in client.get(url).content.decode()
    quiz_attempt_submit(user=rep, attempt_id=attempt.pk, raw_answers={})
    content = client.get(url).content.decode()
    assert "Review your answers" in content and "by Rep" in content


@pytest.mark.django_db
def test_completion_counts_for_dashboard_use_live_completions(rep, manager, team, modules, frozen):
    from courses.teams.selectors import build_grid

    assign(manager, team, modules[0], 5)
    complete(rep, modules[0])
    StepCompletion.objects.filter(user=rep).update(voided_at=timezone.now(), void_reason="redo")
    rebuild()  # the void was written directly, not by a service
    grid = build_grid(type(rep).objects.filter(pk=rep.pk), today=TODAY)
    assert grid.rows[0].cells[modules[0].pk].done == 0


@pytest.mark.django_db
def test_large_teams_are_paged_and_every_page_costs_the_same(
    client, manager, team, modules, django_user_model, django_assert_max_num_queries
):
    people = django_user_model.objects.bulk_create(
        django_user_model(username=f"p{i:03d}", first_name="P", last_name=f"{i:03d}")
        for i in range(60)
    )
    Membership.objects.bulk_create(Membership(team=team, user=p) for p in people)
    assign(manager, team, modules[0], -1)
    client.force_login(manager)
    with django_assert_max_num_queries(13):
        first = client.get(reverse("team:dashboard")).content.decode()
    assert "People 1\N{EN DASH}25 of 61" in first and ">P 000<" in first and ">P 025<" not in first
    with django_assert_max_num_queries(13):
        second = client.get(reverse("team:dashboard"), {"page": 2}).content.decode()
    assert "People 26\N{EN DASH}50 of 61" in second and ">P 025<" in second
    assert '<span class="stat-value">61</span>' in second  # everyone is still counted
    partial = client.get(reverse("team:dashboard"), {"page": 3}, HTTP_HX_REQUEST="true")
    fragment = partial.content.decode()
    assert "<html" not in fragment and "People 51\N{EN DASH}61 of 61" in fragment


@pytest.mark.django_db
def test_cells_show_each_persons_best_quiz_and_call_result(
    client, builder, manager, team, rep, django_user_model, frozen
):
    from decimal import Decimal

    from courses.models import Quiz, QuizAttempt, RoleplayRun, RoleplayScript
    from courses.teams.selectors import build_grid
    from tests.support import QUIZ, ROLEPLAY

    builder.course(modules=["module-1"])
    builder.module(
        slug="module-1",
        lessons=("intro", "extra"),
        extra_steps="  - quiz: check.yaml\n  - roleplay: call.yaml\n",
    )
    builder.quiz(module="module-1", text=QUIZ)
    builder.write("basics/module-1/call.yaml", ROLEPLAY)
    load_curriculum(builder.root)
    module = Module.objects.get()
    quiz, script = Quiz.objects.get(), RoleplayScript.objects.get()
    second, third = (
        make_user(django_user_model, name, first_name=name.title()) for name in ("bo", "cy")
    )
    Membership.objects.bulk_create([Membership(team=team, user=u) for u in (second, third)])
    assign(manager, team, module, 5)
    now = timezone.now()

    def attempt(user, number, percent):
        QuizAttempt.objects.create(
            user=user, quiz=quiz, number=number, started_at=now, content_version="v",
            pass_mark=80, percent=percent, submitted_at=None if percent is None else now,
        )  # fmt: skip

    def call(user, number, *, passed, violation, finished=True):
        RoleplayRun.objects.create(
            user=user, script=script, number=number, script_data={}, content_version="v",
            started_at=now, finished_at=now if finished else None, passed=passed,
            violation=violation,
        )  # fmt: skip

    attempt(rep, 1, Decimal("40.0"))
    attempt(rep, 2, Decimal("66.7"))
    attempt(rep, 3, None)  # still open: not a score yet
    call(rep, 1, passed=False, violation=True)
    call(rep, 2, passed=True, violation=False)
    call(second, 1, passed=False, violation=True)
    call(second, 2, passed=False, violation=False)
    call(third, 1, passed=False, violation=True)
    call(third, 2, passed=None, violation=None, finished=False)  # an open call counts for nothing
    intro, extra = module.steps.order_by("position")[:2]
    for user in (rep, second, third):
        step_complete(user=user, step=intro)
    step_complete(user=third, step=extra)
    StepCompletion.objects.filter(user=third, step=intro).update(voided_at=now)  # reopened
    Step.objects.filter(pk=extra.pk).update(retired_at=now)  # no longer part of the module
    rebuild()  # facts written directly, not by the services: bring the read model up to date

    grid = build_grid(
        django_user_model.objects.filter(pk__in=[rep.pk, second.pk, third.pk]).order_by("pk"),
        today=timezone.localdate(),
    )
    cells = [row.cells[module.pk] for row in grid.rows]
    assert [(c.done, c.steps) for c in cells] == [(1, 3), (1, 3), (0, 3)]
    assert [c.best_quiz for c in cells] == [Decimal("66.7"), None, None]
    assert [c.roleplay for c in cells] == ["passed", "not passed", "violation"]
    assert [str(c.status) for c in cells] == ["in progress", "in progress", "in progress"]

    client.force_login(manager)
    page = client.get(reverse("team:dashboard")).content.decode()
    assert "1/3 · quiz 66.7% · call passed" in page
    assert "1/3 · call not passed" in page
    assert "0/3 · call violation" in page
    response = client.get(reverse("team:dashboard-csv"))
    exported = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row[1]: row for row in csv.reader(io.StringIO(exported))}
    assert rows["rep"][8:] == ["66.7", "passed"] and rows["cy"][8:] == ["", "violation"]


@pytest.mark.django_db
def test_names_on_the_dashboard_are_escaped(client, manager, team, modules, django_user_model):
    person = make_user(django_user_model, "eve", first_name="<script>alert(1)</script>")
    Membership.objects.create(team=team, user=person)
    team.name = 'Alpha <img src=x onerror="alert(2)">'
    team.save()
    assign(manager, team, modules[0], 5)
    client.force_login(manager)
    page = client.get(reverse("team:dashboard")).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "Alpha &lt;img src=x" in page
    assert f'href="{reverse("team:person", args=[person.pk])}"' in page


@pytest.mark.django_db
def test_the_csv_lists_everyone_once_in_order_however_many_people_it_streams(
    client, manager, team, modules, django_user_model, monkeypatch
):
    from courses.teams import views

    monkeypatch.setattr(views, "CSV_PEOPLE_AT_A_TIME", 2)  # several batches for a few people
    for i in range(5):
        person = make_user(django_user_model, f"p{i}", "Rep")
        ManagerScope.objects.create(manager=manager, rep=person)
        team_member_add(by=manager, team=team, user=person)
    assign(manager, team, modules[0], 3)
    assign(manager, team, modules[1], -1)
    client.force_login(manager)
    response = client.get(reverse("team:dashboard-csv"))
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    people = ["p0", "p1", "p2", "p3", "p4", "rep"]
    assert [(row[1], row[3]) for row in table[1:]] == [
        (person, module.title) for person in people for module in modules[:2]
    ]


@pytest.mark.django_db
def test_a_persons_progress_on_the_dashboard_counts_steps_not_only_finished_modules(
    client, rep, manager, team, modules, frozen
):
    assign(manager, team, modules[0], 5)
    assign(manager, team, modules[1], 5)
    complete(rep, modules[0], steps=1)  # 1 of the 4 steps assigned, no module finished
    client.force_login(manager)
    content = client.get(reverse("team:dashboard")).content.decode()
    assert "· 25% done" in content and "· 0% done" not in content
