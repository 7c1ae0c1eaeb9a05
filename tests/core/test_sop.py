"""PermenPAN-RB SOP: identity sheet fields, the flowchart table's layout, and the PDF's text."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from prosedur.model import Library, Procedure
from prosedur.render.document import document_view
from prosedur.render.sop import (
    BAND,
    PAGE_BODY,
    page_svg,
    render_sop_html,
    render_sop_pdf,
    sop_layout,
    wrapped_lines,
)

SVG = "{http://www.w3.org/2000/svg}"


def _pdf_text(pdf: bytes, tmp: Path) -> str:
    path = tmp / "sop.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_wrapped_lines_estimate() -> None:
    assert wrapped_lines("", 50) == 0
    assert wrapped_lines("kata", 50) == 1
    long = " ".join(["kegiatan"] * 40)
    assert wrapped_lines(long, 30) > wrapped_lines(long, 60) > 1
    assert wrapped_lines("x" * 200, 20) >= 200 // 12


def test_identity_sheet(email: Procedure, sample_library: Library) -> None:
    html = render_sop_html(email, sample_library)
    for text in ("Nomor SOP", "Tanggal Pembuatan", "Tanggal Revisi", "Tanggal Efektif", "Disahkan oleh",
                 "Nama SOP", "Dasar Hukum", "Kualifikasi Pelaksana", "Keterkaitan", "Peralatan/Perlengkapan",
                 "Peringatan", "Pencatatan dan Pendataan", "23 November 2018", "Dr. Bambang Hermawan",
                 "196909251996031001", "Peraturan Presiden Nomor 95 Tahun 2018", "F.SMLTI 19-01"):
        assert text in html, text


@pytest.mark.parametrize("number", ["P.SMLTI 19", "P.SMLTI 18", "P.SMLTI 21"])
def test_layout_pages_fit_and_connectors_pair(sample_library: Library, number: str) -> None:
    proc = sample_library.procedure(number)
    assert proc is not None
    view = document_view(proc, sample_library)
    layout = sop_layout(view, proc)
    rows = [row.step.number for page in layout.pages for row in page.rows]
    assert rows == list(range(1, len(proc.steps) + 1))
    for page in layout.pages:
        assert page.rows
        assert page.lanes_height <= PAGE_BODY - 20 + 2 * BAND
    for conn in layout.connectors:
        assert conn.source_page != conn.target_page
        src = layout.pages[conn.source_page - 1]
        dst = layout.pages[conn.target_page - 1]
        assert conn in src.outgoing and conn in dst.incoming
        for page in (src, dst):
            labels = [t.text for t in ET.fromstring(page_svg(layout, page, "id")).iter(f"{SVG}text")]
            assert conn.letter in labels


def test_symbols_sit_in_the_actor_column_at_row_centre(email: Procedure, sample_library: Library) -> None:
    view = document_view(email, sample_library)
    layout = sop_layout(view, email)
    page = layout.pages[0]
    root = ET.fromstring(page_svg(layout, page, "id"))
    groups = [g for g in root.iter(f"{SVG}g") if (g.get("class") or "").startswith("symbol")]
    assert len(groups) == len(page.rows)
    top = page.top_band
    for row, group in zip(page.rows, groups, strict=True):
        shape = [el for el in group if el.tag != f"{SVG}title"][0]
        if shape.tag.endswith("rect"):
            x, w = float(shape.get("x", 0)), float(shape.get("width", 0))
            y, h = float(shape.get("y", 0)), float(shape.get("height", 0))
            cx, cy = x + w / 2, y + h / 2
        else:
            pts = [tuple(map(float, p.split(","))) for p in (shape.get("points") or "").split()]
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        assert row.column * layout.lane_width < cx < (row.column + 1) * layout.lane_width
        assert cx == pytest.approx((row.column + 0.5) * layout.lane_width, abs=0.05)
        assert cy == pytest.approx(top + row.height / 2, abs=0.05)
        top += row.height


def test_decision_loop_back_is_drawn_with_its_label(email: Procedure, sample_library: Library) -> None:
    layout = sop_layout(document_view(email, sample_library), email)
    svg = "".join(page_svg(layout, p, "id") for p in layout.pages)
    assert ">Ya</text>" in svg and ">Tidak</text>" in svg


@pytest.fixture(scope="module")
def sop_pdf_18(sample_library: Library) -> bytes:
    proc = sample_library.procedure("P.SMLTI 18")
    assert proc is not None
    return render_sop_pdf(proc, sample_library)


def test_sop_pdf_has_every_activity_and_actor(sop_pdf_18: bytes, sample_library: Library, tmp_path: Path,
                                              artifacts: Path) -> None:
    proc = sample_library.procedure("P.SMLTI 18")
    assert proc is not None
    text = _norm(_pdf_text(sop_pdf_18, tmp_path))
    view = document_view(proc, sample_library)
    for step in view.steps:
        assert _norm(step.text) in text, step.text
    for _, name in view.actors:
        # actor headers wrap inside narrow columns: compare word by word
        assert all(word in text for word in name.split()), name
    assert "Nomor SOP" in text and "Mutu Baku" in text and "Kelengkapan" in text
    pages = len(sop_layout(view, proc).pages) + 1
    assert f"Halaman {pages} dari {pages}" in text
    out = artifacts / "pdf"
    out.mkdir(exist_ok=True)
    (out / "sop-p-smlti-18.pdf").write_bytes(sop_pdf_18)
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(out / "sop-p-smlti-18.pdf"), str(out / "sop-p-smlti-18")],
                   check=True)


def test_sop_english(email: Procedure, sample_library: Library) -> None:
    html = render_sop_html(email, sample_library, lang="en")
    assert "SOP number" in html and "Quality standard" in html and "Head of PUSDATIN" in html
