"""The library's choices for its printed SOP and documents (`pustaka.yaml`: `paper`, `sop`).

Mutu Baku columns (which, in what order, under which heading), the Keterangan column, the "(Revisi n)"
suffix, empty identity cells, organisation names on several lines, records without a number, and the
paper: A4, F4 (215 x 330 mm), Letter, Legal, in both PDF engines and the DOCX. SOP-053 of the second
sample library (examples/permenpan, Letter) is checked against the signed original where it is present.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from prosedur.errors import SourceError
from prosedur.lint import lint
from prosedur.load import load_library
from prosedur.model import Library, LibraryInfo, Procedure, Record
from prosedur.paper import PAPERS, document_page, sop_page
from prosedur.render import chromium
from prosedur.render.chromium import ChromiumPrinter
from prosedur.render.document import document_view
from prosedur.render.docx import render_docx
from prosedur.render.html import render_html
from prosedur.render.pdf import render_pdf
from prosedur.render.sop import COL_ACTIVITY, COL_NO, COL_NOTES, render_sop_html, render_sop_pdf, sop_layout

from .test_lint_profiles import SOP053, SOP053_PDF

PT = 72 / 25.4


def _with(library: Library, **info: Any) -> Library:
    """`library` with its library file's keys replaced (validated as the loader would)."""
    data = library.info.model_dump(exclude_unset=True) | info
    return library.model_copy(update={"info": LibraryInfo.model_validate(data)})


def _heads(html: str) -> list[str]:
    first = html.split('<table class="sop-flow"', 1)[1].split("</thead>", 1)[0]
    return re.findall(r'<th class="q-\w+"[^>]*>([^<]*)</th>', first)


def _sop053() -> tuple[Library, Procedure]:
    library, problems = load_library(SOP053)
    assert not problems
    proc = library.procedure("SOP-053/17000/2025")
    assert proc is not None
    return library, proc


# -- Mutu Baku columns -----------------------------------------------------------------------------
def test_default_columns_are_kelengkapan_waktu_output_and_keterangan(sample_library: Library,
                                                                     email: Procedure) -> None:
    html = render_sop_html(email, sample_library)
    assert _heads(html) == ["Kelengkapan", "Waktu", "Output"]
    assert ">Keterangan</th>" in html
    assert _heads(render_sop_html(email, sample_library, lang="en")) == ["Requirements", "Time", "Output"]


def test_library_chooses_columns_order_and_headings(sample_library: Library, email: Procedure) -> None:
    library = _with(sample_library, sop={
        "quality_columns": ["output", {"field": "time", "heading": "Lama", "heading_en": "Duration"}],
        "notes_column": False,
    })
    html = render_sop_html(email, library)
    assert _heads(html) == ["Output", "Lama"]
    assert _heads(render_sop_html(email, library, lang="en")) == ["Output", "Duration"]
    assert ">Keterangan</th>" not in html and "Rekaman:" not in html
    # each row: No, Kegiatan, then Output and Waktu in that order (the Pelaksana cell spans the rows)
    step = email.steps[1]
    row = html.split('id="s-2"', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r'<td(?: data-hy="\d+")?><div class="clip">(.*?)</div></td>', row)
    assert cells[1:] == [step.output, step.time]
    # the table fills the page's width: the lanes take what the fixed columns leave
    layout = sop_layout(document_view(email, library), email)
    fixed = COL_NO + COL_ACTIVITY + sum(c.width for c in layout.columns)
    assert layout.notes is None
    assert abs(fixed + layout.lane_width * len(layout.actors) - sop_page(PAPERS["A4"]).body_width) < 1e-6
    default = sop_layout(document_view(email, sample_library), email)
    assert layout.lane_width > default.lane_width  # Kelengkapan and Keterangan's room went to the lanes
    assert default.notes == "Keterangan" and fixed + COL_NOTES < 277


def test_input_column_prints_the_step_input(sample_library: Library, email: Procedure) -> None:
    proc = email.model_copy(deep=True)
    proc.steps[0].input = ["Memo permohonan", "Daftar nama"]
    library = _with(sample_library, sop={"quality_columns": [{"field": "input"}, "time", "output"]})
    html = render_sop_html(proc, library)
    assert _heads(html) == ["Input", "Waktu", "Output"]
    row = html.split('id="s-1"', 1)[1].split("</tr>", 1)[0]
    assert "<li>Memo permohonan</li><li>Daftar nama</li>" in row
    assert "Kelengkapan" not in html.split("</thead>", 1)[0].split('<table class="sop-flow"', 1)[1]


def test_a_column_listed_twice_is_refused_at_its_line(sample_path: Path, tmp_path: Path) -> None:
    root = tmp_path / "lib"
    shutil.copytree(sample_path, root)
    text = (root / "pustaka.yaml").read_text(encoding="utf-8")
    (root / "pustaka.yaml").write_text(text + "sop:\n  quality_columns: [time, output, time]\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_library(root)
    message = str(err.value)
    assert "pustaka.yaml" in message and "quality_columns" in message and "time" in message
    line = len(text.splitlines()) + 2
    assert f":{line}:" in message, message


def test_a_step_field_the_sop_does_not_print_is_reported(sample_library: Library, email: Procedure) -> None:
    proc = email.model_copy(deep=True)
    proc.steps[2].input = ["Formulir"]
    proc.steps[3].notes = "Catatan"
    library = sample_library.model_copy(update={"procedures": [proc]})
    found = [f for f in lint(library) if f.code == "P217"]
    assert [f.path for f in found] == ["steps[2].input"], [f.message() for f in found]
    assert "pustaka.yaml" in found[0].message()
    narrow = _with(library, sop={"quality_columns": ["input", "time"], "notes_column": False})
    found = {f.path for f in lint(narrow) if f.code == "P217"}
    assert {"steps[3].notes", "steps[0].output", "steps[0].requirements"} <= found
    assert "steps[2].input" not in found
    # the default library prints everything it always did: the sample stays clean
    assert not [f for f in lint(sample_library) if f.code == "P217"]


def test_mutu_baku_completeness_follows_the_library_columns() -> None:
    library, proc = _sop053()
    proc = proc.model_copy(deep=True)
    proc.steps[0].input = ["Tiket"]
    with_input = _with(library.model_copy(update={"procedures": [proc]}),
                       sop={"quality_columns": ["input", "time", "output"]})
    found = {f.path for f in lint(with_input) if f.code == "P216"}
    assert "steps[1]" in found  # step 1 fills Input, step 2 does not
    assert not [f for f in lint(library) if f.code == "P216"]


# -- control fields --------------------------------------------------------------------------------
def test_sop053_prints_its_control_fields_as_signed() -> None:
    library, proc = _sop053()
    html = render_sop_html(proc, library)
    assert '<td class="sop-no">SOP-053/17000/2025</td>' in html  # no "(Revisi 1)": revision_suffix: false
    assert "<td>26 Mei 2025</td>" in html  # Tanggal Revisi all the same
    assert '<div class="line">Badan Pusat Statistik</div><div class="line">Provinsi Bengkulu</div>' in html
    # Peringatan and Keterkaitan are empty and printed empty (empty_cell: ""), not "-"
    assert '<span class="none"></span>' in html and '<span class="none">-</span>' not in html
    assert "<li>IP Address, Nama PC, Nama Group Jaringan</li>" in html  # a record without a number
    default = _with(library, sop={})
    assert '<td class="sop-no">SOP-053/17000/2025 (Revisi 1)</td>' in render_sop_html(proc, default)
    assert '<span class="none">-</span>' in render_sop_html(proc, default)


def test_organisation_lines_in_the_document_header_and_docx() -> None:
    library, proc = _sop053()
    html = render_html(proc, library)
    header = html.split('<header class="doc-header">', 1)[1].split("</header>", 1)[0]
    assert '<div class="line">Badan Pusat Statistik</div><div class="line">Provinsi Bengkulu</div>' in header
    assert 'content="Badan Pusat Statistik Provinsi Bengkulu"' in html  # one line where one line is meant
    doc = Document(io.BytesIO(render_docx(proc, library)))
    cell = doc.sections[0].header.tables[0].cell(0, 0)  # logo and organisation, as the PDF's header
    runs = cell._tc.xml
    assert "BADAN PUSAT STATISTIK" in runs and "PROVINSI BENGKULU" in runs
    assert re.search(r"BADAN PUSAT STATISTIK</w:t>.*?<w:br/>.*?PROVINSI BENGKULU", runs, re.S)


def test_records_without_a_number(sample_library: Library, email: Procedure) -> None:
    proc = email.model_copy(deep=True)
    proc.records += [Record(name="Log harian"), Record(name="Daftar hadir")]
    library = sample_library.model_copy(update={"procedures": [proc]})
    codes = {f.code for f in lint(library)}
    assert "P312" not in codes and "P313" not in codes  # two records without a number are not duplicates
    html = render_html(proc, library)
    assert "<td class=\"nowrap\"></td><td>Log harian</td>" in html
    assert "<li>Log harian</li>" in render_sop_html(proc, library)
    proc.records.append(Record(name="Formulir tanpa nomor", form=True))
    found = [f for f in lint(library) if f.code == "P313"]
    assert len(found) == 1 and "Formulir tanpa nomor" in found[0].message()


# -- paper -----------------------------------------------------------------------------------------
def _pages(pdf: bytes) -> list[Any]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [(float(p.width), float(p.height), list(p.rects) + list(p.lines) + list(p.chars)) for p in doc.pages]


def _check_pages(pdf: bytes, box: Any, tolerance: float = 1.5) -> int:
    """Every page has the box's size (Chromium rounds to about a point) and nothing drawn crosses its side
    margins; the number of pages."""
    pages = _pages(pdf)
    for width, height, objects in pages:
        assert abs(width - box.width * PT) < tolerance and abs(height - box.height * PT) < tolerance
        left, right = box.margin[3] * PT - 1.0, width - box.margin[1] * PT + 1.0
        for obj in objects:
            assert left <= obj["x0"] and obj["x1"] <= right, (box.paper.name, obj.get("text"), obj["x0"], obj["x1"])
    return len(pages)


@pytest.fixture(scope="module")
def printer() -> Any:
    if chromium.chromium_executable() is None:
        yield None
        return
    with ChromiumPrinter() as p:
        yield p


@pytest.mark.parametrize("name", ["A4", "F4", "Letter"])
@pytest.mark.parametrize("engine", ["weasyprint", "chromium"])
def test_pdfs_are_on_the_library_paper_and_fit(sample_library: Library, name: str, engine: str,
                                               printer: Any) -> None:
    if engine == "chromium" and printer is None:
        pytest.skip("Chromium not installed")
    library = _with(sample_library, paper=name)
    proc = library.procedure("P.SMLTI 21")  # three SOP pages, off-page connectors
    assert proc is not None
    sheet = PAPERS[name]
    chosen = printer if engine == "chromium" else None
    layout = sop_layout(document_view(proc, library), proc)
    assert layout.width == pytest.approx(sop_page(sheet).body_width)
    for page in layout.pages:  # the rows fit the page's height budget on this paper
        assert page.lanes_height + layout.head <= layout.body
    sop = render_sop_pdf(proc, library, printer=chosen)
    assert _check_pages(sop, sop_page(sheet)) == 1 + len(layout.pages)  # no row spilled onto a page of its own
    _check_pages(render_pdf(proc, library, printer=chosen), document_page(sheet))


def test_flowchart_is_fitted_to_the_document_body_on_each_paper(sample_library: Library) -> None:
    proc = sample_library.procedure("P.SMLTI 21")
    assert proc is not None
    for sheet in PAPERS.values():
        html = render_html(proc, _with(sample_library, paper=sheet.name))
        box = document_page(sheet)
        sizes = re.findall(r'<svg\b[^>]*class="flowchart[^"]*"[^>]*>', html) or re.findall(r"<svg\b[^>]*>", html)
        charts = [(float(w), float(h)) for tag in sizes
                  for w, h in re.findall(r'width="([\d.]+)mm"\s+height="([\d.]+)mm"', tag)]
        assert charts, sheet
        for w, h in charts:
            assert w <= box.body_width + 0.01 and h <= box.body_height, (sheet.name, w, h)


@pytest.mark.parametrize("name", ["A4", "F4", "Letter", "Legal"])
def test_docx_section_is_the_library_paper_portrait(sample_library: Library, email: Procedure, name: str) -> None:
    doc = Document(io.BytesIO(render_docx(email, _with(sample_library, paper=name))))
    section = doc.sections[0]
    sheet = PAPERS[name]
    assert abs(section.page_width.mm - sheet.width) < 0.05 and abs(section.page_height.mm - sheet.height) < 0.05
    assert section.page_height > section.page_width
    usable = section.page_width - section.left_margin - section.right_margin
    header = section.header.tables[0]
    assert abs(sum(c.width for c in header.columns) - usable) < 36000  # the control header spans the text width
    for shape in doc.inline_shapes:  # the flowchart pages fit inside the margins (Word keeps them in twips)
        assert shape.width <= usable + 1000


def test_unknown_paper_is_refused(sample_path: Path, tmp_path: Path) -> None:
    root = tmp_path / "lib"
    shutil.copytree(sample_path, root)
    text = (root / "pustaka.yaml").read_text(encoding="utf-8")
    (root / "pustaka.yaml").write_text(text + "paper: A5\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_library(root)
    assert "paper" in str(err.value) and "pustaka.yaml" in str(err.value)


def test_sop053_is_on_the_original_paper_with_its_identity_cells(tmp_path: Path) -> None:
    if not SOP053_PDF.is_file():
        pytest.skip(f"reference SOP not found: {SOP053_PDF} (../shared/reference is absent)")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    library, proc = _sop053()
    ours = render_sop_pdf(proc, library)
    (width, height, _), *_ = _pages(ours)
    (o_width, o_height, _), *_ = _pages(SOP053_PDF.read_bytes())
    assert abs(width - o_width) < 1 and abs(height - o_height) < 1
    path = tmp_path / "ours.pdf"
    path.write_bytes(ours)

    def first_page(pdf: Path) -> str:
        out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True)
        return " ".join(out.stdout.split())

    original, printed = first_page(SOP053_PDF), first_page(path)
    for cell in ("SOP-053/17000/2025", "8 Januari 2021", "26 Mei 2025", "2 Juni 2025", "BADAN PUSAT STATISTIK",
                 "PROVINSI BENGKULU", "IP Address, Nama PC, Nama Group Jaringan"):
        assert cell in original and cell in printed, cell
    assert "(Revisi" not in original and "(Revisi" not in printed
