"""Password reset requests are rate limited per client address and per email address, without
telling anyone whether an account has the address."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings

from courses.models import PasswordResetRequest
from courses.platform.resets import account_digest

URL = "/accounts/password_reset/"
REFUSED = "too many requests to reset a password"
START = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)


def ask(client, email, address="93.184.216.5", **extra):
    return client.post(URL, {"email": email}, REMOTE_ADDR=address, **extra)


@pytest.mark.django_db
def test_the_sixth_request_from_one_address_is_refused_and_sends_nothing(rep, django_user_model):
    client = Client()
    with time_machine.travel(START, tick=False):
        for i in range(5):
            response = ask(client, f"someone-{i}@example.com")
            assert response.status_code == 302
        ask(client, "rep@example.com")  # the sixth, for an account that exists
        response = ask(client, "rep@example.com")
    assert response.status_code == 429
    assert REFUSED in response.content.decode()
    assert mail.outbox == []  # none of the others had an account
    assert PasswordResetRequest.objects.count() == 5


@pytest.mark.django_db
def test_the_limit_reads_the_same_whether_or_not_an_account_has_the_address(rep):
    bodies = []
    for email, address in (
        ("rep@example.com", "198.51.100.1"),
        ("ghost@example.com", "198.51.100.2"),
    ):
        client = Client()
        for _ in range(3):
            ask(client, email, address)
        response = ask(client, email, address)
        assert response.status_code == 429
        body = response.content.decode().replace(email, "EMAIL")
        bodies.append(re.sub(r'(nonce=|value=|Token": )"[^"]*"', "", body))
    assert bodies[0] == bodies[1]


@pytest.mark.django_db
def test_one_email_address_is_limited_across_addresses(rep):
    with time_machine.travel(START, tick=False):
        for i in range(3):
            assert ask(Client(), "REP@example.com ", f"192.0.2.{i}").status_code == 302
        assert len(mail.outbox) == 3
        response = ask(Client(), "rep@example.com", "192.0.2.9")
    assert response.status_code == 429
    assert len(mail.outbox) == 3
    # Another address from the same connections is still served.
    assert ask(Client(), "other@example.com", "192.0.2.1").status_code == 302


@pytest.mark.django_db
def test_the_limits_last_an_hour(rep):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(3):
            ask(Client(), "rep@example.com")
        assert ask(Client(), "rep@example.com").status_code == 429
        traveller.shift(datetime.timedelta(minutes=59))
        assert ask(Client(), "rep@example.com").status_code == 429
        traveller.shift(datetime.timedelta(minutes=1, seconds=1))
        assert ask(Client(), "rep@example.com").status_code == 302
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_an_htmx_request_is_refused_the_same_way():
    for _ in range(3):
        ask(Client(), "a@example.com")
    response = ask(Client(), "a@example.com", HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    assert REFUSED in response.content.decode()


@pytest.mark.django_db
def test_a_bad_email_is_a_form_error_and_not_counted():
    response = ask(Client(), "not an email")
    assert response.status_code == 200
    assert not PasswordResetRequest.objects.exists()


@pytest.mark.django_db
@override_settings(
    AXES_IPWARE_PROXY_COUNT=1,
    AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
)
def test_behind_a_trusted_proxy_the_address_is_the_forwarded_one():
    # As TRUSTED_PROXY_COUNT=1 sets it: the address the login lockout reads is the one counted.
    def forwarded(client_address):
        return {"HTTP_X_FORWARDED_FOR": f"{client_address}, 10.0.0.2"}

    for i in range(5):
        ask(Client(), f"p{i}@example.com", "10.0.0.1", **forwarded("93.184.216.77"))
    refused = ask(Client(), "p9@example.com", "10.0.0.1", **forwarded("93.184.216.77"))
    other = ask(Client(), "p9@example.com", "10.0.0.1", **forwarded("93.184.216.78"))
    assert (refused.status_code, other.status_code) == (429, 302)
    assert set(PasswordResetRequest.objects.values_list("address", flat=True)) == {
        "93.184.216.77",
        "93.184.216.78",
    }


def test_the_email_is_kept_only_as_a_digest():
    assert account_digest(" Rep@Example.com") == account_digest("rep@example.com")
    assert "rep" not in account_digest("rep@example.com")


@pytest.mark.django_db
def test_the_limit_costs_a_few_queries(rep, django_assert_max_num_queries):
    # Two counts and an insert on top of Django's own look-up of the account.
    with django_assert_max_num_queries(8):
        assert ask(Client(), "rep@example.com").status_code == 302
    for _ in range(2):
        ask(Client(), "rep@example.com")
    with django_assert_max_num_queries(4):
        assert ask(Client(), "rep@example.com").status_code == 429
