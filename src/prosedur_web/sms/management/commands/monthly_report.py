"""`manage.py monthly_report`: the monthly document-control report as PDF or HTML, for a cron job on the 1st.

`--month YYYY-MM` (default: last month in the organisation's time zone), `--lang id|en`, `--out FILE.pdf|.html`
(`{month}` in the name becomes the month, e.g. `var/laporan/laporan-bulanan-{month}.pdf`). An existing file is
not overwritten unless `--force`. The report is written whatever it finds; when it records integrity or anchor
problems the command says so on stderr (and `verify_audit` fails the same night).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from prosedur_web.common.labels import label
from prosedur_web.sms import monthly


class Command(BaseCommand):
    help = (
        "Tulis Laporan Bulanan Pengendalian Dokumen (PDF atau HTML) untuk satu bulan: revisi yang mulai berlaku, "
        "kedaluwarsa, disahkan belum berlaku, dalam peninjauan dan draf; tinjauan berkala; sosialisasi; integritas; "
        "jangkar audit terbaru. Jalankan tiap tanggal 1 (cron). / "
        "Write the monthly document-control report (PDF or HTML) for one month: revisions that took effect, were "
        "made obsolete, are signed but not yet effective, in review and draft; periodic reviews; socialisation; "
        "integrity; the newest audit anchor. Run on the 1st of each month (cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", metavar="YYYY-MM",
                            help="bulan laporan (bawaan: bulan lalu) / the month (default: last month)")
        parser.add_argument("--lang", choices=("id", "en"), default="id", help="bahasa laporan / report language")
        parser.add_argument("--out", required=True, metavar="FILE.pdf|FILE.html",
                            help="berkas keluaran; {month} diganti bulannya / output file; {month} becomes the month")
        parser.add_argument("--by", default="manage.py monthly_report",
                            help="nama pembuat yang dicetak / the maker's name printed on the report")
        parser.add_argument("--force", action="store_true",
                            help="timpa berkas yang sudah ada / overwrite an existing file")

    def handle(self, *args: Any, **options: Any) -> None:
        lang = options["lang"]
        today = timezone.localdate()
        if options["month"]:
            try:
                month = monthly.Month.parse(options["month"])
            except ValueError:
                raise CommandError(label("sms_monthly_err_month", lang, value=options["month"])) from None
            if month > monthly.Month.of(today):
                raise CommandError(label("sms_monthly_err_month", lang, value=options["month"]))
        else:
            month = monthly.Month.previous(today)
        out = Path(options["out"].replace("{month}", month.key))
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("pdf", "html"):
            raise CommandError("--out: .pdf / .html")
        if out.exists() and not options["force"]:
            raise CommandError(f"{out}: sudah ada / already exists (--force)")
        report = monthly.monthly_report(month, lang=lang, by=options["by"])
        data = monthly.report_pdf(report) if fmt == "pdf" else monthly.report_html(report).encode("utf-8")
        _write(out, data)
        self.stdout.write(label("sms_monthly_written", lang, month=month.key, path=out))
        if report.findings:
            self.stderr.write("\n".join([label("sms_monthly_problems", lang, n=len(report.findings)),
                                          *(f"- {line}" for line in report.findings)]))


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a temporary file beside the target, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
