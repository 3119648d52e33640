"""Certification statuses read the same wherever they are shown, and "expiring soon" means the
same thing on every page that warns about it."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from courses.certification.models import CertificationStatus
from courses.certification.selectors import certificate_url, certification
from courses.certification.services import (
    certificate_revoke,
    completion_certify,
    completion_reject,
    recertification_require,
)
from courses.curriculum.loading import load_curriculum
from courses.models import Certificate
from tests.factories import complete_module
from tests.support import days_before_today

START = days_before_today(7)  # certificates issued then are valid whenever the tests run
DAY = datetime.timedelta(days=1)


@pytest.fixture
def record(rep, required):
    with time_machine.travel(START, tick=False):
        return complete_module(rep, required)


@pytest.fixture
def certificate(record, compliance):
    with time_machine.travel(START, tick=False):
        return completion_certify(officer=compliance, record=record)


def require_recertification(builder, required, compliance, *, now, due_date):
    """A new material version of the module, and compliance requiring everyone to recertify."""
    module_file = builder.root / "basics/module-1/module.yaml"
    module_file.write_text(module_file.read_text() + "material_version: 2\n")
    load_curriculum(builder.root)
    required.refresh_from_db()
    recertification_require(
        officer=compliance, module=required, due_date=due_date, reason="Rules changed.", now=now
    )


def expiring_at(now):
    """The certificates expiring soon at `now`; each holder's own notice, read with their
    certification statuses rather than with this query, lists the same ones."""
    expiring = list(Certificate.objects.expiring(now=now).select_related("record__module"))
    for certificate in Certificate.objects.select_related("record__user"):
        holder = certificate.record.user
        assert [
            (c.module_title, c.expires_at) for c in certification(holder, now=now).expiring
        ] == [
            (c.record.module.title, c.expires_at) for c in expiring if c.record.user_id == holder.pk
        ]
    return expiring


@pytest.mark.django_db
def test_a_certificate_links_to_its_page(certificate):
    assert certificate_url(certificate.code) == reverse(
        "certificates:detail", args=[certificate.code]
    )


@pytest.mark.django_db
class TestExpiringSoon:
    def test_the_warning_window_is_thirty_days_up_to_the_expiry(self, certificate):
        expires = certificate.expires_at
        assert expiring_at(expires - 30 * DAY - datetime.timedelta(seconds=1)) == []
        assert expiring_at(expires - 30 * DAY) == [certificate]
        assert expiring_at(expires - datetime.timedelta(seconds=1)) == [certificate]
        assert expiring_at(expires) == []

    def test_a_revoked_certificate_is_not_expiring(self, certificate, compliance):
        with time_machine.travel(certificate.expires_at - 40 * DAY, tick=False):
            certificate_revoke(officer=compliance, certificate=certificate, reason="Shared")
        assert expiring_at(certificate.expires_at - 10 * DAY) == []

    def test_a_superseded_certificate_is_expiring_only_while_still_valid(
        self, builder, required, certificate, compliance
    ):
        now = certificate.expires_at - 20 * DAY
        due = timezone.localdate(now) + 5 * DAY
        require_recertification(builder, required, compliance, now=now, due_date=due)
        assert expiring_at(now) == [certificate]
        ended = now + 7 * DAY
        certificate = Certificate.objects.select_related("supersession").get()
        assert certificate.status_at(ended) == CertificationStatus.SUPERSEDED
        assert expiring_at(ended) == []

    def test_recertification_supersedes_what_was_valid_at_the_moment_it_is_required(
        self, builder, required, certificate, compliance
    ):
        now = certificate.expires_at - 20 * DAY
        with time_machine.travel(certificate.expires_at + DAY):  # read later, once expired
            due = timezone.localdate(now) + 5 * DAY
            require_recertification(builder, required, compliance, now=now, due_date=due)
        certificate = Certificate.objects.select_related("supersession").get()
        assert certificate.status_at(now + 7 * DAY) == CertificationStatus.SUPERSEDED

    def test_compliance_sees_only_certificates_expiring_soon(self, client, certificate, compliance):
        link = reverse("certificates:detail", args=[certificate.code])
        with time_machine.travel(certificate.expires_at - 10 * DAY):
            client.force_login(compliance)
            assert link in client.get(reverse("compliance:queue")).content.decode()
        with time_machine.travel(certificate.expires_at - 40 * DAY):
            client.force_login(compliance)
            assert link not in client.get(reverse("compliance:queue")).content.decode()


@pytest.mark.django_db
class TestWhatTheRepIsTold:
    def module_page(self, client, rep, required):
        client.force_login(rep)
        return client.get(reverse("learner:module", args=[required.slug])).content.decode()

    def test_from_completion_to_revocation(self, client, rep, required, record, compliance):
        assert "Awaiting review" in self.module_page(client, rep, required)
        with time_machine.travel(START + DAY, tick=False):
            certificate = completion_certify(officer=compliance, record=record)
        assert 'badge-valid">Certified<' in self.module_page(client, rep, required)
        certificate_revoke(officer=compliance, certificate=certificate, reason="Shared")
        assert 'badge-revoked">Certificate revoked<' in self.module_page(client, rep, required)

    def test_a_rejection_asks_for_a_redo(self, client, rep, required, record, compliance):
        completion_reject(
            officer=compliance,
            record=record,
            note="Too quick.",
            redo_steps=list(required.steps.all()),
        )
        assert 'badge-rejected">Rejected: redo required<' in self.module_page(client, rep, required)

    def test_expiry_and_required_recertification(
        self, client, builder, rep, required, certificate, compliance
    ):
        with time_machine.travel(certificate.expires_at + DAY):
            assert 'badge-expired">Certificate expired<' in self.module_page(client, rep, required)
        now = timezone.now()
        require_recertification(
            builder, required, compliance, now=now, due_date=timezone.localdate(now)
        )
        with time_machine.travel(now + 2 * DAY):
            page = self.module_page(client, rep, required)
        assert 'badge-superseded">Recertification due<' in page


@pytest.mark.django_db
class TestWhatComplianceAndTheVerifierSee:
    def test_the_report_shows_labels_and_offers_every_status(
        self, client, rep, certificate, compliance
    ):
        client.force_login(compliance)
        page = client.get(reverse("compliance:report")).content.decode()
        assert '<span class="badge badge-certified">Certified</span>' in page
        for value, label in [
            ("certified", "Certified"),
            ("pending", "Pending"),
            ("rejected", "Rejected"),
            ("expired", "Expired"),
            ("revoked", "Revoked"),
            ("missing", "Missing"),
        ]:
            assert f'<option value="{value}">{label}</option>' in page
        filtered = client.get(reverse("compliance:report"), {"status": "missing"})
        assert "badge-certified" not in filtered.content.decode()

    def test_a_superseded_certificate_reads_as_expired_to_a_verifier(
        self, client, builder, required, certificate, compliance
    ):
        now = timezone.now()
        require_recertification(
            builder, required, compliance, now=now, due_date=timezone.localdate(now)
        )
        with time_machine.travel(now + 2 * DAY):
            verify = client.get(reverse("verify:code", args=[certificate.code])).content.decode()
            client.force_login(compliance)
            detail = client.get(reverse("certificates:detail", args=[certificate.code]))
            listing = client.get(reverse("compliance:certificates")).content.decode()
        assert "</span> is <strong>expired</strong>. Its holder was required" in verify
        assert "<dt>Expires</dt>" in verify
        detail = detail.content.decode()
        assert "This certificate is <strong>superseded</strong>" in detail
        assert '<span class="badge badge-superseded">Superseded</span>' in detail
        assert '<span class="badge badge-superseded">Superseded</span>' in listing

    def test_a_valid_certificate_has_no_warning(self, client, certificate, compliance):
        client.force_login(compliance)
        detail = client.get(reverse("certificates:detail", args=[certificate.code]))
        content = detail.content.decode()
        assert "This certificate is <strong>" not in content
        assert '<span class="badge badge-valid">Valid</span>' in content
