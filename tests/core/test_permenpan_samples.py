"""The second sample library (examples/permenpan) against the signed originals it was written from.

SOP-053 and SOP-055 of BPS Provinsi Bengkulu are in ../shared/reference (not in this repository). Every
cell the originals print as text (identity cells, Kegiatan per row, each Mutu Baku cell, Keterangan) is
read from both PDFs with pdfplumber and compared whitespace-normalised; the (row, Pelaksana column)
pairs holding a symbol are read from the originals' vector drawings and compared with the symbols our
SOP draws. Skipped, saying why, when the reference folder is absent.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from prosedur.lint import Severity, lint
from prosedur.load import load_library
from prosedur.model import Library, Procedure
from prosedur.render.document import document_view
from prosedur.render.sop import render_sop_pdf, sop_layout

pdfplumber = pytest.importorskip("pdfplumber")

LIBRARY = Path(__file__).resolve().parents[2] / "examples" / "permenpan"
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"
ORIGINALS = {
    "SOP-053/17000/2025": REFERENCE / "bps-bengkulu-sop-053-permintaan-setting-jaringan.pdf",
    "SOP-055/17000/2025": REFERENCE / "bps-bengkulu-sop-055-administrasi-jaringan.pdf",
}
IDENTITY = ("Nomor SOP", "Tanggal Pembuatan", "Tanggal Revisi", "Tanggal Efektif", "Disahkan oleh", "Nama SOP")
SECTIONS = ("Dasar Hukum", "Kualifikasi Pelaksana", "Keterkaitan", "Peralatan/ Perlengkapan", "Peringatan",
            "Pencatatan dan Pendataan")
QUALITY = ("Kelengkapan", "Waktu", "Output", "Keterangan")


def norm(text: str | None) -> str:
    """Whitespace-normalised cell text: lines joined (a line ending in '-' or '/' joined without a space,
    as both PDFs break lines there), list numbers dropped (the originals centre "4." beside a two-line
    item), case kept; a word hyphenated at a line end (the U+2010 the engines print at a soft hyphen,
    prosedur.hyphen) is joined again."""
    text = re.sub(r"(?<=\w)\u2010\s*(?=\w)", "", text or "")
    text = re.sub(r"(?<=[-/])\s*\n\s*|\s*\n\s*(?=/)", "", text)
    words = [w for w in text.split() if not re.fullmatch(r"\d{1,2}\.", w)]
    return re.sub(r"/ ", "/", " ".join(words)).strip()


def key(text: str | None) -> str:
    return norm(text).rstrip(" :").casefold()


def _library() -> Library:
    library, problems = load_library(LIBRARY)
    assert not problems, [p.format() for p in problems]
    return library


def _procedure(library: Library, number: str) -> Procedure:
    proc = library.procedure(number)
    assert proc is not None, number
    return proc


def _original(number: str) -> Path:
    path = ORIGINALS[number]
    if not path.is_file():
        pytest.skip(f"reference SOP not found: {path} (../shared/reference is absent)")
    return path


def _tables(page: object) -> list:  # type: ignore[type-arg]
    """The page's ruled tables. The last row's bottom rule of SOP-053 stops short of No and Kegiatan:
    the lowest horizontal rule is extended across the page."""
    rules = [e["top"] for e in page.edges if e["orientation"] == "h"]  # type: ignore[attr-defined]
    settings = {"explicit_horizontal_lines": [max(rules)]} if rules else {}
    return page.find_tables(settings)  # type: ignore[attr-defined,no-any-return]


def identity_cells(pdf: object) -> dict[str, str]:
    """The identity sheet (page 1): organisation block, the keyed cells, the six sections' contents.
    Works for both layouts: a section's heading alone in its cell with the content below (originals),
    or heading and content in one cell (ours)."""
    (table,) = pdf.pages[0].extract_tables()  # type: ignore[attr-defined]
    cells: dict[str, str] = {"organisation": norm(table[0][0])}
    for r, row in enumerate(table):
        texts = [c for c in row if c is not None]
        for i, cell in enumerate(texts):
            k = key(cell)
            if any(k == key(name) for name in IDENTITY) and i + 1 < len(texts):
                cells[k] = norm(texts[i + 1])
        for c, cell in enumerate(row):
            first, _, rest = (cell or "").partition("\n")
            for name in SECTIONS:
                if key(first) == key(name):
                    below = table[r + 1][c] if r + 1 < len(table) else ""
                    cells[key(name)] = norm(rest) if rest.strip() else norm(below)
    return cells


def flow_cells(pdf: object) -> dict[tuple[int, str], str]:
    """(row number, column) -> text for Kegiatan, the Mutu Baku columns and Keterangan of the flow table."""
    out: dict[tuple[int, str], str] = {}
    for page in pdf.pages[1:]:  # type: ignore[attr-defined]
        for table in (t.extract() for t in _tables(page)):
            heads = {key(c): i for row in table[:2] for i, c in enumerate(row) if c}
            if "kegiatan" not in heads:
                continue
            for row in table[2:]:
                if row[0] and row[0].strip().isdigit():
                    for name in ("Kegiatan", *QUALITY):
                        if key(name) in heads:
                            out[(int(row[0]), name)] = norm(row[heads[key(name)]])
    return out


def original_symbols(path: Path) -> set[tuple[int, str]]:
    """(row number, Pelaksana column) for every symbol the original draws: its filled rectangles and
    curves (ovals, diamonds) large enough to be a symbol, placed by their centre in the table's grid."""
    found: set[tuple[int, str]] = set()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[1:]:
            for table in _tables(page):
                text = table.extract()
                if not text or "Kegiatan" not in [c for c in text[0] if c]:
                    continue
                heads = [(c, cell) for c, cell in zip(text[1], table.rows[1].cells, strict=True) if c and cell]
                end = next(i for i, (c, _) in enumerate(heads) if c == "Kelengkapan")
                lanes = [(norm(c), cell[0], cell[2]) for c, cell in heads[:end]]
                rows = [(int(t[0]), r.bbox[1], r.bbox[3]) for t, r in zip(text, table.rows, strict=True)
                        if t[0] and t[0].strip().isdigit()]
                for shape in [*page.rects, *page.curves]:
                    w, h = shape["x1"] - shape["x0"], shape["bottom"] - shape["top"]
                    if w < 25 or h < 12 or w > 200:  # lines, arrowheads, the loop's elbow; not the grid
                        continue
                    cx, cy = (shape["x0"] + shape["x1"]) / 2, (shape["top"] + shape["bottom"]) / 2
                    lane = next((name for name, x0, x1 in lanes if x0 <= cx < x1), None)
                    row = next((n for n, y0, y1 in rows if y0 <= cy < y1), None)
                    if lane and row:
                        found.add((row, lane))
    return found


def our_symbols(library: Library, proc: Procedure) -> set[tuple[int, str]]:
    """(row number, Pelaksana column) of every symbol our SOP draws (a joint task: each column it spans)."""
    view = document_view(proc, library)
    layout = sop_layout(view, proc)
    assert layout.flow is not None
    names = [norm(name) for _, name in layout.actors]
    return {(node.number, names[lane]) for page in layout.flow.pages for node in page.nodes
            if node.kind != "connector" and node.number for lane in range(node.lane, node.lane + node.span)}


# -- the sample lints clean, with nothing made up ----------------------------------------------------------
def test_the_sample_lints_clean_under_permenpan() -> None:
    library = _library()
    assert library.info.profile == "permenpan" and library.info.paper == "Letter"
    findings = lint(library)
    assert {f.severity for f in findings} <= {Severity.INFO}, [f"{f.code} {f.message()}" for f in findings
                                                               if f.severity != Severity.INFO]
    assert len(library.procedures) == 2
    for proc in library.procedures:  # nothing ISO/TR 10013 asks beyond the SOP was added
        assert not proc.purpose and not proc.scope.includes and not proc.measurements
        assert proc.approval.prepared is None and not proc.approval.reviewed


# -- every cell against the original ------------------------------------------------------------------------
@pytest.mark.parametrize("number", sorted(ORIGINALS))
def test_every_cell_reads_as_in_the_original(number: str) -> None:
    original = _original(number)
    library = _library()
    proc = _procedure(library, number)
    ours = render_sop_pdf(proc, library)
    with pdfplumber.open(original) as theirs, pdfplumber.open(io.BytesIO(ours)) as printed:
        assert [(round(p.width), round(p.height)) for p in printed.pages][:1] == [
            (round(theirs.pages[0].width), round(theirs.pages[0].height))]  # the original's paper
        want_id, got_id = identity_cells(theirs), identity_cells(printed)
        want_flow, got_flow = flow_cells(theirs), flow_cells(printed)
    assert len(want_id) == 1 + len(IDENTITY) + len(SECTIONS), sorted(want_id)
    # the organisation block: BPS prints it in capitals, so does our SOP (from the library's two lines)
    assert got_id.pop("organisation").casefold() == want_id.pop("organisation").casefold()
    assert got_id == want_id
    assert len(want_flow) == len(proc.steps) * (1 + len(QUALITY)), sorted(want_flow)
    assert got_flow == want_flow


@pytest.mark.parametrize("number", sorted(ORIGINALS))
def test_every_symbol_is_in_its_row_and_column(number: str) -> None:
    original = _original(number)
    library = _library()
    proc = _procedure(library, number)
    want = original_symbols(original)
    assert len({r for r, _ in want}) == len(proc.steps)  # every row has a symbol
    assert our_symbols(library, proc) == want
