"""`import_library` / `export_library`: a library folder round-trips with the CLI and keeps its hashes;
a plain import makes drafts, `--adopt` (first install) keeps the files' statuses and is refused where a
revision is already in force; the export keeps the whole record beside the library folder."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from prosedur.cli import main as cli_main
from prosedur.load import load_library, load_procedure
from prosedur_web import services as core
from prosedur_web.audit.models import AuditEntry
from prosedur_web.procedures.models import Procedure, Revision

from .conftest import SAMPLE, World


def _sample_statuses() -> dict[str, str]:
    return {p.number: str(p.status) for p in (load_procedure(f) for f in sorted((SAMPLE / "prosedur").glob("*.yaml")))}


def test_import_export_round_trip(db: Any, tmp_path: Path) -> None:
    call_command("import_library", str(SAMPLE), "--adopt", stdout=StringIO())
    n = len(list((SAMPLE / "prosedur").glob("*.yaml")))
    assert Procedure.objects.count() == n
    statuses = {r.procedure.number: r.status for r in Revision.objects.select_related("procedure")}
    assert statuses == _sample_statuses()  # adopting keeps the files' statuses
    assert AuditEntry.objects.filter(action="library_adopt").count() == 1
    hashes = {r.procedure.number: r.content_hash for r in Revision.objects.select_related("procedure")}
    out = tmp_path / "ekspor"
    call_command("export_library", str(out), stdout=StringIO())
    library, problems = load_library(out)
    assert not problems and len(library.procedures) == n
    for proc in library.procedures:
        assert core.content_hash(proc) == hashes[proc.number], proc.number
    # the CLI reads the export like any library folder
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["lint", str(out)])
    assert exit_info.value.code in (0, 1)  # findings may be warnings/errors; never a usage/load failure (2)
    # the record beside it: every revision, the trail, a manifest
    manifest = json.loads((out / "record" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["revisions"] == n and (out / "record" / "audit.jsonl").is_file()
    # re-importing the export adds nothing, adopting or not
    call_command("import_library", str(out), stdout=StringIO())
    call_command("import_library", str(out), "--adopt", stdout=StringIO())
    assert Revision.objects.count() == n


def test_a_plain_import_makes_drafts(db: Any) -> None:
    out = StringIO()
    call_command("import_library", str(SAMPLE), stdout=out)
    assert set(Revision.objects.values_list("status", flat=True)) == {"draft"}
    assert not Revision.objects.exclude(effective_date=None).exists()
    assert "imported as draft; approval goes through review and signing" in out.getvalue()
    assert "unit pusdatin" in out.getvalue()  # the units the library file added are listed (and audited)
    entry = AuditEntry.objects.get(action="library_import")
    assert {c["unit"] for c in entry.data["unit_changes"]} >= {"pusdatin", "iki"}


def test_adopting_is_refused_where_a_revision_is_in_force(world: World, tmp_path: Path) -> None:
    """`--adopt` is for the first install: a new revision 1 of P.SMLTI 19 (effective here) is refused."""
    folder = tmp_path / "pustaka"
    (folder / "prosedur").mkdir(parents=True)
    (folder / "pustaka.yaml").write_text((SAMPLE / "pustaka.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    text = world.effective(world.own).yaml_source.replace("\nrevision: 0", "\nrevision: 1", 1)
    (folder / "prosedur" / "r1.yaml").write_text(text, encoding="utf-8")
    before = Revision.objects.count()
    with pytest.raises(CommandError) as caught:
        call_command("import_library", str(folder), "--adopt", stdout=StringIO())
    assert "already has an effective revision" in str(caught.value)
    assert Revision.objects.count() == before
    # a plain import of the same folder makes it a draft, and revision 0 stays in force
    call_command("import_library", str(folder), stdout=StringIO())
    assert Revision.objects.get(procedure=world.own, number=1).status == "draft"
    assert world.effective(world.own).number == 0


def test_import_refuses_a_folder_without_library(db: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("import_library", str(tmp_path))


def test_export_refuses_a_folder_that_is_not_empty(world: World, tmp_path: Path) -> None:
    (tmp_path / "lama.txt").write_text("x")
    with pytest.raises(CommandError):
        call_command("export_library", str(tmp_path), stdout=StringIO())
