"""Test settings: the production settings with a throwaway key, fast hashing and plain static files."""

from __future__ import annotations

import os

os.environ.setdefault("PROSEDUR_SECRET_KEY", "test-" + "k" * 60)
os.environ.setdefault("PROSEDUR_DEBUG", "0")

from .settings import *  # noqa: E402,F403
from .settings import DATABASES, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if "PROSEDUR_DATABASE_URL" not in os.environ:
    DATABASES["default"]["NAME"] = str(VAR_DIR / "test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# tasks run at once in the test's thread (after commit, as in production); retries without waiting
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PROSEDUR_EMAIL_RETRY_SECONDS = 0.0
