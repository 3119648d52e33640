import csv
import datetime
import io
import tracemalloc

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from courses.certification.engagement import minimum_reading_seconds
from courses.certification.services import (
    CertificationRefused,
    certificate_revoke,
    certificates_expire,
    completion_certify,
    completion_reject,
)
from courses.curriculum.loading import load_curriculum
from courses.models import (
    AppendOnlyError,
    Assignment,
    AuditEntry,
    Certificate,
    CompletionRecord,
    Expiry,
    Module,
    QuizAttempt,
    RoleplayRun,
    StepCompletion,
)
from courses.platform.access import REP
from courses.progress.services import lesson_complete, step_complete, step_open
from tests.factories import CLEAN_CALL, complete_module, play_call
from tests.factories import take_quiz as take
from tests.support import QUIZ, make_user, role_group

START = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)


def finish(user, module, quiz_right=True):
    return complete_module(user, module, quiz_right=quiz_right)


@pytest.fixture
def record(rep, required):
    with time_machine.travel(START, tick=False):
        return finish(rep, required)


@pytest.mark.django_db
class TestCompletionRecords:
    def test_completing_a_required_module_records_its_evidence(self, record, required):
        assert record is not None
        assert record.content_version == required.content_version
        assert record.rules_as_of == datetime.date(2026, 1, 31)
        evidence = record.evidence
        assert [s["title"] for s in evidence["steps"]] == [
            "Intro",
            "Check your understanding",
            "Not interested",
        ]
        (quiz,) = evidence["quizzes"]
        assert quiz["percent"] == "100.0" and len(quiz["questions"]) == 4
        assert {q["citation"] for q in quiz["questions"]} >= {"15 U.S.C. 6155"}
        (call,) = evidence["roleplays"]
        assert call["outcome"] == "meeting_booked"
        assert call["transcript"][0]["feedback"] == "Name, firm and purpose up front."
        entry = AuditEntry.objects.get(action=AuditEntry.Action.MODULE_COMPLETED)
        assert entry.person == record.user and entry.object_id == str(record.pk)

    def test_a_practice_module_makes_no_record(self, rep, builder):
        builder.simple(lessons=1)
        load_curriculum(builder.root)
        step_complete(user=rep, step=Module.objects.get().steps.get())
        assert not CompletionRecord.objects.exists()

    def test_nothing_is_recorded_until_every_step_is_done(self, rep, required):
        for step in required.steps.filter(kind="lesson"):
            step_complete(user=rep, step=step)
        take(rep, required.steps.get(kind="quiz").quiz)
        assert not CompletionRecord.objects.exists()

    def test_evidence_never_changes_even_when_the_content_does(self, record, builder):
        before = record.evidence
        builder.quiz(module="module-1", text=QUIZ.replace("Five years", "Seven years"))
        builder.write(
            "basics/module-1/intro.md",
            "---\ntitle: Renamed\nrules: [fcc-calling-hours]\n---\nNew text.\n",
        )
        load_curriculum(builder.root)
        record.refresh_from_db()
        assert record.evidence == before
        assert record.evidence["steps"][0]["title"] == "Intro"
        record.evidence = {}
        with pytest.raises(AppendOnlyError):
            record.save()
        with pytest.raises(AppendOnlyError):
            CompletionRecord.objects.filter(pk=record.pk).update(evidence={})

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
    def test_the_database_refuses_to_change_records(self, record, compliance):
        completion_certify(officer=compliance, record=record)
        for sql in (
            "UPDATE courses_completionrecord SET evidence = '{}'",
            "DELETE FROM courses_completionrecord",
            "UPDATE courses_certificate SET expires_at = NULL",
            "DELETE FROM courses_review",
        ):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)


@pytest.mark.django_db
class TestReview:
    def test_certify_issues_a_certificate_with_code_and_expiry(self, record, compliance):
        with time_machine.travel(START + datetime.timedelta(days=1), tick=False):
            certificate = completion_certify(officer=compliance, record=record)
        assert len(certificate.code) == 32 and certificate.code.isalnum()
        assert certificate.expires_at == START + datetime.timedelta(days=1) + _months(12)
        assert certificate.certified_by == compliance
        assert AuditEntry.objects.filter(action="completion.certified").count() == 1

    def test_nobody_certifies_their_own_completion(self, compliance, required, client):
        with time_machine.travel(START, tick=False):
            own = finish(compliance, required)
        with pytest.raises(CertificationRefused, match="own completion"):
            completion_certify(officer=compliance, record=own)
        client.force_login(compliance)
        response = client.post(reverse("compliance:certify", args=[own.pk]), follow=True)
        assert "Nobody can review their own completion" in response.content.decode()
        client.post(reverse("compliance:bulk-certify"), {"records": [own.pk]})
        assert not Certificate.objects.exists()

    def test_a_record_is_reviewed_once(self, record, compliance, django_user_model):
        second = make_user(django_user_model, "second-officer", "Compliance")
        completion_certify(officer=compliance, record=record)
        with pytest.raises(CertificationRefused, match="already been reviewed"):
            completion_certify(officer=second, record=record)
        with pytest.raises(CertificationRefused, match="already been reviewed"):
            completion_reject(
                officer=second, record=record, note="x", redo_steps=[record.module.steps.first()]
            )
        assert Certificate.objects.count() == 1

    def test_reject_reopens_the_chosen_steps_and_tells_the_rep(
        self, record, compliance, rep_client, rep, required
    ):
        quiz_step = required.steps.get(kind="quiz")
        completion_reject(
            officer=compliance,
            record=record,
            note="Retake the quiz: you guessed.",
            redo_steps=[quiz_step],
        )
        assert not StepCompletion.objects.live().filter(user=rep, step=quiz_step).exists()
        assert StepCompletion.objects.filter(
            user=rep, step=quiz_step, voided_at__isnull=False
        ).exists()
        assert StepCompletion.objects.live().filter(user=rep).count() == 2
        home = rep_client.get(reverse("learner:home")).content.decode()
        assert "Rejected: redo required" in home
        assert "Compliance asks you to redo: Check your understanding." in home
        assert "Retake the quiz: you guessed." in home
        module_page = rep_client.get(
            reverse("learner:module", args=[required.slug])
        ).content.decode()
        assert "Compliance asks you to redo: Check your understanding." in module_page
        # Redoing the step makes a new record for review.
        take(rep, quiz_step.quiz)
        assert CompletionRecord.objects.filter(user=rep).count() == 2
        home = rep_client.get(reverse("learner:home")).content.decode()
        assert "Awaiting review" in home and "Rejected: redo required" not in home

    def test_the_rep_sees_where_certification_stands(
        self, record, compliance, rep_client, required
    ):
        module_url = reverse("learner:module", args=[required.slug])
        for page in (reverse("learner:home"), module_url):
            content = rep_client.get(page).content.decode()
            assert "Awaiting review" in content
            assert "Compliance reviews the evidence of your work" in content
        certificate = completion_certify(officer=compliance, record=record)
        for page in (reverse("learner:home"), module_url):
            content = rep_client.get(page).content.decode()
            assert "Awaiting review" not in content
            assert ">Certified</span>" in content
            assert reverse("certificates:detail", args=[certificate.code]) in content

    def test_reject_needs_a_note(self, record, compliance, client):
        client.force_login(compliance)
        response = client.post(
            reverse("compliance:reject", args=[record.pk]), {"note": "", "steps": []}
        )
        assert response.status_code == 400
        assert not hasattr(CompletionRecord.objects.get(pk=record.pk), "review")

    def test_queue_evidence_and_bulk_certify(self, client, compliance, required, django_user_model):
        people = [make_user(django_user_model, f"r{i}", "Rep") for i in range(3)]
        with time_machine.travel(START, tick=False):
            records = [finish(p, required) for p in people]
        client.force_login(compliance)
        queue = client.get(reverse("compliance:queue")).content.decode()
        assert 'Waiting for review <span class="muted">(3)</span>' in queue
        evidence = client.get(reverse("compliance:record", args=[records[0].pk])).content.decode()
        assert "Answer given" in evidence and "Rule: 15 U.S.C. 6155" in evidence
        assert "Name, firm and purpose up front." in evidence
        tampered = client.post(
            reverse("compliance:bulk-certify"), {"records": [records[0].pk, "x"]}, follow=True
        )
        assert "nothing was certified" in tampered.content.decode()
        assert not Certificate.objects.exists()
        client.post(reverse("compliance:bulk-certify"), {"records": [r.pk for r in records[:2]]})
        assert Certificate.objects.count() == 2


def rushed(user, module):
    """The module done as fast as the site allows: lessons at their minimum reading time, the
    quiz at 3 s a question and every call reply in 1 s."""
    steps = list(module.steps.active().order_by("position"))
    at = timezone.now() - datetime.timedelta(hours=1)
    for step in steps:
        if step.kind == "lesson":
            step_open(user=user, step=step, now=at)
            at += datetime.timedelta(seconds=minimum_reading_seconds(step.minutes))
            lesson_complete(user=user, step=step, now=at)
        elif step.kind == "quiz":
            at = take(user, step.quiz, at=at, seconds_per_question=3).submitted_at
        else:
            at = play_call(user, step.script, CLEAN_CALL, at=at, seconds_per_reply=1).finished_at
    return CompletionRecord.objects.get(user=user, module=module)


@pytest.mark.django_db
class TestEvidenceOfEngagement:
    def test_honest_work_is_not_flagged(self, record):
        assert record.flags == []
        lesson = record.evidence["steps"][0]
        assert lesson["started_at"] and lesson["minutes"] == 1

    def test_rushed_work_is_flagged_on_the_record_page(self, client, rep, compliance, required):
        record = rushed(rep, required)
        assert {flag.kind for flag in record.flags} == {"quiz-fast", "reply-fast", "module-fast"}
        client.force_login(compliance)
        page = client.get(reverse("compliance:record", args=[record.pk])).content.decode()
        assert "Evidence flags (3)" in page
        assert "4 questions answered in 12 s: 3.0 s a question." in page
        assert "2 of 2 replies chosen in under 2 s." in page
        assert 'class="reply-fast"' in page
        assert "Note (required: why is the flagged work sound?)" in page
        # The evidence comes first, the decision beside it.
        assert page.index("Evidence flags") < page.index("Certify</button>")

    def test_flagged_work_is_certified_only_with_a_note(self, client, rep, compliance, required):
        record = rushed(rep, required)
        client.force_login(compliance)
        refused = client.post(reverse("compliance:certify", args=[record.pk]), follow=True)
        assert "Its evidence is flagged (3:" in refused.content.decode()
        assert not Certificate.objects.exists()
        note = "Watched the rep redo the call live; the answers show the rules are understood."
        client.post(reverse("compliance:certify", args=[record.pk]), {"note": note})
        certificate = Certificate.objects.get()
        entry = AuditEntry.objects.get(action=AuditEntry.Action.CERTIFIED)
        assert entry.details["note"] == note and len(entry.details["flags"]) == 3
        assert certificate.record == record

    def test_bulk_certify_covers_only_unflagged_records(
        self, client, compliance, required, django_user_model
    ):
        honest = [make_user(django_user_model, f"honest{i}", "Rep") for i in range(2)]
        hasty = make_user(django_user_model, "hasty", "Rep")
        records = [finish(person, required) for person in honest] + [rushed(hasty, required)]
        client.force_login(compliance)
        queue = client.get(reverse("compliance:queue")).content.decode()
        assert "3 flags" in queue
        assert f'value="{records[2].pk}"' not in queue  # no checkbox for the flagged one
        response = client.post(
            reverse("compliance:bulk-certify"), {"records": [r.pk for r in records]}, follow=True
        )
        content = response.content.decode()
        assert "Certified 2 completions." in content
        for certificate in Certificate.objects.all():
            assert f'href="/certificates/{certificate.code}/"' in content
        assert "Its evidence is flagged" in content
        assert set(Certificate.objects.values_list("record", flat=True)) == {
            records[0].pk,
            records[1].pk,
        }


@pytest.mark.django_db
class TestWhoSeesWhat:
    COMPLIANCE_PAGES = [
        ("compliance:queue", []),
        ("compliance:certificates", []),
        ("compliance:audit", []),
        ("compliance:audit-csv", []),
        ("compliance:report", []),
        ("compliance:report-csv", []),
    ]

    @pytest.mark.parametrize("name, args", COMPLIANCE_PAGES)
    def test_reps_and_managers_are_refused(self, client, rep, manager, name, args):
        for person in (rep, manager):
            client.force_login(person)
            assert client.get(reverse(name, args=args)).status_code == 403

    def test_reps_and_managers_cannot_decide(self, client, record, rep, manager):
        for person in (rep, manager):
            client.force_login(person)
            assert client.post(reverse("compliance:certify", args=[record.pk])).status_code == 403
            assert client.get(reverse("compliance:record", args=[record.pk])).status_code == 403
        assert not Certificate.objects.exists()

    def test_anonymous_goes_to_login(self, client, record):
        response = client.get(reverse("compliance:queue"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_certificate_page_for_holder_manager_and_compliance_only(
        self, client, record, compliance, rep, manager, other_manager, other_rep
    ):
        certificate = completion_certify(officer=compliance, record=record)
        url = reverse("certificates:detail", args=[certificate.code])
        for person, status in [
            (rep, 200),
            (manager, 200),
            (compliance, 200),
            (other_manager, 404),
            (other_rep, 404),
        ]:
            client.force_login(person)
            assert client.get(url).status_code == status, person
        client.force_login(rep)
        page = client.get(url).content.decode()
        assert "Certificate of completion" in page
        assert (
            "-<wbr>".join(f'<span class="code-group">{g}</span>' for g in certificate.code_groups)
            in page
        )
        assert "https://callready.test/verify/" + certificate.code in page
        assert "Revoke" not in page


@pytest.mark.django_db
class TestVerification:
    def test_anyone_can_verify_without_logging_in(self, client, record, compliance):
        certificate = completion_certify(officer=compliance, record=record)
        response = client.get(reverse("verify:code", args=[certificate.code]))
        content = response.content.decode()
        assert response.status_code == 200
        assert "is <strong>valid</strong>" in content
        assert "Rep" in content and record.module.title in content
        assert "rep@example.com" not in content and "content version" not in content.lower()

    def test_the_form_accepts_the_printed_code_with_dashes(self, client, record, compliance):
        certificate = completion_certify(officer=compliance, record=record)
        response = client.get(
            reverse("verify:form"), {"code": certificate.display_code.lower()}, follow=True
        )
        assert "is <strong>valid</strong>" in response.content.decode()

    @pytest.mark.parametrize(
        "code", ["WRONGCODEWRONGCODEWRONGCODEWRONG0", "abc", "%27OR1=1", "A" * 60]
    )
    def test_wrong_codes_get_the_same_plain_not_found(self, client, record, compliance, code):
        completion_certify(officer=compliance, record=record)
        response = client.get(reverse("verify:code", args=[code]))
        assert response.status_code == 404
        assert "was not found. Check the code and try again." in response.content.decode()

    def test_revocation_shows_on_the_verification_page(self, client, record, compliance):
        certificate = completion_certify(officer=compliance, record=record)
        client.force_login(compliance)
        response = client.post(
            reverse("compliance:certificate-revoke", args=[certificate.code]),
            {"reason": "Evidence found to be shared."},
        )
        assert response.status_code == 302
        client.logout()
        content = client.get(reverse("verify:code", args=[certificate.code])).content.decode()
        assert "is <strong>revoked</strong>" in content
        with pytest.raises(CertificationRefused, match="already been revoked"):
            certificate_revoke(officer=compliance, certificate=certificate, reason="again")

    def test_revoking_needs_a_reason(self, client, record, compliance):
        certificate = completion_certify(officer=compliance, record=record)
        client.force_login(compliance)
        client.post(
            reverse("compliance:certificate-revoke", args=[certificate.code]), {"reason": " "}
        )
        assert not hasattr(Certificate.objects.get(), "revocation")


def _months(n):
    from dateutil.relativedelta import relativedelta

    return relativedelta(months=n)


@pytest.mark.django_db
class TestExpiry:
    def test_near_expiry_is_flagged_to_rep_manager_and_compliance(
        self, client, record, compliance, rep, manager
    ):
        with time_machine.travel(START, tick=False):
            certificate = completion_certify(officer=compliance, record=record)
        with time_machine.travel(certificate.expires_at - datetime.timedelta(days=10)):
            for person, text in [
                (rep, "expires on"),
                (manager, "Certificates expiring in the next 30 days"),
                (compliance, "expires"),
            ]:
                client.force_login(person)
                url = {
                    rep: "learner:home",
                    manager: "team:dashboard",
                    compliance: "compliance:queue",
                }[person]
                content = client.get(reverse(url)).content.decode()
                assert text in content and record.module.title in content

    def test_at_expiry_it_expires_once_and_is_assigned_again(self, client, record, compliance, rep):
        with time_machine.travel(START, tick=False):
            certificate = completion_certify(officer=compliance, record=record)
        after = certificate.expires_at + datetime.timedelta(hours=1)
        with time_machine.travel(after, tick=False):
            assert certificates_expire() == 1
            assert certificates_expire() == 0
            content = client.get(reverse("verify:code", args=[certificate.code])).content.decode()
        assert "is <strong>expired</strong>" in content
        expiry = Expiry.objects.get()
        assert expiry.assignment.user == rep and expiry.assignment.module == record.module
        assert expiry.assignment.due_date == after.date() + datetime.timedelta(days=30)
        assert not StepCompletion.objects.live().filter(user=rep).exists()
        assert AuditEntry.objects.filter(action="certificate.expired").count() == 1

    def test_revoked_certificates_are_not_reassigned_at_expiry(self, record, compliance):
        with time_machine.travel(START, tick=False):
            certificate = completion_certify(officer=compliance, record=record)
            certificate_revoke(officer=compliance, certificate=certificate, reason="Misconduct")
        with time_machine.travel(certificate.expires_at + datetime.timedelta(days=1)):
            assert certificates_expire() == 0


@pytest.mark.django_db
class TestRecertification:
    def test_a_material_change_lets_compliance_require_recertification(
        self, client, record, compliance, rep, builder, required
    ):
        # Certified today: the queue and the recertification read it at the real time.
        certificate = completion_certify(officer=compliance, record=record)
        module_file = builder.root / "basics/module-1/module.yaml"
        module_file.write_text(
            module_file.read_text()
            + "material_version: 2\nmaterial_note: The hours rule changed.\n"
        )
        load_curriculum(builder.root)
        client.force_login(compliance)
        queue = client.get(reverse("compliance:queue")).content.decode()
        assert "1 certificate on an older version" in queue
        due = timezone.localdate() + datetime.timedelta(days=14)
        response = client.post(
            reverse("compliance:recertify", args=[required.pk]),
            {"due_date": due.isoformat(), "reason": "Calling hours changed."},
        )
        assert response.status_code == 302
        assert Assignment.objects.filter(user=rep, module=required, due_date=due).exists()
        assert not StepCompletion.objects.live().filter(user=rep).exists()
        end_of_due = timezone.make_aware(datetime.datetime.combine(due, datetime.time(23, 0)))
        certificate.refresh_from_db()
        assert certificate.status_at(end_of_due) == "valid"
        assert certificate.status_at(end_of_due + datetime.timedelta(hours=2)) == "superseded"
        assert AuditEntry.objects.filter(action="certificate.recertification_required").exists()


@pytest.mark.django_db
class TestAuditLog:
    def test_compliance_browses_filters_and_exports(self, client, record, compliance):
        completion_certify(officer=compliance, record=record)
        client.force_login(compliance)
        page = client.get(
            reverse("compliance:audit"), {"action": "completion.certified"}
        ).content.decode()
        assert "certified for Rep" in page and "completed Module 1" not in page
        response = client.get(reverse("compliance:audit-csv"))
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][:3] == ["When", "What", "Who"]
        assert {"Completion certified", "Module completed"} <= {row[1] for row in rows[1:]}


@pytest.mark.django_db
class TestCertificationReport:
    def test_statuses_and_as_of_a_past_day(
        self, client, required, compliance, rep, django_user_model
    ):
        make_user(django_user_model, "idle", "Rep")
        with time_machine.travel(START, tick=False):
            record = finish(rep, required)
        with time_machine.travel(START + datetime.timedelta(days=2), tick=False):
            certificate = completion_certify(officer=compliance, record=record)
        with time_machine.travel(START + datetime.timedelta(days=40), tick=False):
            certificate_revoke(officer=compliance, certificate=certificate, reason="Shared answers")
        client.force_login(compliance)

        def statuses(**params):
            response = client.get(reverse("compliance:report-csv"), params)
            rows = list(
                csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
            )
            return {row[1]: row[4] for row in rows[1:]}

        assert statuses() == {"rep": "revoked", "idle": "missing"}
        assert statuses(as_of="2026-03-03")["rep"] == "pending"
        assert statuses(as_of="2026-03-10")["rep"] == "certified"
        assert statuses(as_of="2026-03-01")["rep"] == "missing"
        assert statuses(status="missing") == {"idle": "missing"}
        assert "Idle" in client.get(reverse("compliance:report")).content.decode()

    def test_csv_is_safe_against_formula_injection(
        self, client, required, compliance, django_user_model
    ):
        make_user(django_user_model, "evil", "Rep", last_name='=HYPERLINK("x")')
        client.force_login(compliance)
        response = client.get(reverse("compliance:report-csv"))
        rows = list(
            csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        )
        (evil,) = [row for row in rows if row[1] == "evil"]
        assert evil[0] == 'Evil =HYPERLINK("x")'
        make_user(django_user_model, "evil2", "Rep", first_name="@SUM(1)")
        response = client.get(reverse("compliance:report-csv"))
        rows = list(
            csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        )
        (evil2,) = [row for row in rows if row[1] == "evil2"]
        assert evil2[0].startswith("'@SUM(1)")

    def test_the_export_streams_100000_rows_in_constant_memory(
        self, client, required, compliance, django_user_model
    ):

        rep_group = role_group(REP)
        people = django_user_model.objects.bulk_create(
            django_user_model(username=f"bulk{i:06d}", first_name="Bulk", last_name=f"{i:06d}")
            for i in range(100_000)
        )
        django_user_model.groups.through.objects.bulk_create(
            django_user_model.groups.through(user_id=p.pk, group_id=rep_group.pk) for p in people
        )
        if connection.vendor == "postgresql":
            # As after any bulk import: let the planner know how big the tables now are.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE auth_user; ANALYZE auth_user_groups;")
        client.force_login(compliance)
        response = client.get(reverse("compliance:report-csv"))
        assert response.streaming
        tracemalloc.start()
        rows = 0
        peak_after_first_chunk = None
        for chunk in response.streaming_content:
            rows += chunk.count(b"\n")
            if rows == 5000:
                peak_after_first_chunk = tracemalloc.get_traced_memory()[1]
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert rows == 100_000 + 1  # and the header
        # Memory does not grow with the rows: the peak over 100,000 rows stays within a
        # small margin of the peak over the first 5,000.
        assert peak < peak_after_first_chunk + 4 * 1024 * 1024


@pytest.mark.django_db
def test_queue_and_report_query_counts_do_not_grow(
    client, required, compliance, django_user_model, django_assert_max_num_queries
):
    client.force_login(compliance)
    for size in (2, 20):
        for i in range(size):
            person = make_user(django_user_model, f"q{size}-{i}", "Rep")
            with time_machine.travel(START, tick=False):
                finish(person, required)
        with django_assert_max_num_queries(10):
            client.get(reverse("compliance:queue"))
        with django_assert_max_num_queries(10):
            client.get(reverse("compliance:report"))
    assert QuizAttempt.objects.count() == 22 and RoleplayRun.objects.count() == 22
