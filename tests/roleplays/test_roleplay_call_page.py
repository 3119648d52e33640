"""The call page: the call header, the preparation card, the newest line, ending a call early,
and a debrief that comes first and whose score table adds up."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from courses.curriculum.loading import load_curriculum
from courses.models import RoleplayRun, RunTurn, StepCompletion
from tests.roleplays.test_roleplay_views import (
    HTMX,
    START,
    choose,
    play,
    record,
    run_page,
    start,
)

CLEAN = ["opening.1", "objection.1"]  # meeting booked: 8 of 12
BEST = ["opening.1", "objection.3", "stop.1"]  # the request honoured, recorded: 12 of 12
VIOLATION = ["opening.1", "objection.2"]
WRAP_UP = reverse("learner:step", args=["module-1", "wrap-up"])


@pytest.fixture
def call_curriculum(db, builder):
    builder.with_roleplay()
    load_curriculum(builder.root)
    return builder


@pytest.fixture
def call_then_lesson(db, builder):
    """The call is not the module's last step: a lesson follows it."""
    builder.with_roleplay()
    builder.module(
        slug="module-1",
        lessons=["intro"],
        extra_steps="  - roleplay: call.yaml\n  - lesson: wrap-up.md\n",
    )
    builder.write("basics/module-1/wrap-up.md", "---\ntitle: Wrap up\n---\nDone.\n")
    load_curriculum(builder.root)
    return builder


def end_call(client, run, **extra):
    return client.post(reverse("learner:roleplay-end", args=[run.pk]), **extra)


def score_rows(content: str) -> dict[str, tuple[int, int]]:
    table = re.search(r'<table class="data compact scores">.*?</table>', content, re.S).group(0)
    return {
        name: (int(score), int(best))
        for name, score, best in re.findall(
            r'<th scope="row">(\w+)</th><td class="num">(-?\d+)</td><td class="num">(-?\d+)</td>',
            table,
        )
    }


@pytest.mark.django_db
class TestTheCallHeader:
    def test_the_header_names_the_prospect_and_when_the_call_started(
        self, rep_client, call_curriculum
    ):
        eastern = datetime.datetime(2026, 3, 3, 16, 51, tzinfo=datetime.UTC).astimezone(
            timezone.get_default_timezone()
        )
        with time_machine.travel(eastern, tick=False) as clock:
            run = start(rep_client)
            clock.shift(95)
            content = run_page(rep_client, run)
        assert 'aria-label="Call in progress"' in content
        assert "On the call with <strong>Dana Whitfield</strong>" in content
        # Without JavaScript the page says when the call started. call.js counts on from the
        # seconds the call has run by the server's clock, whatever the device's clock says.
        assert (
            f'<time datetime="{eastern.isoformat()}" data-call-started data-call-seconds="95">'
            "11:51 a.m.</time>"
        ) in content
        assert "data-call-timer" in content
        assert 'src="/static/js/call.js"' in content or "js/call" in content
        assert "End call" in content
        assert "End the call now? It will be scored as it stands" in content

    def test_someone_watching_the_call_cannot_end_it(self, client, rep, manager, call_curriculum):
        client.force_login(rep)
        run = start(client)
        client.force_login(manager)
        content = run_page(client, run)
        assert "On the call with" in content
        assert "End call" not in content

    def test_the_rep_is_told_reply_times_are_recorded(self, rep_client, call_curriculum):
        run = start(rep_client)
        content = run_page(rep_client, run)
        assert "Your reply times are recorded as part of your training record." in content
        assert 'aria-describedby="reply-time-note"' in content


@pytest.mark.django_db
class TestThePreparationCard:
    def test_open_before_the_first_reply(self, rep_client, call_curriculum):
        run = start(rep_client)
        content = run_page(rep_client, run)
        assert '<details class="persona-toggle prep-card" open>' in content
        assert "Who you are calling" in content

    def test_collapsed_to_one_line_once_the_call_has_started(self, rep_client, call_curriculum):
        run = start(rep_client)
        for response in (choose(rep_client, run, "opening.1", **HTMX), None):
            content = response.content.decode() if response else run_page(rep_client, run)
            assert '<details class="persona-toggle prep-card">' in content
            summary = re.search(r"<summary>(.*?)</summary>", content, re.S).group(1)
            assert "Dana Whitfield" in summary
            assert "Owner of a dental practice" in summary
            assert "Who you are calling" in content  # still there when opened


@pytest.mark.django_db
class TestTheNewestLine:
    def test_the_transcript_is_a_log_ending_at_the_newest_line(self, rep_client, call_curriculum):
        run = start(rep_client)
        response = choose(rep_client, run, "opening.1", **HTMX)
        content = response.content.decode()
        assert 'role="log" aria-labelledby="transcript-heading"' in content
        latest = re.search(r'<li id="latest"[^>]*>(.*?)</li>', content, re.S).group(1)
        assert "Not interested." in latest
        assert content.count('id="latest"') == 1
        # after a swap call.js moves focus here, to the reply choices
        assert '<h2 id="reply-heading" class="reply-heading" tabindex="-1">' in content

    def test_without_javascript_a_reply_reloads_the_page_at_the_newest_line(
        self, rep_client, call_curriculum
    ):
        run = start(rep_client)
        response = choose(rep_client, run, "opening.1")
        assert response["Location"].endswith("#latest")
        response = choose(rep_client, run, "objection.1")
        assert response["Location"].endswith("#debrief")


@pytest.mark.django_db
class TestEndingACallEarly:
    def test_ending_scores_the_call_as_it_stands(self, rep_client, call_curriculum):
        run = start(rep_client)
        play(rep_client, run, ["opening.1"])
        response = end_call(rep_client, run)
        assert response.status_code == 302
        assert response["Location"] == reverse("learner:roleplay-run", args=[run.pk]) + "#debrief"
        run.refresh_from_db()
        assert run.is_finished and run.ended_early
        assert (run.outcome, run.passed, run.total) == ("ended_early", False, 4)
        assert run.outcome_label == "Call ended early"
        assert not StepCompletion.objects.exists()
        content = run_page(rep_client, run)
        assert "Not passed: you ended the call early" in content
        assert "You ended the call here." in content
        assert "Play again" in content

    def test_ending_in_place_with_htmx_shows_the_debrief(self, rep_client, call_curriculum):
        run = start(rep_client)
        response = end_call(rep_client, run, **HTMX)
        content = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in content
        assert 'id="debrief-heading"' in content
        assert "Call ended early" in content

    def test_a_call_that_is_over_cannot_be_ended_again(self, rep_client, call_curriculum):
        run = start(rep_client)
        play(rep_client, run, CLEAN)
        run.refresh_from_db()
        finished = (run.finished_at, run.outcome, run.passed)
        response = end_call(rep_client, run, **HTMX)
        assert response.status_code == 409
        assert "This call is already over." in response.content.decode()
        response = end_call(rep_client, run, follow=True)
        assert "This call is already over." in response.content.decode()
        run.refresh_from_db()
        assert (run.finished_at, run.outcome, run.passed, run.ended_early) == (*finished, False)

    def test_a_call_waiting_for_its_record_cannot_be_ended(self, rep_client, call_curriculum):
        run = start(rep_client)
        play(rep_client, run, BEST)
        response = end_call(rep_client, run, **HTMX)
        assert response.status_code == 409
        assert "record the do-not-call request" in response.content.decode()
        run.refresh_from_db()
        assert not run.is_finished and not run.ended_early

    def test_nothing_can_be_said_after_ending(self, rep_client, call_curriculum):
        run = start(rep_client)
        end_call(rep_client, run)
        response = choose(rep_client, run, 0, turn=0, **HTMX)
        assert response.status_code == 409
        assert not RunTurn.objects.exists()

    def test_another_persons_call_cannot_be_ended(self, client, rep, other_rep, call_curriculum):
        client.force_login(rep)
        run = start(client)
        for user in (other_rep,):
            client.force_login(user)
            assert end_call(client, run).status_code == 404
        run.refresh_from_db()
        assert not run.is_finished

    def test_a_manager_cannot_end_a_reps_call(self, client, rep, manager, call_curriculum):
        client.force_login(rep)
        run = start(client)
        client.force_login(manager)
        assert end_call(client, run).status_code in (403, 404)
        run.refresh_from_db()
        assert not run.is_finished

    def test_ending_is_a_post(self, rep_client, call_curriculum):
        run = start(rep_client)
        assert rep_client.get(reverse("learner:roleplay-end", args=[run.pk])).status_code == 405

    def test_ending_query_budget(self, rep_client, call_curriculum, django_assert_max_num_queries):
        run = start(rep_client)
        play(rep_client, run, ["opening.1"])
        with django_assert_max_num_queries(20):
            assert end_call(rep_client, run).status_code == 302


@pytest.mark.django_db
class TestTheDebrief:
    def test_result_first_then_what_went_well_then_rules_broken_then_the_call(
        self, rep_client, call_curriculum
    ):
        run = start(rep_client)
        play(rep_client, run, VIOLATION)
        content = run_page(rep_client, run)
        order = [
            content.index('id="debrief-heading"'),
            content.index("What went well"),
            content.index("What broke a rule, and why"),
            content.index("The call, line by line"),
        ]
        assert order == sorted(order)
        assert "Failed: compliance violation · " in content
        well = content[order[1] : order[2]]
        assert "Name, firm and purpose up front." in well
        broken = content[order[2] : order[3]]
        assert "This plan is guaranteed to beat the market." in broken
        assert "Never guarantee a customer against loss." in broken
        assert "Compliance violation: fails the call" in broken
        assert re.search(r"Rule: [^<]+\(FINRA Rule 2150", broken)

    def test_a_clean_call_broke_no_rule(self, rep_client, call_curriculum):
        run = start(rep_client)
        play(rep_client, run, CLEAN)
        content = run_page(rep_client, run)
        assert "Nothing you said broke a rule." in content

    def test_the_main_button_continues_to_the_next_step(self, rep_client, call_then_lesson):
        run = start(rep_client)
        play(rep_client, run, CLEAN)
        content = run_page(rep_client, run)
        assert f'<a class="button" href="{WRAP_UP}">Continue: Wrap up</a>' in content
        assert f'action="{START}"' in content
        assert 'class="button button-secondary">Play again</button>' in content

    def test_after_the_last_step_the_main_button_goes_to_my_training(
        self, rep_client, call_curriculum
    ):
        run = start(rep_client)
        play(rep_client, run, CLEAN)
        content = run_page(rep_client, run)
        home = reverse("learner:home")
        assert f'<a class="button" href="{home}">Continue to My training</a>' in content

    def test_play_again_starts_a_new_call(self, rep_client, call_curriculum):
        run = start(rep_client)
        play(rep_client, run, CLEAN)
        again = start(rep_client)
        assert again != run and again.number == 2

    def test_someone_reading_the_debrief_gets_no_buttons(
        self, client, rep, manager, call_curriculum
    ):
        client.force_login(rep)
        run = start(client)
        play(client, run, CLEAN)
        client.force_login(manager)
        content = run_page(client, run)
        assert "What went well" in content
        assert "Play again" not in content and "Continue" not in content

    def test_a_perfect_call_shows_full_marks_in_every_row(self, rep_client, call_curriculum):
        run = start(rep_client)
        play(rep_client, run, BEST)
        record(rep_client, run)
        content = run_page(rep_client, run)
        assert "Passed · 100%" in content
        rows = score_rows(content)
        assert rows == {
            "Rapport": (2, 2),
            "Discovery": (1, 1),
            "Objections": (0, 0),
            "Compliance": (9, 9),
            "Total": (12, 12),
        }

    def test_the_best_call_column_adds_up_to_its_total(self, rep_client, call_curriculum):
        run = start(rep_client)
        play(rep_client, run, CLEAN)
        rows = score_rows(run_page(rep_client, run))
        total = rows.pop("Total")
        assert total == (8, 12)
        assert sum(best for _, best in rows.values()) == total[1]
        assert sum(score for score, _ in rows.values()) == total[0]
        # the best call here honours a do-not-call request: it books no meeting
        assert rows["Objections"] == (3, 0)

    def test_debrief_query_budget(self, rep_client, call_curriculum, django_assert_max_num_queries):
        run = start(rep_client)
        play(rep_client, run, VIOLATION)
        # session, user, run, turns, the module for the next step, the broken rules' titles
        with django_assert_max_num_queries(8):
            run_page(rep_client, run)
        assert RoleplayRun.objects.get(pk=run.pk).violation
