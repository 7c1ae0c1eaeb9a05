"""The management-system view: coverage, registers, review calendar, no-change reviews, reminders, dashboard."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prosedur_web.audit.models import AuditEntry
from prosedur_web.common.errors import ActionRefused
from prosedur_web.procedures import services
from prosedur_web.sms import selectors
from prosedur_web.sms import services as sms
from prosedur_web.sms.models import ReviewRecord
from prosedur_web.socialisation.models import Acknowledgement

from .conftest import SAMPLE, World, email_source

EVIL = '<script>alert("x")</script>'


def login(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


@pytest.fixture
def incidents(world: World) -> Any:
    """P.SMLTI 21 (major incidents, clause 8.6.1) imported as effective in the own unit."""
    text = (SAMPLE / "prosedur" / "p-smlti-21-manajemen-insiden.yaml").read_text(encoding="utf-8")
    return services.procedure_import(yaml_source=text, adopt=True)


# -- library from the database ------------------------------------------------------------------------
def test_library_takes_status_from_the_database(world: World) -> None:
    rev = world.effective(world.own)
    rev.procedure.revisions.create(number=1, status="in_review", yaml_source=rev.yaml_source)
    lib = selectors.library()
    states = sorted((p.number, p.revision, str(p.status)) for p in lib.procedures)
    assert ("P.SMLTI 19", 1, "in_review") in states and ("P.SMLTI 19", 0, "effective") in states


# -- coverage ----------------------------------------------------------------------------------------
def test_coverage_page_shows_matrix_gaps_and_861(world: World) -> None:
    response = login(world, "reader").get(reverse("sms:coverage"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "P.SMLTI 19" in html and "P.SMLTI 90" in html  # both effective procedures are columns
    assert 'class="flag"' in html  # 8.6.1 is a gap and is called out in the gap list
    assert "8.6.1" in html and "insiden mayor" in html


def test_coverage_861_met_once_the_incident_procedure_is_effective(world: World, incidents: Any) -> None:
    html = login(world, "reader").get(reverse("sms:coverage")).content.decode()
    assert "callout ok" in html and "P.SMLTI 21" in html


@pytest.mark.parametrize(("fmt", "magic"), [("csv", b"\xef\xbb\xbf"), ("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_coverage_downloads(world: World, fmt: str, magic: bytes) -> None:
    response = login(world, "reader").get(reverse("sms:coverage_export", kwargs={"fmt": fmt}))
    assert response.status_code == 200 and response.content.startswith(magic)
    assert f'.{fmt}"' in response["Content-Disposition"]


def test_unknown_download_format_is_404(world: World) -> None:
    assert login(world, "reader").get(reverse("sms:coverage_export", kwargs={"fmt": "exe"})).status_code == 404
    client = login(world, "controller")
    assert client.get(reverse("sms:register", kwargs={"kind": "nope"})).status_code == 404


# -- registers ---------------------------------------------------------------------------------------
def test_master_list_shows_every_revision_with_status(world: World) -> None:
    rev = world.effective(world.own)
    rev.procedure.revisions.create(number=1, status="draft", yaml_source=rev.yaml_source)
    html = login(world, "controller").get(reverse("sms:register", kwargs={"kind": "documents"})).content.decode()
    assert html.count("P.SMLTI 19</a>") == 2
    assert "Draf" in html and "Berlaku" in html


def test_register_csv_is_neutralised_and_escaped_in_html(world: World) -> None:
    rev = world.effective(world.own)
    rev.yaml_source = rev.yaml_source.replace("name: Form Kesediaan", "name: =HYPERLINK(1) " + EVIL, 1)
    rev.save()
    client = login(world, "controller")
    html = client.get(reverse("sms:register", kwargs={"kind": "records"})).content.decode()
    assert EVIL not in html and "&lt;script&gt;" in html
    data = client.get(reverse("sms:register_export", kwargs={"kind": "records", "fmt": "csv"})).content
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    names = [r[1] for r in rows[1:]]
    assert any(n.startswith("'=HYPERLINK") for n in names)


@pytest.mark.parametrize("kind", ["documents", "records", "forms", "distribution"])
def test_every_register_renders_and_downloads(world: World, kind: str) -> None:
    client = login(world, "admin")
    assert client.get(reverse("sms:register", kwargs={"kind": kind})).status_code == 200
    response = client.get(reverse("sms:register_export", kwargs={"kind": kind, "fmt": "xlsx"}))
    assert response.status_code == 200 and response.content.startswith(b"PK")


# -- review calendar ---------------------------------------------------------------------------------
def test_calendar_lists_overdue_reviews(world: World) -> None:
    html = login(world, "author").get(reverse("sms:review_calendar")).content.decode()
    assert "st-overdue" in html and "P.SMLTI 19" in html  # the sample's review date (2019) has passed
    assert html.count('name="note"') == 1  # the author may record only their own unit's review


def test_no_change_review_moves_the_due_date_and_is_audited(world: World) -> None:
    today = timezone.localdate()
    record = sms.reviewrecord_create(procedure=world.own, user=world.users["approver"], note="Masih sesuai",
                                     today=today)
    assert record.next_due is not None and record.next_due > today
    rev = world.effective(world.own)
    assert rev.review_due == record.next_due and rev.number == 0  # no new revision
    entry = AuditEntry.objects.filter(action="review_no_change").get()
    assert entry.data["note"] == "Masih sesuai" and entry.data["next_due"] == record.next_due.isoformat()
    html = login(world, "author").get(reverse("sms:review_calendar")).content.decode()
    assert "Masih sesuai" in html and record.next_due.isoformat() in html
    row = html[html.index("st-ok"):]  # the calendar row shows the review date too, once stored
    assert today.isoformat() in row[: row.index("</tr>")]


def test_no_change_review_via_view(world: World) -> None:
    client = login(world, "author")
    url = reverse("sms:reviewrecord_create", kwargs={"pk": world.own.pk})
    assert client.post(url, {"note": ""}).status_code == 302
    assert not ReviewRecord.objects.exists()  # an empty note is refused
    assert client.post(url, {"note": EVIL}).status_code == 302
    assert ReviewRecord.objects.get().note == EVIL
    html = client.get(reverse("sms:review_calendar")).content.decode()
    assert EVIL not in html and "&lt;script&gt;" in html


def test_no_change_review_refused_for_other_unit_and_without_effective(world: World) -> None:
    with pytest.raises(ActionRefused):
        sms.reviewrecord_create(procedure=world.other, user=world.users["author"], note="x")
    world.effective(world.own).__class__.objects.filter(procedure=world.own).update(status="obsolete")
    with pytest.raises(ActionRefused):
        sms.reviewrecord_create(procedure=world.own, user=world.users["controller"], note="x")


def test_reminders_go_to_owner_authors_and_approvers(world: World) -> None:
    for name in ("author", "approver", "reader", "controller"):
        world.users[name].email = f"{name}@contoh.go.id"
        world.users[name].save()
    out = io.StringIO()
    call_command("send_review_reminders", "--today", "2026-01-05", stdout=out)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["approver@contoh.go.id", "author@contoh.go.id"]
    body = mail.outbox[0].body
    assert "P.SMLTI 19" in body and "P.SMLTI 90" not in body  # the other unit's procedure is not theirs
    assert "Terlambat" in body
    assert AuditEntry.objects.filter(action="review_reminder_sent").count() == 2


def test_no_reminder_after_a_no_change_review(world: World) -> None:
    world.users["author"].email = "author@contoh.go.id"
    world.users["author"].save()
    today = dt.date(2026, 1, 5)
    sms.reviewrecord_create(procedure=world.own, user=world.users["author"], note="Masih sesuai", today=today)
    call_command("send_review_reminders", "--today", today.isoformat(), stdout=io.StringIO())
    assert mail.outbox == []
    call_command("send_review_reminders", "--today", "2027-01-01", stdout=io.StringIO())  # due again
    assert len(mail.outbox) == 1


def test_dry_run_sends_nothing(world: World) -> None:
    world.users["author"].email = "author@contoh.go.id"
    world.users["author"].save()
    out = io.StringIO()
    call_command("send_review_reminders", "--today", "2026-01-05", "--dry-run", stdout=out)
    assert mail.outbox == [] and "author@contoh.go.id" in out.getvalue()


# -- socialisation dashboard -------------------------------------------------------------------------
def test_socialisation_rates_and_missing_readers(world: World) -> None:
    rev = world.effective(world.own)
    Acknowledgement.objects.create(revision=rev, user=world.users["reader"])
    Acknowledgement.objects.create(revision=rev, user=world.users["author"])
    data = selectors.socialisation(today=timezone.localdate())
    (unit,) = data.by_unit  # every test user is in the own unit
    assert (unit.done, unit.total) == (2, 2 * len(world.users))
    own = next(r for r in data.by_procedure if r.label.startswith("P.SMLTI 19"))
    assert own.done == 2 and "Nama Reader" not in own.missing and "Nama Admin" in own.missing
    assert data.weekly[unit.label][-1] == pytest.approx(100 * 2 / (2 * len(world.users)))
    assert data.weekly[unit.label][0] == 0.0  # nobody had acknowledged seven weeks ago


def test_socialisation_dashboard_page(world: World) -> None:
    world.own_unit.name = EVIL
    world.own_unit.save()
    html = login(world, "approver").get(reverse("sms:socialisation_dashboard")).content.decode()
    assert html.count("<svg") == 3 and "<title" in html
    assert EVIL not in html and "&lt;script&gt;" in html
    assert "Nama Reader" in html  # not acknowledged yet


def test_other_procedure_numbers_do_not_leak_to_sources(world: World) -> None:
    """A stored source that no longer parses is left out of the view instead of failing it."""
    services.procedure_import(yaml_source=email_source("P.SMLTI 91"), adopt=True)
    rev = services.procedure_import(yaml_source=email_source("P.SMLTI 91"), adopt=True).procedure.revisions.get()
    rev.yaml_source = "number: [broken"
    rev.save()
    assert login(world, "reader").get(reverse("sms:coverage")).status_code == 200
    assert "P.SMLTI 91" not in {p.number for p in selectors.library().procedures}
