"""The rep's learning pages in Finnish: My training, the catalogue, a module, a lesson, a quiz
and its result, the Rules page, a certificate and its verification page, asked for by a browser
whose language is Finnish. Each page says its interface words in Finnish, and none of the
English ones are left; the course content itself (titles, questions) stays as written.

These tests read the compiled Finnish catalogue (locale/fi/LC_MESSAGES/django.mo), which ships
with the code (`make messages`, then `make compile-messages`, when strings change). The words
of what is left of a module and of a module's tag are checked without a database.
"""

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from courses.certification.services import completion_certify
from courses.models import Module, QuizAttempt
from courses.progress.models import module_tag, steps_left
from tests.factories import complete_module, take_quiz
from tests.support import FI, answer_form, days_before_today, finnish, opened_long_ago, says

HTMX = {"HTTP_HX_REQUEST": "true"}
START = days_before_today(7)  # certificates issued then are valid whenever the tests run


# --- The words a module's progress is told in: no database. ---


def test_what_is_left_of_a_module_reads_as_finnish():
    with translation.override("fi"):
        assert steps_left(["quiz"]) == "Enää testi jäljellä"
        assert steps_left(["lesson"]) == "Enää 1 oppitunti jäljellä"
        assert steps_left(["lesson", "lesson"]) == "2 oppituntia jäljellä"
        assert (
            steps_left(["lesson", "lesson", "roleplay", "quiz"])
            == "2 oppituntia, puhelu ja testi jäljellä"
        )


def test_what_is_left_still_reads_as_english_by_default():
    assert steps_left(["lesson", "lesson", "roleplay", "quiz"]) == (
        "2 lessons, the call and the quiz left"
    )
    assert steps_left(["roleplay"]) == "Only the call left"


def test_a_modules_tag_reads_as_finnish():
    with translation.override("fi"):
        assert module_tag(required=True) == "Vaaditaan sertifiointiin"
        assert module_tag(required=False) == "Suositeltu harjoitus"
        assert module_tag(required=False, due_day="ke 2.12.") == (
            "Annettu tehtäväksi, määräpäivä ke 2.12."
        )
        assert module_tag(required=True, due_day="ke 2.12.", overdue=True) == (
            "Myöhässä, määräpäivä oli ke 2.12. · vaaditaan sertifiointiin"
        )


# --- Pages, through the client. ---


MODULE = reverse("learner:module", args=["module-1"])
LESSON = reverse("learner:step", args=["module-1", "intro"])
QUIZ = reverse("learner:step", args=["module-1", "check"])


@pytest.mark.django_db
class TestTheRepsPagesInFinnish:
    def test_my_training(self, rep_client, required, django_assert_max_num_queries):
        with django_assert_max_num_queries(12):
            page = finnish(rep_client, reverse("learner:home"))
        says(
            page,
            ["Oma koulutus</h1>", "Aloita tästä", "Aloita: Intro", "0/3 vaihetta tehty",
             ">Soittoharjoitus</h2>", "Siirry soittoharjoitukseen", "Vaaditaan sertifiointiin",
             "Sertifiointia varten vielä suoritettava:"],
            ["My training</h1>", "Start here", "Begin:", "steps done", ">Dialing drill</h2>",
             "Ten leads against the clock", "Required for certification", "Still to complete"],
        )  # fmt: skip

    def test_the_catalogue(self, rep_client, required):
        page = finnish(rep_client, reverse("learner:catalogue"))
        says(
            page,
            ["Koulutustarjonta</h1>", "0\u00a0% · 0/3 vaihetta", "Aloittamatta"],
            ["Catalogue</h1>", " steps</span>", "Not started", 'progress"'],
        )

    def test_a_module(self, rep_client, required):
        page = finnish(rep_client, MODULE)
        says(
            page,
            ["Vaiheet</h2>", 'aria-label="Moduulin edistyminen"', "Aloita: Intro",
             "Säännöt 31", "Tekemättä:", "Oppitunti · 1 min", "Harjoituspuhelu · 3 min"],
            ["Steps</h2>", "Module progress", "Start:", "Rules as of", "To do:", "Lesson ·"],
        )  # fmt: skip
        assert "Module 1</h1>" in page  # the module's title is course content: as written

    def test_a_lesson_and_marking_it_too_soon(self, rep_client, required):
        page = finnish(rep_client, LESSON)
        says(
            page,
            ["Merkitse suoritetuksi ja jatka", "0/3 vaihetta tehty", "noin 1 min",
             'aria-label="Oppitunnit"'],
            ["Mark complete and continue", "steps done", "about 1 min", 'aria-label="Lessons"'],
        )  # fmt: skip
        # Marked before it could have been read: the refusal is in Finnish too, with htmx.
        url = reverse("learner:lesson-complete", args=["module-1", "intro"])
        response = rep_client.post(url, **FI, **HTMX)
        assert response.status_code == 409
        refusal = response.content.decode()
        assert "Tämän oppitunnin lukeminen vie noin 1 min." in refusal
        assert "This lesson takes about" not in refusal

    def test_a_quiz_its_attempt_and_its_result(self, rep_client, rep, required):
        page = finnish(rep_client, QUIZ)
        says(
            page,
            ["Aloita testi", "Hyväksymisraja: <strong>75\u00a0%</strong>", "Ei aikarajaa",
             "kysymystä, arvottuina kysymyspankista"],
            ["Start the quiz", "Pass mark", "No time limit", "drawn from a bank"],
        )  # fmt: skip
        rep_client.post(reverse("learner:quiz-start", args=["module-1", "check"]), **FI)
        attempt = QuizAttempt.objects.get(user=rep)
        page = finnish(rep_client, reverse("learner:quiz-attempt", args=[attempt.pk]))
        says(
            page,
            ["Lähetä vastaukset", "Tallenna ja jatka myöhemmin", "Kysymys 1</span>",
             "vastattu 0/4", "Valitse yksi"],
            ["Submit answers", "Save and finish later", "Question 1</span>", "answered</span>",
             "Choose one"],
        )  # fmt: skip
        submit = reverse("learner:quiz-submit", args=[attempt.pk])
        # Submitted blank, without JavaScript: asked first, in Finnish.
        response = rep_client.post(submit, {}, **FI)
        assert response.status_code == 200
        says(
            response.content.decode(),
            ["4 kysymystä 4:stä vielä vastaamatta", "Lähetä silti", "Palaa vastaamaan"],
            ["not answered yet", "Submit anyway", "Go back and answer"],
        )
        rep_client.post(submit, answer_form(attempt), **FI)
        page = finnish(rep_client, reverse("learner:quiz-attempt", args=[attempt.pk]))
        says(
            page,
            ["Hyväksytty: 100\u00a0%", "Tarkastele vastauksiasi", "Vastauksesi", "Oikein</span>",
             "Takaisin testiin"],
            ["Passed:", "Review your answers", "Your answer", "Right</span>", "Back to the quiz"],
        )  # fmt: skip

    def test_a_tampered_answer_is_refused_in_finnish(self, rep_client, rep, required):
        rep_client.post(reverse("learner:quiz-start", args=["module-1", "check"]))
        attempt = QuizAttempt.objects.get(user=rep)
        submit = reverse("learner:quiz-submit", args=[attempt.pk])
        response = rep_client.post(submit, {"q1": "99", "confirm": "yes"}, **FI)
        assert response.status_code == 400
        page = response.content.decode()
        assert "Kysymys 1: vastaus ei ole yksi sen vaihtoehdoista. Mitään ei muutettu." in page
        assert "Nothing was changed" not in page
        assert not QuizAttempt.objects.get(pk=attempt.pk).is_submitted


@pytest.mark.django_db
def test_the_rules_page_in_finnish(client, compliance, rep, required):
    opened_long_ago(rep)
    take_quiz(rep, Module.objects.get().steps.get(kind="quiz").quiz)
    client.force_login(compliance)
    page = finnish(client, reverse("rules:list"))
    says(
        page,
        ["Säännöt</h1>", "miten organisaatio on siinä onnistunut viimeisten 90 päivän aikana",
         "Opetetaan</dt>", "Testataan</dt>", "Harjoitellaan</dt>", "Osaaminen nyt</dt>",
         "Viimeiset 90 päivää</dt>", "vastauksesta oikein", "koskee: jokainen soittaja"],
        ["Rules</h1>", "how the organisation did", "Taught</dt>", "Tested</dt>",
         "Rehearsed</dt>", "Mastery now</dt>", "Last 90 days", "answer right", "binds every"],
    )  # fmt: skip


@pytest.fixture
def certificate(db, rep, compliance, required):
    with time_machine.travel(START, tick=False):
        record = complete_module(rep, required)
        return completion_certify(officer=compliance, record=record)


@pytest.mark.django_db
def test_a_certificate_in_finnish(client, rep, certificate):
    client.force_login(rep)
    page = finnish(client, reverse("certificates:detail", args=[certificate.code]))
    says(
        page,
        ["Suoritus\u00adtodistus</h1>", "Tämä todistaa, että", "Tulosta</button>", "Lataa PDF</a>",
         "Tarkistuskoodi", "Koulutus, ei oikeudellista neuvontaa."],
        ["Certificate of completion", "This certifies that", "Print</button>",
         "Download PDF", "Verification code", "Training, not legal advice"],
    )  # fmt: skip


@pytest.mark.django_db
def test_the_verification_page_in_finnish(client, certificate):
    page = finnish(client, reverse("verify:code", args=[certificate.code]))
    says(
        page,
        ["Tarkista CallReady-todistus", "on <strong>voimassa</strong>.", "Suoritettu</dt>",
         "Sertifioitu</dt>"],
        ["Verify a CallReady certificate", "is <strong>valid</strong>", "Completed</dt>",
         "Certified</dt>"],
    )  # fmt: skip
    response = client.get(reverse("verify:code", args=["abcd-efgh"]), **FI)
    assert response.status_code == 404
    assert "ei löytynyt. Tarkista koodi ja yritä uudelleen." in response.content.decode()
