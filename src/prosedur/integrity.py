"""Integrity of signed procedures and of the audit trail: content hashes, a hash chain, signatures.

What a signature binds
----------------------
A signature of record binds `content_hash(proc)`: the SHA-256 of `canonical_source(proc)`, the
validated model as canonical JSON. Not the raw YAML (`source_hash`), because the approver approves
what the document *says*, and the same content can be written many ways — comments, key order,
quoting, `value: 20` or `value: "20"`, a default written out or left implicit. Binding the canonical
content means re-indenting or commenting the source never invalidates a signature, while any change
to what is printed (a word, a date, a step's order) does. The raw-text hash is still useful as the
storage fingerprint of the exact file kept ("these bytes were stored").

Two deliberate choices in the canonical form:

* `status` is left out: it is lifecycle state (draft → effective → obsolete), not content, and it
  changes after signing without the document changing.
* Fields equal to their default are left out, and the JSON is wrapped with a format tag
  (`CANONICAL_FORMAT`): adding an optional field to the model later does not change the hash of
  content signed before, and a deliberate change of the canonical form gets a new tag.

The audit trail
---------------
`AuditEntry` records who did what to which object, when and from where. Each entry's `hash` is
SHA-256 over the previous entry's hash and a canonical serialisation of all its fields, so editing,
deleting, inserting or reordering entries breaks the chain at that point (`verify_chain`). Cutting off
the newest entries leaves a valid shorter chain: only an anchor kept elsewhere (the head's sequence
number and hash, e.g. printed in a monthly report) reveals it, hence `expected_count`/`expected_head`.
Anyone able to rewrite the whole table can recompute every hash; the anchor is what limits that.

Timestamps are hashed as the UTC instant (microseconds), not in the offset they were written with,
because databases keep the instant (PostgreSQL `timestamptz`, Django with `USE_TZ`) and hand it back
in UTC: the chain must verify after a round trip through any storage. The offset is kept in the
entry for display and in the export (`entry_to_json`).

The module is storage-agnostic and pure: the web app stores entries in a table and calls
`next_entry` / `verify_chain`; exports use `dump_trail` / `load_trail` (JSON Lines).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .i18n import long_date
from .model import Procedure

__all__ = [
    "CANONICAL_FORMAT",
    "GENESIS",
    "LIFECYCLE_FIELDS",
    "AuditEntry",
    "ChainProblem",
    "ChainProblemKind",
    "Signature",
    "SignatureMeaning",
    "append",
    "canonical_json",
    "canonical_source",
    "chain_hash",
    "content_hash",
    "dump_trail",
    "entry_from_json",
    "entry_to_json",
    "load_trail",
    "next_entry",
    "signature_matches",
    "signature_text",
    "signed_at_text",
    "source_hash",
    "verify_chain",
]

CANONICAL_FORMAT = "prosedur-canonical/1"
"""Tag of the canonical form; bump it (and keep the old code path) if the form ever has to change."""

LIFECYCLE_FIELDS: frozenset[str] = frozenset({"status"})
"""Procedure fields that are lifecycle state rather than content, so not bound by a signature."""

GENESIS = "0" * 64
"""The `prev_hash` of the first audit entry."""

_AUDIT_DOMAIN = b"prosedur-audit/1\n"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


# -- canonical JSON and content hashes -------------------------------------------------------------
def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime in canonical data: give it a UTC offset")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON data")


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no insignificant whitespace, UTF-8 (not \\u escapes), no NaN: one text per value."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_json_default
    ).encode("utf-8")


def canonical_source(proc: Procedure) -> bytes:
    """The procedure's content as canonical JSON: what a signature binds (see the module docstring)."""
    data = proc.model_dump(mode="json", exclude_defaults=True, exclude=set(LIFECYCLE_FIELDS))
    return canonical_json({"format": CANONICAL_FORMAT, "procedure": data})


def content_hash(proc: Procedure) -> str:
    """SHA-256 (hex) of `canonical_source`: the fingerprint printed with the signature and in the QR link."""
    return hashlib.sha256(canonical_source(proc)).hexdigest()


def source_hash(text: str) -> str:
    """SHA-256 (hex) of the raw YAML text, after normalising line endings and dropping a leading BOM.

    CRLF vs LF and a BOM are artefacts of the editor or the upload, not of the text.
    """
    normalised = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


# -- audit trail ------------------------------------------------------------------------------------
def _aware(value: dt.datetime, what: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} needs a UTC offset (timezone-aware datetime)")
    return value


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit trail. `hash` = chain_hash(prev_hash, every other field)."""

    seq: int
    """1, 2, 3, … without gaps."""
    timestamp: dt.datetime
    """When, with its UTC offset (hashed as the UTC instant)."""
    actor: str
    """Who (user name or id); empty for the system."""
    action: str
    """What, e.g. `revision.approve`."""
    object_type: str
    object_id: str
    details: Mapping[str, Any]
    """JSON data: the facts needed to read the entry later (hash signed, old and new status, …)."""
    client: str | None
    """Client address (IP) the request came from, if any."""
    prev_hash: str
    hash: str

    def fields(self) -> dict[str, Any]:
        """The hashed fields other than `prev_hash`, in their canonical (storage-independent) form."""
        return {
            "seq": self.seq,
            "timestamp": _utc(_aware(self.timestamp, "timestamp")),
            "actor": self.actor,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "details": self.details,
            "client": self.client,
        }


def chain_hash(prev_hash: str, entry_fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) over the previous hash and the canonical JSON of every field of the entry."""
    body = canonical_json(dict(entry_fields))
    return hashlib.sha256(_AUDIT_DOMAIN + prev_hash.encode("utf-8", "surrogatepass") + b"\n" + body).hexdigest()


def _plain_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """Details as they will come back from any JSON store (tuples → lists, keys → text)."""
    plain: dict[str, Any] = json.loads(canonical_json(dict(details or {})))
    return plain


def next_entry(
    head: AuditEntry | None,
    *,
    actor: str,
    action: str,
    object_type: str = "",
    object_id: str = "",
    details: Mapping[str, Any] | None = None,
    client: str | None = None,
    timestamp: dt.datetime | None = None,
) -> AuditEntry:
    """The entry that follows `head` (None: the first entry). The caller stores it atomically."""
    when = _aware(timestamp, "timestamp") if timestamp is not None else dt.datetime.now(dt.UTC)
    seq = head.seq + 1 if head is not None else 1
    prev_hash = head.hash if head is not None else GENESIS
    plain = _plain_details(details)
    fields_ = {
        "seq": seq,
        "timestamp": _utc(when),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "details": plain,
        "client": client,
    }
    return AuditEntry(
        seq=seq,
        timestamp=when,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=plain,
        client=client,
        prev_hash=prev_hash,
        hash=chain_hash(prev_hash, fields_),
    )


def append(entries: list[AuditEntry], **kwargs: Any) -> AuditEntry:
    """Append the next entry to an in-memory trail and return it (see `next_entry` for arguments)."""
    entry = next_entry(entries[-1] if entries else None, **kwargs)
    entries.append(entry)
    return entry


class ChainProblemKind(StrEnum):
    MALFORMED = "malformed"
    """An entry cannot be read (export only: bad JSON, not canonical, missing field)."""
    HASH_MISMATCH = "hash_mismatch"
    """The entry's fields do not hash to its stored hash: it was edited."""
    BROKEN_LINK = "broken_link"
    """`prev_hash` is not the hash of the entry before: one was removed, inserted or moved."""
    SEQUENCE = "sequence"
    """The sequence number is not the previous one plus one."""
    TRUNCATED = "truncated"
    """The trail ends before the anchor kept elsewhere."""
    HEAD_MISMATCH = "head_mismatch"
    """The entry at the anchor's position does not have the anchor's hash."""


_PROBLEM_TEXT: dict[ChainProblemKind, tuple[str, str]] = {
    ChainProblemKind.MALFORMED: ("entri ke-{index} tidak dapat dibaca: {detail}", "entry #{index} cannot be read: {detail}"),
    ChainProblemKind.HASH_MISMATCH: (
        "entri {seq} telah diubah (hash tidak cocok)",
        "entry {seq} has been altered (hash does not match)",
    ),
    ChainProblemKind.BROKEN_LINK: (
        "rantai terputus sebelum entri {seq}: ada entri yang dihapus, disisipkan, atau dipindah",
        "chain broken before entry {seq}: an entry was removed, inserted or moved",
    ),
    ChainProblemKind.SEQUENCE: (
        "nomor urut {seq} tidak sesuai (seharusnya {expected})",
        "sequence number {seq} is out of order (expected {expected})",
    ),
    ChainProblemKind.TRUNCATED: (
        "jejak audit berakhir di entri {seq}, padahal jangkar mencatat {expected}",
        "the audit trail ends at entry {seq} but the anchor records {expected}",
    ),
    ChainProblemKind.HEAD_MISMATCH: (
        "hash entri {seq} tidak sama dengan jangkar",
        "the hash of entry {seq} differs from the anchor",
    ),
}


@dataclass(frozen=True)
class ChainProblem:
    """One place the chain does not hold; `index` is the position in the list verified."""

    kind: ChainProblemKind
    index: int
    seq: int | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "id") -> str:
        pair = _PROBLEM_TEXT[self.kind]
        text = pair[1] if lang == "en" else pair[0]
        return text.format(index=self.index, seq=self.seq, **self.params)


def verify_chain(
    entries: Iterable[AuditEntry],
    *,
    after: AuditEntry | None = None,
    expected_count: int | None = None,
    expected_head: str | None = None,
) -> list[ChainProblem]:
    """Every problem in the trail; an empty list means it is intact.

    `after` is the (already verified) entry just before the first one given, so a long trail can be
    checked in pages or from a checkpoint; without it the first entry must be the genesis entry.
    `expected_count`/`expected_head` are an anchor kept outside the database: the trail must reach
    entry `expected_count` and, when `expected_head` is given, that entry (or the last, without a
    count) must carry that hash. Entries after the anchor are fine — the trail grows.
    """
    problems: list[ChainProblem] = []
    prev_seq = after.seq if after is not None else 0
    prev_hash = after.hash if after is not None else GENESIS
    last: AuditEntry | None = after
    anchored: AuditEntry | None = None
    for index, entry in enumerate(entries):
        if entry.seq != prev_seq + 1:
            problems.append(
                ChainProblem(ChainProblemKind.SEQUENCE, index, entry.seq, {"expected": prev_seq + 1})
            )
        if entry.prev_hash != prev_hash:
            problems.append(ChainProblem(ChainProblemKind.BROKEN_LINK, index, entry.seq))
        try:
            computed = chain_hash(entry.prev_hash, entry.fields())
        except (ValueError, TypeError) as exc:
            problems.append(ChainProblem(ChainProblemKind.MALFORMED, index, entry.seq, {"detail": str(exc)}))
        else:
            if computed != entry.hash:
                problems.append(ChainProblem(ChainProblemKind.HASH_MISMATCH, index, entry.seq))
        if expected_count is not None and entry.seq == expected_count and anchored is None:
            anchored = entry
        prev_seq, prev_hash, last = entry.seq, entry.hash, entry
    end = last.seq if last is not None else 0
    if expected_count is not None:
        if anchored is None and (last is None or last.seq < expected_count):
            problems.append(
                ChainProblem(ChainProblemKind.TRUNCATED, -1, end, {"expected": expected_count})
            )
        elif expected_head is not None and anchored is not None and anchored.hash != expected_head:
            problems.append(ChainProblem(ChainProblemKind.HEAD_MISMATCH, -1, anchored.seq))
    elif expected_head is not None and (last is None or last.hash != expected_head):
        problems.append(ChainProblem(ChainProblemKind.HEAD_MISMATCH, -1, end))
    return problems


# -- export: JSON Lines ----------------------------------------------------------------------------
_ENTRY_KEYS = ("action", "actor", "client", "details", "hash", "object_id", "object_type", "prev_hash", "seq", "timestamp")


def entry_to_json(entry: AuditEntry) -> bytes:
    """One entry as canonical JSON (one line), timestamp with its original offset."""
    return canonical_json(
        {
            "seq": entry.seq,
            "timestamp": _aware(entry.timestamp, "timestamp").isoformat(timespec="microseconds"),
            "actor": entry.actor,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "details": entry.details,
            "client": entry.client,
            "prev_hash": entry.prev_hash,
            "hash": entry.hash,
        }
    )


def _typed(data: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"{key} has the wrong type")
    return value


def entry_from_json(line: bytes) -> AuditEntry:
    """Read one exported entry. Strict: only the exact canonical bytes are accepted, so an export that
    was touched anywhere either fails here or yields different fields (which the chain then catches).
    """
    data = json.loads(line.decode("utf-8"))
    if not isinstance(data, dict) or tuple(sorted(data)) != _ENTRY_KEYS:
        raise ValueError("unexpected or missing keys")
    client = data["client"]
    if client is not None and not isinstance(client, str):
        raise ValueError("client has the wrong type")
    for key in ("hash", "prev_hash"):
        if not _HEX64.match(_typed(data, key, str)):
            raise ValueError(f"{key} is not a SHA-256 hex digest")
    entry = AuditEntry(
        seq=_typed(data, "seq", int),
        timestamp=_aware(dt.datetime.fromisoformat(_typed(data, "timestamp", str)), "timestamp"),
        actor=_typed(data, "actor", str),
        action=_typed(data, "action", str),
        object_type=_typed(data, "object_type", str),
        object_id=_typed(data, "object_id", str),
        details=_typed(data, "details", dict),
        client=client,
        prev_hash=data["prev_hash"],
        hash=data["hash"],
    )
    if entry_to_json(entry) != line:
        raise ValueError("not in canonical form")
    return entry


def dump_trail(entries: Iterable[AuditEntry]) -> bytes:
    """The trail as JSON Lines, for export and backup."""
    return b"".join(entry_to_json(e) + b"\n" for e in entries)


def load_trail(data: bytes) -> tuple[list[AuditEntry], list[ChainProblem]]:
    """Entries read from JSON Lines and the lines that could not be read (as MALFORMED problems)."""
    entries: list[AuditEntry] = []
    problems: list[ChainProblem] = []
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for index, line in enumerate(lines):
        try:
            entries.append(entry_from_json(line))
        except (ValueError, KeyError, TypeError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            problems.append(ChainProblem(ChainProblemKind.MALFORMED, index, None, {"detail": str(exc)[:120]}))
    return entries, problems


# -- signature of record ----------------------------------------------------------------------------
class SignatureMeaning(StrEnum):
    """What the signer declares by signing (the columns of the approval block)."""

    DISUSUN = "disusun"
    DIPERIKSA = "diperiksa"
    DISAHKAN = "disahkan"


_MEANING_TEXT: dict[SignatureMeaning, tuple[str, str]] = {
    SignatureMeaning.DISUSUN: ("Disusun", "Prepared"),
    SignatureMeaning.DIPERIKSA: ("Diperiksa", "Reviewed"),
    SignatureMeaning.DISAHKAN: ("Disahkan", "Approved"),
}

_ZONES = {7 * 60: "WIB", 8 * 60: "WITA", 9 * 60: "WIT"}


@dataclass(frozen=True)
class Signature:
    """A signature of record: who signed, in which capacity, when (with offset), meaning what, and
    the content hash of exactly what was signed."""

    name: str
    position: str
    nip: str | None
    signed_at: dt.datetime
    content_hash: str
    meaning: SignatureMeaning = SignatureMeaning.DISAHKAN

    def __post_init__(self) -> None:
        _aware(self.signed_at, "signed_at")
        if not _HEX64.match(self.content_hash):
            raise ValueError("content_hash must be a SHA-256 hex digest (64 lower-case hex digits)")
        if not self.name.strip() or not self.position.strip():
            raise ValueError("a signature needs the signer's name and position")
        object.__setattr__(self, "meaning", SignatureMeaning(self.meaning))


def _when(value: dt.datetime, lang: str) -> str:
    offset = value.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    utc = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    zone = f"{_ZONES[minutes]} ({utc})" if minutes in _ZONES else utc
    if lang == "en":
        return f"{long_date(value, 'en')} at {value:%H:%M:%S} {zone}"
    return f"{long_date(value, 'id')} pukul {value:%H.%M.%S} {zone}"


def signed_at_text(value: dt.datetime, lang: str = "id") -> str:
    """"2 Desember 2026 pukul 09.15.00 WIB (UTC+07:00)": a signing instant as printed."""
    return _when(_aware(value, "signed_at"), lang)


def signature_text(sig: Signature, lang: str = "id") -> str:
    """Two lines: meaning, name, position, NIP, date-time with offset; then the content hash.

    Plain text: HTML, PDF and DOCX renderers escape it like any other user text.
    """
    meaning = _MEANING_TEXT[sig.meaning][1 if lang == "en" else 0]
    nip = f", NIP {sig.nip}" if sig.nip else ""
    if lang == "en":
        first = f"{meaning} electronically by {sig.name}, {sig.position}{nip}, on {_when(sig.signed_at, lang)}"
        second = f"Content SHA-256: {sig.content_hash}"
    else:
        first = f"{meaning} secara elektronik oleh {sig.name}, {sig.position}{nip}, pada {_when(sig.signed_at, lang)}"
        second = f"Sidik isi SHA-256: {sig.content_hash}"
    return f"{first}\n{second}"


def signature_matches(sig: Signature, proc: Procedure) -> bool:
    """Whether `proc` is exactly the content `sig` was given for."""
    return sig.content_hash == content_hash(proc)
