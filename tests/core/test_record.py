"""The control record: one home for the issue facts, what binds them, and what prints them."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from prosedur.integrity import SignatureMeaning
from prosedur.model import Approval, Library, Procedure, Status
from prosedur.record import (
    ControlRecord,
    Origin,
    Party,
    fresh_revision,
    pending_record,
    record_digest,
    record_from_source,
    review_due_after,
)
from prosedur.render.document import document_view
from prosedur.render.html import render_html

WIB = dt.timezone(dt.timedelta(hours=7))
AT = dt.datetime(2026, 12, 2, 9, 15, tzinfo=WIB)


def signed(**changes: object) -> ControlRecord:
    record = ControlRecord(
        revision=1, origin=Origin.LIFECYCLE, issued=AT.date(), effective=dt.date(2026, 12, 9),
        review_due=dt.date(2027, 12, 9),
        prepared=Party(SignatureMeaning.DISUSUN, "Rina", "Analis", "1990", at=AT - dt.timedelta(days=3)),
        reviewed=(Party(SignatureMeaning.DIPERIKSA, "Agus", "Kabid", "1980", at=AT - dt.timedelta(days=1)),),
        approved=Party(SignatureMeaning.DISAHKAN, "Ir. Budi", "Kepala PUSDATIN", "1970", at=AT),
        content_hash="ab" * 32, verify_url="https://prosedur.example/verifikasi/x/",
    )
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(("start", "months", "due"), [
    (dt.date(2026, 12, 2), 12, dt.date(2027, 12, 2)),
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
    (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
    (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
    (dt.date(2026, 12, 31), 12, dt.date(2027, 12, 31)),
])
def test_review_due_after_keeps_the_day_within_the_month(start: dt.date, months: int, due: dt.date) -> None:
    assert review_due_after(start, months) == due


def test_every_fact_changes_the_digest() -> None:
    base = signed()
    digest = record_digest(base.content_hash or "", base)
    other_party = Party(SignatureMeaning.DISAHKAN, "Ir. Budi", "Kepala PUSDATIN", "1971", at=AT)
    variants = {
        "revision": 2, "issued": dt.date(2026, 12, 3), "effective": dt.date(2026, 12, 10),
        "review_due": dt.date(2028, 1, 1), "prepared": None, "reviewed": (), "approved": other_party,
    }
    for name, value in variants.items():
        assert record_digest(base.content_hash or "", dataclasses.replace(base, **{name: value})) != digest, name
    assert record_digest("cd" * 32, base) != digest
    # the link and the origin are how it is shown, not what was signed
    assert record_digest(base.content_hash or "", dataclasses.replace(base, verify_url=None)) == digest


def test_facts_round_trip() -> None:
    base = signed()
    back = ControlRecord.from_facts(base.facts(), content_hash=base.content_hash)
    assert back.facts() == base.facts()
    assert record_digest("ab" * 32, back) == record_digest("ab" * 32, base)


def test_fresh_revision_empties_every_control_fact(email: Procedure) -> None:
    assert email.issued and email.effective and email.approval.approved
    new = fresh_revision(email, email.revision + 1)
    assert (new.revision, new.status, new.issued, new.effective, new.review_due) == (1, Status.DRAFT, None, None, None)
    assert new.approval == Approval()
    assert [h.revision for h in new.history] == [0, 1] and new.history[-1].change == ""
    assert email.approval.approved is not None  # the predecessor is untouched


def test_a_pending_record_prints_filled_at_signing(email: Procedure, sample_library: Library) -> None:
    draft = fresh_revision(email, 1)
    record = pending_record(draft, prepared=Party(SignatureMeaning.DISUSUN, "Rina", "Analis"))
    view = document_view(draft, sample_library, record=record)
    assert view.issued == view.effective == view.review_due == "diisi saat pengesahan"
    assert view.approved is not None and view.approved.pending and not view.controlled
    assert view.revision_date_long == "diisi saat pengesahan"
    assert view.history[-1][:2] == (1, "diisi saat pengesahan")


def test_a_signed_record_is_what_prints(email: Procedure, sample_library: Library) -> None:
    record = signed()
    view = document_view(fresh_revision(email, 1).model_copy(update={"status": Status.EFFECTIVE}), sample_library,
                         record=record)
    assert (view.revision, view.issued, view.effective) == (1, "02-12-2026", "09-12-2026")
    assert view.controlled and view.esigned and view.verify_url == record.verify_url
    assert view.approved is not None and view.approved.when == "2 Desember 2026 pukul 09.15.00 WIB (UTC+07:00)"
    assert [p.signed_text for p in (view.prepared, *view.reviewed, view.approved) if p] == [
        "Disusun secara elektronik", "Diperiksa secara elektronik", "Disahkan secara elektronik"]
    html = render_html(fresh_revision(email, 1).model_copy(update={"status": Status.EFFECTIVE}), sample_library,
                       record=record, lang="en")
    assert "December 2, 2026" in html or "2 December 2026" in html
    assert "Approved electronically" in html and "This document is signed electronically" in html


def test_uncontrolled_unless_the_source_records_its_approval(email: Procedure, sample_library: Library) -> None:
    assert document_view(email, sample_library).controlled  # effective, approval and issue written
    no_approval = email.model_copy(update={"approval": Approval()})
    draft = email.model_copy(update={"status": Status.DRAFT})
    for proc in (no_approval, draft):
        view = document_view(proc, sample_library, verify_url="https://x.example/v/")
        assert not view.controlled and view.verify_url is None and not view.esigned
        assert "SALINAN TIDAK TERKENDALI" in render_html(proc, sample_library, verify_url="https://x.example/v/")
    html = render_html(email, sample_library, verify_url="https://x.example/v/")
    assert "x.example" not in html and "SALINAN TERKENDALI" in html  # no claim it cannot back


def test_source_record_reads_the_source(email: Procedure) -> None:
    record = record_from_source(email, review_interval_months=12)
    assert record.origin == Origin.SOURCE and record.issued == email.issued
    assert record.approved is not None and email.approval.approved is not None
    assert record.approved.name == email.approval.approved.name
    if email.review_due is None and email.effective is not None:
        assert record.review_due == review_due_after(email.effective, 12)
