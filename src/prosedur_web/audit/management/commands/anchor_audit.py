"""`manage.py anchor_audit`: write today's signed anchor of the audit trail outside the database. Run daily."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from prosedur_web.audit.anchor import AnchorError
from prosedur_web.audit.checks import anchor_write, audit_check
from prosedur_web.audit.texts import text


class Command(BaseCommand):
    help = (
        "Tulis jangkar jejak audit hari ini: nomor dan hash entri terakhir, waktu, jumlah revisi yang disahkan dan "
        "sidik semua tanda tangan pengesahan, ditandatangani dengan kunci penandatangan organisasi "
        "(PROSEDUR_SIGNING_P12), ke folder di luar basis data (PROSEDUR_ANCHOR_DIR), satu berkas per hari, tidak "
        "pernah menimpa. Jalankan TIAP HARI (cron), sebelum verify_audit. Menolak menulis bila rantai atau jangkar "
        "sebelumnya tidak lolos pemeriksaan. / "
        "Write today's anchor of the audit trail: the last entry's number and hash, the time, the number of signed "
        "revisions and a digest of every approval signature, signed with the organisation's signing key, to a "
        "folder outside the database; one file a day, never overwritten. Run DAILY (cron), before verify_audit. "
        "Refuses when the chain or the earlier anchors do not verify."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lang", choices=("id", "en"), default="id", help="bahasa keluaran / output language")

    def handle(self, *args: Any, **options: Any) -> None:
        lang = options["lang"]
        # The anchor certifies the chain and the signatures: both must verify against the last anchor. A
        # revision whose stored content was changed does not alter those facts, so it is reported (exit 1)
        # but does not stop the anchor, which keeps protecting the trail meanwhile.
        report = audit_check(lang, max_age_days=None, by="anchor_audit")
        if not report.chain_ok or not report.anchors_ok:
            raise CommandError("\n".join([text("anchor_refused", lang), *(f"- {p}" for p in report.problems)]))
        try:
            path, anchor = anchor_write()
        except AnchorError as exc:
            if exc.key != "anchor_exists":
                raise CommandError(exc.message(lang)) from None
            self.stdout.write(exc.message(lang))
        else:
            self.stdout.write(text("anchor_written", lang, path=path, seq=anchor.seq, hash=anchor.hash[:16]))
        if report.problems:
            raise CommandError("\n".join([text("problems", lang, n=len(report.problems)),
                                          *(f"- {p}" for p in report.problems)]))
