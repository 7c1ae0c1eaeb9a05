"""Distributing one revision to many readers: the request, then the queue's delivery to a real SMTP server.

A fresh SQLite database (temp folder), the sample library, N readers with addresses in a sub-unit that
follows P.SMLTI 19, and an aiosmtpd sink on a free loopback port started here. Prints side by side:

- the request as it is now (notification rows in bulk, e-mail enqueued in batches on the database queue)
  and as it was (every mail sent inside the request, one connection): seconds;
- the delivery by `manage.py db_worker` run in-process: mails per second, and that every notification is
  delivered or recorded failed (must be all);
- with a sink that refuses every 50th message once (451): retried, still all delivered.

Usage: python bench/bench_distribution.py [readers=20000]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(readers: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-dist-"))
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "prosedur_web.settings_test", "PROSEDUR_DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "PROSEDUR_VAR_DIR": str(work), "PROSEDUR_ALLOWED_HOSTS": "testserver",
    })
    import django

    django.setup()
    import socket

    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.core.signals import setting_changed
    from django.db import transaction

    from prosedur_web.accounts.models import Unit, User
    from prosedur_web.distribution import delivery, services
    from prosedur_web.distribution.models import Notification
    from prosedur_web.procedures import services as procedures

    class Sink:
        def __init__(self) -> None:
            self.count = 0
            self.refuse_every = 0
            self.refused: set[str] = set()

        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
            to = envelope.rcpt_tos[0]  # type: ignore[attr-defined]
            self.count += 1
            if self.refuse_every and self.count % self.refuse_every == 0 and to not in self.refused:
                self.refused.add(to)
                return "451 4.3.0 coba lagi"
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.PROSEDUR_EMAIL_RETRY_SECONDS = 0.0

    call_command("migrate", verbosity=0, interactive=False)
    sample = HERE.parent / "examples" / "smlti"
    procedures.library_import(yaml_source=(sample / "pustaka.yaml").read_text(encoding="utf-8"))
    rev = procedures.procedure_import(
        yaml_source=(sample / "prosedur" / "p-smlti-19-pengelolaan-email.yaml").read_text(encoding="utf-8"),
        adopt=True)
    iki = Unit.objects.get(code="iki")
    reader, _ = Group.objects.get_or_create(name="pembaca")
    start = time.perf_counter()
    users = User.objects.bulk_create([User(username=f"staf{i:05d}", full_name=f"Staf {i}", unit=iki, password="!",
                                           email=f"staf{i:05d}@contoh.go.id", language="en" if i % 3 == 0 else "id")
                                      for i in range(readers)], batch_size=2000)
    users = list(User.objects.filter(username__startswith="staf"))
    User.groups.through.objects.bulk_create([User.groups.through(user_id=u.pk, group_id=reader.pk) for u in users],
                                            batch_size=2000)
    print(f"{readers} readers seeded in {time.perf_counter() - start:.1f} s ({work})")

    def distribute(queue: bool) -> float:
        Notification.objects.all().delete()
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend" if queue
                                      else "django_tasks.backends.immediate.ImmediateBackend"}}
        setting_changed.send(sender=None, setting="TASKS", value=settings.TASKS, enter=True)  # backends reload
        t = time.perf_counter()
        with transaction.atomic():
            services.revision_distribute(revision=rev)
        return time.perf_counter() - t

    sink.count = 0
    inline = distribute(queue=False)
    inline_mails = sink.count
    sink.count = 0
    queued = distribute(queue=True)
    assert sink.count == 0, "the request sent mail"
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.filter(status="READY").count()
    t = time.perf_counter()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    worker = time.perf_counter() - t
    delivered = Notification.objects.filter(emailed=True).count()
    failed = Notification.objects.filter(email_failed=True).count()
    print()
    print(f"{'':<34}{'in the request (before)':>26}{'task queue (now)':>20}")
    print(f"{'request time':<34}{inline:>24.2f} s{queued:>18.2f} s")
    print(f"{'mails sent during the request':<34}{inline_mails:>26}{0:>20}")
    print(f"{'tasks enqueued':<34}{'—':>26}{tasks:>20}")
    print(f"{'delivery by db_worker':<34}{'—':>26}{worker:>18.1f} s")
    print(f"{'mails/s':<34}{inline_mails / inline:>26.0f}{delivered / worker:>20.0f}")
    print(f"{'delivered / failed / readers':<34}{'':>26}{f'{delivered} / {failed} / {readers}':>20}")
    assert queued < 1.0, f"distribution took {queued:.2f} s"
    assert delivered + failed == readers

    sink.count, sink.refuse_every = 0, 50
    distribute(queue=True)
    t = time.perf_counter()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    worker = time.perf_counter() - t
    retried = Notification.objects.filter(attempts__gt=1).count()
    delivered = Notification.objects.filter(emailed=True).count()
    failed = Notification.objects.filter(email_failed=True).count()
    print(f"\nsink refusing every 50th mail once: {len(sink.refused)} refused, {retried} retried, "
          f"{delivered} delivered, {failed} failed of {readers}, {worker:.1f} s ({delivered / worker:.0f} mails/s)")
    assert delivered + failed == readers and delivery.requeue_stalled() == 0
    controller.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
