"""A certificate as a document: the public address that verifies it, and that address as a QR
code. The PDF of the printed page is in `pdf.py`."""

import segno
from django.conf import settings
from django.urls import reverse

# Error correction M (15%): a printed code still reads with a smudge or a fold.
QR_ERROR = "m"


def verification_url(code: str) -> str:
    """The address that checks a certificate: what it prints, and what its QR code encodes."""
    return settings.SITE_URL + reverse("verify:code", args=[code])


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG markup: one path in a viewBox, with its quiet zone,
    and no size or style of its own (CSS sizes it)."""
    return segno.make(url, error=QR_ERROR).svg_inline(
        scale=1, omitsize=True, svgclass="qr-code", lineclass=None
    )
