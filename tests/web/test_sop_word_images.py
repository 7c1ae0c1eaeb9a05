"""Page images of an uploaded Word SOP: the package is cleaned in the core (nothing outside it, nothing that
runs), laid out by LibreOffice in a private profile under a timeout and a memory/output cap, then drawn as a
PDF's pages. A server on loopback that every outside reference points at receives no request; a layout that
hangs or writes too much is stopped with a clear message beside the draft; the images are served only to
who may see the draft; without LibreOffice a Word original is offered for download only."""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from prosedur_web.sopimport import services
from prosedur_web.sopimport.models import ImportFile, ImportPage
from tests.core.docx_hostile import write_hostile_docx
from tests.core.docx_sop import write_sop_docx
from tests.core.import_check import EXPECTED, load

from .conftest import World
from .test_sop_upload import NUMBER_053, _batch, _controller, _upload

needs_soffice = pytest.mark.skipif(
    services.soffice() is None,
    reason="LibreOffice (soffice) is not installed: Word originals keep download only, no page images to test")


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def _hit(self) -> None:
        self.hits.append(f"{self.command} {self.path}")
        self.send_response(404)
        self.end_headers()

    do_GET = do_HEAD = do_OPTIONS = do_PROPFIND = do_POST = _hit

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def recorder() -> Any:
    """An HTTP server on loopback that records every request it gets."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _word_sop(tmp_path: Path, base_url: str) -> Path:
    sop = write_sop_docx(load(EXPECTED / "sop-053.json"), "drawingml", tmp_path / "sop-053.docx")
    return write_hostile_docx(base_url, tmp_path / "sop-053-tautan.docx", base=sop)


def _uploaded(world: World, capture: Any, docx: Path) -> tuple[Client, ImportFile]:
    client = _controller(world)
    f = _batch(_upload(client, capture, (docx.name, docx.read_bytes()))).files.get()
    assert f.kind == "docx" and f.revision is not None, f.message_en
    assert f.revision.procedure.number == NUMBER_053
    return client, f


def _editor(client: Client, f: ImportFile) -> str:
    return client.get(reverse("procedures:revision_editor", kwargs={"pk": f.revision.pk})).content.decode()


@needs_soffice
def test_word_original_gets_page_images_and_nothing_is_fetched(
        world: World, django_capture_on_commit_callbacks: Any, tmp_path: Path, recorder: Any) -> None:
    base = f"http://127.0.0.1:{recorder.server_address[1]}"
    client, f = _uploaded(world, django_capture_on_commit_callbacks, _word_sop(tmp_path, base))
    body = _editor(client, f)
    page1 = reverse("sopimport:file_page", kwargs={"pk": f.pk, "page": 1})
    assert f'src="{page1}"' in body  # listed beside the draft before the layout ran (the reader's count)
    started = time.monotonic()
    png = client.get(page1)
    assert png.status_code == 200 and png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    took = time.monotonic() - started
    drawn = sorted(ImportPage.objects.filter(file=f).values_list("number", flat=True))
    assert drawn == list(range(1, len(drawn) + 1)) and len(drawn) >= 2, drawn  # identity sheet + activity table
    # the editor now lists the pages LibreOffice laid out, each served from what was kept
    body = _editor(client, f)
    for n in drawn:
        assert reverse("sopimport:file_page", kwargs={"pk": f.pk, "page": n}) in body
    last = client.get(reverse("sopimport:file_page", kwargs={"pk": f.pk, "page": drawn[-1]}))
    assert last.status_code == 200
    assert client.get(reverse("sopimport:file_page", kwargs={"pk": f.pk, "page": drawn[-1] + 1})).status_code == 404
    # a landscape Letter page at 110 dpi
    import struct

    width, height = struct.unpack(">II", png.content[16:24])
    assert (width, height) == (1210, 935), (width, height)
    time.sleep(0.5)
    assert recorder.RequestHandlerClass.hits == [], "LibreOffice fetched from the server the file points at"
    assert took < services.CONVERT_TIMEOUT


@needs_soffice
def test_layout_that_hangs_is_stopped_with_a_message(
        world: World, django_capture_on_commit_callbacks: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client, f = _uploaded(world, django_capture_on_commit_callbacks, _word_sop(tmp_path, "http://127.0.0.1:9"))
    hang = tmp_path / "soffice"
    pid_file = tmp_path / "child.pid"
    hang.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pid_file}\nwait\n")  # a child that would outlive a plain kill
    hang.chmod(0o755)
    monkeypatch.setattr(services, "soffice", lambda: str(hang))
    monkeypatch.setattr(services, "CONVERT_TIMEOUT", 1)
    started = time.monotonic()
    assert client.get(reverse("sopimport:file_page", kwargs={"pk": f.pk, "page": 1})).status_code == 404
    assert time.monotonic() - started < 5
    time.sleep(0.2)
    status = Path(f"/proc/{int(pid_file.read_text())}/status")
    # the whole process group was stopped: the child is gone (or a zombie waiting for init to reap it)
    assert not status.exists() or "State:\tZ" in status.read_text()
    f.refresh_from_db()
    body = _editor(client, f)
    assert "tata letak berkas Word dihentikan setelah 1 detik" in body
    assert reverse("sopimport:file_page", kwargs={"pk": f.pk, "page": 1}) not in body
    assert reverse("sopimport:file_original", kwargs={"pk": f.pk}) in body  # the original still downloads
    assert not ImportPage.objects.filter(file=f).exists()


@needs_soffice
def test_layout_that_writes_too_much_is_stopped(
        world: World, django_capture_on_commit_callbacks: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    if not shutil.which("prlimit"):
        pytest.skip("prlimit (util-linux) is not installed: no output cap to test")
    client, f = _uploaded(world, django_capture_on_commit_callbacks, _word_sop(tmp_path, "http://127.0.0.1:9"))
    monkeypatch.setattr(services, "CONVERT_OUTPUT", 4096)  # smaller than the SOP's PDF
    assert client.get(reverse("sopimport:file_page", kwargs={"pk": f.pk, "page": 1})).status_code == 404
    f.refresh_from_db()
    assert "could not be laid out" in f.summary["page_images"]["en"]
    assert "tidak dapat ditata letak" in _editor(client, f)


@needs_soffice
def test_word_page_images_only_for_who_may_see_the_draft(
        world: World, django_capture_on_commit_callbacks: Any, tmp_path: Path) -> None:
    from prosedur_web.accounts.models import Unit, User

    _client, f = _uploaded(world, django_capture_on_commit_callbacks, _word_sop(tmp_path, "http://127.0.0.1:9"))
    page = reverse("sopimport:file_page", kwargs={"pk": f.pk, "page": 1})
    reader = Client()
    reader.force_login(world.users["reader"])
    assert reader.get(page).status_code == 403
    assert not ImportPage.objects.filter(file=f).exists(), "nothing laid out for who may not see it"
    outsider = User.objects.create(username="luar", unit=Unit.objects.get(code="lain"))
    outsider.groups.set(world.users["author"].groups.all())
    other = Client()
    other.force_login(outsider)
    assert other.get(page).status_code == 403
    assert Client().get(page).status_code == 302
    author = Client()
    author.force_login(world.users["author"])  # same unit as the draft's owner
    assert author.get(page).status_code == 200


def test_without_libreoffice_a_word_original_is_download_only(
        world: World, django_capture_on_commit_callbacks: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client, f = _uploaded(world, django_capture_on_commit_callbacks, _word_sop(tmp_path, "http://127.0.0.1:9"))
    monkeypatch.setattr(services, "soffice", lambda: None)
    body = _editor(client, f)
    assert reverse("sopimport:file_page", kwargs={"pk": f.pk, "page": 1}) not in body
    assert "Tidak ada gambar halaman" in body and reverse("sopimport:file_original", kwargs={"pk": f.pk}) in body
    assert client.get(reverse("sopimport:file_page", kwargs={"pk": f.pk, "page": 1})).status_code == 404
