"""Fuzzing what a compliance officer posts and filters: certifying, rejecting, revoking,
requiring recertification, the report and the audit log. The values and checks are in
fuzzing.py.
"""

from __future__ import annotations

import urllib.parse

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from courses.models import AuditEntry, Certificate, CompletionRecord, Review, Revocation
from tests.platform.fuzzing import (
    FUZZ,
    as_client,
    assert_shown_escaped,
    codes,
    dates,
    hostile,
    ids_of,
    send,
    text_input,
    url_ids,
    value,
)
from tests.platform.support import Rollback, World, body_of, snapshot

# A 100 KB value makes a long failure report; Hypothesis warns about it, and that is fine.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


def record_ids(w: World):
    return st.one_of(st.sampled_from([w.pending_record.pk] * 3 + [w.record.pk]), url_ids(w))


def compliance_pages(w: World, record: CompletionRecord | None = None):
    officer = as_client(w, "compliance")
    pages = [(officer, reverse("compliance:audit"))]
    if record is not None:
        pages.append((officer, reverse("compliance:record", args=[record.pk])))
    return pages


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_certify(world, data):
    record_id = data.draw(record_ids(world))
    note = data.draw(st.one_of(text_input, st.lists(text_input, max_size=2)))
    with Rollback():
        client = as_client(world, "compliance")
        certificates = Certificate.objects.count()
        response = send(
            client, "POST", reverse("compliance:certify", args=[record_id]), {"note": note}
        )
        if not CompletionRecord.objects.filter(pk=record_id).exists():
            assert response.status_code == 404
        review = Review.objects.filter(record_id=world.pending_record.pk).first()
        if record_id == world.pending_record.pk and review is not None:
            assert Certificate.objects.count() == certificates + 1
            officer = as_client(world, "compliance")
            record = reverse("compliance:record", args=[world.pending_record.pk])
            assert_shown_escaped(review.note, [(officer, record)])
        else:
            assert Certificate.objects.count() == certificates


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_reject(world, data):
    record_id = data.draw(record_ids(world))
    own_steps = [str(s.pk) for s in world.pending_module.steps.all()]
    other_steps = [str(s.pk) for s in world.module.steps.all()]
    payload = {
        "note": data.draw(text_input),
        "steps": data.draw(
            st.lists(st.one_of(st.sampled_from(own_steps + other_steps), hostile), max_size=4)
        ),
    }
    with Rollback():
        client = as_client(world, "compliance")
        response = send(client, "POST", reverse("compliance:reject", args=[record_id]), payload)
        if not CompletionRecord.objects.filter(pk=record_id).exists():
            assert response.status_code == 404
        review = Review.objects.filter(
            record_id=world.pending_record.pk, decision=Review.Decision.REJECTED
        ).first()
        if review is None:
            return
        assert set(payload["steps"]) <= set(own_steps)
        assert review.note == payload["note"].strip()
        rep = as_client(world, "rep")
        assert_shown_escaped(
            review.note,
            [
                *compliance_pages(world, world.pending_record),
                (rep, "/"),
                (rep, reverse("learner:module", args=[world.pending_module.slug])),
            ],
        )


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_bulk_certify(world, data):
    records = data.draw(st.lists(st.one_of(st.sampled_from(ids_of(world)), hostile), max_size=6))
    with Rollback():
        client = as_client(world, "compliance")
        reviews = set(Review.objects.values_list("pk", flat=True))
        send(client, "POST", reverse("compliance:bulk-certify"), {"records": records})
        new = Review.objects.exclude(pk__in=reviews)
        assert {r.record_id for r in new} <= {world.pending_record.pk}
        if new:
            assert str(world.pending_record.pk) in records


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_revoke(world, data):
    code = data.draw(
        st.one_of(
            st.sampled_from([world.certificate.code] * 3 + [world.other_certificate.code]), codes
        )
    )
    reason = data.draw(st.one_of(text_input, st.lists(text_input, max_size=2)))
    url = "/compliance/certificates/" + urllib.parse.quote(code, safe="") + "/revoke/"
    with Rollback():
        client = as_client(world, "compliance")
        response = send(client, "POST", url, {"reason": reason})
        known = {world.certificate.code, world.other_certificate.code}
        if code not in known:
            assert response.status_code == 404
        revocation = Revocation.objects.filter(certificate=world.certificate).first()
        if revocation is None:
            return
        assert revocation.reason == (reason[-1] if isinstance(reason, list) else reason).strip()
        certificate = reverse("certificates:detail", args=[world.certificate.code])
        assert_shown_escaped(
            revocation.reason,
            [*compliance_pages(world), (client, certificate)],
            # The holder and their manager see that it is revoked, not the officer's reason.
            hidden=[
                (as_client(world, "rep"), certificate),
                (as_client(world, "manager"), certificate),
                (Client(), reverse("verify:code", args=[world.certificate.code])),
            ],
        )


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_recertify(world, data):
    module_id = data.draw(
        st.one_of(
            st.sampled_from([world.module.pk] * 3 + [world.pending_module.pk]), url_ids(world)
        )
    )
    payload = {"due_date": data.draw(dates), "reason": data.draw(text_input)}
    with Rollback():
        client = as_client(world, "compliance")
        entries = AuditEntry.objects.count()
        response = send(client, "POST", reverse("compliance:recertify", args=[module_id]), payload)
        if module_id not in {world.module.pk, world.pending_module.pk}:
            assert response.status_code == 404
        if AuditEntry.objects.count() == entries:
            return
        entry = AuditEntry.objects.order_by("-pk").first()
        assert entry.action == AuditEntry.Action.RECERTIFICATION_REQUIRED
        assert_shown_escaped(entry.summary, compliance_pages(world))


def report_query():
    return st.dictionaries(
        st.sampled_from(
            ["q", "team", "module", "status", "completed_from", "completed_to", "as_of", "page"]
        ),
        st.one_of(dates, st.sampled_from(["1", "2", "valid", "expired", "revoked"]), value),
    )


def audit_query():
    return st.dictionaries(
        st.sampled_from(["action", "person", "date_from", "date_to", "page"]),
        st.one_of(
            dates,
            st.sampled_from(["certified", "rejected", "rep", "officer", "2", "last"]),
            value,
        ),
    )


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_report_and_audit_filters(world, data):
    client = as_client(world, "compliance")
    url, query = data.draw(
        st.one_of(
            st.tuples(
                st.sampled_from(
                    [
                        reverse("compliance:report"),
                        reverse("compliance:report-csv"),
                        reverse("compliance:report-totals-csv"),
                    ]
                ),
                report_query(),
            ),
            st.tuples(
                st.sampled_from([reverse("compliance:queue"), reverse("compliance:certificates")]),
                st.dictionaries(st.sampled_from(["q", "page"]), value),
            ),
            st.tuples(
                st.sampled_from([reverse("compliance:audit"), reverse("compliance:audit-csv")]),
                audit_query(),
            ),
            st.tuples(st.just(reverse("compliance:certificates")), audit_query()),
        )
    )
    before = snapshot()
    response = send(client, "GET", url, query, before=before)
    assert response.status_code == 200
    body_of(response)  # a streamed CSV is read to its end
    assert snapshot() == before
