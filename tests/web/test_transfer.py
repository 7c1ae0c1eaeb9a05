"""The library as a .zip in the web app: round trip, and hostile archives refused with nothing stored."""

from __future__ import annotations

import io
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
from prosedur_web.accounts.models import User
from prosedur_web.accounts.roles import Role
from prosedur_web.procedures import transfer
from prosedur_web.procedures.models import LibrarySource, Procedure, Revision

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


def _upload(client: Client, data: bytes, name: str = "pustaka.zip") -> Any:
    return client.post(IMPORT, {"archive": SimpleUploadedFile(name, data, content_type="application/zip")})


def _state() -> tuple[int, int, int]:
    return LibrarySource.objects.count(), Procedure.objects.count(), Revision.objects.count()


def test_export_then_import_into_an_empty_database_keeps_the_content_hashes(db: Any, tmp_path: Path) -> None:
    with transaction.atomic():  # a first "installation", rolled back after the export
        call_command("import_library", str(SAMPLE))
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
    # import into the empty database
    client = Client()
    client.force_login(_admin())
    response = _upload(client, data)
    assert response.status_code == 302, response.content.decode()[:800]
    assert {r.procedure.number: r.content_hash for r in Revision.objects.select_related("procedure")} == hashes
    # importing again adds nothing
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
             f"prosedur/b-rusak.yaml:{line}:", "revision")
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


def test_not_a_zip_and_an_effective_conflict(world: World) -> None:
    _refused(world, b"bukan zip sama sekali", "bukan arsip")
    # P.SMLTI 19 already has an effective revision 0; an archive with an effective revision 1 is refused
    rev1 = EMAIL_TEXT.replace("\nrevision: 0", "\nrevision: 1", 1)
    _refused(world, _zip([("pustaka.yaml", LIBRARY_TEXT), ("prosedur/r1.yaml", rev1)]), "r1.yaml")
