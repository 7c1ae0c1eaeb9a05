"""`manage.py export_library OUT`: the whole record as a folder, readable as a library (`prosedur lint OUT`).

pustaka.yaml as stored and one file per procedure with the source of its current revision (the
effective one, else the newest), byte for byte, so re-importing gives the same content hashes; and
beside them `record/`: every revision with its status, dates, source versions, reviews, signatures
and acknowledgements, the users and units they name, and the audit trail, with a manifest of SHA-256
hashes (see `prosedur_web.procedures.restore`). `manage.py import_library --restore OUT` puts it
back into an empty instance. OUT must not exist or be empty; `--zip` writes one .zip file instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from prosedur_web.procedures.models import Procedure, RevisionStatus


def current_sources() -> list[tuple[str, str]]:
    """(file name, YAML source) of each procedure's current revision."""
    out = []
    for procedure in Procedure.objects.order_by("sort_key", "number"):
        rev = (procedure.revisions.filter(status=RevisionStatus.EFFECTIVE).first()
               or procedure.revisions.order_by("-number").first())
        if rev is not None:
            out.append((f"{slugify(procedure.number)}-{slugify(procedure.title)[:60]}.yaml", rev.yaml_source))
    return out


class Command(BaseCommand):
    help = ("Ekspor seluruh rekaman pustaka (folder pustaka + record/) / "
            "Export the library's whole record (a library folder + record/).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("out")
        parser.add_argument("--zip", action="store_true",
                            help="tulis satu berkas .zip / write one .zip file (as the web export)")

    def handle(self, *args: Any, **options: Any) -> None:
        from prosedur_web.procedures.restore import export_record
        from prosedur_web.procedures.transfer import TransferError, zip_files

        out = Path(options["out"])
        if out.exists() and (not out.is_dir() or any(out.iterdir())) and not (options["zip"] and out.is_file()):
            raise CommandError(f"{out} sudah ada dan tidak kosong / already exists and is not empty")
        if options["zip"] and out.exists():
            raise CommandError(f"{out} sudah ada / already exists")
        try:
            export = export_record(via="manage.py export_library")
        except TransferError as exc:
            raise CommandError("\n".join(exc.messages("id") + exc.messages("en"))) from None
        if options["zip"]:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(zip_files(export.files))
        else:
            for name, data in export.files.items():
                path = out / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        c = export.counts
        self.stdout.write(
            f"{c['procedures']} prosedur, {c['revisions']} revisi, {c['signatures']} tanda tangan, "
            f"{c['audit_entries']} entri audit ditulis ke {out} / {c['procedures']} procedures, {c['revisions']} "
            f"revisions, {c['signatures']} signatures, {c['audit_entries']} audit entries written to {out}\n"
            f"manifest SHA-256 {export.manifest_sha256}")
