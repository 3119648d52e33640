"""What the access, CSRF, header and fuzzing tests share: the world's shape (built by the
`world` fixture in conftest.py), a client per role, a snapshot of every table, a savepoint
that undoes a block, and a login attempt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.test import Client
from django.urls import reverse

from courses.models import (
    Assignment,
    Certificate,
    CompletionRecord,
    DrillSession,
    Module,
    QuizAttempt,
    RoleplayRun,
    Team,
)

ROLES = ("anon", "rep", "manager", "other_manager", "compliance", "admin")
NEW_PASSWORD = "a-Long-unusual-passphrase-42"


@dataclass
class World:
    """Two required modules (lesson, quiz, call); the rep has finished both (module 1 certified,
    module 2 waiting for review) and has an open attempt, two open calls and two drill sessions;
    the other rep (in the other manager's team) has a certified module 1 with its own attempts
    and calls."""

    users: dict
    module: Module
    pending_module: Module
    certificate: Certificate
    record: CompletionRecord
    pending_record: CompletionRecord
    attempt: QuizAttempt
    open_attempt: QuizAttempt
    run: RoleplayRun
    open_run: RoleplayRun
    dnc_run: RoleplayRun
    other_attempt: QuizAttempt
    other_run: RoleplayRun
    other_certificate: Certificate
    alpha: Team
    bravo: Team
    assignment: Assignment
    other_assignment: Assignment
    drill: DrillSession  # the rep's, with its first card shown
    drill_answered: DrillSession  # the rep's, its first card answered
    extra: dict = field(default_factory=dict)

    def step(self, kind: str, module=None):
        return (module or self.module).steps.get(kind=kind)

    def step_url(self, name: str, kind: str) -> str:
        return reverse(name, args=[self.module.slug, self.step(kind).slug])

    @property
    def quiz(self):
        return self.step("quiz").quiz


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def client_for(role: str, world: World, **kwargs) -> Client:
    client = Client(**kwargs)
    if role != "anon":
        client.force_login(world.users[role])
    return client


class Rollback:
    """Run a block in a savepoint and undo whatever it wrote: each role (and each fuzzing
    example) meets the same world."""

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def __exit__(self, *exc):
        transaction.set_rollback(True)
        return self.atomic.__exit__(*exc)


EXCLUDED_FROM_SNAPSHOT = {Session}


def snapshot() -> dict:
    """Every row of every table but the sessions: a request that is refused changes none."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in apps.get_models()
        if model not in EXCLUDED_FROM_SNAPSHOT
    }


LOGIN = "/accounts/login/"
LIMIT = settings.AXES_FAILURE_LIMIT


def attempt(client: Client, username: str, password: str = "wrong"):
    return client.post(LOGIN, {"username": username, "password": password})
