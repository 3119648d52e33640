"""A minimal HTTP client for tests against a real server (live_server), many at a time."""

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.crypto import get_random_string


class Session:
    """Signed in as `user` through a real session cookie, with a CSRF cookie of its own."""

    def __init__(self, base_url: str, user):
        # An IP address, because the standard cookie jar will not match cookies to "localhost".
        self.base_url = base_url.replace("//localhost:", "//127.0.0.1:")
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        self.csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
        self.jar = http.cookiejar.CookieJar()
        host = urllib.parse.urlparse(self.base_url).hostname
        for name, value in (
            (settings.SESSION_COOKIE_NAME, store.session_key),
            (settings.CSRF_COOKIE_NAME, self.csrf),
        ):
            self.jar.set_cookie(
                http.cookiejar.Cookie(
                    0,
                    name,
                    value,
                    None,
                    False,
                    host,
                    False,
                    False,
                    "/",
                    True,
                    False,
                    None,
                    True,
                    None,
                    None,
                    {},
                )
            )
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(
            self.base_url + path,
            data=body,
            headers={"X-CSRFToken": self.csrf, "Referer": self.base_url + "/", **(headers or {})},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def get(self, path: str):
        return self.request(path)

    def post(self, path: str, data: dict | None = None, headers: dict | None = None):
        return self.request(path, data or {}, headers)
