"""The control record of a revision, built from what the lifecycle stored (see `prosedur.record`).

One home for the facts every issued copy prints: a signed revision's record is the snapshot stored
with its signature of record (names, jabatan and NIP as they were at signing); a revision still in
the lifecycle gets a pending record (its author and the reviewers who agreed so far, dates "diisi saat
pengesahan"); a revision imported from a library kept as files, with no signature here, prints what
its source records. Views, downloads, the verification page and exports all ask `revision_record`.

Also the list of everyone who wrote or submitted a revision (`contributors`): nobody in it may review
or sign it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.utils import timezone

from prosedur.record import ControlRecord, Origin, Party, pending_record, record_digest, record_from_source
from prosedur_web import services as core

from .models import Revision, Signature, SourceVersion


def version_record(*, revision: Revision, action: str, user: Any) -> SourceVersion:
    """Keep the source as it is now, who put it there and how (start, save, import, submit)."""
    return SourceVersion.objects.create(
        revision=revision, version=revision.version, action=action, yaml_source=revision.yaml_source,
        content_hash=revision.content_hash, user=user if getattr(user, "pk", None) else None,
    )


def contributors(revision: Revision) -> set[str]:
    """User names of everyone who started, saved, imported or submitted any version of the revision."""
    names = set(
        SourceVersion.objects.filter(revision=revision, user__isnull=False)
        .values_list("user__username", flat=True).distinct()
    )
    if revision.author_id is not None:
        names.add(revision.author.username)
    return names


def _party(meaning: str, user: Any, *, on: dt.date | None = None, at: dt.datetime | None = None) -> Party:
    from prosedur.integrity import SignatureMeaning

    return Party(meaning=SignatureMeaning(meaning), name=user.full_name or user.username,
                 position=user.position or "", nip=user.nip or "", on=on, at=at)


def _agreed(revision: Revision) -> tuple[Party, ...]:
    from prosedur_web.reviews.models import Decision, ReviewAssignment

    rows = (ReviewAssignment.objects.filter(revision=revision, round=revision.review_round, decision=Decision.AGREE)
            .select_related("reviewer").order_by("order", "decided_at", "pk"))
    return tuple(_party("diperiksa", a.reviewer,
                        at=timezone.localtime(a.decided_at).replace(microsecond=0) if a.decided_at else None)
                 for a in rows)


def _prepared(revision: Revision) -> Party | None:
    if revision.author is None:
        return None
    submitted = (SourceVersion.objects.filter(revision=revision, action=SourceVersion.Action.SUBMIT)
                 .order_by("-pk").values_list("at", flat=True).first())
    return _party("disusun", revision.author,
                  at=timezone.localtime(submitted).replace(microsecond=0) if submitted else None)


def signature_of_record(revision: Revision) -> Signature | None:
    return revision.signatures.filter(meaning="disahkan").order_by("-signed_at").first()


def revision_record(revision: Revision, *, verify_url: str | None = None) -> ControlRecord:
    """The record every copy of `revision` prints (see the module docstring)."""
    sig = signature_of_record(revision)
    if sig is not None and sig.record_facts:
        record = ControlRecord.from_facts(sig.record_facts, content_hash=sig.content_hash, verify_url=verify_url)
        # the next review moves with each recorded "reviewed, no change" (sms); the signed one was the plan
        return replace(record, review_due=revision.review_due or record.review_due)
    proc = core.parse_source(revision.yaml_source, revision.procedure.number)
    if sig is None and revision.status in ("effective", "obsolete"):
        # imported from a library kept as files: its source is its record
        months = core.library_info(_library_text()).review_interval_months
        return replace(record_from_source(proc, review_interval_months=months), verify_url=verify_url,
                       content_hash=revision.content_hash or None)
    return pending_record(proc, prepared=_prepared(revision), reviewed=_agreed(revision))


def signing_record(*, revision: Revision, proc: Any, approver: Any, at: dt.datetime, effective: dt.date,
                   content_hash: str) -> ControlRecord:
    """The record a signature of record fixes: issued today, effective and next review as chosen."""
    from prosedur.record import review_due_after

    months = core.library_info(_library_text()).review_interval_months
    pending = pending_record(proc, prepared=_prepared(revision), reviewed=_agreed(revision))
    return ControlRecord(
        revision=revision.number, origin=Origin.LIFECYCLE, issued=timezone.localdate(at), effective=effective,
        review_due=review_due_after(effective, months), prepared=pending.prepared, reviewed=pending.reviewed,
        approved=_party("disahkan", approver, at=at), change=pending.change, content_hash=content_hash,
    )


def integrity_problems(revision: Revision) -> list[str]:
    """What no longer holds for an issued revision: its stored source hashes to the content signed (or,
    for one imported unsigned, to the hash stored at import), and the stored record to the signed
    digest. Empty for a revision that is intact or still in the lifecycle before signing."""
    sig = signature_of_record(revision)
    if sig is None and revision.status not in ("approved", "effective", "obsolete"):
        return []
    try:
        actual = core.content_hash(core.parse_source(revision.yaml_source, revision.procedure.number))
    except Exception:  # noqa: BLE001 - a source that no longer parses is a tampered source
        actual = ""
    expected = sig.content_hash if sig is not None else revision.content_hash
    problems = []
    if actual != expected:
        problems.append("content")
    if revision.content_hash != expected:
        problems.append("revision_hash")
    if sig is not None and sig.record_facts:
        record = ControlRecord.from_facts(sig.record_facts)
        if record_digest(sig.content_hash, record) != sig.record_digest:
            problems.append("record")
        # review_due is not compared: a periodic review moves it after signing (and is audited)
        if record.effective != revision.effective_date or record.issued != revision.issued_date:
            problems.append("dates")
    return problems


def _library_text() -> str | None:
    from . import selectors

    return selectors.library_source_text()
