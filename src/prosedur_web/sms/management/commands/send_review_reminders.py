"""`manage.py send_review_reminders`: e-mail each owner the procedures whose periodic review is due.

Meant for a daily timer (cron/systemd). `--today` lets an operator (and the tests) run it as of a date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from prosedur_web.sms.services import send_review_reminders


class Command(BaseCommand):
    help = "Send review reminders (overdue and due within --days) to the owner unit's authors and approvers."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=30, help="remind this many days before the due date")
        parser.add_argument("--today", help="YYYY-MM-DD (default: today in the configured time zone)")
        parser.add_argument("--dry-run", action="store_true", help="list, do not send")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today: {exc}") from None
        reminders = send_review_reminders(today=today, soon_days=options["days"], dry_run=options["dry_run"])
        for r in reminders:
            self.stdout.write(f"{r.user.get_username()} <{r.user.email}>: {', '.join(i.number for i in r.items)}")
        self.stdout.write(f"{len(reminders)} pengingat {'(uji coba) ' if options['dry_run'] else ''}— {today}")
