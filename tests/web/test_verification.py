"""The public verification page: the record of a revision, and whether an uploaded PDF is a genuine issued copy.

A genuine copy is one downloaded through the app (the download view signs controlled PDFs); the forgeries
are what a person could make from it: one byte changed, an update appended after signing, a re-rendering
with edited text that keeps the hash (unsigned), one signed by another certificate, one signed by our own
certificate but carrying a draft's hash.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prosedur import pades
from prosedur_web import services as core
from prosedur_web.audit.models import AuditEntry
from prosedur_web.common import checks, signing
from prosedur_web.common.errors import ActionRefused
from prosedur_web.procedures import selectors, services
from prosedur_web.procedures.models import Revision, Signature
from prosedur_web.reviews import services as reviews
from tests.forgery import appended_text

from .conftest import PASSWORD, World, add_history

VERIFY = "/verifikasi/"


def new_revision(world: World, *, approve: bool = True) -> Revision:
    """Revision 1 of P.SMLTI 19 through review (two reviewers agree) and approval: revision 0 becomes obsolete."""
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    text = add_history(rev.yaml_source.replace("value: 5, unit: MB", "value: 10, unit: MB"), rev.number)
    rev = services.revision_save_source(revision=rev, user=author, text=text, base_version=rev.version)
    rev = services.revision_submit(revision=rev, user=author, reviewers=[world.users["reviewer"], world.users["reviewer2"]])
    for name in ("reviewer", "reviewer2"):
        reviews.review_decide(revision=rev, reviewer=world.users[name], decision="agree")
    if approve:
        rev = services.revision_approve(revision=rev, approver=world.users["approver"], password=PASSWORD,
                                        effective_date=timezone.localdate(), ip="10.0.0.9")
    return rev


def download(world: World, rev: Revision, fmt: str = "sop-pdf", who: str = "reader") -> bytes:
    client = Client()
    client.force_login(world.users[who])
    response = client.get(reverse("procedures:revision_download", kwargs={"pk": rev.pk, "fmt": fmt}))
    assert response.status_code == 200, response.content[:500]
    return bytes(response.content)


def upload(data: bytes | None, url: str = VERIFY, name: str = "salinan.pdf") -> Any:
    """An anonymous visitor: opens the page (CSRF cookie and token), then posts the file."""
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert match, "the upload form carries a CSRF token"
    payload: dict[str, Any] = {"csrfmiddlewaretoken": match.group(1)}
    if data is not None:
        payload["pdf"] = SimpleUploadedFile(name, data, content_type="application/pdf")
    return client.post(url, payload)


def body_of(response: Any) -> str:
    return " ".join(response.content.decode().split())


def genuine(response: Any) -> bool:
    body = body_of(response)
    assert response.status_code == 200, body[:500]
    assert ("SALINAN ASLI" in body) != ("BUKAN salinan asli" in body)
    return "SALINAN ASLI" in body


def render_unsigned(rev: Revision, *, edit: tuple[str, str] | None = None) -> bytes:
    """What a forger can make with the core: the controlled SOP PDF, optionally with edited text, same hash."""
    source = rev.yaml_source.replace(*edit) if edit else rev.yaml_source
    proc = core.with_status(core.parse_source(source, rev.procedure.number), "effective")
    return core.render_download(proc, selectors.library_with(proc), fmt="sop-pdf", lang="id", controlled=True,
                                content_hash=rev.content_hash, verify_url=f"http://testserver{VERIFY}{rev.content_hash}/")


# -- the record -------------------------------------------------------------------------------------------
def test_record_lists_signers_reviewers_effective_date_and_replacement(world: World) -> None:
    old = world.effective(world.own)
    new = new_revision(world)
    old.refresh_from_db()
    assert (old.status, new.status) == ("obsolete", "effective")
    body = body_of(Client().get(reverse("procedures:revision_verify", args=[new.content_hash])))
    approver = world.users["approver"]
    assert "BERLAKU" in body and "P.SMLTI 19" in body and world.own.title in body
    assert f"Disahkan secara elektronik oleh {approver.full_name}, {approver.position}, NIP {approver.nip}" in body
    assert "WIB (UTC+07:00)" in body
    assert new.effective_date.strftime("%d-%m-%Y") in body
    assert "Nama Reviewer" in body and "Nama Reviewer2" in body and "Jabatan reviewer" in body
    assert "Digantikan oleh" not in body
    body = body_of(Client().get(reverse("procedures:revision_verify", args=[old.content_hash])))
    assert "TIDAK BERLAKU" in body and "Digantikan oleh" in body
    assert f'href="{reverse("procedures:revision_verify", args=[new.content_hash])}"' in body
    assert f"P.SMLTI 19 Rev. {new.number}" in body


def test_record_in_english(world: World) -> None:
    eff = world.effective(world.own)
    client = Client()
    client.cookies["django_language"] = "en"
    body = body_of(client.get(reverse("procedures:revision_verify", args=[eff.content_hash])))
    assert "EFFECTIVE" in body and "Check whether a PDF copy is genuine" in body


def test_drafts_are_not_disclosed(world: World) -> None:
    draft = new_revision(world, approve=False)
    assert draft.status == "in_review" and draft.content_hash
    body = body_of(Client().get(reverse("procedures:revision_verify", args=[draft.content_hash])))
    assert "tidak dikenal" in body and "Nama Reviewer" not in body and "Rev. 1" not in body
    # a PDF that even carries our own signature but a draft's hash is not a genuine issued copy
    forged = signing.sign_issued_pdf(render_unsigned(draft), draft.content_hash)
    response = upload(forged)
    assert not genuine(response)
    body = body_of(response)
    assert "tidak cocok dengan revisi mana pun" in body and "P.SMLTI 19 Rev." not in body


# -- uploaded copies -----------------------------------------------------------------------------------------
def test_a_downloaded_copy_is_genuine_and_its_forgeries_are_not(world: World) -> None:
    eff = world.effective(world.own)
    data = download(world, eff)
    response = upload(data)
    assert genuine(response)
    body = body_of(response)
    assert f"P.SMLTI 19 Rev. {eff.number}" in body and eff.content_hash in body
    assert "Pusat Data dan Informasi (uji)" in body  # the signer's organisation, from the certificate
    assert signing.signing_identity().fingerprint in body

    flipped = bytearray(data)
    flipped[data.index(b"stream", 500) + 80] ^= 0x01
    response = upload(bytes(flipped))
    assert not genuine(response) and "telah diubah setelah ditandatangani" in body_of(response)

    response = upload(appended_text(data, b"Batas lampiran 100 MB"))
    assert not genuine(response) and "setelah ditandatangani" in body_of(response)
    assert "mengaku sebagai" in body_of(response)  # it still names the revision it pretends to be

    response = upload(render_unsigned(eff))
    assert not genuine(response) and "tidak memuat tanda tangan elektronik" in body_of(response)

    edited = render_unsigned(eff, edit=("value: 5, unit: MB", "value: 100, unit: MB"))
    response = upload(edited)  # the text changed, the printed hash and QR kept
    assert not genuine(response) and "tidak memuat tanda tangan elektronik" in body_of(response)


def test_the_document_pdf_is_signed_too_and_verifies_on_its_own_page(world: World) -> None:
    eff = world.effective(world.own)
    data = download(world, eff, "pdf")
    result = pades.check_pdf(data, signing.trust_roots())
    assert result.ok and result.content_hash == eff.content_hash
    assert genuine(upload(data, reverse("procedures:revision_verify", args=[eff.content_hash])))


def test_a_copy_signed_by_another_certificate_is_not_genuine(world: World, tmp_path: Path) -> None:
    eff = world.effective(world.own)
    _, p12, passphrase = pades.make_demo_identity(tmp_path / "lain", "Pusat Data dan Informasi (uji)")
    other = pades.load_identity(p12, passphrase)
    forged = pades.sign_pdf(render_unsigned(eff), other, content_hash=eff.content_hash, reason="x", location=None)
    response = upload(forged)
    assert not genuine(response) and "tidak berantai" in body_of(response)


def test_a_genuine_copy_of_an_obsolete_revision_says_it_was_replaced(world: World) -> None:
    old = world.effective(world.own)
    data = download(world, old)
    new_revision(world)
    response = upload(data)
    assert genuine(response)
    assert "sudah tidak berlaku" in body_of(response)
    # an obsolete revision's download is an uncontrolled copy: not signed, not an issued copy
    assert not genuine(upload(download(world, Revision.objects.get(pk=old.pk), who="controller")))


@pytest.mark.parametrize("data", [b"bukan pdf sama sekali", b"%PDF-1.7\n" + bytes(range(256)) * 8, b""])
def test_garbage_gets_a_clear_answer(world: World, data: bytes) -> None:
    response = upload(data)
    assert response.status_code in (200, 400)
    body = body_of(response)
    assert "BUKAN salinan asli" in body or "Pilih berkas PDF" in body
    assert any(m in body for m in ("bukan PDF", "tidak dapat dibaca", "kosong", "Pilih berkas PDF"))


def test_no_file_is_a_400(world: World) -> None:
    response = upload(None)
    assert response.status_code == 400 and "Pilih berkas PDF" in body_of(response)


def test_an_upload_over_the_limit_is_refused(world: World, settings: Any) -> None:
    settings.PROSEDUR_VERIFY_MAX_BYTES = 1000
    response = upload(b"%PDF-1.7\n" + b"x" * 200_000)  # declared length over the limit: the body is not read
    assert response.status_code == 413 and "Kiriman terlalu besar" in body_of(response)  # common/limits.py
    settings.PROSEDUR_VERIFY_MAX_BYTES = 20_000
    response = upload(b"%PDF-1.7\n" + b"x" * 30_000)  # under the declared margin: the upload handler stops it
    assert response.status_code == 413 and "lebih besar dari" in body_of(response)


def test_the_upload_needs_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(VERIFY, {"pdf": SimpleUploadedFile("a.pdf", b"%PDF-1.7\n")})
    assert response.status_code == 403


# -- the certificate: refusals and system checks -------------------------------------------------------------
def test_approval_is_refused_before_anything_is_stored_without_a_usable_certificate(
        world: World, settings: Any, tmp_path: Path) -> None:
    rev = new_revision(world, approve=False)
    settings.PROSEDUR_SIGNING_P12 = str(tmp_path / "hilang.p12")
    entries, signatures = AuditEntry.objects.count(), Signature.objects.count()
    with pytest.raises(ActionRefused) as info:
        services.revision_approve(revision=rev, approver=world.users["approver"], password="salah",
                                  effective_date=timezone.localdate())
    text = " ".join(info.value.messages("id"))
    assert "hilang.p12" in text and "tidak ditemukan" in text
    assert "not found" in " ".join(info.value.messages("en"))
    assert (AuditEntry.objects.count(), Signature.objects.count()) == (entries, signatures)
    rev.refresh_from_db()
    assert rev.status == "in_review"


def test_a_download_without_a_usable_certificate_is_refused_not_unsigned(world: World, settings: Any) -> None:
    settings.PROSEDUR_SIGNING_PASSPHRASE = "salah"
    client = Client()
    client.force_login(world.users["reader"])
    eff = world.effective(world.own)
    response = client.get(reverse("procedures:revision_download", kwargs={"pk": eff.pk, "fmt": "sop-pdf"}))
    assert response.status_code == 503 and "Kata sandi berkas sertifikat" in body_of(response)
    # the flowchart is not an issued PDF: it is still served
    response = client.get(reverse("procedures:revision_download", kwargs={"pk": eff.pk, "fmt": "svg"}))
    assert response.status_code == 200


def test_system_check_reports_a_broken_certificate_as_an_error(world: World, settings: Any) -> None:
    assert checks.signing_certificate() == []
    settings.PROSEDUR_SIGNING_PASSPHRASE = "salah"
    [error] = checks.signing_certificate()
    assert error.id == "prosedur.E001" and Path(settings.PROSEDUR_SIGNING_P12).name in error.msg
    with pytest.raises(SystemCheckError):
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())


def test_system_check_without_a_certificate_warns_and_fails_deploy(settings: Any, tmp_path: Path) -> None:
    settings.PROSEDUR_SIGNING_DEMO_DIR = tmp_path / "signing"
    settings.PROSEDUR_SIGNING_P12 = str(tmp_path / "signing" / pades.DEMO_P12_NAME)
    settings.PROSEDUR_SIGNING_PASSPHRASE = ""
    settings.PROSEDUR_SIGNING_TRUST = []
    settings.DEBUG = True
    assert [m.id for m in checks.signing_certificate()] == ["prosedur.W001"]
    assert [m.id for m in checks.signing_certificate_deploy()] == ["prosedur.E010"]
    # seed_demo's certificate: usable in development, still refused for deployment
    pades.make_demo_identity(settings.PROSEDUR_SIGNING_DEMO_DIR, "Demo")
    assert checks.signing_certificate() == []
    assert signing.is_demo() and signing.signing_identity().organisation == "Demo"
    assert [m.id for m in checks.signing_certificate_deploy()] == ["prosedur.E010"]


def test_an_expiring_certificate_is_a_warning(settings: Any, tmp_path: Path) -> None:
    _, p12, passphrase = pades.make_demo_identity(tmp_path, "Instansi", days=10)
    settings.PROSEDUR_SIGNING_P12, settings.PROSEDUR_SIGNING_PASSPHRASE = str(p12), passphrase
    assert [m.id for m in checks.signing_certificate()] == ["prosedur.W003"]
    _, p12, passphrase = pades.make_demo_identity(tmp_path / "lama", "Instansi",
                                                  now=dt.datetime.now(dt.UTC) - dt.timedelta(days=40), days=30)
    settings.PROSEDUR_SIGNING_P12, settings.PROSEDUR_SIGNING_PASSPHRASE = str(p12), passphrase
    [error] = checks.signing_certificate()
    assert error.id == "prosedur.E001" and "kedaluwarsa" in error.msg and "expired" in error.msg
