"""Issued copies carry the lifecycle's control record; nobody signs what they wrote; what is signed is
what was shown; a signed revision edited in the database is not issued. One test per probe finding."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prosedur_web import services as core
from prosedur_web.common.errors import ActionRefused
from prosedur_web.procedures import records, services
from prosedur_web.procedures.models import Revision, Signature
from prosedur_web.reviews import services as reviews

from .conftest import PASSWORD, World, add_history

FIVE_MB = "value: '5', unit: MB"  # as the serializer writes a started revision's parameter


def _text(data: bytes, tmp_path: Path, name: str = "unduhan.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(out.stdout.split())


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("word/") and n.endswith(".xml"))
    import re

    return " ".join(re.sub(r"<[^>]+>", "", xml.replace("</w:p>", " ")).split())


def signed_revision(world: World, *, reviewers: tuple[str, ...] = ("reviewer", "reviewer2"),
                    effective: dt.date | None = None) -> Revision:
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    text = add_history(rev.yaml_source, rev.number, change="Lampiran").replace(FIVE_MB, "value: '10', unit: MB")
    assert "value: '10'" in text
    rev = services.revision_save_source(revision=rev, user=author, text=text, base_version=rev.version)
    rev = services.revision_submit(revision=rev, user=author, reviewers=[world.users[r] for r in reviewers])
    for r in reviewers:
        reviews.review_decide(revision=rev, reviewer=world.users[r], decision="agree")
    return services.revision_approve(revision=rev, approver=world.users["approver"], password=PASSWORD,
                                     effective_date=effective or timezone.localdate(), ip="10.0.0.9")


def download(client: Client, rev: Revision, fmt: str) -> bytes:
    response = client.get(reverse("procedures:revision_download", kwargs={"pk": rev.pk, "fmt": fmt}))
    assert response.status_code == 200, response.content[:300]
    return response.content


def test_a_new_revision_starts_with_its_control_facts_empty(world: World) -> None:
    rev = services.revision_start(procedure=world.own, user=world.users["author"])
    proc = core.parse_source(rev.yaml_source)
    assert (proc.revision, proc.issued, proc.effective, proc.review_due) == (1, None, None, None)
    assert proc.approval.prepared is None and proc.approval.approved is None and not proc.approval.reviewed
    rows = [h for h in proc.history if h.revision == 1]
    assert len(rows) == 1 and rows[0].change == ""  # created for the author to describe
    record = records.revision_record(rev)
    assert record.origin == "pending" and record.issued is None and record.prepared is not None
    with pytest.raises(ActionRefused):  # the empty row is not a description
        services.revision_submit(revision=rev, user=world.users["author"], reviewers=[world.users["reviewer"]])


def test_draft_prints_filled_at_signing_not_the_predecessors_dates(world: World, client: Client,
                                                                   tmp_path: Path) -> None:
    rev = services.revision_start(procedure=world.own, user=world.users["author"])
    client.force_login(world.users["author"])
    text = _text(download(client, rev, "pdf"), tmp_path)
    assert "diisi saat pengesahan" in text and "Tgl. Terbit 23-11-2018" not in text
    assert text.count("23-11-2018") == 1  # only revision 0's row of the change history
    assert "SALINAN TIDAK TERKENDALI" in text


def test_issued_copies_print_the_signed_record(world: World, client: Client, tmp_path: Path) -> None:
    rev = signed_revision(world)
    assert rev.status == "effective"
    today = timezone.localdate()
    sig = Signature.objects.get(revision=rev)
    assert sig.record_facts["issued"] == today.isoformat() and sig.record_digest
    approver = world.users["approver"]
    client.force_login(world.users["reader"])
    pdf = _text(download(client, rev, "pdf"), tmp_path)
    short = today.strftime("%d-%m-%Y")
    assert f"Tgl. Terbit {short}" in pdf and "Revisi 1" in pdf
    assert approver.full_name in pdf and approver.nip in pdf and "Disahkan secara elektronik" in pdf
    assert "Diperiksa secara elektronik" in pdf and "Disusun secara elektronik" in pdf
    assert "WIB (UTC+07:00)" in pdf and "Nama Reviewer2" in pdf and "Nama Author" in pdf
    assert "Lampiran" in pdf and "23-11-2018" in pdf  # rev 0's history row stays
    assert f"/verifikasi/{rev.content_hash}/" in pdf
    sop = _text(download(client, rev, "sop-pdf"), tmp_path, "sop.pdf")
    from prosedur.i18n import long_date

    assert f"Tanggal Efektif {long_date(today)}" in sop and approver.full_name in sop and approver.nip in sop
    assert "23 November 2018" not in sop.split("Nama SOP")[0]
    # every page of the SOP carries the hash (and the QR next to it)
    pages = subprocess.run(["pdfinfo", str(tmp_path / "sop.pdf")], capture_output=True, text=True).stdout
    count = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
    assert sop.count(rev.content_hash) >= count
    docx_bytes = download(client, rev, "docx")
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as zf:  # the QR is in the footer, so on every page
        footers = [zf.read(n).decode() for n in zf.namelist() if n.startswith("word/footer")]
    assert any("a:blip" in f and rev.content_hash in f for f in footers)
    docx = _docx_text(docx_bytes)
    assert approver.full_name in docx and approver.nip in docx and short in docx and rev.content_hash in docx
    assert "Pengesahan: Tidak ada" not in docx


def test_no_revision_is_overdue_on_its_effective_date(world: World) -> None:
    from prosedur_web.sms import selectors as sms

    rev = signed_revision(world)
    assert rev.review_due is not None and rev.review_due > rev.effective_date
    proc = next(p for p in sms.library().procedures if p.number == "P.SMLTI 19" and p.revision == rev.number)
    from prosedur.iso20000.calendar import review_schedule

    rows = [r for r in review_schedule(sms.library(), today=rev.effective_date) if r.number == proc.number]
    assert rows and all(r.days_left is None or r.days_left > 300 for r in rows)


def _both_roles(world: World) -> Any:
    """A user who is both penyusun and pengesah (the probe's account)."""
    user = world.users["approver"]
    user.groups.add(Group.objects.get(name="penyusun"))
    return user


def test_who_rewrote_someone_elses_draft_cannot_sign_it(world: World) -> None:
    both = _both_roles(world)
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    rev = services.revision_save_source(revision=rev, user=author, text=add_history(rev.yaml_source, rev.number),
                                        base_version=rev.version)
    rev = services.revision_save_source(revision=rev, user=both, base_version=rev.version,
                                        text=rev.yaml_source.replace(FIVE_MB, "value: '50', unit: MB"))
    assert "'50'" in rev.yaml_source
    rev = services.revision_submit(revision=rev, user=author, reviewers=[world.users["reviewer"]])
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    with pytest.raises(ActionRefused) as exc:
        services.revision_approve(revision=rev, approver=both, password=PASSWORD,
                                  effective_date=timezone.localdate())
    assert any("mengubah" in m for m in exc.value.messages("id"))
    assert not Signature.objects.filter(revision=rev).exists()


def test_who_submitted_an_imported_draft_cannot_sign_it(world: World) -> None:
    both = _both_roles(world)
    from .conftest import email_source

    text = email_source("P.SMLTI 77").replace("status: effective", "status: draft")
    rev = services.procedure_import(yaml_source=text)
    assert rev.status == "draft" and rev.author is None
    rev = services.revision_submit(revision=rev, user=both, reviewers=[world.users["reviewer"]])
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    with pytest.raises(ActionRefused):
        services.revision_approve(revision=rev, approver=both, password=PASSWORD, effective_date=timezone.localdate())


def test_a_contributor_cannot_be_a_reviewer(world: World) -> None:
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    rev = services.revision_save_source(revision=rev, user=author, text=add_history(rev.yaml_source, rev.number),
                                        base_version=rev.version)
    with pytest.raises(ActionRefused):
        services.revision_submit(revision=rev, user=world.users["controller"], reviewers=[author])


def test_signing_another_hash_is_refused_with_the_redline(world: World, client: Client) -> None:
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    rev = services.revision_save_source(revision=rev, user=author, text=add_history(rev.yaml_source, rev.number),
                                        base_version=rev.version)
    rev = services.revision_submit(revision=rev, user=author, reviewers=[world.users["reviewer"]])
    shown = rev.content_hash
    client.force_login(world.users["approver"])
    url = reverse("procedures:revision_approve", args=[rev.pk])
    form = client.get(url).content.decode()
    assert f'value="{shown}"' in form
    # meanwhile: sent back, the recovery time changed from 4 to 400 hours, re-agreed
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="changes", note="ubah")
    rev.refresh_from_db()
    changed = rev.yaml_source.replace(FIVE_MB, "value: '500', unit: MB")
    assert changed != rev.yaml_source
    rev = services.revision_save_source(revision=rev, user=author, text=changed, base_version=rev.version)
    rev = services.revision_submit(revision=rev, user=author, reviewers=[world.users["reviewer2"]])
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer2"], decision="agree")
    response = client.post(url, {"password": PASSWORD, "effective_date": timezone.localdate().isoformat(),
                                 "content_hash": shown})
    body = response.content.decode()
    assert response.status_code == 409 and "berubah sejak formulir" in body
    assert "500" in body  # the redline of what changed
    assert not Signature.objects.filter(revision=rev).exists()
    assert f'value="{rev.content_hash}"' in body  # the form now carries the content it shows
    ok = client.post(url, {"password": PASSWORD, "effective_date": timezone.localdate().isoformat(),
                           "content_hash": rev.content_hash})
    assert ok.status_code == 302 and Signature.objects.filter(revision=rev, content_hash=rev.content_hash).exists()


def test_a_signed_revision_edited_in_the_database_is_not_issued(world: World, client: Client) -> None:
    rev = signed_revision(world)
    tampered = rev.yaml_source.replace("value: '10', unit: MB", "value: '100', unit: MB")
    assert tampered != rev.yaml_source
    Revision.objects.filter(pk=rev.pk).update(yaml_source=tampered)
    rev.refresh_from_db()
    assert records.integrity_problems(rev) == ["content"]
    client.force_login(world.users["reader"])
    for fmt in ("pdf", "docx", "sop-pdf", "sop-html"):
        response = client.get(reverse("procedures:revision_download", kwargs={"pk": rev.pk, "fmt": fmt}))
        assert response.status_code == 409 and b"tidak lagi sama" in response.content
    from prosedur_web.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="integrity_mismatch").count() == 4


def test_changing_a_signed_date_in_the_database_is_caught(world: World) -> None:
    rev = signed_revision(world)
    Revision.objects.filter(pk=rev.pk).update(effective_date=rev.effective_date + dt.timedelta(days=30))
    rev.refresh_from_db()
    assert "dates" in records.integrity_problems(rev)
    sig = Signature.objects.get(revision=rev)
    facts = dict(sig.record_facts)
    facts["effective"] = "2030-01-01"
    Signature.objects.filter(pk=sig.pk).update(record_facts=facts)
    assert "record" in records.integrity_problems(rev)


def test_effective_date_far_ahead_is_refused_not_a_crash(world: World) -> None:
    with pytest.raises(ActionRefused) as exc:
        signed_revision(world, effective=dt.date(9999, 12, 31))
    assert any("paling lambat" in m for m in exc.value.messages("id"))


def test_an_approved_revision_edited_before_its_effective_date_does_not_take_effect(world: World) -> None:
    later = timezone.localdate() + dt.timedelta(days=7)
    rev = signed_revision(world, effective=later)
    assert rev.status == "approved"
    Revision.objects.filter(pk=rev.pk).update(yaml_source=rev.yaml_source.replace("Lampiran", "Lampiran diubah"))
    assert services.revisions_activate_due(today=later) == []
    rev.refresh_from_db()
    assert rev.status == "approved" and world.effective(world.own).number == 0
    from prosedur_web.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="integrity_mismatch").exists()


def test_signing_a_hash_the_revision_never_had_is_refused(world: World, client: Client) -> None:
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    rev = services.revision_save_source(revision=rev, user=author, text=add_history(rev.yaml_source, rev.number),
                                        base_version=rev.version)
    rev = services.revision_submit(revision=rev, user=author, reviewers=[world.users["reviewer"]])
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    client.force_login(world.users["approver"])
    response = client.post(reverse("procedures:revision_approve", args=[rev.pk]),
                           {"password": PASSWORD, "effective_date": timezone.localdate().isoformat(),
                            "content_hash": "0" * 64})
    assert response.status_code == 409 and not Signature.objects.filter(revision=rev).exists()


def test_the_verification_page_reports_a_revision_edited_in_the_database(world: World, client: Client) -> None:
    rev = signed_revision(world)
    url = reverse("procedures:revision_verify", kwargs={"content_hash": rev.content_hash})
    assert "TIDAK SAH" not in client.get(url).content.decode()
    Revision.objects.filter(pk=rev.pk).update(yaml_source=rev.yaml_source.replace("Lampiran", "Lampiran X"))
    body = client.get(url).content.decode()
    assert "TIDAK SAH" in body and "BERLAKU</p>" not in body


def test_earlier_revisions_history_rows_cannot_be_rewritten(world: World) -> None:
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    forged = rev.yaml_source.replace("Penerbitan awal", "Penerbitan awal (diubah)")
    assert forged != rev.yaml_source
    with pytest.raises(ActionRefused) as exc:
        services.revision_save_source(revision=rev, user=author, text=forged, base_version=rev.version)
    assert any("sejarah" in m for m in exc.value.messages("id"))


def test_a_periodic_review_moves_the_next_review_without_breaking_the_signature(world: World) -> None:
    from prosedur_web.sms import services as sms

    rev = signed_revision(world)
    signed_due = rev.review_due
    later = rev.effective_date + dt.timedelta(days=200)
    sms.reviewrecord_create(procedure=world.own, user=world.users["controller"], note="Masih sesuai", today=later)
    rev.refresh_from_db()
    assert rev.review_due is not None and signed_due is not None and rev.review_due > signed_due
    assert records.integrity_problems(rev) == []
    assert records.revision_record(rev).review_due == rev.review_due  # what prints is the moved date
