"""The certificate as a document: its QR code, its code in groups, the Print button, the PDF
download, and the verification page naming the code it checked."""

import io
import re

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from courses.certification.documents import qr_svg, verification_url
from courses.certification.models import code_groups
from courses.certification.services import certificate_revoke, completion_certify
from courses.curriculum.loading import load_curriculum
from courses.models import Certificate, Module
from tests.factories import complete_module
from tests.support import days_before_today

START = days_before_today(7)  # certificates issued then are valid whenever the tests run
CODE = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


# --- Pure: no database. ---


def test_the_verification_url_is_the_site_url_and_the_code():
    with override_settings(SITE_URL="http://127.0.0.1:8123"):
        assert verification_url(CODE) == f"http://127.0.0.1:8123/verify/{CODE}/"


def test_the_qr_code_is_inline_svg_sized_by_css():
    svg = qr_svg(f"https://callready.test/verify/{CODE}/")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'class="qr-code"' in svg and "viewBox" in svg
    assert "width=" not in svg and "style" not in svg


def test_the_qr_code_encodes_the_address(monkeypatch):
    import segno

    made = []
    real = segno.make
    monkeypatch.setattr(segno, "make", lambda content, **kw: made.append(content) or real(content))
    qr_svg("https://callready.test/verify/X/")
    assert made == ["https://callready.test/verify/X/"]


def test_a_code_reads_in_groups_of_four():
    assert code_groups(CODE) == [
        "ABCD", "EFGH", "JKLM", "NPQR", "STUV", "WXYZ", "2345", "6789",
    ]  # fmt: skip
    assert code_groups("ABCDEF") == ["ABCD", "EF"]
    assert code_groups("") == []


# --- Pages. ---


@pytest.fixture
def certificate(db, builder, rep, compliance):
    rep.first_name, rep.last_name = "Dana", "Okafor"
    rep.save()
    builder.course(modules=["module-1"])
    builder.required_module()
    load_curriculum(builder.root)
    with time_machine.travel(START, tick=False):
        record = complete_module(rep, Module.objects.get())
        return completion_certify(officer=compliance, record=record)


def detail(certificate):
    return reverse("certificates:detail", args=[certificate.code])


def pdf_url(certificate):
    return reverse("certificates:pdf", args=[certificate.code])


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.django_db
class TestCertificatePage:
    def test_it_shows_the_qr_code_of_its_verification_address(
        self, client, certificate, rep, monkeypatch
    ):
        from courses.certification import documents

        encoded = []
        real = documents.qr_svg
        monkeypatch.setattr(documents, "qr_svg", lambda url: encoded.append(url) or real(url))
        client.force_login(rep)
        page = client.get(detail(certificate)).content.decode()
        address = f"https://callready.test/verify/{certificate.code}/"
        assert encoded == [address]
        figure = re.search(r'<div class="certificate-qr" role="img" aria-label="([^"]+)">', page)
        assert figure and address in figure[1]
        assert '<svg viewBox="0 0' in page and 'class="qr-code"' in page

    def test_the_code_is_shown_in_unbreakable_groups(self, client, certificate, rep):
        client.force_login(rep)
        page = client.get(detail(certificate)).content.decode()
        groups = "-<wbr>".join(
            f'<span class="code-group">{g}</span>' for g in certificate.code_groups
        )
        assert f'<p class="certificate-code">{groups}</p>' in page

    def test_print_waits_for_javascript_and_the_pdf_link_does_not(self, client, certificate, rep):
        client.force_login(rep)
        page = client.get(detail(certificate)).content.decode()
        assert '<button type="button" class="button" data-print hidden>Print</button>' in page
        assert re.search(r'<script src="[^"]*js/certificate\.js" defer nonce="[^"]+">', page)
        assert f'href="{pdf_url(certificate)}" download>Download PDF</a>' in page

    def test_queries_are_few_and_fixed(
        self, client, certificate, rep, manager, django_assert_max_num_queries
    ):
        # The session with the user, the certificate with its record, and for anyone but its
        # holder whether the holder is in their reach; the PDF reads the same.
        for person, budget in [(rep, 3), (manager, 4)]:
            client.force_login(person)
            for url in (detail(certificate), pdf_url(certificate)):
                with django_assert_max_num_queries(budget):
                    assert client.get(url).status_code == 200


@pytest.mark.django_db
class TestCertificatePdf:
    def test_the_holder_downloads_the_printed_certificate_as_a_pdf(self, client, certificate, rep):
        client.force_login(rep)
        response = client.get(pdf_url(certificate))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            f'attachment; filename="callready-certificate-{certificate.code}.pdf"'
        )
        assert response.content.startswith(b"%PDF")
        reader = PdfReader(io.BytesIO(response.content))
        assert len(reader.pages) == 1  # as printed: one page
        text = pdf_text(response.content)
        assert "Certificate of completion" in text and "Dana Okafor" in text
        assert certificate.display_code in text.replace("\n", "")
        # The page's chrome and its buttons are not printed.
        assert "Download PDF" not in text and "Log out" not in text

    def test_the_pdf_is_for_the_same_people_as_the_page(
        self, client, certificate, rep, manager, compliance, other_manager, other_rep
    ):
        for person, status in [
            (rep, 200),
            (manager, 200),
            (compliance, 200),
            (other_manager, 404),
            (other_rep, 404),
        ]:
            client.force_login(person)
            assert client.get(detail(certificate)).status_code == status, person
            response = client.get(pdf_url(certificate))
            assert response.status_code == status, person
            assert response.content.startswith(b"%PDF") == (status == 200)

    def test_visitors_are_sent_to_log_in(self, client, certificate):
        response = client.get(pdf_url(certificate))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_a_tampered_code_is_not_found(self, client, certificate, rep):
        client.force_login(rep)
        tampered = "Z" * 32 if certificate.code != "Z" * 32 else "Y" * 32
        assert client.get(f"/certificates/{tampered}/certificate.pdf").status_code == 404
        assert (
            client.get(f"/certificates/{certificate.code[:-1]}/certificate.pdf").status_code == 404
        )
        assert client.post(pdf_url(certificate)).status_code == 405

    def test_a_revoked_certificate_prints_as_revoked(self, client, certificate, rep, compliance):
        certificate_revoke(officer=compliance, certificate=certificate, reason="Shared evidence.")
        client.force_login(rep)
        text = pdf_text(client.get(pdf_url(certificate)).content)
        assert "Revoked" in text


@pytest.mark.django_db
class TestVerifyNamesTheCode:
    def test_a_valid_certificate(self, client, certificate, django_assert_max_num_queries):
        with django_assert_max_num_queries(3):
            page = client.get(reverse("verify:code", args=[certificate.code])).content.decode()
        groups = "-<wbr>".join(
            f'<span class="code-group">{g}</span>' for g in certificate.code_groups
        )
        assert (
            f'Certificate <span class="checked-code">{groups}</span> is <strong>valid</strong>'
            in page
        )

    def test_an_unknown_code_is_named_as_checked(self, client, certificate):
        response = client.get(reverse("verify:code", args=["abcd-efgh"]))
        assert response.status_code == 404
        page = response.content.decode()
        assert (
            'Certificate <span class="checked-code"><span class="code-group">ABCD</span>-<wbr>'
            '<span class="code-group">EFGH</span></span> was not found.'
        ) in page

    def test_a_revoked_certificate(self, client, certificate, compliance):
        certificate_revoke(officer=compliance, certificate=certificate, reason="Shared evidence.")
        page = client.get(reverse("verify:code", args=[certificate.code])).content.decode()
        assert "</span> is <strong>revoked</strong>" in page

    @pytest.mark.parametrize(
        "typed",
        [
            lambda c: c.display_code,
            lambda c: c.display_code.lower(),
            lambda c: c.code.lower(),
            lambda c: " ".join(c.code_groups),
            lambda c: " " + " - ".join(g.lower() for g in c.code_groups) + " ",
        ],
    )
    def test_the_form_takes_the_code_however_it_is_typed(self, client, certificate, typed):
        response = client.get(reverse("verify:form"), {"code": typed(certificate)})
        assert response.status_code == 302
        assert response["Location"] == reverse("verify:code", args=[certificate.code])
        page = client.get(response["Location"]).content.decode()
        assert "is <strong>valid</strong>" in page

    def test_nothing_is_written_by_checking(self, client, certificate):
        client.get(reverse("verify:form"), {"code": "<script>"}, follow=True)
        assert Certificate.objects.count() == 1


class TestPdfReadsOnlyStaticFiles:
    def test_a_source_static_file(self):
        from courses.certification.pdf import static_file

        found = static_file("http://callready.invalid/static/css/print.css")
        assert found is not None and found.name == "print.css"

    def test_a_collected_hashed_file(self, tmp_path):
        from courses.certification.pdf import static_file

        (tmp_path / "css").mkdir()
        (tmp_path / "css" / "site.0123abcd.css").write_text("body {}")
        with override_settings(STATIC_ROOT=tmp_path):
            found = static_file("http://callready.invalid/static/css/site.0123abcd.css")
        assert found == tmp_path / "css" / "site.0123abcd.css"

    @pytest.mark.parametrize(
        "url",
        [
            "http://callready.invalid/static/css/nothing.css",
            "http://callready.invalid/static/../manage.py",
            "http://callready.invalid/static/",
            "http://callready.invalid/verify/",
            "file:///etc/passwd",
        ],
    )
    def test_anything_else_is_refused(self, url):
        from courses.certification.pdf import StaticFileFetcher, static_file

        assert static_file(url) is None
        with pytest.raises(ValueError, match="not one of the site's static files"):
            StaticFileFetcher().fetch(url)
