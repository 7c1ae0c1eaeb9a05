"""Appending to the audit chain and checking it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import AuditEntry, AuditHead

GENESIS = "0" * 64


def entry_digest(*, prev_hash: str, seq: int, at: str, actor_id: int | None, actor_name: str, action: str,
                 target_type: str, target_id: str, target_label: str, ip: str, data: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the entry's fields in canonical JSON (sorted keys)."""
    body = json.dumps(
        {
            "seq": seq, "at": at, "actor_id": actor_id, "actor_name": actor_name, "action": action,
            "target_type": target_type, "target_id": target_id, "target_label": target_label,
            "ip": ip, "data": data,
        },
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256((prev_hash + "\n" + body).encode()).hexdigest()


def _digest_of(entry: AuditEntry, prev_hash: str) -> str:
    return entry_digest(
        prev_hash=prev_hash, seq=entry.seq, at=entry.at.isoformat(), actor_id=entry.actor_id,
        actor_name=entry.actor_name, action=entry.action, target_type=entry.target_type,
        target_id=entry.target_id, target_label=entry.target_label, ip=entry.ip, data=entry.data,
    )


@transaction.atomic
def audit_append(*, actor: Any, action: str, target: Any = None, ip: str = "",
                 data: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry. Call inside the transaction of the change it records, so both or neither stay."""
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    # JSON round trip so the stored data hashes the same when read back.
    clean = json.loads(json.dumps(data or {}, default=str))
    entry = AuditEntry(
        seq=head.last_seq + 1,
        at=timezone.now().replace(microsecond=0),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor)[:200] if getattr(actor, "pk", None) else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        ip=ip[:64],
        data=clean,
        prev_hash=head.last_hash,
    )
    entry.hash = _digest_of(entry, head.last_hash)
    entry.save()
    head.last_seq, head.last_hash = entry.seq, entry.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    broken_at: int | None = None
    reason: str = ""


def audit_verify() -> ChainReport:
    """Walk the chain: every entry must link to the one before and hash to what it stores."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for entry in AuditEntry.objects.order_by("seq").iterator():
        if entry.seq != expected_seq:
            return ChainReport(False, count, entry.seq, f"gap: expected seq {expected_seq}")
        if entry.prev_hash != prev:
            return ChainReport(False, count, entry.seq, "prev_hash does not match the previous entry")
        if _digest_of(entry, prev) != entry.hash:
            return ChainReport(False, count, entry.seq, "content does not match its hash")
        prev = entry.hash
        expected_seq += 1
        count += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != count or head.last_hash != prev):
        return ChainReport(False, count, count + 1, "entries missing at the end of the chain")
    return ChainReport(True, count)
