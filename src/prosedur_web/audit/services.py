"""Appending to the audit chain and checking it, with the core's hash chain (`prosedur.integrity`).

The table stores exactly the fields the core hashes (actor = user name, object type and id, details,
client address, UTC instant), so a trail exported from here verifies with the core's tools too.
`target_label` and the actor foreign key are display conveniences, copied into `details`/`actor`
where they matter.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from prosedur import integrity

from .models import AuditCheckpoint, AuditEntry, AuditHead
from .texts import text

GENESIS = integrity.GENESIS


def _core(entry: AuditEntry) -> integrity.AuditEntry:
    return integrity.AuditEntry(
        seq=entry.seq, timestamp=entry.at, actor=entry.actor_name, action=entry.action,
        object_type=entry.target_type, object_id=entry.target_id, details=entry.data,
        client=entry.ip or None, prev_hash=entry.prev_hash, hash=entry.hash,
    )


@transaction.atomic
def audit_append(*, actor: Any, action: str, target: Any = None, ip: str = "",
                 data: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry. Call inside the transaction of the change it records, so both or neither stay.

    The head row is locked first, so concurrent appends queue up and form one chain on any database.
    """
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    last = AuditEntry.objects.filter(seq=head.last_seq).first() if head.last_seq else None
    details = dict(data or {})
    label = str(target)[:200] if target is not None else ""
    if label:
        details["label"] = label
    user = actor if getattr(actor, "pk", None) else None
    new = integrity.next_entry(
        _core(last) if last is not None else None,
        actor=user.get_username() if user is not None else "",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        details=details,
        client=ip[:64] or None,
        timestamp=timezone.now(),
    )
    entry = AuditEntry.objects.create(
        seq=new.seq, at=new.timestamp, actor=user, actor_name=new.actor, action=new.action,
        target_type=new.object_type, target_id=new.object_id, target_label=label, ip=new.client or "",
        data=dict(new.details), prev_hash=new.prev_hash, hash=new.hash,
    )
    head.last_seq, head.last_hash = entry.seq, entry.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    broken_at: int | None = None
    reason: str = ""
    problems: tuple[integrity.ChainProblem, ...] = ()
    last_seq: int = 0
    last_hash: str = GENESIS
    checked: int = 0
    """How many entries were hashed: all of them for a full walk, the new ones for an incremental one."""


_FIELDS = ("seq", "at", "actor_name", "action", "target_type", "target_id", "data", "ip", "prev_hash", "hash")


def _core_row(row: tuple[Any, ...]) -> integrity.AuditEntry:
    seq, at, actor, action, target_type, target_id, data, ip, prev_hash, hash_ = row
    return integrity.AuditEntry(seq=seq, timestamp=at, actor=actor, action=action, object_type=target_type,
                                object_id=target_id, details=data, client=ip or None, prev_hash=prev_hash,
                                hash=hash_)


def _rows(after_seq: int = 0) -> Iterator[integrity.AuditEntry]:
    """Entries after `after_seq` in order, read as plain rows in chunks (no model instances, bounded memory)."""
    query = AuditEntry.objects.filter(seq__gt=after_seq).order_by("seq").values_list(*_FIELDS)
    for row in query.iterator(chunk_size=5000):
        yield _core_row(row)


class _Last:
    """Passes entries through and remembers the last one (verify_chain takes an iterator)."""

    def __init__(self, entries: Iterator[integrity.AuditEntry], before: integrity.AuditEntry | None = None):
        self.entries, self.last, self.count = entries, before, 0

    def __iter__(self) -> Iterator[integrity.AuditEntry]:
        for entry in self.entries:
            self.last = entry
            self.count += 1
            yield entry


def _report(problems: list[integrity.ChainProblem], walked: _Last, lang: str, total: int) -> ChainReport:
    last_seq = walked.last.seq if walked.last is not None else 0
    last_hash = walked.last.hash if walked.last is not None else GENESIS
    if problems:
        first = problems[0]
        return ChainReport(False, total, first.seq, first.message(lang), tuple(problems), last_seq, last_hash,
                           walked.count)
    return ChainReport(True, total, problems=(), last_seq=last_seq, last_hash=last_hash, checked=walked.count)


def _head_problem(head: AuditHead | None, last_seq: int, last_hash: str, lang: str) -> str:
    head_seq, head_hash = (head.last_seq, head.last_hash) if head is not None else (0, GENESIS)
    if (head_seq, head_hash) != (last_seq, last_hash):
        return text("head_row", lang, head=head_seq, last=last_seq)
    return ""


def audit_verify(lang: str = "id", *, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Walk the whole chain with the core's checker.

    Anchored on `anchor` (seq, hash) when given, a head kept outside the database (`anchor.py`), and
    always on the head row: the row written with every append must name the last entry. The head row
    alone does not reveal a cut-off tail whose cutter also rewrote the row; the anchor does.
    """
    head = AuditHead.objects.filter(pk=1).first()
    if anchor is not None and anchor[0] > 0:
        expected_count, expected_head = anchor
    elif head is not None and head.last_seq:
        expected_count, expected_head = head.last_seq, head.last_hash
    else:
        expected_count, expected_head = None, None
    walked = _Last(_rows())
    problems = integrity.verify_chain(walked, expected_count=expected_count, expected_head=expected_head)
    report = _report(problems, walked, lang, walked.count)
    if report.ok and anchor is not None:
        reason = _head_problem(head, report.last_seq, report.last_hash, lang)
        if reason:
            return ChainReport(False, report.count, report.last_seq, reason, (), report.last_seq, report.last_hash,
                               report.checked)
    return report


def audit_verify_full(*, by: str = "", lang: str = "id", anchor: tuple[int, str] | None = None) -> ChainReport:
    """`audit_verify` of the whole chain, and its result kept as the checkpoint the page starts from."""
    report = audit_verify(lang, anchor=anchor)
    now = timezone.now()
    checkpoint, _ = AuditCheckpoint.objects.get_or_create(pk=1)
    checkpoint.full_at, checkpoint.full_by, checkpoint.verified_at = now, by[:150], now
    if report.ok:
        checkpoint.seq, checkpoint.hash = report.last_seq, report.last_hash
        checkpoint.broken_seq, checkpoint.broken_reason = None, ""
    else:
        checkpoint.broken_seq, checkpoint.broken_reason = report.broken_at or 0, report.reason[:300]
    checkpoint.save()
    return report


def audit_checkpoint() -> AuditCheckpoint:
    return AuditCheckpoint.objects.filter(pk=1).first() or AuditCheckpoint(pk=1)


def audit_verify_incremental(lang: str = "id") -> ChainReport:
    """Verify only the entries appended since the checkpoint, then move the checkpoint to the new head.

    Cheap checks stand in for the older entries: the checkpoint entry still carries the hash it was
    verified with, the head row names the last entry, and there are exactly as many entries as the
    last sequence number (the newer ones were walked, so none was removed below the checkpoint). An
    edit inside the older entries is what these miss; the daily full walk (`verify_audit`) and the
    auditor's full check on the page find it, and a break a full walk found stays reported until a
    full walk passes.
    """
    checkpoint = audit_checkpoint()
    head = AuditHead.objects.filter(pk=1).first()
    total = AuditEntry.objects.count()
    after: integrity.AuditEntry | None = None
    if checkpoint.seq:
        row = AuditEntry.objects.filter(seq=checkpoint.seq).values_list(*_FIELDS).first()
        after = _core_row(row) if row is not None else None
        if after is None or after.hash != checkpoint.hash:
            reason = text("checkpoint_changed", lang, seq=checkpoint.seq)
            return ChainReport(False, total, checkpoint.seq, reason, (), checkpoint.seq, checkpoint.hash, 0)
    walked = _Last(_rows(checkpoint.seq), after)
    has_head = head is not None and head.last_seq > 0
    problems = integrity.verify_chain(walked, after=after, expected_count=head.last_seq if has_head else None,
                                      expected_head=head.last_hash if has_head else None)
    report = _report(problems, walked, lang, total)
    if not report.ok:
        return report
    reason = _head_problem(head, report.last_seq, report.last_hash, lang)
    if not reason and total != report.last_seq:
        reason = text("count_gap", lang, n=total, seq=report.last_seq)
    if reason:
        return ChainReport(False, total, report.last_seq, reason, (), report.last_seq, report.last_hash, report.checked)
    if report.last_seq > checkpoint.seq:
        AuditCheckpoint.objects.get_or_create(pk=1)
        AuditCheckpoint.objects.filter(pk=1, seq__lte=report.last_seq).update(
            seq=report.last_seq, hash=report.last_hash, verified_at=timezone.now())
    if checkpoint.broken_seq is not None:  # a full walk found a break the incremental check cannot see
        return ChainReport(False, total, checkpoint.broken_seq, checkpoint.broken_reason, (), report.last_seq,
                           report.last_hash, report.checked)
    return report
