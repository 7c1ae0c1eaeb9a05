""""Tugas saya": what waits for one person, from one place.

Five kinds of work, each one query over the rows it concerns (no loop per row), so the header's counts
and the page read the same querysets: reviews whose turn has come, signatures whose reviews all agreed,
drafts returned to their author, effective revisions distributed to the person and not acknowledged, and
periodic reviews due within `PROSEDUR_REVIEW_SOON_DAYS` days (or overdue) for the owner unit's authors
and approvers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from prosedur_web.accounts import roles
from prosedur_web.accounts.roles import Role
from prosedur_web.procedures.models import Revision, RevisionStatus
from prosedur_web.reviews.models import Decision, ReviewAssignment

KINDS = ("reviews", "signatures", "returned", "to_read", "reviews_due")


def soon_days() -> int:
    return int(getattr(settings, "PROSEDUR_REVIEW_SOON_DAYS", 30))


def _governed_unit_ids(user: Any) -> list[int]:
    """The user's unit and every unit below it: the procedures `roles.in_own_unit` lets them act on."""
    if user.unit_id is None:
        return []
    from prosedur_web.distribution.services import units_below

    return [u.pk for u in units_below([user.unit.code])]


def reviews_to_do(user: Any) -> QuerySet[ReviewAssignment]:
    """Pending assignments of the current round of revisions in review, whose turn has come (parallel
    review: at once; sequential: when everyone before has decided)."""
    if not roles.has_role(user, Role.REVIEWER):
        return ReviewAssignment.objects.none()
    earlier = ReviewAssignment.objects.filter(revision=OuterRef("revision"), round=OuterRef("round"),
                                              order__lt=OuterRef("order"), decision=Decision.PENDING)
    return (ReviewAssignment.objects
            .filter(reviewer=user, decision=Decision.PENDING, revision__status=RevisionStatus.IN_REVIEW,
                    round=F("revision__review_round"))
            .filter(~Exists(earlier))
            .select_related("revision__procedure").order_by("revision__updated_at"))


def signatures_to_give(user: Any, units: list[int] | None = None) -> QuerySet[Revision]:
    """Revisions in review in the units the approver governs, whose current round's reviewers all agreed."""
    if not roles.has_role(user, Role.APPROVER):
        return Revision.objects.none()
    units = _governed_unit_ids(user) if units is None else units
    round_ = ReviewAssignment.objects.filter(revision=OuterRef("pk"), round=OuterRef("review_round"))
    return (Revision.objects
            .filter(status=RevisionStatus.IN_REVIEW, procedure__owner_unit_id__in=units)
            .filter(Exists(round_), ~Exists(round_.exclude(decision=Decision.AGREE)))
            .exclude(author=user)
            .select_related("procedure").order_by("updated_at"))


def returned_drafts(user: Any) -> QuerySet[Revision]:
    """The user's drafts that went to review and came back (changes requested, sent back, withdrawn)."""
    if not roles.has_role(user, Role.AUTHOR):
        return Revision.objects.none()
    return (Revision.objects.filter(status=RevisionStatus.DRAFT, author=user, review_round__gt=0)
            .select_related("procedure").order_by("-updated_at"))


def to_read(user: Any) -> QuerySet[Revision]:
    """Effective revisions distributed to the user and not acknowledged (the "perlu dibaca" list)."""
    from prosedur_web.socialisation.selectors import pending_ids

    return (Revision.objects.filter(pk__in=pending_ids(user)).select_related("procedure")
            .order_by("procedure__sort_key", "procedure__number"))


def reviews_due(user: Any, units: list[int] | None = None, today: dt.date | None = None) -> QuerySet[Revision]:
    """Effective revisions of the owner's units whose periodic review is due within the window or overdue;
    a "reviewed, no change" record moves the date to its `next_due`."""
    if not roles.has_role(user, Role.AUTHOR, Role.APPROVER):
        return Revision.objects.none()
    from prosedur_web.sms.models import ReviewRecord

    units = _governed_unit_ids(user) if units is None else units
    today = today or timezone.localdate()
    latest = ReviewRecord.objects.filter(revision=OuterRef("pk")).order_by("-reviewed_on", "-pk")
    return (Revision.objects.filter(status=RevisionStatus.EFFECTIVE, procedure__owner_unit_id__in=units)
            .annotate(due=Coalesce(Subquery(latest.values("next_due")[:1]), F("review_due")))
            .filter(due__isnull=False, due__lte=today + dt.timedelta(days=soon_days()))
            .select_related("procedure").order_by("due"))


@dataclass(frozen=True)
class Work:
    reviews: list[ReviewAssignment]
    signatures: list[Revision]
    returned: list[Revision]
    to_read: list[Revision]
    reviews_due: list[Revision]

    @property
    def total(self) -> int:
        return sum(len(getattr(self, k)) for k in KINDS)


def _querysets(user: Any) -> dict[str, QuerySet[Any]]:
    if not roles.roles_of(user):
        return {k: Revision.objects.none() for k in KINDS}
    units = _governed_unit_ids(user) if roles.has_role(user, Role.APPROVER, Role.AUTHOR) else []
    return {"reviews": reviews_to_do(user), "signatures": signatures_to_give(user, units),
            "returned": returned_drafts(user), "to_read": to_read(user), "reviews_due": reviews_due(user, units)}


def work_counts(user: Any) -> dict[str, int]:
    """How many of each kind, and `total`: the header badge. One COUNT per kind that applies to the
    user's roles (a plain reader: one), plus the cached distribution list (socialisation.selectors)."""
    counts = {k: qs.count() for k, qs in _querysets(user).items()}
    counts["total"] = sum(counts.values())
    return counts


def work_for(user: Any) -> Work:
    qs = _querysets(user)
    return Work(**{k: list(v[:500]) for k, v in qs.items()})
