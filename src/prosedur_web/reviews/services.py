"""Reviewers decide (setuju / perlu perbaikan) and comment; authors reply and resolve."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from prosedur_web import services as core
from prosedur_web.accounts import roles
from prosedur_web.accounts.models import User
from prosedur_web.audit.services import audit_append
from prosedur_web.common.errors import ActionRefused
from prosedur_web.procedures.models import Revision
from prosedur_web.procedures.services import _apply, _states

from .models import Comment, Decision, ReviewAssignment


@transaction.atomic
def review_decide(*, revision: Revision, reviewer: User, decision: str, note: str = "", ip: str = "") -> ReviewAssignment:
    """Record one reviewer's decision. "Perlu perbaikan" sends the revision back to draft."""
    rev = Revision.objects.select_for_update().select_related("procedure").get(pk=revision.pk)
    if rev.status != "in_review":
        raise ActionRefused.of("err_not_in_review")
    assignment = (
        ReviewAssignment.objects.select_for_update()
        .filter(revision=rev, round=rev.review_round, reviewer=reviewer).first()
    )
    if assignment is None or not roles.can_review(reviewer, rev):
        raise ActionRefused.of("err_not_assigned")
    from prosedur_web.procedures.records import contributors

    if reviewer.username in contributors(rev):  # wrote or submitted a version since being assigned
        raise ActionRefused.of("err_author_reviewer")
    if assignment.decision:
        raise ActionRefused.of("err_already_decided")
    if assignment.order > 0 and ReviewAssignment.objects.filter(
        revision=rev, round=rev.review_round, order__lt=assignment.order, decision=Decision.PENDING
    ).exists():
        raise ActionRefused.of("err_not_your_turn")
    if decision not in (Decision.AGREE, Decision.CHANGES):
        raise ActionRefused.of("decision")
    if decision == Decision.CHANGES:
        open_comments = Comment.objects.filter(revision=rev, resolved=False, parent__isnull=True).count()
        changes = core.lifecycle_plan(_states(rev.procedure), rev.number, "request_changes",
                                      comment=note, open_comments=open_comments)
    assignment.decision = decision
    assignment.note = note
    assignment.decided_at = timezone.now()
    assignment.save()
    audit_append(actor=reviewer, action=f"review_{decision}", target=rev, ip=ip,
                 data={"round": rev.review_round, "note": note})
    if decision == Decision.CHANGES:
        _apply(rev.procedure, changes, actor=reviewer, ip=ip, note=note)
    else:
        from prosedur_web.distribution import notify

        notify.review_decided(rev, reviewer=reviewer, agreed=True)
    return assignment


@transaction.atomic
def comment_create(*, revision: Revision, author: User, text: str, anchor: str = "",
                   parent: Comment | None = None, ip: str = "") -> Comment:
    rev = Revision.objects.select_related("procedure").get(pk=revision.pk)
    if not roles.can_comment(author, rev):
        raise ActionRefused.of("forbidden")
    if parent is not None and parent.revision_id != rev.pk:
        raise ActionRefused.of("forbidden")
    comment = Comment.objects.create(revision=rev, author=author, text=text.strip(), anchor=anchor[:64],
                                     parent=parent)
    audit_append(actor=author, action="comment_create", target=rev, ip=ip,
                 data={"comment": comment.pk, "anchor": anchor, "reply_to": parent.pk if parent else None})
    return comment


def can_resolve(user: Any, comment: Comment) -> bool:
    rev = comment.revision
    return roles.can_comment(user, rev) and (comment.author_id == user.pk or rev.author_id == user.pk
                                             or roles.is_overseer(user))


@transaction.atomic
def comment_resolve(*, comment: Comment, user: User, ip: str = "") -> Comment:
    comment = Comment.objects.select_for_update().select_related("revision__procedure").get(pk=comment.pk)
    if not can_resolve(user, comment):
        raise ActionRefused.of("forbidden")
    comment.resolved = True
    comment.save(update_fields=["resolved"])
    audit_append(actor=user, action="comment_resolve", target=comment.revision, ip=ip,
                 data={"comment": comment.pk})
    return comment
