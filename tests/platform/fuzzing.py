"""Fuzzing every form and htmx endpoint with random and hostile input: the values, and the checks.

For each endpoint: never a 500; a refused request (4xx, a form shown again with errors, or a
redirect carrying an error) changes nothing in the database; nobody reaches another person's or
another team's things; and text that is stored (assignment notes, review notes, reasons) is
shown escaped on every page that displays it.

Each example runs in a savepoint that is rolled back, so every example meets the same world
(the `world` fixture in conftest.py). The number of examples comes from a Hypothesis profile:
FUZZ_PROFILE=fuzz (the default, quick), fuzz-long (many more, for a nightly run).
"""

from __future__ import annotations

import datetime
import os
import re

from django import forms
from django.contrib import messages
from django.contrib.messages.storage.base import BaseStorage
from django.test import Client
from django.test.utils import ContextList
from django.utils.html import escape
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.platform.support import World, body_of, snapshot

settings.register_profile(
    "fuzz",
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    print_blob=True,
)
settings.register_profile("fuzz-long", parent=settings.get_profile("fuzz"), max_examples=500)
FUZZ = settings.get_profile(os.environ.get("FUZZ_PROFILE", "fuzz"))


HTMX = {"HTTP_HX_REQUEST": "true"}


# Hostile values ------------------------------------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "{{ request }}{% debug %}",
]
PAYLOADS = [
    *XSS,
    "' OR '1'='1'; --",
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u200e\u061c",  # RTL and LTR marks
    "😀🚀👩\u200d💻",
    "\x00",
    "a\x00b",
    "\ufeff",
    "²",  # a digit to str.isdigit(), not to int()
    "٣",  # an Arabic-Indic digit: int() takes it
    "①",
    "",
    " ",
    "\t\r\n",
    "-1",
    "0",
    "-0",
    "1.5",
    "1e309",
    "NaN",
    "Infinity",
    "9" * 30,
    "9" * 5000,  # past Python's int() digit limit
    "None",
    "null",
    "true",
    "[]",
    "{}",
    "../../../etc/passwd",
    "%00",
    "x" * 100_000,  # 100 KB
    "<b>" * 1000,
]
hostile = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.builds(lambda p, t: p + t, st.sampled_from(PAYLOADS), st.text(max_size=8)),
)
MARK = "fz"  # stored text carries a unique marker, so a raw copy in a page cannot be a fluke
marked = st.builds(
    lambda payload, n: f"{payload} {MARK}{n}{MARK}",
    st.sampled_from([*XSS, "\u202e<b>evil</b>", "😀 & <i>"]),
    st.integers(0, 10**9),
)
text_input = st.one_of(hostile, marked)
dates = st.one_of(
    st.dates().map(datetime.date.isoformat),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "31/12/2026", "2026-13-01"]),
    st.integers(-3, 800).map(lambda d: (datetime.date.today() + datetime.timedelta(d)).isoformat()),
    hostile,
)
# Form values: one value, several values for one name, or none.
value = st.one_of(hostile, st.lists(hostile, max_size=3))


def ids_of(w: World) -> list[str]:
    """Ids of everything in the world, other people's and other teams' included."""
    objects = [
        *w.users.values(),
        w.module,
        w.pending_module,
        w.certificate,
        w.record,
        w.pending_record,
        w.attempt,
        w.open_attempt,
        w.run,
        w.open_run,
        w.dnc_run,
        w.other_attempt,
        w.other_run,
        w.other_certificate,
        w.alpha,
        w.bravo,
        w.assignment,
        w.other_assignment,
    ]
    return sorted({str(o.pk) for o in objects} | {"0", "-1", "99999", str(2**63), str(2**64)})


def url_ids(w: World):
    """Integers for URL converters (<int:...> takes digits only), big ones included."""
    return st.one_of(
        st.sampled_from([int(i) for i in ids_of(w) if i.lstrip("-").isdigit() and int(i) >= 0]),
        st.integers(0, 2**80),
    )


# The checks ----------------------------------------------------------------------------------


def queued_messages(response) -> list:
    storage = getattr(response.wsgi_request, "_messages", None)
    return list(storage._queued_messages) if isinstance(storage, BaseStorage) else []


def form_errors(response) -> bool:
    context = response.context
    if context is None:
        return False
    for each in context if isinstance(context, ContextList) else [context]:
        for item in each.flatten().values():
            if isinstance(item, forms.BaseForm) and item.is_bound and item.errors:
                return True
    return False


def refused(response) -> bool:
    """A 4xx, a form shown again with errors, or a redirect with only warnings or errors (a
    bulk action that did some of what it was asked says so with a success message too)."""
    levels = {m.level for m in queued_messages(response)}
    return (
        response.status_code >= 400
        or form_errors(response)
        or (max(levels, default=0) >= messages.WARNING and messages.SUCCESS not in levels)
    )


def no_nul_stored() -> None:
    """PostgreSQL refuses NUL in text; SQLite stores it. Nothing may store one (or the same
    request is a 500 on PostgreSQL)."""
    for rows in snapshot().values():
        for row in rows:
            for field in row:
                assert not (isinstance(field, str) and "\x00" in field), row


def send(client: Client, method: str, url: str, data=None, htmx: bool = False, before=None):
    """Make the request; assert no 500, and that a refusal changed nothing."""
    client.cookies.pop("messages", None)
    before = snapshot() if before is None else before
    extra = HTMX if htmx else {}
    if method == "GET":
        response = client.get(url, data or {}, **extra)
    else:
        response = client.post(url, data or {}, **extra)
    assert response.status_code < 500, (url, data)
    if refused(response):
        assert snapshot() == before, (url, response.status_code, data)
    else:
        no_nul_stored()
    return response


def as_client(w: World, role: str) -> Client:
    client = Client()
    client.force_login(w.users[role])
    return client


def is_marked(text: str) -> bool:
    """Carries the marker and something HTML would read as markup."""
    return re.search(rf"{MARK}\d+{MARK}", text) is not None and escape(text) != text


def assert_shown_escaped(text: str, pages: list[tuple[Client, str]], hidden=()) -> None:
    """Stored text appears escaped, never raw, on every page that shows it (and is not raw on
    the `hidden` pages, which may leave it out)."""
    if not is_marked(text):
        return
    shown = escape(text)
    for client, url in [*pages, *hidden]:
        body = body_of(client.get(url))
        assert text not in body, url
        if (client, url) in pages:
            assert shown in body, url


codes = st.one_of(
    st.from_regex(r"[A-Z0-9]{1,40}", fullmatch=True),
    st.text(min_size=1, max_size=40).filter(lambda c: "/" not in c and c not in {".", ".."}),
)
