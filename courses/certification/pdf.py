"""The certificate page as a PDF: the same template rendered by WeasyPrint for print media, so
the site's stylesheet and `print.css` apply exactly as when a browser prints the page.

WeasyPrint takes about a second to import, so only the PDF view imports this module. It reads
the site's static files from disk and fetches nothing else.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative addresses in the page resolve against this; only static files are then read.
BASE_URL = "http://callready.invalid/"
CONTENT_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".js": "text/javascript"}


class StaticFileFetcher(URLFetcher):
    """The site's static files, from disk; any other address is refused."""

    def fetch(self, url, headers=None):
        path = static_file(url)
        if path is None:
            raise ValueError(f"not one of the site's static files: {url}")
        content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def static_file(url: str) -> Path | None:
    """The file a static address names: collected (and hashed) files when they are collected,
    else the source folders'. None for anything else."""
    prefix = urlsplit(settings.STATIC_URL).path
    path = urlsplit(url).path
    if not path.startswith(prefix):
        return None
    name = path.removeprefix(prefix)
    if not name or ".." in Path(name).parts:
        return None
    if settings.STATIC_ROOT and staticfiles_storage.exists(name):
        return Path(staticfiles_storage.path(name))
    found = finders.find(name)
    return Path(found) if found else None


def pdf_from_html(html: str) -> bytes:
    """A page as it prints, as PDF bytes. A stylesheet that cannot be read stops the render:
    a certificate without its styles is not the printed certificate."""
    document = HTML(
        string=html,
        base_url=BASE_URL,
        url_fetcher=StaticFileFetcher(fail_on_errors=True),
        media_type="print",
    )
    return document.write_pdf()
