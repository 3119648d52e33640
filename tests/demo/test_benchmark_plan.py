"""`make bench`'s plan measures what it says: every one-off request it sends (a submission, a
call's reply, a drill answer, a review answer) is taken, in the order the benchmark sends the
pages, rather than refused because an earlier page already did its work."""

import pytest
from django.test import Client

from courses.demo.benchmark import benchmark_plan
from tests.demo.generated_org import shared_organisation

_org = shared_organisation("bench_org", teams=1, reps_per_team=4, seed=3, prefix="bench")

ONE_OFF = ("quiz submission", "roleplay step", "drill answer", "review answer")


def send(method, path, cookie, token, body):
    client = Client()
    for pair in filter(None, cookie.split("; ")):
        name, value = pair.split("=", 1)
        client.cookies[name] = value
    if method == "GET":
        return client.get(path)
    return client.post(
        path, body, content_type="application/x-www-form-urlencoded", HTTP_X_CSRFTOKEN=token
    )


@pytest.mark.django_db
def test_every_one_off_request_of_the_plan_is_taken(bench_org):
    plan = benchmark_plan(modules=8, manager_teams=1, one_off=12)
    pages = plan["pages"]
    assert pages["review answer"] and pages["quiz submission"] and pages["drill answer"]
    for page, requests in pages.items():
        if page not in ONE_OFF:
            continue
        refused = [
            (request[1], response.status_code)
            for request in requests
            if (response := send(*request)).status_code >= 400
        ]
        assert not refused, (page, refused[:5])
