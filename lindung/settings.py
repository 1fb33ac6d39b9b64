"""Lindung settings: everything comes from environment variables.

Modes (``LINDUNG_MODE``):
- ``production`` (default): DEBUG off; refuses to start without ``LINDUNG_SECRET_KEY``
  and ``LINDUNG_ALLOWED_HOSTS``.
- ``demo`` / ``dev``: DEBUG on for ``dev`` only; a random secret key is kept in the data directory.
- ``test``: used by the test suite.
"""

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lindung.datadir import private_dir


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("LINDUNG_DATA_DIR", str(Path.cwd() / "lindung-data"))).resolve()
# `lindung demo` leaves this file in the data directory it made: the mode is then demo unless set.
DEMO_MARKER = DATA_DIR / "DEMO"
MODE = env_str("LINDUNG_MODE", "demo" if DEMO_MARKER.exists() else "production").lower()
if MODE not in {"production", "demo", "dev", "test"}:
    raise ImproperlyConfigured(f"LINDUNG_MODE must be production, demo, dev or test, not {MODE!r}")
PRODUCTION = MODE == "production"
DEBUG = env_bool("LINDUNG_DEBUG", MODE == "dev")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("LINDUNG_DEBUG cannot be on in production mode.")


def _secret_key() -> str:
    key = env_str("LINDUNG_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "LINDUNG_SECRET_KEY is required in production mode "
            "(set LINDUNG_MODE=demo to try Lindung locally)."
        )
    if MODE == "test":
        return "lindung-test-only-key"
    # Demo and dev keep a random key beside their database so sessions survive restarts.
    private_dir(DATA_DIR)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Bank account numbers are stored encrypted (lindung/encryption.py): Fernet keys, comma-separated, the
# first encrypting; empty: a key kept in the data directory (file account_key, created 0600).
ACCOUNT_KEYS = env_list("LINDUNG_ACCOUNT_KEY") or (["bGluZHVuZy10ZXN0LW9ubHktYWNjb3VudC1rZXktMzI="]
                                                    if MODE == "test" else [])
ALLOWED_HOSTS = env_list("LINDUNG_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("LINDUNG_ALLOWED_HOSTS is required in production mode.")
CSRF_TRUSTED_ORIGINS = env_list("LINDUNG_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves Swagger UI for /api/v1/docs from its own static files (no CDN)
    "axes",
    "lindung.processes",
    "lindung.accounts",
    "lindung.regions",
    "lindung.people",
    "lindung.audit",
    "lindung.rules",
    "lindung.funding",
    "lindung.billing",
    "lindung.coverage",
    "lindung.autodebit",
    "lindung.agents",
    "lindung.programmes",
    "lindung.reminders",
    "lindung.claims",
    "lindung.imports",
    "lindung.reports",
    "lindung.web",
    "lindung.api",
    "lindung.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lindung.headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lindung.routing.ReadYourWritesMiddleware",  # after a write, the user's reads stay on the primary a while
    "lindung.accounts.middleware.LanguageMiddleware",  # Indonesian unless the user chose English
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lindung.accounts.middleware.AccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lindung.urls"
# The address people reach Lindung at, for links printed on paper (QR codes on member cards).
PUBLIC_URL = env_str("LINDUNG_PUBLIC_URL", "http://127.0.0.1:8000")
# Day of the month on which `lindung worker` takes the previous month's coverage snapshot (0: never; by
# hand with `lindung coverage snapshot`).
LINDUNG_SNAPSHOT_DAY = env_int("LINDUNG_SNAPSHOT_DAY", 0)
if not 0 <= LINDUNG_SNAPSHOT_DAY <= 28:
    raise ImproperlyConfigured("LINDUNG_SNAPSHOT_DAY must be a day from 1 to 28, or 0 for never.")
# A report with more rows than this is generated by the background worker, not in the request.
REPORTS_BACKGROUND_ROWS = env_int("LINDUNG_REPORTS_BACKGROUND_ROWS", 20_000)
WSGI_APPLICATION = "lindung.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
CSRF_FAILURE_VIEW = "lindung.web.views.csrf_failure"  # the layout's 403 page, in the user's language
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lindung.accounts.context.access",
                "lindung.web.context.navigation",
            ],
            # number, rupiah and percent filters in every template: one way to write numbers.
            "builtins": ["lindung.web.templatetags.numbers", "lindung.web.templatetags.labels"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'lindung.sqlite3'}"),
        conn_max_age=env_int("LINDUNG_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers continue during imports and billing runs; IMMEDIATE takes the write lock
    # at the start of a transaction so two writers queue instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
# Read replicas (lindung.routing, docs/deployment.md): hot standbys of a PostgreSQL primary, as
# comma-separated URLs; read-only work (dashboards, indicators, reports, exports, API lists) reads there.
REPLICA_URLS = env_list("LINDUNG_DB_REPLICAS")
if REPLICA_URLS and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("LINDUNG_DB_REPLICAS needs a PostgreSQL primary (DATABASE_URL).")
LINDUNG_REPLICAS = []
for _number, _url in enumerate(REPLICA_URLS, start=1):
    _replica = dj_database_url.parse(_url, conn_max_age=env_int("LINDUNG_DB_CONN_MAX_AGE", 0))
    _replica.setdefault("OPTIONS", {})["connect_timeout"] = env_int("LINDUNG_REPLICA_CONNECT_TIMEOUT", 2)
    _replica["TEST"] = {"MIRROR": "default"}  # tests read the test database's copy on the standby
    DATABASES[f"replica{_number}"] = _replica
    LINDUNG_REPLICAS.append(f"replica{_number}")
# A replica further behind the primary than this is not read (seconds); its state is asked at most once
# per LINDUNG_REPLICA_CHECK_SECONDS per process; after a write a user reads from the primary this long.
LINDUNG_REPLICA_MAX_LAG_SECONDS = env_int("LINDUNG_REPLICA_MAX_LAG_SECONDS", 30)
LINDUNG_REPLICA_CHECK_SECONDS = env_int("LINDUNG_REPLICA_CHECK_SECONDS", 5)
LINDUNG_READ_YOUR_WRITES_SECONDS = env_int("LINDUNG_READ_YOUR_WRITES_SECONDS", 15)
DATABASE_ROUTERS = ["lindung.routing.ReplicaRouter"]
# DATABASE_URL behind a transaction-mode connection pooler (PgBouncer): a connection carries no session
# state, so no server-side prepared statements and no server-side cursors (docs/deployment.md, "Connection
# pooler"). Replicas are reached directly and keep streaming large reads through server-side cursors.
DB_POOLER = env_str("LINDUNG_DB_POOLER", "").strip().lower()
if DB_POOLER not in ("", "transaction"):
    raise ImproperlyConfigured(f"LINDUNG_DB_POOLER must be empty or transaction, not {DB_POOLER!r}")
if DB_POOLER == "transaction" and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LINDUNG_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if MODE == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("LINDUNG_TIME_ZONE", "Asia/Jakarta")
# Language of the `lindung` command's output when --lang is not given (id or en; default LANGUAGE_CODE).
COMMAND_LANGUAGE = env_str("LINDUNG_LANG", "")
# The `lindung` command shows a failure as one line; LINDUNG_TRACEBACK=1 shows the whole traceback.
COMMAND_TRACEBACK = env_bool("LINDUNG_TRACEBACK", False)
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Uploaded and generated files (worker lists, statements, error reports, generated reports). Several app
# servers and workers need one shared folder (an NFS or other network volume): set LINDUNG_FILES_DIR.
MEDIA_ROOT = Path(env_str("LINDUNG_FILES_DIR", str(DATA_DIR / "files"))).resolve()

# Uploads (docs/imports.md, "Limits and retention"): every uploaded file is refused above
# UPLOAD_MAX_MB before it is read; a spreadsheet is read in a separate process limited to
# SHEET_MEMORY_MB, and refused when its sheet spans more than SHEET_MAX_CELLS cells.
UPLOAD_MAX_MB = env_int("LINDUNG_UPLOAD_MAX_MB", 25)
# Run queued imports in a thread of the web process ("thread") or never ("off"); by default only on
# the embedded setup (SQLite, demo/dev) — production runs `lindung worker`.
IMPORT_WORKER = env_str("LINDUNG_IMPORT_WORKER", "").strip().lower()
SHEET_MAX_CELLS = env_int("LINDUNG_SHEET_MAX_CELLS", 2_000_000)
SHEET_MEMORY_MB = env_int("LINDUNG_SHEET_MEMORY_MB", 1024)
UPLOAD_RETENTION_DAYS = env_int("LINDUNG_UPLOAD_RETENTION_DAYS", 30)
# Personal data at rest: uploads 0600 in 0700 folders (lindung.datadir).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "lindung.uploads.LimitedUploadHandler",
]
# Claim documents (death certificates, family cards …): personal data, never served as media files;
# only the claims document view sends them, after an access check and an audit entry.
CLAIMS_DOCUMENT_DIR = Path(env_str("LINDUNG_CLAIMS_DOCUMENT_DIR", str(DATA_DIR / "claims-documents"))).resolve()
CLAIMS_DOCUMENT_MAX_BYTES = env_int("LINDUNG_CLAIMS_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024)
# Serve straight from the installed packages: no collectstatic step before the demo.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

def env_date(name: str, default: str):
    return dt.date.fromisoformat(env_str(name, default))


# Dates any door accepts (birth dates, payment dates, months); see lindung.limits.
LINDUNG_DATE_MIN = env_date("LINDUNG_DATE_MIN", "1900-01-01")
LINDUNG_DATE_MAX = env_date("LINDUNG_DATE_MAX", "2100-12-31")
# Donor matching: workers per request, and confirmations plus cancellations per user per hour.
LINDUNG_MATCHING_MAX_WORKERS = env_int("LINDUNG_MATCHING_MAX_WORKERS", 5000)
LINDUNG_MATCHING_ACTIONS_PER_HOUR = env_int("LINDUNG_MATCHING_ACTIONS_PER_HOUR", 20)
# Registering: refused registrations ("cannot register") per user per hour before a pause.
LINDUNG_REGISTRATION_REFUSALS_PER_HOUR = env_int("LINDUNG_REGISTRATION_REFUSALS_PER_HOUR", 30)
# Importing (dry runs included): rows naming a worker registered outside the uploader's regions, per user
# per hour, before imports stop (the same existence oracle as the registration form, in bulk).
LINDUNG_IMPORT_REFUSALS_PER_HOUR = env_int("LINDUNG_IMPORT_REFUSALS_PER_HOUR", 100)

SESSION_COOKIE_HTTPONLY = True
# Idle timeout: a session ends after LINDUNG_SESSION_IDLE_MINUTES without a request (each request
# renews it), and when the browser closes.
SESSION_COOKIE_AGE = env_int("LINDUNG_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# API tokens expire after this many days unless issued with another lifetime (lindung users token --days).
LINDUNG_TOKEN_DAYS = env_int("LINDUNG_TOKEN_DAYS", 90)
SESSION_COOKIE_SECURE = env_bool("LINDUNG_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Served over HTTPS (secure cookies on): browsers are told to use HTTPS only, for a year by default.
SECURE_HSTS_SECONDS = env_int("LINDUNG_HSTS_SECONDS", 31_536_000) if SESSION_COOKIE_SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LINDUNG_LOG_LEVEL", "WARNING")},
}

# Reminders (lindung.reminders): "console" (printed) or "email" (Django's EMAIL_* settings below), or the
# dotted path of a deployment's own sender class (an SMS or WhatsApp gateway).
LINDUNG_REMINDER_SENDER = env_str("LINDUNG_REMINDER_SENDER", "console")
EMAIL_HOST = env_str("LINDUNG_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LINDUNG_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("LINDUNG_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("LINDUNG_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("LINDUNG_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("LINDUNG_EMAIL_FROM", "lindung@localhost")
