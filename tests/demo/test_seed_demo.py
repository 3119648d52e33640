"""`seed_demo`: the demo accounts and team, with a short summary that ends with the accounts."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from courses.curriculum.loading import load_curriculum
from courses.management.commands.seed_demo import DEMO_ACCOUNTS, DEMO_OVERDUE_MODULE
from courses.models import Assignment, Team

ACCOUNT_LINES = [
    "Demo accounts (for trying the site; never use them in production):",
    "  Rep            username: rep         password: rep-demo-2026",
    "  Manager        username: manager     password: manager-demo-2026",
    "  Compliance     username: compliance  password: compliance-demo-2026",
    "  Administrator  username: admin       password: admin-demo-2026",
]


def seed(**options) -> list[str]:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue().splitlines()


@pytest.fixture
def demo_module(db, builder):
    builder.course(modules=[DEMO_OVERDUE_MODULE])
    builder.module(slug=DEMO_OVERDUE_MODULE, title="Dialing and smiling")
    load_curriculum(builder.root)


@pytest.mark.django_db
class TestSeedDemo:
    def test_a_summary_then_the_accounts_last(self, demo_module):
        lines = seed()
        assert lines[0].startswith(
            "Demo data: 4 accounts created; 'Demo team' is managed by 'manager' and has 'rep' "
            "in it; 'Dialing and smiling' assigned to the team, due "
        )
        assert lines[0].endswith("(overdue).")
        assert lines[1:] == ACCOUNT_LINES
        assert get_user_model().objects.count() == len(DEMO_ACCOUNTS)
        assert Assignment.objects.filter(team__name="Demo team").count() == 1

    def test_the_printed_passwords_log_in(self, client, demo_module):
        seed()
        for username, password, *_ in DEMO_ACCOUNTS:
            response = client.post("/accounts/login/", {"username": username, "password": password})
            assert response.status_code == 302, username
            client.logout()

    def test_again_it_changes_nothing_and_says_so(self, demo_module):
        seed()
        user = get_user_model().objects.get(username="rep")
        user.set_password("changed-by-the-rep-2026")
        user.save()
        lines = seed()
        assert lines[0] == (
            "Demo data: 0 accounts created, 4 already there (their passwords left as they "
            "were); 'Demo team' is managed by 'manager' and has 'rep' in it."
        )
        assert lines[1:] == ACCOUNT_LINES
        assert (
            get_user_model().objects.get(username="rep").check_password("changed-by-the-rep-2026")
        )
        assert Team.objects.count() == 1 and Assignment.objects.count() == 1

    def test_verbosity_2_says_what_happened_to_each(self, demo_module):
        lines = seed(verbosity=2)
        assert lines[:4] == [f"  account {a[0]}: created" for a in DEMO_ACCOUNTS]
        assert lines[4].startswith("  assigned 'Dialing and smiling' assigned to the team")
        assert lines[-5:] == ACCOUNT_LINES
        lines = seed(verbosity=2)
        assert lines[0] == "  account rep: already there, password unchanged"

    def test_without_the_curriculum_nothing_is_assigned(self, db):
        lines = seed()
        assert lines[0].endswith("has 'rep' in it.")
        assert lines[1:] == ACCOUNT_LINES
        assert not Assignment.objects.exists()
