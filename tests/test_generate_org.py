"""The generate_org command: a realistic organisation, made with the real engines."""

import csv
import datetime
from collections import Counter, defaultdict
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone

from courses.certification.reports import STATUSES, certification_rows
from courses.curriculum.loading import load_curriculum
from courses.models import (
    Answer,
    Assignment,
    AttemptQuestion,
    AuditEntry,
    Certificate,
    CompletionRecord,
    Membership,
    Module,
    Quiz,
    QuizAttempt,
    Review,
    Revocation,
    RoleplayRun,
    RunTurn,
    Step,
    StepCompletion,
    Team,
)
from courses.platform.access import COMPLIANCE, MANAGER, REP
from courses.quizzes import scoring
from courses.quizzes.analysis import item_analysis
from courses.roleplays import engine
from courses.teams.selectors import build_grid

User = get_user_model()


def generate(**options):
    out = StringIO()
    call_command("generate_org", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def curriculum(db):
    load_curriculum()
    return list(Module.objects.published())


@pytest.fixture
def org(curriculum):
    """Two teams of five, made once per test."""
    output = generate(teams=2, reps_per_team=5, seed=1)
    return output


def reps(prefix="org"):
    return User.objects.filter(username__startswith=f"{prefix}-rep-").order_by("username")


def managers(prefix="org"):
    return User.objects.filter(username__startswith=f"{prefix}-manager-").order_by("username")


def officer(prefix="org"):
    return User.objects.get(username=f"{prefix}-compliance")


def test_counts(org, curriculum):
    assert Team.objects.count() == 2
    assert managers().count() == 2
    assert reps().count() == 10
    assert User.objects.count() == 13
    assert set(Group.objects.get(name=MANAGER).user_set.all()) == set(managers())
    assert set(Group.objects.get(name=REP).user_set.all()) == set(reps())
    assert list(Group.objects.get(name=COMPLIANCE).user_set.all()) == [officer()]
    assert Membership.objects.count() == 10
    team_assignments = Assignment.objects.filter(team__isnull=False)
    assert team_assignments.count() == 2 * len(curriculum)
    assert Assignment.objects.filter(user__isnull=False).count() >= 1
    assert QuizAttempt.objects.exists()
    assert AttemptQuestion.objects.exists()
    assert Answer.objects.exists()
    assert RoleplayRun.objects.exists()
    assert RunTurn.objects.exists()
    assert StepCompletion.objects.exists()
    for user in User.objects.all():
        assert user.email == f"{user.username}@example.com"
        assert user.check_password("callready-demo")
        assert user.first_name and user.last_name
    assert "callready-demo" in org
    assert f"{Assignment.objects.count()} (" in org
    assert f"quiz attempts      {QuizAttempt.objects.count()}" in org
    assert "compliance         org-compliance" in org
    assert f"completion records {CompletionRecord.objects.count()}" in org
    assert f"certified          {Certificate.objects.count()}" in org
    assert f"rejected           {Review.objects.filter(decision='rejected').count()}" in org
    assert f"pending            {CompletionRecord.objects.filter(review=None).count()}" in org
    assert f"revoked            {Revocation.objects.count()}" in org
    expired = Certificate.objects.filter(revocation=None, expires_at__lte=timezone.now())
    assert f"expired            {expired.count()}" in org


def test_every_rep_is_in_a_team_with_a_manager(org):
    for rep in reps():
        (membership,) = rep.memberships.select_related("team")
        assert membership.team.managers.filter(groups__name=MANAGER).exists()
    for manager in managers():
        assert manager.managed_teams.exists()


def test_every_fourth_manager_also_manages_the_next_team(curriculum):
    generate(teams=5, reps_per_team=1, seed=3)
    managed = {m.username: sorted(t.name for t in m.managed_teams.all()) for m in managers()}
    teams = sorted(Team.objects.values_list("name", flat=True))
    assert all(len(names) == 1 for user, names in managed.items() if user != "org-manager-04")
    assert len(managed["org-manager-04"]) == 2
    assert sum(len(names) for names in managed.values()) == len(teams) + 1


def test_memberships_and_assignments_look_real(org):
    now = timezone.now()
    today = timezone.localdate()
    for membership in Membership.objects.all():
        assert now - datetime.timedelta(days=120) <= membership.joined_at < now
    assert len(set(Membership.objects.values_list("joined_at", flat=True))) == 10
    team_assignments = list(Assignment.objects.filter(team__isnull=False).select_related("team"))
    for assignment in team_assignments:
        assert assignment.assigned_by in assignment.team.managers.all()
        assert assignment.assigned_at < now
    dues = [a.due_date for a in team_assignments]
    assert any(due < today for due in dues)
    assert any(0 <= (due - today).days <= 3 for due in dues)
    assert sum((due - today).days > 3 for due in dues) > len(dues) / 2
    for assignment in Assignment.objects.filter(user__isnull=False):
        team = assignment.user.memberships.get().team
        assert assignment.assigned_by in team.managers.all()
        assert assignment.note


def test_nothing_is_in_the_future(org):
    now = timezone.now()
    stamps = [
        *QuizAttempt.objects.values_list("started_at", flat=True),
        *QuizAttempt.objects.values_list("submitted_at", flat=True),
        *RoleplayRun.objects.values_list("started_at", flat=True),
        *RoleplayRun.objects.values_list("finished_at", flat=True),
        *RunTurn.objects.values_list("chosen_at", flat=True),
        *StepCompletion.objects.values_list("completed_at", flat=True),
        *Assignment.objects.values_list("assigned_at", flat=True),
        *User.objects.values_list("date_joined", flat=True),
        *CompletionRecord.objects.values_list("completed_at", flat=True),
        *Review.objects.values_list("at", flat=True),
        *Certificate.objects.values_list("issued_at", flat=True),
        *Revocation.objects.values_list("at", flat=True),
        *AuditEntry.objects.values_list("at", flat=True),
        *StepCompletion.objects.exclude(voided_at=None).values_list("voided_at", flat=True),
    ]
    assert all(stamp is not None and stamp < now for stamp in stamps)
    # Nobody works on a module before they joined their team.
    joined = dict(Membership.objects.values_list("user_id", "joined_at"))
    for user_id, first in (
        StepCompletion.objects.values("user_id")
        .annotate(first=Min("completed_at"))
        .values_list("user_id", "first")
    ):
        assert first > joined[user_id] - datetime.timedelta(minutes=1)


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


def test_the_same_seed_gives_the_same_organisation(curriculum):
    generate(teams=2, reps_per_team=3, seed=7, prefix="first")
    generate(teams=2, reps_per_team=3, seed=7, prefix="second")
    generate(teams=2, reps_per_team=3, seed=8, prefix="other")
    first = snapshot("first")
    assert first["attempts"] and first["runs"] and first["completions"] and first["records"]
    assert first == snapshot("second")
    other = snapshot("other")
    assert other["people"] != first["people"]
    assert other["assignments"] != first["assignments"]


def test_running_twice_with_the_same_prefix_is_refused(org):
    before = {
        model: model.objects.count()
        for model in (User, Team, Membership, Assignment, QuizAttempt, RoleplayRun, StepCompletion)
    }
    with pytest.raises(CommandError, match="already exist"):
        generate(teams=3, reps_per_team=2, seed=2)
    after = {model: model.objects.count() for model in before}
    assert after == before


def test_an_existing_compliance_officer_with_the_prefix_is_refused(curriculum):
    User.objects.create_user("solo-compliance")
    with pytest.raises(CommandError, match="solo-compliance"):
        generate(teams=1, reps_per_team=2, prefix="solo")
    assert not Team.objects.exists()


def test_refused_without_a_curriculum(db):
    with pytest.raises(CommandError, match="curriculum is not loaded"):
        generate(teams=1, reps_per_team=1)
    assert not User.objects.exists()
    assert not Team.objects.exists()


def test_modules_option_assigns_the_first_modules(curriculum):
    output = generate(teams=2, reps_per_team=2, modules=2, prefix="two")
    slugs = set(
        Assignment.objects.filter(team__isnull=False).values_list("module__slug", flat=True)
    )
    assert slugs == {module.slug for module in curriculum[:2]}
    assert Assignment.objects.filter(team__isnull=False).count() == 4
    assert "two-manager-01" in output
    generate(teams=1, reps_per_team=1, modules=999, prefix="many")
    many = Assignment.objects.filter(team__name__endswith="(many)")
    assert many.count() == len(curriculum)


def test_quiz_attempts_agree_with_the_scoring_engine(org):
    attempts = list(
        QuizAttempt.objects.select_related("quiz__step__module").prefetch_related(
            "items__question__choices", "items__answers__choice"
        )
    )
    assert attempts
    numbers = defaultdict(list)
    for attempt in attempts:
        quiz = attempt.quiz
        numbers[(attempt.user_id, quiz.pk)].append(attempt.number)
        assert attempt.pass_mark == quiz.pass_mark
        assert attempt.content_version == quiz.step.module.content_version
        assert attempt.submitted_at > attempt.started_at
        assert attempt.timed_out is False
        items = list(attempt.items.all())
        bank = quiz.questions.filter(retired_at__isnull=True).count()
        assert [item.position for item in items] == list(range(1, min(quiz.draw_count, bank) + 1))
        questions, answers = [], {}
        for item in items:
            choices = {c.pk: c for c in item.question.choices.all()}
            assert sorted(item.choice_order) == sorted(
                pk for pk, c in choices.items() if c.retired_at is None
            )
            if item.question.kind == "true_false":
                assert [choices[pk].key for pk in item.choice_order] == ["true", "false"]

            def key(pk, choices=choices):
                return choices[pk].key if choices[pk].key in ("true", "false") else str(pk)

            questions.append(
                scoring.Question(
                    key=str(item.pk),
                    kind=scoring.Kind(item.question.kind),
                    choices=tuple(key(pk) for pk in item.choice_order),
                    correct=frozenset(
                        key(pk) for pk in item.choice_order if choices[pk].is_correct
                    ),
                )
            )
            selected = [answer.choice_id for answer in item.answers.all()]
            assert set(selected) <= set(item.choice_order)
            if item.question.kind != "multiple":
                assert len(selected) <= 1
            answers[str(item.pk)] = [key(pk) for pk in selected]
        result = scoring.score_attempt(
            questions,
            answers,
            pass_mark=attempt.pass_mark,
            partial_credit=quiz.partial_credit,
        )
        assert attempt.percent == result.percent
        assert attempt.passed == result.passed
        assert attempt.max_points == result.max_points
        assert float(attempt.points) == round(float(result.points), 3)
        for item, outcome in zip(items, result.questions, strict=True):
            assert item.is_correct == outcome.is_correct
            assert float(item.points) == round(float(outcome.points), 3)
    for (_, _), seen in numbers.items():
        assert sorted(seen) == list(range(1, len(seen) + 1)) and len(seen) <= 3
    # Stored well enough for item analysis.
    quiz = Quiz.objects.get(pk=attempts[0].quiz_id)
    analysis = item_analysis(quiz, QuizAttempt.objects.all())
    assert analysis.attempts >= 1
    assert (
        sum(stats.answered for stats in analysis.questions)
        == AttemptQuestion.objects.filter(attempt__quiz=quiz).count()
    )


def test_there_are_strong_and_weak_results(org):
    assert QuizAttempt.objects.filter(passed=True).exists()
    assert QuizAttempt.objects.filter(passed=False).exists()
    assert RoleplayRun.objects.filter(passed=True).exists()
    assert RoleplayRun.objects.filter(passed=False).exists()


def test_roleplay_runs_replay_through_the_script(org):
    runs = list(RoleplayRun.objects.select_related("script__step__module"))
    assert runs
    for run in runs:
        script = engine.parse_script(run.script_data)
        assert run.script_data == run.script.data
        assert run.content_version == run.script.step.module.content_version
        turns = list(run.turns.order_by("position"))
        assert [t.position for t in turns] == list(range(len(turns)))
        path = [t.reply for t in turns]
        state = engine.start_call(script)
        for turn in turns:
            assert turn.node == state.node
            state = engine.advance(script, state, turn.reply)
        assert engine.replay(script, path) == state
        assert engine.is_over(script, state)
        times = [run.started_at, *(t.chosen_at for t in turns), run.finished_at]
        assert times == sorted(times)
        ended_dnc = script.nodes[state.node].outcome == "dnc_honoured"
        assert (run.dnc_record is not None) == ended_dnc
        if ended_dnc:
            assert set(run.dnc_record) == {"list", "details", "recorded_at"}
            assert run.dnc_record["details"] == sorted(run.dnc_record["details"])
            assert datetime.datetime.fromisoformat(run.dnc_record["recorded_at"]) == (
                run.finished_at
            )
        result = engine.score_path(script, path, dnc_record_of(run))
        assert run.scores == dict(result.scores)
        assert run.total == result.total
        assert run.percent == result.percent
        assert run.passed == result.passed
        assert run.outcome == (result.outcome or "")
        assert run.violation == bool(result.violations)


def test_completions_exist_exactly_for_passed_work_and_read_lessons(org):
    completions = {
        (c.user_id, c.step_id): c for c in StepCompletion.objects.select_related("step__module")
    }
    # Only the steps compliance reopened on rejecting a completion are voided.
    reopened = {
        (review.record.user_id, title): review
        for review in Review.objects.filter(decision="rejected").select_related("record")
        for title in review.redo_steps
    }
    for completion in completions.values():
        assert completion.content_version == completion.step.module.content_version
        review = reopened.get((completion.user_id, completion.step.title))
        if review is not None and completion.step.module_id == review.record.module_id:
            assert completion.voided_at == review.at
            assert completion.void_reason == f"Reopened by compliance: {review.note}"[:300]
        else:
            assert completion.voided_at is None

    passed_quizzes = {}
    for attempt in QuizAttempt.objects.filter(passed=True).select_related("quiz"):
        passed_quizzes[(attempt.user_id, attempt.quiz.step_id)] = attempt.submitted_at
    passed_calls = {}
    for run in RoleplayRun.objects.filter(passed=True).select_related("script"):
        passed_calls[(run.user_id, run.script.step_id)] = run.finished_at
    assert passed_quizzes and passed_calls
    for key, submitted in passed_quizzes.items():
        assert completions[key].completed_at == submitted
    for key, finished in passed_calls.items():
        assert completions[key].completed_at == finished

    # A passed attempt or call is the only way to complete a quiz or a call.
    kinds = dict(Step.objects.values_list("pk", "kind"))
    for user_id, step_id in completions:
        if kinds[step_id] == Step.Kind.QUIZ:
            assert (user_id, step_id) in passed_quizzes
        elif kinds[step_id] == Step.Kind.ROLEPLAY:
            assert (user_id, step_id) in passed_calls
    # After passing, nobody tries again.
    for user_id, quiz_id in QuizAttempt.objects.filter(passed=True).values_list("user", "quiz"):
        assert (
            QuizAttempt.objects.filter(user_id=user_id, quiz_id=quiz_id, passed=True).count() == 1
        )

    # Lessons are read in order; anyone who tried the quiz or a call read every lesson first.
    lessons = defaultdict(list)
    for step in Step.objects.active().filter(kind=Step.Kind.LESSON).order_by("position"):
        lessons[step.module_id].append(step.pk)
    tried = set(QuizAttempt.objects.values_list("user_id", "quiz__step__module_id"))
    tried |= set(RoleplayRun.objects.values_list("user_id", "script__step__module_id"))
    for rep in reps():
        for module_id, steps in lessons.items():
            read = [(rep.pk, step) in completions for step in steps]
            assert read == sorted(read, reverse=True)
            if (rep.pk, module_id) in tried:
                assert all(read)


def test_progress_is_only_on_assigned_modules(org):
    today = timezone.localdate()
    grid = build_grid(reps(), today=today)
    assigned = {(row.person.pk, module_id) for row in grid.rows for module_id in row.cells}
    worked = set(StepCompletion.objects.values_list("user_id", "step__module_id"))
    worked |= set(QuizAttempt.objects.values_list("user_id", "quiz__step__module_id"))
    assert worked <= assigned
    statuses = {str(cell.status) for cell in grid.cells}
    assert {"done", "overdue"} <= statuses


def test_the_team_dashboard_shows_overdue_work(org, client):
    today = timezone.localdate()
    with_overdue = [
        manager
        for manager in managers()
        if build_grid(
            User.objects.filter(memberships__team__managers=manager).distinct(),
            today=today,
            teams=manager.managed_teams.all(),
        ).overdue_count
    ]
    assert with_overdue
    client.force_login(with_overdue[0])
    response = client.get(reverse("team:dashboard"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "cell-overdue" in content
    assert "Overdue" in content


# --- Certification ----------------------------------------------------------------------------


@pytest.fixture
def certified_org(curriculum):
    """Three teams of eight: enough completed required modules for every decision."""
    generate(teams=3, reps_per_team=8, seed=5)


def required_modules():
    return list(Module.objects.published().filter(required_for_certification=True))


def test_the_compliance_officer(org):
    person = officer()
    assert person.groups.filter(name=COMPLIANCE).exists()
    assert person.check_password("callready-demo")
    assert person.email == "org-compliance@example.com"
    assert person.first_name and person.last_name
    assert person.date_joined < timezone.now()
    names = set(User.objects.exclude(pk=person.pk).values_list("first_name", "last_name"))
    assert (person.first_name, person.last_name) not in names


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
    # Only the command's own entries are back-dated.
    before = timezone.now()
    later = AuditEntry.objects.create(action="content.loaded", summary="Later")
    assert later.at >= before


def test_certificates_expire_only_when_the_record_is_old_enough(curriculum):
    # The shipped modules recertify every 12 months: nothing generated is that old.
    generate(teams=2, reps_per_team=6, seed=6, prefix="yearly")
    assert Certificate.objects.exists()
    assert not Certificate.objects.filter(expires_at__lte=timezone.now()).exists()
    # With a one-month period, some certificates issued soon after an older completion expire.
    Module.objects.filter(required_for_certification=True).update(recertify_after_months=1)
    output = generate(teams=2, reps_per_team=6, seed=6, prefix="monthly")
    now = timezone.now()
    monthly = Certificate.objects.filter(record__user__username__startswith="monthly-")
    expired = monthly.filter(revocation=None, expires_at__lte=now)
    assert expired.exists() and monthly.filter(expires_at__gt=now).exists()
    assert f"expired            {expired.count()}" in output
    for certificate in expired.select_related("record"):
        assert certificate.record.completed_at < certificate.issued_at
        assert certificate.issued_at + relativedelta(months=1) == certificate.expires_at


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


def test_the_certification_report_csv_has_every_status(curriculum, client):
    # One module recertifies monthly, so that expired certificates exist too.
    Module.objects.filter(slug="do-not-call-lists").update(recertify_after_months=1)
    generate(teams=3, reps_per_team=8, seed=6)
    client.force_login(officer())
    response = client.get(reverse("compliance:report-csv"))
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    header, *rows = list(csv.reader(StringIO(text)))
    status = header.index("Status")
    seen = Counter(row[status] for row in rows)
    expected = Counter(
        row.status
        for row in certification_rows(
            User.objects.filter(groups__name=REP), modules=required_modules(), moment=timezone.now()
        )
    )
    assert seen == expected
    assert set(seen) == set(STATUSES)
    assert len(rows) == reps().count() * len(required_modules())
    # Certified rows name the officer and the certificate.
    person = officer().get_full_name()
    for row in rows:
        if row[status] in ("certified", "expired", "revoked"):
            assert row[header.index("Certified by")] == person
            assert row[header.index("Verification code")]
