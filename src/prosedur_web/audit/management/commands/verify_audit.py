"""`manage.py verify_audit`: exit 0 when the audit chain is intact, 1 with the first break otherwise."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from prosedur_web.audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if not report.ok:
            raise CommandError(f"audit chain broken at entry {report.broken_at}: {report.reason}")
        self.stdout.write(f"audit chain OK: {report.count} entries")
