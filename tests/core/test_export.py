"""CSV/XLSX exports: formula neutralisation (property tests), sheet layout, the coverage matrix."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prosedur.iso20000.coverage import coverage
from prosedur.iso20000.export import (
    DANGEROUS_PREFIXES,
    Table,
    coverage_table,
    gaps_table,
    neutralise,
    register_table,
    to_csv,
    to_xlsx,
    write_csv,
)
from prosedur.iso20000.registers import register
from prosedur.model import Library

from .test_iso20000 import build, procedure

# Text that starts dangerously much more often than uniformly random text would.
risky_text = st.one_of(
    st.text(max_size=40),
    st.builds(lambda p, s: p + s, st.sampled_from(list(DANGEROUS_PREFIXES) + [" =", "'=", "\n="]), st.text(max_size=30)),
)


def _read_xlsx(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(\"http://x\",\"klik\")", "'=HYPERLINK(\"http://x\",\"klik\")"),
        ("+62 21 555", "'+62 21 555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=b", "a=b"),
        ("Berlaku", "Berlaku"),
        ("", ""),
    ],
)
def test_neutralise(value: str, expected: str) -> None:
    assert neutralise(value) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(risky_text, min_size=3, max_size=3), min_size=1, max_size=5))
def test_csv_never_starts_a_cell_with_a_formula_char(rows: list[list[str]]) -> None:
    table = Table("t", ["a", "b", "c"], [list(r) for r in rows])
    parsed = list(csv.reader(io.StringIO(to_csv(table), newline="")))
    assert parsed[0] == ["a", "b", "c"]
    assert len(parsed) == len(rows) + 1
    for original, written in zip(rows, parsed[1:], strict=True):
        for value, cell in zip(original, written, strict=True):
            assert not cell.startswith(DANGEROUS_PREFIXES)
            assert cell in (value, "'" + value)  # nothing else is changed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(risky_text, min_size=3, max_size=3), min_size=1, max_size=4), risky_text)
def test_xlsx_has_no_formula_cells(rows: list[list[str]], heading: str) -> None:
    table = Table("t", [heading, "b", "c"], [list(r) for r in rows])
    ws = _read_xlsx(to_xlsx([table])).worksheets[0]
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(DANGEROUS_PREFIXES)


def test_xlsx_keeps_numbers_and_dates_typed_and_drops_illegal_characters() -> None:
    table = Table("t", ["n", "d", "s", "b"], [[-3, dt.date(2024, 2, 29), "a\x00b\x1b=c", True]])
    ws = _read_xlsx(to_xlsx([table], "en")).worksheets[0]
    n, d, s, b = ws[2]
    assert n.value == -3 and n.data_type == "n"
    assert d.value == dt.datetime(2024, 2, 29) and d.is_date
    assert s.value == "ab=c"
    assert b.value == "Yes"


def test_xlsx_layout_bold_frozen_filtered_fitted() -> None:
    table = Table("Daftar Rekaman", ["Nomor", "Nama rekaman yang cukup panjang"],
                  [["F.UJI 01-01", "x" * 200], ["R.UJI 01-02", "pendek"]])
    ws = _read_xlsx(to_xlsx([table])).worksheets[0]
    assert ws.title == "Daftar Rekaman"
    assert all(cell.font.bold for cell in ws[1])
    assert not any(cell.font.bold for cell in ws[2])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:B3"
    assert 11 <= ws.column_dimensions["A"].width <= 20  # fits "F.UJI 01-01"
    assert ws.column_dimensions["B"].width == 60  # capped


def test_sheet_titles_are_valid_and_unique() -> None:
    tables = [Table("Cakupan: 8.6/8.7 [draf]?", ["a"], []), Table("x" * 40, ["a"], []), Table("x" * 40, ["a"], [])]
    names = _read_xlsx(to_xlsx(tables)).sheetnames
    assert names[0] == "Cakupan- 8.6-8.7 -draf--"
    assert len(set(n.lower() for n in names)) == 3
    assert all(len(n) <= 31 for n in names)


def test_write_csv_has_bom_for_excel(tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    write_csv(Table("t", ["Unit"], [["Bidang Keamanan Informasi — Ü"]]), out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Ü" in data.decode("utf-8-sig")


def test_coverage_matrix_marks_direct_and_inherited(tmp_path: Path) -> None:
    library = build(tmp_path, [procedure("P.UJI 18", ["8.5.1"]), procedure("P.UJI 22", ["8.6.2"]),
                               procedure("P.UJI 30", ["9.2"], status="draft")])
    table = coverage_table(coverage(library), "id")
    assert table.headings[4:] == ["P.UJI 18", "P.UJI 22", "Dalam proses (belum berlaku)"]
    rows = {r[0]: r for r in table.rows}
    assert rows["8.5.1"][4:6] == ["✓", None]
    assert rows["8.5.1.2"][4:6] == ["(✓ 8.5.1)", None]
    assert rows["8.6.2"][4:6] == [None, "✓"]
    assert rows["9.2"][6] == "P.UJI 30" and rows["9.2"][3] == "masih draf"
    assert rows["4.3"][3] == "belum tercakup"
    assert rows["8.5.1.2"][2].startswith("rekaman: ")
    gaps = {r[0]: r for r in gaps_table(coverage(library), "en").rows}
    assert "8.5.1.2" not in gaps and "9.2" in gaps and gaps["9.2"][5] == "P.UJI 30"
    assert gaps["8.6.1"][4] is True


def test_malicious_procedure_text_stays_inert_in_exports(tmp_path: Path) -> None:
    library = build(tmp_path, [procedure(
        "P.UJI 01", title="=cmd|'/C calc'!A0",
        records=[{"id": "@R.UJI", "name": "+Rekaman", "storage": "-1+1", "retention": "\t=2"}],
    )])
    tables = [register_table(register(library, kind), "id") for kind in ("documents", "records", "distribution")]
    for table in tables:
        for row in csv.reader(io.StringIO(to_csv(table))):
            assert not any(cell.startswith(DANGEROUS_PREFIXES) for cell in row)
    wb = _read_xlsx(to_xlsx(tables))
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert "'=cmd|'/C calc'!A0" in values and "'@R.UJI" in values and "'=2" in values  # the loader strips the tab
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_sample_exports_open(sample_library: Library) -> None:
    cov = coverage(sample_library)
    tables = [coverage_table(cov, "en"), gaps_table(cov, "en")]
    tables += [register_table(register(sample_library, k), "en") for k in ("documents", "records", "forms", "distribution")]
    wb = _read_xlsx(to_xlsx(tables, "en"))
    assert wb.sheetnames == ["Coverage", "Gaps", "Master list of documents", "Records register",
                             "Forms register", "Distribution list"]
    assert wb["Coverage"].max_row == len(cov.rows) + 1
