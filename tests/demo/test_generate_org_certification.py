"""generate_org's certification: records, reviews, certificates and revocations."""

from collections import Counter, defaultdict

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from courses.certification.selectors import audit_chain_verdict
from courses.certification.services import audit_record
from courses.models import (
    AuditEntry,
    Certificate,
    CompletionRecord,
    QuizAttempt,
    Review,
    Revocation,
    RoleplayRun,
    Step,
    StepCompletion,
)
from tests.demo.generated_org import (
    officer,
    reps,
    required_modules,
    shared_organisation,
)

User = get_user_model()

_certified = shared_organisation("certified_output", teams=3, reps_per_team=8, seed=5)


@pytest.fixture
def certified_org(certified_output, db):
    """Three teams of eight: enough completed required modules for every decision."""
    return certified_output


def test_records_exist_exactly_for_fully_completed_required_modules(certified_org):
    required = required_modules()
    assert required
    done = defaultdict(dict)  # (user, module) -> step id -> completion, voided or not
    for completion in StepCompletion.objects.select_related("step"):
        done[(completion.user_id, completion.step.module_id)][completion.step_id] = completion
    records = Counter(CompletionRecord.objects.values_list("user_id", "module_id"))
    assert records and set(records.values()) == {1}
    expected = set()
    for rep in reps():
        for module in required:
            steps = {step.pk for step in module.steps.active()}
            if set(done[(rep.pk, module.pk)]) == steps:
                expected.add((rep.pk, module.pk))
    assert set(records) == expected
    for record in CompletionRecord.objects.select_related("module"):
        completions = done[(record.user_id, record.module_id)].values()
        assert record.completed_at == max(c.completed_at for c in completions)
        assert record.content_version == record.module.content_version
        evidence = record.evidence
        assert [s["title"] for s in evidence["steps"]] == list(
            record.module.steps.active().order_by("position").values_list("title", flat=True)
        )
        # The evidence is the passing attempt and call, with what was answered and said.
        for quiz in evidence["quizzes"]:
            attempt = QuizAttempt.objects.get(pk=quiz["attempt_id"])
            assert attempt.user_id == record.user_id and attempt.passed
            assert quiz["questions"] and all(q["choices"] for q in quiz["questions"])
        for call in evidence["roleplays"]:
            run = RoleplayRun.objects.get(pk=call["run_id"])
            assert run.user_id == record.user_id and run.passed
            assert len(call["transcript"]) == run.turns.count() + 1
        kinds = Counter(step.kind for step in record.module.steps.active())
        assert len(evidence["quizzes"]) == kinds[Step.Kind.QUIZ]
        assert len(evidence["roleplays"]) == kinds[Step.Kind.ROLEPLAY]


def test_decisions_are_a_realistic_mix(certified_org):
    now = timezone.now()
    records = CompletionRecord.objects.count()
    certified = Certificate.objects.count()
    rejected = Review.objects.filter(decision="rejected").count()
    pending = CompletionRecord.objects.filter(review=None).count()
    revoked = Revocation.objects.count()
    assert records >= 20
    assert certified + rejected + pending == records
    assert Review.objects.filter(decision="certified").count() == certified
    assert 0.55 <= certified / records <= 0.8
    assert 1 <= rejected <= 0.2 * records
    assert pending >= 1 and revoked >= 1
    # What waits for review is mostly recent work.
    waiting = CompletionRecord.objects.filter(review=None).values_list("completed_at", flat=True)
    decided = CompletionRecord.objects.exclude(review=None).values_list("completed_at", flat=True)
    assert max(waiting) > min(decided)
    assert sorted(waiting)[len(waiting) // 2] > sorted(decided)[len(decided) // 2]

    for review in Review.objects.select_related("record__module"):
        assert review.record.completed_at < review.at < now
        if review.decision == "rejected":
            quiz = review.record.module.steps.active().get(kind=Step.Kind.QUIZ)
            assert review.redo_steps == [quiz.title]
            assert "retake the quiz" in review.note
            voided = StepCompletion.objects.get(user=review.record.user, step=quiz)
            assert voided.voided_at == review.at
            assert not StepCompletion.objects.live().filter(user=review.record.user, step=quiz)
    for certificate in Certificate.objects.select_related("record__module", "record__review"):
        months = certificate.record.module.recertify_after_months
        assert certificate.issued_at == certificate.record.review.at
        assert certificate.expires_at == certificate.issued_at + relativedelta(months=months)
    for revocation in Revocation.objects.select_related("certificate"):
        certificate = revocation.certificate
        assert certificate.issued_at < revocation.at < now
        assert revocation.at < certificate.expires_at
        assert revocation.reason


def test_certificates_belong_to_reps_and_are_signed_by_the_officer(certified_org):
    person = officer()
    rep_ids = set(reps().values_list("pk", flat=True))
    certificates = list(Certificate.objects.select_related("record", "certified_by"))
    assert certificates
    for certificate in certificates:
        assert certificate.record.user_id in rep_ids
        assert certificate.certified_by == person
    assert set(Review.objects.values_list("officer", flat=True)) == {person.pk}
    assert set(Revocation.objects.values_list("by", flat=True)) == {person.pk}


def test_the_audit_log_tells_when_things_happened(certified_org):
    entries = {
        (entry.action, entry.object_type, entry.object_id): entry
        for entry in AuditEntry.objects.all()
    }
    for record in CompletionRecord.objects.all():
        entry = entries[("module.completed", "completionrecord", str(record.pk))]
        assert entry.at == record.completed_at
        assert entry.actor_id == record.user_id
    for review in Review.objects.filter(decision="rejected"):
        assert entries[("completion.rejected", "completionrecord", str(review.record_id))].at == (
            review.at
        )
    for certificate in Certificate.objects.all():
        entry = entries[("completion.certified", "certificate", str(certificate.pk))]
        assert entry.at == certificate.issued_at
    for revocation in Revocation.objects.all():
        entry = entries[("certificate.revoked", "certificate", str(revocation.certificate_id))]
        assert entry.at == revocation.at
    # The back-dated entries still make one unbroken chain, and only the command's own entries
    # are back-dated.
    assert audit_chain_verdict().intact
    before = timezone.now()
    later = audit_record(actor=None, action=AuditEntry.Action.CONTENT_LOADED, summary="Later")
    assert later.at >= before
    assert audit_chain_verdict().intact


def test_the_compliance_queue_lists_the_pending_records(certified_org, client):
    pending = list(CompletionRecord.objects.filter(review=None).select_related("user", "module"))
    assert pending
    client.force_login(officer())
    response = client.get(reverse("compliance:queue"))
    assert response.status_code == 200
    content = response.content.decode()
    assert f'Waiting for review <span class="muted">({len(pending)})</span>' in content
    for record in pending:
        assert reverse("compliance:record", args=[record.pk]) in content
        assert record.user.get_full_name() in content
