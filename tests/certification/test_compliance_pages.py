"""The compliance officer's pages: a search by person on the queue, the certificates and the
report (with htmx and without), the report's totals, the link to a new certificate after
certifying, and the certify note in the audit log."""

import csv
import io
from collections import Counter

import pytest
from django.urls import reverse

from courses.certification.services import completion_certify, completion_reject
from courses.models import AuditEntry, Certificate, CompletionRecord
from courses.platform.access import REP
from tests.factories import complete_module
from tests.support import make_user

PAGES = ["compliance:queue", "compliance:certificates", "compliance:report"]
NOTE = "Call reviewed by ear; the do-not-call request was honoured."


@pytest.fixture
def people(required, compliance, django_user_model):
    """Dana and Sam wait for review; Lee and Kim are certified."""
    names = {
        "dana": ("Dana", "Reyes"),
        "sam": ("Sam", "Ortiz"),
        "lee": ("Lee", "Park"),
        "kim": ("Kim", "Reyes-Lopez"),
    }
    made = {
        username: make_user(django_user_model, username, REP, first_name=first, last_name=last)
        for username, (first, last) in names.items()
    }
    for person in made.values():
        record = complete_module(person, required)
        if person.username in {"lee", "kim"}:
            completion_certify(officer=compliance, record=record)
    return made


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def names_on(client, name, **params) -> str:
    return client.get(reverse(name), params).content.decode()


@pytest.mark.django_db
class TestSearchByPerson:
    def test_the_queue_finds_by_name_username_or_email_in_any_case(
        self, client, compliance, people
    ):
        client.force_login(compliance)
        for query in ["reyes", "DANA", "dana reyes", "dana@example", "Rey"]:
            page = names_on(client, "compliance:queue", q=query)
            assert "Dana Reyes" in page and "Sam Ortiz" not in page, query
            assert 'Waiting for review <span class="muted">(1)</span>' in page
            assert f"Showing people matching “{query}”" in page
        everyone = names_on(client, "compliance:queue")
        assert "Dana Reyes" in everyone and "Sam Ortiz" in everyone
        assert "Showing people matching" not in everyone

    def test_the_certificates_list_finds_its_holders(self, client, compliance, people):
        client.force_login(compliance)
        page = names_on(client, "compliance:certificates", q="park")
        assert "Lee Park" in page and "Kim Reyes-Lopez" not in page
        # "reyes" finds Kim among the certificate holders; Dana holds none.
        page = names_on(client, "compliance:certificates", q="reyes")
        assert "Kim Reyes-Lopez" in page and "Dana Reyes" not in page

    def test_the_report_and_its_csv_find_the_same_people(self, client, compliance, people):
        client.force_login(compliance)
        page = names_on(client, "compliance:report", q="reyes")
        assert "Dana Reyes" in page and "Kim Reyes-Lopez" in page and "Lee Park" not in page
        rows = csv_rows(client.get(reverse("compliance:report-csv"), {"q": "reyes"}))
        assert {row[1] for row in rows[1:]} == {"dana", "kim"}
        totals = csv_rows(client.get(reverse("compliance:report-totals-csv"), {"q": "reyes"}))
        assert totals[-1] == ["All", "2"]

    @pytest.mark.parametrize(
        "name, empty",
        [
            ("compliance:queue", "Nobody waiting for review matches “zz”."),
            ("compliance:certificates", "No certificate holder matches “zz”."),
            ("compliance:report", "No one matches these filters and “zz”."),
        ],
    )
    def test_an_empty_result_says_so(self, client, compliance, people, name, empty):
        client.force_login(compliance)
        assert empty in names_on(client, name, q="zz")

    @pytest.mark.parametrize("name", PAGES)
    def test_htmx_gets_the_results_alone(self, client, compliance, people, name):
        client.force_login(compliance)
        response = client.get(reverse(name), {"q": "ortiz"}, headers={"HX-Request": "true"})
        page = response.content.decode()
        assert response.status_code == 200
        assert page.lstrip().startswith('<div id="results">') and "<html" not in page
        assert "HX-Request" in response["Vary"]
        # A history restore asks for the whole page again.
        restore = client.get(
            reverse(name),
            {"q": "ortiz"},
            headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
        )
        assert "<html" in restore.content.decode()

    @pytest.mark.parametrize("name", PAGES)
    def test_a_tampered_search_is_refused_clearly(self, client, compliance, people, name):
        client.force_login(compliance)
        response = client.get(reverse(name), {"q": "x" * 500})
        page = response.content.decode()
        assert response.status_code == 200
        assert "at most 100 characters" in page and "ignored" in page
        # Ignored, the search finds everyone.
        assert "Sam Ortiz" in page or "Lee Park" in page

    @pytest.mark.parametrize(
        "name", [*PAGES, "compliance:report-csv", "compliance:report-totals-csv"]
    )
    def test_reps_and_managers_are_refused(self, client, rep, manager, name):
        for person in (rep, manager):
            client.force_login(person)
            assert client.get(reverse(name), {"q": "a"}).status_code == 403

    def test_searched_pages_keep_their_query_budget(
        self, client, compliance, people, django_assert_max_num_queries
    ):
        client.force_login(compliance)
        for query in ["", "reyes", "dana reyes lopez park kim sam ortiz a b c"]:
            with django_assert_max_num_queries(5):
                client.get(reverse("compliance:queue"), {"q": query})
            with django_assert_max_num_queries(4):
                client.get(reverse("compliance:certificates"), {"q": query})
            # The page's rows, and two queries for its totals.
            with django_assert_max_num_queries(10):
                client.get(reverse("compliance:report"), {"q": query})
            with django_assert_max_num_queries(10):
                client.get(reverse("compliance:report"), {"q": query}, headers={"HX-Request": "1"})


@pytest.mark.django_db
class TestReportTotals:
    def test_the_page_shows_the_totals_of_every_page(self, client, compliance, people):
        client.force_login(compliance)
        page = names_on(client, "compliance:report")
        assert "<dt>All</dt><dd>4</dd>" in page
        assert 'badge-certified">Certified</span></dt><dd>2</dd>' in page
        assert 'badge-pending">Pending</span></dt><dd>2</dd>' in page
        pending = names_on(client, "compliance:report", status="pending")
        assert "<dt>All</dt><dd>2</dd>" in pending and "badge-certified" not in pending

    def test_the_totals_csv_counts_the_rows_of_the_report_csv(self, client, compliance, people):
        client.force_login(compliance)
        for params in [{}, {"status": "certified"}, {"q": "reyes"}, {"as_of": "2000-01-01"}]:
            rows = csv_rows(client.get(reverse("compliance:report-csv"), params))
            statuses = Counter(row[4] for row in rows[1:])
            totals = csv_rows(client.get(reverse("compliance:report-totals-csv"), params))
            assert totals[0] == ["Status", "Rows"]
            counted = {label.lower(): int(count) for label, count in totals[1:-1]}
            assert {s: n for s, n in counted.items() if n} == dict(statuses), params
            assert totals[-1] == ["All", str(len(rows) - 1)]


@pytest.mark.django_db
class TestAfterCertifying:
    def test_the_message_links_to_the_new_certificate(self, client, compliance, people):
        client.force_login(compliance)
        record = CompletionRecord.objects.get(user=people["dana"])
        response = client.post(
            reverse("compliance:certify", args=[record.pk]), {"note": ""}, follow=True
        )
        certificate = Certificate.objects.get(record=record)
        page = response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("compliance:queue")
        assert "Certified: Module 1 for Dana Reyes." in page
        assert f'<a href="/certificates/{certificate.code}/">Open the certificate</a>' in page
        assert client.get(f"/certificates/{certificate.code}/").status_code == 200

    def test_bulk_certifying_links_to_each_certificate(self, client, compliance, people):
        client.force_login(compliance)
        records = CompletionRecord.objects.filter(user__in=[people["dana"], people["sam"]])
        response = client.post(
            reverse("compliance:bulk-certify"), {"records": [r.pk for r in records]}, follow=True
        )
        page = response.content.decode()
        assert "Certified 2 completions." in page
        for record in records:
            code = Certificate.objects.get(record=record).code
            assert f'href="/certificates/{code}/">' in page

    def test_names_in_the_message_are_escaped(
        self, client, compliance, django_user_model, required
    ):
        sly = make_user(django_user_model, "sly", REP, first_name="<b>Sly</b>")
        record = complete_module(sly, required)
        client.force_login(compliance)
        response = client.post(reverse("compliance:certify", args=[record.pk]), follow=True)
        page = response.content.decode()
        assert "&lt;b&gt;Sly&lt;/b&gt;" in page and "<b>Sly</b>" not in page


@pytest.mark.django_db
class TestTheNoteInTheAuditLog:
    def test_a_certify_note_shows_on_the_page_and_in_the_csv(self, client, compliance, people):
        client.force_login(compliance)
        record = CompletionRecord.objects.get(user=people["dana"])
        client.post(reverse("compliance:certify", args=[record.pk]), {"note": NOTE})
        entry = AuditEntry.objects.get(action=AuditEntry.Action.CERTIFIED, person=people["dana"])
        assert entry.details["note"] == NOTE
        page = names_on(client, "compliance:audit", action="completion.certified")
        assert f"Note: “{NOTE}”" in page
        rows = csv_rows(client.get(reverse("compliance:audit-csv")))
        assert rows[0][-1] == "Note"
        (certified,) = [row for row in rows if row[1] == "Completion certified" and NOTE in row]
        assert certified[-1] == NOTE

    def test_a_rejection_note_is_shown_once(self, client, compliance, people, required):
        record = CompletionRecord.objects.get(user=people["sam"])
        completion_reject(
            officer=compliance, record=record, note=NOTE, redo_steps=list(required.steps.all())
        )
        client.force_login(compliance)
        page = names_on(client, "compliance:audit", action="completion.rejected")
        assert page.count(NOTE) == 1

    def test_entries_stay_append_only(self, compliance, people):
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.CERTIFIED).first()
        assert entry.note == ""  # certified without a note
        entry.details = {"note": "Rewritten"}
        with pytest.raises(Exception, match="never changed"):
            entry.save()
