"""The review calendar, with a fixed clock (`today` is a parameter: time travel without mocking)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from prosedur.iso20000.calendar import ReviewState, due_date, review_schedule
from prosedur.model import Library, LibraryInfo, Procedure


def proc(number: str, *, status: str = "effective", revision: int = 0, **extra: Any) -> Procedure:
    data: dict[str, Any] = {"number": number, "title": f"Prosedur {number}", "status": status,
                            "revision": revision, "effective": dt.date(2024, 1, 31)}
    data.update(extra)
    return Procedure.model_validate(data)


def library(*procs: Procedure, months: int = 12) -> Library:
    return Library(root=Path("."), info=LibraryInfo(organisation="Uji", review_interval_months=months),
                   procedures=list(procs))


def test_due_date_is_effective_plus_interval_clamped_to_month_end() -> None:
    lib = library(proc("P.UJI 01"), months=1)
    (item,) = review_schedule(lib, dt.date(2024, 2, 1))
    assert item.due == dt.date(2024, 2, 29)  # 31 January + 1 month in a leap year
    assert item.days_left == 28
    assert item.state is ReviewState.DUE_SOON


def test_states_move_with_the_clock() -> None:
    lib = library(proc("P.UJI 01"))  # due 2025-01-31
    states = {
        dt.date(2024, 6, 1): (ReviewState.OK, 244),
        dt.date(2025, 1, 1): (ReviewState.DUE_SOON, 30),
        dt.date(2025, 1, 31): (ReviewState.DUE_SOON, 0),
        dt.date(2025, 2, 1): (ReviewState.OVERDUE, -1),
    }
    for today, (state, days) in states.items():
        (item,) = review_schedule(lib, today)
        assert (item.state, item.days_left) == (state, days), today


def test_source_review_due_wins_over_the_interval() -> None:
    lib = library(proc("P.UJI 01", review_due=dt.date(2024, 6, 30)))
    (item,) = review_schedule(lib, dt.date(2024, 7, 1))
    assert item.due == dt.date(2024, 6, 30)
    assert item.state is ReviewState.OVERDUE


def test_only_procedures_in_force_are_scheduled_most_urgent_first() -> None:
    lib = library(
        proc("P.UJI 10", effective=dt.date(2024, 3, 1)),
        proc("P.UJI 02", effective=dt.date(2023, 3, 1)),
        proc("P.UJI 03", status="draft"),
        proc("P.UJI 04", status="obsolete"),
        proc("P.UJI 05", effective=None),
        proc("P.UJI 06", status="effective", revision=1, effective=dt.date(2024, 5, 1)),
        proc("P.UJI 06", status="obsolete", revision=0, effective=dt.date(2020, 5, 1)),
    )
    items = review_schedule(lib, dt.date(2024, 4, 1))
    assert [i.number for i in items] == ["P.UJI 02", "P.UJI 10", "P.UJI 06", "P.UJI 05"]
    assert items[-1].state is ReviewState.NO_DATE and items[-1].days_left is None
    assert items[2].revision == 1


def test_a_no_change_review_moves_the_next_due_date() -> None:
    lib = library(proc("P.UJI 01"))
    today = dt.date(2025, 3, 1)
    (before,) = review_schedule(lib, today)
    assert before.state is ReviewState.OVERDUE and before.last_reviewed is None
    (after,) = review_schedule(lib, today, reviewed={"P.UJI 01": dt.date(2025, 2, 15)})
    assert after.due == dt.date(2026, 2, 15)
    assert after.state is ReviewState.OK
    assert after.last_reviewed == dt.date(2025, 2, 15)


def test_a_review_of_an_older_revision_does_not_count() -> None:
    p = proc("P.UJI 01", revision=2, effective=dt.date(2024, 6, 1))
    assert due_date(p, 12, dt.date(2024, 1, 1)) == dt.date(2025, 6, 1)
    (item,) = review_schedule(library(p), dt.date(2024, 7, 1), reviewed={"P.UJI 01": dt.date(2024, 1, 1)})
    assert item.last_reviewed is None


def test_sample_library_is_all_overdue_in_2026(sample_library: Library) -> None:
    items = review_schedule(sample_library, dt.date(2026, 1, 1))
    assert items, "the sample library has procedures in force"
    assert all(i.state is ReviewState.OVERDUE for i in items if i.due is not None)
    assert "P.SMLTI 13" not in {i.number for i in items}  # in review, not in force


@given(st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31)), st.integers(1, 60),
       st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)))
def test_due_is_never_before_the_review_and_days_match(effective: dt.date, months: int, today: dt.date) -> None:
    p = proc("P.UJI 01", effective=effective)
    (item,) = review_schedule(library(p, months=months), today, reviewed={"P.UJI 01": effective})
    assert item.due is not None and item.due > effective
    assert item.days_left == (item.due - today).days
