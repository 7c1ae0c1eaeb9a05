"""Django settings, read from the environment (`PROSEDUR_*`) so one file serves demo, test and production.

Defaults are safe for production (DEBUG off, secure cookies, HSTS); the demo sets
`PROSEDUR_DEBUG=1` to serve plain HTTP on localhost.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ya"}


def parse_database_url(url: str) -> dict[str, Any]:
    """`postgres://user:pass@host:port/name` or `sqlite:///path` -> a DATABASES entry.

    Hand-written because two schemes do not justify a dependency. SQLite gets the settings that make
    it safe for a small multi-user deployment: WAL, synchronous=FULL, IMMEDIATE write transactions
    (no "database is locked" on lock upgrade) and a busy timeout.
    """
    parts = urlsplit(url)
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        options = dict(parse_qsl(parts.query))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    if parts.scheme == "sqlite":
        # sqlite:///relative/path, sqlite:////absolute/path, sqlite://:memory:
        raw = url[len("sqlite://"):]
        name = raw[1:] if raw.startswith("/") else raw
        if name and name != ":memory:" and not Path(name).is_absolute():
            name = str(REPO_DIR / name)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name or ":memory:",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON",
            },
        }
    raise ValueError(f"PROSEDUR_DATABASE_URL: unsupported scheme {parts.scheme!r}")


DEBUG = env_bool("PROSEDUR_DEBUG")
SECRET_KEY = os.environ.get("PROSEDUR_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("PROSEDUR_SECRET_KEY must be set when PROSEDUR_DEBUG is off")
    SECRET_KEY = "insecure-demo-key-only-for-debug-" + "x" * 32
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("PROSEDUR_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("PROSEDUR_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

VAR_DIR = Path(os.environ.get("PROSEDUR_VAR_DIR", REPO_DIR / "var"))
DATABASES = {
    "default": parse_database_url(
        os.environ.get("PROSEDUR_DATABASE_URL", f"sqlite:///{VAR_DIR / 'prosedur.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "prosedur_web.common",
    "prosedur_web.accounts",
    "prosedur_web.audit",
    "prosedur_web.procedures",
    "prosedur_web.reviews",
    "prosedur_web.socialisation",
    "prosedur_web.distribution",
    "prosedur_web.sms",
    "prosedur_web.search",
    "prosedur_web.work",
    "prosedur_web.sopimport",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "prosedur_web.common.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "prosedur_web.common.middleware.FormEncodingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "prosedur_web.common.sessions.SessionRefreshMiddleware",
    "prosedur_web.common.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "prosedur_web.common.limits.RequestBodyLimitMiddleware",  # before CSRF, which reads the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "prosedur_web.common.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "prosedur_web.urls"
WSGI_APPLICATION = "prosedur_web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "prosedur_web.common.context.site",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "procedures:procedure_list"
LOGOUT_REDIRECT_URL = "accounts:login"
# Optional directory sign-in (docs/deploy.md "Directory sign-in"): LDAP / Active Directory when PROSEDUR_LDAP_URI
# is set, OpenID Connect when PROSEDUR_OIDC_CLIENT_ID is; local accounts (ModelBackend) keep working after them.
from prosedur_web.accounts import directory_settings as _directory  # noqa: E402

_LDAP = _directory.ldap_settings(os.environ)
_OIDC = _directory.oidc_settings(os.environ)
globals().update(_LDAP | _OIDC)
AUTHENTICATION_BACKENDS = _directory.backends(_LDAP["PROSEDUR_LDAP_ENABLED"], _OIDC["PROSEDUR_OIDC_ENABLED"])
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Bahasa Indonesia first; English through set_language.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("PROSEDUR_TIME_ZONE", "Asia/Jakarta")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Sessions: inactivity timeout, cookies closed to scripts. The expiry slides forward at most once a
# minute (SessionRefreshMiddleware), not on every request: a GET does not write the session row.
SESSION_COOKIE_AGE = int(os.environ.get("PROSEDUR_SESSION_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = False
PROSEDUR_SESSION_REFRESH_SECONDS = int(os.environ.get("PROSEDUR_SESSION_REFRESH_SECONDS", 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = not DEBUG and env_bool("PROSEDUR_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("PROSEDUR_BEHIND_PROXY") else None
# The client address (audit trail, login throttle): the n-th X-Forwarded-For entry from the right, n = the
# reverse proxies in front of the app (common/client.py); 0: REMOTE_ADDR. Behind a proxy: 1 unless set.
PROSEDUR_TRUSTED_PROXIES = int(os.environ.get("PROSEDUR_TRUSTED_PROXIES", 1 if env_bool("PROSEDUR_BEHIND_PROXY") else 0))
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("PROSEDUR_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Login throttling (accounts/services.py): failures (login or signing password) free per account and address
# before growing delays (1, 2, 4 ... seconds, at most MAX_DELAY), and how long a quiet pair keeps its count.
PROSEDUR_LOGIN_MAX_FAILURES = int(os.environ.get("PROSEDUR_LOGIN_MAX_FAILURES", 5))
PROSEDUR_LOGIN_WINDOW_SECONDS = int(os.environ.get("PROSEDUR_LOGIN_WINDOW_SECONDS", 15 * 60))
PROSEDUR_LOGIN_MAX_DELAY_SECONDS = int(os.environ.get("PROSEDUR_LOGIN_MAX_DELAY_SECONDS", 15 * 60))

# "Tugas saya" lists periodic reviews due within this many days (or overdue), as the review calendar's "soon".
PROSEDUR_REVIEW_SOON_DAYS = int(os.environ.get("PROSEDUR_REVIEW_SOON_DAYS", 30))

# The procedure library the demo imports and whose pustaka.yaml provides roles and units.
PROSEDUR_LIBRARY = Path(os.environ.get("PROSEDUR_LIBRARY", REPO_DIR / "examples" / "smlti"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # a 403 is one warning line, without the traceback Django attaches to PermissionDenied
    "filters": {"forbidden_one_line": {"()": "prosedur_web.common.middleware.ForbiddenWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["forbidden_one_line"]}},
    "loggers": {"django.request": {"filters": ["forbidden_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("PROSEDUR_LOG_LEVEL", "WARNING")},
}

# Demo (DEBUG) serves static files straight from the source folders; production from collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Rendered fragments of revisions in force (content-addressed keys, never stale): per process unless
# PROSEDUR_CACHE_URL names a Redis server (redis://host:port/db; needs the `redis` package).
_CACHE_URL = os.environ.get("PROSEDUR_CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
    if _CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "prosedur",
          "OPTIONS": {"MAX_ENTRIES": 1000}}
}
PROSEDUR_FRAGMENT_SECONDS = int(os.environ.get("PROSEDUR_FRAGMENT_SECONDS", 7 * 24 * 3600))

# Files the app writes (cached downloads) through Django's storage API.
MEDIA_ROOT = Path(os.environ.get("PROSEDUR_MEDIA_ROOT", VAR_DIR / "files"))
# the audit trail's signed daily anchors (manage.py anchor_audit): keep them off the database host
PROSEDUR_ANCHOR_DIR = Path(os.environ.get("PROSEDUR_ANCHOR_DIR", VAR_DIR / "anchors"))
# Public address printed in PDF QR codes (/verifikasi/<hash>/); empty: the request's own host.
PROSEDUR_SITE_URL = os.environ.get("PROSEDUR_SITE_URL", "")

# The signing certificate of issued PDFs (PAdES; docs/deploy.md "Sertifikat penandatangan"): the PKCS#12 file
# the agency's certification authority issued, its passphrase (environment only), an optional RFC 3161
# time-stamp server, the trust roots uploaded copies are verified against (PEM files separated by ":"; unset:
# the signing certificate itself). PROSEDUR_SIGNING_P12 unset: the demo certificate `seed_demo` writes to
# var/signing/ (public passphrase, demo CA as trust root), which `manage.py check --deploy` refuses.
PROSEDUR_SIGNING_DEMO_DIR = VAR_DIR / "signing"
PROSEDUR_SIGNING_P12 = os.environ.get("PROSEDUR_SIGNING_P12") or str(PROSEDUR_SIGNING_DEMO_DIR / "demo-signing.p12")
PROSEDUR_SIGNING_PASSPHRASE = os.environ.get("PROSEDUR_SIGNING_PASSPHRASE", "")
PROSEDUR_SIGNING_TSA_URL = os.environ.get("PROSEDUR_SIGNING_TSA_URL", "")
PROSEDUR_SIGNING_TRUST = [p for p in os.environ.get("PROSEDUR_SIGNING_TRUST", "").split(os.pathsep) if p.strip()]
PROSEDUR_SIGNING_LOCATION = os.environ.get("PROSEDUR_SIGNING_LOCATION", "")
# Request bodies (see common/limits.py and docs/deploy.md): checked from Content-Length before anything is
# read; the reverse proxy should enforce the same figure (nginx client_max_body_size).
PROSEDUR_MAX_REQUEST_BYTES = int(os.environ.get("PROSEDUR_MAX_REQUEST_BYTES", 32 * 1024 * 1024))
PROSEDUR_MAX_ANONYMOUS_REQUEST_BYTES = int(os.environ.get("PROSEDUR_MAX_ANONYMOUS_REQUEST_BYTES", 64 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = PROSEDUR_MAX_REQUEST_BYTES  # form fields up to the cap are parsed, then judged
PROSEDUR_VERIFY_MAX_BYTES = int(os.environ.get("PROSEDUR_VERIFY_MAX_BYTES", 20 * 1024 * 1024))
# pyHanko logs every failed certificate path with a traceback: one per forged upload, not worth a log line
LOGGING["loggers"] |= {"pyhanko": {"level": "ERROR"}, "pyhanko_certvalidator": {"level": "ERROR"}}

# E-mail (distribution notices): printed to the console unless SMTP is configured.
EMAIL_BACKEND = os.environ.get(
    "PROSEDUR_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if os.environ.get("PROSEDUR_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("PROSEDUR_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PROSEDUR_EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("PROSEDUR_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PROSEDUR_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("PROSEDUR_EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("PROSEDUR_EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("PROSEDUR_EMAIL_TIMEOUT", 20))
DEFAULT_FROM_EMAIL = os.environ.get("PROSEDUR_EMAIL_FROM", "prosedur@localhost")

# Background tasks (Django's Tasks API through the django-tasks backport): notifications' e-mails are
# delivered by `manage.py db_worker` from the database queue (docs/deploy.md); another backend is one setting
# away (PROSEDUR_TASKS_BACKEND, e.g. django_tasks.backends.immediate.ImmediateBackend: in the request).
TASKS = {"default": {"BACKEND": os.environ.get("PROSEDUR_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
                     "QUEUES": ["default"]}}
# A failed delivery is tried again after RETRY_SECONDS, then twice as long each time, MAX_ATTEMPTS in all;
# then the notification is recorded as failed (Notification.email_failed). Mail is enqueued BATCH at a time.
PROSEDUR_EMAIL_MAX_ATTEMPTS = int(os.environ.get("PROSEDUR_EMAIL_MAX_ATTEMPTS", 5))
PROSEDUR_EMAIL_RETRY_SECONDS = float(os.environ.get("PROSEDUR_EMAIL_RETRY_SECONDS", 60))
PROSEDUR_EMAIL_BATCH = int(os.environ.get("PROSEDUR_EMAIL_BATCH", 500))
# Signed SOP files uploaded for import (sopimport) are read by the queue worker in this many processes.
PROSEDUR_IMPORT_JOBS = int(os.environ.get("PROSEDUR_IMPORT_JOBS", 2))
# Files one request may carry (Django refuses more with a 400): an SOP upload batch takes up to this many.
DATA_UPLOAD_MAX_NUMBER_FILES = int(os.environ.get("PROSEDUR_IMPORT_MAX_FILES", 400))
