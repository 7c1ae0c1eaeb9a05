"""`manage.py import_library PATH`: store a library folder (pustaka.yaml + procedure files). Idempotent.

The same services as `seed_demo` (no users are created): units from pustaka.yaml, then one
Procedure + Revision per source file, skipped when that (number, revision) is already stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from prosedur.errors import SourceError
from prosedur.load import load_library_info, procedure_files, read_source
from prosedur_web.procedures import services
from prosedur_web.procedures.models import Revision


class Command(BaseCommand):
    help = "Import a procedure library folder (pustaka.yaml and its procedure files)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(options["path"])
        try:
            info, _positions = load_library_info(root)
            services.library_import(yaml_source=read_source(root / "pustaka.yaml"))
            created = kept = 0
            for file in procedure_files(root, info):
                before = Revision.objects.count()
                services.procedure_import(yaml_source=read_source(file))
                if Revision.objects.count() > before:
                    created += 1
                else:
                    kept += 1
        except SourceError as exc:
            raise CommandError("\n".join(p.format() for p in exc.problems)) from None
        self.stdout.write(f"{created} revisi baru, {kept} sudah ada / {created} new revisions, {kept} already present")
