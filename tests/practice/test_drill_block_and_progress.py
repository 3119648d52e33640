"""The calling block (a clock that moves with each answer, read in each lead's zone) and a rep's
drill progress: score per rule, personal best, streak of days."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from courses.models import DrillAnswer, DrillRuleResult
from courses.practice.services import drill_answer, drill_next, drill_start
from tests.practice.drill_play import (
    HOME,
    answer_url,
    next_url,
    page,
    play,
    right_answer,
    shown_card,
    start,
    text,
    wrong_answer,
)
from tests.practice.support import CATALOGUE

pytestmark = pytest.mark.django_db


# The calling block


def test_a_calling_block_runs_its_clock_in_the_sites_zone(rep_client):
    session = start(rep_client, mode="block")
    assert session.desk_zone == timezone.get_current_timezone_name()
    body = text(rep_client.get(page(session)))
    assert "Your clock in New York" in body and "0 minutes into the block" in body
    assert "east to west" in body


def test_the_block_clock_moves_with_each_answer(rep_client):
    session = start(rep_client, mode="block")
    moves = []
    for _ in range(4):
        data = right_answer(session)
        before = session.clock_minutes
        rep_client.post(answer_url(session), data)
        session.refresh_from_db()
        moves.append((data["choice"], session.clock_minutes - before))
        rep_client.post(next_url(session), {"position": session.answered})
    assert all(minutes == {"call": 5, "wait": 2, "do-not-call": 1}[c] for c, minutes in moves)
    answer = DrillAnswer.objects.get(session=session, position=3)
    assert answer.block_minutes == sum(m for _, m in moves[:3])


def test_each_block_lead_is_met_at_the_block_clock(rep_client):
    session = start(rep_client, mode="block")
    for _ in range(3):
        rep_client.post(answer_url(session), {"position": session.answered, "choice": "call"})
        session.refresh_from_db()
        rep_client.post(next_url(session), {"position": session.answered})
    session.refresh_from_db()
    card = shown_card(session)
    assert session.clock_minutes == 15
    hour = card.local.hour % 12 or 12
    assert f"{hour}:{card.local.minute:02d}" in text(rep_client.get(page(session)))


def test_a_whole_block_played_right_scores_ten(rep_client):
    session = play(rep_client, start(rep_client, mode="block"))
    assert session.right == 10


# Progress


def test_progress_per_rule_best_and_streak(rep_client, rep, catalogue):
    session = play(rep_client, start(rep_client, seed=1), answers=wrong_answer)
    play(rep_client, start(rep_client, seed=2))
    body = text(rep_client.get(HOME))
    assert "10 of 10" in body  # the best
    assert "1 day" in body  # the streak
    rows = DrillRuleResult.objects.filter(user=rep)
    some = rows.values_list("rule", flat=True).first()
    answered = rows.filter(rule=some).count()
    right = rows.filter(rule=some, correct=True).count()
    title = CATALOGUE[some].title.replace("'", "&#x27;")
    row = re.search(rf"<tr><th scope=\"row\">{re.escape(title)}</th>.*?</tr>", body)
    assert row and f"{right} of {answered}" in row.group(0)
    assert session.right == 0


def test_the_progress_page_asks_a_few_queries(rep_client, django_assert_max_num_queries):
    for seed in (1, 2):
        play(rep_client, start(rep_client, seed=seed))
    start(rep_client, seed=3)
    with django_assert_max_num_queries(7):
        response = rep_client.get(HOME)
    assert "Pick up where you left off" in text(response)


def finish_at(user, moment):
    with time_machine.travel(moment, tick=False):
        session = drill_start(user=user)
        for position in range(10):
            if position:
                drill_next(user=user, session_id=session.pk, position=position)
            drill_answer(user=user, session_id=session.pk, position=position, choice="call")
    session.refresh_from_db()
    return session


def test_a_streak_counts_days_in_a_row_in_the_sites_time_zone(rep):
    zone = timezone.get_current_timezone()
    evening = datetime.datetime(2026, 3, 2, 23, 30, tzinfo=zone)
    assert finish_at(rep, evening).streak == 1
    # Past midnight where the site is (still the 2nd in UTC minus nothing: a new local day).
    assert finish_at(rep, evening + datetime.timedelta(hours=1)).streak == 2
    assert finish_at(rep, evening + datetime.timedelta(hours=2)).streak == 2  # same day
    assert finish_at(rep, evening + datetime.timedelta(days=3)).streak == 1  # a day missed


def test_the_streak_shown_is_broken_by_a_day_without_a_session(rep_client, rep):
    finish_at(rep, timezone.now() - datetime.timedelta(days=3))
    assert "0 days" in text(rep_client.get(HOME))
    finish_at(rep, timezone.now() - datetime.timedelta(days=1))
    assert "1 day" in text(rep_client.get(HOME))
