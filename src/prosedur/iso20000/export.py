"""Flat tables (registers, the coverage matrix, the gap list) as CSV and XLSX.

Spreadsheets are where auditors and document controllers work, and a spreadsheet evaluates a cell
that starts with `=`, `+`, `-` or `@` (and, in some readers, after a leading tab or carriage return)
as a formula. Procedure text is user text, so every such text cell is neutralised with a leading
apostrophe (OWASP "CSV injection"); numbers and dates are written as numbers and dates, never as text,
so they need no escaping. The XLSX writer also drops the control characters the file format cannot
hold and caps cells at Excel's 32,767 characters.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .coverage import STATUS_LABELS, Coverage
from .registers import Cell, Register

__all__ = [
    "DANGEROUS_PREFIXES",
    "Table",
    "coverage_table",
    "gaps_table",
    "neutralise",
    "register_table",
    "to_csv",
    "to_xlsx",
    "write_csv",
    "write_xlsx",
]

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CELL = 32_767
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Table:
    """A titled grid: one heading row, then rows of plain cells."""

    name: str
    headings: list[str]
    rows: list[list[Cell]]


def neutralise(value: str) -> str:
    """Prefix a text that a spreadsheet would read as a formula with `'`."""
    return "'" + value if value.startswith(DANGEROUS_PREFIXES) else value


def _text(value: Cell, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("Yes" if value else "No") if lang == "en" else ("Ya" if value else "Tidak")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return neutralise(value)


# -- tables from the core objects -----------------------------------------------------------------
def register_table(reg: Register[Any], lang: str = "id") -> Table:
    return Table(reg.title(lang), reg.headings(lang), reg.cells(lang))


def coverage_table(cov: Coverage, lang: str = "id") -> Table:
    """The matrix: one row per clause, one column per effective procedure.

    "✓" marks a procedure that names the clause, "(✓ 8.5.1)" one that covers it by naming the
    parent clause 8.5.1; drafts and revisions in review are listed in their own last column.
    """
    en = lang == "en"
    headings = [
        "Clause" if en else "Klausul",
        "Title" if en else "Judul",
        "Asks for" if en else "Yang diminta",
        "Status",
        *[p.number for p in cov.procedures],
        "Pending (not yet effective)" if en else "Dalam proses (belum berlaku)",
    ]
    rows: list[list[Cell]] = []
    for row in cov.rows:
        cells: list[Cell] = [
            row.clause.number,
            row.clause.title(lang),
            "; ".join(f"{q.kind_label(lang)}: {q.item(lang)}" for q in row.clause.requires),
            STATUS_LABELS[row.status][1 if en else 0],
        ]
        for proc in cov.procedures:
            mark = row.cell(proc.number)
            cells.append(None if mark is None else "✓" if mark == "direct" else f"(✓ {mark.split(':', 1)[1]})")
        cells.append(", ".join(p.number for p in row.pending))
        rows.append(cells)
    return Table("Coverage" if en else "Cakupan klausul", headings, rows)


def gaps_table(cov: Coverage, lang: str = "id") -> Table:
    en = lang == "en"
    headings = [
        "Clause" if en else "Klausul",
        "Title" if en else "Judul",
        "Gap" if en else "Kesenjangan",
        "Asks for" if en else "Yang diminta",
        "Documented procedure required" if en else "Wajib prosedur terdokumentasi",
        "Pending (not yet effective)" if en else "Dalam proses (belum berlaku)",
        "Claimed by" if en else "Diklaim oleh",
    ]
    rows: list[list[Cell]] = [
        [
            g.clause.number,
            g.clause.title(lang),
            g.message(lang),
            "; ".join(f"{q.kind_label(lang)}: {q.item(lang)}" for q in g.requirements),
            g.procedure_required,
            ", ".join(p.number for p in g.pending),
            ", ".join(p.number for p in g.claimed_by),
        ]
        for g in cov.gaps
    ]
    return Table("Gaps" if en else "Kesenjangan", headings, rows)


# -- CSV ------------------------------------------------------------------------------------------
def to_csv(table: Table, lang: str = "id") -> str:
    """The table as CSV text (comma, RFC 4180 quoting, CRLF), every text cell neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in table.headings])
    for row in table.rows:
        writer.writerow([_text(v, lang) for v in row])
    return out.getvalue()


def write_csv(table: Table, path: Path | str, lang: str = "id") -> None:
    """Write UTF-8 with a byte-order mark: Excel otherwise misreads accented Indonesian names."""
    Path(path).write_text(to_csv(table, lang), encoding="utf-8-sig", newline="")


# -- XLSX -----------------------------------------------------------------------------------------
def _xlsx_value(value: Cell, lang: str) -> Any:
    if value is None or isinstance(value, int | float | dt.date) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return _text(value, lang)
    text = _ILLEGAL_XLSX.sub("", str(value))[:XLSX_MAX_CELL]
    return neutralise(text)


def _sheet_title(name: str, used: set[str]) -> str:
    base = (_SHEET_BAD.sub("-", name).strip("'") or "Sheet")[:31]
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def to_xlsx(tables: Sequence[Table], lang: str = "id") -> bytes:
    """One sheet per table: bold frozen header row, autofilter, widths fitted to the content."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        ws = wb.create_sheet(_sheet_title(table.name, used))
        ws.append([_xlsx_value(h, lang) for h in table.headings])
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        widths = [_width(h) for h in table.headings]
        for row in table.rows:
            values = [_xlsx_value(v, lang) for v in row]
            ws.append(values)
            for i, value in enumerate(values):
                if i < len(widths):
                    widths[i] = max(widths[i], _width(value))
        for row_cells in ws.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 6), 60)
        ws.freeze_panes = "A2"
        if table.headings:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(table.headings))}{len(table.rows) + 1}"
    if not tables:
        wb.create_sheet("Sheet")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_xlsx(tables: Sequence[Table], path: Path | str, lang: str = "id") -> None:
    Path(path).write_bytes(to_xlsx(tables, lang))
