"""Lindung settings: everything comes from environment variables.

Modes (``LINDUNG_MODE``):
- ``production`` (default): DEBUG off; refuses to start without ``LINDUNG_SECRET_KEY``
  and ``LINDUNG_ALLOWED_HOSTS``.
- ``demo`` / ``dev``: DEBUG on for ``dev`` only; a random secret key is kept in the data directory.
- ``test``: used by the test suite.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


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
MODE = env_str("LINDUNG_MODE", "production").lower()
if MODE not in {"production", "demo", "dev", "test"}:
    raise ImproperlyConfigured(f"LINDUNG_MODE must be production, demo, dev or test, not {MODE!r}")
PRODUCTION = MODE == "production"

DATA_DIR = Path(env_str("LINDUNG_DATA_DIR", str(Path.cwd() / "lindung-data"))).resolve()
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
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
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
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "lindung.accounts",
    "lindung.regions",
    "lindung.people",
    "lindung.audit",
    "lindung.rules",
    "lindung.funding",
    "lindung.billing",
    "lindung.coverage",
    "lindung.claims",
    "lindung.imports",
    "lindung.reports",
    "lindung.web",
    "lindung.api",
    "lindung.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
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
WSGI_APPLICATION = "lindung.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
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
            ],
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
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "files"

# Uploads (docs/imports.md, "Limits and retention"): every uploaded file is refused above
# UPLOAD_MAX_MB before it is read; a spreadsheet is read in a separate process limited to
# SHEET_MEMORY_MB, and refused when its sheet spans more than SHEET_MAX_CELLS cells.
UPLOAD_MAX_MB = env_int("LINDUNG_UPLOAD_MAX_MB", 25)
SHEET_MAX_CELLS = env_int("LINDUNG_SHEET_MAX_CELLS", 2_000_000)
SHEET_MEMORY_MB = env_int("LINDUNG_SHEET_MEMORY_MB", 1024)
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

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("LINDUNG_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LINDUNG_LOG_LEVEL", "WARNING")},
}
