"""Lifecycle of a revision: edit, submit, approve (signature of record), take effect, revise.

Each service locks the rows it changes, asks the core lifecycle table (`prosedur_web.services.
lifecycle_plan`) whether the action is allowed, stores the result and appends an audit entry in the
same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from prosedur.errors import SourceError
from prosedur.model import Procedure as ProcModel
from prosedur_web import services as core
from prosedur_web.accounts import roles
from prosedur_web.accounts.models import Unit, User
from prosedur_web.accounts.services import login_is_locked, password_confirm
from prosedur_web.audit.services import audit_append
from prosedur_web.common.errors import ActionRefused, StaleRevision
from prosedur_web.common.labels import label as core_label

from . import records, selectors
from .models import LibrarySource, Procedure, Revision, RevisionStatus, Signature, SourceVersion

IN_PROGRESS = ("draft", "in_review", "approved")
MAX_EFFECTIVE_DAYS = 731  # an effective date more than two years ahead is a typing error


def _sort_key(number: str) -> str:
    import re

    return "".join(f"{int(p):08d}" if p.isdigit() else p for p in re.split(r"(\d+)", number))[:128]


def _states(procedure: Procedure) -> dict[int, str]:
    return dict(procedure.revisions.values_list("number", "status"))


def _apply(procedure: Procedure, changes: list[core.Change], *, actor: Any, ip: str, note: str = "") -> None:
    """Store the status changes the lifecycle plan returned, obsoleting before promoting; the people
    concerned are told of each (`distribution.notify`, with `note`: the reason or the reviewer's note)."""
    from prosedur_web.distribution import notify

    ordered = sorted(changes, key=lambda c: c.new != "obsolete")
    superseded: Revision | None = None
    for change in ordered:
        rev = Revision.objects.select_for_update().get(procedure=procedure, number=change.revision)
        rev.status = change.new
        rev.save(update_fields=["status", "updated_at"])
        audit_append(actor=actor, action=f"revision_{change.new}", target=rev, ip=ip,
                     data={"from": change.old, "to": change.new, "by_action": change.action})
        notify.status_changed(rev, old=change.old, new=change.new, action=change.action, actor=actor, note=note)
        if change.new == "obsolete":
            superseded = rev
        if change.new == "effective":
            _sync_procedure(procedure, rev)
            if superseded is not None:
                _carry_acknowledgements(superseded, rev, actor=actor, ip=ip)
            from prosedur_web.distribution.services import revision_distribute

            revision_distribute(revision=rev, actor=actor, ip=ip)


def _carry_acknowledgements(old: Revision, new: Revision, *, actor: Any, ip: str) -> None:
    """A minor revision keeps who has read the procedure; a major one asks everyone again (core rule)."""
    from prosedur_web.socialisation.models import Acknowledgement

    acks = {a.user.get_username(): a.user for a in old.acknowledgements.select_related("user")}
    kept = core.carry_acknowledgements(minor=new.minor, acknowledged=list(acks))
    for username in sorted(kept):
        Acknowledgement.objects.get_or_create(revision=new, user=acks[username])
    if kept:
        audit_append(actor=actor, action="acknowledgements_carried", target=new, ip=ip,
                     data={"from_revision": old.number, "users": sorted(kept)})


def _sync_procedure(procedure: Procedure, rev: Revision) -> None:
    """The master list shows the effective revision's title."""
    try:
        proc = core.parse_source(rev.yaml_source)
    except SourceError:
        return
    procedure.title = proc.title
    procedure.title_en = proc.title_en or ""
    procedure.save(update_fields=["title", "title_en"])


def _review_due(proc: ProcModel, effective: dt.date | None) -> dt.date | None:
    """For a revision imported from files: its source's date, else the library's interval after it took effect."""
    from prosedur.record import review_due_after

    if proc.review_due:
        return proc.review_due
    if effective is None:
        return None
    return review_due_after(effective, core.library_info(selectors.library_source_text()).review_interval_months)


# -- import (seed / migration of an existing library) ---------------------------------------------
@transaction.atomic
def library_import(*, yaml_source: str, actor: Any = None, ip: str = "",
                   confirm_units: str | None = None) -> LibrarySource:
    """Store the library file and create its units. Idempotent.

    A file that adds, renames or re-parents units (compared with the stored ones, see
    `library_units`) changes who may approve what: refused for anyone but the admin
    (`UnitChangesRefused` listing the changes), and for the admin until they confirm exactly that
    list (`confirm_units` = its token). The server operator (`actor=None`) is the admin. The changes
    applied are in the audit entry's details.
    """
    from .library_units import UnitChangesRefused, changes_token, may_change_units, unit_changes

    info = core.library_info(yaml_source)
    changes = unit_changes(yaml_source)
    if changes and not may_change_units(actor):
        raise UnitChangesRefused(changes, needs_confirmation=False)
    if changes and actor is not None and confirm_units != changes_token(changes):
        raise UnitChangesRefused(changes, needs_confirmation=True)
    src = LibrarySource.objects.order_by("-pk").first()
    new_file = src is None or src.yaml_source != yaml_source
    if src is None or new_file:
        src = LibrarySource.objects.create(yaml_source=yaml_source)
    for code, unit in info.units.items():
        Unit.objects.update_or_create(code=code, defaults={"name": unit.name, "name_en": unit.name_en or ""})
    for code, unit in info.units.items():
        if unit.parent:
            Unit.objects.filter(code=code).update(parent=Unit.objects.filter(code=unit.parent).first())
    if new_file or changes:  # the same file again after the units were edited puts them back: audited too
        data: dict[str, Any] = {"units": len(info.units)}
        if changes:
            data["unit_changes"] = [c.as_data() for c in changes]
        audit_append(actor=actor, action="library_import", target=src, ip=ip, data=data)
    return src


@transaction.atomic
def procedure_import(*, yaml_source: str, actor: Any = None, adopt: bool = False, ip: str = "") -> Revision:
    """One source file -> Procedure + Revision. Idempotent per (number, revision).

    An import never bypasses the lifecycle: the revision is a draft whatever status the source names
    (the source is kept byte for byte: status is lifecycle state, not content, so the content hash
    is the same), and approval goes through review and signing. It is refused while the procedure
    has a revision in progress or a newer one (one draft at a time, as `revision_start`).

    `adopt=True` is the server operator's path for taking over a library kept as files at first
    install (`manage.py import_library --adopt`, `seed_demo`, test fixtures): the source's status is
    kept, audited as adopted with its content hash, and refused when the procedure already has an
    effective revision here.
    """
    proc = core.parse_source(yaml_source)
    unit, _ = Unit.objects.get_or_create(code=proc.owner or "tanpa_unit", defaults={"name": proc.owner or "-"})
    procedure, created = Procedure.objects.get_or_create(
        number=proc.number,
        defaults={"title": proc.title, "title_en": proc.title_en or "", "owner_unit": unit,
                  "sort_key": _sort_key(proc.number)},
    )
    existing = procedure.revisions.filter(number=proc.revision).first()
    if existing is not None:
        return existing
    source_status = str(proc.status)
    if adopt:
        if procedure.revisions.filter(status=RevisionStatus.EFFECTIVE).exists():
            raise ActionRefused.of("err_adopt_has_effective", number=proc.number, revision=proc.revision)
        status = source_status
    else:
        if procedure.revisions.filter(status__in=IN_PROGRESS).exists():
            raise ActionRefused.of("err_import_in_progress", number=proc.number, revision=proc.revision)
        if procedure.revisions.filter(number__gt=proc.revision).exists():
            raise ActionRefused.of("err_import_older", number=proc.number, revision=proc.revision)
        status = RevisionStatus.DRAFT
    issued = status in ("approved", "effective", "obsolete")
    rev = Revision.objects.create(
        procedure=procedure, number=proc.revision, status=status, yaml_source=yaml_source,
        content_hash=core.content_hash(proc), effective_date=proc.effective if issued else None,
        issued_date=proc.issued if issued else None,
        review_due=_review_due(proc, proc.effective) if issued else None,
    )
    records.version_record(revision=rev, action=SourceVersion.Action.IMPORT, user=actor)
    if status == "effective":
        _sync_procedure(procedure, rev)
    data: dict[str, Any] = {"status": rev.status}
    if adopt:
        data.update(adopted=True, content_hash=rev.content_hash)
    elif source_status != rev.status:
        data["source_status"] = source_status
    audit_append(actor=actor, action="revision_import", target=rev, ip=ip, data=data)
    return rev


# -- editing ---------------------------------------------------------------------------------------
@transaction.atomic
def revision_save_source(*, revision: Revision, user: User, text: str, base_version: int, ip: str = "") -> Revision:
    """Save a draft's YAML source.

    Refused (nothing stored) when the text does not parse (`SourceError` with line numbers), when the
    number or revision changed, or when someone saved since `base_version` (`StaleRevision`).
    """
    rev = Revision.objects.select_for_update().select_related("procedure").get(pk=revision.pk)
    if not roles.can_edit_revision(user, rev):
        raise ActionRefused.of("err_not_draft" if rev.status != "draft" else "forbidden")
    if rev.version != base_version:
        raise StaleRevision()
    text = text.replace("\r\n", "\n")
    proc = core.parse_source(text)
    if proc.number != rev.procedure.number:
        raise ActionRefused.of("err_number_changed", number=rev.procedure.number)
    if proc.revision != rev.number:
        raise ActionRefused.of("err_revision_mismatch", expected=rev.number)
    before = [h for h in core.parse_source(rev.yaml_source, rev.procedure.number).history if h.revision < rev.number]
    if [h for h in proc.history if h.revision < rev.number] != before:  # earlier revisions' rows are history
        raise ActionRefused.of("err_history_rewritten", revision=rev.number)
    rev.yaml_source = text
    rev.content_hash = core.content_hash(proc)
    rev.version += 1
    if rev.author_id is None:
        rev.author = user
    rev.save()
    records.version_record(revision=rev, action=SourceVersion.Action.SAVE, user=user)
    audit_append(actor=user, action="revision_edit", target=rev, ip=ip,
                 data={"version": rev.version, "content_hash": rev.content_hash})
    return rev


# -- submit ----------------------------------------------------------------------------------------
@transaction.atomic
def revision_submit(*, revision: Revision, user: User, reviewers: list[User], sequential: bool = False,
                    ip: str = "") -> Revision:
    """Draft -> in review, with one review request per reviewer (in parallel or in the given order)."""
    from prosedur_web.reviews.models import ReviewAssignment

    rev = Revision.objects.select_for_update().select_related("procedure").get(pk=revision.pk)
    if not roles.can_edit_revision(user, rev):
        raise ActionRefused.of("err_not_draft" if rev.status != "draft" else "forbidden")
    if not reviewers:
        raise ActionRefused.of("err_no_reviewers")
    writers = records.contributors(rev) | {user.username}
    if any(r.username in writers for r in reviewers):
        raise ActionRefused.of("err_author_reviewer")
    from prosedur_web.reviews.selectors import reviewer_candidates

    allowed = set(reviewer_candidates(rev).values_list("pk", flat=True))
    outside = [r for r in reviewers if r.pk not in allowed]
    if outside:
        raise ActionRefused.of("err_reviewer_not_involved", names=", ".join(r.full_name or r.username for r in outside))
    proc = core.parse_source(rev.yaml_source)
    changes = core.lifecycle_plan(_states(rev.procedure), rev.number, "submit",
                                  history=core.described_revisions(proc))
    rev.review_round += 1
    rev.review_sequential = sequential
    rev.save(update_fields=["review_round", "review_sequential", "updated_at"])
    for i, reviewer in enumerate(reviewers, start=1):
        ReviewAssignment.objects.create(revision=rev, round=rev.review_round, reviewer=reviewer,
                                        order=i if sequential else 0)
        reviewer.__dict__.pop("_prosedur_assigned", None)  # roles.is_assigned_reviewer reads them again
    _apply(rev.procedure, changes, actor=user, ip=ip)
    records.version_record(revision=rev, action=SourceVersion.Action.SUBMIT, user=user)
    audit_append(actor=user, action="revision_submit", target=rev, ip=ip,
                 data={"reviewers": [r.username for r in reviewers], "sequential": sequential,
                       "round": rev.review_round})
    rev.refresh_from_db()
    return rev


# -- approve ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ApprovalFacts:
    open_comments: int
    reviewers: list[str]
    agreed: list[str]
    lint_errors: int


def approval_facts(rev: Revision, proc: ProcModel, *, lint: bool = True) -> ApprovalFacts:
    """Reviews, open comments and (unless `lint=False`) the linter's error count against the library."""
    from prosedur_web.reviews.models import Comment, Decision, ReviewAssignment

    assignments = ReviewAssignment.objects.filter(revision=rev, round=rev.review_round).select_related("reviewer")
    return ApprovalFacts(
        open_comments=Comment.objects.filter(revision=rev, resolved=False, parent__isnull=True).count(),
        reviewers=[a.reviewer.username for a in assignments],
        agreed=[a.reviewer.username for a in assignments if a.decision == Decision.AGREE],
        lint_errors=core.lint_error_count(proc, selectors.library_with(proc)) if lint else 0,
    )


class SignedContentChanged(ActionRefused):
    """The content changed since the approver opened the signing form: nothing is signed, and the
    approver is shown what changed between what they read (`shown`) and what is there now."""

    def __init__(self, *, shown_source: str | None, current_source: str):
        super().__init__([lambda lang: core_label("err_signed_content_changed", lang)])
        self.shown_source = shown_source
        self.current_source = current_source


def revision_approve(*, revision: Revision, approver: User, password: str, effective_date: dt.date,
                     ip: str = "", today: dt.date | None = None, shown_hash: str | None = None) -> Revision:
    """Sign (disahkan) and approve; effective at once when its date has come, else on that date.

    The password is re-checked first and outside the approval's transaction, so a failure is kept
    (it counts towards the login throttle's growing delay and is audited) although the approval is refused. The
    signature stores name, position and NIP as they are now, the time with its offset, and the
    content hash signed.
    """
    if not roles.can_approve(approver, revision):
        raise ActionRefused.of("forbidden")
    from prosedur_web.common import signing

    signing.signing_identity()  # its issued PDFs could not be signed: refused before anything is stored
    if login_is_locked(username=approver.username, ip=ip):
        raise ActionRefused.of("err_locked")
    if not password_confirm(user=approver, password=password, ip=ip):
        audit_append(actor=approver, action="signature_failed", target=revision, ip=ip)
        raise ActionRefused.of("err_bad_password")
    checked = _approval_prepare(revision)
    if shown_hash is not None and shown_hash != checked.content_hash:
        shown = (SourceVersion.objects.filter(revision=revision, content_hash=shown_hash)
                 .order_by("-pk").values_list("yaml_source", flat=True).first())
        audit_append(actor=approver, action="signature_refused_changed", target=revision, ip=ip,
                     data={"shown": shown_hash, "current": checked.content_hash})
        raise SignedContentChanged(shown_source=shown, current_source=checked.yaml_source)
    return _revision_sign(revision=revision, approver=approver, effective_date=effective_date, ip=ip,
                          today=today, checked=checked)


@dataclass(frozen=True)
class _Prepared:
    """The read-only part of signing, done before the write lock: on SQLite the IMMEDIATE transaction
    holds the database's only write lock, and every other writer (signers, session saves) waits for it."""

    version: int
    yaml_source: str
    proc: ProcModel
    content_hash: str
    library: str
    lint_errors: int


def _approval_prepare(revision: Revision) -> _Prepared:
    rev = Revision.objects.get(pk=revision.pk)
    proc = core.parse_source(rev.yaml_source)
    library = selectors.library_fingerprint()
    lint_errors = core.lint_error_count(proc, selectors.library_with(proc))
    return _Prepared(rev.version, rev.yaml_source, proc, core.content_hash(proc), library, lint_errors)


@transaction.atomic
def _revision_sign(*, revision: Revision, approver: User, effective_date: dt.date, ip: str,
                   today: dt.date | None, checked: _Prepared) -> Revision:
    rev = Revision.objects.select_for_update().select_related("procedure").get(pk=revision.pk)
    if rev.version != checked.version or rev.yaml_source != checked.yaml_source:
        raise ActionRefused.of("err_stale")  # changed since the checks: the approver re-reads it
    today = today or timezone.localdate()
    if effective_date < today:
        raise ActionRefused.of("err_effective_past")
    if effective_date > today + dt.timedelta(days=MAX_EFFECTIVE_DAYS):
        raise ActionRefused.of("err_effective_far", days=MAX_EFFECTIVE_DAYS)
    proc = checked.proc
    facts = approval_facts(rev, proc, lint=False)
    lint_errors = checked.lint_errors
    if selectors.library_fingerprint() != checked.library:  # another procedure took effect meanwhile
        lint_errors = core.lint_error_count(proc, selectors.library_with(proc))
    changes = core.lifecycle_plan(
        _states(rev.procedure), rev.number, "approve",
        actor=approver.username, author=rev.author.username if rev.author else "",
        contributors=sorted(records.contributors(rev)),
        history=core.described_revisions(proc), reviewers=facts.reviewers, agreed=facts.agreed,
        open_comments=facts.open_comments, lint_errors=lint_errors,
        effective_date=effective_date, today=today,
    )
    signed_hash = checked.content_hash
    now = timezone.localtime()
    core.signature_of_record(name=approver.full_name or approver.username, position=approver.position or "-",
                             nip=approver.nip, signed_at=now, content_hash=signed_hash)
    record = records.signing_record(revision=rev, proc=proc, approver=approver, at=now.replace(microsecond=0),
                                    effective=effective_date, content_hash=signed_hash)
    digest = core.record_digest(signed_hash, record)
    Signature.objects.create(
        revision=rev, signer=approver, name=approver.full_name or approver.username,
        position=approver.position or "-", nip=approver.nip, signed_at=now,
        signed_at_text=now.isoformat(timespec="seconds"), meaning="disahkan", content_hash=signed_hash,
        record_facts=record.facts(), record_digest=digest,
    )
    rev.content_hash = signed_hash
    rev.issued_date = record.issued
    rev.effective_date = record.effective
    rev.review_due = record.review_due
    rev.save(update_fields=["content_hash", "issued_date", "effective_date", "review_due", "updated_at"])
    audit_append(actor=approver, action="revision_sign", target=rev, ip=ip,
                 data={"meaning": "disahkan", "content_hash": signed_hash, "effective_date": effective_date,
                       "record_digest": digest})
    _apply(rev.procedure, changes, actor=approver, ip=ip)
    rev.refresh_from_db()
    return rev


def revision_approval_blockers(*, revision: Revision, approver: User, lang: str = "id") -> list[str]:
    """What stands between this revision and approval by `approver`, without changing anything."""
    try:
        proc = core.parse_source(revision.yaml_source)
    except SourceError:
        return [core_label("err_source_invalid", lang)]
    facts = approval_facts(revision, proc)
    reasons = core.lifecycle_blockers(
        _states(revision.procedure), revision.number, "approve",
        actor=approver.username, author=revision.author.username if revision.author else "",
        contributors=sorted(records.contributors(revision)),
        history=core.described_revisions(proc), reviewers=facts.reviewers, agreed=facts.agreed,
        open_comments=facts.open_comments, lint_errors=facts.lint_errors,
        effective_date=timezone.localdate(), today=timezone.localdate(),
    )
    return [r(lang) for r in reasons]


@transaction.atomic
def revisions_activate_due(*, today: dt.date | None = None) -> list[Revision]:
    """Approved revisions whose effective date has come take effect (run daily, and on each list view)."""
    today = today or timezone.localdate()
    done = []
    for rev in Revision.objects.select_for_update().filter(status=RevisionStatus.APPROVED, effective_date__lte=today):
        problems = records.integrity_problems(rev)
        if problems:  # edited since it was signed: it does not take effect, and it is reported
            audit_append(actor=None, action="integrity_mismatch", target=rev,
                         data={"problems": problems, "during": "make_effective"})
            continue
        changes = core.lifecycle_plan(_states(rev.procedure), rev.number, "make_effective",
                                      effective_date=rev.effective_date, today=today)
        _apply(rev.procedure, changes, actor=None, ip="")
        done.append(rev)
    return done


# -- start a new revision --------------------------------------------------------------------------
@transaction.atomic
def revision_start(*, procedure: Procedure, user: User, minor: bool = False, ip: str = "") -> Revision:
    """A new draft (revision + 1) copied from the effective revision, with its control facts emptied
    (the signing fills them) and an empty change-history row the author describes before submitting."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if not roles.can_start_revision(user, procedure):
        raise ActionRefused.of("forbidden")
    states = _states(procedure)
    effective = procedure.revisions.filter(status=RevisionStatus.EFFECTIVE).first()
    if effective is None:
        raise ActionRefused.of("err_no_effective")
    changes = core.lifecycle_plan(states, effective.number, "start_revision", kind="minor" if minor else "major")
    number = changes[0].revision
    fresh = core.fresh_revision(core.parse_source(effective.yaml_source, procedure.number), number)
    text = core.serialize_procedure(fresh)
    rev = Revision.objects.create(
        procedure=procedure, number=number, status=RevisionStatus.DRAFT, yaml_source=text,
        content_hash=core.content_hash(core.parse_source(text)), author=user, minor=minor,
    )
    records.version_record(revision=rev, action=SourceVersion.Action.START, user=user)
    audit_append(actor=user, action="revision_start", target=rev, ip=ip,
                 data={"from_revision": effective.number, "minor": minor})
    return rev
