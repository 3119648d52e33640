"""The call check page (/call-check/) through the test client: every signed-in user, the
adjudicated cases as a rep would send them, htmx, and bad or tampered input."""

import shutil

import pytest
from django.urls import reverse

from courses.curriculum.loading import CONTENT_ROOT, load_curriculum
from courses.curriculum.models import Rule
from tests.practice.adjudicated import BASE, CASES

URL = reverse("learner:call-check")


@pytest.fixture
def catalogue(db, builder):
    """The real rules catalogue, with a small course beside it."""
    builder.simple()
    shutil.rmtree(builder.root / "rules")
    shutil.copytree(CONTENT_ROOT / "rules", builder.root / "rules")
    load_curriculum(builder.root)


def verdict_of(response):
    marker = b'data-verdict="'
    start = response.content.index(marker) + len(marker)
    return response.content[start : response.content.index(b'"', start)].decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["rep", "manager", "compliance"])
def test_every_signed_in_user_can_ask(client, catalogue, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.get(URL, BASE)
    assert response.status_code == 200
    assert verdict_of(response) == "call"


def test_the_empty_form_asks_the_question_and_answers_nothing(rep_client, catalogue):
    response = rep_client.get(URL)
    assert response.status_code == 200
    assert b"data-verdict" not in response.content
    assert b"training, not legal advice" in response.content


def test_a_shared_link_reopens_the_question_as_it_was_asked(rep_client, catalogue):
    asked = BASE | {"state": "FL", "line": "mobile", "method": "autodialed", "registry": "1"}
    page = rep_client.get(URL, asked).content.decode()
    for name, value in asked.items():
        if name == "when":
            assert f'name="when" id="id_when" value="{value}"' in page
        elif name == "registry":
            assert 'name="registry" id="id_registry" value="1" checked' in page
        else:
            assert f'<option value="{value}" selected>' in page, name
    # state, line, caller, method and consent (the footer's language chooser has its own)
    assert page.split("</main>")[0].count(" selected>") == 5
    assert 'name="state_list" id="id_state_list" value="1">' in page  # not ticked


def test_a_field_in_error_is_marked_and_described_by_its_error(rep_client, catalogue):
    page = rep_client.get(URL, BASE | {"calls_24h": "x"}).content.decode()
    control = page[page.index('name="calls_24h"') :].split(">", 1)[0]
    assert 'aria-invalid="true"' in control and 'aria-describedby="id_calls_24h_error"' in control
    assert '<ul class="errorlist" id="id_calls_24h_error">' in page
    state = page[page.index('name="state"') :].split(">", 1)[0]
    assert "aria-invalid" not in state


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_page_gives_the_adjudicated_answer(rep_client, catalogue, case):
    response = rep_client.get(URL, case.query)
    assert response.status_code == 200
    assert verdict_of(response) == case.verdict, case.fact
    page = response.content.decode()
    for slug in case.blocks or case.includes:
        rule = Rule.objects.get(slug=slug)
        assert rule.title.replace("'", "&#x27;") in page and rule.citation in page


def test_a_wait_says_when_on_the_leads_clock_and_the_rules_checked_date(rep_client, catalogue):
    response = rep_client.get(URL, {**BASE, "state": "FL", "when": "2025-06-04T20:30"})
    page = response.content.decode()
    assert verdict_of(response) == "wait"
    assert "Thursday 5 June 2025, 8:00 a.m." in page
    assert "Rules as checked on 30 November 2026" in page


def test_a_call_limit_wait_says_the_time_is_a_sure_one(rep_client, catalogue):
    response = rep_client.get(URL, {**BASE, "state": "FL", "calls_24h": "3"})
    assert verdict_of(response) == "wait"
    assert b"Thursday 5 June 2025, 12:00 p.m." in response.content
    assert b"24 hours after the earliest of the calls" in response.content


def test_htmx_gets_only_the_answer(rep_client, catalogue):
    response = rep_client.get(URL, {**BASE, "registry": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert verdict_of(response) == "do-not-call"
    assert b"<form" not in response.content and b'id="answer"' in response.content


@pytest.mark.parametrize(
    "field, value",
    [
        ("state", "ZZ"),
        ("state", "ny"),
        ("when", "2025-06-04 12:00"),
        ("when", "2025-02-30T12:00"),
        ("when", "<script>alert(1)</script>"),
        ("line", "fax"),
        ("registry", "yes"),
        ("state_list", "2"),
        ("last_purchase", "04/06/2025"),
        ("last_inquiry", "2025-06-05"),  # after the call
        ("caller", "bank"),
        ("method", "robot"),
        ("consent", "verbal"),
        ("calls_24h", "-1"),
        ("calls_24h", "many"),
    ],
)
def test_bad_input_is_refused_with_the_fields_error(rep_client, catalogue, field, value):
    response = rep_client.get(URL, {**BASE, field: value})
    assert response.status_code == 400
    assert b"data-verdict" not in response.content
    assert f'href="#id_{field}"'.encode() in response.content
    assert b"<script>alert" not in response.content


def test_a_missing_field_is_named(rep_client, catalogue):
    query = {key: value for key, value in BASE.items() if key != "when"}
    response = rep_client.get(URL, query, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert b"Their local date and time" in response.content


def test_only_get_is_answered(rep_client, catalogue):
    assert rep_client.post(URL, BASE).status_code == 405


def test_the_answer_costs_a_fixed_number_of_queries(
    rep_client, catalogue, django_assert_max_num_queries
):
    query = {**BASE, "state": "FL", "registry": "1", "firm_dnc": "1", "when": "2025-06-04T21:30"}
    rep_client.get(URL, query)
    with django_assert_max_num_queries(3):
        response = rep_client.get(URL, query)
    assert verdict_of(response) == "do-not-call"


def test_an_answer_without_a_loaded_catalogue_still_names_its_rules(rep_client):
    response = rep_client.get(URL, {**BASE, "registry": "1"})
    assert response.status_code == 200
    assert verdict_of(response) == "do-not-call"
    assert b"fcc-national-registry" in response.content
