"""Appending to the audit chain and checking it, with the core's hash chain (`prosedur.integrity`).

The table stores exactly the fields the core hashes (actor = user name, object type and id, details,
client address, UTC instant), so a trail exported from here verifies with the core's tools too.
`target_label` and the actor foreign key are display conveniences, copied into `details`/`actor`
where they matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from prosedur import integrity

from .models import AuditEntry, AuditHead

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


def audit_verify(lang: str = "en") -> ChainReport:
    """Walk the whole chain with the core's checker, anchored on the head row (catches cut-off tails)."""
    head = AuditHead.objects.filter(pk=1).first()
    rows = list(AuditEntry.objects.order_by("seq"))
    problems = integrity.verify_chain(
        (_core(r) for r in rows),
        expected_count=head.last_seq if head and head.last_seq else None,
        expected_head=head.last_hash if head and head.last_seq else None,
    )
    if problems:
        first = problems[0]
        return ChainReport(False, len(rows), first.seq, first.message(lang))
    return ChainReport(True, len(rows))
