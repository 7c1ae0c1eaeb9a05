"""Document-control registers derived from the procedures, and `prosedur registers`."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from prosedur.iso20000.commands import registers_command
from prosedur.iso20000.registers import (
    RegisterKind,
    add_months,
    distribution_list,
    document_register,
    forms_register,
    in_force,
    record_register,
    register,
)
from prosedur.model import Library, Status

from .test_iso20000 import build, procedure, write_library

RECORDS = [
    {"id": "F.UJI 01-01", "name": "Formulir Permohonan", "form": True, "owner": "staf",
     "storage": "Arsip bidang", "retention": "2 tahun", "disposition": "Dimusnahkan"},
    {"id": "R.UJI 01-02", "name": "Log layanan", "owner": "kepala", "retention": "3 tahun"},
]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),
        (dt.date(2024, 11, 15), 2, dt.date(2025, 1, 15)),
        (dt.date(2024, 3, 31), 12, dt.date(2025, 3, 31)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2024, 6, 30), 30, dt.date(2026, 12, 30)),
    ],
)
def test_add_months(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


def test_master_list_dates_and_next_review(tmp_path: Path) -> None:
    library = build(tmp_path, [
        procedure("P.UJI 10", review_due="2024-12-01"),
        procedure("P.UJI 9"),  # effective 2024-02-01 + 6 months
        procedure("P.UJI 11", status="draft", effective=None, issued="2024-03-31"),
        procedure("P.UJI 12", status="draft", effective=None, issued=None),
        procedure("P.UJI 13", status="obsolete", revision=0),
        procedure("P.UJI 13", status="effective", revision=1, title="Revisi baru"),
    ])
    reg = document_register(library)
    rows = {(r.number, r.revision): r for r in reg.rows}
    assert [(r.number, r.revision) for r in reg.rows] == [
        ("P.UJI 9", 0), ("P.UJI 10", 0), ("P.UJI 11", 0), ("P.UJI 12", 0), ("P.UJI 13", 0), ("P.UJI 13", 1)
    ]
    assert rows[("P.UJI 10", 0)].next_review == dt.date(2024, 12, 1)
    assert rows[("P.UJI 9", 0)].next_review == dt.date(2024, 8, 1)
    assert rows[("P.UJI 11", 0)].next_review == dt.date(2024, 9, 30)
    assert rows[("P.UJI 12", 0)].next_review is None
    assert rows[("P.UJI 13", 0)].next_review is None and rows[("P.UJI 13", 0)].status is Status.OBSOLETE
    assert rows[("P.UJI 13", 1)].next_review == dt.date(2024, 8, 1)
    cells_id = reg.cells("id")[0]
    cells_en = reg.cells("en")[0]
    assert cells_id[3] == "Berlaku" and cells_en[3] == "Effective"
    assert cells_id[7] == "Pusat Data" and cells_en[7] == "Data Centre"
    assert reg.headings("id")[0] == "Nomor Dokumen" and reg.headings("en")[0] == "Document number"
    assert len(reg.headings("id")) == len(cells_id)


def test_in_force_prefers_effective_and_skips_obsolete(tmp_path: Path) -> None:
    library = build(tmp_path, [
        procedure("P.UJI 01", revision=1, status="effective"),
        procedure("P.UJI 01", revision=2, status="draft"),
        procedure("P.UJI 01", revision=0, status="obsolete"),
        procedure("P.UJI 02", revision=0, status="in_review"),
        procedure("P.UJI 03", revision=0, status="obsolete"),
    ])
    assert [(p.number, p.revision) for p in in_force(library)] == [("P.UJI 01", 1)]
    assert [(p.number, p.revision) for p in in_force(library, include_pending=True)] == [
        ("P.UJI 01", 1), ("P.UJI 02", 0)
    ]


def test_records_register(tmp_path: Path) -> None:
    library = build(tmp_path, [
        procedure("P.UJI 01", records=RECORDS,
                  roles=[{"id": "staf", "name": "Petugas Loket Lokal"}]),
        procedure("P.UJI 02", status="draft", records=[{"id": "R.UJI 02-01", "name": "Catatan draf"}]),
    ])
    reg = record_register(library)
    assert [(r.id, r.procedure) for r in reg.rows] == [("F.UJI 01-01", "P.UJI 01"), ("R.UJI 01-02", "P.UJI 01")]
    form, log = reg.rows
    assert form.form and not log.form
    assert form.owner_name == "Petugas Loket Lokal"  # the procedure's local role name wins
    assert log.owner_name == "Kepala Pusat" and log.owner_name_en == "Head of Centre"
    assert reg.cells("id")[0] == ["F.UJI 01-01", "Formulir Permohonan", "Ya", "P.UJI 01", "Petugas Loket Lokal",
                                  "Arsip bidang", "2 tahun", "Dimusnahkan"]
    assert reg.cells("en")[1][2] == "No"
    assert [r.id for r in record_register(library, include_pending=True).rows] == [
        "F.UJI 01-01", "R.UJI 01-02", "R.UJI 02-01"
    ]


def test_forms_register_lists_every_citing_procedure(tmp_path: Path) -> None:
    library = build(tmp_path, [
        procedure("P.UJI 01", records=RECORDS),
        procedure("P.UJI 02", references=[{"kind": "form", "id": "F.UJI 01-01", "title": "Formulir Permohonan"},
                                          {"kind": "form", "id": "F.UJI 09-01", "title": "Formulir Luar"}]),
        procedure("P.UJI 03", steps=[
            {"id": "a", "kind": "start", "actor": "staf", "do": "Mengisi formulir", "records": ["F.UJI 01-01"]},
            {"id": "b", "kind": "end", "actor": "staf", "do": "Menyimpan log", "records": ["R.UJI 01-02"]},
        ]),
        procedure("P.UJI 04"),
    ])
    reg = forms_register(library)
    assert [r.id for r in reg.rows] == ["F.UJI 01-01", "F.UJI 09-01"]  # R.UJI 01-02 is not a form
    form = reg.rows[0]
    assert form.defined_by == ("P.UJI 01",)
    assert form.cited_by == ("P.UJI 01", "P.UJI 02", "P.UJI 03")
    assert reg.rows[1].defined_by == () and reg.rows[1].cited_by == ("P.UJI 02",)
    assert reg.cells("id")[0][3] == "P.UJI 01, P.UJI 02, P.UJI 03"


def test_distribution_list_units_of_acting_roles_plus_owner(tmp_path: Path) -> None:
    library = build(tmp_path, [
        procedure("P.UJI 01", owner="tu", roles=[{"id": "kepala", "unit": "layanan"}]),
    ])
    rows = distribution_list(library).rows
    units = [(r.unit, r.owner, r.roles) for r in rows]
    # owner first; pemohon has no unit; the procedure moves kepala into layanan, next to staf
    assert units == [
        ("tu", True, ()),
        (None, False, ("Pemohon",)),
        ("layanan", False, ("Staf Layanan", "Kepala Pusat")),
    ]
    cells = distribution_list(library).cells("en")
    assert cells[1][2] == "(unit not set)"
    assert cells[2][2] == "Service Division" and cells[2][4] == "Service staff, Head of Centre"


def test_owner_unit_that_also_acts_is_one_row(tmp_path: Path) -> None:
    rows = distribution_list(build(tmp_path, [procedure("P.UJI 01", owner="layanan")])).rows
    layanan = [r for r in rows if r.unit == "layanan"]
    assert len(layanan) == 1 and layanan[0].owner and layanan[0].roles == ("Staf Layanan",)


def test_registers_on_the_sample(sample_library: Library) -> None:
    docs = register(sample_library, RegisterKind.DOCUMENTS)
    assert len(docs.rows) == len(sample_library.procedures)
    effective = in_force(sample_library)
    expected_records = {(r.id, p.number) for p in effective for r in p.records}
    assert {(r.id, r.procedure) for r in register(sample_library, "records").rows} == expected_records
    forms = register(sample_library, "forms")
    assert "F.SMLTI 19-01" in [r.id for r in forms.rows]
    assert all(r.cited_by for r in forms.rows)
    dist = register(sample_library, "distribution")
    assert {r.procedure for r in dist.rows} == {p.number for p in effective}
    for row in dist.rows:  # every unit named exists in the library
        assert row.unit is None or row.unit in sample_library.info.units


def test_registers_command_csv_and_text(tmp_path: Path) -> None:
    lib = write_library(tmp_path / "lib", [procedure("P.UJI 01", records=RECORDS, title="Layanan \x1b[31mUji")])
    runner = CliRunner()
    result = runner.invoke(registers_command, [str(lib), "--kind", "records", "--format", "csv", "--lang", "en"])
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.output)))
    assert table[0][0] == "Record number"
    assert [row[0] for row in table[1:]] == ["F.UJI 01-01", "R.UJI 01-02"]
    result = runner.invoke(registers_command, [str(lib), "--kind", "documents"])
    assert result.exit_code == 0
    assert "Daftar Induk Dokumen" in result.output and "P.UJI 01" in result.output
    assert "\x1b" not in result.output
    out = tmp_path / "forms.xlsx"
    result = runner.invoke(registers_command, [str(lib), "--kind", "forms", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0 and out.read_bytes()[:2] == b"PK"
    result = runner.invoke(registers_command, [str(lib), "--kind", "nope"])
    assert result.exit_code == 2
