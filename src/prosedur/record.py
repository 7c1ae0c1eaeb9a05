"""The control record of a revision: the facts every issued copy prints about its own issue.

ISO/TR 10013 asks that a procedure show "evidence of review and approval, status and date of
revision"; ISO/IEC 20000-1 7.5.3 that it be identified and controlled. Those facts — revision number,
Tgl. Terbit, Tanggal Efektif, the next review date, who prepared, reviewed and approved it (with
jabatan, NIP, date and time with zone, and the meaning of each signature), and this revision's row of
the change history — have one home: a `ControlRecord`. Every output (web page, PDF, DOCX, SOP sheet,
static site) prints them from the record handed to `document_view`, never from wherever a renderer
happens to look.

Where the record comes from:

* **The lifecycle** (`Origin.LIFECYCLE`): the web app builds it from what it stored — the author,
  the reviewers who agreed, the signature of record and the dates chosen at signing.
* **The lifecycle, not yet signed** (`Origin.PENDING`): a draft or a revision in review; the facts
  the signing fills are printed as "diisi saat pengesahan", never copied from the predecessor.
* **The source** (`Origin.SOURCE`): a library kept as files (the CLI, the static site) records its
  approval in the source itself (`approval`, `issued`, `effective`); `record_from_source` reads it.

`record_digest` binds the content hash and these facts together: the signature of record stores it,
so changing a date or a signer in the database afterwards is caught like a change of content.
`fresh_revision` is what starting a revision does to the source: every control fact emptied and a
change-history row created for the author to describe.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .integrity import SignatureMeaning, canonical_json
from .model import Approval, Change, Person, Procedure, Status

__all__ = [
    "ControlRecord",
    "Origin",
    "Party",
    "fresh_revision",
    "pending_record",
    "record_digest",
    "record_from_source",
    "review_due_after",
]

RECORD_FORMAT = "prosedur-record/1"


class Origin(StrEnum):
    LIFECYCLE = "lifecycle"
    """Signed in the lifecycle: the record is the evidence stored with the signature."""
    PENDING = "pending"
    """In the lifecycle, not yet signed: facts the signing fills are empty."""
    SOURCE = "source"
    """Read from a source file that records its own approval (or not)."""


@dataclass(frozen=True)
class Party:
    """One person of the approval block: Disusun, Diperiksa or Disahkan."""

    meaning: SignatureMeaning
    name: str
    position: str = ""
    nip: str = ""
    on: dt.date | None = None
    """The date, when only a date is known (a source, a review's day)."""
    at: dt.datetime | None = None
    """The instant with its UTC offset, for a signature of record."""

    @classmethod
    def from_facts(cls, data: dict[str, Any]) -> Party:
        return cls(
            meaning=SignatureMeaning(data["meaning"]), name=str(data["name"]), position=str(data.get("position", "")),
            nip=str(data.get("nip") or ""),
            on=dt.date.fromisoformat(data["on"]) if data.get("on") else None,
            at=dt.datetime.fromisoformat(data["at"]) if data.get("at") else None,
        )

    def facts(self) -> dict[str, Any]:
        return {
            "meaning": str(self.meaning), "name": self.name, "position": self.position, "nip": self.nip,
            "on": self.on.isoformat() if self.on else None,
            "at": self.at.isoformat(timespec="seconds") if self.at else None,
        }


@dataclass(frozen=True)
class ControlRecord:
    """The control facts of one revision (see the module docstring)."""

    revision: int
    origin: Origin
    issued: dt.date | None = None
    effective: dt.date | None = None
    review_due: dt.date | None = None
    prepared: Party | None = None
    reviewed: tuple[Party, ...] = ()
    approved: Party | None = None
    change: Change | None = None
    """This revision's row of the change history (date = the issue date once signed)."""
    content_hash: str | None = None
    """The canonical content hash the signature binds; None outside the lifecycle."""
    verify_url: str | None = None
    """The public verification link printed as a QR code; None when nothing can back it."""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def signed(self) -> bool:
        return self.approved is not None and (self.origin != Origin.PENDING)

    @classmethod
    def from_facts(cls, data: dict[str, Any], *, origin: Origin = Origin.LIFECYCLE, content_hash: str | None = None,
                   verify_url: str | None = None) -> ControlRecord:
        """The record back from `facts()` as it was stored with a signature."""
        def day(key: str) -> dt.date | None:
            value = data.get(key)
            return dt.date.fromisoformat(value) if value else None

        change = data.get("change")
        return cls(
            revision=int(data["revision"]), origin=origin, issued=day("issued"), effective=day("effective"),
            review_due=day("review_due"),
            prepared=Party.from_facts(data["prepared"]) if data.get("prepared") else None,
            reviewed=tuple(Party.from_facts(p) for p in data.get("reviewed") or ()),
            approved=Party.from_facts(data["approved"]) if data.get("approved") else None,
            change=None if not change else Change(revision=int(change["revision"]), change=str(change["change"]),
                                                  reason=str(change.get("reason") or "") or None),
            content_hash=content_hash, verify_url=verify_url,
        )

    def facts(self) -> dict[str, Any]:
        """Canonical, JSON-ready: what `record_digest` hashes."""
        change = self.change
        return {
            "revision": self.revision,
            "issued": self.issued.isoformat() if self.issued else None,
            "effective": self.effective.isoformat() if self.effective else None,
            "review_due": self.review_due.isoformat() if self.review_due else None,
            "prepared": self.prepared.facts() if self.prepared else None,
            "reviewed": [p.facts() for p in self.reviewed],
            "approved": self.approved.facts() if self.approved else None,
            "change": None if change is None else {
                "revision": change.revision, "change": change.change, "reason": change.reason or "",
            },
        }


def record_digest(content_hash: str, record: ControlRecord) -> str:
    """SHA-256 over the content hash and the record's facts: what the signature of record binds."""
    body = canonical_json({"format": RECORD_FORMAT, "content_hash": content_hash, "record": record.facts()})
    return hashlib.sha256(body).hexdigest()


def review_due_after(effective: dt.date, months: int) -> dt.date:
    """The next review: `months` after the effective date (the day kept, clamped to the month's end)."""
    year, month0 = divmod(effective.month - 1 + months, 12)
    month = month0 + 1
    next_month = dt.date(effective.year + year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return dt.date(effective.year + year, month, min(effective.day, last_day))


def _party(meaning: SignatureMeaning, person: Person | None) -> Party | None:
    if person is None:
        return None
    return Party(meaning=meaning, name=person.name, position=person.position, nip=person.nip or "", on=person.date)


def _this_change(proc: Procedure) -> Change | None:
    rows = [h for h in proc.history if h.revision == proc.revision]
    return rows[-1] if rows else None


def record_from_source(proc: Procedure, *, review_interval_months: int | None = None) -> ControlRecord:
    """The record a source file states about itself (a library kept as files, the CLI)."""
    review_due = proc.review_due
    if review_due is None and proc.effective is not None and review_interval_months:
        review_due = review_due_after(proc.effective, review_interval_months)
    return ControlRecord(
        revision=proc.revision,
        origin=Origin.SOURCE,
        issued=proc.issued,
        effective=proc.effective,
        review_due=review_due,
        prepared=_party(SignatureMeaning.DISUSUN, proc.approval.prepared),
        reviewed=tuple(p for p in (_party(SignatureMeaning.DIPERIKSA, r) for r in proc.approval.reviewed) if p),
        approved=_party(SignatureMeaning.DISAHKAN, proc.approval.approved),
        change=_this_change(proc),
    )


def source_records_approval(proc: Procedure) -> bool:
    """Whether a source is a controlled record on its own: in force, with its approval and issue written."""
    approved = proc.approval.approved
    return (proc.status == Status.EFFECTIVE and approved is not None and approved.date is not None
            and proc.issued is not None)


def pending_record(proc: Procedure, *, prepared: Party | None = None,
                   reviewed: tuple[Party, ...] = ()) -> ControlRecord:
    """A revision in the lifecycle before signing: dates and signer empty (filled at signing)."""
    return ControlRecord(revision=proc.revision, origin=Origin.PENDING, prepared=prepared, reviewed=reviewed,
                         change=_this_change(proc))


def fresh_revision(proc: Procedure, number: int) -> Procedure:
    """The source of a new revision `number` started from `proc`: status draft, every control fact
    (issue, effective and review dates, approval) emptied, and an empty change-history row for it."""
    history = [h for h in proc.history if h.revision != number]
    history.append(Change(revision=number))
    return proc.model_copy(update={
        "revision": number, "status": Status.DRAFT, "issued": None, "effective": None, "review_due": None,
        "approval": Approval(), "history": history,
    }, deep=True)
