"""The certification report's rows: filters let the database skip people who cannot match, and
pages read only the people they show, without changing a single row. Its totals, counted by
the database, are the rows counted per status, whatever the filters and the day."""

import datetime
from collections import Counter

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from courses.certification.reports import STATUSES, certification_rows, certification_totals
from courses.certification.services import (
    certificate_revoke,
    completion_certify,
    completion_reject,
)
from courses.curriculum.loading import load_curriculum
from courses.models import Module
from courses.platform.access import REP
from tests.factories import complete_module
from tests.support import make_user, role_group

START = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def world(db, builder, compliance, django_user_model):
    """Two required modules (certificates last a year) and reps standing every possible way."""
    builder.course(modules=["module-1", "module-2"])
    builder.required_module("module-1").required_module("module-2")
    load_curriculum(builder.root)
    Module.objects.update(recertify_after_months=12)
    first, second = Module.objects.order_by("position")
    people = {
        name: make_user(django_user_model, name, REP)
        for name in ["certified", "pending", "rejected", "revoked", "idle", "both"]
    }
    with time_machine.travel(START, tick=False):
        records = {name: complete_module(people[name], first) for name in people if name != "idle"}
    with time_machine.travel(START + 5 * DAY, tick=False):
        records["later"] = complete_module(people["both"], second)
    with time_machine.travel(START + 10 * DAY, tick=False):
        for name in ["certified", "revoked", "both"]:
            completion_certify(officer=compliance, record=records[name])
        completion_reject(
            officer=compliance,
            record=records["rejected"],
            note="Redo the call.",
            redo_steps=list(first.steps.all()),
        )
    with time_machine.travel(START + 20 * DAY, tick=False):
        certificate_revoke(
            officer=compliance, certificate=records["revoked"].certificate, reason="Shared answers"
        )
    return [first, second]


def rows(modules, **filters):
    people = get_user_model().objects.filter(groups__name=REP)
    return [
        (row.person.username, row.module.slug, row.status, row.completed_at, row.code)
        for row in certification_rows(people, modules=modules, **filters)
    ]


MOMENTS = [
    START - DAY,  # before anyone completed anything
    START + 7 * DAY,  # completed, not reviewed
    START + 30 * DAY,  # reviewed, one certificate revoked
    START + 400 * DAY,  # the certificates have expired
]


@pytest.mark.django_db
@pytest.mark.parametrize("moment", MOMENTS)
def test_status_filters_give_exactly_the_rows_of_that_status(world, moment):
    everything = rows(world, moment=moment)
    assert len(everything) == 6 * 2
    for status in STATUSES:
        assert rows(world, moment=moment, statuses={status}) == [
            row for row in everything if row[2] == status
        ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "days",
    [
        (START.date(), None),
        (None, START.date()),
        (START.date() + DAY, None),
        (START.date() + DAY, START.date() + 9 * DAY),
        (START.date() - 9 * DAY, START.date() - DAY),
        (datetime.date(1, 1, 1), datetime.date(9999, 12, 31)),
    ],
)
def test_completion_date_filters_give_exactly_the_rows_completed_on_those_days(world, days):
    completed_from, completed_to = days
    moment = START + 30 * DAY
    expected = [
        row
        for row in rows(world, moment=moment)
        if row[3] is not None
        and (completed_from is None or row[3].date() >= completed_from)
        and (completed_to is None or row[3].date() <= completed_to)
    ]
    for status in [None, *STATUSES]:
        assert rows(
            world,
            moment=moment,
            completed_from=completed_from,
            completed_to=completed_to,
            statuses={status} if status else None,
        ) == [row for row in expected if status is None or row[2] == status]


def totals(modules, **filters):
    people = get_user_model().objects.filter(groups__name=REP)
    counted = certification_totals(people, modules=modules, **filters)
    return {status: count for status, count in counted.by_status if count}, counted.total


def counted(modules, **filters):
    statuses = Counter(row[2] for row in rows(modules, **filters))
    return dict(statuses), statuses.total()


@pytest.mark.django_db
@pytest.mark.parametrize("moment", [*MOMENTS, START + 12 * DAY])
def test_the_totals_count_the_rows_of_each_status(world, moment):
    """At each moment (before anything, pending, certified and revoked, expired, and one
    module of one person certified while their other is pending)."""
    assert totals(world, moment=moment) == counted(world, moment=moment)
    assert totals(world[:1], moment=moment) == counted(world[:1], moment=moment)
    for status in STATUSES:
        assert totals(world, moment=moment, statuses={status}) == counted(
            world, moment=moment, statuses={status}
        )
    both = {STATUSES[0], STATUSES[-1]}
    assert totals(world, moment=moment, statuses=both) == counted(
        world, moment=moment, statuses=both
    )


@pytest.mark.django_db
def test_the_totals_at_a_known_moment(world):
    counts, total = totals(world, moment=START + 30 * DAY)
    assert total == 12  # six people, two modules
    assert counts == {
        "certified": 2,  # "certified", and module 1 of "both"
        "pending": 2,  # "pending", and module 2 of "both"
        "rejected": 1,
        "revoked": 1,
        "missing": 6,  # "idle" twice, and module 2 of the four who did only module 1
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "days",
    [
        (START.date(), None),
        (None, START.date()),
        (START.date() + DAY, START.date() + 9 * DAY),
        (START.date() - 9 * DAY, START.date() - DAY),
    ],
)
def test_the_totals_follow_the_completion_date_filters(world, days):
    completed_from, completed_to = days
    for status in [None, *STATUSES]:
        filters = {
            "moment": START + 30 * DAY,
            "completed_from": completed_from,
            "completed_to": completed_to,
            "statuses": {status} if status else None,
        }
        assert totals(world, **filters) == counted(world, **filters)


@pytest.mark.django_db
def test_totals_of_no_modules_are_nothing(world):
    assert totals([], moment=START) == ({}, 0)


@pytest.mark.django_db
def test_small_growing_chunks_give_the_same_rows(world):
    moment = START + 30 * DAY
    assert rows(world, moment=moment, first_chunk=1, chunk_size=2) == rows(world, moment=moment)
    assert rows(world, moment=moment, after="certified") == [
        row for row in rows(world, moment=moment) if row[0] > "certified"
    ]


@pytest.mark.django_db
def test_a_page_reads_only_the_people_it_shows(
    client, builder, compliance, django_user_model, django_assert_max_num_queries
):
    builder.course(modules=["module-1", "module-2"])
    builder.required_module("module-1").required_module("module-2")
    load_curriculum(builder.root)
    rep_group = role_group(REP)
    people = django_user_model.objects.bulk_create(
        django_user_model(username=f"rep{i:04d}") for i in range(1000)
    )
    django_user_model.groups.through.objects.bulk_create(
        django_user_model.groups.through(user_id=p.pk, group_id=rep_group.pk) for p in people
    )
    client.force_login(compliance)
    people_read = []
    original = django_user_model.from_db.__func__

    def counting_from_db(cls, *args, **kwargs):
        instance = original(cls, *args, **kwargs)
        people_read.append(instance.username)
        return instance

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(django_user_model, "from_db", classmethod(counting_from_db))
        # Seven for the page, and two for the totals (the people counted, the rest grouped).
        with django_assert_max_num_queries(9):
            page = client.get(reverse("compliance:report"))
        # Nobody matches a filter: the database says so without anyone being read.
        with django_assert_max_num_queries(9):
            filtered = client.get(reverse("compliance:report"), {"status": "revoked"})
    assert len(page.context["rows"]) == 50 and page.context["next_query"]
    assert filtered.context["rows"] == []
    # 25 people fill the page and one more shows that a next page exists; the officer is the
    # one other person read (logged in).
    assert len([name for name in people_read if name.startswith("rep")]) == 26
