"""The manager's, compliance's and quiz insight pages in Finnish, and the emails they send.

A browser whose language is Finnish gets each page's interface words in Finnish, with none of
the English ones left; course content (module titles, questions), people's names and stored
audit summaries stay as written, and the CSV exports stay English for whatever reads them.

These tests read the compiled Finnish catalogue (locale/fi/LC_MESSAGES/django.mo), which ships
with the code (`make messages`, then `make compile-messages`, when strings change). The engine's
evidence flags are checked without a database.
"""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation

from courses.certification.engagement import evidence_flags
from courses.certification.services import completion_certify
from courses.curriculum.loading import load_curriculum
from courses.models import Assignment, CompletionRecord, ManagerDigest, Module, Quiz, Reminder
from courses.platform.access import REP
from courses.teams import tasks
from courses.teams.services import assignment_create
from tests.factories import complete_module, take_quiz
from tests.support import FI, finnish, make_user, says

HTMX = {"HTTP_HX_REQUEST": "true"}
NOW = datetime.datetime(2026, 11, 18, 15, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


# An SVG coordinate written with a decimal comma (as Finnish writes numbers) breaks the chart.
COMMA_COORDINATE = re.compile(r'\b(?:x|y|x1|x2|y1|y2|cx|cy|dy|width|height|viewBox)="[^"]*,')


# --- The evidence flags compliance reads: no database. ---


def test_the_evidence_flags_read_as_finnish():
    start = datetime.datetime(2026, 3, 2, 14, 0, tzinfo=datetime.UTC)

    def at(seconds):
        return (start + datetime.timedelta(seconds=seconds)).isoformat()

    rushed = {
        "steps": [
            {"kind": "lesson", "title": "Intro", "minutes": 8, "started_at": at(0)}
            | {"completed_at": at(30)},
            {"kind": "lesson", "title": "Untimed", "minutes": 2, "completed_at": at(40)},
        ],
        "quizzes": [
            {"step": "Check", "started_at": at(50), "submitted_at": at(56), "questions": [{}] * 4}
        ],
        "roleplays": [
            {"step": "Call", "transcript": [{"reply": "a", "seconds": 1}, {"reply": "b"}]}
        ],
    }
    with translation.override("fi"):
        messages = [flag.message for flag in evidence_flags(rushed)]
    assert messages == [
        "Merkitty suoritetuksi 30 s avaamisen jälkeen; lukemiseen kuluu noin 8 min.",
        "Avaamisen ajankohtaa ei ole kirjattu.",
        "4 kysymykseen vastattiin ajassa 6 s: 1,5 s kysymystä kohden.",
        "Vastauksista 1/2 valittiin alle 2 sekunnissa.",
        "Koko moduuliin kului 40 s; arvioitu kesto on 10 min.",
    ]


# --- The pages. ---


@pytest.fixture
def world(db, builder, manager, rep, compliance, django_user_model):
    """Team Alpha (the manager's) with the rep, a required module assigned to the team; the rep
    completed it (waiting for review), Lee holds a certificate for it."""
    builder.course(modules=["module-1"])
    builder.required_module()
    load_curriculum(builder.root)
    module = Module.objects.get()
    with time_machine.travel(NOW - datetime.timedelta(days=20)):
        assignment_create(
            by=manager,
            modules=[module],
            team=manager.managed_teams.get(),
            due_date=TODAY + datetime.timedelta(days=10),
        )
    lee = make_user(django_user_model, "lee", REP, first_name="Lee", last_name="Park")
    with time_machine.travel(NOW - datetime.timedelta(days=2)):
        completion_certify(officer=compliance, record=complete_module(lee, module))
    with time_machine.travel(NOW - datetime.timedelta(days=1)):
        complete_module(rep, module)
    return module


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def officer_client(client, compliance):
    client.force_login(compliance)
    return client


@pytest.mark.django_db
class TestManagerPages:
    def test_the_dashboard_and_its_grid(self, manager_client, world):
        with time_machine.travel(NOW):
            page = finnish(manager_client, reverse("team:dashboard"))
            grid = finnish(manager_client, reverse("team:dashboard"), **HTMX)
        says(
            page,
            ["Tiimin koontinäkymä", "annetuista moduuleista tehty", "Lataa CSV-tiedostona"],
            ["of assigned modules done", "people shown", "Download as CSV", "Only overdue"],
        )
        assert '<div id="grid">' in grid and "<html" not in grid
        says(grid, ["henkilöä näytetään", "100\u00a0% tehty", "määräpäivä"], ["% done", "due "])

    def test_the_team_page(self, manager_client, manager, world):
        team = manager.managed_teams.get()
        with time_machine.travel(NOW):
            page = finnish(manager_client, reverse("team:team", args=[team.pk]))
        says(
            page,
            ["Tiimi Alpha", "Lisää jäsen", "Lisää tiimiin Alpha", "Jäsen"],
            ["Add a member", "Nobody is in this team", "Joined", "Username or email"],
        )

    def test_the_assignments(self, manager_client, world):
        with time_machine.travel(NOW):
            page = finnish(manager_client, reverse("team:assignments"))
        says(
            page,
            ["Anna koulutus tehtäväksi", "Muuta päivää", "Muuta usean tehtävän määräpäivää"],
            ["Change date", "Withdraw…", "Change the ticked assignments", "New due date"],
        )
        assert "Module 1" in page  # course content stays as written

    def test_the_withdrawal_question_in_place(self, manager_client, world):
        assignment = Assignment.objects.get()
        url = reverse("team:assignment-withdraw", args=[assignment.pk])
        with time_machine.travel(NOW):
            question = finnish(manager_client, url, **HTMX)
        says(
            question,
            ["perutaan tiimiltä Alpha (1 jäsen: Rep)", "Kyllä, peru"],
            ["will be withdrawn", "Yes, withdraw", "Cancel, keep it"],
        )

    def test_the_new_assignment_form_with_errors(self, manager_client, manager, world):
        team = manager.managed_teams.get()
        with time_machine.travel(NOW):
            page = finnish(manager_client, reverse("team:assignment-new"))
            says(
                page,
                ["Annettava koulutus", "Määräpäivä", "Anna tehtäväksi"],
                ["Training to assign", "Due date", "People who join the team later"],
            )
            response = manager_client.post(
                reverse("team:assignment-new"),
                {
                    "what": f"module:{world.pk}",
                    "to": f"team:{team.pk}",
                    "due_date": "2020-01-01",
                    "late_joiners": "after",
                    "late_joiner_days": "",
                },
                **FI,
            )
        assert response.status_code == 400
        says(
            response.content.decode(),
            [
                "Määräpäivä ei voi olla menneisyydessä.",
                "Kerro, montako päivää liittymisen jälkeen.",
            ],
            ["cannot be in the past", "Say how many days"],
        )
        assert Assignment.objects.count() == 1  # nothing was assigned

    def test_the_charts(self, manager_client, world):
        with time_machine.travel(NOW):
            page = finnish(manager_client, reverse("team:charts"))
        says(
            page,
            ["Edistymiskaaviot", "Suoritukset ajan mittaan tiimeittäin", "Tilajakauma"],
            ["Completion over time", "Status mix", "The table beside the chart"],
        )
        assert "<svg" in page and not COMMA_COORDINATE.search(page)

    def test_the_person_page_and_a_reminder_sent_in_place(self, manager_client, rep, world):
        with time_machine.travel(NOW):
            page = finnish(manager_client, reverse("team:person", args=[rep.pk]))
            url = reverse("team:remind-now", args=[rep.pk, Assignment.objects.get().pk])
            done = manager_client.post(url, **FI, **HTMX).content.decode()
        says(
            page,
            ["Testien suorituskerrat", "Harjoituspuhelut", "Lähetetyt muistutukset"],
            ["Quiz attempts", "Roleplay calls", "Reminders sent", "No reminders yet"],
        )
        assert "Rep on jo suorittanut moduulin Module 1." in done

    def test_a_message_after_a_change(self, manager_client, manager, rep, world):
        team = manager.managed_teams.get()
        url = reverse("team:member-remove", args=[team.pk, rep.pk])
        with time_machine.travel(NOW):
            page = manager_client.post(url, follow=True, **FI).content.decode()
        says(page, ["Rep poistettiin tiimistä Alpha."], ["left Alpha"])


@pytest.mark.django_db
def test_quiz_insight(manager_client, rep, django_user_model, builder):
    builder.with_quiz()
    load_curriculum(builder.root)
    quiz = Quiz.objects.get()
    take_quiz(rep, quiz, {"registry-permanent"})
    listing = finnish(manager_client, reverse("insights:quizzes"))
    detail = finnish(manager_client, reverse("insights:quiz", args=[quiz.pk]))
    says(
        listing,
        ["Testianalyysi", "pieni otos", "Suorituskerrat"],
        ["small sample", "Attempts", "get wrong, from submitted"],
    )
    says(
        detail,
        ["1 tiimiesi lähettämä suorituskerta", "<strong>Pieni otos:</strong>", "Pistejakauma"],
        ["submitted attempt", "Score distribution", "Share correct", "Discrimination"],
    )
    assert "<svg" in detail and not COMMA_COORDINATE.search(detail)


@pytest.mark.django_db
class TestCompliancePages:
    def test_the_review_queue(self, officer_client, world):
        with time_machine.travel(NOW):
            page = finnish(officer_client, reverse("compliance:queue"))
            results = finnish(officer_client, reverse("compliance:queue"), {"q": "rep"}, **HTMX)
        says(
            page,
            ["Tarkistusjono", "Odottaa tarkistusta", "Sertifioi valitut suoritukset", "Hae"],
            ["Waiting for review", "Certify the selected", "Evidence flags", "Search the queue"],
        )
        says(results, ["Näytetään henkilöt, jotka vastaavat hakua ”rep”."], ["Showing people"])

    def test_a_record_with_its_evidence(self, officer_client, rep, world):
        record = CompletionRecord.objects.get(user=rep)
        with time_machine.travel(NOW):
            page = finnish(officer_client, reverse("compliance:record", args=[record.pk]))
        says(
            page,
            ["Ei näytön varoituksia", "Aika vaiheittain", "Hylkää ja avaa valitut vaiheet"],
            ["No evidence flags", "Time on each step", "Record and decision", "Reject and"],
        )

    def test_certifying_says_so_in_finnish(self, officer_client, rep, world):
        record = CompletionRecord.objects.get(user=rep)
        with time_machine.travel(NOW):
            url = reverse("compliance:certify", args=[record.pk])
            page = officer_client.post(url, {"note": ""}, follow=True, **FI).content.decode()
        says(page, ["Sertifioitu: Module 1, Rep.", "Avaa todistus"], ["Open the certificate"])

    def test_the_report(self, officer_client, world):
        with time_machine.travel(NOW):
            page = finnish(officer_client, reverse("compliance:report"))
            broken = finnish(officer_client, reverse("compliance:report"), {"as_of": "soon"})
        says(
            page,
            ["Sertifiointiraportti", "Lataa koko raportti CSV-tiedostona", "Odottaa"],
            ["Download the full report", "Certified by", "everyone these filters match"],
        )
        for english in ("Team", "Module", "Status"):
            assert f">{english}</label>" not in page, english
        assert "Osa suodattimista on virheellisiä, eikä niitä huomioitu:" in broken

    def test_the_certificates(self, officer_client, world):
        with time_machine.travel(NOW):
            page = finnish(officer_client, reverse("compliance:certificates"))
        says(
            page,
            ["Todistukset", "Myönnetty", "Voimassa", "Lee Park"],
            ["Issued", "Expires", "Search the certificates", "No certificates yet"],
        )

    def test_the_audit_log_translates_actions_and_keeps_summaries(self, officer_client, world):
        with time_machine.travel(NOW):
            page = finnish(officer_client, reverse("compliance:audit"))
        says(
            page,
            ["Tarkastusloki", "Tehtävä annettu", "Suoritus sertifioitu", "Lataa CSV-tiedostona"],
            ["Assignment made", "Completion certified", "No entries match", "Download as CSV"],
        )
        assert "Module 1 certified for Lee Park" in page  # a record, kept as written

    def test_the_csv_exports_stay_english(self, officer_client, world):
        with time_machine.travel(NOW):
            audit = officer_client.get(reverse("compliance:audit-csv"), **FI)
            totals = officer_client.get(reverse("compliance:report-totals-csv"), **FI)
        audit_rows = read_csv(audit)
        assert audit_rows[0][:3] == ["When", "What", "Who"]
        assert {"Assignment made", "Completion certified"} <= {row[1] for row in audit_rows}
        totals_rows = read_csv(totals)
        assert totals_rows[0] == ["Status", "Rows"]
        assert ["All", "2"] in totals_rows and "Pending" in {row[0] for row in totals_rows}


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


# --- The emails, composed in Finnish. ---


@pytest.mark.django_db
def test_a_reminder_and_a_digest_in_finnish(builder, manager, rep):
    builder.simple(modules=1, lessons=1)
    load_curriculum(builder.root)
    due = TODAY - datetime.timedelta(days=3)
    with time_machine.travel(NOW - datetime.timedelta(days=10)):
        (assignment,) = assignment_create(
            by=manager,
            modules=[Module.objects.get()],
            team=manager.managed_teams.get(),
            due_date=due,
        )
    reminder = Reminder.objects.create(
        user=rep, assignment=assignment, kind=Reminder.Kind.OVERDUE, due_date=due, queued_at=NOW
    )
    digest = ManagerDigest.objects.create(manager=manager, week=TODAY, queued_at=NOW)
    with time_machine.travel(NOW), translation.override("fi"):
        to_rep = tasks.reminder_email(reminder.pk)
        to_manager = tasks.digest_email(digest.pk)
    assert to_rep.subject == "Myöhässä: Module 1"
    assert to_rep.body.startswith("Hei Rep,\n")
    assert "Koulutuksesi ”Module 1” määräpäivä oli " in to_rep.body
    assert "eikä se ole vielä valmis." in to_rep.body
    assert "Jatka siitä, mihin jäit:" in to_rep.body
    assert "Sinulle lähetetyt muistutukset löytyvät osoitteesta http" in to_rep.body
    assert "Your training" not in to_rep.body and "Pick up where" not in to_rep.body
    assert to_manager.subject == (
        "Viikon koulutusyhteenveto: myöhässä olevaa koulutusta 1 myyjällä"
    )
    assert "1 myyjälläsi on myöhässä olevaa koulutusta:" in to_manager.body
    assert "Module 1: määräpäivä " in to_manager.body
    assert "vaiheita tehty 0/1" in to_manager.body
    assert "steps done" not in to_manager.body and "See them" not in to_manager.body
    assert not mail.outbox  # composed, not sent
