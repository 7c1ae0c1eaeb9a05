"""`prosedur import`: the reader against hand-checked expected files, the rates over the reference SOPs,
refusals of bad input, and sources that load and lint."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from prosedur.cli import cli
from prosedur.importer.pdf import ImportError_, read_pdf
from prosedur.importer.run import _library, import_files
from prosedur.importer.sheet import ReadRow, ReadSheet, ReadSymbol
from prosedur.importer.source import to_procedure_data
from prosedur.lint import lint
from prosedur.load import load_library
from tests.pdf_bytes import pdf_of

from .import_check import (
    MEASURES,
    REFERENCE,
    assert_reads_back,
    expected_files,
    load,
    rate,
    reference_pdf,
    score,
)

needs_reference = pytest.mark.skipif(
    not REFERENCE.is_dir(), reason=f"the reference SOPs are not here ({REFERENCE}): import rates not measured")

TARGETS = {"activities": 1.0, "pairs": 0.97, "mutu": 0.97, "identity": 0.97, "exits": 0.90}


def _pdf(pages: list[bytes]) -> bytes:
    """A minimal valid PDF whose pages have the given content streams (text in Helvetica)."""
    objs: list[bytes] = []
    n = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    font = 3 + 2 * n
    for i, content in enumerate(pages):
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
                    f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode())
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return pdf_of(objs, b"1.4")


def _refused(path: Path, msg_id: str, tmp_path: Path) -> None:
    start = time.monotonic()
    with pytest.raises(ImportError_) as info:
        read_pdf(path)
    assert info.value.msg_id == msg_id
    assert info.value.message("id") and info.value.message("en") != info.value.message("id")
    lib = tmp_path / "lib"
    results = import_files([path], lib, jobs=1)
    assert results[0].error and not results[0].written
    assert not lib.exists(), "nothing is written for a refused file"
    assert time.monotonic() - start < 5


def test_not_a_pdf(tmp_path: Path) -> None:
    p = tmp_path / "x.pdf"
    p.write_text("Nomor SOP: bukan PDF\n")
    _refused(p, "not_pdf", tmp_path)


def test_pdf_without_text_is_a_scan(tmp_path: Path) -> None:
    p = tmp_path / "scan.pdf"
    p.write_bytes(_pdf([b"0 0 0 rg 100 100 200 200 re f"]))
    _refused(p, "no_text", tmp_path)


def test_pdf_that_is_not_an_sop(tmp_path: Path) -> None:
    p = tmp_path / "letter.pdf"
    p.write_bytes(_pdf([b"BT /F1 12 Tf 72 700 Td (Surat undangan rapat) Tj ET"]))
    _refused(p, "not_sop", tmp_path)


def test_too_many_pages(tmp_path: Path) -> None:
    p = tmp_path / "long.pdf"
    p.write_bytes(_pdf([b"BT /F1 12 Tf 72 700 Td (Halaman) Tj ET"] * 200))
    _refused(p, "too_many_pages", tmp_path)


def test_encrypted(tmp_path: Path) -> None:
    pytest.importorskip("pyhanko")
    from pyhanko.pdf_utils.crypt import StandardSecurityHandler
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import PdfFileWriter, copy_into_new_writer

    src = tmp_path / "plain.pdf"
    src.write_bytes(_pdf([b"BT /F1 12 Tf 72 700 Td (Nomor SOP) Tj ET"]))
    with src.open("rb") as fh:
        w: PdfFileWriter = copy_into_new_writer(PdfFileReader(fh))
        w.security_handler = StandardSecurityHandler.build_from_pw("rahasia", "rahasia")
        w._encrypt = w.add_object(w.security_handler.as_pdf_object())
        out = tmp_path / "locked.pdf"
        with out.open("wb") as o:
            w.write(o)
    _refused(out, "encrypted", tmp_path)


@needs_reference
def test_truncated(tmp_path: Path) -> None:
    src = reference_pdf("bps-bengkulu-sop-053-permintaan-setting-jaringan.pdf")
    assert src is not None
    p = tmp_path / "cut.pdf"
    p.write_bytes(src.read_bytes()[:20000])
    _refused(p, "truncated", tmp_path)


@needs_reference
@pytest.mark.parametrize("expected", expected_files(), ids=lambda p: p.stem)
def test_read_matches_hand_checked_file(expected: Path) -> None:
    exp = load(expected)
    pdf = reference_pdf(exp["file"])
    assert pdf is not None, exp["file"]
    sheet = read_pdf(pdf)
    assert (sheet.paper, sheet.orientation) == (exp["paper"], exp["orientation"])
    assert sheet.lanes == exp["lanes"]
    assert sheet.mutu_headings == exp["mutu_headings"]
    got = score(sheet, exp)
    assert got["activities"][0] == got["activities"][1], got
    if exp.get("ocr"):  # from a picture: its rates are held in tests/core/test_import_ocr.py (needs Tesseract)
        assert got["identity"][0] == got["identity"][1], got
        return
    assert got["pairs"][0] == got["pairs"][1], got
    assert got["kinds"][0] == got["kinds"][1], got  # no symbol missed, none too many
    assert got["order"][0] == got["order"][1], got


@needs_reference
def test_rates_over_expected_files() -> None:
    """The issue's targets, over every hand-checked file with a drawn table (the bench prints the same
    rates, and those of the OCRed pictures apart)."""
    totals: dict[str, list[tuple[int, int]]] = {m: [] for m in MEASURES}
    for expected in expected_files():
        exp = load(expected)
        if exp.get("ocr"):
            continue
        pdf = reference_pdf(exp["file"])
        assert pdf is not None
        got = score(read_pdf(pdf), exp)
        for m in MEASURES:
            totals[m].append(got[m])
    rates = {m: rate(v) for m, v in totals.items()}
    misses = {m: round(rates[m], 3) for m, t in TARGETS.items() if rates[m] < t}
    assert not misses, f"below target: {misses} (all: {rates})"


@needs_reference
def test_import_cli_writes_sources_that_load_and_lint(tmp_path: Path) -> None:
    files = [reference_pdf(n) for n in ("bps-bengkulu-sop-053-permintaan-setting-jaringan.pdf",
                                        "bps-bengkulu-sop-055-administrasi-jaringan.pdf")]
    lib = tmp_path / "lib"
    report = tmp_path / "r.json"
    res = CliRunner().invoke(cli, ["import", *map(str, files), "--into", str(lib), "--report-json", str(report),
                                   "--jobs", "1"])
    assert res.exit_code == 0, res.output
    assert "2 diimpor" in res.output and "2 hlm., Letter landscape" in res.output
    data = json.loads(report.read_text())
    assert [d["read"]["number"] for d in data] == ["SOP-053/17000/2025", "SOP-055/17000/2025"]
    library, problems = load_library(lib)
    assert not problems and len(library.procedures) == 2
    assert library.info.profile == "permenpan"
    # the library takes what the originals print (as examples/permenpan/pustaka.yaml does by hand)
    assert library.info.paper == "Letter"
    assert library.info.organisation == "BADAN PUSAT STATISTIK\nPROVINSI BENGKULU"
    assert [(c.field, c.heading) for c in library.info.sop.quality_columns] == [
        ("requirements", None), ("time", None), ("output", None)]
    assert library.info.sop.revision_suffix is False and library.info.sop.notes_column is True
    findings = lint(library, problems)
    p053 = library.procedure("SOP-053/17000/2025")
    assert p053 is not None and [s.actors for s in p053.steps][0] == ["pegawai", "admin_pjk_tip"]
    assert [r.id for r in p053.records] == [None], "no made-up record number"
    assert p053.revision == 1 and [(h.revision, str(h.date), h.change) for h in p053.history] == [
        (1, "2025-05-26", "")], "Tanggal Revisi kept without an invented change"
    errors = [f for f in findings if f.severity == "error" and f.file.endswith("sop_053_17000_2025.yaml")]
    assert not errors, [f.message() for f in errors]
    # a second run does not overwrite what someone may have corrected
    again = CliRunner().invoke(cli, ["import", str(files[0]), "--into", str(lib), "--jobs", "1", "--lang", "en"])
    assert "not overwritten" in again.output or "tidak ditimpa" in again.output


def _sheet(name: str, headings: list[str], paper: str = "A4", notes: str | None = "Keterangan") -> ReadSheet:
    return ReadSheet(file=name, paper=paper, orientation="landscape", organisation=["INSTANSI"],
                     number=f"SOP-{name}/2025", title=name, mutu_headings=headings, notes_heading=notes)


def test_library_takes_columns_headings_and_paper_when_files_agree(tmp_path: Path) -> None:
    sheets = [_sheet("1", ["Persyaratan/ Kelengkapan", "Input", "Waktu", "Output"], "Legal", "Ket."),
              _sheet("2", ["Persyaratan/  Kelengkapan", "Input", "Waktu", "Output"], "Legal", "Ket.")]
    info, _ = _library(tmp_path, sheets)
    assert [(c.field, c.heading) for c in info.sop.quality_columns] == [
        ("requirements", "Persyaratan/ Kelengkapan"), ("input", None), ("time", None), ("output", None)]
    assert info.paper == "Legal" and info.sop.notes_heading == "Ket." and info.sop.revision_suffix is False
    assert not any(s.issues for s in sheets)


def test_library_reports_files_that_disagree(tmp_path: Path) -> None:
    sheets = [_sheet("1", ["Kelengkapan", "Waktu", "Output"]), _sheet("2", ["Kelengkapan", "Waktu", "Output"]),
              _sheet("3", ["Waktu", "Output"], "Letter", None)]
    info, _ = _library(tmp_path, sheets)
    assert info.sop.quality_fields == ["requirements", "time", "output"]  # the default: nothing chosen
    assert "quality_columns" not in (tmp_path / "pustaka.yaml").read_text() and "paper" not in (
        tmp_path / "pustaka.yaml").read_text()
    assert not sheets[0].issues and not sheets[1].issues
    assert sorted(i.msg_id for i in sheets[2].issues) == ["library_columns", "library_paper"]
    assert "Waktu | Output" in sheets[2].issues[0].text() + sheets[2].issues[1].text()


def test_input_column_goes_to_step_input() -> None:
    sheet = _sheet("1", ["Kelengkapan", "Input", "Waktu", "Output", "Catatan"])
    sheet.lanes = ["Pegawai"]
    sheet.rows = [ReadRow("1", "Mengisi formulir", 1, [ReadSymbol("start", [0], 1, (0, 0, 1, 1))],
                          ["KTP", "Formulir", "5 menit", "Formulir terisi", "dicek"])]
    step = to_procedure_data(sheet, None)["steps"][0]
    assert (step["requirements"], step["input"], step["time"], step["output"]) == (
        ["KTP"], ["Formulir"], "5 menit", "Formulir terisi")
    assert step["notes"] == "Catatan: dicek"


@needs_reference
@pytest.mark.parametrize("name", ["bps-bengkulu-sop-053-permintaan-setting-jaringan.pdf",
                                  "bps-bengkulu-sop-014-monitoring-rencana-strategis.pdf",
                                  "bps-bengkulu-sop-055-administrasi-jaringan.pdf",
                                  "bps-bengkulu-sop-026-pengiriman-dokumen.pdf"])
def test_round_trip_import_build_import_gives_the_same_source(name: str, tmp_path: Path) -> None:
    """import → our SOP PDF (render_sop_pdf) → import again: the same source, item for item."""
    from prosedur.render.sop import render_sop_pdf
    from prosedur.serialize import serialize_procedure

    src = reference_pdf(name)
    assert src is not None
    first = tmp_path / "a"
    assert import_files([src], first, jobs=1)[0].written
    lib, problems = load_library(first)
    assert not problems
    built = tmp_path / "built.pdf"
    built.write_bytes(render_sop_pdf(lib.procedures[0], lib))
    second = tmp_path / "b"
    res = import_files([built], second, jobs=1)
    assert res[0].written, res[0].error
    lib2, problems2 = load_library(second)
    assert not problems2
    assert serialize_procedure(lib2.procedures[0]) == serialize_procedure(lib.procedures[0])


def test_library_takes_blank_empty_cells_when_every_original_leaves_them_blank(tmp_path: Path) -> None:
    blank = [_sheet("1", ["Kelengkapan"]), _sheet("2", ["Kelengkapan"])]
    for s in blank:
        s.empty_marks = [""]
    info, _ = _library(tmp_path / "a", blank)
    assert info.sop.empty_cell == ""
    mixed = [_sheet("1", ["Kelengkapan"]), _sheet("2", ["Kelengkapan"])]
    mixed[0].empty_marks, mixed[1].empty_marks = [""], ["-"]
    info, _ = _library(tmp_path / "b", mixed)
    assert info.sop.empty_cell == "-"


def test_empty_identity_cell_is_noted_as_printed(tmp_path: Path) -> None:
    """A Word SOP whose Tanggal Revisi cell is blank: read as blank, and the library says so."""
    from .docx_sop import write_sop_docx
    from .import_check import EXPECTED

    exp = load(EXPECTED / "sop-053.json")
    exp["revised"] = ""
    path = write_sop_docx(exp, "markers", tmp_path / "a.docx")
    res = import_files([path], tmp_path / "lib", jobs=1)[0]
    assert res.sheet is not None and res.sheet.empty_marks == [""]
    library, _ = load_library(tmp_path / "lib")
    assert library.info.sop.empty_cell == ""


@needs_reference
def test_next_label_printed_on_the_arrow_to_the_next_row_is_read(tmp_path: Path) -> None:
    """A step's next_label, printed by render_sop_pdf on the arrow to the next row, is read back as such."""
    from prosedur.render.sop import render_sop_pdf

    src = reference_pdf("bps-bengkulu-sop-053-permintaan-setting-jaringan.pdf")
    assert src is not None
    first = tmp_path / "a"
    import_files([src], first, jobs=1)
    source = next((first / "prosedur").glob("*.yaml"))
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("  - id: k02\n", "    next_label: Disetujui\n  - id: k02\n", 1), encoding="utf-8")
    lib, problems = load_library(first)
    assert not problems and lib.procedures[0].steps[0].next_label == "Disetujui"
    built = tmp_path / "built.pdf"
    built.write_bytes(render_sop_pdf(lib.procedures[0], lib))
    res = import_files([built], tmp_path / "b", jobs=1)[0]
    assert res.sheet is not None and [r.next_label for r in res.sheet.rows][:3] == ["Disetujui", None, None]
    again, _ = load_library(tmp_path / "b")
    assert again.procedures[0].steps[0].next_label == "Disetujui"


def test_a_hop_is_one_stroke_and_a_white_ground_no_line() -> None:
    """A line with a hop over another (line, arc, line) is one segment the other crosses; the white
    ground under a label draws no line (both are how our own SOP PDF prints, read back)."""
    from types import SimpleNamespace

    from prosedur.importer.geometry import page_segments

    hop = {"pts": [(292.8, 376.4), (290.5, 376.4), (286.7, 376.4), (219.6, 376.4), (219.6, 413.2)],
           "stroke": True, "fill": False}
    ground = {"x0": 327.0, "top": 395.0, "x1": 375.0, "bottom": 403.0, "width": 48.0, "height": 8.0,
              "stroke": False, "fill": True, "non_stroking_color": (1.0, 1.0, 1.0)}
    box = {**ground, "stroke": True, "fill": False}
    segs = page_segments(SimpleNamespace(lines=[], rects=[ground], curves=[hop]))
    assert [(s.x0, s.y0, s.x1, s.y1) for s in segs] == [(292.8, 376.4, 219.6, 376.4), (219.6, 376.4, 219.6, 413.2)]
    assert len(page_segments(SimpleNamespace(lines=[], rects=[box], curves=[]))) == 4


@pytest.mark.parametrize("k, lanes", [(30, 6), (60, 8), (0, 0)])
def test_our_sop_pdf_of_several_pages_imports_whole(k: int, lanes: int, tmp_path: Path) -> None:
    """Our SOP PDF whose table runs over several pages (the header repeated on each, off-page connectors
    in bands above and below a page's steps): the header rows and the bands add no step, the letters and
    page references are no exit labels, and an exit through an off-page connector goes to the step the
    connector of the same letter leads to on its page (not to the next row)."""
    from prosedur.render.sop import render_sop_pdf
    from prosedur.synth import hard_text_procedure, synthetic_procedure

    proc = synthetic_procedure(k, seed=k, lanes=lanes) if k else hard_text_procedure()
    pdf = tmp_path / "sop.pdf"
    pdf.write_bytes(render_sop_pdf(proc, None))
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) > 2, "the table should run over several pages"
    assert_reads_back(proc, pdf, tmp_path / "b", across=bool(k))


@pytest.mark.parametrize("lines, joined", [
    (["ke https://", "layanan.go.id/permohonan/", "formulir?", "versi=2"], "ke https://layanan.go.id/permohonan/formulir?versi=2"),
    (["lihat https://layanan.go.id/unduh", "sebagai bukti"], "lihat https://layanan.go.id/unduh sebagai bukti"),
    (["Bagian Umum /", "Keuangan"], "Bagian Umum / Keuangan"),
])
def test_a_web_address_broken_over_lines_is_joined_whole(lines: list[str], joined: str) -> None:
    from prosedur.importer.pdf import _join

    assert _join(lines) == joined
