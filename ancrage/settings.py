"""Django settings for Ancrage.

Configuration comes from the environment; the defaults serve local development and the demo
(SQLite in ``var/``). Production sets ``ANCRAGE_ENV=production``, ``SECRET_KEY`` and
``DATABASE_URL`` (PostgreSQL).
"""

import os
from datetime import timedelta
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
# The e-mail domain of every demo account (ancrage.demo.cast); on a demo instance their current TOTP
# code is shown on the sign-in pages (ancrage.organisations.two_factor.is_demo_account).
DEMO_EMAIL_DOMAIN = "demo.ancrage.fr"

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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
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
    "ancrage.retention",
    "ancrage.demo",
    "ancrage.ops",
    "ancrage.www",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ancrage.organisations.session_expiry.SessionIdleTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "ancrage.organisations.two_factor.TwoFactorMiddleware",
    "ancrage.organisations.middleware.CurrentOrganisationMiddleware",
    "ancrage.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
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
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
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

# --- ops: production server, static files, e-mail, backups ---
# Static files are served by WhiteNoise (gunicorn behind a reverse proxy or alone). In production they
# are compressed and hashed by ``collectstatic`` (long cache headers); tests and dev need no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", STATIC_ROOT))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", MEDIA_ROOT))
# E-mail: a real SMTP server in production (the console in development unless EMAIL_BACKEND says otherwise).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Backups (``backup_create`` / ``backup_restore``): AES-256-GCM with this key (base64 of 32 bytes,
# ``manage.py backup_key`` makes one). Required in production; in development a key is kept in var/.
BACKUP_KEY = os.environ.get("BACKUP_KEY", "")
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
STATIC_BROTLI_QUALITY = int(os.environ.get("STATIC_BROTLI_QUALITY", "5"))
if PRODUCTION:
    # whitenoise's compressed manifest storage, brotli at STATIC_BROTLI_QUALITY (collectstatic in seconds)
    STORAGES["staticfiles"]["BACKEND"] = "ancrage.ops.staticfiles.StaticFilesStorage"
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

# --- proconnect: ProConnect sign-in, Content-Security-Policy, deployment checks ---
# ProConnect (OpenID Connect, https://www.proconnect.gouv.fr): offered on the login page only when the
# client id, its secret and the issuer are all set (endpoints come from the issuer's discovery document
# unless given explicitly). See ancrage/organisations/proconnect.py for who may sign in this way.
PROCONNECT_CLIENT_ID = os.environ.get("PROCONNECT_CLIENT_ID", "")
PROCONNECT_CLIENT_SECRET = os.environ.get("PROCONNECT_CLIENT_SECRET", "")
PROCONNECT_ISSUER = os.environ.get("PROCONNECT_ISSUER", "")  # e.g. https://auth.agentconnect.gouv.fr/api/v2
PROCONNECT_SCOPES = os.environ.get("PROCONNECT_SCOPES", "openid email given_name usual_name siret")
PROCONNECT_ACR_VALUES = os.environ.get("PROCONNECT_ACR_VALUES", "eidas1")
PROCONNECT_AUTHORIZATION_ENDPOINT = os.environ.get("PROCONNECT_AUTHORIZATION_ENDPOINT", "")
PROCONNECT_TOKEN_ENDPOINT = os.environ.get("PROCONNECT_TOKEN_ENDPOINT", "")
PROCONNECT_USERINFO_ENDPOINT = os.environ.get("PROCONNECT_USERINFO_ENDPOINT", "")
PROCONNECT_JWKS_ENDPOINT = os.environ.get("PROCONNECT_JWKS_ENDPOINT", "")
PROCONNECT_END_SESSION_ENDPOINT = os.environ.get("PROCONNECT_END_SESSION_ENDPOINT", "")
PROCONNECT_TIMEOUT = float(os.environ.get("PROCONNECT_TIMEOUT", "10"))
# Listed even when ProConnect is off: it then answers nothing (and never sees password sign-ins).
AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "ancrage.organisations.proconnect.ProConnectBackend"]

# Content-Security-Policy (django-csp 4): no inline script or style anywhere, no third-party origin
# except ProConnect as a form target (logout sends the browser to its end-session endpoint).
_csp_form_action = ["'self'"]
if PROCONNECT_ISSUER:
    from urllib.parse import urlsplit as _urlsplit

    _issuer = _urlsplit(PROCONNECT_ISSUER)
    _csp_form_action.append(f"{_issuer.scheme}://{_issuer.netloc}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": _csp_form_action,
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
if os.environ.get("CSP_REPORT_URI"):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [os.environ["CSP_REPORT_URI"]]

# Behind a TLS-terminating proxy, the header it sets and its value, e.g. "HTTP_X_FORWARDED_PROTO,https"
# (only when the proxy always sets it and strips it from clients, as Django's documentation requires).
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    _proxy_header, _comma, _proxy_value = os.environ["SECURE_PROXY_SSL_HEADER"].partition(",")
    SECURE_PROXY_SSL_HEADER = (_proxy_header.strip(), _proxy_value.strip() or "https")
# Origins allowed to POST (scheme included), e.g. "https://ancrage.example.org"; comma-separated.
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
if PRODUCTION:
    # HSTS for a year, sub-domains included (every host of the service's domain speaks HTTPS).
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
    # Preloading commits the whole registrable domain (usually the territory's or the State's, not
    # ours) to HTTPS in browsers for good: an opt-in for its owner, so its check is silenced otherwise.
    SECURE_HSTS_PRELOAD = os.environ.get("SECURE_HSTS_PRELOAD", "0") == "1"
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- auth: two-factor authentication, sign-in lockout, session expiry ---
# Second factor (django-otp): TOTP application + 10 recovery codes, mandatory for every active membership
# and every platform administrator (rule and enforcement: ancrage/organisations/two_factor.py).
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Ancrage")
# Wrong codes: 1, 2, 4, 8… seconds before the next attempt is checked (per device).
OTP_TOTP_THROTTLE_FACTOR = int(os.environ.get("OTP_TOTP_THROTTLE_FACTOR", "1"))
OTP_STATIC_THROTTLE_FACTOR = int(os.environ.get("OTP_STATIC_THROTTLE_FACTOR", "1"))
# Sign-in lockout (django-axes, see ancrage/organisations/lockout.py): 5 wrong passwords on one account,
# or 30 from one IP address, lock it for 15 minutes; the lockout page answers 429 in French.
AXES_HANDLER = "ancrage.organisations.lockout.AncrageAxesHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
ANCRAGE_LOCKOUT_IP_FAILURE_LIMIT = int(os.environ.get("ANCRAGE_LOCKOUT_IP_FAILURE_LIMIT", "30"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "ancrage.organisations.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "ancrage.organisations.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Attempts made while locked do not push the end of the lockout further.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_SENSITIVE_PARAMETERS = ["username", "password"]
# Behind a reverse proxy, the client address comes from a header the proxy sets (never trust one a client
# could send): AXES_IPWARE_META_PRECEDENCE_ORDER="HTTP_X_FORWARDED_FOR,REMOTE_ADDR" and
# AXES_IPWARE_PROXY_COUNT=<number of proxies in front of Django>. Without them, REMOTE_ADDR is used.
AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(
    h.strip() for h in os.environ.get("AXES_IPWARE_META_PRECEDENCE_ORDER", "REMOTE_ADDR").split(",") if h.strip()
)
AXES_IPWARE_PROXY_COUNT = (
    int(os.environ["AXES_IPWARE_PROXY_COUNT"]) if os.environ.get("AXES_IPWARE_PROXY_COUNT") else None
)
# Sessions end after SESSION_IDLE_TIMEOUT seconds without a request (0: never), within the absolute
# SESSION_COOKIE_AGE cap; HTMX progress polling does not count as activity.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 10)))
SESSION_IDLE_IGNORED_URL_NAMES = ("imports:status", "steering:report_status")

# --- retention (ADR 9) ---
# Two years after the last contact (ACCESS_AFTER_EXIT_DAYS) a record is archived, then anonymised
# RETENTION_GRACE_DAYS later. The daily job always runs, but dry (it reports and records what it would
# do) until RETENTION_ENABLED=1: a DPO reads a dry run's report first (manage.py retention_run).
RETENTION_ENABLED = os.environ.get("RETENTION_ENABLED", "0") == "1"
RETENTION_GRACE_DAYS = int(os.environ.get("RETENTION_GRACE_DAYS", "92"))
