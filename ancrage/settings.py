"""Django settings for Ancrage.

Configuration comes from the environment; the defaults serve local development and the demo
(SQLite in ``var/``). Production sets ``ANCRAGE_ENV=production``, ``SECRET_KEY`` and
``DATABASE_URL`` (PostgreSQL).
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ANCRAGE_VAR_DIR", BASE_DIR / "var"))
SHARED_DATA_DIR = Path(os.environ.get("ANCRAGE_SHARED_DATA", BASE_DIR.parent / "shared" / "data"))

ENV = os.environ.get("ANCRAGE_ENV", "development")
PRODUCTION = ENV == "production"
DEBUG = os.environ.get("DEBUG", "0" if PRODUCTION else "1") == "1"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set in production")
    SECRET_KEY = "dev-only-insecure-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

# Demo data and demo accounts are only ever created when this is on, never in production.
DEMO_MODE = (not PRODUCTION) and os.environ.get("ANCRAGE_DEMO", "1") == "1"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "ninja",
    "django_htmx",
    "template_partials",
    "dsfr",
    "widget_tweaks",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "ancrage.core",
    "ancrage.territory",
    "ancrage.organisations",
    "ancrage.audit",
    "ancrage.persons",
    "ancrage.pathways",
    "ancrage.access",
    "ancrage.directory",
    "ancrage.referrals",
    "ancrage.rome",
    "ancrage.employment",
    "ancrage.tracks",
    "ancrage.deadlines",
    "ancrage.steering",
    "ancrage.linkage",
    "ancrage.imports",
    "ancrage.notifications",
    "ancrage.scheduling",
    "ancrage.demo",
    "ancrage.www",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "ancrage.organisations.middleware.CurrentOrganisationMiddleware",
    "ancrage.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "ancrage.urls"
WSGI_APPLICATION = "ancrage.wsgi.application"

# Widgets render with the project's templates too (the job-title field has its own widget template).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ancrage" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ancrage.organisations.context_processors.actor",
            ],
            "string_if_invalid": os.environ.get("ANCRAGE_TEMPLATE_STRICT", ""),
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'ancrage.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("ANCRAGE_TEST_DB") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 31536000

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "ancrage" / "static"]
MEDIA_ROOT = VAR_DIR / "media"

# The address of this instance, for links in e-mails sent outside a request (reminders, answer links).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Ancrage <ne-pas-repondre@ancrage.local>")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

DSFR_USE_INTEGRITY_CHECKSUMS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# After a pathway ends, its organisation keeps the record for this long (CNIL référentiel
# 2023-095: active base 2 years after the last contact), then the pathway grant expires.
ACCESS_AFTER_EXIT_DAYS = int(os.environ.get("ACCESS_AFTER_EXIT_DAYS", "730"))

# Referrals: no answer after this many days -> expired; the recipient is reminded this many days before;
# the recipient keeps the shared sections this many days after the referral closes.
REFERRAL_EXPIRY_DAYS = int(os.environ.get("REFERRAL_EXPIRY_DAYS", "30"))
REFERRAL_REMINDER_DAYS = int(os.environ.get("REFERRAL_REMINDER_DAYS", "10"))
REFERRAL_ACCESS_AFTER_CLOSE_DAYS = int(os.environ.get("REFERRAL_ACCESS_AFTER_CLOSE_DAYS", "30"))

# Pagination sizes used by list pages and the API.
PAGE_SIZE = 25
API_PAGE_SIZE = 50
# Referral attachments: at most this many files per referral, each at most this many bytes.
REFERRAL_ATTACHMENTS_MAX = int(os.environ.get("REFERRAL_ATTACHMENTS_MAX", "5"))
REFERRAL_ATTACHMENT_MAX_BYTES = int(os.environ.get("REFERRAL_ATTACHMENT_MAX_BYTES", str(5 * 1024 * 1024)))
FILE_UPLOAD_PERMISSIONS = 0o600
