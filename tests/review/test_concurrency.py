"""The same answer posted many times at once, against a real server, is recorded once."""

import datetime

import pytest
from django.urls import reverse

from courses.models import ReviewCard, ReviewLog
from tests.platform.live import Session
from tests.platform.test_concurrency import run_together
from tests.review.support import KEYS, card, meet, picks

pytestmark = pytest.mark.django_db(transaction=True)


def test_eight_simultaneous_answers_to_one_card_record_one_review(live_server, quiz, rep):
    meet(rep, quiz, wrong=KEYS, at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=7))
    due = card(rep, "local-time")
    data = {"seen": due.reviews, "answered": 0, **picks(due)}
    url = reverse("review:answer", args=[due.pk])
    sessions = [Session(live_server.url, rep) for _ in range(8)]

    results = run_together(8, lambda i: sessions[i].post(url, data))

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [400] * 7  # the one taken followed its redirect to the feedback
    assert ReviewLog.objects.filter(card=due).count() == 1
    assert ReviewCard.objects.get(pk=due.pk).reviews == 2
