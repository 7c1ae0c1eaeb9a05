"""The whole record of the library: exported beside the library folder, restored into an empty instance.

The export (`export_record`: `manage.py export_library OUT` and the web's .zip) is a library folder
`prosedur lint` reads (pustaka.yaml and `<procedures_dir>/*.yaml`, the current revision of each
procedure) with the record beside it::

    record/manifest.json                  format, counts, the audit head, SHA-256 of every other file
    record/units.json                     every unit: code, names, parent
    record/users.json                     every user the record names: user name, full name, position,
                                          NIP, unit, e-mail (never a password hash)
    record/library/<id>.yaml              every stored version of pustaka.yaml
    record/procedures.json                the procedures: number, titles, owner unit, where their files are
    record/revisions/<number>/<rev>.yaml  every revision's source, byte for byte
    record/revisions/<number>/<rev>.json  its status, dates, minor flag, versions, its source versions (who
                                          started, saved, imported, submitted what), reviews (assignments
                                          with decisions, notes, times; comments), signatures (every field,
                                          with the control record and its digest), acknowledgements and
                                          periodic reviews
    record/audit.jsonl                    the audit trail (`prosedur.integrity.dump_trail`)
    record/anchors/<file>                 the signed audit anchors the trail records, when present

Rows keep their ids, so the audit entries' object ids still name them after a restore.

The restore (`library_restore`) is the admin's (or the server operator's, `manage.py import_library
--restore`), into an EMPTY instance only: no procedure, revision, library file or audit entry yet
(users and units may exist: users are matched by user name and kept as they are; an existing unit
must be the exported one). That rules out every conflict, and it is the only way a trail can be put
back verbatim: the audit table is append-only, and the restored entries must keep their numbers and
hashes. A web login is itself audited, so the web restore only works on an instance whose trail is
still empty; otherwise the message names the server command.

Nothing is stored unless everything checks: the manifest's hashes; the trail's chain; every source
hashing to its recorded content hash; every signature verifying (the source hashes to the content it
signed, its control record to its digest, its dates are the revision's, and the trail records that
signing with the same hashes); a revision issued without a signature only when the trail records its
adoption from files; every revision's status being the one the trail says it reached; every revision
the trail records being in the export; and each revision's review assignments, decisions, comments,
acknowledgements and signatures being the ones the trail records creating. A single failure refuses
the whole restore. Then the rows and the trail go in in one transaction, each
restored revision is checked again as `verify_audit` checks it, and one `library_restore` entry is
appended. Users missing here are created inactive and without a password (the admin activates them).

These checks catch a damaged or edited export; they are not a signature in the cryptographic sense:
the hash chain and the digests have no secret, so whoever rewrites a whole export consistently can
make it pass. That is why restoring is the admin's, and why the signed anchors (kept outside the
database, signed with the organisation's key) travel with the export and are checked by
`verify_audit` afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from prosedur import integrity
from prosedur.model import LIBRARY_FILE
from prosedur.record import ControlRecord, record_digest
from prosedur_web import services as core
from prosedur_web.accounts import roles
from prosedur_web.accounts.models import Unit, User
from prosedur_web.audit.models import AuditEntry, AuditHead
from prosedur_web.audit.restore import TrailNotRestorable, audit_trail_restore
from prosedur_web.audit.services import audit_append
from prosedur_web.common.labels import label

from . import selectors
from .management.commands.export_library import current_sources
from .models import LibrarySource, Procedure, Revision, RevisionStatus, Signature, SourceVersion
from .transfer import Message, TransferError, _msg, _shown, read_archive_files

FORMAT = "prosedur-export/1"
RECORD = "record"
MANIFEST = f"{RECORD}/manifest.json"
AUDIT_FILE = f"{RECORD}/audit.jsonl"
STATUSES = {s.value for s in RevisionStatus}
ISSUED = ("approved", "effective", "obsolete")
REVISION_TYPE = Revision._meta.label_lower
MAX_PROBLEMS = 40

# the server command reads bigger archives than the web upload takes
COMMAND_LIMITS = {"max_upload": 2 * 1024**3, "max_entry": 1024**3, "max_total": 4 * 1024**3}
WEB_LIMITS = {"max_upload": 20 * 1024 * 1024, "max_entry": 20 * 1024 * 1024, "max_total": 50 * 1024 * 1024}


# -- export -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Export:
    files: dict[str, bytes]
    manifest_sha256: str
    counts: dict[str, int]


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _name(user: Any) -> str | None:
    return user.username if user is not None else None


def _folders(procedures: Iterable[Procedure]) -> dict[int, str]:
    """A folder name per procedure: its number as a slug, made unique with the id when two collide."""
    out: dict[int, str] = {}
    used: set[str] = set()
    for p in procedures:
        name = slugify(p.number) or f"prosedur-{p.pk}"
        if name in used:
            name = f"{name}-{p.pk}"
        used.add(name)
        out[p.pk] = name
    return out


def export_record(*, actor: Any = None, ip: str = "", via: str = "") -> Export:
    """Every file of the export (see the module docstring), and a `library_export` audit entry.

    Read in one transaction holding the audit head row: every change appends to the trail in its
    own transaction, so none can land between the tables read here and the trail.
    """
    from prosedur_web.reviews.models import Comment, ReviewAssignment
    from prosedur_web.sms.models import ReviewRecord
    from prosedur_web.socialisation.models import Acknowledgement

    with transaction.atomic():
        list(AuditHead.objects.select_for_update().filter(pk=1))
        library = selectors.library_source_text()
        if library is None:
            raise TransferError([_msg("err_no_library")])
        folder = core.library_info(library).procedures_dir.strip("/") or "prosedur"
        files: dict[str, bytes] = {LIBRARY_FILE: library.encode("utf-8")}
        for name, text in current_sources():
            files[f"{folder}/{name}"] = text.encode("utf-8")
        users: set[str] = set()

        def who(user: Any) -> str | None:
            if user is not None:
                users.add(user.username)
            return _name(user)

        for src in LibrarySource.objects.order_by("pk"):
            files[f"{RECORD}/library/{src.pk}.yaml"] = src.yaml_source.encode("utf-8")
        procedures = list(Procedure.objects.select_related("owner_unit").order_by("pk"))
        folders = _folders(procedures)
        counts = dict.fromkeys(("procedures", "revisions", "source_versions", "assignments", "comments",
                                "signatures", "acknowledgements", "periodic_reviews"), 0)
        rows = []
        for p in procedures:
            rows.append({"id": p.pk, "number": p.number, "title": p.title, "title_en": p.title_en,
                         "owner_unit": p.owner_unit.code, "sort_key": p.sort_key, "created_at": _when(p.created_at),
                         "folder": folders[p.pk]})
            counts["procedures"] += 1
            for rev in Revision.objects.filter(procedure=p).select_related("author").order_by("number"):
                base = f"{RECORD}/revisions/{folders[p.pk]}/{rev.number}"
                files[f"{base}.yaml"] = rev.yaml_source.encode("utf-8")
                data = {
                    "id": rev.pk, "procedure": p.number, "number": rev.number, "status": rev.status,
                    "content_hash": rev.content_hash, "version": rev.version, "author": who(rev.author),
                    "issued_date": _day(rev.issued_date), "effective_date": _day(rev.effective_date),
                    "review_due": _day(rev.review_due), "minor": rev.minor, "review_round": rev.review_round,
                    "review_sequential": rev.review_sequential, "created_at": _when(rev.created_at),
                    "updated_at": _when(rev.updated_at), "source": f"{rev.number}.yaml",
                    "source_versions": [
                        {"id": v.pk, "version": v.version, "action": v.action, "content_hash": v.content_hash,
                         "user": who(v.user), "at": _when(v.at), "yaml_source": v.yaml_source}
                        for v in SourceVersion.objects.filter(revision=rev).select_related("user").order_by("pk")],
                    "assignments": [
                        {"id": a.pk, "round": a.round, "reviewer": who(a.reviewer), "order": a.order,
                         "decision": a.decision, "note": a.note, "decided_at": _when(a.decided_at)}
                        for a in ReviewAssignment.objects.filter(revision=rev).select_related("reviewer")
                        .order_by("pk")],
                    "comments": [
                        {"id": c.pk, "author": who(c.author), "anchor": c.anchor, "text": c.text,
                         "parent": c.parent_id, "resolved": c.resolved, "created_at": _when(c.created_at)}
                        for c in Comment.objects.filter(revision=rev).select_related("author").order_by("pk")],
                    "signatures": [
                        {"id": s.pk, "signer": who(s.signer), "name": s.name, "position": s.position, "nip": s.nip,
                         "signed_at": _when(s.signed_at), "signed_at_text": s.signed_at_text, "meaning": s.meaning,
                         "content_hash": s.content_hash, "record_facts": s.record_facts,
                         "record_digest": s.record_digest}
                        for s in Signature.objects.filter(revision=rev).select_related("signer").order_by("pk")],
                    "acknowledgements": [
                        {"id": a.pk, "user": who(a.user), "at": _when(a.at)}
                        for a in Acknowledgement.objects.filter(revision=rev).select_related("user").order_by("pk")],
                    "periodic_reviews": [
                        {"id": r.pk, "reviewed_by": who(r.reviewed_by), "reviewed_on": _day(r.reviewed_on),
                         "note": r.note, "next_due": _day(r.next_due), "created_at": _when(r.created_at)}
                        for r in ReviewRecord.objects.filter(revision=rev).select_related("reviewed_by")
                        .order_by("pk")],
                }
                counts["revisions"] += 1
                for key in ("source_versions", "assignments", "comments", "signatures", "acknowledgements",
                            "periodic_reviews"):
                    counts[key] += len(data[key])
                files[f"{base}.json"] = _json(data)
        files[f"{RECORD}/procedures.json"] = _json(rows)
        trail = [_core_entry(e) for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)]
        users |= {e.actor for e in trail if e.actor}
        files[AUDIT_FILE] = integrity.dump_trail(trail)
        files.update(_anchor_files(trail))
        people = User.objects.filter(username__in=users).select_related("unit").order_by("username")
        files[f"{RECORD}/users.json"] = _json([
            {"username": u.username, "full_name": u.full_name, "position": u.position, "nip": u.nip,
             "unit": u.unit.code if u.unit is not None else None, "email": u.email} for u in people])
        files[f"{RECORD}/units.json"] = _json([
            {"code": u.code, "name": u.name, "name_en": u.name_en, "parent": u.parent.code if u.parent else None}
            for u in Unit.objects.select_related("parent").order_by("code")])
        counts.update(users=len(people), units=Unit.objects.count(), audit_entries=len(trail))
        manifest = {
            "format": FORMAT, "created_at": timezone.localtime().isoformat(timespec="seconds"),
            "library": LIBRARY_FILE, "procedures_dir": folder, "counts": counts,
            "audit": {"file": AUDIT_FILE, "entries": len(trail), "head_seq": trail[-1].seq if trail else 0,
                      "head_hash": trail[-1].hash if trail else integrity.GENESIS},
            "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
        }
        files[MANIFEST] = _json(manifest)
        digest = hashlib.sha256(files[MANIFEST]).hexdigest()
        audit_append(actor=actor, action="library_export", ip=ip,
                     data={"via": via, "manifest_sha256": digest, "files": len(files), **counts})
    return Export(files, digest, counts)


def _core_entry(entry: AuditEntry) -> integrity.AuditEntry:
    return integrity.AuditEntry(
        seq=entry.seq, timestamp=entry.at, actor=entry.actor_name, action=entry.action,
        object_type=entry.target_type, object_id=entry.target_id, details=entry.data,
        client=entry.ip or None, prev_hash=entry.prev_hash, hash=entry.hash,
    )


def _anchor_files(trail: list[integrity.AuditEntry]) -> dict[str, bytes]:
    """The anchor files the trail says were written, as they are in the anchor folder (when they are)."""
    from prosedur_web.audit import anchor as anchors
    from prosedur_web.audit.checks import ANCHOR_ACTION

    folder = anchors.anchor_dir()
    out: dict[str, bytes] = {}
    for entry in trail:
        name = str(entry.details.get("file", "")) if entry.action == ANCHOR_ACTION else ""
        if not name or "/" in name or name.startswith("."):
            continue
        try:
            out[f"{RECORD}/anchors/{name}"] = (folder / name).read_bytes()
        except OSError:
            continue  # verify_audit reports it missing here already
    return out


# -- reading an export ---------------------------------------------------------------------------------------------
def read_folder(root: Path) -> dict[str, bytes]:
    """Every file under `root` as {relative posix path: bytes}; symbolic links are refused."""
    if not root.is_dir():
        raise TransferError([_msg("restore_err_no_manifest")])
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            raise TransferError([_msg("zip_err_path", name=_shown(str(path.relative_to(root))),
                                      why=label("zip_why_symlink", "id"))])
        if path.is_file():
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def read_zip(data: bytes, limits: dict[str, int] | None = None) -> dict[str, bytes]:
    """Every file of an export .zip, with the same checks as any upload (sizes, ratio, paths)."""
    files, _ignored = read_archive_files(data, accept=lambda name: True, **(limits or WEB_LIMITS))
    return files


def is_record(files: dict[str, bytes]) -> bool:
    return any(n == MANIFEST or n.endswith(f"/{MANIFEST}") for n in files)


def _rooted(files: dict[str, bytes]) -> dict[str, bytes]:
    """The export's files relative to its root (an archive of the folder itself has one top folder)."""
    names = sorted((n for n in files if n == MANIFEST or n.endswith(f"/{MANIFEST}")), key=lambda n: n.count("/"))
    if not names:
        raise TransferError([_msg("restore_err_no_manifest")])
    prefix = names[0][: -len(MANIFEST)]
    return {n[len(prefix):]: data for n, data in files.items() if n.startswith(prefix)}


# -- checking an export ---------------------------------------------------------------------------------------------
class _Bad(Exception):
    def __init__(self, message: Message):
        self.message = message


def _malformed(name: str, detail: str) -> _Bad:
    return _Bad(_msg("restore_err_malformed", name=_shown(name), detail=detail[:160]))


def _load_json(files: dict[str, bytes], name: str) -> Any:
    try:
        return json.loads(files[name].decode("utf-8"))
    except KeyError:
        raise _Bad(_msg("restore_err_file_missing", name=_shown(name))) from None
    except ValueError as exc:
        raise _malformed(name, str(exc)) from None


def _get(data: Any, key: str, kind: type | tuple[type, ...], where: str, *, optional: bool = False) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise _malformed(where, f"'{key}' is missing")
    value = data[key]
    if value is None and optional:
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise _malformed(where, f"'{key}' has the wrong type")
    return value


def _date(data: Any, key: str, where: str) -> dt.date | None:
    value = _get(data, key, str, where, optional=True)
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise _malformed(where, f"'{key}' is not a date") from None


def _instant(data: Any, key: str, where: str, *, optional: bool = False) -> dt.datetime | None:
    value = _get(data, key, str, where, optional=optional)
    if value is None:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _malformed(where, f"'{key}' is not a time") from None
    if when.tzinfo is None:
        raise _malformed(where, f"'{key}' has no UTC offset")
    return when


@dataclass
class _Checked:
    """An export read and verified, ready to store."""

    files: dict[str, bytes]
    manifest: dict[str, Any]
    units: list[dict[str, Any]]
    users: list[dict[str, Any]]
    libraries: list[tuple[int, str]]
    procedures: list[dict[str, Any]]
    revisions: list[dict[str, Any]]
    trail: list[integrity.AuditEntry]
    problems: list[Message] = field(default_factory=list)


def _check_manifest(files: dict[str, bytes]) -> tuple[dict[str, Any], list[Message]]:
    manifest = _load_json(files, MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _Bad(_msg("restore_err_format", format=FORMAT))
    listed = _get(manifest, "files", dict, MANIFEST)
    problems: list[Message] = []
    for name, digest in sorted(listed.items()):
        if name not in files:
            problems.append(_msg("restore_err_file_missing", name=_shown(name)))
        elif hashlib.sha256(files[name]).hexdigest() != digest:
            problems.append(_msg("restore_err_file_hash", name=_shown(name)))
    for name in sorted(files):
        if name != MANIFEST and name not in listed and (name.startswith(f"{RECORD}/") or name == LIBRARY_FILE):
            problems.append(_msg("restore_err_file_unlisted", name=_shown(name)))
    return manifest, problems


def _check(files: dict[str, bytes]) -> _Checked:
    """Read every file of the export and run every check; raises `_Bad` for an unreadable export,
    collects the problems of a readable one."""
    manifest, problems = _check_manifest(files)
    if problems:
        raise TransferError(problems)
    units = _load_json(files, f"{RECORD}/units.json")
    users = _load_json(files, f"{RECORD}/users.json")
    procedures = _load_json(files, f"{RECORD}/procedures.json")
    for name, rows in (("units", units), ("users", users), ("procedures", procedures)):
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise _malformed(f"{RECORD}/{name}.json", "not a list of objects")
    if LIBRARY_FILE not in files:
        raise _Bad(_msg("restore_err_file_missing", name=LIBRARY_FILE))
    libraries: list[tuple[int, str]] = []
    for name in files:
        if name.startswith(f"{RECORD}/library/") and name.endswith(".yaml"):
            stem = name.rsplit("/", 1)[1][: -len(".yaml")]
            if not stem.isdigit():
                raise _malformed(name, "not <id>.yaml")
            libraries.append((int(stem), _text(files, name)))
    libraries.sort()
    if not libraries or libraries[-1][1] != _text(files, LIBRARY_FILE):
        raise _malformed(LIBRARY_FILE, "not the newest stored library file")
    if AUDIT_FILE not in files:
        raise _Bad(_msg("restore_err_file_missing", name=AUDIT_FILE))
    trail, trail_problems = integrity.load_trail(files[AUDIT_FILE])
    chain = trail_problems or integrity.verify_chain(trail)
    audit = _get(manifest, "audit", dict, MANIFEST)
    head = (trail[-1].seq, trail[-1].hash) if trail else (0, integrity.GENESIS)
    if chain:
        raise TransferError([lambda lang, p=p: label("restore_err_trail", lang, detail=p.message(lang))
                             for p in chain[:MAX_PROBLEMS]])
    if head != (audit.get("head_seq"), audit.get("head_hash")) or len(trail) != audit.get("entries"):
        raise _Bad(_msg("restore_err_trail_head", seq=head[0]))
    checked = _Checked(files, manifest, units, users, libraries, procedures, [], trail)
    _check_revisions(checked)
    checked.problems += _check_anchors(files, trail)
    return checked


def _check_anchors(files: dict[str, bytes], trail: list[integrity.AuditEntry]) -> list[Message]:
    """Each exported anchor file is the one the trail recorded writing (same SHA-256)."""
    from prosedur_web.audit.checks import ANCHOR_ACTION

    recorded = {str(e.details.get("file", "")): e.details.get("sha256") for e in trail if e.action == ANCHOR_ACTION}
    out: list[Message] = []
    for name in sorted(files):
        if name.startswith(f"{RECORD}/anchors/"):
            file = name.rsplit("/", 1)[1]
            if recorded.get(file) != hashlib.sha256(files[name]).hexdigest():
                out.append(_msg("restore_err_anchor", name=_shown(file)))
    return out


def _text(files: dict[str, bytes], name: str) -> str:
    try:
        return files[name].decode("utf-8")
    except KeyError:
        raise _Bad(_msg("restore_err_file_missing", name=_shown(name))) from None
    except UnicodeDecodeError:
        raise _malformed(name, "not UTF-8") from None


@dataclass
class _TrailFacts:
    """What the trail says about each revision (by id): how it was created, the status it reached,
    and the signatures recorded."""

    created: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)
    signed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    acks: dict[str, set[str]] = field(default_factory=dict)
    assigned: dict[str, set[tuple[int, str]]] = field(default_factory=dict)
    decided: dict[str, dict[tuple[int, str], str]] = field(default_factory=dict)
    comments: dict[str, set[int]] = field(default_factory=dict)


def _trail_facts(trail: list[integrity.AuditEntry]) -> _TrailFacts:
    facts = _TrailFacts()
    for e in trail:
        if e.object_type != REVISION_TYPE:
            continue
        details = dict(e.details)
        rid = e.object_id
        facts.labels.setdefault(rid, str(details.get("label", "")))
        if e.action == "acknowledge":
            facts.acks.setdefault(rid, set()).add(e.actor)
        elif e.action == "acknowledgements_carried":
            facts.acks.setdefault(rid, set()).update(str(u) for u in details.get("users") or ())
        elif e.action == "revision_submit":
            facts.assigned.setdefault(rid, set()).update(
                (int(details.get("round") or 0), str(r)) for r in details.get("reviewers") or ())
        elif e.action in ("review_agree", "review_changes"):
            facts.decided.setdefault(rid, {})[(int(details.get("round") or 0), e.actor)] = e.action[len("review_"):]
        elif e.action == "comment_create" and isinstance(details.get("comment"), int):
            facts.comments.setdefault(rid, set()).add(details["comment"])
        if e.action == "revision_import":
            facts.created.setdefault(rid, (e.action, details))
            facts.status[rid] = str(details.get("status", ""))
        elif e.action in ("revision_start", "procedure_create"):
            facts.created.setdefault(rid, (e.action, details))
            facts.status[rid] = RevisionStatus.DRAFT
        elif e.action == "revision_sign":
            facts.signed.setdefault(rid, []).append(details)
        elif e.action.startswith("revision_") and e.action[len("revision_"):] in STATUSES:
            facts.status[rid] = str(details.get("to", e.action[len("revision_"):]))
    return facts


def _check_revisions(checked: _Checked) -> None:
    """Every revision file: readable, its source hashing to its content hash, its signatures verifying,
    and its status the one the trail says it reached."""
    files, problems = checked.files, checked.problems
    facts = _trail_facts(checked.trail)
    seen_numbers: set[str] = set()
    sources: set[str] = set()
    for p in checked.procedures:
        number = _get(p, "number", str, f"{RECORD}/procedures.json")
        folder = _get(p, "folder", str, f"{RECORD}/procedures.json")
        if number in seen_numbers or "/" in folder or folder.startswith("."):
            raise _malformed(f"{RECORD}/procedures.json", f"{number}: twice, or a bad folder")
        seen_numbers.add(number)
        prefix = f"{RECORD}/revisions/{folder}/"
        names = sorted(n for n in files if n.startswith(prefix) and n.endswith(".json"))
        effective = 0
        for name in names:
            rev = _load_json(files, name)
            where = name
            if _get(rev, "procedure", str, where) != number:
                raise _malformed(where, "names another procedure")
            rev_number = _get(rev, "number", int, where)
            status = _get(rev, "status", str, where)
            if status not in STATUSES:
                raise _malformed(where, f"unknown status {status!r}")
            effective += status == RevisionStatus.EFFECTIVE
            text = _text(files, prefix + _get(rev, "source", str, where))
            sources.add(text)
            rev["_text"], rev["_procedure"], rev["_where"] = text, p, where
            checked.revisions.append(rev)
            _check_revision(rev, number, rev_number, status, text, facts, problems)
        if effective > 1:
            problems.append(_msg("restore_err_two_effective", number=number))
    exported = {str(r["id"]) for r in checked.revisions}
    for rid in sorted(set(facts.created) - exported, key=lambda r: (len(r), r)):
        problems.append(_msg("restore_err_missing_revision", label=facts.labels.get(rid) or "?", id=rid))
    folder = _get(checked.manifest, "procedures_dir", str, MANIFEST).strip("/")
    for name in sorted(files):
        if name.startswith(f"{folder}/") and name.endswith((".yaml", ".yml")) and _text(files, name) not in sources:
            problems.append(_msg("restore_err_current", name=_shown(name)))


def _check_revision(rev: dict[str, Any], number: str, rev_number: int, status: str, text: str,
                    facts: _TrailFacts, problems: list[Message]) -> None:
    where = rev["_where"]
    rid = str(_get(rev, "id", int, where))
    try:
        proc = core.parse_source(text, number)
        actual = core.content_hash(proc)
    except Exception as exc:  # noqa: BLE001 - any source error refuses the restore, with its text
        problems.append(_msg("restore_err_source", number=number, revision=rev_number, detail=str(exc)[:200]))
        return
    if proc.number != number or proc.revision != rev_number:
        problems.append(_msg("restore_err_source", number=number, revision=rev_number,
                             detail=f"{proc.number} Rev. {proc.revision}"))
        return
    if actual != _get(rev, "content_hash", str, where):
        problems.append(_msg("restore_err_hash", number=number, revision=rev_number))
    trail_status = facts.status.get(rid)
    if trail_status != status:
        problems.append(_msg("restore_err_status", number=number, revision=rev_number, status=status,
                             trail=trail_status or "-"))
    signatures = _get(rev, "signatures", list, where)
    of_record = [s for s in signatures if isinstance(s, dict) and s.get("meaning") == "disahkan"]
    for sig in signatures:
        why = _signature_problems(sig, rev, actual, of_record[-1] if of_record else None, facts.signed.get(rid, []))
        if why:
            problems.append(_signature_msg(number, rev_number, why))
    problems += _trail_differences(rev, rid, number, rev_number, facts)
    if not of_record and status in ISSUED:
        how, details = facts.created.get(rid, ("", {}))
        adopted = (how == "revision_import" and details.get("status") in ISSUED
                   and details.get("content_hash", actual) == actual)
        if not adopted:
            problems.append(_msg("restore_err_unsigned", number=number, revision=rev_number, status=status))


def _trail_differences(rev: dict[str, Any], rid: str, number: str, rev_number: int,
                       facts: _TrailFacts) -> list[Message]:
    """The reviews, comments, acknowledgements and signatures of a revision are the ones the trail
    records creating: none added, none left out."""
    where = rev["_where"]
    assignments = _get(rev, "assignments", list, where)
    exported_assigned = {(_get(a, "round", int, where), str(a.get("reviewer"))) for a in assignments}
    exported_decided = {(a["round"], str(a.get("reviewer"))): a.get("decision") for a in assignments
                        if a.get("decision")}
    comments = {_get(c, "id", int, where) for c in _get(rev, "comments", list, where)}
    acks = {str(a.get("user")) for a in _get(rev, "acknowledgements", list, where)}
    differs = [what for what, ok in (
        ("reviews", exported_assigned == facts.assigned.get(rid, set())),
        ("decisions", exported_decided == facts.decided.get(rid, {})),
        ("comments", comments == facts.comments.get(rid, set())),
        ("acks", acks == facts.acks.get(rid, set())),
        ("signatures", len(_get(rev, "signatures", list, where)) == len(facts.signed.get(rid, []))),
    ) if not ok]
    if not differs:
        return []
    return [lambda lang: label("restore_err_trail_differs", lang, number=number, revision=rev_number,
                               what=", ".join(label(f"restore_what_{w}", lang) for w in differs))]


def _signature_problems(sig: Any, rev: dict[str, Any], actual: str, of_record: Any,
                        trail: list[dict[str, Any]]) -> list[str]:
    """What does not hold for one exported signature (empty: it verifies), as `integrity_problems` checks
    a stored one, plus: the trail records this very signing."""
    where = rev["_where"]
    content_hash = _get(sig, "content_hash", str, where)
    digest = _get(sig, "record_digest", str, where)
    facts = _get(sig, "record_facts", dict, where)
    _instant(sig, "signed_at", where)
    for key in ("signer", "name", "position", "nip", "signed_at_text", "meaning"):
        _get(sig, key, str, where)
    problems = []
    if content_hash != actual:
        problems.append("content")
    if facts or digest:
        try:
            record = ControlRecord.from_facts(facts)
            intact = record.facts() == facts and record_digest(content_hash, record) == digest
        except Exception:  # noqa: BLE001 - facts that do not read are facts that were changed
            intact, record = False, None
        if not intact:
            problems.append("record")
        elif sig is of_record and record is not None and (
                _day_of(record.issued) != rev.get("issued_date") or _day_of(record.effective) != rev.get("effective_date")
                or _day_of(record.review_due) != rev.get("review_due")):
            problems.append("dates")
    if not any(t.get("content_hash") == content_hash and t.get("record_digest", "") == digest for t in trail):
        problems.append("trail")
    return problems


def _signature_msg(number: str, revision: int, codes: list[str]) -> Message:
    return lambda lang: label("restore_err_signature", lang, number=number, revision=revision,
                              detail="; ".join(label(f"restore_sig_{c}", lang) for c in codes))


def _day_of(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


# -- restoring ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RestoreReport:
    procedures: int
    revisions: int
    signatures: int
    acknowledgements: int
    assignments: int
    comments: int
    entries: int
    users_created: tuple[str, ...]
    units_created: tuple[str, ...]
    anchors_written: tuple[str, ...] = ()
    anchor_problems: tuple[str, ...] = ()

    def text(self, lang: str = "id") -> str:
        return label("restore_done", lang, procedures=self.procedures, revisions=self.revisions,
                     signatures=self.signatures, acknowledgements=self.acknowledgements,
                     reviews=self.assignments, entries=self.entries, users=len(self.users_created))


def may_restore(actor: Any) -> bool:
    return roles.has_role(actor, roles.Role.ADMIN)


def instance_contents() -> dict[str, int]:
    """What this instance already holds that a restore would conflict with."""
    return {"procedures": Procedure.objects.count(), "revisions": Revision.objects.count(),
            "libraries": LibrarySource.objects.count(), "entries": AuditEntry.objects.count()}


def _refuse_non_empty() -> None:
    held = instance_contents()
    if any(held.values()):
        raise TransferError([_msg("restore_err_not_empty", **held)])


def library_restore(files: dict[str, bytes], *, actor: Any = None, operator: bool = False,
                    ip: str = "") -> RestoreReport:
    """Restore an export into this (empty) instance, all or nothing (see the module docstring).

    `operator=True` is the server command (`manage.py import_library --restore`, no user); otherwise
    `actor` must be the admin. Raises `TransferError` listing every problem; nothing is stored then.
    """
    if not operator and not may_restore(actor):
        raise TransferError([_msg("restore_err_forbidden")])
    _refuse_non_empty()
    files = _rooted(files)
    try:
        checked = _check(files)
    except _Bad as bad:
        raise TransferError([bad.message]) from None
    checked.problems += _unit_conflicts(checked.units)
    if checked.problems:
        extra = len(checked.problems) - MAX_PROBLEMS
        shown = checked.problems[:MAX_PROBLEMS]
        if extra > 0:
            shown.append(_msg("restore_err_more", n=extra))
        raise TransferError(shown)
    try:
        report = _store(checked, actor=actor, ip=ip, operator=operator)
    except _Bad as bad:
        raise TransferError([bad.message]) from None
    except (KeyError, TypeError, ValueError, DatabaseError, TrailNotRestorable) as exc:
        # a record that reads but does not fit together (an id twice, a unit or user it does not list)
        raise TransferError([_msg("restore_err_malformed", name=RECORD, detail=f"{type(exc).__name__}: {exc}"[:160])
                             ]) from None
    written, failed = _write_anchors(files)
    return replace(report, anchors_written=written, anchor_problems=failed)


def _unit_conflicts(units: list[dict[str, Any]]) -> list[Message]:
    stored = {u.code: u for u in Unit.objects.select_related("parent")}
    out: list[Message] = []
    for row in units:
        code = _get(row, "code", str, f"{RECORD}/units.json")
        old = stored.get(code)
        if old is None:
            continue
        same = (old.name == row.get("name") and (old.name_en or "") == (row.get("name_en") or "")
                and (old.parent.code if old.parent else None) == row.get("parent"))
        if not same:
            out.append(_msg("restore_err_unit", code=code))
    return out


def _store(checked: _Checked, *, actor: Any, ip: str, operator: bool) -> RestoreReport:
    from prosedur_web.reviews.models import Comment, ReviewAssignment
    from prosedur_web.sms.models import ReviewRecord
    from prosedur_web.socialisation.models import Acknowledgement

    with transaction.atomic():
        list(AuditHead.objects.select_for_update().filter(pk=1))
        _refuse_non_empty()  # again, under the lock: nothing was appended meanwhile
        # units, then their parents
        units_created = []
        for row in checked.units:
            unit, made = Unit.objects.get_or_create(code=row["code"], defaults={
                "name": str(row.get("name") or row["code"]), "name_en": str(row.get("name_en") or "")})
            if made:
                units_created.append(unit.code)
        by_code = {u.code: u for u in Unit.objects.all()}
        for row in checked.units:
            if row.get("parent") and row["code"] in units_created:
                Unit.objects.filter(code=row["code"]).update(parent=by_code.get(row["parent"]))
        # users: matched by user name; missing ones created inactive, without a password
        users = {u.username: u for u in User.objects.all()}
        users_created = []
        for row in checked.users:
            username = _get(row, "username", str, f"{RECORD}/users.json")
            if username in users:
                continue
            user = User(username=username, full_name=str(row.get("full_name") or ""),
                        position=str(row.get("position") or ""), nip=str(row.get("nip") or ""),
                        email=str(row.get("email") or ""), unit=by_code.get(row.get("unit") or ""), is_active=False)
            user.set_unusable_password()
            user.save()
            users[username] = user
            users_created.append(username)

        def person(name: str | None) -> User | None:
            if not name:
                return None
            if name not in users:
                raise TransferError([_msg("restore_err_user", username=name)])
            return users[name]

        for pk, text in checked.libraries:
            LibrarySource.objects.create(pk=pk, yaml_source=text)
        later: list[tuple[Any, int, dict[str, Any]]] = []  # (model, id, fields set after create)

        def afterwards(model: Any, pk: int, **values: Any) -> None:
            values = {k: v for k, v in values.items() if v is not None}
            if values:
                later.append((model, pk, values))

        for p in checked.procedures:
            procedure = Procedure.objects.create(
                pk=_get(p, "id", int, "procedures.json"), number=p["number"], title=str(p.get("title") or ""),
                title_en=str(p.get("title_en") or ""), owner_unit=by_code[p["owner_unit"]],
                sort_key=str(p.get("sort_key") or ""))
            afterwards(Procedure, procedure.pk, created_at=_instant(p, "created_at", "procedures.json", optional=True))
        counts = dict.fromkeys(("signatures", "acknowledgements", "assignments", "comments"), 0)
        for rev in sorted(checked.revisions, key=lambda r: (r["status"] == "effective", r["id"])):
            where = rev["_where"]
            revision = Revision.objects.create(
                pk=rev["id"], procedure_id=rev["_procedure"]["id"], number=rev["number"], status=rev["status"],
                yaml_source=rev["_text"], content_hash=rev["content_hash"], version=_get(rev, "version", int, where),
                author=person(rev.get("author")), issued_date=_date(rev, "issued_date", where),
                effective_date=_date(rev, "effective_date", where), review_due=_date(rev, "review_due", where),
                minor=bool(rev.get("minor")), review_round=_get(rev, "review_round", int, where),
                review_sequential=bool(rev.get("review_sequential")))
            afterwards(Revision, revision.pk, created_at=_instant(rev, "created_at", where, optional=True),
                       updated_at=_instant(rev, "updated_at", where, optional=True))
            for v in _get(rev, "source_versions", list, where):
                SourceVersion.objects.create(
                    pk=_get(v, "id", int, where), revision=revision, version=_get(v, "version", int, where),
                    action=_get(v, "action", str, where), yaml_source=_get(v, "yaml_source", str, where),
                    content_hash=_get(v, "content_hash", str, where), user=person(v.get("user")))
                afterwards(SourceVersion, v["id"], at=_instant(v, "at", where, optional=True))
            for a in _get(rev, "assignments", list, where):
                ReviewAssignment.objects.create(
                    pk=_get(a, "id", int, where), revision=revision, round=_get(a, "round", int, where),
                    reviewer=person(a.get("reviewer")), order=_get(a, "order", int, where),
                    decision=_get(a, "decision", str, where), note=_get(a, "note", str, where),
                    decided_at=_instant(a, "decided_at", where, optional=True))
                counts["assignments"] += 1
            comments = _get(rev, "comments", list, where)
            for c in comments:
                Comment.objects.create(pk=_get(c, "id", int, where), revision=revision, author=person(c.get("author")),
                                       anchor=_get(c, "anchor", str, where), text=_get(c, "text", str, where),
                                       resolved=bool(c.get("resolved")))
                afterwards(Comment, c["id"], created_at=_instant(c, "created_at", where, optional=True),
                           parent_id=_get(c, "parent", int, where, optional=True))
                counts["comments"] += 1
            for s in _get(rev, "signatures", list, where):
                Signature.objects.create(
                    pk=_get(s, "id", int, where), revision=revision, signer=person(s["signer"]), name=s["name"],
                    position=s["position"], nip=s["nip"], signed_at=_instant(s, "signed_at", where),
                    signed_at_text=s["signed_at_text"], meaning=s["meaning"], content_hash=s["content_hash"],
                    record_facts=s["record_facts"], record_digest=s["record_digest"])
                counts["signatures"] += 1
            for a in _get(rev, "acknowledgements", list, where):
                Acknowledgement.objects.create(pk=_get(a, "id", int, where), revision=revision,
                                               user=person(a.get("user")))
                afterwards(Acknowledgement, a["id"], at=_instant(a, "at", where, optional=True))
                counts["acknowledgements"] += 1
            for r in rev.get("periodic_reviews") or []:
                ReviewRecord.objects.create(
                    pk=_get(r, "id", int, where), revision=revision, reviewed_by=person(r.get("reviewed_by")),
                    reviewed_on=_date(r, "reviewed_on", where), note=_get(r, "note", str, where),
                    next_due=_date(r, "next_due", where))
                afterwards(ReviewRecord, r["id"], created_at=_instant(r, "created_at", where, optional=True))
        for model, pk, values in later:  # the times the rows had (auto_now fields are set on create), replies
            model.objects.filter(pk=pk).update(**values)
        _reset_sequences([LibrarySource, Procedure, Revision, SourceVersion, Signature, ReviewAssignment, Comment,
                          Acknowledgement, ReviewRecord])
        audit_trail_restore(checked.trail, actors=users)
        _verify_restored()
        digest = hashlib.sha256(checked.files[MANIFEST]).hexdigest()
        audit_append(actor=actor, action="library_restore", ip=ip, data={
            "manifest_sha256": digest, "exported_at": str(checked.manifest.get("created_at", "")),
            "entries_restored": len(checked.trail), "procedures": len(checked.procedures),
            "revisions": len(checked.revisions), **counts, "users_created": users_created,
            "units_created": units_created, "by": "manage.py import_library --restore" if operator else "web"})
    return RestoreReport(len(checked.procedures), len(checked.revisions), counts["signatures"],
                         counts["acknowledgements"], counts["assignments"], counts["comments"], len(checked.trail),
                         tuple(users_created), tuple(units_created))


def _reset_sequences(models: list[Any]) -> None:
    """Rows were stored with their ids: the id sequences (PostgreSQL) must start after them."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _verify_restored() -> None:
    """What `verify_audit` checks, on what was just stored: any failure rolls the restore back."""
    from prosedur_web.audit.services import audit_verify

    from . import records

    problems: list[Message] = []
    for rev in Revision.objects.select_related("procedure").order_by("pk"):
        codes = records.integrity_problems(rev)
        if codes:
            problems.append(_signature_msg(rev.procedure.number, rev.number, codes))
    report = audit_verify()
    if not report.ok:
        problems.append(_msg("restore_err_trail", detail=report.reason))
    if problems:
        raise TransferError(problems)


def _write_anchors(files: dict[str, bytes]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Put the exported anchor files into this instance's anchor folder (never replacing one there).
    After the commit: an anchor that cannot be written is reported, and `verify_audit` names it."""
    from prosedur_web.audit import anchor as anchors

    folder = anchors.anchor_dir()
    written, failed = [], []
    for name in sorted(files):
        if not name.startswith(f"{RECORD}/anchors/"):
            continue
        file = name.rsplit("/", 1)[1]
        if not file.startswith(anchors.FILE_PREFIX) or not file.endswith(anchors.FILE_SUFFIX):
            failed.append(file)
            continue
        target = folder / file
        if target.exists():
            if target.read_bytes() != files[name]:
                failed.append(file)
            continue
        try:
            anchors.write_new(folder, file, files[name])
        except anchors.AnchorError:
            failed.append(file)
        else:
            written.append(file)
    return tuple(written), tuple(failed)
