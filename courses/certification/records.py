"""A person's training record, for a regulator or for the person: who they are, the modules they
completed (with the evidence frozen at completion and compliance's review), their quiz attempts,
their roleplay calls and their certificates.

`training_record` reads it in a fixed number of queries, however much the person has done; the
JSON export is that record as it stands, and the PDF prints it (templates/compliance/
record_export.html).
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder

from courses.models import CompletionRecord, QuizAttempt, RoleplayRun, Team
from courses.platform.people import display_name

SCHEMA = "callready.training-record/1"


def _percent(value: Decimal | int | None) -> float | None:
    return float(value) if value is not None else None


def _completion(record: CompletionRecord) -> dict:
    review = getattr(record, "review", None)
    return {
        "module": record.module.slug,
        "module_title": record.module.title,
        "content_version": record.content_version,
        "material_version": record.material_version,
        "rules_as_of": record.rules_as_of,
        "completed_at": record.completed_at,
        "review": None
        if review is None
        else {
            "decision": review.decision,
            "at": review.at,
            "officer": display_name(review.officer),
            "note": review.note,
        },
        "evidence": record.evidence,
    }


def _certificate(record: CompletionRecord, now: datetime.datetime) -> dict | None:
    certificate = getattr(record, "certificate", None)
    if certificate is None:
        return None
    revocation = getattr(certificate, "revocation", None)
    return {
        "code": certificate.code,
        "module": record.module.slug,
        "module_title": record.module.title,
        "issued_at": certificate.issued_at,
        "expires_at": certificate.expires_at,
        "status": certificate.status_at(now).value,
        "revoked": None
        if revocation is None
        else {"at": revocation.at, "reason": revocation.reason},
    }


def _attempt(attempt: QuizAttempt) -> dict:
    step = attempt.quiz.step
    return {
        "module": step.module.slug,
        "quiz": step.title,
        "number": attempt.number,
        "started_at": attempt.started_at,
        "submitted_at": attempt.submitted_at,
        "score_percent": _percent(attempt.percent),
        "passed": attempt.passed,
        "timed_out": attempt.timed_out,
        "content_version": attempt.content_version,
    }


def _call(run: RoleplayRun) -> dict:
    step = run.script.step
    return {
        "module": step.module.slug,
        "script": step.title,
        "number": run.number,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "score_percent": _percent(run.percent),
        "passed": run.passed,
        "violation": run.violation,
        "ended_early": run.ended_early,
        "outcome": run.outcome,
        "content_version": run.content_version,
    }


def training_record(
    *, person: AbstractBaseUser, generated_by: AbstractBaseUser, now: datetime.datetime
) -> dict:
    """Everything the person did that counts toward their training, oldest first. Four queries:
    teams, completions (with reviews and certificates), quiz attempts, roleplay calls."""
    teams = list(
        Team.objects.filter(memberships__user=person)
        .order_by("name")
        .values_list("name", flat=True)
    )
    records = list(
        CompletionRecord.objects.filter(user=person)
        .select_related(
            "module",
            "review__officer",
            "certificate__revocation",
            "certificate__supersession",
        )
        .order_by("completed_at", "pk")
    )
    attempts = (
        QuizAttempt.objects.submitted()
        .filter(user=person)
        .select_related("quiz__step__module")
        .order_by("submitted_at", "pk")
    )
    calls = (
        RoleplayRun.objects.finished()
        .filter(user=person)
        .select_related("script__step__module")
        .defer("script_data", "dnc_record", "script__data", "script__best")
        .order_by("finished_at", "pk")
    )
    return {
        "schema": SCHEMA,
        "generated_at": now,
        "generated_by": {
            "name": display_name(generated_by),
            "username": generated_by.get_username(),
        },
        "person": {
            "name": display_name(person),
            "username": person.get_username(),
            "teams": teams,
        },
        "completions": [_completion(record) for record in records],
        "quiz_attempts": [_attempt(attempt) for attempt in attempts],
        "roleplay_calls": [_call(run) for run in calls],
        "certificates": [c for record in records if (c := _certificate(record, now)) is not None],
    }


def as_json(record: dict) -> str:
    """The record as the JSON file: moments in ISO 8601, keys in a stable order."""
    return json.dumps(record, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def filename(record: dict, extension: str) -> str:
    day = record["generated_at"].date().isoformat()
    return f"training-record-{record['person']['username']}-{day}.{extension}"
