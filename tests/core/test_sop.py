"""PermenPAN-RB SOP: identity sheet fields, the flowchart table's layout, and the PDF's text."""

from __future__ import annotations

import os
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prosedur.flow.layout import Geometry, Node, Page, label_box, layout
from prosedur.model import Library, Procedure
from prosedur.render.document import document_view
from prosedur.render.sop import (
    BAND,
    LABEL_MM,
    PAGE_BODY,
    PT,
    page_svg,
    render_sop_html,
    render_sop_pdf,
    sop_html,
    sop_layout,
    wrapped_lines,
)

from .test_layout import check_geometry, flows

SVG = "{http://www.w3.org/2000/svg}"


def _pdf_text(pdf: bytes, tmp: Path) -> str:
    path = tmp / "sop.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def _norm(text: str) -> str:
    """Whitespace squashed; a word hyphenated at a line end (U+2010 at a soft hyphen) joined again."""
    return re.sub(r"\s+", " ", re.sub(r"(?<=\w)\u2010\s*(?=\w)", "", text))


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


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", []):
        yield from _boxes(child)


@pytest.mark.parametrize("as_image", [False, True])
def test_table_rows_are_the_lanes_grid(email: Procedure, sample_library: Library, as_image: bool) -> None:
    """WeasyPrint lays every body row out exactly as tall as the layout says, and the Pelaksana SVG
    spans exactly those rows, so its grid lines lie on the table's rules. One activity is made of
    wide letters the row-height estimate underrates: its cell is clipped, the row does not grow."""
    from weasyprint import HTML

    from prosedur.render.fetch import TEMPLATES, fetcher_for
    from prosedur.render.pdf import svgs_as_images

    proc = email.model_copy(deep=True)
    proc.steps[1].do = " ".join(["WMWMWMWM"] * 12)
    view = document_view(proc, sample_library)
    layout = sop_layout(view, proc)
    html, svgs = svgs_as_images(sop_html(view, proc, None, for_pdf=True), ["sop-lanes"] if as_image else [])
    assert len(svgs) == (len(layout.pages) if as_image else 0)
    memory = {f"prosedur-svg:{n}": (svg.encode(), "image/svg+xml") for n, svg in enumerate(svgs)}
    doc = HTML(string=html, base_url=TEMPLATES.as_uri() + "/", url_fetcher=fetcher_for(None, memory),
               media_type="print").render()
    mm = 25.4 / 96  # WeasyPrint works in CSS px
    flow_pages = doc.pages[1:]
    assert len(flow_pages) == len(layout.pages)
    for page, expected in zip(flow_pages, layout.pages, strict=True):
        boxes = list(_boxes(page._page_box))
        rows = [b for b in boxes if b.element_tag == "tr"
                and (b.element.get("id") or "band" in (b.element.get("class") or ""))]
        heights = ([expected.top_band] if expected.top_band else []) + [r.height for r in expected.rows]
        heights += [expected.bottom_band] if expected.bottom_band else []
        pitches = [(b.position_y - a.position_y) * mm for a, b in zip(rows, rows[1:], strict=False)]
        pitches.append(rows[-1].height * mm)
        assert pitches == pytest.approx(heights, abs=0.01)
        lanes = [b for b in boxes if "Replaced" in type(b).__name__
                 and "sop-lanes" in (b.element.get("class") or "")]
        assert len(lanes) == 1
        top = (lanes[0].position_y + lanes[0].margin_top) * mm
        assert top == pytest.approx(rows[0].position_y * mm, abs=0.01)
        assert lanes[0].height * mm == pytest.approx(expected.lanes_height, abs=0.01)


def test_sop_english(email: Procedure, sample_library: Library) -> None:
    html = render_sop_html(email, sample_library, lang="en")
    assert "SOP number" in html and "Quality standard" in html and "Head of PUSDATIN" in html


# -- geometry of the Pelaksana cell: the layout engine inside the table's grid -------------------------

def _diamond_meets(node: Node, box: tuple[float, float, float, float]) -> bool:
    """Sampled test, independent of the engine's own: any point of the box inside the diamond?"""
    x, y, w, h = box
    for i in range(21):
        for j in range(11):
            px, py = x + w * i / 20, y + h * j / 10
            if abs(px - node.cx) / (node.w / 2) + abs(py - node.cy) / (node.h / 2) < 0.999:
                return True
    return False


def _meets(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def check_sop_page(page: Page, width: float) -> None:
    """Exit labels clear of each other and of every symbol; every line inside the Pelaksana cell."""
    boxes = [(e, label_box(e.label_at, e.label_anchor, e.printed_label, LABEL_MM * PT))
             for e in page.edges if e.label and e.label_at]
    for i, (edge, box) in enumerate(boxes):
        for node in page.nodes:
            if node.kind == "decision":
                assert not _diamond_meets(node, box), (edge.label, node.id)
            else:
                assert not _meets(box, (node.x, node.y, node.w, node.h)), (edge.label, node.id)
        for other, box2 in boxes[i + 1:]:
            assert not _meets(box, box2), (edge.label, other.label)
        assert box[0] >= 0 and box[0] + box[2] <= width + 0.01, edge.label
        # next to its own exit: the box is within a few points of the edge's first or second segment
        near = []
        for (x1, y1), (x2, y2) in zip(edge.points[:3], edge.points[1:3], strict=False):
            dx = max(0.0, min(x1, x2) - (box[0] + box[2]), box[0] - max(x1, x2))
            dy = max(0.0, min(y1, y2) - (box[1] + box[3]), box[1] - max(y1, y2))
            near.append(max(dx, dy))
        assert min(near) < 6, edge.label
    for edge in page.edges:
        for x, y in edge.points:
            assert 0 <= x <= width and 0 <= y <= page.height, (edge.source, edge.target)


@pytest.mark.parametrize("number", ["P.SMLTI 19", "P.SMLTI 18", "P.SMLTI 21"])
def test_sop_flow_is_clean(sample_library: Library, number: str) -> None:
    proc = sample_library.procedure(number)
    assert proc is not None
    layout = sop_layout(document_view(proc, sample_library), proc)
    assert layout.flow is not None
    check_geometry(proc, layout.flow)
    width = layout.lane_width * len(layout.actors) * PT
    for page in layout.pages:
        assert page.flow is not None
        check_sop_page(page.flow, width)
        # the engine's rows are the table's rows: each symbol centred in its row and actor column
        top = page.top_band
        nodes = {n.id: n for n in page.flow.nodes}
        for row in page.rows:
            node = nodes[row.step.id]
            assert node.cy / PT == pytest.approx(top + row.height / 2, abs=0.01)
            assert node.cx / PT == pytest.approx((row.column + 0.5) * layout.lane_width, abs=0.01)
            top += row.height
        assert page.flow.height / PT == pytest.approx(page.lanes_height, abs=0.01)


def test_every_sample_sop_is_clean(sample_library: Library) -> None:
    for proc in sample_library.procedures:
        layout = sop_layout(document_view(proc, sample_library), proc)
        assert layout.flow is not None
        check_geometry(proc, layout.flow)
        for page in layout.pages:
            assert page.flow is not None
            # with the header rows, on the page: also when a loop-back adds a band into page 1
            assert page.lanes_height + layout.head <= PAGE_BODY, (proc.number, page.number)
            check_sop_page(page.flow, layout.lane_width * len(layout.actors) * PT)


def test_loop_back_runs_beside_the_symbols_not_on_the_column_lines(email: Procedure, sample_library: Library) -> None:
    layout = sop_layout(document_view(email, sample_library), email)
    page = layout.pages[0].flow
    assert page is not None
    back = next(e for e in page.edges if e.label == "Tidak")
    lane_w = layout.lane_width * PT
    source = next(n for n in page.nodes if n.id == back.source)
    target = next(n for n in page.nodes if n.id == back.target)
    xs = [x for x, _y in back.points[1:-1]]
    # the channel lies left of both shapes, inside the Pelaksana area, off the grid's column lines
    assert xs and all(0 < x < min(source.x, target.x) for x in xs)
    assert all(abs(x - round(x / lane_w) * lane_w) > 0.5 for x in xs)


@settings(max_examples=int(os.environ.get("PROSEDUR_EXAMPLES", "40")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(proc=flows(), lanes=st.integers(min_value=1, max_value=7), cut=st.integers(min_value=1, max_value=12))
def test_random_flows_at_sop_geometry(proc: Procedure, lanes: int, cut: int) -> None:
    """Random flows in the SOP table's grid (narrow columns, tall rows, page cuts, bands): lines never
    pass through a symbol and stay inside the Pelaksana area. (Exit labels are checked on the samples
    only: crowded random decisions, three exits on one side of a narrow column, can still collide.)"""
    n = len(proc.steps)
    lane_w = (106.0 / lanes) * PT
    geometry = Geometry(
        lane_width=lane_w,
        row_heights=tuple((15.0 + 4 * (i % 3)) * PT for i in range(n)),
        page_rows=tuple([cut] * (n // cut) + ([n % cut] if n % cut else [])),
        shape_width=max(6.0, min(106.0 / lanes - 7.0, 22.0)) * PT,
        shape_height=8 * PT,
        decision_height=11 * PT,
        band=11 * PT,
        connector_width=6 * PT,
        connector_height=7 * PT,
        track_gap=1.25 * PT,
        label_size=LABEL_MM * PT,
    )
    roles = [f"r{i}" for i in range(lanes)]
    result = layout(proc, lanes=roles, geometry=geometry)
    check_geometry(proc, result)
    width = lane_w * len(result.lanes)
    for page in result.pages:
        for edge in page.edges:
            assert all(0 <= x <= width and 0 <= y <= page.height for x, y in edge.points)
