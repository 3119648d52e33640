"""Settings for the test suite: the real settings, with a throwaway key and fast hashing."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-real-site")
# Tests talk plain HTTP to their servers; the HTTPS settings are checked separately.
os.environ.setdefault("HTTPS", "0")

from trainer.settings import *  # noqa: F403
from trainer.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
SITE_URL = "https://callready.test"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# A file, not memory, so that threads and live servers in tests use real separate connections.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One per test process, so that two test runs on one machine never share a database.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"callready-test-{os.getpid()}.sqlite3")
    }

# The caches are the real ones (local memory), emptied before each test (tests/conftest.py).

# Many tests log in and then move the clock on by hours or days: a session ends for being idle
# only in the tests that say so (tests/platform/test_idle.py).
SESSION_IDLE_MINUTES = SESSION_IDLE_MINUTES_PRIVILEGED = 10 * 365 * 24 * 60
