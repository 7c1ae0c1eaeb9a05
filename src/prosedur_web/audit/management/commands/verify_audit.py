"""`manage.py verify_audit`: the audit chain, the signed anchors and every issued revision; exit 1 on any problem.

Run daily (cron), after `anchor_audit`. Output in Indonesian, or English with `--lang en`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from prosedur_web.audit.checks import MAX_ANCHOR_AGE_DAYS, audit_check
from prosedur_web.audit.texts import text


class Command(BaseCommand):
    help = (
        "Periksa jejak audit: rantai hash seluruhnya, terhadap jangkar bertanda tangan terbaru di luar basis data "
        "(PROSEDUR_ANCHOR_DIR) dan tanda tangan setiap berkas jangkar, serta isi dan catatan pengendalian setiap "
        "revisi yang disahkan terhadap tanda tangannya. Keluar dengan kode 1 bila ada masalah. Jalankan tiap hari. / "
        "Verify the audit trail: the whole hash chain, against the newest signed anchor kept outside the database "
        "and every anchor file's signature, and every signed revision's content and control record against its "
        "signature. Exit code 1 on any problem. Run daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lang", choices=("id", "en"), default="id", help="bahasa keluaran / output language")
        parser.add_argument(
            "--max-anchor-age", type=int, default=MAX_ANCHOR_AGE_DAYS, metavar="DAYS",
            help="jangkar terbaru paling tua sekian hari (0: tidak diperiksa) / the newest anchor may be at most "
                 f"this many days old (0: not checked); default {MAX_ANCHOR_AGE_DAYS}")
        parser.add_argument("--require-anchor", action="store_true",
                            help="gagal bila belum ada jangkar / fail when there is no anchor yet")

    def handle(self, *args: Any, **options: Any) -> None:
        lang = options["lang"]
        report = audit_check(lang, max_age_days=options["max_anchor_age"], by="verify_audit")
        if options["require_anchor"] and report.newest is None and not report.problems:
            report.problems.append(text("anchor_none", lang, dir="PROSEDUR_ANCHOR_DIR"))
        for line in report.notes:
            self.stdout.write(line)
        for line in report.warnings:
            self.stderr.write(line)
        if report.problems:
            raise CommandError("\n".join([text("problems", lang, n=len(report.problems)),
                                          *(f"- {p}" for p in report.problems)]))
        self.stdout.write(text("all_ok", lang))
