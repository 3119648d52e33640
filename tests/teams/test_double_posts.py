"""Two identical assignment posts at the same moment, against a real server: one assignment."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.curriculum.loading import load_curriculum
from courses.models import Assignment, Module
from tests.platform.live import Session
from tests.platform.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("to", ["team", "user"])
def test_identical_assignments_posted_together_make_one(live_server, builder, manager, rep, to):
    builder.simple(modules=1, lessons=1)
    load_curriculum(builder.root)
    module = Module.objects.get()
    target = manager.managed_teams.get().pk if to == "team" else rep.pk
    due = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    form = {"what": f"module:{module.pk}", "to": f"{to}:{target}", "due_date": due}
    sessions = [Session(live_server.url, manager) for _ in range(6)]

    results = run_together(6, lambda i: sessions[i].post(reverse("team:assignment-new"), form))

    assert Assignment.objects.count() == 1
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * 1 + [400] * 5  # the one made follows its redirect
    refused = [page for status, page in results if status == 400]
    assert all("is already assigned to" in page for page in refused)
