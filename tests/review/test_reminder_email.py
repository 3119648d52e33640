"""A reminder email mentions the cards due for review, when there are any."""

import datetime

import pytest
import time_machine
from django.core import mail

from courses.curriculum.loading import load_curriculum
from courses.models import Quiz
from courses.teams.services import assignment_create, reminders_queue
from tests.review.support import KEYS, meet
from tests.support import QUIZ

OVERDUE_DAY = datetime.date(2026, 12, 11)
MOMENT = datetime.datetime.combine(OVERDUE_DAY, datetime.time(14, 0), tzinfo=datetime.UTC)


@pytest.fixture
def overdue_quiz(transactional_db, builder, manager):
    builder.with_quiz(text=QUIZ)
    load_curriculum(builder.root)
    quiz = Quiz.objects.get()
    with time_machine.travel(MOMENT - datetime.timedelta(days=20)):
        assignment_create(
            by=manager,
            modules=[quiz.step.module],
            team=manager.managed_teams.get(),
            due_date=OVERDUE_DAY - datetime.timedelta(days=1),
        )
    return quiz


def reminder_to(user) -> str:
    with time_machine.travel(MOMENT, tick=False):
        reminders_queue()
    (message,) = [m for m in mail.outbox if user.email in m.to]
    return message.body


@pytest.mark.django_db(transaction=True)
def test_the_reminder_says_how_many_cards_are_due(rep, overdue_quiz):
    meet(rep, overdue_quiz, wrong=KEYS, at=MOMENT - datetime.timedelta(days=3))
    body = reminder_to(rep)
    assert "4 cards due for review, about three minutes:\nhttps://callready.test/review/" in body


@pytest.mark.django_db(transaction=True)
def test_without_cards_due_the_reminder_does_not_mention_review(rep, overdue_quiz):
    meet(rep, overdue_quiz, at=MOMENT - datetime.timedelta(minutes=5))
    assert "due for review" not in reminder_to(rep)
