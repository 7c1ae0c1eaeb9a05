"""Who is told of each step of the lifecycle, and the reminders.

`status_changed` is called by `procedures.services._apply` for every stored status change (the one place
they are stored), `review_decided` by `reviews.services.review_decide` for a decision that changes no
status. Each makes in-app notifications (`services.notify`) whose e-mail the task queue sends after commit.

| event | who |
|---|---|
| submitted (in review) | each reviewer whose turn it is (all at once, or the first of a sequential review) |
| a reviewer agreed | the author; the next reviewer of a sequential review; the unit's approvers when all agreed |
| changes requested, sent back | the author, with the reviewer's note or the approver's reason |
| approved, effective | the author (readers: distribution, `services.revision_distribute`) |
| withdrawn (dicabut) | everyone it was distributed to (`services.revision_withdrawn_notify`) |

`send_reminders` (the daily `manage.py send_reminders`) reminds readers who have not acknowledged a revision
`reminders.acknowledge_days` after it was distributed to them, and reviewers who have not decided
`reminders.review_days` after their turn came (pustaka.yaml), then again every as many days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from prosedur_web import services as core
from prosedur_web.accounts.models import User
from prosedur_web.accounts.roles import Role
from prosedur_web.audit.services import audit_append
from prosedur_web.procedures import selectors
from prosedur_web.procedures.models import Revision, RevisionStatus

from .models import Notification
from .services import notify

Kind = Notification.Kind


def _author(rev: Revision, actor: Any) -> list[User]:
    author = rev.author
    if author is None or not author.is_active or getattr(actor, "pk", None) == author.pk:
        return []
    return [author]


def turn_holders(rev: Revision) -> list[User]:
    """The reviewers of the current round who may decide now and have not."""
    from prosedur_web.reviews.models import Decision, ReviewAssignment

    earlier = ReviewAssignment.objects.filter(revision=rev, round=rev.review_round, order__lt=OuterRef("order"),
                                              decision=Decision.PENDING)
    return [a.reviewer for a in ReviewAssignment.objects.filter(revision=rev, round=rev.review_round,
                                                                 decision=Decision.PENDING)
            .filter(~Exists(earlier)).select_related("reviewer__unit") if a.reviewer.is_active]


def approvers_of(rev: Revision) -> list[User]:
    """Active approvers whose unit is the owner unit or above it (roles.can_approve), not the author."""
    chain = [u.pk for u in rev.procedure.owner_unit.ancestors_and_self()]
    return list(User.objects.filter(is_active=True, unit_id__in=chain, groups__name=Role.APPROVER.value)
                .exclude(pk=rev.author_id or 0).distinct().select_related("unit"))


def status_changed(rev: Revision, *, old: str | None, new: str, action: str, actor: Any, note: str = "") -> None:
    rnd = f"r{rev.review_round}"
    if new == RevisionStatus.IN_REVIEW:
        notify(turn_holders(rev), rev, Kind.REVIEW_REQUESTED, key=rnd, actor=actor)
    elif new == RevisionStatus.DRAFT and old == RevisionStatus.IN_REVIEW and action in ("request_changes", "send_back"):
        kind = Kind.CHANGES_REQUESTED if action == "request_changes" else Kind.SENT_BACK
        notify(_author(rev, actor), rev, kind, key=rnd, actor=actor, note=note)
    elif new == RevisionStatus.APPROVED:
        notify(_author(rev, actor), rev, Kind.APPROVED, actor=actor)
    elif new == RevisionStatus.EFFECTIVE:
        notify(_author(rev, None), rev, Kind.EFFECTIVE, actor=actor)


def review_decided(rev: Revision, *, reviewer: User, agreed: bool) -> None:
    """After an agreement: the author is told, the next reviewer's turn comes, and when everyone agreed the
    unit's approvers are told a signature waits. (A request for changes is a status change.)"""
    from prosedur_web.reviews.models import Decision, ReviewAssignment

    if not agreed:
        return
    rnd = f"r{rev.review_round}"
    notify(_author(rev, reviewer), rev, Kind.REVIEW_AGREED, key=f"{rnd}:{reviewer.pk}", actor=reviewer)
    notify(turn_holders(rev), rev, Kind.REVIEW_REQUESTED, key=rnd)
    round_ = ReviewAssignment.objects.filter(revision=rev, round=rev.review_round)
    if round_.exists() and not round_.exclude(decision=Decision.AGREE).exists():
        notify(approvers_of(rev), rev, Kind.SIGNATURE_WAITING, key=rnd)


# -- reminders ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reminded:
    readers: int
    reviewers: int
    requeued: int
    failed: int


def _recent(kind: str, days: int, now: dt.datetime) -> Any:
    return Notification.objects.filter(user=OuterRef("user"), revision=OuterRef("revision"), kind=kind,
                                       created_at__gt=now - dt.timedelta(days=days))


def send_reminders(*, now: dt.datetime | None = None) -> Reminded:
    """Remind late readers and reviewers (at most once a day per person and revision: the day is the key)."""
    from prosedur_web.reviews.models import Decision, ReviewAssignment
    from prosedur_web.socialisation.models import Acknowledgement

    from . import delivery

    now = now or timezone.now()
    today = timezone.localtime(now).date().isoformat()
    days = core.library_info(selectors.library_source_text()).reminders
    with transaction.atomic():
        acked = Acknowledgement.objects.filter(user=OuterRef("user"), revision=OuterRef("revision"))
        late_readers = (Notification.objects
                        .filter(kind=Kind.DISTRIBUTED, revision__status=RevisionStatus.EFFECTIVE, user__is_active=True,
                                created_at__lte=now - dt.timedelta(days=days.acknowledge_days))
                        .filter(~Exists(acked), ~Exists(_recent(Kind.ACK_REMINDER, days.acknowledge_days, now)))
                        .values_list("user_id", "revision_id", "unit_id"))
        readers = [Notification(user_id=u, revision_id=r, unit_id=unit, kind=Kind.ACK_REMINDER, key=today)
                   for u, r, unit in late_readers]
        earlier = ReviewAssignment.objects.filter(revision=OuterRef("revision"), round=OuterRef("round"),
                                                  order__lt=OuterRef("order"), decision=Decision.PENDING)
        recent = Notification.objects.filter(user=OuterRef("reviewer"), revision=OuterRef("revision"),
                                             kind=Kind.REVIEW_REMINDER,
                                             created_at__gt=now - dt.timedelta(days=days.review_days))
        waiting = list(ReviewAssignment.objects
                       .filter(decision=Decision.PENDING, revision__status=RevisionStatus.IN_REVIEW,
                               round=F("revision__review_round"), reviewer__is_active=True)
                       .filter(~Exists(earlier), ~Exists(recent))
                       .values_list("reviewer_id", "revision_id", "round", "reviewer__unit_id", "revision__updated_at"))
        # their turn came when they were asked (the request notification), else when the revision last changed
        asked = {(u, r, k): at for u, r, k, at in Notification.objects.filter(
            kind=Kind.REVIEW_REQUESTED, revision_id__in={w[1] for w in waiting})
            .values_list("user_id", "revision_id", "key", "created_at")}
        cutoff = now - dt.timedelta(days=days.review_days)
        reviewers = [Notification(user_id=u, revision_id=r, unit_id=unit, kind=Kind.REVIEW_REMINDER, key=today)
                     for u, r, rnd, unit, changed in waiting if asked.get((u, r, f"r{rnd}"), changed) <= cutoff]
        before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        Notification.objects.bulk_create(readers + reviewers, ignore_conflicts=True, batch_size=2000)
        made = Notification.objects.filter(pk__gt=before, kind__in=[Kind.ACK_REMINDER, Kind.REVIEW_REMINDER],
                                           key=today)
        counts = {k: made.filter(kind=k).count() for k in (Kind.ACK_REMINDER, Kind.REVIEW_REMINDER)}
        delivery.enqueue(made.values_list("pk", flat=True))
        if any(counts.values()):
            audit_append(actor=None, action="reminders_sent", data={
                "day": today, "readers": counts[Kind.ACK_REMINDER], "reviewers": counts[Kind.REVIEW_REMINDER],
                "acknowledge_days": days.acknowledge_days, "review_days": days.review_days})
    requeued = delivery.requeue_stalled(now=now)
    failed = Notification.objects.filter(email_failed=True).count()
    return Reminded(counts[Kind.ACK_REMINDER], counts[Kind.REVIEW_REMINDER], requeued, failed)
