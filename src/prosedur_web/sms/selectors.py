"""Read queries of the management-system view: the library as the core sees it, reviews, acknowledgements.

The library lives in the database; the core functions (coverage, registers, calendar) take a
`prosedur.model.Library`. `library()` builds one from the stored revisions, with the *database's*
status and dates winning over what the YAML says, because the lifecycle is kept in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q

from prosedur.model import Library, Status
from prosedur_web import services as core
from prosedur_web.accounts.models import Unit, User
from prosedur_web.accounts.roles import can_view_revision
from prosedur_web.procedures.models import Procedure, Revision, RevisionStatus
from prosedur_web.procedures.selectors import library_source_text
from prosedur_web.socialisation.models import Acknowledgement

from .models import ReviewRecord


def library(visible_to: Any = None) -> Library:
    """Every stored revision as a core Procedure (sources that no longer parse are left out).

    `visible_to`: only the revisions that user may read — a plain reader's coverage must not name the
    numbers of drafts that were never published."""
    info = core.library_info(library_source_text())
    procs = []
    for rev in Revision.objects.select_related("procedure", "procedure__owner_unit").order_by(
            "procedure__sort_key", "number"):
        if visible_to is not None and not can_view_revision(visible_to, rev):
            continue
        try:
            proc = core.parse_source(rev.yaml_source, rev.procedure.number)
        except Exception:  # noqa: BLE001 - a broken draft must not take the whole view down
            continue
        update: dict[str, Any] = {"status": Status(rev.status), "revision": rev.number}
        if rev.issued_date is not None:  # the lifecycle's control record wins over the source
            update["issued"] = rev.issued_date
        if rev.effective_date is not None:
            update["effective"] = rev.effective_date
        if rev.review_due is not None:
            update["review_due"] = rev.review_due
        procs.append(proc.model_copy(update=update))
    return core.library_for(info, procs)


def last_reviews() -> dict[str, dt.date]:
    """Procedure number -> date of the latest no-change review of its effective revision."""
    rows = (ReviewRecord.objects.filter(revision__status=RevisionStatus.EFFECTIVE)
            .values("revision__procedure__number").annotate(last=Max("reviewed_on")))
    return {r["revision__procedure__number"]: r["last"] for r in rows}


def procedures_by_number() -> dict[str, Procedure]:
    return {p.number: p for p in Procedure.objects.select_related("owner_unit")}


def review_records(limit: int = 20) -> list[ReviewRecord]:
    return list(ReviewRecord.objects.select_related("revision__procedure", "reviewed_by")[:limit])


# -- socialisation -----------------------------------------------------------------------------------
@dataclass
class Rate:
    label: str
    done: int
    total: int
    missing: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else 0.0


@dataclass
class Socialisation:
    by_unit: list[Rate]
    by_procedure: list[Rate]
    weeks: list[dt.date]  # week ends (Sundays), oldest first
    weekly: dict[str, list[float | None]]  # unit label -> rate at each week end
    revisions: int
    readers: int


def _readers() -> list[User]:
    """Everyone expected to acknowledge: active users with a unit."""
    return list(User.objects.filter(is_active=True, unit__isnull=False).select_related("unit").order_by("full_name"))


def socialisation(*, today: dt.date, weeks: int = 8, lang: str = "id") -> Socialisation:
    """Acknowledgement rates of the effective revisions, per unit and per procedure, and weekly per unit.

    The weekly line counts, at each week's end, the acknowledgements of the *current* effective
    revisions made by then: how socialisation of what is in force progressed.
    """
    revisions = list(Revision.objects.filter(status=RevisionStatus.EFFECTIVE).select_related("procedure")
                     .order_by("procedure__sort_key"))
    readers = _readers()
    acks = list(Acknowledgement.objects.filter(revision__in=revisions).values_list("revision_id", "user_id", "at"))
    done = {(r, u) for r, u, _ in acks}
    units: dict[int, Unit] = {}
    members: dict[int, list[User]] = {}
    for user in readers:
        assert user.unit is not None
        units[user.unit.pk] = user.unit
        members.setdefault(user.unit.pk, []).append(user)

    def unit_label(unit: Unit) -> str:
        return (unit.name_en or unit.name) if lang == "en" else unit.name

    by_unit = []
    for unit_id, people in sorted(members.items(), key=lambda kv: unit_label(units[kv[0]])):
        got = sum(1 for rev in revisions for u in people if (rev.pk, u.pk) in done)
        by_unit.append(Rate(unit_label(units[unit_id]), got, len(people) * len(revisions)))
    by_procedure = []
    for rev in revisions:
        missing = [u.full_name or u.username for u in readers if (rev.pk, u.pk) not in done]
        by_procedure.append(Rate(f"{rev.procedure.number} Rev. {rev.number}", len(readers) - len(missing),
                                 len(readers), missing))
    end = today + dt.timedelta(days=6 - today.weekday())
    week_ends = [end - dt.timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    unit_of = {u.pk: u.unit_id for u in readers}
    weekly: dict[str, list[float | None]] = {}
    for unit_id, people in sorted(members.items(), key=lambda kv: unit_label(units[kv[0]])):
        total = len(people) * len(revisions)
        series: list[float | None] = []
        for week_end in week_ends:
            count = sum(1 for _, u, at in acks if unit_of.get(u) == unit_id and at.date() <= week_end)
            series.append(100.0 * count / total if total else None)
        weekly[unit_label(units[unit_id])] = series
    return Socialisation(by_unit, by_procedure, week_ends, weekly, len(revisions), len(readers))


def unacknowledged_count() -> int:
    """How many (reader, effective revision) pairs are still open (for the headline)."""
    revisions = Revision.objects.filter(status=RevisionStatus.EFFECTIVE).annotate(
        n=Count("acknowledgements", filter=Q(acknowledgements__user__is_active=True)))
    readers = User.objects.filter(is_active=True, unit__isnull=False).count()
    return sum(max(readers - r.n, 0) for r in revisions)
