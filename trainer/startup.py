"""What the site checks before it serves, from either entry point (WSGI or ASGI)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_SECRET_KEY = (
    "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random string "
    "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), or set "
    "DEBUG=1 for local development."
)


def require_secret_key() -> None:
    """Refuse to serve without a secret key: sessions, CSRF tokens and password-reset links
    are all signed with it."""
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # how Django answers when the key is empty
        key = ""
    if not key:
        raise ImproperlyConfigured(MISSING_SECRET_KEY)
