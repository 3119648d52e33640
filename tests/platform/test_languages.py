"""The interface language: the browser's, unless a person chose one; a choice is remembered by
the browser and, for a signed-in person, by their account (read at login, so it follows them to
another browser, and used for their emails). Days, times and numbers follow the language; pages
with course content say, in Finnish, that the content is English, and mark it so.

Finnish words come from the compiled catalogue that ships with the code
(locale/fi/LC_MESSAGES/django.mo).
"""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from courses.curriculum.loading import load_curriculum
from courses.models import LanguagePreference, Module
from courses.platform.language import language_choose
from courses.teams.services import assignment_create, reminders_queue
from tests.teams.test_emails import DUE, OVERDUE_DAY, on

FINNISH = {"HTTP_ACCEPT_LANGUAGE": "fi"}


def page_language(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def choose(client, language, next_url="/"):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url}, **FINNISH)


def log_in(client, username="rep"):
    return client.post("/accounts/login/", {"username": username, "password": "pw"}, **FINNISH)


@pytest.mark.django_db
class TestChoosing:
    def test_the_browser_decides_without_a_choice(self, client):
        assert page_language(client.get("/accounts/login/")) == "en"
        assert page_language(client.get("/accounts/login/", **FINNISH)) == "fi"

    def test_every_page_offers_the_chooser_with_the_current_language_chosen(self, rep_client):
        body = rep_client.get("/", **FINNISH).content.decode()
        chooser = body[body.index('<form method="post" action="/i18n/setlang/"') :]
        chooser = chooser[: chooser.index("</form>")]
        assert '<label for="language-choice">' in chooser
        assert '<option value="fi" lang="fi" selected>Suomi</option>' in chooser
        assert '<option value="en" lang="en">English</option>' in chooser
        assert 'name="next" value="/"' in chooser

    def test_a_visitor_chooses_english_on_a_finnish_browser_and_it_sticks(self, client):
        response = choose(client, "en", "/accounts/login/")
        assert response.status_code == 302 and response["Location"] == "/accounts/login/"
        cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
        assert cookie.value == "en" and cookie["max-age"] == 60 * 60 * 24 * 365
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
        for _ in range(2):
            assert page_language(client.get("/accounts/login/", **FINNISH)) == "en"
        assert not LanguagePreference.objects.exists()

    def test_a_signed_in_choice_is_stored_and_follows_them_to_a_new_browser(self, rep_client, rep):
        choose(rep_client, "en")
        assert page_language(rep_client.get("/", **FINNISH)) == "en"
        assert LanguagePreference.objects.get(user=rep).language == "en"

        fresh = Client()
        response = log_in(fresh)
        assert response.status_code == 302
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        assert page_language(fresh.get("/", **FINNISH)) == "en"

    def test_a_stored_choice_wins_over_the_browser_at_login(self, client, rep):
        language_choose(user=rep, language="fi")
        response = client.post("/accounts/login/", {"username": "rep", "password": "pw"})
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fi"
        assert page_language(client.get("/")) == "fi"

    def test_a_choice_made_before_logging_in_becomes_theirs(self, client, rep):
        choose(client, "en", "/accounts/login/")
        log_in(client)
        assert LanguagePreference.objects.get(user=rep).language == "en"
        assert page_language(Client().get("/accounts/login/", **FINNISH)) == "fi"
        fresh = Client()
        log_in(fresh)
        assert page_language(fresh.get("/", **FINNISH)) == "en"

    def test_without_a_stored_choice_login_leaves_the_browser_to_decide(self, client, rep):
        response = log_in(client)
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
        assert not LanguagePreference.objects.exists()
        assert page_language(client.get("/")) == "en"
        assert page_language(client.get("/", **FINNISH)) == "fi"

    def test_changing_the_choice_again_rewrites_both(self, rep_client, rep):
        choose(rep_client, "en")
        response = choose(rep_client, "fi")
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fi"
        assert LanguagePreference.objects.get(user=rep).language == "fi"

    @pytest.mark.parametrize("tampered", ["xx", "", "fi-FI; drop table", "de"])
    def test_a_language_the_site_does_not_offer_is_refused(self, rep_client, rep, tampered):
        response = rep_client.post("/i18n/setlang/", {"language": tampered, "next": "/"})
        assert response.status_code == 400
        assert "That language is not offered" in response.content.decode()
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
        assert not LanguagePreference.objects.exists()

    def test_choosing_is_a_post(self, rep_client):
        assert rep_client.get("/i18n/setlang/?language=fi").status_code == 405

    def test_an_address_elsewhere_is_not_followed(self, rep_client):
        response = choose(rep_client, "fi", "https://elsewhere.example/")
        assert response["Location"] == "/"

    def test_the_chooser_works_as_an_htmx_request_too(self, rep_client, rep):
        response = rep_client.post(
            "/i18n/setlang/", {"language": "fi", "next": "/"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 302
        assert LanguagePreference.objects.get(user=rep).language == "fi"


@pytest.mark.django_db
def test_the_language_costs_no_query_on_a_page(rep_client, rep):
    """The stored choice is read at login only: a page reads the cookie."""
    choose(rep_client, "fi")
    with CaptureQueriesContext(connection) as queries:
        rep_client.get("/")
    table = LanguagePreference._meta.db_table
    assert not [q for q in queries.captured_queries if table in q["sql"]]


@pytest.mark.django_db
class TestFormats:
    def test_a_finnish_page_writes_days_the_finnish_way(self, rep_client, small_curriculum):
        module = Module.objects.order_by("position").first()
        english = rep_client.get(f"/modules/{module.slug}/").content.decode()
        finnish = rep_client.get(f"/modules/{module.slug}/", **FINNISH).content.decode()
        with translation.override("en"):
            from django.template.defaultfilters import date

            assert date(module.rules_as_of, "j F Y") in english
        assert f"{module.rules_as_of.day}. " in finnish
        finnish_months = "tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta "
        finnish_months += "heinäkuuta elokuuta syyskuuta lokakuuta marraskuuta joulukuuta"
        assert finnish_months.split()[module.rules_as_of.month - 1] in finnish

    def test_percentages_follow_the_language(self):
        from courses.platform.numbers import percent

        with translation.override("en"):
            assert percent(85) == "85%" and percent(87.5, None) == "87.5%"

    def test_finnish_percentages(self):
        from courses.platform.numbers import percent

        with translation.override("fi"):
            assert percent(85) == "85\xa0%" and percent(87.5, None) == "87,5\xa0%"


@pytest.mark.django_db
class TestContentNotice:
    def test_a_finnish_page_with_content_says_it_is_english_and_marks_it(
        self, rep_client, small_curriculum
    ):
        module = Module.objects.order_by("position").first()
        body = rep_client.get(f"/modules/{module.slug}/", **FINNISH).content.decode()
        assert '<html lang="fi">' in body
        assert 'class="notice content-language" role="note"' in body
        assert f'<h1 lang="en">{module.title}</h1>' in body

    def test_an_english_page_has_no_notice(self, rep_client, small_curriculum):
        module = Module.objects.order_by("position").first()
        body = rep_client.get(f"/modules/{module.slug}/").content.decode()
        assert "content-language" not in body

    def test_a_page_without_content_has_no_notice(self, rep_client, small_curriculum):
        assert "content-language" not in rep_client.get("/", **FINNISH).content.decode()

    def test_the_notice_is_in_finnish(self, rep_client, small_curriculum):
        module = Module.objects.order_by("position").first()
        body = rep_client.get(f"/modules/{module.slug}/", **FINNISH).content.decode()
        assert "Kurssisisältö on saatavilla vain englanniksi" in body


@pytest.fixture
def overdue_for_a_finn(db, builder, manager, rep):
    language_choose(user=rep, language="fi")
    builder.simple(modules=1, lessons=1)
    load_curriculum(builder.root)
    with on(datetime.date(2026, 11, 20)):
        assignment_create(
            by=manager,
            modules=[Module.objects.get()],
            team=manager.managed_teams.get(),
            due_date=DUE,
        )


@pytest.mark.django_db(transaction=True)
def test_a_reminder_is_written_in_its_recipients_language(rep, manager, overdue_for_a_finn):
    with on(OVERDUE_DAY):
        reminders_queue()
    to_rep = next(m for m in mail.outbox if rep.email in m.to)
    to_manager = next(m for m in mail.outbox if manager.email in m.to)
    # The due day as Finnish writes it (Django's own Finnish names the weekday and month).
    assert "torstai, 10. joulukuuta 2026" in to_rep.body
    assert "December" not in to_rep.body
    # The manager chose nothing: their digest is in the site's language.
    assert "Dec 2026" in to_manager.body


@pytest.mark.django_db(transaction=True)
def test_a_finnish_reminders_subject_is_finnish(rep, overdue_for_a_finn):
    """Needs the reminder's words marked and translated (courses/teams/tasks.py)."""
    with on(OVERDUE_DAY):
        reminders_queue()
    to_rep = next(m for m in mail.outbox if rep.email in m.to)
    assert not to_rep.subject.startswith("Overdue:")
    assert "was due on" not in to_rep.body


@pytest.mark.django_db
def test_a_password_reset_email_is_in_the_persons_language(client, rep):
    language_choose(user=rep, language="fi")
    client.post("/accounts/password_reset/", {"email": rep.email})
    assert mail.outbox[0].subject == "CallReady-salasanan palautus"
    assert "salasana" in mail.outbox[0].body


@pytest.mark.django_db
class TestFinnishInterface:
    """Pages of the platform in Finnish: a Finnish string there, the English ones gone."""

    @pytest.mark.parametrize(
        ("url", "finnish", "english"),
        [
            (
                "/accounts/login/",
                ["Kirjaudu CallReadyyn", "Käyttäjätunnus", "Vaihda kieli"],
                ["Log in to CallReady", "Username", "Forgotten your password?", "Skip to"],
            ),
            (
                "/accounts/password_reset/",
                ["Palauta salasana", "Lähetä linkki"],
                ["Reset your password", "Send the link", "Back to log in"],
            ),
            ("/no-such-page/", ["Sivua ei löydy"], ["Page not found", "There is nothing here"]),
        ],
    )
    def test_a_visitors_pages(self, client, url, finnish, english):
        body = client.get(url, **FINNISH).content.decode()
        assert all(text in body for text in finnish), finnish
        assert not [text for text in english if text in body]

    def test_a_signed_in_page_header_and_footer(self, rep_client):
        body = rep_client.get("/", **FINNISH).content.decode()
        header = body[body.index("<body") : body.index("<main")]
        footer = body[body.index("</main>") :]
        assert "Oma koulutus" in header and "Kirjaudu ulos" in header and "Kieli" in footer
        for english in ["Log out", "Skip to content", "Dialing drill", "My training"]:
            assert english not in header
        assert "not legal advice" not in footer and "Change language" not in footer
