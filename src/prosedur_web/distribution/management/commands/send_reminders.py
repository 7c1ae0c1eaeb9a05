"""`manage.py send_reminders`: remind late readers and reviewers, and enqueue again e-mail whose task was lost.

Run it daily (cron or a systemd timer, docs/deploy.md); running it twice the same day reminds nobody twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from prosedur_web.distribution.notify import send_reminders


class Command(BaseCommand):
    help = ("Remind readers who have not acknowledged and reviewers who have not decided after the days the "
            "library sets (pustaka.yaml reminders:), and enqueue again undelivered e-mail nobody is working on.")

    def handle(self, *args: Any, **options: Any) -> None:
        done = send_reminders()
        self.stdout.write(f"pengingat: {done.readers} pembaca, {done.reviewers} peninjau; "
                          f"surel diantrekan lagi: {done.requeued}; surel gagal tercatat: {done.failed}")
