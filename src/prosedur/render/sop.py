"""The PermenPAN-RB 35/2012 SOP: identity sheet and flowchart table, landscape, HTML and PDF.

The paper (A4, F4, Letter, Legal), the Mutu Baku columns (which, in what order, under which heading) and
the Keterangan column are the library's choice (`pustaka.yaml`: `paper`, `sop`); the table's width and
its rows' height budget come from the paper's page box (`prosedur.paper`), and the lanes share what the
fixed columns leave.

The table is laid out here, not left to the browser: every row gets a fixed height from a
deterministic estimate of its wrapped text, rows are cut into pages by height, and each page is its
own table with the header rows repeated. The Pelaksana columns of a page are one cell spanning all
its rows that holds one SVG. What goes into that SVG is not decided here: the table's grid (column
width, row heights, page cuts) is handed to the swimlane layout engine (`prosedur.flow.layout` with
a `Geometry`), which centres each symbol in its actor's column and row, routes the connectors
(never through a symbol; loop-backs in the gutters beside the symbols), places exit labels clear of
symbols and of each other, and pairs lettered off-page connectors in bands at the top and foot of
a page. This module only converts points to millimetres and draws.
"""

from __future__ import annotations

import math
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

from markupsafe import Markup

from .. import shared
from ..flow.layout import (
    LABEL_PITCH,
    Geometry,
    Layout,
    Node,
    Page,
    balance_cuts,
    crossing_points,
    hop_path,
    label_box,
    layout,
    wrap,
)
from ..hyphen import line_chars
from ..model import Library, Procedure, StepKind
from ..paper import PAPERS, Paper, sop_page
from ..record import ControlRecord
from ..text import plain
from .document import DocumentView, StepView, document_view
from .html import logo_source, qr_svg, stylesheet, template_env
from .labels import label, labels
from .svg import rich

if TYPE_CHECKING:
    from .chromium import ChromiumPrinter

__all__ = ["SopLayout", "SopPage", "SopRow", "render_sop_html", "render_sop_pdf", "sop_layout", "submit_sop_pdf"]

# Geometry in millimetres, from the paper's landscape page box (prosedur.paper.sop_page).
HEADER_ROOM = 2.0  # the running header's gap above the body, kept free of rows


def page_width(sheet: Paper) -> float:
    """The table's width: the landscape page between its side margins."""
    return sop_page(sheet).body_width


def page_body(sheet: Paper) -> float:
    """The rows' height budget per page: the landscape page between its margins, less the header's gap."""
    return sop_page(sheet).body_height - HEADER_ROOM


PAGE_WIDTH = page_width(PAPERS["A4"])  # 277 mm
PAGE_BODY = page_body(PAPERS["A4"])  # 183 mm
BAND = 11.0  # height of a connector band (top or bottom of a page's Pelaksana cell)
COL_NO, COL_ACTIVITY, COL_REQ, COL_TIME, COL_OUTPUT, COL_NOTES = 8.0, 52.0, 36.0, 17.0, 30.0, 28.0
QUALITY_WIDTH = {"requirements": COL_REQ, "input": COL_REQ, "time": COL_TIME, "output": COL_OUTPUT}
PAD = 1.2  # cell padding
WIDE_WORD_MM = 1.5  # a long word of wide letters (m, k, R) outgrows the 0.55 em average by this much
CHAR_MM = 1.62  # conservative average advance of an 8 pt sans character
LINE_MM = 3.55  # 8 pt at line-height 1.25
MIN_ROW = 15.0
MIN_DECISION_ROW = 19.0
SYMBOL_H = 8.0
DECISION_H = 11.0
PENTAGON_W, PENTAGON_H = 6.0, 7.0
# with many actors the text columns give room to the Pelaksana columns: at least 13 mm each (10 lanes:
# Kegiatan 44 mm, lanes 13 mm instead of 10.6 mm). 17 mm would hold a two-line 7 pt label beside a line
# down a lane's middle (stress SOP residuals 62 -> 37), but a 42 mm Kegiatan breaks the hard-text step's
# URL where the PDF importer joins it back with spaces (test_import, hard text, 8 lanes)
MIN_LANE, TEXT_FLOOR = 17.0, 0.65
LABEL_MM = 2.5  # exit and connector letters: 2.5 mm = 7 pt
# mm a row grows by when an exit label finds no clean spot beside its line, and how often at most
LABEL_ROOM, LABEL_ROOM_TRIES = 4.0, 2
LAYOUT_TRIES = 8  # layouts of one table at most: cut, lay out, add bands or row room, cut again
TRACK_MM = 1.25  # distance between loop-back tracks in a gutter
ARROW = 1.4
HOP_MM = 0.9  # radius of the semicircle where one connector jumps over another
PT = 72 / 25.4  # the layout engine works in points
CELL_RULE = 0.6 / PT  # the flowchart table's cell border (0.6pt in sop.css), in mm


def wrapped_lines(text: str, width_mm: float) -> int:
    """How many lines `text` takes in a column `width_mm` wide (greedy word wrap, long words cut);
    inline emphasis markers take no room."""
    if not text:
        return 0
    text = plain(text)
    per_line = max(4, int((width_mm - 2 * PAD) / CHAR_MM))
    total = 0
    for paragraph in text.split("\n"):
        count, line = 1, 0
        for word in paragraph.split():
            size = len(word)
            if line and line + 1 + size > per_line:
                count, line = count + 1, 0
            if line == 0:
                while size > per_line:
                    count, size = count + 1, size - per_line
                line = size
            else:
                line += 1 + size
        total += count
    return total


@dataclass
class SopRow:
    step: StepView
    column: int
    height: float
    requirements: list[str]
    notes: list[str]
    quality: list[list[str]] = field(default_factory=list)
    """The lines of each Mutu Baku column the library prints, in its order."""


@dataclass(frozen=True)
class QualityCell:
    """One Mutu Baku column as printed: the step field, its heading in the view's language, its width."""

    field: str
    heading: str
    width: float


def quality_cells(view: DocumentView) -> list[QualityCell]:
    """The library's Mutu Baku columns in order (headings from the view), each with its width."""
    return [QualityCell(name, heading, QUALITY_WIDTH[name]) for name, heading in view.quality_columns]


@dataclass
class Connector:
    """An off-page connector: pentagon `letter` below `source` on one page, above `target` on another."""

    letter: str
    source: str
    target: str
    exit_label: str
    source_page: int
    target_page: int


@dataclass
class SopPage:
    number: int
    rows: list[SopRow]
    incoming: list[Connector] = field(default_factory=list)
    outgoing: list[Connector] = field(default_factory=list)
    top_band: float = 0.0  # mm of connector bands above the first row (one band, more if crowded)
    bottom_band: float = 0.0
    flow: Page | None = None  # the engine's page, in points

    @property
    def lanes_height(self) -> float:
        return self.top_band + sum(r.height for r in self.rows) + self.bottom_band


@dataclass
class SopLayout:
    actors: list[tuple[str, str]]
    lane_width: float
    pages: list[SopPage]
    connectors: list[Connector]
    flow: Layout | None = None
    head: float = 0.0  # the header rows' height the page cuts reserved (mm)
    columns: list[QualityCell] = field(default_factory=list)
    notes: str | None = "Keterangan"
    """The Keterangan column's heading, or None when the library leaves the column out."""
    width: float = PAGE_WIDTH
    """The table's width on the library's paper (mm)."""
    body: float = PAGE_BODY
    """The rows' height budget per page on the library's paper (mm)."""
    band: float = BAND
    """The height of a connector band: the pentagon and its page text, wrapped to the lane (mm)."""
    activity_width: float = COL_ACTIVITY
    """The Kegiatan column's width (mm): narrower than COL_ACTIVITY when many lanes need the room
    (MIN_LANE); the quality columns' widths in `columns` shrink alike."""
    notes_width: float = COL_NOTES
    """The Keterangan column's width (mm)."""


def _requirements(step: StepView) -> list[str]:
    return list(step.requirements)


def _notes(step: StepView, lang: str) -> list[str]:
    out = [step.notes] if step.notes else []
    if step.records:
        out.append(f"{label('records', lang)}: " + ", ".join(rid for rid, _ in step.records))
    return out


def _cut_pages(rows: list[SopRow], head: float, extra: dict[int, float],
               body: float = PAGE_BODY, band: float = BAND) -> list[list[SopRow]]:
    """Rows per page by height; a page after the first may open with a connector band, a page that
    is cut ends with one; `extra` reserves more (crowded bands) for a page index."""
    pages: list[list[SopRow]] = []
    current: list[SopRow] = []
    used = 0.0
    for index, row in enumerate(rows):
        budget = body - head - (band if pages else 0.0) - extra.get(len(pages), 0.0)
        rest = sum(r.height for r in rows[index:])
        if current and used + rest > budget:
            budget -= band
        if current and used + row.height > budget:
            pages.append(current)
            current, used = [], 0.0
        current.append(row)
        used += row.height
    pages.append(current)

    def fits(chunk: list[SopRow], first: bool, last: bool) -> bool:
        index = next(i for i, page in enumerate(pages) if chunk[-1] in page)
        budget = body - head - (0.0 if first else band) - (0.0 if last else band) - extra.get(index, 0.0)
        return sum(r.height for r in chunk) <= budget

    balance_cuts(pages, fits)
    return pages


def sop_layout(view: DocumentView, proc: Procedure) -> SopLayout:
    """Row heights and page cuts of the flowchart table of `view`; symbols, connectors, labels and
    off-page pairs from the layout engine, inside the table's own grid."""
    actors = view.actors or [("", "")]
    columns = quality_cells(view)
    notes_head = view.notes_heading or None
    width, body = page_width(view.paper), page_body(view.paper)
    text = COL_ACTIVITY + sum(c.width for c in columns) + (COL_NOTES if notes_head else 0.0)
    scale = min(1.0, max(TEXT_FLOOR, (width - COL_NO - MIN_LANE * len(actors)) / text))
    activity, notes_width = COL_ACTIVITY * scale, COL_NOTES * scale
    columns = [replace(c, width=c.width * scale) for c in columns]
    lane_width = (width - COL_NO - text * scale) / len(actors)
    rows: list[SopRow] = []
    seen: set[str] = set()
    for step in view.steps:
        if step.id in seen:  # a duplicate id is a lint error; the engine draws each step once
            continue
        seen.add(step.id)
        reqs = _requirements(step)
        notes = _notes(step, view.lang) if notes_head else []
        quality = [step.quality(c.field) for c in columns]
        lines = max(
            wrapped_lines(step.text, activity),
            *(sum(wrapped_lines(x, c.width) for x in cell) for c, cell in zip(columns, quality, strict=True)),
            sum(wrapped_lines(n, notes_width) for n in notes),
        )
        minimum = MIN_DECISION_ROW if step.is_decision else MIN_ROW
        height = max(minimum, math.ceil((lines * LINE_MM + 2 * PAD + 1.0) * 2) / 2)
        rows.append(SopRow(step, 0, height, reqs, notes, quality))

    band = band_height(lane_width)
    head_lines = max(wrapped_lines(name, lane_width) for _, name in actors)
    head = 6.0 + max(2, head_lines) * 3.3 + 2.0
    shape_w = max(6.0, min(lane_width - 7.0, 22.0))
    extra: dict[int, float] = {}
    grown: dict[str, int] = {}  # step -> times its row was made taller for an exit label
    for attempt in range(LAYOUT_TRIES):  # crowded connector bands may need a second band, labels a taller row: cut again
        cuts = _cut_pages(rows, head, extra, body, band)
        geometry = Geometry(
            lane_width=lane_width * PT,
            row_heights=tuple(r.height * PT for r in rows),
            page_rows=tuple(len(c) for c in cuts),
            shape_width=shape_w * PT,
            shape_height=SYMBOL_H * PT,
            decision_height=DECISION_H * PT,
            band=band * PT,
            connector_width=PENTAGON_W * PT,
            connector_height=PENTAGON_H * PT,
            track_gap=TRACK_MM * PT,
            label_size=LABEL_MM * PT,
        )
        flow = layout(proc, lanes=[a for a, _ in actors if a], geometry=geometry, lang=view.lang)
        pages = _pages(cuts, flow, band)
        # the cut reserved a band above every page but the first and below every page but the last;
        # loop-backs can add bands anywhere (one into page 1, one out of the last page), so re-cut
        last = len(cuts) - 1
        assumed = {i: (band if i > 0 else 0.0) + (band if i < last else 0.0) for i in range(len(cuts))}
        over = {p.number - 1: p.top_band + p.bottom_band - assumed[p.number - 1] for p in pages
                if p.top_band + p.bottom_band > assumed[p.number - 1]}
        # an exit label with no clean spot beside its line: its decision's row gets more room (twice at most)
        crowded = [sid for p in flow.pages for sid in p.crowded if grown.get(sid, 0) < LABEL_ROOM_TRIES]
        if (all(extra.get(k, 0.0) >= v for k, v in over.items()) and not crowded) or attempt + 1 == LAYOUT_TRIES:
            break  # (the last try's rows stay as laid out: its pages were cut for them)
        # kept, not replaced: a cut into more or fewer pages must not lose a page's reserve (they flip-flopped)
        extra = {**extra, **{k: max(v, extra.get(k, 0.0)) for k, v in over.items()}}
        for row in rows:
            if row.step.id in crowded:
                row.height += LABEL_ROOM
                grown[row.step.id] = grown.get(row.step.id, 0) + 1
    connectors = [c for page in pages for c in page.outgoing]
    return SopLayout(actors, lane_width, pages, connectors, flow, head, columns, notes_head, width, body, band,
                     activity, notes_width)


def _pages(cuts: list[list[SopRow]], flow: Layout, band: float = BAND) -> list[SopPage]:
    """The table's pages with the engine's pages attached: columns, bands and connector pairs."""
    pages: list[SopPage] = []
    for number, (rows, fp) in enumerate(zip(cuts, flow.pages, strict=True), start=1):
        lanes = {n.id: n.lane for n in fp.nodes}
        for row in rows:
            row.column = lanes.get(row.step.id, 0)
        bands_in = {round(n.y, 3) for n in fp.nodes if n.id.startswith("in:")}
        bands_out = {round(n.y, 3) for n in fp.nodes if n.id.startswith("out:")}
        pages.append(SopPage(number, rows, top_band=band * len(bands_in), bottom_band=band * len(bands_out), flow=fp))
    for page in pages:
        assert page.flow is not None
        for ref in page.flow.offpage:
            if ref.direction != "out":
                continue
            edge = next(e for e in page.flow.edges if e.target == ref.node)
            conn = Connector(ref.label, edge.source, ref.step, edge.label or "", page.number, ref.other_page)
            page.outgoing.append(conn)
            pages[ref.other_page - 1].incoming.append(conn)
    return pages


# -- drawing ---------------------------------------------------------------------------------------
def _f(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def _mm(value: float) -> float:
    return value / PT


class _Svg:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, text: str) -> None:
        self.parts.append(text)

    def line(self, points: list[tuple[float, float]], arrow: bool = True, title: str = "",
             hops: list[tuple[float, float]] | None = None) -> None:
        """A connector in mm; a hop (small semicircle) over each point of `hops` where it crosses another."""
        d = hop_path(points, hops or [], HOP_MM, _f)
        tip = f"<title>{xml_escape(title)}</title>" if title else ""
        self.add(f'<path class="edge" d="{d}" fill="none" stroke="#111" stroke-width="0.3">{tip}</path>')
        if arrow and len(points) >= 2:
            (x1, y1), (x2, y2) = points[-2], points[-1]
            length = math.hypot(x2 - x1, y2 - y1) or 1.0
            ux, uy = (x2 - x1) / length, (y2 - y1) / length
            bx, by = x2 - ux * ARROW * 1.6, y2 - uy * ARROW * 1.6
            px, py = -uy * ARROW * 0.7, ux * ARROW * 0.7
            pts = f"{_f(x2)},{_f(y2)} {_f(bx + px)},{_f(by + py)} {_f(bx - px)},{_f(by - py)}"
            self.add(f'<polygon class="arrowhead" points="{pts}" fill="#111"/>')

    def text(self, x: float, y: float, value: str, cls: str, anchor: str = "start") -> None:
        """Text in millimetre units (2.5 = 7 pt); the value is XML-escaped, its inline emphasis as
        <tspan>s (`svg.rich`)."""
        self.add(
            f'<text class="{cls}" x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-size="{_f(LABEL_MM)}" '
            f'font-family="DejaVu Sans, Liberation Sans, sans-serif">{rich(value)}</text>'
        )


def _symbol(svg: _Svg, kind: str, node: Node, title: str) -> None:
    x, y, w, h = _mm(node.x), _mm(node.y), _mm(node.w), _mm(node.h)
    cx, cy = x + w / 2, y + h / 2
    common = 'fill="#fff" stroke="#111" stroke-width="0.35"'
    svg.add(f'<g class="symbol {xml_escape(kind)}"><title>{xml_escape(title)}</title>')
    if kind in (StepKind.START, StepKind.END):
        svg.add(f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(h)}" rx="{_f(h / 2)}" {common}/>')
    elif kind == StepKind.DECISION:
        pts = f"{_f(cx)},{_f(y)} {_f(x + w)},{_f(cy)} {_f(cx)},{_f(y + h)} {_f(x)},{_f(cy)}"
        svg.add(f'<polygon points="{pts}" {common}/>')
    elif kind == StepKind.IO:
        s = _mm(7.0)  # the engine's parallelogram skew
        pts = f"{_f(x + s)},{_f(y)} {_f(x + w)},{_f(y)} {_f(x + w - s)},{_f(y + h)} {_f(x)},{_f(y + h)}"
        svg.add(f'<polygon points="{pts}" {common}/>')
    elif kind == StepKind.CONNECTOR:
        svg.add(f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(h / 2)}" {common}/>')
    else:
        svg.add(f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(h)}" {common}/>')
    svg.add("</g>")


def _pentagon(svg: _Svg, node: Node, title: str) -> None:
    """An off-page connector: the engine's home-plate outline (sides slant in below 60 %)."""
    x, y, w, h = _mm(node.x), _mm(node.y), _mm(node.w), _mm(node.h)
    cx = x + w / 2
    pts = (f"{_f(x)},{_f(y)} {_f(x + w)},{_f(y)} {_f(x + w)},{_f(y + h * 0.6)} "
           f"{_f(cx)},{_f(y + h)} {_f(x)},{_f(y + h * 0.6)}")
    svg.add(f'<g class="offpage"><title>{xml_escape(title)}</title>'
            f'<polygon points="{pts}" fill="#fff" stroke="#111" stroke-width="0.35"/>')
    svg.text(cx, y + h * 0.42 + LABEL_MM * 0.35, node.label, "offpage-label", anchor="middle")
    svg.add("</g>")


def page_svg(layout: SopLayout, page: SopPage, lang: str) -> str:
    """The Pelaksana cell of one page: grid lines, then the engine's symbols, connectors and labels."""
    assert page.flow is not None
    width = layout.lane_width * len(layout.actors)
    height = page.lanes_height
    svg = _Svg()
    svg.add(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sop-lanes" version="1.1" width="{_f(width)}mm" '
        f'height="{_f(height)}mm" viewBox="0 0 {_f(width)} {_f(height)}" role="img">'
    )
    svg.add(f"<title>{xml_escape(label('flowchart', lang))} {page.number}</title>")
    # grid: actor column lines and row lines, so the cell reads as the table's own cells
    grid = 'stroke="#000" stroke-width="0.25"'
    for i in range(1, len(layout.actors)):
        x = i * layout.lane_width
        svg.add(f'<line class="grid" x1="{_f(x)}" y1="0" x2="{_f(x)}" y2="{_f(height)}" {grid}/>')
    cuts = [page.top_band] if page.top_band else []
    y = page.top_band
    for row in page.rows[:-1]:
        y += row.height
        cuts.append(y)
    if page.bottom_band:
        cuts.append(height - page.bottom_band)
    for y in cuts:
        svg.add(f'<line class="grid" x1="0" y1="{_f(y)}" x2="{_f(width)}" y2="{_f(y)}" {grid}/>')

    # exit labels get a white ground: a table line under a label would cut through its letters;
    # the engine keeps labels off connectors, and connectors are drawn after the grounds
    for edge in page.flow.edges:
        if edge.label and edge.label_at:
            x, y, w, h = label_box(edge.label_at, edge.label_anchor, edge.printed_label, LABEL_MM * PT)
            svg.add(f'<rect class="label-ground" x="{_f(_mm(x))}" y="{_f(_mm(y))}" width="{_f(_mm(w))}" '
                    f'height="{_f(_mm(h))}" fill="#fff"/>')
    rows = {row.step.id: row.step for row in page.rows}
    texts = {sid: f"{step.number}. {plain(step.text)}" for sid, step in rows.items()}
    for node in page.flow.nodes:  # a part's symbol: the row's text, then its actor and its own text
        if node.part and node.step in rows:
            own = rows[node.step].parts[node.part - 1]
            texts[node.id] = (f"{rows[node.step].number}. {plain(rows[node.step].text)} ({', '.join(own.actors)}"
                              f"{': ' + plain(own.text) if own.text else ''})")
    refs = {ref.node: ref for ref in page.flow.offpage}
    names = {n.id: (texts.get(n.id) or n.label) for n in page.flow.nodes}
    hops = crossing_points(page.flow)
    for k, edge in enumerate(page.flow.edges):
        tip = f"{names.get(edge.source, '')} → {names.get(edge.target, '')}"
        svg.line([(_mm(x), _mm(y)) for x, y in edge.points],
                 title=tip + (f" ({plain(edge.label)})" if edge.label else ""),
                 hops=[(_mm(x), _mm(y)) for x, y in hops.get(k, [])])
    for node in page.flow.nodes:
        if node.kind == "offpage":
            ref = refs[node.id]
            incoming = ref.direction == "in"
            _pentagon(svg, node, _offpage_title(ref.other_page, lang, incoming=incoming))
            _page_ref(svg, node, offpage_text(ref.other_page, lang, incoming=incoming), layout.lane_width,
                      above=incoming)
        else:
            _symbol(svg, node.kind, node, texts.get(node.id, ""))
    for edge in page.flow.edges:
        if edge.label and edge.label_at:
            x, y = edge.label_at
            for k, line in enumerate(edge.label_lines or (edge.label,)):
                svg.text(_mm(x), _mm(y) + k * LABEL_PITCH * LABEL_MM, line, "exit-label", anchor=edge.label_anchor)
    svg.add("</svg>")
    return "".join(svg.parts)


PAGE_REF_MM = LABEL_MM  # "lanjut ke hlm. 3" by an off-page connector: 7 pt, wrapped to its lane
PAGE_REF_LINE = PAGE_REF_MM * 1.1


def page_ref_lines(text: str, lane_width: float) -> list[str]:
    """The page text's lines at 7 pt in a lane `lane_width` mm wide."""
    return wrap(text, (lane_width - 1.0) * PT, PAGE_REF_MM * PT)


def band_height(lane_width: float) -> float:
    """A connector band holds the pentagon and, on its free side, its page text at 7 pt wrapped to
    the lane (the longest text either language prints), in half millimetres."""
    lines = max(len(page_ref_lines(text, lane_width)) for text in ("lanjut ke hlm. 99", "cont. on p. 99"))
    return max(BAND, math.ceil((PENTAGON_H + 1.0 + lines * PAGE_REF_LINE) * 2) / 2)


def offpage_text(other_page: int, lang: str, *, incoming: bool) -> str:
    """What an off-page connector prints: the printed page of its other end (identity sheet = page 1)."""
    printed = other_page + 1
    if incoming:
        return f"from p. {printed}" if lang == "en" else f"dari hlm. {printed}"
    return f"cont. on p. {printed}" if lang == "en" else f"lanjut ke hlm. {printed}"


def page_ref_at(node: Node, text: str, lane_width: float, *, above: bool) -> tuple[float, float, float]:
    """(centre x, first baseline y, font size) in mm of the page text in the band's free strip: above
    an incoming connector (its line leaves from the tip), below an outgoing one (its line arrives at
    the top); 7 pt, wrapped to the lane (`page_ref_lines`). The PDF and the DOCX (`sop_docx`) both
    place it from here."""
    x, y, w, h = _mm(node.x), _mm(node.y), _mm(node.w), _mm(node.h)
    lines = page_ref_lines(text, lane_width)
    first = y - 0.35 - (len(lines) - 1) * PAGE_REF_LINE if above else y + h + PAGE_REF_MM * 0.85
    return x + w / 2, first, PAGE_REF_MM


def _page_ref(svg: _Svg, node: Node, text: str, lane_width: float, *, above: bool) -> None:
    """The page text by an off-page connector, one <text> per line (7 pt, wrapped to the lane)."""
    cx, first, size = page_ref_at(node, text, lane_width, above=above)
    for k, line in enumerate(page_ref_lines(text, lane_width)):
        svg.add(
            f'<text class="page-ref" x="{_f(cx)}" y="{_f(first + k * PAGE_REF_LINE)}" text-anchor="middle" '
            f'font-size="{_f(size)}" font-family="DejaVu Sans, Liberation Sans, sans-serif">'
            f"{xml_escape(line)}</text>"
        )


def _offpage_title(other_page: int, lang: str, *, incoming: bool) -> str:
    """The printed page of the other end (the identity sheet is page 1)."""
    printed = other_page + 1
    if incoming:
        return f"From page {printed}" if lang == "en" else f"Dari halaman {printed}"
    return f"To page {printed}" if lang == "en" else f"Ke halaman {printed}"




def _layout_rules(layout: SopLayout, paper: Paper) -> Markup:
    """Column widths and row heights are layout results, emitted as a few generated class rules
    (numbers only, no source text) so the stylesheet file keeps everything else."""
    widths = {"no": COL_NO, "activity": layout.activity_width, "lane": layout.lane_width, "notes": layout.notes_width}
    widths.update({f"q{i}": column.width for i, column in enumerate(layout.columns)})
    rules = [f".sop-flow col.w-{name} {{ width: {_f(mm)}mm; }}" for name, mm in widths.items()]
    # the paper: page size for both PDF engines, and the table's width between the margins
    box = sop_page(paper)
    rules.append(f"@media print {{ {box.page_rule()} .doc-footer {{ width: {_f(layout.width)}mm; }} }}")
    rules.append(f"@media screen {{ body {{ max-width: {_f(layout.width)}mm; }} }} "
                 f"table.sop-flow, .sop-running {{ width: {_f(layout.width)}mm; }}")
    # a row's pitch is its cell's height plus one rule (half above, half below in the collapsed
    # model): the cell gets the row's height less the rule, so the rows add up to the SVG's grid
    heights = sorted({row.height for page in layout.pages for row in page.rows} | {layout.band})
    rules += [f".sop-flow tr.h{int(h * 2)} > td {{ height: {h - CELL_RULE:.4f}mm; }} "
              f".sop-flow tr.h{int(h * 2)} > td > .clip {{ max-height: {h - CELL_RULE:.4f}mm; }}"
              for h in heights]
    return Markup("\n".join(rules))


def identity_values(view: DocumentView) -> dict[str, Any]:
    """The identity sheet's computed values (Nomor SOP with its revision, the three dates with the
    library's blank, records and related SOPs as printed): the HTML/PDF and the DOCX read them here."""
    empty = view.sop.empty_cell

    def cell(text: str) -> str:
        """An identity cell's value; a computed blank ("-" from a missing date) as the library prints blanks."""
        return text if text and text != "-" else empty

    return {
        "revised": cell(view.revision_date_long),
        "issued": cell(view.issued_long),
        "effective": cell(view.effective_long),
        "empty": empty,
        "number": (f"{view.number} ({label('revision', view.lang)} {view.revision})"
                   if view.revision and view.sop.revision_suffix else view.number),
        "records": [f"{rid} {name}".strip() for rid, name, *_ in view.records],
        "related": [f"{num} {title}".strip() for num, title in view.related],
    }


def sop_html(
    view: DocumentView,
    proc: Procedure,
    library: Library | None,
    *,
    for_pdf: bool = False,
) -> str:
    """The SOP page of a resolved view; made once per build for equal arguments (`shared`): the HTML
    page and the Chromium PDF print the same."""
    return shared.shared_for("sop_html", (view, proc, library), for_pdf,
                             lambda: _sop_html(view, proc, library, for_pdf=for_pdf))


def _sop_html(
    view: DocumentView,
    proc: Procedure,
    library: Library | None,
    *,
    for_pdf: bool = False,
) -> str:
    lang = view.lang
    layout = sop_layout(view, proc)
    pages: list[dict[str, Any]] = []
    for page in layout.pages:
        pages.append({
            "page": page,
            "svg": Markup(page_svg(layout, page, lang)),
            "span": len(page.rows) + (1 if page.incoming else 0) + (1 if page.outgoing else 0),
            "band_class": f"h{int(layout.band * 2)}",
        })
    context: dict[str, Any] = {
        "v": view,
        "L": labels(lang),
        "css": stylesheet("sop.css"),
        "height_rules": _layout_rules(layout, view.paper),
        "layout": layout,
        "pages": pages,
        **identity_values(view),
        "logo_src": logo_source(view, library, for_pdf=for_pdf),
        "qr_svg": qr_svg(view.verify_url),
        "verify_url": view.verify_url,
        "total_pages": 1 + len(layout.pages),
        # characters a Pelaksana header's line holds (7.5 pt, about 0.55 em a character): longer
        # words get their hyphenation points (prosedur.hyphen.print_html)
        "header_fit": line_chars(layout.lane_width - 2.0, 7.5),
        # the same for an 8 pt cell, less a wide word's excess over 0.55 em a letter ("Rekomendasi",
        # 11 letters, broke bare in the 19.5 mm Output column of a 10-lane table)
        "fit": lambda mm: line_chars(mm - 2 * PAD - WIDE_WORD_MM, 8),
        "COL_ACTIVITY": layout.activity_width,
        "COL_NOTES": layout.notes_width,
        # the empty cells right of the Pelaksana cell in a connector band row
        "tail_cells": Markup("<td></td>" * (len(layout.columns) + (1 if layout.notes else 0))),
    }
    return template_env().get_template("sop.html").render(**context)


def render_sop_html(
    proc: Procedure,
    library: Library | None,
    *,
    lang: str = "id",
    controlled: bool = True,
    content_hash: str | None = None,
    verify_url: str | None = None,
    record: ControlRecord | None = None,
) -> str:
    """The PermenPAN-RB SOP (identity sheet + flowchart table) as one HTML page, landscape print CSS."""
    view = document_view(proc, library, lang=lang, controlled=controlled, content_hash=content_hash,
                         record=record, verify_url=verify_url)
    return sop_html(view, proc, library)


def render_sop_pdf(
    proc: Procedure,
    library: Library | None,
    *,
    lang: str = "id",
    controlled: bool = True,
    content_hash: str | None = None,
    verify_url: str | None = None,
    record: ControlRecord | None = None,
    printer: ChromiumPrinter | None = None,
) -> bytes:
    """The PermenPAN-RB SOP as a landscape PDF on the library's paper (WeasyPrint, or Chromium when a `printer` is given)."""
    from .pdf import _stamp, html_to_pdf

    if printer is not None:
        return submit_sop_pdf(proc, library, printer, lang=lang, controlled=controlled, content_hash=content_hash,
                              verify_url=verify_url, record=record).result()
    view = document_view(proc, library, lang=lang, controlled=controlled, content_hash=content_hash,
                         record=record, verify_url=verify_url)
    html = sop_html(view, proc, library, for_pdf=True)
    # the Pelaksana SVGs as images: same drawing, their elements skip the HTML cascade
    return html_to_pdf(html, library_root=library.root if library else None, stamp=_stamp(view.record.issued if view.record else proc.issued),
                       svg_as_image=("flowchart", "sop-lanes"))



def submit_sop_pdf(
    proc: Procedure,
    library: Library | None,
    printer: ChromiumPrinter,
    *,
    lang: str = "id",
    controlled: bool = True,
    content_hash: str | None = None,
    verify_url: str | None = None,
    record: ControlRecord | None = None,
) -> Future[bytes]:
    """The SOP queued on a Chromium printer; the caller goes on while it prints."""
    from .chromium import page_setup
    from .pdf import _stamp

    view = document_view(proc, library, lang=lang, controlled=controlled, content_hash=content_hash,
                         record=record, verify_url=verify_url)
    html = sop_html(view, proc, library, for_pdf=False)
    return printer.submit(html, page_setup(sop_page(view.paper)), stamp=_stamp(view.record.issued if view.record else proc.issued))
