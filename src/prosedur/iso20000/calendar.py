"""The review calendar: when each procedure in force is next due for review, and how urgent that is.

ISO/IEC 20000-1 7.5.2 asks documented information to be reviewed for suitability; the library sets
the interval (`review_interval_months`), a procedure may set its own next date (`review_due`). A review
that finds nothing to change is evidence too: it is recorded outside the source (the web app keeps it)
and passed here as `reviewed`, so the next due date moves without a new revision.

Pure: the clock is a parameter (`today`), so tests travel in time and two runs agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from ..model import Library, Procedure
from ..text import plain
from .registers import add_months, in_force, natural_key, next_review

__all__ = ["DUE_SOON_DAYS", "ReviewItem", "ReviewState", "due_date", "review_schedule"]

DUE_SOON_DAYS = 30


class ReviewState(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    OK = "ok"
    NO_DATE = "no_date"


STATE_LABELS: dict[ReviewState, tuple[str, str]] = {
    ReviewState.OVERDUE: ("terlambat", "overdue"),
    ReviewState.DUE_SOON: ("segera", "due soon"),
    ReviewState.OK: ("terjadwal", "scheduled"),
    ReviewState.NO_DATE: ("tanpa tanggal", "no date"),
}


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One procedure in force on the calendar."""

    number: str
    title: str
    title_en: str | None
    revision: int
    owner: str | None
    due: dt.date | None
    days_left: int | None  # negative when overdue
    state: ReviewState
    last_reviewed: dt.date | None  # the latest "reviewed, no change" record of this revision

    def display_title(self, lang: str = "id") -> str:
        return plain((self.title_en or self.title) if lang == "en" else self.title)

    def state_label(self, lang: str = "id") -> str:
        pair = STATE_LABELS[self.state]
        return pair[1] if lang == "en" else pair[0]


def due_date(proc: Procedure, interval_months: int, reviewed: dt.date | None = None) -> dt.date | None:
    """The next review date: the source's date, unless a later no-change review restarted the interval.

    A review recorded before the revision took effect belongs to an older revision and is ignored.
    """
    base = next_review(proc, interval_months)
    start = proc.effective or proc.issued
    if reviewed is None or (start is not None and reviewed < start):
        return base
    moved = add_months(reviewed, interval_months)
    return moved if base is None or moved > base else base


def _state(days_left: int | None, soon_days: int) -> ReviewState:
    if days_left is None:
        return ReviewState.NO_DATE
    if days_left < 0:
        return ReviewState.OVERDUE
    if days_left <= soon_days:
        return ReviewState.DUE_SOON
    return ReviewState.OK


def review_schedule(
    library: Library,
    today: dt.date,
    *,
    reviewed: Mapping[str, dt.date] | None = None,
    soon_days: int = DUE_SOON_DAYS,
) -> list[ReviewItem]:
    """Every procedure in force with its due date, most urgent first (undated ones last).

    `reviewed` maps a procedure number to the date of its latest "reviewed, no change" record.
    """
    months = library.info.review_interval_months
    reviewed = reviewed or {}
    items: list[ReviewItem] = []
    for proc in in_force(library):
        last = reviewed.get(proc.number)
        due = due_date(proc, months, last)
        days = (due - today).days if due is not None else None
        start = proc.effective or proc.issued
        counted = last if last is not None and (start is None or last >= start) else None
        items.append(
            ReviewItem(proc.number, proc.title, proc.title_en, proc.revision, proc.owner, due, days,
                       _state(days, soon_days), counted)
        )
    items.sort(key=lambda i: (i.due is None, i.due or dt.date.max, natural_key(i.number)))
    return items
