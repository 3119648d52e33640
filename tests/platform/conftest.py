"""The world the access, CSRF, header and fuzzing tests meet: built fresh for each test."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from courses.certification.services import completion_certify
from courses.curriculum.loading import load_curriculum
from courses.models import Module, QuizAttempt, ReviewCard, RoleplayRun, Team
from courses.practice.services import drill_answer, drill_start
from courses.quizzes.services import quiz_attempt_start
from courses.roleplays.services import roleplay_run_start
from courses.teams.services import assignment_create
from tests.factories import choose_reply, complete_module
from tests.platform.support import World


@pytest.fixture
def world(builder, rep, other_rep, manager, other_manager, compliance, django_user_model):
    builder.course(modules=["module-1", "module-2"])
    builder.required_module("module-1")
    builder.required_module("module-2")
    load_curriculum(builder.root)
    module = Module.objects.get(slug="module-1")
    pending_module = Module.objects.get(slug="module-2")
    admin = django_user_model.objects.create_superuser("admin", "admin@example.com", "pw")

    record = complete_module(rep, module)
    certificate = completion_certify(officer=compliance, record=record)
    pending_record = complete_module(rep, pending_module)
    other_record = complete_module(other_rep, module)
    other_certificate = completion_certify(officer=compliance, record=other_record)

    quiz = module.steps.get(kind="quiz").quiz
    script = module.steps.get(kind="roleplay").script
    open_attempt = quiz_attempt_start(user=rep, quiz=quiz)
    open_run = roleplay_run_start(user=rep, script=script)
    dnc_run = roleplay_run_start(user=rep, script=script)
    for reply_id in ("opening.1", "objection.3", "stop.1"):  # "do not call me again", honoured
        choose_reply(rep, dnc_run, reply_id)

    drill = drill_start(user=rep, seed=1)
    drill_answered = drill_start(user=rep, seed=2)
    drill_answer(user=rep, session_id=drill_answered.pk, position=0, choice="call")

    alpha = Team.objects.get(name="Alpha")
    bravo = Team.objects.get(name="Bravo")
    due = timezone.localdate() + datetime.timedelta(days=30)
    (assignment,) = assignment_create(by=manager, modules=[module], team=alpha, due_date=due)
    (other_assignment,) = assignment_create(
        by=other_manager, modules=[module], team=bravo, due_date=due
    )
    # One of the rep's review cards, due now (the others wait: the quizzes were passed).
    due_card = ReviewCard.objects.filter(user=rep).order_by("pk").first()
    ReviewCard.objects.filter(pk=due_card.pk).update(
        due=timezone.now() - datetime.timedelta(days=1)
    )
    return World(
        extra={"due_card": due_card},
        users={
            "rep": rep,
            "other_rep": other_rep,
            "manager": manager,
            "other_manager": other_manager,
            "compliance": compliance,
            "admin": admin,
        },
        module=module,
        pending_module=pending_module,
        certificate=certificate,
        record=record,
        pending_record=pending_record,
        attempt=QuizAttempt.objects.filter(user=rep, quiz=quiz, submitted_at__isnull=False)
        .order_by("pk")
        .first(),
        open_attempt=open_attempt,
        run=RoleplayRun.objects.filter(user=rep, script=script, finished_at__isnull=False)
        .order_by("pk")
        .first(),
        open_run=open_run,
        dnc_run=dnc_run,
        other_attempt=QuizAttempt.objects.filter(user=other_rep).first(),
        other_run=RoleplayRun.objects.filter(user=other_rep).first(),
        other_certificate=other_certificate,
        alpha=alpha,
        bravo=bravo,
        assignment=assignment,
        other_assignment=other_assignment,
        drill=drill,
        drill_answered=drill_answered,
    )
