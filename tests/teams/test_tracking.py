"""The status rules a rep, a manager and the reminders all go by (no database)."""

import datetime

import pytest

from courses.teams.selectors import Status, status_of

TODAY = datetime.date(2026, 11, 28)


def status(done=0, steps=4, started=False, due_in=None):
    due = None if due_in is None else TODAY + datetime.timedelta(days=due_in)
    return status_of(done=done, steps=steps, started=started, due=due, today=TODAY)


def test_nothing_done_and_no_due_date_is_not_started():
    assert status() is Status.NOT_STARTED


def test_a_step_done_is_in_progress():
    assert status(done=1, due_in=30) is Status.IN_PROGRESS


def test_an_attempt_without_a_completed_step_is_in_progress():
    assert status(started=True, due_in=30) is Status.IN_PROGRESS


def test_every_step_done_is_done_even_after_the_due_date():
    assert status(done=4, due_in=-10) is Status.DONE


@pytest.mark.parametrize("days", [0, 1, 2, 3])
def test_due_within_three_days_is_due_soon(days):
    assert status(done=1, due_in=days) is Status.DUE_SOON


def test_four_days_away_is_not_yet_due_soon():
    assert status(due_in=4) is Status.NOT_STARTED


def test_the_day_after_the_due_date_is_overdue():
    assert status(done=3, due_in=-1) is Status.OVERDUE


def test_the_due_date_itself_is_not_overdue():
    assert status(due_in=0) is Status.DUE_SOON


def test_a_module_with_no_steps_is_never_done():
    assert status(done=0, steps=0, due_in=10) is Status.NOT_STARTED
