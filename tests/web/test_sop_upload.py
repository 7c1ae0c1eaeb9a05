"""Signed SOP files uploaded in the web app become drafts: permissions, a real reference SOP into a draft
whose editor shows the original's page image and the import report, a new revision of a known number, an
existing draft never clobbered, bad files refused one by one with nothing stored, the batch page's
progress, and page images served only to who may see the draft."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from prosedur_web.audit.models import AuditEntry
from prosedur_web.procedures import services as lifecycle
from prosedur_web.procedures.models import Procedure, Revision
from prosedur_web.sopimport import services
from prosedur_web.sopimport.models import ImportBatch, ImportFile, ImportPage
from tests.core.test_import import _pdf
from tests.pdf_bytes import pdf_of

from .conftest import World, email_source

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
SOP_053 = REFERENCE / "bps-bengkulu-sop-053-permintaan-setting-jaringan.pdf"
SOP_055 = REFERENCE / "bps-bengkulu-sop-055-administrasi-jaringan.pdf"
NUMBER_053 = "SOP-053/17000/2025"

needs_reference = pytest.mark.skipif(not SOP_053.is_file(), reason=f"reference SOPs not here ({REFERENCE})")


def _upload(client: Client, capture: Any, *files: tuple[str, bytes]) -> Any:
    """POST the files; the batch's task runs after commit (immediate backend in tests)."""
    with capture(execute=True):
        return client.post(reverse("sopimport:sop_upload"),
                           {"files": [SimpleUploadedFile(n, d, content_type="application/pdf") for n, d in files]})


def _batch(response: Any) -> ImportBatch:
    assert response.status_code == 302, response.content[:500]
    pk = int(re.search(r"/batch/(\d+)/", response["Location"]).group(1))
    return ImportBatch.objects.get(pk=pk)


def _controller(world: World) -> Client:
    client = Client()
    client.force_login(world.users["controller"])
    return client


# -- permissions ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["reader", "author", "reviewer", "approver"])
def test_only_controller_and_admin_may_upload(role: str, world: World, django_capture_on_commit_callbacks: Any) -> None:
    client = Client()
    client.force_login(world.users[role])
    assert client.get(reverse("sopimport:sop_upload")).status_code == 403
    response = _upload(client, django_capture_on_commit_callbacks, ("a.pdf", b"%PDF-1.4 x"))
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("role", ["controller", "admin"])
def test_controller_and_admin_get_the_page(role: str, world: World) -> None:
    client = Client()
    client.force_login(world.users[role])
    body = client.get(reverse("sopimport:sop_upload")).content.decode()
    assert 'type="file" name="files" multiple' in body
    # linked from where a controller starts: the master list and the library import page
    assert reverse("sopimport:sop_upload") in client.get(reverse("procedures:procedure_list")).content.decode()
    assert reverse("sopimport:sop_upload") in client.get(reverse("procedures:library_transfer")).content.decode()


# -- a real SOP -----------------------------------------------------------------------------------------------
@needs_reference
def test_reference_sop_becomes_a_draft_beside_its_page_image(world: World, django_capture_on_commit_callbacks: Any) -> None:
    client = _controller(world)
    batch = _batch(_upload(client, django_capture_on_commit_callbacks, (SOP_053.name, SOP_053.read_bytes())))
    batch.refresh_from_db()
    assert batch.state == "done" and batch.total == 1
    f = batch.files.get()
    assert f.status in ("ok", "warnings"), f.message_id
    rev = f.revision
    assert rev is not None and rev.status == "draft" and rev.procedure.number == NUMBER_053
    assert f.new_procedure and rev.number == 1  # the SOP prints a Tanggal Revisi: history revision 1 (core rule)
    assert not rev.procedure.revisions.exclude(pk=rev.pk).exists()
    assert "Permintaan Setting Jaringan" in rev.procedure.title
    assert bytes(f.data) == SOP_053.read_bytes(), "the original is kept as the draft's evidence"
    # audited, with words for the action
    entry = AuditEntry.objects.filter(action="sop_import").get()
    assert entry.data["file"] == SOP_053.name and entry.data["sha256"] == f.sha256
    assert AuditEntry.objects.filter(action="revision_import").exists()
    # the editor (the controller may check and fix an imported draft) shows page images and the report
    body = client.get(reverse("procedures:revision_editor", kwargs={"pk": rev.pk})).content.decode()
    page1 = reverse("sopimport:file_page", kwargs={"pk": f.pk, "page": 1})
    assert 'id="import-origin"' in body and f'src="{page1}"' in body
    assert reverse("sopimport:file_page", kwargs={"pk": f.pk, "page": f.pages}) in body
    assert f.pages == 2
    for line in f.issue_lines("id"):
        assert line.replace("'", "&#x27;").replace('"', "&quot;") in body
    assert f.issues and "unit &#x27;TIM TEKNOLOGI INFORMASI DAN PENGEMBANGAN INOVASI&#x27; tidak ada di pustaka" in body
    png = client.get(page1)
    assert png.status_code == 200 and png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert ImportPage.objects.filter(file=f, number=1).exists(), "rendered once, then kept"
    assert client.get(reverse("sopimport:file_page", kwargs={"pk": f.pk, "page": 3})).status_code == 404
    original = client.get(reverse("sopimport:file_original", kwargs={"pk": f.pk}))
    assert original.status_code == 200 and original.content == SOP_053.read_bytes()
    detail = client.get(reverse("procedures:revision_detail", kwargs={"pk": rev.pk})).content.decode()
    assert 'id="import-evidence"' in detail and reverse("sopimport:file_original", kwargs={"pk": f.pk}) in detail
    # the controller may fix the imported draft (an author's right on other drafts only)
    fixed = rev.yaml_source.replace("title: Permintaan Setting Jaringan", "title: Permintaan Pengaturan Jaringan", 1)
    assert fixed != rev.yaml_source
    saved = client.post(reverse("procedures:revision_edit", kwargs={"pk": rev.pk}),
                        {"yaml_source": fixed, "base_version": rev.version})
    assert saved.status_code == 302
    rev.refresh_from_db()
    assert "Permintaan Pengaturan Jaringan" in rev.yaml_source and rev.version == 2


@needs_reference
def test_unit_not_in_the_library_takes_the_unit_chosen_at_upload(world: World, django_capture_on_commit_callbacks: Any) -> None:
    client = _controller(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sopimport:sop_upload"), {
            "files": [SimpleUploadedFile(SOP_053.name, SOP_053.read_bytes())], "unit": world.other_unit.code})
    f = _batch(response).files.get()
    assert f.revision.procedure.owner_unit == world.other_unit
    assert "owner unit is set to Unit Lain" in " ".join(f.issue_lines("en"))


@needs_reference
def test_known_number_gets_a_new_revision_and_a_draft_is_never_clobbered(
        world: World, django_capture_on_commit_callbacks: Any) -> None:
    known = lifecycle.procedure_import(yaml_source=email_source(NUMBER_053), adopt=True).procedure
    effective = known.revisions.get(status="effective")
    before = effective.yaml_source
    client = _controller(world)
    batch = _batch(_upload(client, django_capture_on_commit_callbacks, (SOP_053.name, SOP_053.read_bytes())))
    f = batch.files.get()
    assert f.revision is not None and not f.new_procedure, f.message_id
    assert f.revision.procedure_id == known.pk and f.revision.number == effective.number + 1
    assert f.revision.status == "draft"
    assert f"revision: {effective.number + 1}" in f.revision.yaml_source
    assert not any("riwayat revisi 1" in line for line in f.issue_lines("id"))  # the number is the procedure's
    effective.refresh_from_db()
    assert effective.status == "effective" and effective.yaml_source == before, "the revision in force is untouched"
    draft_source = f.revision.yaml_source
    # the same SOP again: a draft exists for that number, so it is said and nothing is stored
    again = _batch(_upload(client, django_capture_on_commit_callbacks, (SOP_053.name, SOP_053.read_bytes())))
    g = again.files.get()
    assert g.status == "failed" and g.revision is None and not g.data
    assert f"SOP {NUMBER_053} sudah punya revisi {effective.number + 1} berstatus Draf: tidak ditimpa" in g.message_id
    assert "not overwritten" in g.message_en
    assert Revision.objects.get(pk=f.revision.pk).yaml_source == draft_source
    assert known.revisions.count() == 2
    body = client.get(reverse("sopimport:batch_detail", kwargs={"pk": again.pk})).content.decode()
    assert "tidak ditimpa" in body


# -- bad files --------------------------------------------------------------------------------------------------
def _encrypted(tmp_path: Path) -> bytes:
    pytest.importorskip("pyhanko")
    from pyhanko.pdf_utils.crypt import StandardSecurityHandler
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    src = tmp_path / "plain.pdf"
    src.write_bytes(_pdf([b"BT /F1 12 Tf 72 700 Td (Nomor SOP) Tj ET"]))
    with src.open("rb") as fh:
        w = copy_into_new_writer(PdfFileReader(fh))
        w.security_handler = StandardSecurityHandler.build_from_pw("rahasia", "rahasia")
        w._encrypt = w.add_object(w.security_handler.as_pdf_object())
        out = tmp_path / "locked.pdf"
        with out.open("wb") as o:
            w.write(o)
    return out.read_bytes()


@needs_reference
def test_bad_files_are_refused_each_with_its_message_and_nothing_stored(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any) -> None:
    monkeypatch.setattr(services, "max_file", lambda: 600_000)
    good = SOP_055.read_bytes()
    files = [
        ("bukan.pdf", b"Nomor SOP: ini teks biasa dengan nama .pdf\n" * 10),
        ("terkunci.pdf", _encrypted(tmp_path)),
        ("terpotong.pdf", SOP_053.read_bytes()[:20000]),
        ("besar.pdf", b"%PDF-1.4\n" + b"0" * 700_000),
        ("panjang.pdf", _pdf([b"BT /F1 12 Tf 72 700 Td (Halaman) Tj ET"] * 200)),
        ("pindai.pdf", _pdf([b"0 0 0 rg 100 100 200 200 re f"])),
        ("surat.pdf", _pdf([b"BT /F1 12 Tf 72 700 Td (Surat undangan rapat) Tj ET"])),
        ("rusak.docx", b"PK\x03\x04" + b"\x00" * 100),
        ("bukan.docx", b"<html><script>alert(1)</script></html>"),
        (SOP_055.name, good),
    ]
    procedures_before = Procedure.objects.count()
    client = _controller(world)
    batch = _batch(_upload(client, django_capture_on_commit_callbacks, *files))
    by_name = {f.name: f for f in batch.files.all()}
    expect = {
        "bukan.pdf": ("bukan PDF", "not a PDF"),
        "terkunci.pdf": ("terenkripsi", "encrypted"),
        "terpotong.pdf": ("rusak atau terpotong", "damaged or truncated"),
        "besar.pdf": ("terlalu besar", "too large"),
        "panjang.pdf": ("terlalu panjang: 200 halaman (batas 40)", "too long: 200 pages (limit 40)"),
        "pindai.pdf": ("tidak berisi teks", "holds no text"),
        "surat.pdf": ("bukan SOP", "not a PermenPAN-RB SOP"),
        "rusak.docx": ("bukan arsip .zip yang sah", "not a valid .zip"),
        "bukan.docx": ("bukan PDF, Word (.docx)", "judged by its content"),
    }
    for name, (ind, eng) in expect.items():
        f = by_name[name]
        assert f.status == "failed" and f.revision is None, name
        assert not f.data, f"nothing kept of {name}"
        assert ind in f.message_id and eng in f.message_en, (name, f.message_id, f.message_en)
    assert by_name[SOP_055.name].status in ("ok", "warnings"), "one bad file does not stop the others"
    assert Procedure.objects.count() == procedures_before + 1
    assert ImportFile.objects.filter(revision__isnull=False).count() == 1
    assert AuditEntry.objects.filter(action="sop_import").count() == 1
    # the batch page names each refusal in the reader's language
    body = client.get(reverse("sopimport:batch_detail", kwargs={"pk": batch.pk})).content.decode()
    assert "terenkripsi" in body and "bukan SOP" in body
    client.post(reverse("set_language"), {"language": "en"})
    body = client.get(reverse("sopimport:batch_detail", kwargs={"pk": batch.pk})).content.decode()
    assert "the PDF is encrypted" in body and "outcome: " in body


def test_batch_too_large_or_empty_is_refused_whole(world: World, monkeypatch: pytest.MonkeyPatch,
                                                    django_capture_on_commit_callbacks: Any) -> None:
    monkeypatch.setattr(services, "MAX_TOTAL", 1000)
    client = _controller(world)
    response = _upload(client, django_capture_on_commit_callbacks, ("a.pdf", b"%PDF-1.4\n" + b"0" * 600),
                       ("b.pdf", b"%PDF-1.4\n" + b"0" * 600))
    assert response.status_code == 400 and "lebih besar dari" in response.content.decode()
    response = _upload(client, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert not ImportBatch.objects.exists() and not ImportFile.objects.exists()


def test_word_file_waits_for_the_core_reader(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    monkeypatch.setattr(services.core, "sop_reads_docx", lambda: False)
    kind, refusal, _ = services._checked("sop.docx", buffer.getvalue())
    assert kind == "docx" and refusal is not None and "save it as PDF" in refusal[1]
    monkeypatch.setattr(services.core, "sop_reads_docx", lambda: True)
    assert services._checked("sop.docx", buffer.getvalue()) == ("docx", None, [])


def test_too_many_files_are_refused_whole(world: World, monkeypatch: pytest.MonkeyPatch,
                                         django_capture_on_commit_callbacks: Any) -> None:
    monkeypatch.setattr(services, "MAX_FILES", 3)
    response = _upload(_controller(world), django_capture_on_commit_callbacks,
                       *[(f"{i}.pdf", b"%PDF-1.4 x") for i in range(4)])
    assert response.status_code == 400 and "4 berkas dalam satu unggahan; batasnya 3" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_type_is_judged_by_content_not_by_name(world: World) -> None:
    assert services.sniff(b"%PDF-1.7\n...") == "pdf"
    assert services.sniff(b"\x00\x01junk%PDF-1.4") == "pdf"  # as the core: a few bytes before the header
    assert services.sniff(b"<html><script>") == ""
    assert services.sniff(b"PK\x03\x04rest") == "zip"
    assert services.sniff(b"PK\x03\x04" + b"\x00" * 40 + b"sop.pdf%PDF-1.4") == "zip"  # a stored PDF inside


@needs_reference
def test_a_zip_of_sops_is_unpacked_with_the_zip_imports_checks(world: World, django_capture_on_commit_callbacks: Any) -> None:
    from prosedur_web.procedures.transfer import zip_files

    archive = zip_files({"sop/053.pdf": SOP_053.read_bytes(), "sop/catatan.txt": b"x"})
    client = _controller(world)
    batch = _batch(_upload(client, django_capture_on_commit_callbacks, ("semua.zip", archive)))
    f = batch.files.get()
    assert f.name == "semua.zip/sop/053.pdf" and f.revision is not None
    bad = zip_files({"../keluar.pdf": SOP_053.read_bytes()})
    batch = _batch(_upload(client, django_capture_on_commit_callbacks, ("jahat.zip", bad)))
    g = batch.files.get()
    assert g.status == "failed" and "../keluar.pdf" in g.message_id and not g.data


# -- batch progress --------------------------------------------------------------------------------------------
@needs_reference
def test_batch_page_shows_progress_then_the_final_state(world: World, django_capture_on_commit_callbacks: Any) -> None:
    client = _controller(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:  # the task has not run yet
        response = client.post(reverse("sopimport:sop_upload"), {"files": [
            SimpleUploadedFile(SOP_053.name, SOP_053.read_bytes()), SimpleUploadedFile("x.pdf", b"bukan pdf")]})
    batch = _batch(response)
    status_url = reverse("sopimport:batch_status", kwargs={"pk": batch.pk})
    body = client.get(reverse("sopimport:batch_detail", kwargs={"pk": batch.pk})).content.decode()
    assert f'hx-get="{status_url}" hx-trigger="every 1s"' in body
    assert "1 dari 2 berkas selesai" in body and 'data-state="queued"' in body  # the refused one is done at once
    assert "menunggu" in body and 'id="batch-waiting"' not in body
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=batch.created_at - dt.timedelta(minutes=2))
    assert "manage.py db_worker" in client.get(status_url).content.decode(), "a batch nobody takes says why"
    assert len(callbacks) == 1
    callbacks[0]()  # the worker takes the task
    body = client.get(status_url).content.decode()
    assert "2 dari 2 berkas selesai" in body and 'data-state="done"' in body
    assert "hx-trigger" not in body, "polling stops when the batch is done"
    f = batch.files.get(order=0)
    assert reverse("procedures:revision_editor", kwargs={"pk": f.revision.pk}) in body
    assert re.search(r"hasil: [01] baik, [01] dengan catatan, 1 gagal", body)
    other = Client()
    other.force_login(world.users["author"])
    assert other.get(status_url).status_code == 403


# -- who sees the original ----------------------------------------------------------------------------------
@needs_reference
def test_page_images_and_original_only_for_who_may_see_the_draft(world: World, django_capture_on_commit_callbacks: Any) -> None:
    from prosedur_web.accounts.models import Unit, User

    client = _controller(world)
    f = _batch(_upload(client, django_capture_on_commit_callbacks, (SOP_053.name, SOP_053.read_bytes()))).files.get()
    page = reverse("sopimport:file_page", kwargs={"pk": f.pk, "page": 1})
    original = reverse("sopimport:file_original", kwargs={"pk": f.pk})
    author = Client()
    author.force_login(world.users["author"])  # same unit as the draft's owner: may see the draft
    assert author.get(page).status_code == 200
    reader = Client()
    reader.force_login(world.users["reader"])
    assert reader.get(page).status_code == 403 and reader.get(original).status_code == 403
    outsider = User.objects.create(username="luar", unit=Unit.objects.get(code="lain"))
    outsider.groups.set(world.users["author"].groups.all())
    other = Client()
    other.force_login(outsider)
    assert other.get(page).status_code == 403 and other.get(original).status_code == 403
    anonymous = Client()
    assert anonymous.get(page).status_code == 302


@needs_reference
def test_database_queue_the_request_only_enqueues_and_the_worker_imports(
        world: World, settings: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The production backend: the upload answers at once with a queued batch; `db_worker` (in-process here)
    reads the files and makes the drafts."""
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)  # as test_notifications: the test's connection
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    client = _controller(world)
    batch = _batch(_upload(client, django_capture_on_commit_callbacks, (SOP_053.name, SOP_053.read_bytes())))
    assert batch.state == "queued" and batch.files.get().status == "queued" and DBTaskResult.objects.count() == 1
    assert not Procedure.objects.filter(number=NUMBER_053).exists()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    batch.refresh_from_db()
    assert batch.state == "done" and batch.files.get().revision.procedure.number == NUMBER_053
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_nothing_in_a_pdf_is_run_or_fetched(world: World, django_capture_on_commit_callbacks: Any) -> None:
    """A PDF that opens with JavaScript, links, launches and pulls a remote file, all at a listener on
    loopback: reading it and drawing its page image never connects."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.5)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/ambil".encode()
    content = b"BT /F1 14 Tf 72 700 Td (Nomor SOP) Tj 0 -20 Td (Nama SOP Uji Skrip) Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R /AA << /WC 7 0 R >> /Names << /JavaScript << /Names "
        b"[(x) 6 0 R] >> >> /AcroForm << /Fields [] /XFA (" + url + b") >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Annots [8 0 R] "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /S /JavaScript /JS (app.launchURL\\('" + url + b"'\\); this.submitForm\\('" + url + b"'\\);) >>",
        b"<< /S /Launch /F (" + url + b") /Next << /S /GoToR /F << /FS /URL /F (" + url + b") >> /D [0 /Fit] >> >>",
        b"<< /Type /Annot /Subtype /Link /Rect [72 690 300 720] /A << /S /URI /URI (" + url + b") >> >>",
    ]
    data = pdf_of(objs)
    client = _controller(world)
    batch = _batch(_upload(client, django_capture_on_commit_callbacks, ("skrip.pdf", data)))
    f = batch.files.get()
    assert f.revision is not None, f.message_en  # read as an (incomplete) SOP; its page image is drawn too
    assert client.get(reverse("sopimport:file_page", kwargs={"pk": f.pk, "page": 1})).status_code == 200
    # it prints no number: the draft carries the core's stand-in, and the same file again is not clobbered
    assert f.revision.procedure.number.startswith("IMPOR-")
    g = _batch(_upload(client, django_capture_on_commit_callbacks, ("skrip.pdf", data))).files.get()
    assert g.status == "failed" and "tidak ditimpa" in g.message_id and g.revision is None
    assert ImportFile.objects.filter(revision=f.revision).count() == 1
    with pytest.raises(TimeoutError):
        listener.accept()
    listener.close()


def test_word_sop_becomes_a_draft(world: World, django_capture_on_commit_callbacks: Any, tmp_path: Path) -> None:
    """A Word SOP goes through the same upload as a PDF (the core reader tells them apart by content)."""
    from tests.core.docx_sop import write_sop_docx
    from tests.core.import_check import EXPECTED, load

    docx = write_sop_docx(load(EXPECTED / "sop-053.json"), "drawingml", tmp_path / "sop-053.docx")
    client = _controller(world)
    batch = _batch(_upload(client, django_capture_on_commit_callbacks, (docx.name, docx.read_bytes())))
    batch.refresh_from_db()
    f = batch.files.get()
    assert batch.state == "done" and f.status in ("ok", "warnings"), (f.status, f.message_id)
    rev = f.revision
    assert rev is not None and rev.status == "draft" and rev.procedure.number == NUMBER_053
    assert "k05" in rev.yaml_source and "exits" in rev.yaml_source
    assert bytes(f.data) == docx.read_bytes(), "the original is kept as the draft's evidence"
