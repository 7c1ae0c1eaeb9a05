"""`manage.py export_library OUT`: write the library as a folder the CLI reads (`prosedur lint OUT`).

pustaka.yaml as stored, and one file per procedure with the source of its current revision (the
effective one, else the newest), byte for byte, so re-importing gives the same content hashes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from prosedur_web.procedures import selectors
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
    help = "Export the library (pustaka.yaml + current revision of each procedure) to a folder."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("out")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        library = selectors.library_source_text()
        if library is None:
            raise CommandError("belum ada pustaka yang diimpor / no library has been imported")
        folder = out / "prosedur"
        folder.mkdir(parents=True, exist_ok=True)
        (out / "pustaka.yaml").write_text(library, encoding="utf-8")
        sources = current_sources()
        for name, text in sources:
            (folder / name).write_text(text, encoding="utf-8")
        self.stdout.write(f"{len(sources)} prosedur ditulis ke {out} / {len(sources)} procedures written to {out}")
