"""Taking things back: withdraw a submission, send back, discard a draft, cancel an approval, withdraw
(cabut) a procedure.

Without these a revision could get stuck for good (all reviewers agreed and nobody can stop it, an
abandoned draft blocks every new revision, a procedure cannot end without a successor). Each service
checks who may act here, asks the core lifecycle table whether the move is allowed (its guards want a
reason, a date, the author), stores it and audits it with the reason, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from prosedur_web import services as core
from prosedur_web.accounts import roles
from prosedur_web.accounts.models import User
from prosedur_web.audit.services import audit_append
from prosedur_web.common.errors import ActionRefused

from . import records
from .models import Procedure, Revision, RevisionStatus
from .services import _apply, _states

REASON_MAX = 2000


def _locked(revision: Revision) -> Revision:
    return Revision.objects.select_for_update(of=("self",)).select_related("procedure__owner_unit", "author").get(
        pk=revision.pk)  # of=self: PostgreSQL refuses FOR UPDATE on the nullable author join


def _act(rev: Revision, user: User, action: str, reason: str, ip: str, **facts: Any) -> Revision:
    reason = reason.strip()[:REASON_MAX]
    changes = core.lifecycle_plan(_states(rev.procedure), rev.number, action, actor=user.username,
                                  comment=reason, **facts)
    _apply(rev.procedure, changes, actor=user, ip=ip, note=reason)
    audit_append(actor=user, action=f"revision_{action}", target=rev, ip=ip,
                 data={"reason": reason, **{k: str(v) for k, v in facts.items() if k != "contributors"}})
    rev.refresh_from_db()
    return rev


def may_withdraw_submission(user: Any, rev: Revision) -> bool:
    return rev.status == RevisionStatus.IN_REVIEW and roles.has_role(user, roles.Role.AUTHOR) and (
        user.username in records.contributors(rev))


def may_send_back(user: Any, rev: Revision) -> bool:
    return rev.status == RevisionStatus.IN_REVIEW and roles.can_approve(user, rev)


def may_discard(user: Any, rev: Revision) -> bool:
    return rev.status == RevisionStatus.DRAFT and (
        roles.can_edit_revision(user, rev) or roles.has_role(user, roles.Role.CONTROLLER))


def may_cancel(user: Any, rev: Revision) -> bool:
    return rev.status == RevisionStatus.APPROVED and (
        roles.can_approve(user, rev) or roles.has_role(user, roles.Role.CONTROLLER))


def may_withdraw_procedure(user: Any, procedure: Procedure) -> bool:
    return roles.has_role(user, roles.Role.CONTROLLER, roles.Role.ADMIN) and procedure.revisions.filter(
        status=RevisionStatus.EFFECTIVE).exists()


@transaction.atomic
def revision_withdraw_submission(*, revision: Revision, user: User, reason: str = "", ip: str = "") -> Revision:
    """The author takes a revision back from review (in review -> draft); the review round ends."""
    rev = _locked(revision)
    if not may_withdraw_submission(user, rev):
        raise ActionRefused.of("err_not_in_review" if rev.status != RevisionStatus.IN_REVIEW else "forbidden")
    return _act(rev, user, "withdraw_submission", reason, ip, author=rev.author.username if rev.author else None,
                contributors=sorted(records.contributors(rev)))


@transaction.atomic
def revision_send_back(*, revision: Revision, user: User, reason: str, ip: str = "") -> Revision:
    """The approving official returns it to the author with a reason (in review -> draft), even after
    every reviewer agreed."""
    rev = _locked(revision)
    if not may_send_back(user, rev):
        raise ActionRefused.of("err_not_in_review" if rev.status != RevisionStatus.IN_REVIEW else "forbidden")
    return _act(rev, user, "send_back", reason, ip)


@transaction.atomic
def revision_discard(*, revision: Revision, user: User, reason: str, ip: str = "") -> Revision:
    """A draft that will not be pursued ends as cancelled; a new revision can then be started."""
    rev = _locked(revision)
    if not may_discard(user, rev):
        raise ActionRefused.of("err_not_draft" if rev.status != RevisionStatus.DRAFT else "forbidden")
    return _act(rev, user, "discard", reason, ip)


@transaction.atomic
def revision_cancel(*, revision: Revision, user: User, reason: str, ip: str = "") -> Revision:
    """An approved revision that has not taken effect is cancelled (a wrong effective date, a change
    of plan); its signature stays on record, its copies say DIBATALKAN."""
    rev = _locked(revision)
    if not may_cancel(user, rev):
        raise ActionRefused.of("err_not_approved" if rev.status != RevisionStatus.APPROVED else "forbidden")
    return _act(rev, user, "cancel", reason, ip)


@transaction.atomic
def procedure_withdraw(*, procedure: Procedure, user: User, reason: str, withdrawn_on: dt.date | None,
                       ip: str = "") -> Revision:
    """Cabut: the effective revision becomes obsolete per the date, with no successor; everyone it was
    distributed to is told. A revision still in progress must be discarded or cancelled first."""
    proc = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if not may_withdraw_procedure(user, proc):
        raise ActionRefused.of("forbidden" if proc.revisions.filter(status=RevisionStatus.EFFECTIVE).exists()
                               else "err_nothing_in_force")
    rev = _locked(proc.revisions.get(status=RevisionStatus.EFFECTIVE))
    rev = _act(rev, user, "withdraw_procedure", reason, ip, withdrawn_on=withdrawn_on,
               today=timezone.localdate())
    proc.withdrawn_on = withdrawn_on
    proc.withdrawn_reason = reason.strip()[:REASON_MAX]
    proc.save(update_fields=["withdrawn_on", "withdrawn_reason"])
    from prosedur_web.distribution.services import revision_withdrawn_notify

    revision_withdrawn_notify(revision=rev, actor=user, ip=ip)
    return rev
