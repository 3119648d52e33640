"""CallReady settings, read from the environment.

Development: `DEBUG=1` and nothing else. Production: `DEBUG` unset, and `SECRET_KEY`,
`ALLOWED_HOSTS` and `DATABASE_URL` set; a missing `SECRET_KEY` stops the start with a message.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from courses.platform.oidc_roles import RoleMapError, parse_role_map

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

# Without a key (and without DEBUG) the settings still load, so that commands which sign
# nothing (check, makemigrations, migrate, collectstatic) run in a build step; the site itself
# refuses to start (trainer/startup.py), and anything that would sign fails loudly.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Public address of the site, used for links in emails and on printed certificates.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Django's admin, on a site that writes every change made there to the audit log.
    "courses.platform.adminsite.AuditedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "courses",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before common: the language follows the user's choice, else the browser.
    "django.middleware.locale.LocaleMiddleware",
    # A login that finds the person's stored language puts it in the language cookie.
    "courses.platform.language.LanguageAtLoginMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After authentication: whether this session confirmed a one-time code, and then the
    # two-factor gate (courses/platform/twofactor.py), whatever way the person logged in.
    "django_otp.middleware.OTPMiddleware",
    "courses.platform.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication, messages and htmx: a session left idle too long ends here.
    "courses.platform.idle.IdleSessionMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trainer.urls"
WSGI_APPLICATION = "trainer.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "courses.platform.context_processors.roles",
            ],
        },
    },
]


def database_config(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # One file, many readers, one writer at a time: WAL lets pages read while a write
        # commits, IMMEDIATE takes the write lock up front so concurrent writers queue
        # instead of failing with "database is locked" halfway through a transaction.
        # Connections are kept (opening one runs the pragmas below each time).
        config["CONN_HEALTH_CHECKS"] = False
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # Pages read through a memory map (up to 256 MB of the file) and up to 32 MB of
            # them cached per connection: the defaults (no map, 2 MB) re-read the indexes
            # of a large organisation on every dashboard.
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                "PRAGMA mmap_size=268435456;PRAGMA cache_size=-32000;"
            ),
        }
    return config


DATABASES = {
    "default": database_config(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'callready.sqlite3'}"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): the axes backend refuses a locked-out login before the
# password is checked; then Django's ModelBackend (which also loads each request's user with
# their roles in one query) does the real authentication.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "courses.platform.backends.RoleAwareBackend",
    # Single sign-on's callback (courses/platform/oidc.py); it does nothing unless
    # OIDC_ISSUER_URL is set.
    "courses.platform.oidc.SingleSignOnBackend",
]
# Five wrong passwords for one username from one address lock that pair out for 15 minutes.
# Username and address together: one person's typos never lock out a whole office behind one
# address, and nobody elsewhere can lock a colleague out by guessing at their username. Failures
# are counted for the username as typed, whether or not an account has it, so the lockout looks
# the same for an existing account and an unknown name (registration/locked_out.html).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # lockouts are still logged; this only silences the start-up banner
# The client address: REMOTE_ADDR, unless TRUSTED_PROXY_COUNT says how many trusted proxies in
# front of the app append to X-Forwarded-For (never trust that header without a proxy that
# sets it, or every guess could claim a new address and escape the lockout).
if trusted_proxies := int(os.environ.get("TRUSTED_PROXY_COUNT", "0")):
    AXES_IPWARE_PROXY_COUNT = trusted_proxies
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Two-factor authentication (django-otp): an authenticator app's time-based codes, with one-time
# recovery codes. Anyone may turn it on for their account, and is then asked for a code after
# each login; REQUIRE_2FA=1 makes it compulsory for compliance officers and administrators
# (is_staff), who cannot open any page until they have set it up and entered a code. Wrong codes
# lock verification out for 1, 2, 4, 8... seconds (django-otp's throttling, per device).
REQUIRE_2FA = env_bool("REQUIRE_2FA")
OTP_TOTP_ISSUER = "CallReady"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Database sessions (Django's, with their read written out: courses/platform/sessions.py): one
# query per request, and a logout or an expiry holds in every server process at once.
SESSION_ENGINE = "courses.platform.sessions"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "learner:home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on with OpenID Connect (courses/platform/oidc.py, through mozilla-django-oidc): off
# unless OIDC_ISSUER_URL is set. The provider's endpoints and signing keys are read from
# <issuer>/.well-known/openid-configuration when first needed, so the site starts while the
# provider is down. The role map is checked here: a mistake stops the start with a message.
OIDC_ISSUER_URL = os.environ.get("OIDC_ISSUER_URL", "").strip().rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip()
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_ROLE_CLAIM = os.environ.get("OIDC_ROLE_CLAIM", "").strip() or "groups"
OIDC_ROLE_MAP: dict[str, frozenset[str]] = {}
# Password login only for administrators (staff); everyone else signs in with single sign-on.
OIDC_ONLY = env_bool("OIDC_ONLY")
if OIDC_ISSUER_URL:
    if not OIDC_RP_CLIENT_ID or not OIDC_RP_CLIENT_SECRET:
        raise ImproperlyConfigured(
            "OIDC_ISSUER_URL is set, so OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be too: "
            "the client this site is registered as at the provider."
        )
    try:
        OIDC_ROLE_MAP = parse_role_map(os.environ.get("OIDC_ROLE_MAP", ""))
    except RoleMapError as error:
        raise ImproperlyConfigured(str(error)) from error
elif OIDC_ONLY:
    raise ImproperlyConfigured(
        "OIDC_ONLY=1 turns password login off, but OIDC_ISSUER_URL is not set: nobody but "
        "an administrator could sign in. Set OIDC_ISSUER_URL (and the other OIDC_* "
        "variables) or unset OIDC_ONLY."
    )
# ID tokens are RS256-signed, checked against the provider's published keys (JWKS), and must be
# for this client (aud), from this issuer (iss), and unexpired, with no leeway for clock skew.
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_CLOCK_LEEWAY_SECONDS = 0
# The login lockout counts password guesses; a single sign-on callback is not one.
AXES_WHITELIST_CALLABLE = "courses.platform.oidc.is_single_sign_on"
# Least privilege: sessions and password resets ------------------------------------------------
# A signed-in session ends after this many minutes without a request (courses/platform/idle.py);
# compliance officers and administrators (staff), who can see and change more, get less.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "60"))
SESSION_IDLE_MINUTES_PRIVILEGED = int(os.environ.get("SESSION_IDLE_MINUTES_PRIVILEGED", "15"))
# Password reset requests (courses/platform/resets.py): at most five an hour from one client
# address (read as the login lockout reads it) and three an hour for one email address; counted
# in the database, so the limits hold across every server process.
PASSWORD_RESET_LIMIT_PER_ADDRESS = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_ADDRESS", "5"))
PASSWORD_RESET_LIMIT_PER_ACCOUNT = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_ACCOUNT", "3"))
PASSWORD_RESET_LIMIT_WINDOW = datetime.timedelta(hours=1)
# Login lockout records (django-axes) older than this are deleted by `clear_lockouts`.
LOCKOUT_RECORDS_KEPT_DAYS = int(os.environ.get("LOCKOUT_RECORDS_KEPT_DAYS", "30"))

# The interface speaks English and Finnish; course content is written in English.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fi", "Suomi")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
# Days, times and numbers as each language writes them (trainer/formats/<language>/formats.py);
# templates use the named formats ("DATE_FORMAT", "TIME_FORMAT", ...), never literal ones.
FORMAT_MODULE_PATH = "trainer.formats"
# Numbers on these pages are small (scores, counts, percentages): no grouping of thousands.
USE_THOUSAND_SEPARATOR = False
# A choice of language is remembered by the browser for a year (and, for a signed-in person, in
# the database: courses/platform/language.py). Only the server reads the cookie.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_TZ = True

STATIC_URL = "static/"
# Production serves the collected, hashed files; development serves them from the source folder.
STATIC_ROOT = None if DEBUG else Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Caching policy. Nothing that shows progress (completions, attempts, roles, sessions) is kept
# across requests for a time: pages read it from the database. Content changes only when
# `load_content` runs, so question banks (and their answer keys), parsed roleplay scripts and
# modules' steps are kept in the "content" cache, keyed by their modules' content versions: a
# load that changes a module gives it a new version, so no server reads a stale entry, whichever
# process did the load; the loader also empties the cache after a load that changed anything. It
# is local memory in each process: entries are cheap to rebuild, and reading them must not cost a
# network round trip. "default" is local memory too, unless CACHE_BACKEND (a Django cache
# backend's dotted path) and CACHE_LOCATION name a shared one.
CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("CACHE_LOCATION", "default"),
    },
    "content": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "content",
        "TIMEOUT": None,  # an entry is good for as long as its content version
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}

# Email: the console in development; SMTP from the environment in production.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CallReady <training@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if DEBUG and not os.environ.get("EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS"),
                "timeout": 20,
            },
        }
    }

# Background tasks (reminder emails): run at once by default; TASKS_BACKEND=database queues
# them in the database for `manage.py db_worker` to run.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if os.environ.get("TASKS_BACKEND") == "database"
            else "django.tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

# Content Security Policy: only our own files; no inline scripts or styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Behind a TLS-terminating proxy in production; HTTPS=0 turns this off (for loopback serving).
if not DEBUG and env_bool("HTTPS", default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preload-ready by default (a year, subdomains included); SECURE_HSTS_PRELOAD=0 opts out.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # A certificate's PDF: WeasyPrint would warn, on every render, of each screen-only rule in
    # site.css that print has no use for.
    "loggers": {"weasyprint": {"level": "ERROR"}},
}
