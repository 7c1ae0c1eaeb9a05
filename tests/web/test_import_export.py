"""`import_library` / `export_library`: a library folder round-trips with the CLI and keeps its hashes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from prosedur.cli import main as cli_main
from prosedur.load import load_library
from prosedur_web import services as core
from prosedur_web.procedures.models import Procedure, Revision

from .conftest import SAMPLE


def test_import_export_round_trip(db: Any, tmp_path: Path) -> None:
    call_command("import_library", str(SAMPLE))
    n = len(list((SAMPLE / "prosedur").glob("*.yaml")))
    assert Procedure.objects.count() == n
    hashes = {r.procedure.number: r.content_hash for r in Revision.objects.select_related("procedure")}
    out = tmp_path / "ekspor"
    call_command("export_library", str(out))
    library, problems = load_library(out)
    assert not problems and len(library.procedures) == n
    for proc in library.procedures:
        assert core.content_hash(proc) == hashes[proc.number], proc.number
    # the CLI reads the export like any library folder
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["lint", str(out)])
    assert exit_info.value.code in (0, 1)  # findings may be warnings/errors; never a usage/load failure (2)
    # re-importing the export adds nothing
    call_command("import_library", str(out))
    assert Revision.objects.count() == n


def test_import_refuses_a_folder_without_library(db: Any, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("import_library", str(tmp_path))
