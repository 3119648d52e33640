"""The certification report's HTML pages: whole people per page, the next page after them."""

import pytest
from django.urls import reverse

from courses.certification.report_views import REPORT_PAGE_ROWS
from courses.curriculum.loading import load_curriculum
from tests.support import make_user


@pytest.mark.django_db
def test_the_report_pages_through_everyone_without_splitting_a_person(
    client, builder, compliance, django_user_model
):
    builder.course(modules=["module-1", "module-2"])
    builder.required_module("module-1").required_module("module-2")
    load_curriculum(builder.root)
    people = [make_user(django_user_model, f"rep-{i:03d}", "Rep") for i in range(40)]
    client.force_login(compliance)

    seen, query, pages = [], {}, 0
    while True:
        page = client.get(reverse("compliance:report"), query)
        assert page.status_code == 200
        rows = page.context["rows"]
        pages += 1
        assert len(rows) <= REPORT_PAGE_ROWS + 1
        seen += [(row.person.username, row.module.slug) for row in rows]
        if page.context["next_query"] is None:
            break
        assert "Next people" in page.content.decode()
        query = {"after": rows[-1].person.username}
    assert pages == 2
    assert seen == [(p.username, m) for p in people for m in ("module-1", "module-2")]


@pytest.mark.django_db
def test_a_tampered_page_marker_is_just_a_later_start(client, compliance, small_curriculum):
    client.force_login(compliance)
    response = client.get(reverse("compliance:report"), {"after": "<script>" * 100})
    assert response.status_code == 200 and "<script><script>" not in response.content.decode()
