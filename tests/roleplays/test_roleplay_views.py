import datetime
import html
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from courses.curriculum.loading import load_curriculum
from courses.models import RoleplayRun, RunTurn, StepCompletion
from courses.roleplays.selectors import call_view

HTMX = {"HTTP_HX_REQUEST": "true"}
OVERVIEW = reverse("learner:step", args=["module-1", "call"])
START = reverse("learner:roleplay-start", args=["module-1", "call"])
FEEDBACK = ["Name, firm and purpose up front", "Respectful and specific", "Never guarantee"]

# Replies by their ids in the script. The page offers them shuffled for each run, and a
# choice is posted as the position of the reply among those offered.
CLEAN = ["opening.1", "objection.1"]  # identify yourself, offer a summary: meeting booked
VIOLATION = ["opening.1", "objection.2"]  # identify yourself, promise a guaranteed return
DNC = ["opening.1", "objection.3", "stop.1"]  # ask a question, she says stop, you honour it


@pytest.fixture
def call_curriculum(db, builder):
    builder.with_roleplay()
    load_curriculum(builder.root)
    return builder


def start(client):
    response = client.post(START)
    assert response.status_code == 302
    return RoleplayRun.objects.latest("pk")


def position_of(run, reply_id) -> int:
    """Where the run offers this reply now: the option a person would click."""
    run = RoleplayRun.objects.get(pk=run.pk)
    offered = call_view(run, list(run.turns.values_list("reply", flat=True))).offered
    return [reply.id for reply in offered].index(reply_id)


def choose(client, run, option, turn=None, **extra):
    """Choose a reply by its id, or post a raw `option` position (an int)."""
    if isinstance(option, str):
        option = position_of(run, option)
    turn = run.turns.count() if turn is None else turn
    return client.post(
        reverse("learner:roleplay-choose", args=[run.pk]),
        {"turn": turn, "option": option},
        **extra,
    )


def play(client, run, options):
    for option in options:
        assert choose(client, run, option).status_code == 302


def record(client, run, list_key="firm", details=("number", "name", "date"), **extra):
    return client.post(
        reverse("learner:roleplay-record", args=[run.pk]),
        {"list": list_key, "details": list(details)},
        **extra,
    )


def run_page(client, run):
    return client.get(reverse("learner:roleplay-run", args=[run.pk])).content.decode()


@pytest.mark.django_db
class TestPreparationAndStart:
    def test_overview_shows_the_persona_and_briefing(self, rep_client, call_curriculum):
        content = rep_client.get(OVERVIEW).content.decode()
        for text in [
            "Dana Whitfield",
            "Tampa, Florida",
            "Tuesday, 10:15 a.m. Eastern",
            "About $250,000 a year",
            "Not on the Registry",
            "Earn a 15-minute meeting",
        ]:
            assert text in content
        assert "Start the call" in content
        assert not any(secret in content for secret in FEEDBACK)

    def test_start_then_reload_resumes_the_same_call(self, rep_client, call_curriculum):
        run = start(rep_client)
        choose(rep_client, run, "opening.1")
        assert start(rep_client) == run
        assert RoleplayRun.objects.count() == 1
        content = run_page(rep_client, run)
        assert "Hi Dana, this is Sam Ortiz" in content
        assert "Not interested." in content


@pytest.mark.django_db
class TestPlaying:
    def test_htmx_choice_appends_the_exchange_without_revealing_feedback(
        self, rep_client, call_curriculum
    ):
        run = start(rep_client)
        response = choose(rep_client, run, "opening.1", **HTMX)
        content = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in content
        assert "Hi Dana, this is Sam Ortiz" in content
        assert "Not interested." in content
        assert "What would make this worth a conversation?" in content
        assert not any(secret in content for secret in FEEDBACK)
        assert "Rule:" not in content

    def test_plain_choice_redirects_to_the_call(self, rep_client, call_curriculum):
        run = start(rep_client)
        response = choose(rep_client, run, "opening.2")
        # at the newest line of the call, where the reply options follow
        assert response["Location"] == reverse("learner:roleplay-run", args=[run.pk]) + "#latest"
        assert RunTurn.objects.get(run=run).reply == "opening.2"

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"turn": 0, "option": 5}, "not one of the options"),
            ({"turn": 0, "option": -1}, "not one of the options"),
            ({"turn": 0, "option": "x"}, "not one of the options"),
            ({"turn": 3, "option": 0}, "the call has moved on"),
            ({"option": 0}, "the call has moved on"),
        ],
    )
    def test_tampered_choices_are_refused_and_change_nothing(
        self, rep_client, call_curriculum, data, message
    ):
        run = start(rep_client)
        response = rep_client.post(reverse("learner:roleplay-choose", args=[run.pk]), data, **HTMX)
        assert response.status_code == 409
        assert message in response.content.decode()
        assert not RunTurn.objects.exists()

    def test_a_replayed_choice_is_refused(self, rep_client, call_curriculum):
        run = start(rep_client)
        stale_page_option = position_of(run, "opening.2")
        choose(rep_client, run, "opening.1", turn=0)
        response = choose(rep_client, run, stale_page_option, turn=0, **HTMX)
        assert response.status_code == 409
        assert list(RunTurn.objects.values_list("reply", flat=True)) == ["opening.1"]

    def test_jumping_ahead_is_refused(self, rep_client, call_curriculum):
        run = start(rep_client)
        # The "guaranteed" reply is option 1 at the second node, not at the first.
        choose(rep_client, run, 1, turn=1)
        assert not RunTurn.objects.exists()

    def test_another_persons_call_cannot_be_played(self, client, rep, other_rep, call_curriculum):
        client.force_login(rep)
        run = start(client)
        client.force_login(other_rep)
        assert choose(client, run, 0).status_code == 404
        assert record(client, run).status_code == 404
        assert client.get(reverse("learner:roleplay-run", args=[run.pk])).status_code == 404
        assert not RunTurn.objects.exists()


@pytest.mark.django_db
class TestEndings:
    def test_clean_call_passes_and_completes_the_step(self, rep_client, rep, call_curriculum):
        run = start(rep_client)
        play(rep_client, run, CLEAN)
        run.refresh_from_db()
        assert run.is_finished and run.passed and not run.violation
        assert (run.total, run.percent, run.outcome) == (8, 66, "meeting_booked")
        assert StepCompletion.objects.filter(user=rep, step__slug="call").count() == 1
        content = run_page(rep_client, run)
        assert "Passed · 66%" in content
        assert "Meeting booked" in content
        assert "Respectful and specific." in content
        assert "Rule: 16 CFR 310.4(d)" in content
        assert "s to reply" in content

    def test_violation_fails_the_call_and_names_the_rule(self, rep_client, rep, call_curriculum):
        run = start(rep_client)
        play(rep_client, run, VIOLATION)
        run.refresh_from_db()
        assert run.is_finished and run.violation and not run.passed
        assert run.outcome == "failed_violation"
        assert not StepCompletion.objects.filter(user=rep).exists()
        content = run_page(rep_client, run)
        assert "Failed: compliance violation" in content
        assert "Compliance violation" in content
        assert "Rule: FINRA Rule 2150(b)" in content
        assert "Never guarantee a customer against loss." in content

    def test_fail_by_violation_then_pass_on_retry(self, rep_client, rep, call_curriculum):
        first = start(rep_client)
        play(rep_client, first, VIOLATION)
        second = start(rep_client)
        assert second.number == 2
        play(rep_client, second, CLEAN)
        overview = rep_client.get(OVERVIEW).content.decode()
        assert "You have passed this call" in overview
        assert "Violation" in overview and "Passed" in overview

    def test_choice_after_the_end_is_refused(self, rep_client, call_curriculum):
        run = start(rep_client)
        play(rep_client, run, CLEAN)
        assert choose(rep_client, run, 0, **HTMX).status_code == 409
        assert run.turns.count() == 2

    def test_time_per_reply_is_kept(self, rep_client, call_curriculum):
        with time_machine.travel(timezone.now(), tick=False) as clock:
            run = start(rep_client)
            clock.shift(datetime.timedelta(seconds=12))
            choose(rep_client, run, CLEAN[0])
            clock.shift(datetime.timedelta(seconds=30))
            choose(rep_client, run, CLEAN[1])
        assert "12 s to reply" in run_page(rep_client, run)
        assert "30 s to reply" in run_page(rep_client, run)


@pytest.mark.django_db
class TestDoNotCallRecord:
    def test_honoured_request_asks_for_the_record_then_scores_it(
        self, rep_client, rep, call_curriculum
    ):
        run = start(rep_client)
        play(rep_client, run, DNC)
        run.refresh_from_db()
        assert not run.is_finished
        content = run_page(rep_client, run)
        assert "Record the do-not-call request" in content
        response = record(rep_client, run, **HTMX)
        assert "Your do-not-call record: 5 of 5 points" in response.content.decode()
        run.refresh_from_db()
        assert run.is_finished and run.passed and run.percent == 100
        assert run.outcome == "dnc_honoured"
        assert StepCompletion.objects.filter(user=rep).count() == 1

    def test_wrong_list_costs_points(self, rep_client, call_curriculum):
        run = start(rep_client)
        play(rep_client, run, DNC)
        record(rep_client, run, list_key="national", details=["number"])
        run.refresh_from_db()
        assert run.total == 12 - 4
        assert "Your do-not-call record: 1 of 5 points" in run_page(rep_client, run)

    @pytest.mark.parametrize(
        "list_key, details", [("", ["number"]), ("registry", ["number"]), ("firm", ["ssn"])]
    )
    def test_bad_record_is_refused(self, rep_client, call_curriculum, list_key, details):
        run = start(rep_client)
        play(rep_client, run, DNC)
        response = record(rep_client, run, list_key=list_key, details=details)
        assert response.status_code == 400
        run.refresh_from_db()
        assert not run.is_finished and run.dnc_record is None

    def test_record_is_refused_when_nobody_asked(self, rep_client, call_curriculum):
        run = start(rep_client)
        play(rep_client, run, CLEAN)
        response = record(rep_client, run)
        assert response.status_code == 400
        run.refresh_from_db()
        assert run.dnc_record is None


@pytest.mark.django_db
class TestWhoSeesRuns:
    def test_manager_of_the_team_and_compliance_can_read_but_not_play(
        self, client, rep, manager, compliance, call_curriculum
    ):
        client.force_login(rep)
        run = start(client)
        play(client, run, VIOLATION)
        for viewer in (manager, compliance):
            client.force_login(viewer)
            content = client.get(reverse("learner:roleplay-run", args=[run.pk])).content.decode()
            assert "call 1 by Rep" in content
            assert "Rule: FINRA Rule 2150(b)" in content
            assert choose(client, run, 0).status_code == 404

    def test_manager_of_another_team_cannot_see(self, client, rep, other_manager, call_curriculum):
        client.force_login(rep)
        run = start(client)
        client.force_login(other_manager)
        assert client.get(reverse("learner:roleplay-run", args=[run.pk])).status_code == 404


@pytest.mark.django_db
def test_call_page_query_budget(rep_client, call_curriculum, django_assert_max_num_queries):
    run = start(rep_client)
    # A reply: session, user, the locked run, its turns, the new turn, the run's copy of the
    # script the first time this process sees it, and the savepoints a test's transaction adds.
    option = position_of(run, CLEAN[0])
    with django_assert_max_num_queries(11):
        assert choose(rep_client, run, option).status_code == 302
    # The last reply of a passed call also finishes the run, completes the step and refreshes
    # the person's progress once.
    option = position_of(run, CLEAN[1])
    with django_assert_max_num_queries(22):
        assert choose(rep_client, run, option).status_code == 302
    assert RoleplayRun.objects.get(pk=run.pk).passed
    # The debrief also reads the module for the step after this one (its steps are cached).
    with django_assert_max_num_queries(7):
        run_page(rep_client, run)
    with django_assert_max_num_queries(12):
        rep_client.get(OVERVIEW)


@pytest.mark.django_db
class TestShuffledReplies:
    def offered_texts(self, client, run):
        content = run_page(client, run)
        return re.findall(
            r'<button type="submit" name="option" value="\d+" class="reply-option">(.*?)</button>',
            content,
        )

    def test_the_order_holds_on_reload_and_a_click_picks_what_it_shows(
        self, rep_client, call_curriculum
    ):
        run = start(rep_client)
        shown = self.offered_texts(rep_client, run)
        assert len(shown) == 2
        assert self.offered_texts(rep_client, run) == shown  # a reload shows the same order
        rep_client.post(reverse("learner:roleplay-choose", args=[run.pk]), {"turn": 0, "option": 1})
        chosen = RunTurn.objects.get(run=run).reply
        assert call_view(run, []).script.reply(chosen).text == html.unescape(shown[1])

    def test_runs_differ_in_order(self, rep_client, call_curriculum):
        """Over a few calls the first reply offered is not always the same one."""
        firsts = set()
        for _ in range(20):
            run = start(rep_client)
            firsts.add(self.offered_texts(rep_client, run)[0])
            RoleplayRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
        assert len(firsts) == 2
