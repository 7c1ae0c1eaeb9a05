"""Socialisation progress: who of the people a revision was distributed to has acknowledged it.

Computed now from the distribution rule (`distribution.services`), per unit (each person counted
once, in their own unit) and per procedure, for the current effective revisions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from prosedur_web.accounts.models import Unit, User
from prosedur_web.distribution import services as distribution
from prosedur_web.procedures.models import Procedure, Revision, RevisionStatus

from .models import Acknowledgement


def percent(done: int, total: int) -> int:
    """Whole percent, rounded down so 99.6 % never shows as 100 % while someone is missing."""
    return 100 * done // total if total else 0


@dataclass
class UnitProgress:
    unit: Unit | None
    done: list[User] = field(default_factory=list)
    pending: list[User] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.done) + len(self.pending)

    @property
    def pct(self) -> int:
        return percent(len(self.done), self.total)


@dataclass
class ProcedureProgress:
    revision: Revision
    units: list[UnitProgress]

    @property
    def total(self) -> int:
        return sum(u.total for u in self.units)

    @property
    def done(self) -> int:
        return sum(len(u.done) for u in self.units)

    @property
    def pct(self) -> int:
        return percent(self.done, self.total)

    @property
    def pending(self) -> list[User]:
        return [p for u in self.units for p in u.pending]


def _progress(rev: Revision, people: list[User], acked: set[int]) -> ProcedureProgress:
    by_unit: dict[int | None, UnitProgress] = {}
    for person in people:
        row = by_unit.setdefault(person.unit_id, UnitProgress(person.unit))
        (row.done if person.pk in acked else row.pending).append(person)
    units = sorted(by_unit.values(), key=lambda u: (u.unit.name if u.unit else ""))
    return ProcedureProgress(rev, units)


def procedure_progress(procedure: Procedure) -> ProcedureProgress | None:
    """Progress of the procedure's effective revision, or None when none is effective."""
    rev = (procedure.revisions.filter(status=RevisionStatus.EFFECTIVE)
           .select_related("procedure__owner_unit").first())
    if rev is None:
        return None
    acked = set(Acknowledgement.objects.filter(revision=rev).values_list("user_id", flat=True))
    return _progress(rev, distribution.audience(rev), acked)


def progress_list(procedures: list[Procedure] | None = None) -> list[ProcedureProgress]:
    """Every current effective revision (optionally of these procedures) with its progress."""
    codes = distribution.effective_distribution()
    revs = (Revision.objects.filter(pk__in=codes, status=RevisionStatus.EFFECTIVE)
            .select_related("procedure__owner_unit").order_by("procedure__sort_key", "procedure__number"))
    if procedures is not None:
        revs = revs.filter(procedure__in=procedures)
    acked: dict[int, set[int]] = defaultdict(set)
    for rev_id, user_id in Acknowledgement.objects.filter(revision__in=revs).values_list("revision_id", "user_id"):
        acked[rev_id].add(user_id)
    people_by_codes: dict[tuple[str, ...], list[User]] = {}
    out = []
    for rev in revs:
        key = tuple(codes[rev.pk])
        if key not in people_by_codes:
            people_by_codes[key] = distribution.audience(rev, list(key))
        out.append(_progress(rev, people_by_codes[key], acked[rev.pk]))
    return out


def distributed_to(user: User, revision: Revision) -> bool:
    """Whether `revision` was distributed to `user`: a distribution notice was sent to them, or their unit
    is on its distribution list as it stands now (one of its units or below one: people who joined such a
    unit later follow the procedure too, as `pending_for` and the progress pages count them)."""
    from prosedur_web.distribution.models import Notification

    if Notification.objects.filter(user=user, revision=revision, kind=Notification.Kind.DISTRIBUTED).exists():
        return True
    if user.unit_id is None or user.unit is None:
        return False
    own = {u.code for u in user.unit.ancestors_and_self()}
    return bool(own & set(distribution.distribution_codes(revision)))


def pending_ids(user: User) -> set[int]:
    """Ids of the effective revisions distributed to the user and not yet acknowledged: the user's unit is
    one of a revision's distribution units or lies below one. Two queries and the cached distribution list."""
    if user.unit_id is None or user.unit is None:
        return set()
    own = {u.code for u in user.unit.ancestors_and_self()}
    wanted = [rev_id for rev_id, codes in distribution.effective_distribution().items() if own & set(codes)]
    done = set(Acknowledgement.objects.filter(user=user, revision_id__in=wanted).values_list("revision_id", flat=True))
    return set(wanted) - done


def pending_for(user: User) -> list[Revision]:
    """"Prosedur yang perlu Anda baca": effective revisions distributed to the user, not yet acknowledged."""
    return list(Revision.objects.filter(pk__in=pending_ids(user)).select_related("procedure")
                .order_by("procedure__sort_key", "procedure__number"))


# -- a horizontal bar chart drawn on the server (SVG, no script) -----------------------------------
@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    y: int
    width: float
    pct: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_width: int
    row: int


def bar_chart(rows: list[tuple[str, int, int]], *, label_width: int = 260, bar_width: int = 300,
              row: int = 24) -> BarChart:
    """(label, done, total) rows -> geometry; the template draws it and escapes the labels."""
    bars = [
        Bar(label=text if len(text) <= 36 else text[:35] + "…", value=f"{percent(done, total)} % ({done}/{total})",
            y=i * row, width=round(bar_width * (done / total if total else 0), 1), pct=percent(done, total))
        for i, (text, done, total) in enumerate(rows)
    ]
    return BarChart(bars, label_width + bar_width + 110, max(row, len(bars) * row), label_width, bar_width, row)
