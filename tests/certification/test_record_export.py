"""A person's training record, downloaded by compliance as JSON and as a PDF: what the person
did, as the database holds it, each download written to the audit log."""

import datetime
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from courses.certification.records import SCHEMA
from courses.certification.selectors import audit_chain_verdict
from courses.certification.services import certificate_revoke, completion_certify
from courses.curriculum.loading import load_curriculum
from courses.models import AuditEntry, Module, QuizAttempt, RoleplayRun
from courses.platform.numbers import percent
from tests.factories import CLEAN_CALL, complete_module, play_call, take_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(builder, rep, manager, compliance):
    """The rep (team Alpha) completed and was certified on module 1, whose certificate was then
    revoked; failed the quiz of module 2 once, then completed it (waiting for review)."""
    rep.first_name, rep.last_name = "Dana", "Okafor"
    rep.save()
    builder.course(modules=["module-1", "module-2"])
    builder.required_module("module-1")
    builder.required_module("module-2")
    load_curriculum(builder.root)
    first, second = Module.objects.order_by("slug")
    earlier = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=3)
    record = complete_module(rep, first, ended_at=earlier)
    certificate = completion_certify(officer=compliance, record=record)
    certificate_revoke(officer=compliance, certificate=certificate, reason="Shared answers")
    quiz = second.steps.get(kind="quiz").quiz
    wrong = list(quiz.questions.values_list("key", flat=True))
    take_quiz(rep, quiz, wrong, at=earlier + datetime.timedelta(hours=1))
    pending = complete_module(rep, second)
    return {"record": record, "certificate": certificate, "pending": pending}


def export(client, who, person, kind="json"):
    client.force_login(who)
    return client.post(reverse(f"compliance:record-{kind}", args=[person.pk]))


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())  # a cell's text may wrap


class TestTheJsonRecord:
    def test_it_holds_what_the_person_did(self, client, compliance, rep, history):
        response = export(client, compliance, rep)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert 'attachment; filename="training-record-rep-' in response["Content-Disposition"]
        data = json.loads(response.content)

        assert data["schema"] == SCHEMA == "callready.training-record/1"
        assert data["person"] == {"name": "Dana Okafor", "username": "rep", "teams": ["Alpha"]}
        assert data["generated_by"] == {"name": "Officer", "username": "officer"}
        assert datetime.datetime.fromisoformat(data["generated_at"])

        record, pending = history["record"], history["pending"]
        assert [c["module"] for c in data["completions"]] == ["module-1", "module-2"]
        first, second = data["completions"]
        assert first["content_version"] == record.content_version
        assert first["evidence"] == record.evidence
        assert first["review"]["decision"] == "certified"
        assert second["review"] is None and second["evidence"] == pending.evidence

        attempts = QuizAttempt.objects.filter(user=rep).order_by("submitted_at")
        assert [(a["module"], a["number"], a["passed"]) for a in data["quiz_attempts"]] == [
            ("module-1", 1, True),
            ("module-2", 1, False),
            ("module-2", 2, True),
        ]
        assert [a["score_percent"] for a in data["quiz_attempts"]] == [
            float(a.percent) for a in attempts
        ]
        runs = RoleplayRun.objects.filter(user=rep).order_by("finished_at")
        assert [
            (r["module"], r["score_percent"], r["ended_early"]) for r in data["roleplay_calls"]
        ] == [(run.script.step.module.slug, run.percent, run.ended_early) for run in runs]

        (certificate,) = data["certificates"]
        assert certificate["code"] == history["certificate"].code
        assert certificate["status"] == "revoked"
        assert certificate["revoked"]["reason"] == "Shared answers"

    def test_a_person_with_nothing_done_gets_an_empty_record(self, client, compliance, other_rep):
        data = json.loads(export(client, compliance, other_rep).content)
        assert data["person"]["teams"] == []
        assert data["completions"] == data["quiz_attempts"] == data["roleplay_calls"] == []
        assert data["certificates"] == []

    def test_each_download_is_written_to_the_audit_log(self, client, compliance, rep, history):
        before = AuditEntry.objects.count()
        export(client, compliance, rep, "json")
        export(client, compliance, rep, "pdf")
        entries = AuditEntry.objects.filter(action=AuditEntry.Action.RECORD_EXPORTED)
        assert AuditEntry.objects.count() == before + 2
        assert sorted(e.details["format"] for e in entries) == ["JSON", "PDF"]
        assert {(e.actor, e.person) for e in entries} == {(compliance, rep)}
        assert audit_chain_verdict().intact


class TestThePdfRecord:
    def test_it_prints_the_same_facts(self, client, compliance, rep, history):
        response = export(client, compliance, rep, "pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].endswith('.pdf"')
        text = pdf_text(response.content)
        data = json.loads(export(client, compliance, rep).content)
        assert "Training record" in text and "Dana Okafor (rep)" in text and "Alpha" in text
        for completion in data["completions"]:
            assert completion["module_title"] in text
        for attempt in data["quiz_attempts"]:
            assert percent(attempt["score_percent"], None) in text
        for call in data["roleplay_calls"]:
            assert percent(call["score_percent"], None) in text
        # The code in its groups, a line broken only between two of them.
        assert history["certificate"].display_code in re.sub(r"-\s+", "-", text)
        assert "Revoked" in text and "“Shared answers”" in text
        assert "Waiting for review" in text  # module 2


class TestWhoMayDownload:
    @pytest.mark.parametrize("kind", ["json", "pdf"])
    def test_reps_and_managers_are_refused(self, client, rep, manager, kind):
        for who in (rep, manager):
            assert export(client, who, rep, kind).status_code == 403
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.RECORD_EXPORTED).exists()

    def test_anonymous_visitors_are_sent_to_log_in(self, client, rep):
        response = client.post(reverse("compliance:record-json", args=[rep.pk]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_a_tampered_person_id_is_not_found_and_nothing_is_logged(self, client, compliance):
        before = AuditEntry.objects.count()
        for kind in ("json", "pdf"):
            client.force_login(compliance)
            assert (
                client.post(reverse(f"compliance:record-{kind}", args=[987654])).status_code == 404
            )
        assert client.post("/compliance/people/abc/record.json").status_code == 404
        assert AuditEntry.objects.count() == before

    def test_a_get_is_refused(self, client, compliance, rep):
        client.force_login(compliance)
        assert client.get(reverse("compliance:record-json", args=[rep.pk])).status_code == 405


class TestTheRecordPage:
    def test_the_evidence_page_offers_both_downloads(self, client, compliance, rep, history):
        client.force_login(compliance)
        page = client.get(reverse("compliance:record", args=[history["pending"].pk])).content
        page = page.decode()
        assert reverse("compliance:record-json", args=[rep.pk]) in page
        assert reverse("compliance:record-pdf", args=[rep.pk]) in page
        assert "Download record (JSON)" in page and "Download record (PDF)" in page


def test_the_queries_do_not_grow_with_the_work_done(
    client, compliance, rep, history, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as few:
        export(client, compliance, rep)
    module = Module.objects.get(slug="module-2")
    quiz, script = module.steps.get(kind="quiz").quiz, module.steps.get(kind="roleplay").script
    for _ in range(12):
        take_quiz(rep, quiz)
        play_call(rep, script, CLEAN_CALL)
    with django_assert_max_num_queries(len(few)):
        data = json.loads(export(client, compliance, rep).content)
    assert len(data["quiz_attempts"]) == 15 and len(data["roleplay_calls"]) == 14
    with django_assert_max_num_queries(len(few)):
        assert export(client, compliance, rep, "pdf").status_code == 200
