"""Putting an exported audit trail back, verbatim, into an instance whose trail is empty.

Used by the whole-record restore (`procedures.restore.library_restore`), inside its transaction.
The entries keep their numbers, times, details and hashes, so the chain verifies exactly as it did
where it was exported (`verify_audit`), and the next `audit_append` continues it. Only an empty
trail can take them: the table is append-only, so entries already here could never be moved aside.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from prosedur import integrity

from .models import AuditEntry, AuditHead


class TrailNotRestorable(Exception):
    """The trail here is not empty, or the given entries do not form an intact chain."""


@transaction.atomic
def audit_trail_restore(entries: Sequence[integrity.AuditEntry], *, actors: Mapping[str, Any]) -> int:
    """Store `entries` (an intact chain from the genesis) as this instance's trail; returns how many.

    `actors` maps user names to users here: the actor column links to the user of that name when
    there is one (the hashed actor is the name, kept as it was either way).
    """
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    if head.last_seq or AuditEntry.objects.exists():
        raise TrailNotRestorable("the audit trail of this instance is not empty")
    problems = integrity.verify_chain(entries)
    if problems:
        raise TrailNotRestorable(problems[0].message("en"))
    rows = []
    for e in entries:
        details = dict(e.details)
        label = details.get("label", "")
        rows.append(AuditEntry(
            seq=e.seq, at=e.timestamp, actor=actors.get(e.actor) if e.actor else None, actor_name=e.actor,
            action=e.action, target_type=e.object_type, target_id=e.object_id,
            target_label=label[:200] if isinstance(label, str) else "", ip=e.client or "", data=details,
            prev_hash=e.prev_hash, hash=e.hash,
        ))
    AuditEntry.objects.bulk_create(rows, batch_size=1000)
    if entries:
        head.last_seq, head.last_hash = entries[-1].seq, entries[-1].hash
        head.save(update_fields=["last_seq", "last_hash"])
    return len(rows)
