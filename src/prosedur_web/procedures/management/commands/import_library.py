"""`manage.py import_library PATH`: store a library folder (pustaka.yaml + procedure files). Idempotent.

Three ways, all on the server (the operator is the admin here; each is audited):

- plain (default): units from pustaka.yaml (the unit changes are printed and audited), then one
  Procedure + Revision per source file, skipped when that (number, revision) is already stored.
  Every new revision is a DRAFT whatever status its file names: approval goes through review and
  signing in the app.
- `--adopt`: taking over a library kept as files at first install: the files' statuses are kept
  (effective revisions are in force at once). Refused for a procedure that already has an
  effective revision here.
- `--restore`: PATH is a whole-record export (`export_library OUT`, or the web's .zip), put back
  into an EMPTY instance with its revisions, signatures, reviews, acknowledgements and audit trail
  (see `prosedur_web.procedures.restore`); refused whole when anything does not verify.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from prosedur.errors import SourceError
from prosedur.load import load_library_info, procedure_files, read_source
from prosedur_web import services as core
from prosedur_web.audit.services import audit_append
from prosedur_web.common.errors import ActionRefused
from prosedur_web.procedures import services
from prosedur_web.procedures.models import Revision


class Command(BaseCommand):
    help = ("Impor folder pustaka prosedur (revisi baru sebagai draf; --adopt: status berkas dipertahankan; "
            "--restore: pulihkan ekspor rekaman lengkap ke instansi kosong) / Import a procedure library folder "
            "(new revisions as drafts; --adopt: keep the files' statuses; --restore: restore a whole-record "
            "export into an empty instance).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--adopt", action="store_true",
                          help="pemasangan pertama: status berkas dipertahankan / first install: keep the files' "
                               "statuses (refused for a procedure already effective here)")
        mode.add_argument("--restore", action="store_true",
                          help="pulihkan ekspor rekaman lengkap (folder atau .zip) ke instansi kosong / restore a "
                               "whole-record export (folder or .zip) into an empty instance")

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(options["path"])
        if options["restore"]:
            self._restore(root)
            return
        try:
            with transaction.atomic():
                self._import(root, adopt=options["adopt"])
        except SourceError as exc:
            raise CommandError("\n".join(p.format() for p in exc.problems)) from None
        except ActionRefused as exc:
            raise CommandError("\n".join(exc.messages("id") + exc.messages("en"))) from None

    def _import(self, root: Path, *, adopt: bool) -> None:
        from prosedur_web.procedures.library_units import unit_changes

        info, _positions = load_library_info(root)
        library_text = read_source(root / "pustaka.yaml")
        changes = unit_changes(library_text)
        services.library_import(yaml_source=library_text)
        for change in changes:
            self.stdout.write(f"unit: {change.text('id')} / {change.text('en')}")
        created = kept = 0
        drafted: list[str] = []
        files = [(file, read_source(file)) for file in procedure_files(root, info)]
        parsed = [(file, text, core.parse_source(text, str(file))) for file, text in files]
        # effective revisions last: revision 1 obsolete is stored before revision 2 effective
        parsed.sort(key=lambda item: (item[2].status == "effective", item[2].number, item[2].revision))
        for file, text, proc in parsed:
            if Revision.objects.filter(procedure__number=proc.number, number=proc.revision).exists():
                kept += 1
                continue
            rev = services.procedure_import(yaml_source=text, adopt=adopt)
            created += 1
            if rev.status != str(proc.status):
                drafted.append(file.name)
        audit_append(actor=None, action="library_adopt" if adopt else "library_import_folder",
                     data={"created": created, "kept": kept, "as_draft": drafted,
                           "unit_changes": [c.as_data() for c in changes], "by": "manage.py import_library"})
        for name in drafted:
            self.stdout.write(f"{name}: diimpor sebagai draf; pengesahan melalui pemeriksaan dan penandatanganan / "
                              "imported as draft; approval goes through review and signing")
        self.stdout.write(f"{created} revisi baru, {kept} sudah ada / {created} new revisions, {kept} already present")

    def _restore(self, root: Path) -> None:
        from prosedur_web.procedures import restore
        from prosedur_web.procedures.transfer import TransferError

        try:
            files = (restore.read_zip(root.read_bytes(), restore.COMMAND_LIMITS) if root.is_file()
                     else restore.read_folder(root))
            report = restore.library_restore(files, operator=True)
        except TransferError as exc:
            raise CommandError("\n".join(["Pemulihan dibatalkan; tidak ada yang disimpan. / Restore cancelled; "
                                          "nothing was stored.", *exc.messages("id"), *exc.messages("en")])) from None
        self.stdout.write(f"{report.text('id')}\n{report.text('en')}")
        if report.users_created:
            self.stdout.write("pengguna baru (nonaktif) / new users (inactive): " + ", ".join(report.users_created))
        for name in report.anchors_written:
            self.stdout.write(f"jangkar ditulis / anchor written: {name}")
        for name in report.anchor_problems:
            self.stderr.write(f"jangkar tidak ditulis / anchor not written: {name}")
