"""E-mail of notifications, through the task queue: enqueued after commit in batches, retried with
growing delays, and every outcome recorded on the notification (emailed, attempts, last error, failed).

A request only writes rows and enqueues a few tasks (one per `PROSEDUR_EMAIL_BATCH` notifications), so
distributing to 20,000 readers does not wait for the mail server. A backend that can defer tasks (the
database queue) schedules each retry `PROSEDUR_EMAIL_RETRY_SECONDS * 2**(attempt-1)` later; one that
cannot (the immediate backend of tests and of a small install) waits in the task itself. After
`PROSEDUR_EMAIL_MAX_ATTEMPTS` tries the notification is marked `email_failed`: the in-app notice stands,
and `manage.py send_reminders` lists the failures. Notifications whose task was lost (a worker killed
before it ran) are enqueued again by `requeue_stalled`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from .models import Notification

log = logging.getLogger(__name__)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def max_attempts() -> int:
    return int(_setting("PROSEDUR_EMAIL_MAX_ATTEMPTS", 5))


def backoff(attempt: int) -> float:
    """Seconds to wait before try `attempt + 1` after `attempt` failed tries."""
    return _setting("PROSEDUR_EMAIL_RETRY_SECONDS", 60) * 2 ** max(0, attempt - 1)


def enqueue(ids: Iterable[int]) -> int:
    """After the surrounding transaction commits, enqueue the delivery of these notifications in batches.
    Returns the number of batches."""
    ids = list(ids)
    size = max(1, int(_setting("PROSEDUR_EMAIL_BATCH", 500)))
    batches = [ids[i:i + size] for i in range(0, len(ids), size)]
    for batch in batches:
        transaction.on_commit(lambda b=batch: deliver_notifications.enqueue(b))  # type: ignore[misc]
    return len(batches)


@task()
def deliver_notifications(ids: list[int]) -> dict[str, int]:
    """The task: e-mail these notifications, retrying failures, until each is delivered or given up."""
    outcome = {"sent": 0, "failed": 0}
    while ids:
        sent, retry, given_up = deliver(ids)
        outcome["sent"] += sent
        outcome["failed"] += given_up
        if not retry:
            break
        attempt = max(Notification.objects.filter(pk__in=retry).values_list("attempts", flat=True), default=1)
        delay = backoff(attempt)
        backend = deliver_notifications.get_backend()
        if backend.supports_defer and delay > 0:
            deliver_notifications.using(run_after=timezone.now() + dt.timedelta(seconds=delay)).enqueue(retry)
            break
        time.sleep(delay)  # a backend without deferral (immediate): wait here
        ids = retry
    return outcome


def _message(n: Notification) -> EmailMessage:
    from .services import notification_email

    return notification_email(n)


def deliver(ids: list[int]) -> tuple[int, list[int], int]:
    """One try for each undelivered notification among `ids` whose user has an address, over one
    connection. Returns (sent, ids to retry, ids given up now)."""
    pending = list(Notification.objects.filter(pk__in=ids, emailed=False, email_failed=False)
                   .exclude(user__email="").select_related("user", "actor", "revision__procedure"))
    if not pending:
        return 0, [], 0
    now = timezone.now()
    sent: list[int] = []
    errors: dict[str, list[int]] = defaultdict(list)
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
    except Exception as exc:  # noqa: BLE001 - the server is down: every message of the batch failed this try
        errors[_error_text(exc)] = [n.pk for n in pending]
    else:
        try:
            for n in pending:
                try:
                    if connection.send_messages([_message(n)]):
                        sent.append(n.pk)
                    else:
                        errors["not accepted"].append(n.pk)
                except Exception as exc:  # noqa: BLE001 - one refused recipient must not stop the others
                    errors[_error_text(exc)].append(n.pk)
        finally:
            with contextlib.suppress(Exception):  # closing a broken connection
                connection.close()
    Notification.objects.filter(pk__in=sent).update(emailed=True, attempts=F("attempts") + 1, attempted_at=now,
                                                    last_error="")
    for text, failed in errors.items():
        Notification.objects.filter(pk__in=failed).update(attempts=F("attempts") + 1, attempted_at=now,
                                                          last_error=text)
    failed_ids = [pk for group in errors.values() for pk in group]
    given_up = list(Notification.objects.filter(pk__in=failed_ids, attempts__gte=max_attempts())
                    .values_list("pk", flat=True))
    if given_up:
        Notification.objects.filter(pk__in=given_up).update(email_failed=True)
        log.warning("e-mail of %d notifications failed %d times; recorded as failed", len(given_up), max_attempts())
    retry = sorted(set(failed_ids) - set(given_up))
    return len(sent), retry, len(given_up)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def undelivered() -> Q:
    return Q(emailed=False, email_failed=False) & ~Q(user__email="")


def requeue_stalled(*, now: dt.datetime | None = None) -> int:
    """Enqueue again the undelivered notifications nobody is working on: never tried an hour after they
    were made, or last tried longer ago than the longest retry delay (their task was lost)."""
    now = now or timezone.now()
    longest = dt.timedelta(seconds=backoff(max_attempts()) * 2 + 3600)
    stalled = list(Notification.objects.filter(undelivered())
                   .filter(Q(attempted_at__isnull=True, created_at__lt=now - dt.timedelta(hours=1))
                           | Q(attempted_at__lt=now - longest))
                   .values_list("pk", flat=True))
    enqueue(stalled)
    return len(stalled)
