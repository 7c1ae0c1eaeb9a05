"""`prosedur import` of Word SOPs: fixtures written from the hand-checked expected files in each symbol style
(tests/core/docx_sop.py) read back equal under the same scorer; hostile packages refused fast with nothing
written; a LibreOffice round trip."""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from prosedur.cli import cli
from prosedur.importer.pdf import ImportError_
from prosedur.importer.run import import_files, read_file
from prosedur.lint import lint
from prosedur.load import load_library

from .docx_sop import STYLES, write_sop_docx
from .import_check import EXPECTED, REFERENCE, assert_reads_back, load, score

CASES = ["sop-053", "sop-055", "sop-014"]


def _exp(name: str) -> dict:
    return load(EXPECTED / f"{name}.json")


def _exact(sheet, exp: dict) -> None:
    assert (sheet.paper, sheet.orientation) == (exp["paper"], exp["orientation"])
    assert sheet.lanes == exp["lanes"] and sheet.mutu_headings == exp["mutu_headings"]
    got = score(sheet, exp)
    assert all(a == b for a, b in got.values()), got
    # symbols in flow order, in their lanes (the scorer counts kinds per row, not their order)
    for row, want in zip(sheet.rows, exp["rows"], strict=True):
        assert [(s.kind, [sheet.lanes[k] for k in s.lanes]) for s in row.symbols] == [
            (s["kind"], s["lanes"]) for s in want["symbols"]], row.number


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("name", CASES)
def test_word_sop_reads_as_the_expected_file(name: str, style: str, tmp_path: Path) -> None:
    exp = _exp(name)
    path = write_sop_docx(exp, style, tmp_path / f"{name}.docx")
    sheet = read_file(path)
    _exact(sheet, exp)
    if style != "markers":  # a drawn exit carries its label; the written ones carry theirs too
        labels = [lb for r in sheet.rows for s in r.symbols for lb, _ in s.exits]
        assert labels and all(lb in ("Ya", "Tidak") for lb in labels) and len(set(labels)) == 2


def test_drawingml_fallback_is_not_read_twice(tmp_path: Path) -> None:
    """Every DrawingML shape has a VML copy in mc:Fallback: one symbol each, not two."""
    exp = _exp("sop-053")
    path = write_sop_docx(exp, "drawingml", tmp_path / "a.docx")
    assert b"mc:Fallback" in zipfile.ZipFile(path).read("word/document.xml")
    assert sum(len(r.symbols) for r in read_file(path).rows) == sum(len(r["symbols"]) for r in exp["rows"])


def test_shape_placed_by_offset_not_by_anchor_cell(tmp_path: Path) -> None:
    """Shapes anchored in the Kegiatan cell stand in the lanes their offsets put them in; moving the
    offsets by one lane moves the actor (the reader follows the drawing, not the anchor)."""
    exp = _exp("sop-053")
    path = write_sop_docx(exp, "drawingml", tmp_path / "a.docx")
    before = [[s.lanes for s in r.symbols] for r in read_file(path).rows]
    assert before[1] == [[2]]
    data = zipfile.ZipFile(path).read("word/document.xml").decode()
    lane_w = int(data.split('<w:gridCol w:w="')[6].split('"')[0])  # identity grid has 3 columns, then No, Kegiatan
    row2 = data.index("Menerima alokasi tugas")
    head, tail = data[:row2], data[row2:]
    i = tail.index("<wp:posOffset>") + len("<wp:posOffset>")
    j = tail.index("<", i)
    tail = tail[:i] + str(int(tail[i:j]) - lane_w * 635) + tail[j:]
    moved = tmp_path / "b.docx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(moved, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, (head + tail).encode() if item.filename == "word/document.xml" else src.read(item))
    assert [s.lanes for s in read_file(moved).rows[1].symbols] == [[1]]


def test_import_cli_writes_word_sources_that_load_and_lint(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_sop_docx(_exp("sop-053"), "drawingml", folder / "sop-053.docx")
    write_sop_docx(_exp("sop-055"), "vml", folder / "sop-055.DOCX")
    lib = tmp_path / "lib"
    res = CliRunner().invoke(cli, ["import", str(folder), "--into", str(lib), "--jobs", "1"])
    assert res.exit_code == 0, res.output
    assert "2 diimpor" in res.output and "Letter landscape" in res.output
    library, problems = load_library(lib)
    assert not problems and sorted(p.number for p in library.procedures) == ["SOP-053/17000/2025", "SOP-055/17000/2025"]
    p053 = library.procedure("SOP-053/17000/2025")
    assert p053 is not None and p053.steps[0].actors == ["pegawai", "admin_pjk_tip"]
    assert [e.to for e in p053.steps[4].exits] == ["k04", "k06"]
    errors = [f for f in lint(library, problems) if f.severity == "error"]
    assert not errors, [f.message() for f in errors]


def test_tick_marks_are_actors_with_an_unread_kind(tmp_path: Path) -> None:
    """A tick says who acts, not the symbol: read as a process, flagged in the report and in `unread`."""
    exp = _exp("sop-053")
    path = write_sop_docx(exp, "markers", tmp_path / "a.docx")
    data = zipfile.ZipFile(path).read("word/document.xml").decode().replace("□", "✓")
    ticked = tmp_path / "t.docx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(ticked, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, data.encode() if item.filename == "word/document.xml" else src.read(item))
    lib = tmp_path / "lib"
    res = import_files([ticked], lib, jobs=1)[0]
    assert res.written and any(i.msg_id == "docx_marker_kind" and i.row == 2 for i in res.sheet.issues)
    library, problems = load_library(lib)
    step = library.procedures[0].steps[1]
    assert step.kind == "process" and step.unread and "proses" in step.unread[0]
    assert any(f.code == "P120" for f in lint(library, problems))


# -- hostile input ---------------------------------------------------------------------------------------


def _refused(path: Path, msg_id: str, tmp_path: Path) -> None:
    start = time.monotonic()
    with pytest.raises(ImportError_) as info:
        read_file(path)
    assert info.value.msg_id == msg_id, info.value.message("en")
    assert info.value.message("id") != info.value.message("en")
    lib = tmp_path / "lib"
    results = import_files([path], lib, jobs=1)
    assert results[0].error and not results[0].written
    assert not lib.exists(), "nothing is written for a refused file"
    assert time.monotonic() - start < 5


def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


MINIMAL = {"[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'}
DOC = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>%s</w:body></w:document>'


@pytest.mark.parametrize("size", [45_000_000, 3_000_000], ids=["over-the-part-limit", "compression-ratio"])
def test_docx_bomb_huge_part(size: int, tmp_path: Path) -> None:
    big = DOC % (b"<w:p/>" * 10 + b" " * size)
    _refused(_zip(tmp_path / "bomb.docx", {**MINIMAL, "word/document.xml": big}), "docx_bomb", tmp_path)


def test_docx_bomb_many_entries(tmp_path: Path) -> None:
    parts = {**MINIMAL, "word/document.xml": DOC % b""} | {f"x/{i}.xml": b"" for i in range(3000)}
    _refused(_zip(tmp_path / "many.docx", parts), "docx_bomb", tmp_path)


def test_docx_bomb_entry_count_claimed_in_the_end_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A package claiming 60 000 entries is refused from its end record, before zipfile lists them."""
    path = _zip(tmp_path / "claim.docx", {**MINIMAL, "word/document.xml": DOC % b""})
    data = bytearray(path.read_bytes())
    at = data.rfind(b"PK\x05\x06")
    data[at + 8:at + 12] = (60_000).to_bytes(2, "little") * 2
    path.write_bytes(bytes(data))

    def listed(*_a: object, **_k: object) -> None:
        raise AssertionError("zipfile was asked to read the package")

    monkeypatch.setattr(zipfile, "ZipFile", listed)
    with pytest.raises(ImportError_) as info:
        read_file(path)
    assert info.value.msg_id == "docx_bomb" and "60000" in info.value.message("en")


def test_docx_bomb_deep_nesting(tmp_path: Path) -> None:
    deep = DOC % (b"<w:sdt>" * 40_000 + b"</w:sdt>" * 40_000)  # small (not caught by size): by the parser's depth limit
    assert len(deep) < 1_000_000
    _refused(_zip(tmp_path / "deep.docx", {**MINIMAL, "word/document.xml": deep}), "docx_bomb", tmp_path)


def test_truncated_docx(tmp_path: Path) -> None:
    whole = write_sop_docx(_exp("sop-053"), "drawingml", tmp_path / "whole.docx").read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(whole[: len(whole) // 2])
    (tmp_path / "whole.docx").unlink()
    _refused(cut, "docx_damaged", tmp_path)


def test_docx_that_is_not_an_sop(tmp_path: Path) -> None:
    letter = DOC % b"<w:p><w:r><w:t>Undangan rapat koordinasi</w:t></w:r></w:p>"
    _refused(_zip(tmp_path / "surat.docx", {**MINIMAL, "word/document.xml": letter}), "docx_not_sop", tmp_path)


def test_zip_that_is_not_word(tmp_path: Path) -> None:
    _refused(_zip(tmp_path / "arsip.docx", {"a.txt": b"halo"}), "docx_not_word", tmp_path)


def test_macro_document_refused(tmp_path: Path) -> None:
    src = write_sop_docx(_exp("sop-053"), "markers", tmp_path / "a.docx")
    docm = tmp_path / "a.docm"
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(docm, "w") as out:
        for item in z.infolist():
            data = z.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
            out.writestr(item, data)
        out.writestr("word/vbaProject.bin", b"\x00" * 64)
    src.unlink()
    _refused(docm, "docx_macro", tmp_path)


def test_legacy_doc_refused(tmp_path: Path) -> None:
    p = tmp_path / "lama.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    _refused(p, "docx_legacy", tmp_path)


def test_external_relationships_are_never_fetched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = write_sop_docx(_exp("sop-053"), "drawingml", tmp_path / "a.docx")
    ext = tmp_path / "ext.pdf"  # judged by content: a DOCX named .pdf is read as a DOCX
    rel = (b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
           b'Target="http://example.invalid/logo.png" TargetMode="External"/></Relationships>')
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(ext, "w") as out:
        for item in z.infolist():
            data = z.read(item)
            if item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", rel)
            out.writestr(item, data)

    def no_network(*_a: object, **_k: object) -> None:
        raise AssertionError("the importer opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    sheet = read_file(ext)
    assert any(i.msg_id == "docx_external" and i.params["n"] == 1 for i in sheet.issues)
    _exact(sheet, _exp("sop-053"))


# -- LibreOffice rewrites the shapes: the import still reads them -------------------------------------------


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_round_trip(tmp_path: Path) -> None:
    exp = _exp("sop-053")
    src = write_sop_docx(exp, "drawingml", tmp_path / "sop.docx")
    out = tmp_path / "lo"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", str(out), str(src)], check=True, timeout=120,
                   capture_output=True)
    again = out / "sop.docx"
    assert zipfile.ZipFile(again).read("word/document.xml") != zipfile.ZipFile(src).read("word/document.xml")
    _exact(read_file(again), exp)


_ = io


@pytest.mark.parametrize("style", ["drawingml", "vml"])
def test_label_on_the_arrow_to_the_next_row_is_next_label(style: str, tmp_path: Path) -> None:
    exp = _exp("sop-053")
    exp["rows"][2]["next_label"] = "Lanjut"
    lib = tmp_path / "lib"
    res = import_files([write_sop_docx(exp, style, tmp_path / "a.docx")], lib, jobs=1)[0]
    assert res.sheet is not None
    assert [r.next_label for r in res.sheet.rows] == [None, None, "Lanjut", None, None, None]
    library, _ = load_library(lib)
    assert [s.next_label for s in library.procedures[0].steps][:4] == [None, None, "Lanjut", None]


@pytest.mark.parametrize("style", ["drawingml", "markers"])
def test_ket_inside_mutu_baku_and_a_column_number_row(style: str, tmp_path: Path) -> None:
    exp = _exp("sop-014")
    sheet = read_file(write_sop_docx(exp, style, tmp_path / "a.docx", layout="ket-in-mutu"))
    assert sheet.notes_heading == "Ket."
    _exact(sheet, exp)


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="the reference SOPs are not here")
@pytest.mark.parametrize("name", ["bps-bengkulu-sop-053-permintaan-setting-jaringan.pdf",
                                  "bps-bengkulu-sop-014-monitoring-rencana-strategis.pdf",
                                  "bps-bengkulu-sop-055-administrasi-jaringan.pdf",
                                  "bps-bengkulu-sop-026-pengiriman-dokumen.pdf"])
def test_round_trip_source_to_our_sop_docx_and_back(name: str, tmp_path: Path) -> None:
    """import (PDF) → our SOP DOCX (render/sop_docx.py: one inline DrawingML group of freeform shapes
    per page) → import that DOCX: the same source, item for item."""
    from prosedur.render.sop_docx import render_sop_docx
    from prosedur.serialize import serialize_procedure

    from .import_check import reference_pdf

    src = reference_pdf(name)
    assert src is not None
    assert import_files([src], tmp_path / "a", jobs=1)[0].written
    lib, problems = load_library(tmp_path / "a")
    assert not problems
    docx = tmp_path / "sop.docx"
    docx.write_bytes(render_sop_docx(lib.procedures[0], lib))
    res = import_files([docx], tmp_path / "b", jobs=1)[0]
    assert res.written, res.error
    lib2, problems2 = load_library(tmp_path / "b")
    assert not problems2
    assert serialize_procedure(lib2.procedures[0]) == serialize_procedure(lib.procedures[0])


def test_cell_margin_of_the_table_moves_shapes_anchored_in_its_cells(tmp_path: Path) -> None:
    """A shape positioned relative to its column starts at the cell's text edge: the table's cell margin."""
    exp = _exp("sop-053")
    path = write_sop_docx(exp, "drawingml", tmp_path / "a.docx")
    assert [s.lanes for s in read_file(path).rows[0].symbols] == [[0], [1]]
    data = zipfile.ZipFile(path).read("word/document.xml").decode()
    tables = data.split("<w:tblPr>")
    tables[2] = '<w:tblCellMar><w:left w:w="1500" w:type="dxa"/></w:tblCellMar>' + tables[2]  # the activity table
    wide = tmp_path / "b.docx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(wide, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, "<w:tblPr>".join(tables).encode() if item.filename == "word/document.xml" else src.read(item))
    assert [s.lanes for s in read_file(wide).rows[0].symbols] == [[1], [2]]


@pytest.mark.parametrize("k, lanes", [(30, 6), (0, 0)])
def test_our_sop_docx_of_several_pages_imports_whole(k: int, lanes: int, tmp_path: Path) -> None:
    """A table per page (our SOP DOCX; many agencies write it so): every page's rows are read, the
    connector bands add no step, and an exit through an off-page connector goes to the step the
    connector of the same letter leads to on its page (not to the next row)."""
    from prosedur.render.sop_docx import render_sop_docx
    from prosedur.synth import hard_text_procedure, synthetic_procedure

    proc = synthetic_procedure(k, seed=k, lanes=lanes) if k else hard_text_procedure()
    docx = tmp_path / "sop.docx"
    docx.write_bytes(render_sop_docx(proc, None))
    assert_reads_back(proc, docx, tmp_path / "b", across=bool(k))


@pytest.mark.parametrize("lines, joined", [
    (["Dise-", "tujui"], "Disetujui"),        # our break at a hyphenation point
    (["hasil-", "hasil"], "hasil-hasil"),     # a reduplication keeps its hyphen
    (["e-", "mail"], "e-mail"),
    (["Sub-", "bagian Umum"], "Subbagian Umum"),
    (["pemeriksa-", "an berkas"], "pemeriksaan berkas"),
])
def test_a_hyphen_at_a_line_break_is_dropped_only_where_the_word_was_broken(lines: list[str], joined: str) -> None:
    from prosedur.importer.pdf import _join

    assert _join(lines) == joined
