"""My training: assigned work first, one rule for the next step, labels and percents that say
what the rep has to do, and no content hashes on the rep's pages."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from courses.curriculum.loading import load_curriculum
from courses.models import CompletionRecord, Module, Quiz, Step
from courses.progress.models import ProgressStatus, module_tag, percent_done, steps_left
from courses.progress.selectors import TrainingModule, next_up
from courses.progress.services import step_complete
from courses.teams.services import assignment_create
from tests.factories import take_quiz

NOW = datetime.datetime(2026, 11, 2, 15, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 2)


# The rules, without a database -----------------------------------------------------------------


def training_module(pk: int, status: ProgressStatus) -> TrainingModule:
    return TrainingModule(
        id=pk,
        slug=f"m{pk}",
        url=f"/modules/m{pk}/",
        title=f"Module {pk}",
        summary="",
        position=pk,
        course_title="Basics",
        required_for_certification=False,
        published=True,
        done_count=0,
        step_count=3,
        started=status is not ProgressStatus.NOT_STARTED,
        status=status,
        percent=0,
        tag="",
    )


class TestNextUp:
    def test_assigned_work_comes_before_the_module_last_worked_in(self):
        assigned = training_module(1, ProgressStatus.OVERDUE)
        optional = training_module(2, ProgressStatus.IN_PROGRESS)
        chosen = next_up(due=[assigned], last_touched=optional, modules=[assigned, optional])
        assert chosen is assigned

    def test_with_nothing_assigned_the_module_last_worked_in(self):
        first = training_module(1, ProgressStatus.IN_PROGRESS)
        last = training_module(2, ProgressStatus.IN_PROGRESS)
        assert next_up(due=[], last_touched=last, modules=[first, last]) is last

    def test_a_finished_last_module_gives_way_to_one_in_progress_then_one_not_started(self):
        done = training_module(1, ProgressStatus.DONE)
        fresh = training_module(2, ProgressStatus.NOT_STARTED)
        started = training_module(3, ProgressStatus.IN_PROGRESS)
        assert next_up(due=[], last_touched=done, modules=[done, fresh, started]) is started
        assert next_up(due=[], last_touched=done, modules=[done, fresh]) is fresh
        assert next_up(due=[], last_touched=None, modules=[fresh]) is fresh

    def test_all_done_is_nothing(self):
        done = training_module(1, ProgressStatus.DONE)
        assert next_up(due=[], last_touched=done, modules=[done]) is None
        assert next_up(due=[], last_touched=None, modules=[]) is None


@pytest.mark.parametrize(
    ("done", "steps", "percent"),
    [(4, 9, 44), (0, 9, 0), (9, 9, 100), (1, 300, 1), (299, 300, 99), (3, 4, 75), (0, 0, 0)],
)
def test_percent_done(done, steps, percent):
    assert percent_done(done=done, steps=steps) == percent


def test_module_tags():
    assert module_tag(required=False) == "Recommended practice"
    assert module_tag(required=True) == "Required for certification"
    assert module_tag(required=False, due_day="Mon 9 Nov 2026") == "Assigned, due Mon 9 Nov 2026"
    overdue = module_tag(required=True, due_day="Sat 31 Oct 2026", overdue=True)
    assert overdue == "Overdue, was due Sat 31 Oct 2026 · required for certification"


@pytest.mark.parametrize(
    ("kinds", "words"),
    [
        ([], ""),
        (["quiz"], "Only the quiz left"),
        (["roleplay"], "Only the call left"),
        (["lesson"], "Only 1 lesson left"),
        (["lesson", "lesson", "roleplay", "quiz"], "2 lessons, the call and the quiz left"),
        (["roleplay", "quiz"], "The call and the quiz left"),
        (["lesson", "lesson", "lesson"], "3 lessons left"),
    ],
)
def test_steps_left(kinds, words):
    assert steps_left(kinds) == words


# The pages ---------------------------------------------------------------------------------------


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def courses(db, builder, frozen):
    """A required module (a lesson, a second lesson and the quiz) and two optional modules of
    lessons."""
    builder.course(modules=["required", "optional", "another"])
    builder.module(
        slug="required",
        lessons=["intro", "detail"],
        extra_steps="  - quiz: check.yaml\n",
        required=True,
        title="Required module",
    )
    builder.quiz(module="required")
    builder.module(slug="optional", lessons=["one", "two", "three"], title="Optional module")
    builder.module(slug="another", lessons=["first", "second"], title="Another module")
    load_curriculum(builder.root)
    return {module.slug: module for module in Module.objects.all()}


def do(user, module: Module, count: int, *, at: datetime.datetime) -> None:
    """The first `count` steps of the module, done at `at` (a minute apart)."""
    for offset, step in enumerate(list(module.steps.order_by("position"))[:count]):
        step_complete(user=user, step=step, now=at + datetime.timedelta(minutes=offset))


def section(content: str, heading_id: str) -> str:
    start = content.index(f'id="{heading_id}"')
    return content[start : content.find("</section>", start)]


def step_link(module: str, step: str) -> str:
    return f'href="{reverse("learner:step", args=[module, step])}"'


@pytest.mark.django_db
class TestMyTraining:
    def test_overdue_assigned_work_leads_even_when_practice_was_touched_last(
        self, rep_client, rep, manager, courses
    ):
        team = manager.managed_teams.get()
        assignment_create(
            by=manager, modules=[courses["required"]], team=team, due_date=TODAY.replace(day=1)
        )
        do(rep, courses["required"], 2, at=NOW - datetime.timedelta(days=3))
        do(rep, courses["optional"], 1, at=NOW - datetime.timedelta(hours=1))  # last touched
        content = rep_client.get(reverse("learner:home")).content.decode()

        assert "Pick up where you left off" not in content
        due = section(content, "due-heading")
        assert "Your next step" in due and "Required module" in due
        assert "Overdue:</strong> was due Sun 1 Nov 2026" in due
        assert "Only the quiz left · 2 of 3 steps done" in due
        assert step_link("required", "check") in due
        assert "Optional module" not in due
        # Assigned work, then certification and practice, then the optional modules.
        order = ["due-heading", "drill-heading", "progress-heading", "todo-heading"]
        places = [content.index(f'id="{name}"') for name in order]
        assert places == sorted(places)

    def test_due_work_is_overdue_first_then_by_due_date_each_with_its_next_step(
        self, rep_client, rep, manager, courses
    ):
        team = manager.managed_teams.get()
        later, sooner = TODAY + datetime.timedelta(days=20), TODAY + datetime.timedelta(days=2)
        assignment_create(by=manager, modules=[courses["required"]], team=team, due_date=later)
        assignment_create(by=manager, modules=[courses["another"]], user=rep, due_date=sooner)
        assignment_create(
            by=manager, modules=[courses["optional"]], team=team, due_date=TODAY.replace(day=1)
        )
        do(rep, courses["another"], 1, at=NOW - datetime.timedelta(hours=1))
        due = section(rep_client.get(reverse("learner:home")).content.decode(), "due-heading")
        titles = ["Optional module", "Another module", "Required module"]
        assert [due.index(title) for title in titles] == sorted(due.index(t) for t in titles)
        assert step_link("optional", "one") in due and "Start: One" in due
        assert step_link("another", "second") in due and "Continue: Second" in due
        assert step_link("required", "intro") in due
        assert "Due Wed 4 Nov 2026" in due and "2 lessons and the quiz left" in due

    def test_with_nothing_assigned_the_next_step_is_where_the_rep_left_off(
        self, rep_client, rep, courses
    ):
        do(rep, courses["another"], 1, at=NOW - datetime.timedelta(days=1))
        do(rep, courses["optional"], 2, at=NOW - datetime.timedelta(hours=1))
        content = rep_client.get(reverse("learner:home")).content.decode()
        assert 'id="due-heading"' not in content
        card = section(content, "next-heading")
        assert "Pick up where you left off" in card
        assert step_link("optional", "three") in card and "Continue: Three" in card
        assert "67% · 2 of 3 steps done" in card

    def test_all_done_offers_no_next_step(self, rep_client, rep, courses):
        for module in courses.values():
            do(rep, module, 3, at=NOW - datetime.timedelta(days=1))
        content = rep_client.get(reverse("learner:home")).content.decode()
        assert "All caught up" in content
        assert "Pick up where you left off" not in content and "Start here" not in content

    def test_certification_comes_before_practice_and_optional_modules(
        self, rep_client, rep, courses
    ):
        do(rep, courses["required"], 3, at=NOW - datetime.timedelta(days=1))
        do(rep, courses["optional"], 1, at=NOW - datetime.timedelta(hours=1))
        assert CompletionRecord.objects.filter(user=rep).exists()
        content = rep_client.get(reverse("learner:home")).content.decode()
        order = ["next-heading", "certification-heading", "drill-heading", "done-heading"]
        places = [content.index(f'id="{name}"') for name in order]
        assert places == sorted(places)
        assert "Awaiting review" in section(content, "certification-heading")

    def test_a_new_rep_sees_near_the_top_what_certification_asks_of_them(
        self, rep_client, rep, courses
    ):
        content = rep_client.get(reverse("learner:home")).content.decode()
        certification = section(content, "certification-heading")
        assert "Still to complete for certification:" in certification
        assert '<a href="/modules/required/">Required module</a>' in certification
        assert "Optional module" not in certification
        order = ["next-heading", "certification-heading", "drill-heading", "todo-heading"]
        places = [content.index(f'id="{name}"') for name in order]
        assert places == sorted(places)
        # Once the required module is complete, it is compliance's to review: no longer "to
        # complete", but awaiting review.
        do(rep, courses["required"], 3, at=NOW - datetime.timedelta(days=1))
        certification = section(
            rep_client.get(reverse("learner:home")).content.decode(), "certification-heading"
        )
        assert "Still to complete" not in certification
        assert "Awaiting review" in certification

    def test_my_training_keeps_its_query_budget(
        self, rep_client, rep, manager, courses, django_assert_max_num_queries
    ):
        team = manager.managed_teams.get()
        for module in courses.values():
            assignment_create(by=manager, modules=[module], team=team, due_date=TODAY)
        do(rep, courses["required"], 3, at=NOW - datetime.timedelta(days=1))
        do(rep, courses["optional"], 1, at=NOW - datetime.timedelta(hours=1))
        # The modules' steps are read once, then kept until a load changes them.
        with django_assert_max_num_queries(10):
            assert rep_client.get(reverse("learner:home")).status_code == 200
        with django_assert_max_num_queries(9):
            assert rep_client.get(reverse("learner:home")).status_code == 200


@pytest.mark.django_db
class TestLabels:
    @pytest.mark.parametrize("through", ["team", "person"])
    def test_an_assigned_module_says_so_everywhere(
        self, through, rep_client, rep, manager, courses
    ):
        whom = {"team": manager.managed_teams.get()} if through == "team" else {"user": rep}
        due = TODAY + datetime.timedelta(days=7)
        assignment_create(by=manager, modules=[courses["optional"]], due_date=due, **whom)
        do(rep, courses["optional"], 1, at=NOW - datetime.timedelta(hours=1))
        assignment_create(
            by=manager, modules=[courses["another"]], due_date=TODAY.replace(day=1), **whom
        )
        catalogue = rep_client.get(reverse("learner:catalogue")).content.decode()
        module_page = rep_client.get(reverse("learner:module", args=["optional"]))
        for content in (catalogue, module_page.content.decode()):
            assert "Assigned, due Mon 9 Nov 2026" in content
        assert "Overdue, was due Sun 1 Nov 2026" in catalogue
        assert "Recommended practice" not in catalogue
        assert "recommended practice" not in module_page.content.decode().lower()

    def test_an_optional_module_nobody_assigned_is_practice(self, rep_client, courses):
        content = rep_client.get(reverse("learner:catalogue")).content.decode()
        assert content.count("Recommended practice") == 2
        assert content.count("Required for certification") == 1

    def test_a_finished_assignment_stays_labelled_assigned_among_the_completed(
        self, rep_client, rep, manager, courses
    ):
        team = manager.managed_teams.get()
        assignment_create(by=manager, modules=[courses["another"]], team=team, due_date=TODAY)
        do(rep, courses["another"], 2, at=NOW - datetime.timedelta(hours=1))
        content = rep_client.get(reverse("learner:home")).content.decode()
        assert 'id="due-heading"' not in content
        assert "Assigned, due Mon 2 Nov 2026" in section(content, "done-heading")


@pytest.mark.django_db
def test_four_of_nine_steps_is_44_percent_on_every_page(rep_client, rep, builder, frozen):
    builder.course(modules=["long"])
    builder.module(slug="long", lessons=[f"part-{n}" for n in range(1, 10)], title="Long module")
    load_curriculum(builder.root)
    do(rep, Module.objects.get(slug="long"), 4, at=NOW - datetime.timedelta(hours=1))
    pages = {
        reverse("learner:home"): "44% · 4 of 9 steps",
        reverse("learner:catalogue"): "44% · 4 of 9 steps",
        reverse("learner:module", args=["long"]): "44% · 4 of 9 steps done",
        reverse("learner:step", args=["long", "part-5"]): "4 of 9 steps done",
    }
    for url, words in pages.items():
        content = rep_client.get(url).content.decode()
        assert words in content, url
        assert 'value="44"' in content and "0% done" not in content, url


@pytest.mark.django_db
def test_the_reps_pages_show_no_content_version(rep_client, rep, manager, courses):
    module = courses["required"]
    do(rep, module, 1, at=NOW - datetime.timedelta(hours=1))
    attempt = take_quiz(rep, Quiz.objects.get(step__module=module), at=NOW)
    attempt_url = reverse("learner:quiz-attempt", args=[attempt.pk])
    pages = [
        attempt_url,
        reverse("learner:home"),
        reverse("learner:catalogue"),
        reverse("learner:module", args=["required"]),
        reverse("learner:step", args=["required", "detail"]),
        reverse("learner:step", args=["required", "check"]),
    ]
    version = module.content_version
    assert len(version) >= 12 and Step.objects.filter(module=module).exists()
    for url in pages:
        content = rep_client.get(url).content.decode()
        assert version[:12] not in content, url
        assert "content version" not in content.lower(), url
    # The rep's manager reading the attempt sees what it was taken on.
    rep_client.force_login(manager)
    assert module.content_version[:12] in rep_client.get(attempt_url).content.decode()
