"""Password checks with throttling: login and signing share one failure counter."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import LoginFailure, User


def login_is_locked(*, username: str, ip: str) -> bool:
    """True once the username or the address has too many recent failures."""
    since = timezone.now() - dt.timedelta(seconds=settings.PROSEDUR_LOGIN_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since)
    limit = settings.PROSEDUR_LOGIN_MAX_FAILURES
    by_user = recent.filter(username__iexact=username).count() if username else 0
    by_ip = recent.filter(ip=ip).count() if ip else 0
    return by_user >= limit or by_ip >= limit * 4


@transaction.atomic
def login_failure_record(*, username: str, ip: str) -> None:
    LoginFailure.objects.create(username=username[:150], ip=ip[:64])


@transaction.atomic
def login_failures_clear(*, username: str) -> None:
    LoginFailure.objects.filter(Q(username__iexact=username)).delete()


def password_confirm(*, user: User, password: str, ip: str) -> bool:
    """Re-check a signed-in user's password (signing). A failure counts towards the lock-out."""
    if login_is_locked(username=user.username, ip=ip):
        return False
    if user.check_password(password):
        return True
    login_failure_record(username=user.username, ip=ip)
    return False
