"""The whole record: exported, then restored into an empty instance, gives the same thing; a tampered
export is refused whole; a restore is the admin's, into an empty instance only.

The "first instance" is built inside a savepoint and rolled back after the export, so the restore
runs against a really empty database (the audit table cannot be emptied any other way).
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import zipfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prosedur.load import load_library
from prosedur.record import ControlRecord, record_digest
from prosedur_web import services as core
from prosedur_web.accounts.models import Unit, User
from prosedur_web.accounts.roles import Role
from prosedur_web.audit.models import AuditEntry
from prosedur_web.audit.services import audit_verify
from prosedur_web.procedures import records, restore, services
from prosedur_web.procedures.models import LibrarySource, Procedure, Revision, Signature, SourceVersion
from prosedur_web.procedures.transfer import TransferError
from prosedur_web.reviews import services as reviews
from prosedur_web.reviews.models import Comment, ReviewAssignment
from prosedur_web.sms.models import ReviewRecord
from prosedur_web.sms.services import reviewrecord_create
from prosedur_web.socialisation import services as socialisation
from prosedur_web.socialisation.models import Acknowledgement

from .conftest import PASSWORD, World, add_history
from .conftest import build_world as conftest_build_world


# -- the first instance ------------------------------------------------------------------------------------------
def build_world() -> World:
    """What the `world` fixture builds, with e-mail addresses, callable inside a savepoint."""
    return conftest_build_world(emails=True)


def live_record(w: World) -> Revision:
    """Revision 1 of P.SMLTI 19 through the whole lifecycle: edited, submitted to two reviewers,
    commented and answered, agreed, signed (effective; revision 0 obsolete) and acknowledged; then a
    draft revision 2 in progress, and a periodic review of P.SMLTI 90."""
    author = w.users["author"]
    rev = services.revision_start(procedure=w.own, user=author)
    text = add_history(rev.yaml_source, rev.number, change="Batas lampiran")
    rev = services.revision_save_source(revision=rev, user=author, text=text, base_version=rev.version)
    rev = services.revision_submit(revision=rev, user=author, reviewers=[w.users["reviewer"], w.users["reviewer2"]])
    comment = reviews.comment_create(revision=rev, author=w.users["reviewer"], text="Batas 10 MB?", anchor="s3")
    reviews.comment_create(revision=rev, author=author, text="Ya, sesuai kebijakan", parent=comment)
    reviews.comment_resolve(comment=comment, user=author)
    reviews.review_decide(revision=rev, reviewer=w.users["reviewer"], decision="agree", note="Sesuai")
    reviews.review_decide(revision=rev, reviewer=w.users["reviewer2"], decision="agree")
    rev = services.revision_approve(revision=rev, approver=w.users["approver"], password=PASSWORD,
                                    effective_date=timezone.localdate(), ip="10.0.0.9")
    assert rev.status == "effective"
    socialisation.acknowledgement_create(revision=rev, user=w.users["reader"])
    socialisation.acknowledgement_create(revision=rev, user=w.users["controller"])
    services.revision_start(procedure=w.own, user=author)
    reviewrecord_create(procedure=w.other, user=w.users["controller"], note="Masih sesuai")
    return rev


def snapshot() -> dict[str, Any]:
    """Everything the record holds, by natural keys (no ids), comparable across instances."""
    def key(rev: Any) -> tuple[str, int]:
        return (rev.procedure.number, rev.number)

    return {
        "master": [(p.number, p.title, p.owner_unit.code, [
            (r.number, r.status, r.content_hash, r.yaml_source, r.version, r.author.username if r.author else None,
             r.issued_date, r.effective_date, r.review_due, r.minor, r.review_round, r.created_at)
            for r in p.revisions.order_by("number")]) for p in Procedure.objects.order_by("number")],
        "versions": sorted((key(v.revision), v.version, v.action, v.content_hash, v.yaml_source,
                            v.user.username if v.user else None, v.at) for v in SourceVersion.objects.all()),
        "assignments": sorted((key(a.revision), a.round, a.reviewer.username, a.order, a.decision, a.note,
                               a.decided_at) for a in ReviewAssignment.objects.all()),
        "comments": sorted((key(c.revision), c.author.username, c.anchor, c.text, c.resolved, c.created_at,
                            c.parent.text if c.parent else None) for c in Comment.objects.all()),
        "signatures": sorted((key(s.revision), s.signer.username, s.name, s.position, s.nip, s.signed_at,
                              s.signed_at_text, s.meaning, s.content_hash, json.dumps(s.record_facts, sort_keys=True),
                              s.record_digest) for s in Signature.objects.all()),
        "acks": sorted((key(a.revision), a.user.username, a.at) for a in Acknowledgement.objects.all()),
        "periodic": sorted((key(r.revision), r.reviewed_by.username, r.reviewed_on, r.note, r.next_due)
                           for r in ReviewRecord.objects.all()),
        "library": LibrarySource.objects.order_by("-pk").values_list("yaml_source", flat=True).first(),
        "units": sorted((u.code, u.name, u.parent.code if u.parent else None) for u in Unit.objects.all()),
        "trail": list(AuditEntry.objects.order_by("seq").values_list("seq", "action", "actor_name", "hash")),
    }


def is_empty() -> bool:
    return not any(restore.instance_contents().values()) and not Signature.objects.exists()


@pytest.fixture
def first(db: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    """The export of a first instance (rolled back), what it held, and the folder `export_library` wrote."""
    settings.PROSEDUR_ANCHOR_DIR = str(tmp_path / "jangkar")
    out = tmp_path / "ekspor"
    with transaction.atomic():
        world = build_world()
        live_record(world)
        before = snapshot()
        call_command("export_library", str(out), stdout=StringIO())
        export = restore.export_record(via="test")
        transaction.set_rollback(True)
    assert is_empty() and not User.objects.exists()
    return {"files": export.files, "before": before, "folder": out}


def admin(username: str = "pemulih") -> User:
    user = User.objects.create(username=username, full_name="Admin Baru", is_superuser=True)
    user.groups.add(Group.objects.get_or_create(name=Role.ADMIN.value)[0])
    return user


def restored_equals(before: dict[str, Any], *, exports_before: int) -> None:
    """The same record; the trail is the exported one verbatim (the instance's trail, plus the audit
    entries of the exports made before this one), then one `library_restore` entry."""
    after = snapshot()
    trail_before = before.pop("trail")
    trail_after = after.pop("trail")
    assert after == before
    assert trail_after[: len(trail_before)] == trail_before
    assert [t[1] for t in trail_after[len(trail_before):]] == ["library_export"] * exports_before + ["library_restore"]


# -- 1. the round trip ---------------------------------------------------------------------------------------------
def test_export_then_restore_into_an_empty_instance_gives_the_same_record(first: dict[str, Any]) -> None:
    files, before = first["files"], first["before"]
    manifest = json.loads(files[restore.MANIFEST])
    assert manifest["format"] == restore.FORMAT
    assert {n for n in files if n != restore.MANIFEST} == set(manifest["files"])
    assert all(hashlib.sha256(files[n]).hexdigest() == d for n, d in manifest["files"].items())
    users = json.loads(files["record/users.json"])
    assert "password" not in json.dumps(users) and {u["username"] for u in users} >= {"author", "approver", "reader"}
    assert {"record/revisions/psmlti-19/0.yaml", "record/revisions/psmlti-19/1.yaml",
            "record/revisions/psmlti-19/2.yaml", "record/audit.jsonl"} <= set(files)

    report = restore.library_restore(files, actor=admin())
    assert (report.procedures, report.revisions, report.signatures, report.acknowledgements) == (2, 4, 1, 2)
    restored_equals(before, exports_before=1)  # the export_library command ran before export_record

    # every restored signature verifies: its revision's source hashes to the content signed, its record to its digest
    sigs = list(Signature.objects.select_related("revision"))
    assert sigs
    for sig in sigs:
        assert core.content_hash(core.parse_source(sig.revision.yaml_source)) == sig.content_hash
        assert record_digest(sig.content_hash, ControlRecord.from_facts(sig.record_facts)) == sig.record_digest
    assert all(records.integrity_problems(r) == [] for r in Revision.objects.all())
    assert audit_verify().ok
    call_command("verify_audit", stdout=StringIO())  # raises CommandError on any problem

    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "library_restore" and entry.actor_name == "pemulih"
    assert entry.data["manifest_sha256"] == hashlib.sha256(files[restore.MANIFEST]).hexdigest()
    # users missing here were created inactive, without a password; the audit entries link to them again
    author = User.objects.get(username="author")
    assert not author.is_active and not author.has_usable_password() and author.nip == "198006" + "0000"
    assert AuditEntry.objects.filter(action="revision_sign", actor=User.objects.get(username="approver")).exists()
    # the restored instance goes on: new rows get fresh ids, the chain continues
    assert Procedure.objects.create(number="P.SMLTI 99", title="x", owner_unit=Unit.objects.first()).pk > max(
        p["id"] for p in json.loads(files["record/procedures.json"]))
    assert audit_verify().ok


def test_the_commands_round_trip_and_the_export_is_a_library_folder(first: dict[str, Any]) -> None:
    folder, before = first["folder"], first["before"]
    library, problems = load_library(folder)  # what `prosedur lint` reads: the current revisions only
    assert not problems and sorted((p.number, p.revision) for p in library.procedures) == [
        ("P.SMLTI 19", 1), ("P.SMLTI 90", 0)]
    out = StringIO()
    call_command("import_library", str(folder), "--restore", stdout=out)
    assert "Pemulihan selesai" in out.getvalue()
    restored_equals(before, exports_before=0)
    call_command("verify_audit", stdout=StringIO())
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.actor_name == "" and entry.data["by"].startswith("manage.py")


def test_web_export_and_admin_restore(first: dict[str, Any]) -> None:
    data = _zip(first["files"])
    controller = User.objects.create(username="pengendali", full_name="P", is_active=True)
    controller.groups.add(Group.objects.get_or_create(name=Role.CONTROLLER.value)[0])
    client = Client()
    client.force_login(controller)
    response = _upload(client, data, mode="restore")
    assert response.status_code == 403 and "Hanya admin" in response.content.decode()
    assert is_empty()
    client.force_login(admin())
    response = _upload(client, data, mode="restore")
    assert response.status_code == 302, response.content.decode()[:1500]
    assert "Pemulihan selesai" in client.get(response.headers["Location"]).content.decode()
    restored_equals(first["before"], exports_before=1)
    # the web export of the restored instance holds the same record again
    response = client.get(reverse("procedures:library_export"))
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        again = {n: zf.read(n) for n in zf.namelist()}
    for name, content in first["files"].items():
        if name.startswith("record/revisions/") or name in ("record/units.json", "pustaka.yaml"):
            assert again[name] == content, name


def test_restore_into_a_non_empty_instance_is_refused(first: dict[str, Any]) -> None:
    files = first["files"]
    restore.library_restore(files, actor=admin())
    count = AuditEntry.objects.count()
    with pytest.raises(TransferError) as caught:
        restore.library_restore(files, actor=User.objects.get(username="pemulih"))
    assert "tidak kosong" in caught.value.messages("id")[0] and "not empty" in caught.value.messages("en")[0]
    assert AuditEntry.objects.count() == count


def test_only_the_admin_restores(first: dict[str, Any]) -> None:
    user = User.objects.create(username="pengendali", full_name="P")
    user.groups.add(Group.objects.get_or_create(name=Role.CONTROLLER.value)[0])
    with pytest.raises(TransferError) as caught:
        restore.library_restore(first["files"], actor=user)
    assert "admin" in caught.value.messages("en")[0]
    assert is_empty()


# -- 2. a tampered export is refused whole ---------------------------------------------------------------------------
def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def _upload(client: Client, data: bytes, **fields: str) -> Any:
    return client.post(reverse("procedures:library_import"),
                       {"archive": SimpleUploadedFile("ekspor.zip", data, content_type="application/zip"), **fields})


def _reseal(files: dict[str, bytes]) -> dict[str, bytes]:
    """Recompute the manifest, as someone who edits an export would: only the real checks remain."""
    manifest = json.loads(files[restore.MANIFEST])
    manifest["files"] = {n: hashlib.sha256(c).hexdigest() for n, c in sorted(files.items()) if n != restore.MANIFEST}
    return {**files, restore.MANIFEST: restore._json(manifest)}


def _edit_json(files: dict[str, bytes], name: str, change: Any) -> dict[str, bytes]:
    data = json.loads(files[name])
    change(data)
    return {**files, name: restore._json(data)}


SIGNED = "record/revisions/psmlti-19/1"


def _one_byte(files: dict[str, bytes]) -> dict[str, bytes]:
    text = files[f"{SIGNED}.yaml"]
    at = text.index(b"Batas lampiran")
    return _reseal({**files, f"{SIGNED}.yaml": text[:at] + b"b" + text[at + 1:]})


def _fact_date(files: dict[str, bytes]) -> dict[str, bytes]:
    def change(rev: dict[str, Any]) -> None:
        rev["signatures"][0]["record_facts"]["effective"] = "2031-01-01"
    return _reseal(_edit_json(files, f"{SIGNED}.json", change))


def _fact_date_and_digest(files: dict[str, bytes]) -> dict[str, bytes]:
    """A forger who also recomputes the digest (and the revision's dates): the trail recorded the real one."""
    def change(rev: dict[str, Any]) -> None:
        sig = rev["signatures"][0]
        sig["record_facts"]["effective"] = rev["effective_date"] = "2031-01-01"
        sig["record_digest"] = record_digest(sig["content_hash"], ControlRecord.from_facts(sig["record_facts"]))
    return _reseal(_edit_json(files, f"{SIGNED}.json", change))


def _unsealed(files: dict[str, bytes]) -> dict[str, bytes]:
    return {**files, "record/units.json": files["record/units.json"].replace(b"Unit Lain", b"Unit Lian")}


def _trail_edit(files: dict[str, bytes]) -> dict[str, bytes]:
    lines = files[restore.AUDIT_FILE].split(b"\n")
    lines[3] = lines[3].replace(b'"actor":"', b'"actor":"x', 1)
    return _reseal({**files, restore.AUDIT_FILE: b"\n".join(lines)})


def _status(files: dict[str, bytes]) -> dict[str, bytes]:
    return _reseal(_edit_json(files, "record/revisions/psmlti-19/2.json", lambda r: r.update(status="approved")))


def _unsigned_effective(files: dict[str, bytes]) -> dict[str, bytes]:
    """The draft revision 2 claimed effective, revision 1 obsolete: no signature, no adoption recorded."""
    out = _edit_json(files, "record/revisions/psmlti-19/2.json", lambda r: r.update(status="effective"))
    return _reseal(_edit_json(out, f"{SIGNED}.json", lambda r: r.update(status="obsolete")))


def _signature_dropped(files: dict[str, bytes]) -> dict[str, bytes]:
    return _reseal(_edit_json(files, f"{SIGNED}.json", lambda r: r.update(signatures=[])))


def _user_missing(files: dict[str, bytes]) -> dict[str, bytes]:
    users = [u for u in json.loads(files["record/users.json"]) if u["username"] != "author"]
    return _reseal({**files, "record/users.json": restore._json(users)})


def _ack_dropped(files: dict[str, bytes]) -> dict[str, bytes]:
    return _reseal(_edit_json(files, f"{SIGNED}.json", lambda r: r.update(acknowledgements=r["acknowledgements"][1:])))


def _comment_dropped(files: dict[str, bytes]) -> dict[str, bytes]:
    return _reseal(_edit_json(files, f"{SIGNED}.json", lambda r: r.update(comments=r["comments"][:1])))


def _revision_dropped(files: dict[str, bytes]) -> dict[str, bytes]:
    """The draft revision 2 left out of the export (its files and its manifest lines)."""
    return _reseal({n: c for n, c in files.items() if not n.startswith("record/revisions/psmlti-19/2.")})


@pytest.mark.parametrize(("tamper", "needle"), [
    (_one_byte, "tanda tangan tidak sah (sumber berbeda dari isi yang ditandatangani"),
    (_fact_date, "catatan pengendalian tidak sesuai sidiknya"),
    (_fact_date_and_digest, "penandatanganan ini tidak tercatat di jejak audit"),
    (_unsealed, "record/units.json: isi tidak sesuai SHA-256"),
    (_trail_edit, "Jejak audit ekspor tidak utuh"),
    (_status, "jejak audit mencatat 'draft'"),
    (_unsigned_effective, "tidak mencatat adopsinya"),
    (_signature_dropped, "tidak mencatat adopsinya"),
    (_user_missing, "pengguna author disebut rekaman"),
    (_ack_dropped, "pernyataan telah membaca tidak sesuai jejak audit"),
    (_comment_dropped, "komentar tidak sesuai jejak audit"),
    (_revision_dropped, "Jejak audit mencatat revisi P.SMLTI 19 Rev. 2"),
])
def test_a_tampered_export_is_refused_and_nothing_is_stored(first: dict[str, Any], tamper: Any,
                                                             needle: str) -> None:
    files = tamper(first["files"])
    user = admin()
    with pytest.raises(TransferError) as caught:
        restore.library_restore(files, actor=user)
    messages = caught.value.messages("id")
    assert any(needle in m for m in messages), messages
    assert is_empty() and list(User.objects.values_list("username", flat=True)) == ["pemulih"]
    assert Unit.objects.count() == 0
    # and through the web, the page names the problem
    client = Client()
    client.force_login(user)
    response = _upload(client, _zip(files), mode="restore")
    assert response.status_code == 400 and needle in html.unescape(response.content.decode())
    assert is_empty()


def test_the_command_refuses_a_tampered_folder(first: dict[str, Any]) -> None:
    folder: Path = first["folder"]
    path = folder / f"{SIGNED}.yaml"
    path.write_bytes(path.read_bytes().replace(b"Batas lampiran", b"Batas lampiran!"))
    with pytest.raises(CommandError) as caught:
        call_command("import_library", str(folder), "--restore", stdout=StringIO())
    assert "SHA-256" in str(caught.value) and "nothing was stored" in str(caught.value)
    assert is_empty()


# -- 3. the signed anchors travel with the export -----------------------------------------------------------------
def test_the_signed_anchors_travel_with_the_export(db: Any, settings: Any, tmp_path: Path) -> None:
    """An anchor written by `anchor_audit` is in the export, put back into the new instance's anchor
    folder, and `verify_audit` checks the restored trail against it (with the organisation's key)."""
    from prosedur_web.audit.checks import anchor_write

    from .test_audit_anchor import PASSPHRASE, _cert, _name, _rsa, write_p12

    key = _rsa()
    settings.PROSEDUR_SIGNING_P12 = str(write_p12(tmp_path / "org.p12", key, _cert(_name("Penandatangan"), key)))
    settings.PROSEDUR_SIGNING_PASSPHRASE = PASSPHRASE
    settings.PROSEDUR_ANCHOR_DIR = str(tmp_path / "jangkar-lama")
    with transaction.atomic():
        live_record(build_world())
        path, _anchor = anchor_write()
        files = restore.export_record(via="test").files
        transaction.set_rollback(True)
    assert files[f"record/anchors/{path.name}"] == path.read_bytes()
    settings.PROSEDUR_ANCHOR_DIR = str(tmp_path / "jangkar-baru")
    # an anchor file changed in the export is refused (it is not the one the trail recorded)
    forged = _reseal({**files, f"record/anchors/{path.name}": path.read_bytes().replace(b'"seq"', b'"seq" ')})
    with pytest.raises(TransferError) as caught:
        restore.library_restore(forged, actor=admin())
    assert any("jangkar audit berbeda" in m for m in caught.value.messages("id"))
    assert is_empty() and not (tmp_path / "jangkar-baru").exists()
    report = restore.library_restore(files, actor=User.objects.get(username="pemulih"))
    assert report.anchors_written == (path.name,) and not report.anchor_problems
    assert (tmp_path / "jangkar-baru" / path.name).read_bytes() == path.read_bytes()
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert path.name in out.getvalue()
