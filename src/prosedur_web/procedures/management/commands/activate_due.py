"""`manage.py activate_due`: approved revisions whose effective date has come take effect (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from prosedur_web.procedures.services import revisions_activate_due


class Command(BaseCommand):
    help = "Make approved revisions effective on their effective date."

    def handle(self, *args: Any, **options: Any) -> None:
        done = revisions_activate_due()
        self.stdout.write(f"{len(done)} revisi diberlakukan")
