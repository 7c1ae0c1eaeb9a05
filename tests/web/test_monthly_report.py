"""The monthly document-control report (sms/monthly.py): what took effect and with whose signature, what was
made obsolete, what is in progress, integrity, and the audit anchor on paper; page, PDF, HTML, command."""

from __future__ import annotations

import datetime as dt
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prosedur_web.audit import checks
from prosedur_web.procedures import records, services
from prosedur_web.procedures.models import Revision
from prosedur_web.sms import monthly
from prosedur_web.sms.monthly import Month

from .conftest import World, add_history
from .test_issued_record import signed_revision


def this_month() -> Month:
    return Month.of(timezone.localdate())


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "laporan.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(out.stdout.split())


def page(client: Client, user: object, query: str = "") -> str:
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get(reverse("sms:monthly_report") + query)
    assert response.status_code == 200
    return response.content.decode()


def anchor_audit() -> None:
    call_command("anchor_audit", stdout=StringIO())


# -- months ------------------------------------------------------------------------------------------------
def test_months_in_the_organisations_time_zone() -> None:
    assert Month.previous(dt.date(2026, 1, 15)) == Month(2025, 12)
    assert Month.previous(dt.date(2026, 3, 1)) == Month(2026, 2)
    m = Month.parse("2024-02")
    assert (m.first, m.last, m.key) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29), "2024-02")
    assert m.name("id") == "Februari 2024" and m.name("en") == "February 2024"
    assert m.start().utcoffset() == dt.timedelta(hours=7)  # Asia/Jakarta: midnight there, not in UTC
    assert Month(2026, 12).end() == Month(2027, 1).start()
    for bad in ("2024-13", "2024-00", "24-02", "2024-2", "bulan", ""):
        with pytest.raises(ValueError):
            Month.parse(bad)


# -- content -----------------------------------------------------------------------------------------------
def test_report_lists_what_took_effect_with_its_signer_and_counts_the_obsolete(world: World, client: Client) -> None:
    rev = signed_revision(world)
    sig = records.signature_of_record(rev)
    assert sig is not None
    report = monthly.monthly_report(this_month(), by=world.users["controller"])
    assert [(r.number, r.revision, r.date, r.signer) for r in report.effective] == [
        ("P.SMLTI 19", rev.number, timezone.localdate(), sig.text("id"))]
    assert [(r.number, r.revision, r.note) for r in report.obsolete] == [("P.SMLTI 19", 0, f"Rev. {rev.number}")]
    assert not report.signed and not report.in_review and not report.drafts
    assert report.integrity_problems == [] and report.integrity_checked == 3
    assert report.chain is not None and report.chain.ok
    assert not report.ended and report.generated_by == "Nama Controller (controller), Jabatan controller"

    tables = {t.name: t for t in monthly.report_tables(report)}
    summary = dict(tuple(row) for row in tables["Ringkasan"].rows)
    assert summary["Revisi yang mulai berlaku"] == 1 and summary["Revisi yang dinyatakan kedaluwarsa"] == 1
    assert summary["Integritas revisi yang disahkan"] == "cocok semua (3 revisi)"
    assert summary["Rantai hash jejak audit"].startswith("rantai audit utuh")
    assert summary["Jangkar audit terbaru"] == "belum ada"  # none written yet: and the report says so
    assert not report.ok

    html = page(client, world.users["controller"], f"?bulan={this_month().key}")
    assert sig.text("id") in html and "Laporan Bulanan Pengendalian Dokumen" in html
    assert "cocok semua (3 revisi)" in html and "rantai audit utuh" in html
    assert "Dibuat " in html and "oleh Nama Controller (controller)" in html
    english = monthly.monthly_report(this_month(), lang="en", by="cron")
    assert english.effective[0].signer == sig.text("en") and english.effective[0].signer.startswith("Approved")
    assert "Monthly Document-Control Report" in english.title()


def test_signed_not_yet_effective(world: World) -> None:
    rev = signed_revision(world, effective=timezone.localdate() + dt.timedelta(days=10))
    assert rev.status == "approved"
    report = monthly.monthly_report(this_month())
    assert [(r.revision, r.date) for r in report.signed] == [(rev.number, rev.effective_date)]
    assert report.signed[0].signer.startswith("Disahkan secara elektronik oleh Nama Approver")
    assert report.effective == [] and report.obsolete == [] and report.drafts == [] and report.in_review == []


def test_in_review_at_month_end(world: World) -> None:
    author = world.users["author"]
    rev = services.revision_start(procedure=world.own, user=author)
    rev = services.revision_save_source(revision=rev, user=author, text=add_history(rev.yaml_source, rev.number),
                                        base_version=rev.version)
    services.revision_submit(revision=rev, user=author, reviewers=[world.users["reviewer"]])
    report = monthly.monthly_report(this_month())
    assert [(r.number, r.revision, r.status) for r in report.in_review] == [("P.SMLTI 19", 1, "in_review")]
    rows = {t.name: t for t in monthly.report_tables(report)}["Dalam peninjauan dan draf pada akhir bulan"].rows
    assert rows == [["P.SMLTI 19", rows[0][1], 1, "Ditinjau", "Nama Author"]]


def test_a_month_that_ended_is_reported_as_it_stood_at_its_end(world: World) -> None:
    services.revision_start(procedure=world.own, user=world.users["author"])
    now_month = monthly.monthly_report(this_month())
    assert [(r.number, r.revision, r.note) for r in now_month.drafts] == [("P.SMLTI 19", 1, "Nama Author")]
    # last month: nothing had been imported or started yet (the audit trail says so)
    before = monthly.monthly_report(Month.previous())
    assert before.ended and before.as_of == Month.previous().last
    assert before.drafts == [] and before.in_review == [] and before.effective == [] and before.obsolete == []
    # the same month seen from a later date: rebuilt from the trail, the draft is there at month end
    later = monthly.monthly_report(this_month(), now=this_month().end() + dt.timedelta(days=1))
    assert later.ended and [(r.number, r.revision) for r in later.drafts] == [("P.SMLTI 19", 1)]


def test_a_revision_edited_in_the_database_is_an_integrity_problem(world: World, client: Client) -> None:
    rev = signed_revision(world)
    Revision.objects.filter(pk=rev.pk).update(yaml_source=rev.yaml_source.replace("value: '10'", "value: '50'"))
    report = monthly.monthly_report(this_month())
    problem = (f"P.SMLTI 19 Rev. {rev.number}: isi sumber yang tersimpan tidak sama dengan isi yang "
               "ditandatangani")
    assert report.integrity_problems == [problem] and not report.ok and problem in report.findings
    summary = dict(tuple(row) for row in monthly.report_tables(report)[0].rows)
    assert summary["Integritas revisi yang disahkan"] == "1 MASALAH (3 revisi diperiksa)"
    html = page(client, world.users["admin"], f"?bulan={this_month().key}")
    assert problem in html and "PERHATIAN" in html


# -- the anchor on paper -----------------------------------------------------------------------------------
def test_anchor_is_printed_with_seq_and_hash_prefix_and_the_pdf_carries_it(world: World, client: Client,
                                                                           tmp_path: Path) -> None:
    signed_revision(world)
    anchor_audit()
    status = checks.anchor_status()
    a = status.anchor
    assert a is not None and status.signature_ok
    report = monthly.monthly_report(this_month())
    line = status.lines("id")[0]
    assert report.anchor_lines == [line] and f"entri {a.seq}" in line and a.hash[:16] in line
    assert report.ok, report.findings
    summary = dict(tuple(row) for row in monthly.report_tables(report)[0].rows)
    assert summary["Jangkar audit terbaru"].startswith(f"entri {a.seq}, hash {a.hash[:16]}…")

    client.force_login(world.users["controller"])
    response = client.get(reverse("sms:monthly_report_export", kwargs={"fmt": "pdf"}) + f"?bulan={this_month().key}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="laporan-bulanan-{this_month().key}.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content, tmp_path)
    assert line in text
    assert "Laporan Bulanan Pengendalian Dokumen" in text and "Revisi yang mulai berlaku" in text
    html = page(client, world.users["controller"], f"?bulan={this_month().key}")
    assert line in html


# -- forms: page, downloads, command --------------------------------------------------------------------
def test_only_document_controllers_and_admins_see_it(world: World, client: Client) -> None:
    url = reverse("sms:monthly_report")
    pdf = reverse("sms:monthly_report_export", kwargs={"fmt": "pdf"})
    for name in ("reader", "author", "reviewer", "approver"):
        client.force_login(world.users[name])
        assert client.get(url).status_code == 403, name
        assert client.get(pdf).status_code == 403, name
        assert "laporan-bulanan" not in client.get(reverse("sms:coverage")).content.decode()
    client.logout()
    assert client.get(url).status_code == 302
    html = page(client, world.users["controller"])
    assert reverse("sms:monthly_report") in client.get(reverse("sms:coverage")).content.decode()
    assert Month.previous().name("id") in html  # the default: last month


def test_bad_and_future_months(world: World, client: Client) -> None:
    client.force_login(world.users["controller"])
    response = client.get(reverse("sms:monthly_report") + "?bulan=2026-13")
    assert response.status_code == 200 and Month.previous().name("id") in response.content.decode()
    assert "Bulan tidak dikenali (2026-13)" in response.content.decode()
    future = Month.of(this_month().next_first).key
    assert client.get(reverse("sms:monthly_report_export", kwargs={"fmt": "pdf"}) + f"?bulan={future}").status_code == 400
    assert client.get(reverse("sms:monthly_report_export", kwargs={"fmt": "docx"})).status_code == 404
    html = client.get(reverse("sms:monthly_report_export", kwargs={"fmt": "html"}) + "?bulan=2025-03")
    assert html.status_code == 200 and "Maret 2025" in html.content.decode()


def test_command_writes_the_report_for_cron(world: World, tmp_path: Path) -> None:
    signed_revision(world)
    out, err = StringIO(), StringIO()
    call_command("monthly_report", "--month", this_month().key, "--out", str(tmp_path / "lap-{month}.html"),
                 "--by", "cron", stdout=out, stderr=err)
    written = tmp_path / f"lap-{this_month().key}.html"
    body = written.read_text(encoding="utf-8")
    assert str(written) in out.getvalue() and "Revisi yang mulai berlaku" in body and "oleh cron" in body
    assert "PERHATIAN" in err.getvalue() and "belum ada jangkar" in err.getvalue()  # no anchor yet
    with pytest.raises(CommandError, match="already exists"):
        call_command("monthly_report", "--month", this_month().key, "--out", str(written))
    call_command("monthly_report", "--month", this_month().key, "--out", str(written), "--force", "--lang", "en",
                 stdout=StringIO(), stderr=StringIO())
    assert "Revisions that took effect" in written.read_text(encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("monthly_report", "--out", str(tmp_path / "lap.txt"))
    with pytest.raises(CommandError):
        call_command("monthly_report", "--month", "2026-1", "--out", str(tmp_path / "x.pdf"))
    call_command("monthly_report", "--out", str(tmp_path / "default.html"), stdout=out, stderr=StringIO())
    assert Month.previous().name("id") in (tmp_path / "default.html").read_text(encoding="utf-8")
