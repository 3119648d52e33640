"""Writing the audit log: every service that changes something an auditor cares about calls this.

Certification: completion records with their evidence, review, certificates, revocation,
expiry and required recertification. Every decision is a new row and an audit entry.
"""

import datetime
import hashlib
from dataclasses import asdict

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.certification import chain

# The dashboard and the learner home page import it from here.
from courses.models import (
    Assignment,
    AuditEntry,
    Certificate,
    CompletionRecord,
    Expiry,
    Module,
    QuizAttempt,
    RecertificationRequest,
    Review,
    Revocation,
    RoleplayRun,
    Step,
    StepCompletion,
    Supersession,
)
from courses.platform.people import display_name
from courses.progress.read_model import refresh
from courses.quizzes.selectors import shown_questions
from courses.roleplays.selectors import run_exchanges
from courses.teams.models import validate_due_date

# Any number: the key of PostgreSQL's transaction lock that lets one writer at a time extend
# the audit chain.
CHAIN_LOCK = 0x43524155  # "CRAU"


# Inside a caller's transaction it takes no savepoint: an error in it fails the caller's whole
# transaction, and no caller carries on after one.
@transaction.atomic(savepoint=False)
def audit_record(
    *,
    actor,
    action: AuditEntry.Action,
    summary: str,
    person=None,
    team=None,
    module=None,
    obj=None,
    details: dict | None = None,
    at=None,
) -> AuditEntry:
    """Log what happened; `at` is when it happened (now, unless the caller says otherwise).

    The entry extends the hash chain (`chain.py`). Writers take turns: on PostgreSQL through a
    transaction-level advisory lock, on SQLite through the write lock that every transaction
    takes when it begins (IMMEDIATE, see settings). The unique sequence number refuses a fork
    should anything get past them.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    head = AuditEntry.objects.order_by("-sequence").values("sequence", "hash").first()
    sequence, previous = (head["sequence"] + 1, head["hash"]) if head else (1, chain.GENESIS)
    entry = AuditEntry(
        sequence=sequence,
        at=at or timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        summary=summary[:500],
        person=person,
        team_name=team.name if team is not None else "",
        module_slug=module.slug if module is not None else "",
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        details=chain.as_stored(details),
    )
    entry.hash = chain.link_hash(previous, chain_row(entry))
    entry.save(force_insert=True)
    return entry


def chain_row(entry: AuditEntry) -> dict:
    return {name: getattr(entry, name) for name in chain.FIELDS}


Action = AuditEntry.Action

# After an expiry or a required recertification, the module is due again this many days later.
RECERTIFY_WITHIN_DAYS = 30


class CertificationRefused(Exception):
    """The decision is not allowed; the message says why."""


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def quiz_evidence(attempt: QuizAttempt) -> dict:
    return {
        "step": attempt.quiz.step.title,
        "attempt_id": attempt.pk,
        "number": attempt.number,
        "started_at": _iso(attempt.started_at),
        "submitted_at": _iso(attempt.submitted_at),
        "percent": str(attempt.percent),
        "pass_mark": attempt.pass_mark,
        "content_version": attempt.content_version,
        "questions": [asdict(q) | {"points": str(q.points)} for q in shown_questions(attempt)],
    }


def roleplay_evidence(run: RoleplayRun) -> dict:
    view, exchanges = run_exchanges(run)
    return {
        "step": run.script.step.title,
        "run_id": run.pk,
        "number": run.number,
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "percent": run.percent,
        "outcome": run.outcome,
        "outcome_label": run.outcome_label,
        "scores": run.scores,
        "best": dict(view.script.best),
        "content_version": run.content_version,
        "dnc_record": run.dnc_record,
        "transcript": [
            {
                "prospect": x.prospect,
                "reply": x.reply.text,
                "feedback": x.reply.feedback,
                "citation": x.reply.citation,
                "violation": x.reply.violation,
                "seconds": x.seconds,
            }
            for x in exchanges
        ]
        + [{"prospect": view.script.nodes[view.state.node].prospect}],
    }


def module_evidence(user, module: Module, steps: list[Step], completions) -> dict:
    """A snapshot of everything that shows the module was completed, frozen into the record."""
    by_step = {c.step_id: c for c in completions}
    evidence = {
        "module": {
            "slug": module.slug,
            "title": module.title,
            "content_version": module.content_version,
            "rules_as_of": module.rules_as_of.isoformat(),
            "material_version": module.material_version,
        },
        "steps": [
            {
                "title": step.title,
                "kind": step.kind,
                "minutes": step.minutes,
                "started_at": _iso(by_step[step.pk].started_at),
                "completed_at": _iso(by_step[step.pk].completed_at),
                "content_version": by_step[step.pk].content_version,
            }
            for step in steps
        ],
        "quizzes": [],
        "roleplays": [],
    }
    for step in steps:
        if step.kind == Step.Kind.QUIZ:
            attempt = (
                QuizAttempt.objects.filter(user=user, quiz__step=step, passed=True)
                .select_related("quiz__step")
                .order_by("-submitted_at")
                .first()
            )
            if attempt is not None:
                evidence["quizzes"].append(quiz_evidence(attempt))
        elif step.kind == Step.Kind.ROLEPLAY:
            run = (
                RoleplayRun.objects.filter(user=user, script__step=step, passed=True)
                .select_related("script__step")
                .order_by("-finished_at")
                .first()
            )
            if run is not None:
                evidence["roleplays"].append(roleplay_evidence(run))
    return evidence


def completion_record_if_complete(*, user, module: Module, now=None) -> CompletionRecord | None:
    """Make the completion record when `user` has just completed a required module."""
    if not module.required_for_certification:
        return None
    steps = list(module.steps.active().order_by("position"))
    completions = list(StepCompletion.objects.live().filter(user=user, step__in=steps))
    if not steps or len(completions) < len(steps):
        return None
    cycle = hashlib.sha256(
        ",".join(str(c.pk) for c in sorted(completions, key=lambda c: c.pk)).encode()
    ).hexdigest()
    try:
        with transaction.atomic():
            record = CompletionRecord.objects.create(
                user=user,
                module=module,
                completed_at=max(c.completed_at for c in completions),
                content_version=module.content_version,
                rules_as_of=module.rules_as_of,
                material_version=module.material_version,
                evidence=module_evidence(user, module, steps, completions),
                cycle=cycle,
            )
    except IntegrityError:
        return None  # already recorded, by this or a simultaneous request
    audit_record(
        actor=user,
        action=Action.MODULE_COMPLETED,
        summary=f"{display_name(user)} completed {module.title} (awaiting certification)",
        person=user,
        module=module,
        obj=record,
        details={"content_version": module.content_version},
        at=now,
    )
    return record


def _check_reviewable(officer, record: CompletionRecord) -> None:
    if record.user_id == officer.pk:
        raise CertificationRefused(_("Nobody can review their own completion."))
    if Review.objects.filter(record=record).exists():
        raise CertificationRefused(_("This completion has already been reviewed."))


def _create_review(**fields) -> Review:
    try:
        with transaction.atomic():
            return Review.objects.create(**fields)
    except IntegrityError:
        raise CertificationRefused(_("This completion has already been reviewed.")) from None


@transaction.atomic
def completion_certify(
    *, officer, record: CompletionRecord, note: str = "", now=None
) -> Certificate:
    """Certify a completion. One whose evidence is flagged (work done too fast to be real) is
    certified only with a note saying why: never in bulk, never without a look."""
    now = now or timezone.now()
    _check_reviewable(officer, record)
    flags = record.flags
    if flags and not note.strip():
        values = {"count": len(flags), "flag": flags[0].message.rstrip(".")}
        if len(flags) > 1:
            message = _(
                "Its evidence is flagged (%(count)s: %(flag)s; …). Open it, and certify with a "
                "note saying why the work is sound, or reject it."
            )
        else:
            message = _(
                "Its evidence is flagged (%(count)s: %(flag)s). Open it, and certify with a "
                "note saying why the work is sound, or reject it."
            )
        raise CertificationRefused(message % values)
    _create_review(
        record=record, decision=Review.Decision.CERTIFIED, officer=officer, note=note, at=now
    )
    months = record.module.recertify_after_months
    certificate = Certificate.objects.create(
        record=record,
        issued_at=now,
        expires_at=now + relativedelta(months=months) if months else None,
        certified_by=officer,
    )
    audit_record(
        actor=officer,
        action=Action.CERTIFIED,
        summary=f"{record.module.title} certified for {display_name(record.user)}",
        person=record.user,
        module=record.module,
        obj=certificate,
        details={
            "record": record.pk,
            "content_version": record.content_version,
            "expires_at": _iso(certificate.expires_at),
            "note": note,
            "flags": [flag.message for flag in flags],
        },
        at=now,
    )
    return certificate


def _void(user, steps, reason: str, now) -> int:
    voided = (
        StepCompletion.objects.live()
        .filter(user=user, step__in=steps)
        .update(voided_at=now, void_reason=reason[:300])
    )
    for module_id in {step.module_id for step in steps}:
        refresh(user_id=user.pk, module_id=module_id)
    return voided


@transaction.atomic
def completion_reject(
    *, officer, record: CompletionRecord, note: str, redo_steps: list[Step], now=None
) -> Review:
    """Reject with a note; the chosen steps are reopened so the rep can redo them."""
    now = now or timezone.now()
    if not note.strip():
        raise CertificationRefused(_("Say in a note what the rep must redo and why."))
    if not redo_steps:
        raise CertificationRefused(_("Choose at least one step for the rep to redo."))
    _check_reviewable(officer, record)
    review = _create_review(
        record=record,
        decision=Review.Decision.REJECTED,
        officer=officer,
        note=note,
        redo_steps=[step.title for step in redo_steps],
        at=now,
    )
    _void(record.user, redo_steps, f"Reopened by compliance: {note}", now)
    audit_record(
        actor=officer,
        action=Action.REJECTED,
        summary=f"{record.module.title} rejected for {display_name(record.user)}: {note}",
        person=record.user,
        module=record.module,
        obj=record,
        details={"redo": review.redo_steps, "note": note},
        at=now,
    )
    return review


@transaction.atomic
def certificate_revoke(*, officer, certificate: Certificate, reason: str, now=None) -> Revocation:
    now = now or timezone.now()
    if not reason.strip():
        raise CertificationRefused(_("Give the reason for revoking the certificate."))
    try:
        with transaction.atomic():
            revocation = Revocation.objects.create(
                certificate=certificate, by=officer, reason=reason, at=now
            )
    except IntegrityError:
        raise CertificationRefused(_("This certificate has already been revoked.")) from None
    record = certificate.record
    audit_record(
        actor=officer,
        action=Action.REVOKED,
        summary=(
            f"Certificate for {record.module.title} ({display_name(record.user)}) revoked: {reason}"
        ),
        person=record.user,
        module=record.module,
        obj=certificate,
        details={"reason": reason},
        at=now,
    )
    return revocation


def _reassign(user, module: Module, due: datetime.date, now, reason: str) -> Assignment:
    assignment = Assignment.objects.create(
        module=module, user=user, due_date=due, note=reason, assigned_by=None, assigned_at=now
    )
    _void(user, module.steps.all(), reason, now)
    audit_record(
        actor=None,
        action=Action.ASSIGNMENT_CREATED,
        summary=(
            f"{module.title} assigned again to {display_name(user)}, due {due:%Y-%m-%d}: {reason}"
        ),
        person=user,
        module=module,
        obj=assignment,
        details={"due_date": due.isoformat(), "note": reason},
        at=now,
    )
    return assignment


def certificates_expire(*, now=None) -> int:
    """Process certificates whose expiry has passed: each once, each reassigned to its holder."""
    now = now or timezone.now()
    due = timezone.localdate(now) + datetime.timedelta(days=RECERTIFY_WITHIN_DAYS)
    expired = Certificate.objects.filter(
        expires_at__lte=now, expiry__isnull=True, revocation__isnull=True
    ).select_related("record__module", "record__user")
    count = 0
    for certificate in expired:
        record = certificate.record
        with transaction.atomic():
            if Expiry.objects.filter(certificate=certificate).exists():
                continue
            assignment = _reassign(
                record.user, record.module, due, now, "Certificate expired: recertify."
            )
            try:
                with transaction.atomic():
                    Expiry.objects.create(
                        certificate=certificate, processed_at=now, assignment=assignment
                    )
            except IntegrityError:
                transaction.set_rollback(True)  # processed by someone else meanwhile
                continue
            audit_record(
                actor=None,
                action=Action.EXPIRED,
                summary=(
                    f"Certificate for {record.module.title} ({display_name(record.user)}) expired"
                ),
                person=record.user,
                module=record.module,
                obj=certificate,
                details={"expired_at": _iso(certificate.expires_at), "assignment": assignment.pk},
                at=now,
            )
            count += 1
    return count


def outdated_certificates(module: Module, *, now=None):
    """Certificates of `module` valid at `now` (by default, now) and issued on an older
    material version of its content."""
    now = now or timezone.now()
    return (
        Certificate.objects.filter(
            record__module=module,
            record__material_version__lt=module.material_version,
            revocation__isnull=True,
            supersession__isnull=True,
        )
        .exclude(expires_at__lte=now)
        .select_related("record__user")
    )


@transaction.atomic
def recertification_require(
    *, officer, module: Module, due_date: datetime.date, reason: str, now=None
) -> RecertificationRequest:
    """Everyone certified on an older material version must recertify by `due_date`.

    Their certificates stay valid until the end of that day; the module is assigned to each of
    them again and their completed steps are reopened.
    """
    now = now or timezone.now()
    if not reason.strip():
        raise CertificationRefused(_("Say why recertification is required."))
    try:
        validate_due_date(due_date, today=timezone.localdate(now))
    except ValidationError as refused:
        raise CertificationRefused(refused.messages[0]) from None
    request = RecertificationRequest.objects.create(
        module=module,
        material_version=module.material_version,
        by=officer,
        reason=reason,
        due_date=due_date,
        at=now,
    )
    ends_at = timezone.make_aware(
        datetime.datetime.combine(due_date + datetime.timedelta(days=1), datetime.time.min)
    )
    affected = list(outdated_certificates(module, now=now))
    for certificate in affected:
        user = certificate.record.user
        assignment = _reassign(user, module, due_date, now, f"Recertification required: {reason}")
        Supersession.objects.create(
            certificate=certificate, request=request, ends_at=ends_at, assignment=assignment
        )
    audit_record(
        actor=officer,
        action=Action.RECERTIFICATION_REQUIRED,
        summary=(
            f"Recertification of {module.title} required by {due_date:%Y-%m-%d} for "
            f"{len(affected)} certified person(s): {reason}"
        ),
        module=module,
        obj=request,
        details={"material_version": module.material_version, "certificates": len(affected)},
        at=now,
    )
    return request


def certificate_status(certificate: Certificate, now=None) -> str:
    return certificate.status_at(now or timezone.now())
