"""The two reads every signed-in request makes, written out in SQL (courses.platform.sessions
and courses.platform.backends): they must answer exactly as Django's own would, on SQLite and
on PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from courses.platform.access import COMPLIANCE, MANAGER, REP, roles_of
from courses.platform.backends import RoleAwareBackend
from courses.platform.sessions import SessionStore
from tests.support import role_group

pytestmark = pytest.mark.django_db


def saved_session(**data) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    return store.session_key


def test_a_live_session_reads_back_what_was_saved():
    key = saved_session(colour="blue", count=3)
    assert SessionStore(key).load() == {"colour": "blue", "count": 3}
    # The same row read by Django's own engine gives the same answer.
    assert DjangoSessionStore(key).load() == {"colour": "blue", "count": 3}


def test_an_expired_session_is_empty_and_its_key_forgotten():
    key = saved_session(colour="blue")
    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


def test_an_unknown_or_hostile_key_is_empty_and_changes_nothing():
    saved_session(colour="blue")
    for key in ["a" * 32, "x' OR '1'='1", "%s", "'; DELETE FROM django_session; --"]:
        store = SessionStore(key)
        assert store.load() == {}
        assert store.session_key is None
    assert Session.objects.count() == 1


def test_a_session_that_expires_signs_the_user_out(client, rep):
    client.force_login(rep)
    assert client.get(reverse("learner:home")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("learner:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_request_user_comes_with_exactly_their_roles(
    django_user_model, django_assert_num_queries
):
    both = django_user_model.objects.create_user("both", password="pw")
    both.groups.add(role_group(MANAGER), role_group(COMPLIANCE))
    both.groups.add(Group.objects.create(name="Book club"))  # not a role
    none = django_user_model.objects.create_user("none", password="pw", first_name="Nora")
    backend = RoleAwareBackend()

    with django_assert_num_queries(1):
        user = backend.get_user(both.pk)
        assert roles_of(user) == {MANAGER, COMPLIANCE}
    loaded = backend.get_user(none.pk)
    assert roles_of(loaded) == frozenset()
    assert (loaded.username, loaded.first_name) == ("none", "Nora")
    # Every field as the ORM reads it, datetimes included.
    plain = django_user_model.objects.get(pk=none.pk)
    for field in django_user_model._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(plain, field.attname), field.name
    assert loaded.date_joined.tzinfo is not None


def test_a_missing_or_deactivated_user_is_nobody(django_user_model):
    gone = django_user_model.objects.create_user("gone", password="pw")
    gone.groups.add(role_group(REP))
    backend = RoleAwareBackend()
    gone.is_active = False
    gone.save()
    assert backend.get_user(gone.pk) is None
    assert backend.get_user(gone.pk + 1000) is None


def test_a_role_taken_away_is_gone_on_the_next_request(client, manager):
    client.force_login(manager)
    assert client.get(reverse("team:dashboard")).status_code == 200
    manager.groups.remove(role_group(MANAGER))
    assert client.get(reverse("team:dashboard")).status_code == 403
