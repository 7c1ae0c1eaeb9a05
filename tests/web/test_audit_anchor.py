"""verify_audit checks signed revisions against their signatures; anchor_audit keeps the chain's head outside
the database, signed; the audit page verifies incrementally. One test per probe finding, and the edges."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prosedur import integrity
from prosedur_web import services as core
from prosedur_web.audit import anchor as anchors
from prosedur_web.audit import checks
from prosedur_web.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from prosedur_web.audit.services import audit_append, audit_verify, audit_verify_incremental
from prosedur_web.procedures import records, services
from prosedur_web.procedures.models import Revision, Signature
from prosedur_web.reviews import services as reviews

from .conftest import PASSWORD, World, add_history

ORG = "Pusat Data dan Informasi Uji"
PASSPHRASE = "sandi-p12-uji"


# -- a throwaway signing certificate ------------------------------------------------------------------------
def _name(cn: str, org: str = ORG) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)])


def _cert(subject: x509.Name, key: Any, issuer: x509.Name | None = None, issuer_key: Any = None,
          days: int = 365, ca: bool = False) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer or subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=30)).not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(issuer_key or key, hashes.SHA256()))


def _rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def write_p12(path: Path, key: Any, cert: x509.Certificate, cas: list[x509.Certificate] | None = None) -> Path:
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"anchor", key, cert, cas or None, serialization.BestAvailableEncryption(PASSPHRASE.encode())))
    return path


@pytest.fixture
def signing(settings: Any, tmp_path: Path) -> dict[str, Any]:
    key = _rsa()
    cert = _cert(_name("Penandatangan Jangkar"), key)
    settings.PROSEDUR_SIGNING_P12 = str(write_p12(tmp_path / "org.p12", key, cert))
    settings.PROSEDUR_SIGNING_PASSPHRASE = PASSPHRASE
    settings.PROSEDUR_ANCHOR_DIR = str(tmp_path / "jangkar")
    return {"key": key, "cert": cert, "dir": tmp_path / "jangkar"}


@pytest.fixture(autouse=True)
def _own_anchor_dir(settings: Any, tmp_path: Path) -> None:
    """Never read the anchors of a demo in var/ (the signing fixture sets the same folder)."""
    settings.PROSEDUR_ANCHOR_DIR = str(tmp_path / "jangkar")


def verify(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def verify_fails(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        verify(*args)
    return str(caught.value)


def anchor(*args: str) -> str:
    out = StringIO()
    call_command("anchor_audit", *args, stdout=out)
    return out.getvalue()


def _drop_triggers(cursor: Any) -> None:
    if connection.vendor == "sqlite":
        cursor.execute("DROP TRIGGER audit_entry_no_update")
        cursor.execute("DROP TRIGGER audit_entry_no_delete")
    else:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_change")


def cut_tail(keep: int) -> None:
    """What an attacker with database rights does: drop the triggers, delete the newest entries, fix the head."""
    last = AuditEntry.objects.get(seq=keep)
    with connection.cursor() as cursor:
        _drop_triggers(cursor)
        cursor.execute("DELETE FROM audit_auditentry WHERE seq > %s", [keep])
    AuditHead.objects.filter(pk=1).update(last_seq=keep, last_hash=last.hash)


# -- a revision signed in the lifecycle ------------------------------------------------------------------------
FIVE_MB = "value: '5', unit: MB"


def signed_revision(world: World) -> Revision:
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    text = add_history(rev.yaml_source, rev.number, change="Lampiran").replace(FIVE_MB, "value: '10', unit: MB")
    rev = services.revision_save_source(revision=rev, user=author, text=text, base_version=rev.version)
    rev = services.revision_submit(revision=rev, user=author, reviewers=[world.users["reviewer"]])
    reviews.review_decide(revision=rev, reviewer=world.users["reviewer"], decision="agree")
    rev = services.revision_approve(revision=rev, approver=world.users["approver"], password=PASSWORD,
                                    effective_date=timezone.localdate(), ip="10.0.0.9")
    assert rev.status == "effective" and records.signature_of_record(rev) is not None
    return rev


# -- 1. signed revisions against their signatures -------------------------------------------------------------
def test_untouched_signed_revisions_pass(world: World) -> None:
    signed_revision(world)
    out = verify()
    assert "revisi yang disahkan cocok dengan tanda tangannya" in out and "SEMUA PEMERIKSAAN LULUS" in out
    assert "signed revisions match their signatures" in verify("--lang", "en")


def test_source_edited_in_the_database_fails_naming_it(world: World) -> None:
    rev = signed_revision(world)
    Revision.objects.filter(pk=rev.pk).update(yaml_source=rev.yaml_source.replace("value: '10'", "value: '50'"))
    message = verify_fails()
    assert f"P.SMLTI 19 Rev. {rev.number}: isi sumber yang tersimpan tidak sama dengan isi yang ditandatangani" in message
    assert "MASALAH DITEMUKAN (1)" in message
    english = verify_fails("--lang", "en")
    assert f"P.SMLTI 19 Rev. {rev.number}: the stored source is not the content that was signed" in english


def test_effective_date_edited_in_the_database_fails(world: World) -> None:
    rev = signed_revision(world)
    Revision.objects.filter(pk=rev.pk).update(effective_date=rev.effective_date + dt.timedelta(days=30))
    message = verify_fails("--lang", "en")
    assert f"P.SMLTI 19 Rev. {rev.number}: the issue, effective or review date" in message
    assert "stored source" not in message  # only what changed is named


def test_imported_revision_edited_fails_too(world: World) -> None:
    """An effective revision imported unsigned is checked against the hash stored at import."""
    rev = world.effective(world.other)
    text = rev.yaml_source.replace("value: 5,", "value: 6,", 1)
    assert text != rev.yaml_source
    Revision.objects.filter(pk=rev.pk).update(yaml_source=text)
    assert "P.SMLTI 90 Rev. 0" in verify_fails()


# -- 2. the anchor outside the database ---------------------------------------------------------------------------
def test_anchor_is_signed_written_once_a_day_and_recorded(world: World, signing: dict[str, Any]) -> None:
    signed_revision(world)
    head = AuditHead.objects.get(pk=1)
    out = anchor()
    files = list(signing["dir"].iterdir())
    assert len(files) == 1 and files[0].name == f"jangkar-audit-{timezone.localdate().isoformat()}.json"
    assert "jangkar ditulis" in out and str(head.last_seq) in out
    data = files[0].read_bytes()
    doc = json.loads(data)
    body = doc["anchor"]
    assert body["head"] == {"seq": head.last_seq, "hash": head.last_hash}
    assert body["certificate"]["sha256"] == signing["cert"].fingerprint(hashes.SHA256()).hex()
    assert body["organisation"] == ORG and dt.datetime.fromisoformat(body["created"]).utcoffset() is not None
    # the signature verifies with the certificate alone, outside this code
    signing["cert"].public_key().verify(base64.b64decode(doc["signature"]["value"]),
                                        integrity.canonical_json(body), padding.PKCS1v15(), hashes.SHA256())
    assert not os.access(files[0], os.W_OK) or os.geteuid() == 0  # left read-only
    recorded = AuditEntry.objects.order_by("-seq").first()
    assert recorded.action == "audit_anchor" and recorded.data["file"] == files[0].name
    # a second run the same day never overwrites
    assert "sudah ada" in anchor()
    assert files[0].read_bytes() == data and len(list(signing["dir"].iterdir())) == 1
    assert "jangkar terbaru" in verify()


def test_signatures_counted_up_to_until(world: World, signing: dict[str, Any], monkeypatch: Any) -> None:
    """A signature made just before anchoring is left to the next anchor; older ones are counted."""
    signed_revision(world)
    _, written = checks.anchor_write()
    assert (written.revisions, written.signatures) == (0, 0)  # signed less than SETTLE ago
    monkeypatch.setattr(anchors, "SETTLE", dt.timedelta(0))
    _, later = checks.anchor_write(now=timezone.now() + dt.timedelta(days=1))
    assert (later.revisions, later.signatures) == (1, 1) and later.digest == checks.signature_facts()[2]


def test_cut_off_trail_is_reported_against_the_anchor(world: World, signing: dict[str, Any]) -> None:
    for n in range(5):
        audit_append(actor=None, action="uji", data={"n": n})
    anchor()
    anchored = json.loads(next(signing["dir"].iterdir()).read_bytes())["anchor"]["head"]["seq"]
    cut_tail(anchored - 2)
    assert audit_verify().ok  # the shorter chain is valid on its own, head row included
    message = verify_fails("--lang", "en")
    assert f"records entry {anchored} but the audit trail ends at entry {anchored - 2}" in message
    assert "cut off" in message
    assert "dipotong" in verify_fails()


def test_rewritten_trail_is_reported_against_the_anchor(world: World, signing: dict[str, Any]) -> None:
    """Someone rebuilds the newest entries with new hashes (same count): the anchor's hash no longer matches."""
    for n in range(3):
        audit_append(actor=None, action="uji", data={"n": n})
    anchor()
    anchored = json.loads(next(signing["dir"].iterdir()).read_bytes())["anchor"]["head"]["seq"]
    cut_tail(anchored - 1)
    audit_append(actor=None, action="uji", data={"n": "palsu"})  # a new entry at the anchored number
    assert audit_verify().ok
    assert f"the hash of entry {anchored} differs from the anchor's" in verify_fails("--lang", "en")


def test_forged_anchor_files_are_reported(world: World, signing: dict[str, Any]) -> None:
    audit_append(actor=None, action="uji")
    anchor()
    genuine = next(signing["dir"].iterdir())
    # 1. a genuine file edited: the signature no longer covers it
    doc = json.loads(genuine.read_bytes())
    doc["anchor"]["head"]["seq"] = 1
    genuine.chmod(0o640)
    genuine.write_text(json.dumps(doc))
    assert f"anchor {genuine.name}: signature not valid" in verify_fails("--lang", "en")
    # 2. a newer file signed by another key that claims the same name: not the organisation's certificate
    genuine.unlink()
    anchors_dir = signing["dir"]
    mallory = _rsa()
    fake_key = anchors.AnchorKey(mallory, _cert(_name("Penandatangan Jangkar"), mallory))
    body = anchors.anchor_body(organisation=ORG, created=timezone.localtime() + dt.timedelta(days=1),
                               head_seq=1, head_hash=AuditEntry.objects.get(seq=1).hash,
                               until=timezone.localtime(), revisions=0, signatures=0,
                               digest=anchors.signatures_digest([]), certificate=fake_key.certificate)
    name = anchors.file_name((timezone.localtime() + dt.timedelta(days=1)).date())
    (anchors_dir / name).write_bytes(anchors.sign_anchor(body, fake_key))
    message = verify_fails("--lang", "en")
    assert f"anchor {name}: signed by a certificate that is not the organisation's" in message
    assert "missing or was altered" in message  # and the genuine one the trail recorded is gone
    # 3. not JSON at all
    (anchors_dir / "jangkar-audit-2020-01-01.json").write_text("bukan json")
    assert "jangkar-audit-2020-01-01.json cannot be read" in verify_fails("--lang", "en")


def test_anchor_audit_refuses_to_anchor_a_broken_chain(world: World, signing: dict[str, Any]) -> None:
    target = audit_append(actor=None, action="uji", data={"nilai": 1})
    audit_append(actor=None, action="uji")
    with connection.cursor() as cursor:
        _drop_triggers(cursor)
        cursor.execute("UPDATE audit_auditentry SET ip = '6.6.6.6' WHERE id = %s", [target.pk])
    with pytest.raises(CommandError, match="jangkar tidak ditulis"):
        anchor()
    assert not signing["dir"].exists() or not list(signing["dir"].iterdir())


def test_signatures_rewritten_consistently_are_caught_by_the_anchor(world: World, signing: dict[str, Any],
                                                                     monkeypatch: Any) -> None:
    """Source, revision hash, signature hash and record digest all rewritten to agree: only the anchor knows."""
    from prosedur.record import ControlRecord, record_digest

    rev = signed_revision(world)
    monkeypatch.setattr(anchors, "SETTLE", dt.timedelta(0))
    anchor()
    text = rev.yaml_source.replace("value: '10'", "value: '50'")
    new_hash = core.content_hash(core.parse_source(text, rev.procedure.number))
    sig = records.signature_of_record(rev)
    Revision.objects.filter(pk=rev.pk).update(yaml_source=text, content_hash=new_hash)
    Signature.objects.filter(pk=sig.pk).update(
        content_hash=new_hash, record_digest=record_digest(new_hash, ControlRecord.from_facts(sig.record_facts)))
    assert records.integrity_problems(Revision.objects.get(pk=rev.pk)) == []
    message = verify_fails("--lang", "en")
    assert "the approval signatures up to" in message and "a signature was altered, removed or inserted" in message


def test_missing_and_old_anchors(world: World, signing: dict[str, Any]) -> None:
    assert "belum ada jangkar" in verify()  # a warning, not a failure, before the first anchor
    verify_fails("--require-anchor")
    checks.anchor_write(now=timezone.now() - dt.timedelta(days=5))
    assert "the newest anchor is 5 days old" in verify_fails("--lang", "en")
    assert "ALL CHECKS PASSED" in verify("--lang", "en", "--max-anchor-age", "0")
    assert "jangkar ditulis" in anchor()  # a stale anchor does not stop today's
    assert "SEMUA PEMERIKSAAN LULUS" in verify()


def test_anchor_needs_a_configured_certificate(world: World, settings: Any, tmp_path: Path) -> None:
    settings.PROSEDUR_SIGNING_DEMO_DIR = tmp_path / "kosong"  # the demo default, before seed_demo wrote it
    settings.PROSEDUR_SIGNING_P12 = str(tmp_path / "kosong" / "demo-signing.p12")
    with pytest.raises(CommandError, match="PROSEDUR_SIGNING_P12 belum diatur"):
        anchor()
    settings.PROSEDUR_SIGNING_P12 = "/tidak/ada.p12"
    with pytest.raises(CommandError, match="tidak ditemukan"):
        anchor()


def test_the_demo_certificate_signs_anchors(world: World) -> None:
    """Without the test's own certificate: the one issued PDFs are signed with (conftest's demo CA)."""
    path, written = checks.anchor_write()
    assert anchors.read_file(path.parent, path.name, anchors.configured_key()).verified
    assert "SEMUA PEMERIKSAAN LULUS" in verify()


def test_wrong_passphrase_and_an_expired_certificate_are_refused(tmp_path: Path) -> None:
    key = _rsa()
    cert = _cert(_name("A"), key)
    path = write_p12(tmp_path / "a.p12", key, cert)
    with pytest.raises(anchors.AnchorError) as caught:
        anchors.load_key(path, "salah")
    assert caught.value.key == "key_unreadable"
    with pytest.raises(anchors.AnchorError) as caught:
        anchors.load_key(path, PASSPHRASE, valid_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=400))
    assert caught.value.key == "key_expired"


def test_ecdsa_key_and_a_renewed_certificate(tmp_path: Path) -> None:
    """EC keys sign anchors too; an anchor signed before a renewal by the same CA still verifies."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert(_name("CA Uji"), ca_key, ca=True, days=3650)
    old_key, new_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    subject = _name("Penandatangan Jangkar")
    old = anchors.AnchorKey(old_key, _cert(subject, old_key, ca.subject, ca_key), (ca,))
    new = anchors.load_key(write_p12(tmp_path / "new.p12", new_key, _cert(subject, new_key, ca.subject, ca_key), [ca]),
                           PASSPHRASE)
    now = dt.datetime.now(dt.UTC)
    body = anchors.anchor_body(organisation=ORG, created=now, head_seq=3, head_hash="a" * 64, until=now,
                               revisions=0, signatures=0, digest="b" * 64, certificate=old.certificate)
    name = anchors.file_name(now.date())
    read = anchors.read_anchor(name, anchors.sign_anchor(body, old), new)
    assert read.verified and read.anchor is not None and read.anchor.seq == 3
    stranger_key = ec.generate_private_key(ec.SECP256R1())
    stranger = anchors.AnchorKey(stranger_key, _cert(subject, stranger_key))  # same name, not issued by the CA
    assert anchors.read_anchor(name, anchors.sign_anchor(body | {"certificate": {
        "sha256": anchors.fingerprint(stranger.certificate),
        "pem": stranger.certificate.public_bytes(serialization.Encoding.PEM).decode()}}, stranger), new
    ).problem == "anchor_untrusted"


def test_anchor_sheet_prints_the_newest_anchor(world: World, signing: dict[str, Any], client: Client) -> None:
    audit_append(actor=None, action="uji")
    anchor()
    newest = checks.anchor_status().anchor
    assert newest is not None
    line = checks.anchor_status().lines("id")[0]
    assert f"entri {newest.seq}" in line and newest.hash[:16] in line and "tanda tangan sah" in line
    assert newest.created.strftime("%Y-%m-%d") in line
    client.force_login(world.users["controller"])
    page = client.get(reverse("audit:auditentry_list") + "?lembar=jangkar").content.decode()
    assert newest.hash in page and newest.fingerprint in page and ">sah<" in page
    client.force_login(world.users["reader"])
    assert client.get(reverse("audit:auditentry_list") + "?lembar=jangkar").status_code == 403


# -- 3. the page verifies incrementally ---------------------------------------------------------------------------
def test_page_verifies_only_new_entries(world: World, client: Client) -> None:
    client.force_login(world.users["controller"])
    url = reverse("audit:auditentry_list")
    first = client.get(url)
    total = AuditEntry.objects.count()
    assert first.context["report"].ok and first.context["report"].checked == total
    assert AuditCheckpoint.objects.get(pk=1).seq == total
    for _ in range(3):
        audit_append(actor=None, action="uji")
    again = client.get(url)
    assert again.context["report"].ok and again.context["report"].checked == 3
    assert again.context["report"].count == total + 3
    assert client.get(url).context["report"].checked == 0


def test_full_check_on_demand_finds_an_old_edit_and_keeps_showing_it(world: World, client: Client) -> None:
    client.force_login(world.users["controller"])
    url = reverse("audit:auditentry_list")
    target = audit_append(actor=None, action="uji", data={"nilai": 1})
    audit_append(actor=None, action="uji")
    assert client.get(url).context["report"].ok
    with connection.cursor() as cursor:
        _drop_triggers(cursor)
        cursor.execute("UPDATE audit_auditentry SET ip = '6.6.6.6' WHERE id = %s", [target.pk])
    assert client.get(url).context["report"].ok  # behind the checkpoint: the incremental view cannot see it
    response = client.post(url, {"verify": "full"}, follow=True)
    page = response.content.decode()
    assert f"RUSAK pada entri {target.seq}" in page
    assert AuditCheckpoint.objects.get(pk=1).full_by == "controller"
    report = client.get(url).context["report"]
    assert not report.ok and report.broken_at == target.seq  # stays until a full walk passes
    client.force_login(world.users["reader"])
    assert client.post(url, {"verify": "full"}).status_code == 403


def test_page_notices_a_cut_off_tail_and_a_removed_old_entry(world: World, client: Client) -> None:
    client.force_login(world.users["controller"])
    url = reverse("audit:auditentry_list")
    for _ in range(4):
        audit_append(actor=None, action="uji")
    assert client.get(url).context["report"].ok
    last = AuditEntry.objects.order_by("-seq").first().seq
    cut_tail(last - 1)  # the checkpoint entry itself is gone
    report = audit_verify_incremental("en")
    assert not report.ok and "no longer the one verified" in report.reason
    # an old entry removed below a fresh checkpoint: fewer entries than numbers
    AuditCheckpoint.objects.all().delete()
    assert audit_verify_incremental().ok
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 2")
    report = audit_verify_incremental("en")
    assert not report.ok and "entries were removed" in report.reason


def test_page_shows_the_anchor(world: World, signing: dict[str, Any], client: Client) -> None:
    client.force_login(world.users["controller"])
    url = reverse("audit:auditentry_list")
    assert "belum ada jangkar" in client.get(url).content.decode()
    anchor()
    page = client.get(url).content.decode()
    assert "Jangkar audit jangkar-audit-" in page and "tanda tangan sah" in page and "jejak cocok" in page
