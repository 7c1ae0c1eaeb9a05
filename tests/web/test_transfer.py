"""The library as a .zip in the web app: round trip, and hostile archives refused with nothing stored."""

from __future__ import annotations

import io
import re
import stat
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from prosedur.cli import main as cli_main
from prosedur.load import load_library
from prosedur_web.accounts.models import Unit, User
from prosedur_web.accounts.roles import Role
from prosedur_web.audit.models import AuditEntry
from prosedur_web.procedures import services, transfer
from prosedur_web.procedures.library_units import UnitChangesRefused
from prosedur_web.procedures.models import LibrarySource, Procedure, Revision, Signature

from .conftest import EMAIL, SAMPLE, World

IMPORT = reverse("procedures:library_import")
LIBRARY_TEXT = (SAMPLE / "pustaka.yaml").read_text(encoding="utf-8")
EMAIL_TEXT = EMAIL.read_text(encoding="utf-8")


def _zip(entries: list[tuple[str | zipfile.ZipInfo, bytes | str]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buffer.getvalue()


def _admin(username: str = "admin") -> User:
    user = User.objects.create(username=username, full_name="Admin", unit=None, is_superuser=True)
    user.groups.add(Group.objects.get_or_create(name=Role.ADMIN.value)[0])
    return user


def _upload(client: Client, data: bytes, name: str = "pustaka.zip", **fields: str) -> Any:
    return client.post(IMPORT, {"archive": SimpleUploadedFile(name, data, content_type="application/zip"), **fields})


def _state() -> tuple[int, int, int]:
    return LibrarySource.objects.count(), Procedure.objects.count(), Revision.objects.count()


def test_export_then_import_into_an_empty_database_keeps_the_content_hashes(db: Any, tmp_path: Path) -> None:
    with transaction.atomic():  # a first "installation", rolled back after the export
        call_command("import_library", str(SAMPLE), "--adopt", stdout=io.StringIO())
        adopted = set(Revision.objects.values_list("status", flat=True))
        assert "effective" in adopted and adopted != {"draft"}  # adopting keeps the files' statuses
        hashes = {r.procedure.number: r.content_hash for r in Revision.objects.select_related("procedure")}
        client = Client()
        client.force_login(_admin("admin_lama"))
        response = client.get(reverse("procedures:library_export"))
        transaction.set_rollback(True)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    data = response.content
    assert _state() == (0, 0, 0)
    # the export is a library folder the CLI reads and lints
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zf.extractall(tmp_path / "ekspor")
    library, problems = load_library(tmp_path / "ekspor")
    assert not problems and {p.number for p in library.procedures} == set(hashes)
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["lint", str(tmp_path / "ekspor")])
    assert exit_info.value.code in (0, 1)  # findings, never a load failure (2)
    # a plain import into the empty database: the units it adds are shown to the admin first
    client = Client()
    client.force_login(_admin())
    response = _upload(client, data)
    page = response.content.decode()
    assert response.status_code == 200 and "unit iki baru" in page and _state() == (0, 0, 0)
    token = re.search(r'name="confirm_units" value="([0-9a-f]{64})"', page)
    assert token is not None
    response = _upload(client, data, confirm_units=token.group(1))
    assert response.status_code == 302, response.content.decode()[:800]
    assert {r.procedure.number: r.content_hash for r in Revision.objects.select_related("procedure")} == hashes
    # the sources name "effective": a plain import makes drafts, and says so
    assert set(Revision.objects.values_list("status", flat=True)) == {"draft"}
    shown = client.get(response.headers["Location"]).content.decode()
    assert "diimpor sebagai draf" in shown and "record/ diabaikan" in shown
    # importing again adds nothing (and changes no unit, so no confirmation)
    assert _upload(client, data).status_code == 302
    assert Revision.objects.count() == len(hashes)


def _refused(world: World, data: bytes, *needles: str) -> str:
    before = _state()
    client = Client()
    client.force_login(world.users["controller"])
    response = _upload(client, data)
    page = response.content.decode()
    assert response.status_code == 400, page[:800]
    for needle in needles:
        assert needle in page, (needle, page[:2000])
    assert _state() == before  # nothing stored
    return page


def test_zip_bomb_is_refused_before_inflating(world: World) -> None:
    bomb = _zip([("pustaka.yaml", LIBRARY_TEXT), ("prosedur/bom.yaml", b"\0" * (10 * 1024 * 1024))])
    assert len(bomb) < 100_000
    _refused(world, bomb, "bom.yaml", "bom zip")


def test_too_many_entries_and_nested_archives(world: World) -> None:
    many = _zip([(f"x/{i}.txt", b"") for i in range(transfer.MAX_ENTRIES + 1)], zipfile.ZIP_STORED)
    _refused(world, many, str(transfer.MAX_ENTRIES))
    # a bomb inside an inner .zip is never opened: the inner archive is not YAML and is ignored
    inner = _zip([("bom.yaml", b"\0" * (10 * 1024 * 1024))])
    texts, ignored = transfer.read_archive(_zip([("pustaka.yaml", LIBRARY_TEXT), ("dalam.zip", inner)]))
    assert list(texts) == ["pustaka.yaml"] and ignored == 1
    # a highly compressed non-YAML entry is refused too, not just skipped
    _refused(world, _zip([("pustaka.yaml", LIBRARY_TEXT), ("nol.bin", b"\0" * (2 * 1024 * 1024))]), "nol.bin")


def test_total_size_limit_counts_every_entry(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transfer, "MAX_TOTAL", len(EMAIL_TEXT.encode()) + 100)
    _refused(world, _zip([("pustaka.yaml", LIBRARY_TEXT), ("prosedur/a.yaml", EMAIL_TEXT)]), str(transfer.MAX_TOTAL))


def test_declared_size_that_lies_is_caught_while_reading(world: World) -> None:
    data = bytearray(_zip([("pustaka.yaml", LIBRARY_TEXT), ("prosedur/a.yaml", EMAIL_TEXT)]))
    # rewrite the central directory's uncompressed size of a.yaml to 100 bytes
    pos = data.rindex(b"prosedur/a.yaml") - 46  # the central directory header precedes the name
    assert data[pos:pos + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, pos + 24, 100)
    _refused(world, bytes(data), "prosedur/a.yaml", "berbeda dari yang dinyatakan")


@pytest.mark.parametrize(("name", "why"), [
    ("../../evil.yaml", ".."),
    ("prosedur/../../evil.yaml", ".."),
    ("/etc/evil.yaml", "absolut"),
    ("prosedur\\evil.yaml", "miring terbalik"),
    ("C:/evil.yaml", "drive"),
    ("prosedur/evil\u202egnp.yaml", "bidi"),
    ("prosedur/ev\u200bil.yaml", "tak terlihat"),
])
def test_dangerous_paths_are_refused(world: World, name: str, why: str) -> None:
    page = _refused(world, _zip([("pustaka.yaml", LIBRARY_TEXT), (name, EMAIL_TEXT)]), why)
    assert "\u202e" not in page and "\u200b" not in page  # shown as U+202E, never applied


def test_symlink_entry_is_refused(world: World) -> None:
    link = zipfile.ZipInfo("prosedur/tautan.yaml")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    _refused(world, _zip([("pustaka.yaml", LIBRARY_TEXT), (link, "/etc/passwd")]), "tautan.yaml", "simbolik")


def test_broken_yaml_names_file_line_and_field_and_nothing_is_imported(world: World) -> None:
    good = EMAIL_TEXT.replace("P.SMLTI 19", "P.SMLTI 50")
    broken = EMAIL_TEXT.replace("P.SMLTI 19", "P.SMLTI 51").replace("\nrevision: 0", "\nrevision: dua", 1)
    assert broken != EMAIL_TEXT.replace("P.SMLTI 19", "P.SMLTI 51")
    line = broken.splitlines().index("revision: dua") + 1
    _refused(world, _zip([("pustaka.yaml", LIBRARY_TEXT), ("prosedur/a-baik.yaml", good),
                          ("prosedur/b-rusak.yaml", broken)]),
             f"prosedur/b-rusak.yaml, baris {line}, kolom ", "Revisi")  # the place in words, not the key
    assert not Procedure.objects.filter(number="P.SMLTI 50").exists()


def test_other_files_are_ignored_and_new_revisions_imported(world: World) -> None:
    client = Client()
    client.force_login(world.users["admin"])
    data = _zip([("pustaka.yaml", LIBRARY_TEXT), ("prosedur/baru.yaml", EMAIL_TEXT.replace("P.SMLTI 19", "P.SMLTI 60")),
                 ("prosedur/catatan.txt", "bukan yaml"), ("README.md", "#")])
    response = _upload(client, data)
    assert response.status_code == 302
    assert Procedure.objects.filter(number="P.SMLTI 60").exists()
    assert "1 revisi baru" in client.get(response.headers["Location"]).content.decode()


def test_not_a_zip(world: World) -> None:
    _refused(world, b"bukan zip sama sekali", "bukan arsip")


def test_an_effective_source_is_imported_as_a_draft_and_nothing_becomes_obsolete(world: World) -> None:
    """A document controller cannot put a revision in force by uploading YAML that says so."""
    from django.core import mail

    old = world.effective(world.own)
    rev1 = EMAIL_TEXT.replace("\nrevision: 0", "\nrevision: 1", 1)
    assert "status: effective" in rev1
    approved = EMAIL_TEXT.replace("P.SMLTI 19", "P.SMLTI 61").replace("status: effective", "status: approved", 1)
    client = Client()
    client.force_login(world.users["controller"])
    response = _upload(client, _zip([("pustaka.yaml", LIBRARY_TEXT), ("prosedur/r1.yaml", rev1),
                                     ("prosedur/baru.yaml", approved)]))
    assert response.status_code == 302, response.content.decode()[:1500]
    new = Revision.objects.get(procedure=world.own, number=1)
    assert new.status == "draft" and new.effective_date is None and new.issued_date is None
    assert Revision.objects.get(procedure__number="P.SMLTI 61").status == "draft"
    old.refresh_from_db()
    assert old.status == "effective"  # still the one in force
    assert not Revision.objects.filter(status__in=("approved", "obsolete")).exists()
    assert not Signature.objects.exists() and not mail.outbox
    page = client.get(response.headers["Location"]).content.decode()
    assert "r1.yaml: berkas menyebut status &#x27;effective&#x27;; diimpor sebagai draf" in page
    assert "pengesahan melalui pemeriksaan dan penandatanganan" in page
    entry = AuditEntry.objects.filter(action="revision_import", target_id=str(new.pk)).get()
    assert entry.data["status"] == "draft" and entry.data["source_status"] == "effective"
    # the draft goes through the lifecycle like any other: the verification page does not call it in force
    verify = client.get(reverse("procedures:revision_verify", args=[new.content_hash]))
    assert verify.status_code in (200, 404)
    assert "BERLAKU" not in verify.content.decode().replace("TIDAK BERLAKU", "")


def test_a_second_new_revision_of_one_procedure_is_refused(world: World) -> None:
    """One draft at a time: two new revisions of a procedure in one archive (both drafts) are refused whole."""
    rev1 = EMAIL_TEXT.replace("\nrevision: 0", "\nrevision: 1", 1)
    rev2 = EMAIL_TEXT.replace("\nrevision: 0", "\nrevision: 2", 1)
    _refused(world, _zip([("pustaka.yaml", LIBRARY_TEXT), ("prosedur/r1.yaml", rev1), ("prosedur/r2.yaml", rev2)]),
             "r2.yaml", "dalam proses")
    assert not Revision.objects.filter(procedure=world.own, number=1).exists()


# -- unit changes need the admin --------------------------------------------------------------------------------
REPARENTED = LIBRARY_TEXT.replace(
    "  iki:\n    name: Bidang Infrastruktur dan Keamanan Informasi\n    name_en: Infrastructure and Information "
    "Security Division\n    parent: pusdatin\n",
    "  iki:\n    name: Bidang Infrastruktur dan Keamanan Informasi\n    name_en: Infrastructure and Information "
    "Security Division\n    parent: lti\n", 1)


def _parent(code: str) -> str | None:
    unit = Unit.objects.select_related("parent").get(code=code)
    return unit.parent.code if unit.parent else None


def test_a_library_that_reparents_a_unit_is_refused_for_a_non_admin(world: World) -> None:
    assert REPARENTED != LIBRARY_TEXT
    count = AuditEntry.objects.count()
    page = _refused(world, _zip([("pustaka.yaml", REPARENTED)]), "hanya admin", "unit iki induk pusdatin → lti")
    assert page.count("unit iki induk") == 1 and "unit lti" not in page  # the one change, nothing else
    assert _parent("iki") == "pusdatin" and AuditEntry.objects.count() == count
    # the service refuses it too, whoever calls it
    with pytest.raises(UnitChangesRefused) as caught:
        services.library_import(yaml_source=REPARENTED, actor=world.users["controller"])
    assert not caught.value.needs_confirmation
    assert [c.as_data() for c in caught.value.changes] == [
        {"unit": "iki", "change": "reparented", "before": "pusdatin", "after": "lti"}]
    assert _parent("iki") == "pusdatin"


def test_the_admin_sees_the_unit_changes_confirms_them_and_the_audit_entry_records_them(world: World) -> None:
    client = Client()
    client.force_login(world.users["admin"])
    data = _zip([("pustaka.yaml", REPARENTED)])
    response = _upload(client, data)
    page = response.content.decode()
    assert response.status_code == 200 and "Konfirmasi perubahan unit kerja" in page
    assert "unit iki induk pusdatin → lti" in page
    assert _parent("iki") == "pusdatin"  # nothing yet
    # a token for another list is not a confirmation of this one
    assert _upload(client, data, confirm_units="0" * 64).status_code == 200 and _parent("iki") == "pusdatin"
    token = re.search(r'name="confirm_units" value="([0-9a-f]{64})"', page)
    assert token is not None
    response = _upload(client, data, confirm_units=token.group(1))
    assert response.status_code == 302, response.content.decode()[:1500]
    assert _parent("iki") == "lti"
    entry = AuditEntry.objects.filter(action="library_import").order_by("-seq").first()
    assert entry is not None and entry.actor_name == "admin"
    assert entry.data["unit_changes"] == [{"unit": "iki", "change": "reparented", "before": "pusdatin",
                                           "after": "lti"}]
    assert "1 perubahan unit kerja" in client.get(response.headers["Location"]).content.decode()


def test_added_and_renamed_units_are_changes_too(world: World) -> None:
    text = LIBRARY_TEXT.replace("name: Pusat Data dan Informasi\n", "name: Pusat Data dan Sistem Informasi\n", 1)
    text = text.replace("  unit_kerja:\n", "  baru:\n    name: Unit Baru\n    parent: pusdatin\n  unit_kerja:\n", 1)
    from prosedur_web.procedures.library_units import unit_changes

    kinds = {(c.code, c.kind) for c in unit_changes(text)}
    assert kinds == {("pusdatin", "renamed"), ("baru", "added")}
    _refused(world, _zip([("pustaka.yaml", text)]), "unit baru baru", "Pusat Data dan Sistem Informasi")
    assert not Unit.objects.filter(code="baru").exists()
