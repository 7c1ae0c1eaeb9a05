"""Downloads of a revision: core renderings, cached in storage, with the real status and the verify link."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from prosedur_web import services as core
from prosedur_web.procedures.models import Revision

from .conftest import World, add_history


def rotated_text(data: bytes, tmp_path: Path) -> str:
    """The diagonal watermark: pdftotext gives it one glyph per line; join those glyphs."""
    path = tmp_path / "tanda-air.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True)
    return "".join(line.strip() for line in out.stdout.splitlines() if len(line.strip()) == 1)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "unduhan.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(out.stdout.split())  # the header table spreads "Halaman 1 dari 6" over columns


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Each call of the core renderer, with its arguments (the real renderer still runs)."""
    calls: list[dict[str, Any]] = []
    real = core.render_download

    def spy(proc: Any, library: Any, **kw: Any) -> bytes:
        calls.append({"status": str(proc.status), **kw})
        return real(proc, library, **kw)

    monkeypatch.setattr(core, "render_download", spy)
    return calls


def get(client: Client, rev: Revision, fmt: str, lang: str = "id") -> Any:
    return client.get(reverse("procedures:revision_download", kwargs={"pk": rev.pk, "fmt": fmt}), {"lang": lang})


def test_effective_pdf_is_controlled_with_hash_page_numbers_and_verify_link(
        world: World, client: Client, renders: list[dict[str, Any]], tmp_path: Path) -> None:
    rev = world.effective(world.own)
    client.force_login(world.users["reader"])
    response = get(client, rev, "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    data = response.content
    assert data.startswith(b"%PDF-")
    text = pdf_text(data, tmp_path)
    assert rev.content_hash in text
    assert "Halaman 1 dari" in text
    marks = rotated_text(data, tmp_path)
    assert "KEDALUWARSA" not in marks and "DRAF" not in marks and "TIDAK TERKENDALI" not in text
    assert len(renders) == 1
    call = renders[0]
    assert call["controlled"] is True and call["status"] == "effective"
    assert call["verify_url"] == f"http://testserver/verifikasi/{rev.content_hash}/"
    # second download: the same bytes from storage, no rendering
    again = get(client, rev, "pdf")
    assert again.content == data and len(renders) == 1
    # another language is another file
    english = get(client, rev, "pdf", "en")
    assert len(renders) == 2 and "Page 1 of" in pdf_text(english.content, tmp_path)


def test_site_url_setting_wins_for_the_qr_link(world: World, client: Client, renders: list[dict[str, Any]],
                                               settings: Any) -> None:
    settings.PROSEDUR_SITE_URL = "https://prosedur.example.go.id/"
    rev = world.effective(world.own)
    client.force_login(world.users["reader"])
    get(client, rev, "sop-html")
    assert renders[0]["verify_url"] == f"https://prosedur.example.go.id/verifikasi/{rev.content_hash}/"


def test_obsolete_revision_carries_watermark_and_readers_cannot_download(
        world: World, client: Client, renders: list[dict[str, Any]], tmp_path: Path) -> None:
    rev = world.effective(world.own)
    Revision.objects.filter(pk=rev.pk).update(status="obsolete")  # its source still says `effective`
    rev.refresh_from_db()
    client.force_login(world.users["reader"])
    assert get(client, rev, "pdf").status_code == 403
    client.force_login(world.users["controller"])
    response = get(client, rev, "pdf")
    assert response.status_code == 200
    assert "KEDALUWARSA" in rotated_text(response.content, tmp_path)
    assert "TIDAK TERKENDALI" in pdf_text(response.content, tmp_path)
    assert renders[0]["controlled"] is False and renders[0]["status"] == "obsolete"


def test_draft_copied_from_effective_source_is_marked_draft(
        world: World, client: Client, renders: list[dict[str, Any]]) -> None:
    effective = world.effective(world.own)
    draft = world.own.revisions.create(number=1, status="draft", author=world.users["author"],
                                       yaml_source=add_history(effective.yaml_source, 1).replace(
                                           "revision: 0", "revision: 1", 1),
                                       content_hash="d" * 64)
    client.force_login(world.users["reader"])
    assert get(client, draft, "docx").status_code == 403
    client.force_login(world.users["author"])
    response = get(client, draft, "docx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        body = docx.read("word/document.xml").decode() + "".join(
            docx.read(n).decode() for n in docx.namelist() if n.startswith("word/header"))
    assert "DRAF" in body
    assert renders[0]["status"] == "draft" and renders[0]["controlled"] is False


def test_sop_docx_is_offered_and_carries_the_record(world: World, client: Client,
                                                    renders: list[dict[str, Any]]) -> None:
    """The SOP in Word where the SOP PDF is offered: same permission check, hash and verify link in the
    footer, a draft marked DRAF; the link is on the procedure's page."""
    rev = world.effective(world.own)
    client.force_login(world.users["reader"])
    response = get(client, rev, "sop-docx")
    assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")
    assert response["Content-Disposition"].startswith("attachment;") and "sop-" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        parts = {n: docx.read(n).decode() for n in docx.namelist() if n.endswith(".xml")}
    footer = "".join(v for n, v in parts.items() if n.startswith("word/footer"))
    assert rev.content_hash in footer and f"/verifikasi/{rev.content_hash}/" in footer
    assert "<wpg:wgp>" in parts["word/document.xml"]  # the flowchart as Word shapes
    assert renders[0]["fmt"] == "sop-docx" and renders[0]["controlled"] is True
    page = client.get(reverse("procedures:procedure_detail", kwargs={"pk": rev.procedure.pk}))
    assert reverse("procedures:revision_download", kwargs={"pk": rev.pk, "fmt": "sop-docx"}) in page.content.decode()
    draft = world.own.revisions.create(number=1, status="draft", author=world.users["author"],
                                       yaml_source=add_history(rev.yaml_source, 1).replace(
                                           "revision: 0", "revision: 1", 1), content_hash="e" * 64)
    assert get(client, draft, "sop-docx").status_code == 403
    client.force_login(world.users["author"])
    with zipfile.ZipFile(io.BytesIO(get(client, draft, "sop-docx").content)) as docx:
        header = "".join(docx.read(n).decode() for n in docx.namelist() if n.startswith("word/header"))
    assert "DRAF" in header


def test_svg_and_sop_html_are_served_with_a_closed_policy(world: World, client: Client) -> None:
    rev = world.effective(world.own)
    client.force_login(world.users["reader"])
    svg = get(client, rev, "svg")
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.lstrip().startswith((b"<svg", b"<?xml"))
    assert svg["Content-Security-Policy"].startswith("default-src 'none'")
    html = get(client, rev, "sop-html")
    assert html["Content-Type"].startswith("text/html") and rev.procedure.number.encode() in html.content
    assert b"<script" not in html.content.lower()


def test_unknown_format_is_not_found(world: World, client: Client) -> None:
    client.force_login(world.users["reader"])
    assert get(client, world.effective(world.own), "exe").status_code == 404


def test_download_links_follow_permission(world: World, client: Client) -> None:
    rev = world.effective(world.own)
    client.force_login(world.users["reader"])
    page = client.get(reverse("procedures:procedure_detail", kwargs={"pk": world.own.pk})).content.decode()
    assert reverse("procedures:revision_download", kwargs={"pk": rev.pk, "fmt": "pdf"}) in page
    Revision.objects.filter(pk=rev.pk).update(status="obsolete")
    page = client.get(reverse("procedures:revision_detail", kwargs={"pk": rev.pk})).content.decode()
    assert "/unduh/" not in page
