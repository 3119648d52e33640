"""generate_org's options and refusals, each on an organisation of its own."""

import csv
from collections import Counter
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.management import CommandError
from django.urls import reverse
from django.utils import timezone

from courses.certification.reports import STATUSES, certification_rows
from courses.curriculum.loading import load_curriculum
from courses.models import (
    Assignment,
    Certificate,
    Module,
    Team,
)
from courses.platform.access import REP
from tests.demo.generated_org import (
    generate,
    managers,
    officer,
    reps,
    required_modules,
    snapshot,
)

User = get_user_model()


@pytest.fixture
def curriculum(db):
    load_curriculum()
    return list(Module.objects.published())


def test_every_fourth_manager_also_manages_the_next_team(curriculum):
    generate(teams=5, reps_per_team=1, seed=3)
    managed = {m.username: sorted(t.name for t in m.managed_teams.all()) for m in managers()}
    teams = sorted(Team.objects.values_list("name", flat=True))
    assert all(len(names) == 1 for user, names in managed.items() if user != "org-manager-04")
    assert len(managed["org-manager-04"]) == 2
    assert sum(len(names) for names in managed.values()) == len(teams) + 1


def test_the_same_seed_gives_the_same_organisation(curriculum):
    generate(teams=2, reps_per_team=3, seed=7, prefix="first")
    generate(teams=2, reps_per_team=3, seed=7, prefix="second")
    generate(teams=2, reps_per_team=3, seed=8, prefix="other")
    first = snapshot("first")
    assert first["attempts"] and first["runs"] and first["completions"] and first["records"]
    assert first == snapshot("second")
    other = snapshot("other")
    assert other["people"] != first["people"]
    assert other["assignments"] != first["assignments"]


def test_an_existing_compliance_officer_with_the_prefix_is_refused(curriculum):
    User.objects.create_user("solo-compliance")
    with pytest.raises(CommandError, match="solo-compliance"):
        generate(teams=1, reps_per_team=2, prefix="solo")
    assert not Team.objects.exists()


def test_refused_without_a_curriculum(db):
    with pytest.raises(CommandError, match="curriculum is not loaded"):
        generate(teams=1, reps_per_team=1)
    assert not User.objects.exists()
    assert not Team.objects.exists()


def test_modules_option_assigns_the_first_modules(curriculum):
    output = generate(teams=2, reps_per_team=2, modules=2, prefix="two")
    slugs = set(
        Assignment.objects.filter(team__isnull=False).values_list("module__slug", flat=True)
    )
    assert slugs == {module.slug for module in curriculum[:2]}
    assert Assignment.objects.filter(team__isnull=False).count() == 4
    assert "two-manager-01" in output
    generate(teams=1, reps_per_team=1, modules=999, prefix="many")
    many = Assignment.objects.filter(team__name__endswith="(many)")
    assert many.count() == len(curriculum)


def test_certificates_expire_only_when_the_record_is_old_enough(curriculum):
    # The shipped modules recertify every 12 months: nothing generated is that old.
    generate(teams=2, reps_per_team=6, seed=6, prefix="yearly")
    assert Certificate.objects.exists()
    assert not Certificate.objects.filter(expires_at__lte=timezone.now()).exists()
    # With a one-month period, some certificates issued soon after an older completion expire.
    Module.objects.filter(required_for_certification=True).update(recertify_after_months=1)
    output = generate(teams=2, reps_per_team=6, seed=6, prefix="monthly")
    now = timezone.now()
    monthly = Certificate.objects.filter(record__user__username__startswith="monthly-")
    expired = monthly.filter(revocation=None, expires_at__lte=now)
    assert expired.exists() and monthly.filter(expires_at__gt=now).exists()
    assert f"expired            {expired.count()}" in output
    for certificate in expired.select_related("record"):
        assert certificate.record.completed_at < certificate.issued_at
        assert certificate.issued_at + relativedelta(months=1) == certificate.expires_at


def test_the_certification_report_csv_has_every_status(curriculum, client):
    # One module recertifies monthly, so that expired certificates exist too.
    Module.objects.filter(slug="do-not-call-lists").update(recertify_after_months=1)
    generate(teams=3, reps_per_team=8, seed=6)
    client.force_login(officer())
    response = client.get(reverse("compliance:report-csv"))
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    header, *rows = list(csv.reader(StringIO(text)))
    status = header.index("Status")
    seen = Counter(row[status] for row in rows)
    expected = Counter(
        row.status
        for row in certification_rows(
            User.objects.filter(groups__name=REP), modules=required_modules(), moment=timezone.now()
        )
    )
    assert seen == expected
    assert set(seen) == set(STATUSES)
    assert len(rows) == reps().count() * len(required_modules())
    # Certified rows name the officer and the certificate.
    person = officer().get_full_name()
    for row in rows:
        if row[status] in ("certified", "expired", "revoked"):
            assert row[header.index("Certified by")] == person
            assert row[header.index("Verification code")]
