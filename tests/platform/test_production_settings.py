"""The production settings: the deploy check passes, the site refuses to start without a secret
key, and HTTPS, HSTS and login throttling are on.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_backends
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]


def production_env(**changes) -> dict:
    """A production-like environment: no DEBUG, a long random key, one host, HTTPS on."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "HTTPS", "SECURE_", "ALLOWED"))
        and key not in {"TRUSTED_PROXY_COUNT", "DATABASE_URL"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "trainer.settings",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "callready.example.com",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env |= changes
    return {key: value for key, value in env.items() if value is not None}


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check_with_no_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "WARNING" not in result.stderr.upper()


@pytest.mark.parametrize("entry_point", ["trainer.wsgi", "trainer.asgi"])
@pytest.mark.parametrize("key", [None, ""])
def test_without_a_secret_key_the_site_refuses_to_start(entry_point, key):
    result = run_python(f"import {entry_point}", production_env(SECRET_KEY=key, DEBUG=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_without_a_secret_key_commands_that_sign_nothing_still_run():
    # A build step checks the project and collects static files before any secret exists.
    for command in (["check"], ["makemigrations", "--check", "--dry-run"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=production_env(SECRET_KEY=None, DEBUG=None),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr


PRODUCTION_VALUES = (
    "from django.conf import settings as s; import json; print(json.dumps({k: getattr(s, k) for k "
    "in ['SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', "
    "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'LANGUAGE_COOKIE_SECURE', "
    "'SECURE_PROXY_SSL_HEADER', 'DEBUG', 'AUTHENTICATION_BACKENDS', 'MIDDLEWARE']}))"
)


@pytest.fixture(scope="module")
def production():
    import json

    result = run_python(PRODUCTION_VALUES, production_env())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_turns_https_on(production):
    assert production["DEBUG"] is False
    assert production["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["LANGUAGE_COOKIE_SECURE"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_production_throttles_logins_with_axes(production):
    assert production["AUTHENTICATION_BACKENDS"] == [
        "axes.backends.AxesStandaloneBackend",
        "courses.platform.backends.RoleAwareBackend",
        "courses.platform.oidc.SingleSignOnBackend",
    ]
    assert production["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"
    # The suite runs with the same backends, so its logins are throttled as in production.
    assert isinstance(get_backends()[0], AxesStandaloneBackend)


@pytest.mark.django_db
def test_hsts_over_https_with_the_production_value(production, rep):
    client = Client()
    client.force_login(rep)
    with override_settings(
        SECURE_HSTS_SECONDS=production["SECURE_HSTS_SECONDS"],
        SECURE_HSTS_INCLUDE_SUBDOMAINS=production["SECURE_HSTS_INCLUDE_SUBDOMAINS"],
        SECURE_HSTS_PRELOAD=production["SECURE_HSTS_PRELOAD"],
        SECURE_SSL_REDIRECT=True,
        SECURE_PROXY_SSL_HEADER=tuple(production["SECURE_PROXY_SSL_HEADER"]),
    ):
        secure = client.get("/", secure=True)
        assert secure.status_code == 200
        expected = f"max-age={production['SECURE_HSTS_SECONDS']}; includeSubDomains; preload"
        assert secure["Strict-Transport-Security"] == expected
        # Through the proxy, which says the browser used HTTPS.
        proxied = client.get("/", HTTP_X_FORWARDED_PROTO="https")
        assert proxied["Strict-Transport-Security"] == expected
        # Plain HTTP is sent to HTTPS, and never gets the header (browsers ignore it there).
        plain = client.get("/catalogue/?x=1")
        assert plain.status_code == 301
        assert plain["Location"] == "https://testserver/catalogue/?x=1"
        assert "Strict-Transport-Security" not in plain
