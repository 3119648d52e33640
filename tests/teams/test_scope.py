"""A manager adds to their teams only the reps an administrator placed in their scope."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps as global_apps
from django.urls import reverse

from courses.models import AuditEntry, ManagerScope, Membership, Team
from courses.teams.selectors import reps_in_scope
from courses.teams.services import OutOfScope, team_member_add
from tests.support import make_user

OUT_OF_SCOPE = "You can add only the reps an administrator has placed in your scope"


@pytest.fixture
def team(manager):
    return manager.managed_teams.get()


@pytest.fixture
def outsider(django_user_model):
    return make_user(django_user_model, "outsider", "Rep")


def members(team):
    return set(Membership.objects.filter(team=team).values_list("user__username", flat=True))


@pytest.mark.django_db
class TestTheAddForm:
    def test_a_rep_in_scope_is_added(self, client, manager, team, outsider):
        ManagerScope.objects.create(manager=manager, rep=outsider)
        client.force_login(manager)
        response = client.post(reverse("team:team", args=[team.pk]), {"person": "OUTSIDER"})
        assert response.status_code == 302
        assert members(team) == {"rep", "outsider"}

    @pytest.mark.parametrize("typed", ["outsider", "outsider@example.com", "other-rep"])
    def test_a_rep_outside_the_scope_is_refused_and_nothing_changes(
        self, client, manager, other_manager, team, outsider, typed
    ):
        client.force_login(manager)
        audit_before = AuditEntry.objects.count()
        response = client.post(reverse("team:team", args=[team.pk]), {"person": typed})
        assert response.status_code == 400
        assert OUT_OF_SCOPE in response.content.decode()
        assert members(team) == {"rep"}
        assert AuditEntry.objects.count() == audit_before

    def test_an_htmx_post_is_refused_the_same_way(self, client, manager, team, outsider):
        client.force_login(manager)
        response = client.post(
            reverse("team:team", args=[team.pk]), {"person": "outsider"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 400
        assert OUT_OF_SCOPE in response.content.decode()
        assert members(team) == {"rep"}

    def test_another_managers_scope_does_not_count(self, client, manager, other_manager, team):
        # other-rep is in the other manager's scope, not in this one's.
        client.force_login(manager)
        client.post(reverse("team:team", args=[team.pk]), {"person": "other-rep"})
        assert members(team) == {"rep"}

    def test_the_page_says_who_can_be_added(self, client, manager, team):
        client.force_login(manager)
        content = client.get(reverse("team:team", args=[team.pk])).content.decode()
        assert "reps an administrator has placed in your scope" in content

    def test_an_unknown_name_reads_as_it_did(self, client, manager, team):
        client.force_login(manager)
        response = client.post(reverse("team:team", args=[team.pk]), {"person": "nobody-here"})
        assert "No active account has that username or email." in response.content.decode()
        assert OUT_OF_SCOPE not in response.content.decode()

    def test_the_page_keeps_its_query_budget(
        self, client, manager, team, outsider, django_assert_max_num_queries
    ):
        ManagerScope.objects.create(manager=manager, rep=outsider)
        client.force_login(manager)
        with django_assert_max_num_queries(25):
            client.post(reverse("team:team", args=[team.pk]), {"person": "outsider"})
        with django_assert_max_num_queries(8):
            client.get(reverse("team:team", args=[team.pk]))


@pytest.mark.django_db
class TestTheService:
    def test_refuses_a_rep_outside_the_scope(self, manager, team, outsider):
        with pytest.raises(OutOfScope):
            team_member_add(by=manager, team=team, user=outsider)
        assert members(team) == {"rep"}

    def test_adds_a_rep_in_scope(self, manager, team, outsider):
        ManagerScope.objects.create(manager=manager, rep=outsider)
        team_member_add(by=manager, team=team, user=outsider)
        assert members(team) == {"rep", "outsider"}

    def test_scope_holds_only_active_reps(self, manager, team, outsider, compliance):
        ManagerScope.objects.create(manager=manager, rep=outsider)
        ManagerScope.objects.create(manager=manager, rep=compliance)  # not a rep
        outsider.is_active = False
        outsider.save()
        assert set(reps_in_scope(manager).values_list("username", flat=True)) == {"rep"}

    def test_leaving_the_scope_leaves_the_team_as_it_is(self, manager, team, rep):
        # Scope is checked when a rep is added; an administrator removes memberships.
        ManagerScope.objects.filter(manager=manager, rep=rep).delete()
        assert members(team) == {"rep"}
        with pytest.raises(OutOfScope):
            team_member_add(by=manager, team=Team.objects.create(name="New"), user=rep)


@pytest.mark.django_db
class TestTheAdmin:
    URL = "/admin/courses/managerscope/"

    def test_an_administrator_places_a_rep_in_scope(self, client, manager, outsider):
        admin = make_user(type(manager), "root", is_staff=True, is_superuser=True)
        client.force_login(admin)
        assert client.get(self.URL).status_code == 200
        response = client.post(
            self.URL + "add/", {"manager": manager.pk, "rep": outsider.pk}, follow=True
        )
        assert response.status_code == 200
        assert ManagerScope.objects.filter(manager=manager, rep=outsider).exists()

    def test_the_admin_offers_only_managers_and_reps(self, client, manager, outsider, compliance):
        admin = make_user(type(manager), "root", is_staff=True, is_superuser=True)
        client.force_login(admin)
        response = client.post(self.URL + "add/", {"manager": compliance.pk, "rep": manager.pk})
        assert response.status_code == 200  # the form again, with its errors
        assert not ManagerScope.objects.filter(manager=compliance).exists()

    def test_a_manager_who_is_staff_cannot_widen_their_own_scope(self, client, manager, outsider):
        manager.is_staff = manager.is_superuser = True
        manager.save()
        client.force_login(manager)
        assert client.get(self.URL).status_code == 403
        response = client.post(self.URL + "add/", {"manager": manager.pk, "rep": outsider.pk})
        assert response.status_code == 403
        assert not ManagerScope.objects.filter(rep=outsider).exists()


@pytest.mark.django_db
def test_the_upgrade_places_todays_members_in_their_managers_scope(
    manager, other_manager, team, rep, other_rep, django_user_model
):
    # Found by its name, whatever number it carries.
    (name,) = [
        path.stem
        for path in Path(importlib.import_module("courses.migrations").__file__).parent.glob("*.py")
        if path.stem.endswith("_manager_scope_with_current_members")
    ]
    migration = importlib.import_module(f"courses.migrations.{name}")
    co_manager = make_user(django_user_model, "co-manager", "Manager")
    team.managers.add(co_manager)
    ManagerScope.objects.all().delete()
    migration.place_current_members_in_scope(global_apps, None)
    migration.place_current_members_in_scope(global_apps, None)  # twice changes nothing
    pairs = set(ManagerScope.objects.values_list("manager__username", "rep__username"))
    assert pairs == {
        ("manager", "rep"),
        ("co-manager", "rep"),
        ("other-manager", "other-rep"),
    }
