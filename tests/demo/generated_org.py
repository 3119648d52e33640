"""Making organisations with generate_org, and reading back what a seed decided."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from courses.curriculum.loading import load_curriculum
from courses.models import (
    Assignment,
    AttemptQuestion,
    CompletionRecord,
    Membership,
    Module,
    QuizAttempt,
    RoleplayRun,
    StepCompletion,
)
from courses.roleplays import engine

User = get_user_model()


def generate(**options):
    out = StringIO()
    call_command("generate_org", stdout=out, **options)
    return out.getvalue()


def reps(prefix="org"):
    return User.objects.filter(username__startswith=f"{prefix}-rep-").order_by("username")


def managers(prefix="org"):
    return User.objects.filter(username__startswith=f"{prefix}-manager-").order_by("username")


def officer(prefix="org"):
    return User.objects.get(username=f"{prefix}-compliance")


def required_modules():
    return list(Module.objects.published().filter(required_for_certification=True))


def dnc_record_of(run):
    if not run.dnc_record:
        return None
    return engine.DncRecord(run.dnc_record["list"], frozenset(run.dnc_record["details"]))


def snapshot(prefix):
    """What a seed decides, with the prefix taken out of the usernames."""

    def name(user):
        return user.username.removeprefix(prefix)

    return {
        "people": [
            (name(u), u.first_name, u.last_name)
            for u in User.objects.filter(username__startswith=f"{prefix}-").order_by("username")
        ],
        "teams": sorted(
            (name(m.user), m.team.name.removesuffix(f" ({prefix})"))
            for m in Membership.objects.filter(user__username__startswith=f"{prefix}-")
        ),
        "assignments": sorted(
            (
                a.module.slug,
                a.team.name.removesuffix(f" ({prefix})") if a.team else name(a.user),
                a.due_date,
                a.late_joiner_days,
                name(a.assigned_by),
            )
            for a in Assignment.objects.filter(assigned_by__username__startswith=f"{prefix}-")
        ),
        "attempts": sorted(
            (name(a.user), a.quiz.step.module.slug, a.number, a.percent, a.passed, a.points)
            for a in QuizAttempt.objects.filter(user__username__startswith=f"{prefix}-")
        ),
        "items": sorted(
            (name(i.attempt.user), i.attempt.quiz_id, i.attempt.number, i.position, i.question.key)
            for i in AttemptQuestion.objects.filter(
                attempt__user__username__startswith=f"{prefix}-"
            ).select_related("attempt__user", "question")
        ),
        "runs": sorted(
            (name(r.user), r.script.step.slug, r.number, r.total, r.outcome, r.passed)
            for r in RoleplayRun.objects.filter(user__username__startswith=f"{prefix}-")
        ),
        "completions": sorted(
            (name(c.user), c.step_id, c.voided_at is None)
            for c in StepCompletion.objects.filter(user__username__startswith=f"{prefix}-")
        ),
        "records": sorted(
            (
                name(r.user),
                r.module.slug,
                r.review.decision if hasattr(r, "review") else "pending",
                r.review.note if hasattr(r, "review") else "",
                r.review.redo_steps if hasattr(r, "review") else [],
                r.certificate.revocation.reason
                if hasattr(r, "certificate") and hasattr(r.certificate, "revocation")
                else "",
            )
            for r in CompletionRecord.objects.filter(
                user__username__startswith=f"{prefix}-"
            ).select_related("user", "module", "review", "certificate__revocation")
        ),
    }


def shared_organisation(name: str, **options):
    """A fixture making one organisation for every test of a module, read by them all.

    The organisation is made once, in a transaction held open for the module and rolled back at
    its end; each test runs inside it and its own changes are rolled back as usual.
    """

    @pytest.fixture(scope="module", name=name)
    def organisation(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            load_curriculum()
            yield generate(**options)
            transaction.set_rollback(True)

    return organisation
