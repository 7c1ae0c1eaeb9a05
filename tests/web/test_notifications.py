"""Notifications at every transition, in the recipient's language, delivered through the task queue to a
real SMTP server on loopback (aiosmtpd, started here): a mail arrives, a failing server is retried with
each try recorded, and a server that never accepts leaves the notification recorded as failed."""

from __future__ import annotations

import datetime as dt
import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from prosedur_web.distribution import delivery, notify
from prosedur_web.distribution.models import Notification
from prosedur_web.procedures import reversals
from prosedur_web.reviews import services as reviews
from prosedur_web.socialisation import services as socialisation

from .conftest import World
from .test_lifecycle import approve, start_and_edit, submit

Kind = Notification.Kind


@dataclass
class Sink:
    """Accepts mail, after refusing the first `refuse` tries with a temporary error (451)."""

    refuse: int = 0
    tries: int = 0
    received: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.tries += 1
        if self.tries <= self.refuse:
            return "451 4.3.0 Coba lagi nanti"
        self.received.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Sink]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.PROSEDUR_EMAIL_MAX_ATTEMPTS = 3
    try:
        yield sink
    finally:
        controller.stop()


def with_emails(world: World) -> None:
    for name, user in world.users.items():
        user.email = f"{name}@contoh.go.id"
        user.save()


def kinds_of(world: World, name: str) -> list[str]:
    return list(Notification.objects.filter(user=world.users[name]).order_by("pk").values_list("kind", flat=True))


def test_a_review_request_arrives_by_smtp_in_the_reviewers_language(
        world: World, smtp: Sink, django_capture_on_commit_callbacks: Any) -> None:
    with_emails(world)
    world.users["reviewer"].language = "en"
    world.users["reviewer"].save()
    with django_capture_on_commit_callbacks(execute=True):
        rev = submit(world, start_and_edit(world))
    assert len(smtp.received) == 1
    message = smtp.received[0]
    assert message["To"] == "reviewer@contoh.go.id"
    assert "waiting for your review" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert "Dear Nama Reviewer" in body and f"/revisi/{rev.pk}/" in body and "Yth." not in body
    n = Notification.objects.get(user=world.users["reviewer"], kind=Kind.REVIEW_REQUESTED)
    assert (n.emailed, n.attempts, n.last_error, n.email_failed) == (True, 1, "", False)


def test_a_failing_server_is_retried_and_each_try_recorded(
        world: World, smtp: Sink, django_capture_on_commit_callbacks: Any) -> None:
    with_emails(world)
    smtp.refuse = 2
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, start_and_edit(world))
    n = Notification.objects.get(user=world.users["reviewer"], kind=Kind.REVIEW_REQUESTED)
    assert smtp.tries == 3 and len(smtp.received) == 1
    assert (n.emailed, n.attempts, n.email_failed, n.last_error) == (True, 3, False, "")


def test_a_server_that_never_accepts_leaves_the_notification_recorded_failed(
        world: World, smtp: Sink, django_capture_on_commit_callbacks: Any) -> None:
    with_emails(world)
    smtp.refuse = 99
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, start_and_edit(world))
    n = Notification.objects.get(user=world.users["reviewer"], kind=Kind.REVIEW_REQUESTED)
    assert smtp.tries == 3 and smtp.received == []
    assert (n.emailed, n.attempts, n.email_failed) == (False, 3, True)
    assert "451" in n.last_error
    assert n.read_at is None  # the in-app notice stands


def test_a_server_that_is_down_is_recorded_too(world: World, settings: Any,
                                                django_capture_on_commit_callbacks: Any) -> None:
    with_emails(world)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.PROSEDUR_EMAIL_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, start_and_edit(world))
    n = Notification.objects.get(user=world.users["reviewer"], kind=Kind.REVIEW_REQUESTED)
    assert (n.emailed, n.attempts, n.email_failed) == (False, 2, True)
    assert "Connection" in n.last_error or "refused" in n.last_error.lower()


def test_database_queue_defers_the_retry_and_the_worker_delivers(
        world: World, smtp: Sink, settings: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any) -> None:
    """The production backend: the request only enqueues; `db_worker` run here in-process delivers; a
    failure is retried later (run_after), not in the worker's loop."""
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # between tasks the worker drops connections that are not in autocommit: inside the test's transaction
    # (PostgreSQL) that would be the test's own connection; a worker process has no such transaction
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.PROSEDUR_EMAIL_RETRY_SECONDS = 30  # (django-tasks reloads its backends when TASKS changes)
    with_emails(world)
    smtp.refuse = 1
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, start_and_edit(world))
    assert smtp.tries == 0 and DBTaskResult.objects.count() == 1  # nothing sent in the request
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    n = Notification.objects.get(user=world.users["reviewer"], kind=Kind.REVIEW_REQUESTED)
    assert (smtp.tries, n.attempts, n.emailed) == (1, 1, False)
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after is not None and retry.run_after > timezone.now() + dt.timedelta(seconds=20)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    n.refresh_from_db()
    assert (smtp.tries, n.attempts, n.emailed, len(smtp.received)) == (2, 2, True, 1)


def test_every_transition_tells_the_people_concerned(world: World) -> None:
    rev = submit(world, start_and_edit(world), "reviewer", "reviewer2", sequential=True)
    assert kinds_of(world, "reviewer") == [Kind.REVIEW_REQUESTED]
    assert kinds_of(world, "reviewer2") == []  # not their turn yet
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    assert kinds_of(world, "reviewer2") == [Kind.REVIEW_REQUESTED]
    assert kinds_of(world, "author") == [Kind.REVIEW_AGREED]
    assert kinds_of(world, "approver") == []
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer2"], decision="agree")
    assert kinds_of(world, "approver") == [Kind.SIGNATURE_WAITING]
    reversals.revision_send_back(revision=rev, user=world.users["approver"], reason="Lampiran kurang")
    sent_back = Notification.objects.get(user=world.users["author"], kind=Kind.SENT_BACK)
    assert sent_back.note == "Lampiran kurang" and sent_back.actor == world.users["approver"]
    rev = submit(world, rev)  # round 2: asked again
    assert kinds_of(world, "reviewer").count(Kind.REVIEW_REQUESTED) == 2
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="changes", note="Ganti judul")
    assert Notification.objects.get(user=world.users["author"], kind=Kind.CHANGES_REQUESTED).note == "Ganti judul"
    rev = submit(world, rev)
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    rev = approve(world, rev)
    author = kinds_of(world, "author")
    assert Kind.APPROVED in author and Kind.EFFECTIVE in author
    assert Kind.DISTRIBUTED in kinds_of(world, "reader")


def test_texts_name_the_actor_and_reason_in_each_language(world: World) -> None:
    from prosedur_web.distribution.services import notification_text

    rev = submit(world, start_and_edit(world))
    reversals.revision_send_back(revision=rev, user=world.users["approver"], reason="Lampiran <b>kurang</b>")
    n = Notification.objects.get(kind=Kind.SENT_BACK)
    assert notification_text(n, "id").startswith("Nama Approver mengembalikan P.SMLTI 19")
    assert "sent P.SMLTI 19" in notification_text(n, "en") and "Lampiran <b>kurang</b>" in notification_text(n, "en")


def test_reminders_after_the_library_days_once_a_day(world: World) -> None:
    approve_now = submit(world, start_and_edit(world))
    reviews.review_decide(revision=approve_now, reviewer=world.users["reviewer"], decision="agree")
    rev = approve(world, approve_now)
    late = submit(world, _second_draft(world))
    now = timezone.now()
    assert notify.send_reminders(now=now).readers == 0  # too early
    # pustaka.yaml sets no reminders: 7 days (readers), 5 (reviewers); noon in the organisation's time zone, so
    # an hour later is the same day there whatever the hour the test runs at
    later = timezone.localtime(now + dt.timedelta(days=8)).replace(hour=12, minute=0)
    done = notify.send_reminders(now=later)
    readers = set(Notification.objects.filter(kind=Kind.ACK_REMINDER, revision=rev).values_list("user__username",
                                                                                                flat=True))
    assert "reader" in readers and done.readers == len(readers)
    assert done.reviewers == 1
    assert Notification.objects.get(kind=Kind.REVIEW_REMINDER).revision_id == late.pk
    again = notify.send_reminders(now=later + dt.timedelta(hours=1))  # same day: nobody twice
    assert (again.readers, again.reviewers) == (0, 0)
    socialisation.acknowledgement_create(revision=rev, user=world.users["reader"])
    Notification.objects.filter(kind__in=[Kind.ACK_REMINDER, Kind.REVIEW_REMINDER]).update(
        created_at=later - dt.timedelta(days=30))
    third_day = later + dt.timedelta(days=8)
    third = notify.send_reminders(now=third_day)
    key = timezone.localtime(third_day).date().isoformat()
    reminded = set(Notification.objects.filter(kind=Kind.ACK_REMINDER, revision=rev, key=key)
                   .values_list("user__username", flat=True))
    assert reminded == readers - {"reader"}  # who acknowledged is not reminded again; the others are
    assert third.reviewers == 1


def _second_draft(world: World) -> Any:
    """A second procedure in review (P.SMLTI 90 belongs to another unit: use its own-unit twin)."""
    from prosedur_web.procedures import services

    from .conftest import email_source

    proc = services.procedure_import(yaml_source=email_source("P.SMLTI 91"), adopt=True).procedure
    rev = services.revision_start(procedure=proc, user=world.users["author"])
    from .conftest import add_history

    return services.revision_save_source(revision=rev, user=world.users["author"], base_version=rev.version,
                                         text=add_history(rev.yaml_source, rev.number))


def test_library_chooses_the_reminder_days() -> None:
    from prosedur_web import services as core

    info = core.library_info("organisation: X\nreminders: {acknowledge_days: 3, review_days: 2}\n")
    assert (info.reminders.acknowledge_days, info.reminders.review_days) == (3, 2)
    assert core.library_info("organisation: X\n").reminders.acknowledge_days == 7


def test_send_reminders_command_requeues_lost_mail(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with_emails(world)
    with django_capture_on_commit_callbacks(execute=False):
        submit(world, start_and_edit(world))  # committed, but its task never ran (a worker killed)
    n = Notification.objects.get(kind=Kind.REVIEW_REQUESTED)
    Notification.objects.filter(pk=n.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", verbosity=0)
    n.refresh_from_db()
    assert n.emailed and [m.to for m in mail.outbox] == [["reviewer@contoh.go.id"]]
    assert delivery.requeue_stalled() == 0
