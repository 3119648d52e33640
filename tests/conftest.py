import pytest
from django.core.servers.basehttp import WSGIServer
from django.utils import translation

from courses.curriculum.loading import load_curriculum
from courses.models import ManagerScope, Membership, Module, Team
from courses.platform.access import COMPLIANCE, MANAGER, REP
from tests.support import CurriculumBuilder, make_user

# The live server's listen queue holds 10 connections; the concurrency tests open two dozen at
# once, and a connection the queue could not hold was sometimes reset instead of served.
WSGIServer.request_queue_size = 64


@pytest.fixture(autouse=True)
def language_reset():
    """A Finnish request leaves Finnish active in its thread: each test starts from none."""
    yield
    translation.deactivate()


@pytest.fixture
def builder(tmp_path):
    return CurriculumBuilder(tmp_path / "content")


@pytest.fixture
def small_curriculum(db, builder):
    builder.simple(modules=2, lessons=3)
    load_curriculum(builder.root)
    return builder


@pytest.fixture
def required(db, builder):
    """One course with a module required for certification: a lesson, a quiz (all four
    questions drawn) and a roleplay call."""
    builder.course(modules=["module-1"])
    builder.required_module()
    load_curriculum(builder.root)
    return Module.objects.get()


@pytest.fixture
def rep(db, django_user_model):
    return make_user(django_user_model, "rep", REP)


@pytest.fixture
def other_rep(db, django_user_model):
    return make_user(django_user_model, "other-rep", REP)


@pytest.fixture
def manager(db, django_user_model, rep):
    user = make_user(django_user_model, "manager", MANAGER)
    team = Team.objects.create(name="Alpha")
    team.managers.add(user)
    ManagerScope.objects.create(manager=user, rep=rep)
    Membership.objects.create(team=team, user=rep)
    return user


@pytest.fixture
def other_manager(db, django_user_model, other_rep):
    user = make_user(django_user_model, "other-manager", MANAGER)
    team = Team.objects.create(name="Bravo")
    team.managers.add(user)
    ManagerScope.objects.create(manager=user, rep=other_rep)
    Membership.objects.create(team=team, user=other_rep)
    return user


@pytest.fixture
def compliance(db, django_user_model):
    return make_user(django_user_model, "officer", COMPLIANCE)


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


@pytest.fixture(autouse=True)
def empty_caches():
    """Each test starts with empty caches, as a server does when it starts."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
