"""The PermenPAN-RB 35/2012 SOP: identity sheet and flowchart table, landscape A4, HTML and PDF.

The flowchart table is laid out here, not left to the browser: every row gets a fixed height from
a deterministic estimate of its wrapped text, rows are cut into pages by height, and each page is
its own table with the header rows repeated. The Pelaksana columns of a page are one cell spanning
all its rows that holds one SVG, so each symbol sits exactly in its actor's column at its row's
vertical centre and connectors are orthogonal lines between cells (loop-backs run along the left
side of the column). A flow that crosses a page ends in a pentagon at the foot of the page and
restarts from a pentagon with the same letter at the top of the page it continues on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from markupsafe import Markup

from ..model import Library, Procedure, StepKind
from .document import DocumentView, StepView, document_view, long_date
from .html import logo_source, qr_svg, stylesheet, template_env
from .labels import label, labels

__all__ = ["SopLayout", "SopPage", "SopRow", "render_sop_html", "render_sop_pdf", "sop_layout"]

# Geometry in millimetres. Landscape A4 is 297 x 210; margins 10 mm each side.
PAGE_WIDTH = 277.0
PAGE_BODY = 183.0  # printable height: 210 mm minus the page margins (running header and footer live there)
BAND = 11.0  # height of a connector band (top or bottom of a page's Pelaksana cell)
COL_NO, COL_ACTIVITY, COL_REQ, COL_TIME, COL_OUTPUT, COL_NOTES = 8.0, 52.0, 36.0, 17.0, 30.0, 28.0
PAD = 1.2  # cell padding
CHAR_MM = 1.62  # conservative average advance of an 8 pt sans character
LINE_MM = 3.55  # 8 pt at line-height 1.25
MIN_ROW = 15.0
MIN_DECISION_ROW = 19.0
SYMBOL_H = 8.0
ARROW = 1.4


def wrapped_lines(text: str, width_mm: float) -> int:
    """How many lines `text` takes in a column `width_mm` wide (greedy word wrap, long words cut)."""
    if not text:
        return 0
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

    @property
    def top_band(self) -> float:
        return BAND if self.incoming else 0.0

    @property
    def bottom_band(self) -> float:
        return BAND if self.outgoing else 0.0

    @property
    def lanes_height(self) -> float:
        return self.top_band + sum(r.height for r in self.rows) + self.bottom_band


@dataclass
class SopLayout:
    actors: list[tuple[str, str]]
    lane_width: float
    pages: list[SopPage]
    connectors: list[Connector]


def _requirements(step: StepView) -> list[str]:
    return list(step.requirements)


def _notes(step: StepView, lang: str) -> list[str]:
    out = [step.notes] if step.notes else []
    if step.records:
        out.append(f"{label('records', lang)}: " + ", ".join(rid for rid, _ in step.records))
    return out


def sop_layout(view: DocumentView) -> SopLayout:
    """Row heights, page cuts and off-page connectors for the flowchart table of `view`."""
    actors = view.actors or [("", "")]
    lane_total = PAGE_WIDTH - (COL_NO + COL_ACTIVITY + COL_REQ + COL_TIME + COL_OUTPUT + COL_NOTES)
    lane_width = lane_total / len(actors)
    column_of = {actor_id: i for i, (actor_id, _) in enumerate(actors)}
    rows: list[SopRow] = []
    for step in view.steps:
        reqs = _requirements(step)
        notes = _notes(step, view.lang)
        lines = max(
            wrapped_lines(step.text, COL_ACTIVITY),
            sum(wrapped_lines(r, COL_REQ) for r in reqs),
            wrapped_lines(step.time, COL_TIME),
            wrapped_lines(step.output, COL_OUTPUT),
            sum(wrapped_lines(n, COL_NOTES) for n in notes),
        )
        minimum = MIN_DECISION_ROW if step.is_decision else MIN_ROW
        height = max(minimum, math.ceil((lines * LINE_MM + 2 * PAD + 1.0) * 2) / 2)
        rows.append(SopRow(step, column_of.get(step.actor_id or "", 0), height, reqs, notes))

    head_lines = max(wrapped_lines(name, lane_width) for _, name in actors)
    head = 6.0 + max(2, head_lines) * 3.3 + 2.0
    pages: list[SopPage] = []
    current: list[SopRow] = []
    used = 0.0
    for index, row in enumerate(rows):
        # a page after the first may open with a connector band; a page that is cut ends with one
        budget = PAGE_BODY - head - (BAND if pages else 0.0)
        rest = sum(r.height for r in rows[index:])
        if current and used + rest > budget:
            budget -= BAND
        if current and used + row.height > budget:
            pages.append(SopPage(len(pages) + 1, current))
            current, used = [], 0.0
        current.append(row)
        used += row.height
    pages.append(SopPage(len(pages) + 1, current))

    page_of = {row.step.id: page.number for page in pages for row in page.rows}
    connectors: list[Connector] = []
    for page in pages:
        for row in page.rows:
            for target, exit_label in _out_edges(row.step):
                target_page = page_of.get(target)
                if target_page is None or target_page == page.number:
                    continue
                conn = Connector(_letter(len(connectors)), row.step.id, target, exit_label, page.number, target_page)
                connectors.append(conn)
                page.outgoing.append(conn)
                pages[target_page - 1].incoming.append(conn)
    return SopLayout(actors, lane_width, pages, connectors)


def _letter(index: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[index] if index < 26 else f"{letters[index // 26 - 1]}{letters[index % 26]}"


def _out_edges(step: StepView) -> list[tuple[str, str]]:
    if step.exits:
        return [(ex.target_id, ex.label) for ex in step.exits]
    return [(step.next_id, "")] if step.next_id else []


# -- drawing ---------------------------------------------------------------------------------------
def _f(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


class _Svg:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, text: str) -> None:
        self.parts.append(text)

    def line(self, points: list[tuple[float, float]], arrow: bool = True) -> None:
        d = " ".join(f"{'M' if i == 0 else 'L'}{_f(x)},{_f(y)}" for i, (x, y) in enumerate(points))
        self.add(f'<path class="edge" d="{d}" fill="none" stroke="#111" stroke-width="0.3"/>')
        if arrow and len(points) >= 2:
            (x1, y1), (x2, y2) = points[-2], points[-1]
            length = math.hypot(x2 - x1, y2 - y1) or 1.0
            ux, uy = (x2 - x1) / length, (y2 - y1) / length
            bx, by = x2 - ux * ARROW * 1.6, y2 - uy * ARROW * 1.6
            px, py = -uy * ARROW * 0.7, ux * ARROW * 0.7
            pts = f"{_f(x2)},{_f(y2)} {_f(bx + px)},{_f(by + py)} {_f(bx - px)},{_f(by - py)}"
            self.add(f'<polygon class="arrowhead" points="{pts}" fill="#111"/>')

    def text(self, x: float, y: float, value: str, cls: str, anchor: str = "start") -> None:
        """Text in millimetre units (2.5 = 7 pt); the value is XML-escaped."""
        self.add(
            f'<text class="{cls}" x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-size="2.5" '
            f'font-family="Liberation Sans, DejaVu Sans, sans-serif">{xml_escape(value)}</text>'
        )


@dataclass
class _Box:
    cx: float
    cy: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.cy - self.h / 2

    @property
    def bottom(self) -> float:
        return self.cy + self.h / 2

    @property
    def left(self) -> float:
        return self.cx - self.w / 2

    @property
    def right(self) -> float:
        return self.cx + self.w / 2


def _symbol(svg: _Svg, kind: StepKind, box: _Box, title: str) -> None:
    x, y, w, h = box.left, box.top, box.w, box.h
    common = 'fill="#fff" stroke="#111" stroke-width="0.35"'
    svg.add(f'<g class="symbol {kind.value}"><title>{xml_escape(title)}</title>')
    if kind in (StepKind.START, StepKind.END):
        svg.add(f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(h)}" rx="{_f(h / 2)}" {common}/>')
    elif kind == StepKind.DECISION:
        pts = f"{_f(box.cx)},{_f(y)} {_f(x + w)},{_f(box.cy)} {_f(box.cx)},{_f(y + h)} {_f(x)},{_f(box.cy)}"
        svg.add(f'<polygon points="{pts}" {common}/>')
    elif kind == StepKind.IO:
        s = h * 0.35
        pts = f"{_f(x + s)},{_f(y)} {_f(x + w)},{_f(y)} {_f(x + w - s)},{_f(y + h)} {_f(x)},{_f(y + h)}"
        svg.add(f'<polygon points="{pts}" {common}/>')
    elif kind == StepKind.CONNECTOR:
        svg.add(f'<circle cx="{_f(box.cx)}" cy="{_f(box.cy)}" r="{_f(h / 2)}" {common}/>')
    else:
        svg.add(f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(h)}" {common}/>')
    svg.add("</g>")


def _pentagon(svg: _Svg, cx: float, top: float, letter: str, title: str) -> _Box:
    w, h = 6.0, 7.0
    x, y = cx - w / 2, top
    pts = (f"{_f(x)},{_f(y)} {_f(x + w)},{_f(y)} {_f(x + w)},{_f(y + h * 0.62)} "
           f"{_f(cx)},{_f(y + h)} {_f(x)},{_f(y + h * 0.62)}")
    svg.add(f'<g class="offpage"><title>{xml_escape(title)}</title>'
            f'<polygon points="{pts}" fill="#fff" stroke="#111" stroke-width="0.35"/>')
    svg.text(cx, y + h * 0.5, letter, "offpage-label", anchor="middle")
    svg.add("</g>")
    return _Box(cx, top + h / 2, w, h)


def page_svg(layout: SopLayout, page: SopPage, lang: str) -> str:
    """The Pelaksana cell of one page: grid lines, symbols and connectors, sized in millimetres."""
    width = layout.lane_width * len(layout.actors)
    height = page.lanes_height
    svg = _Svg()
    svg.add(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sop-lanes" version="1.1" width="{_f(width)}mm" '
        f'height="{_f(height)}mm" viewBox="0 0 {_f(width)} {_f(height)}" role="img">'
    )
    svg.add(f"<title>{xml_escape(label('flowchart', lang))} {page.number}</title>")
    # grid: actor column lines and row lines, so the cell reads as the table's own cells
    for i in range(1, len(layout.actors)):
        x = i * layout.lane_width
        svg.add(f'<line class="grid" x1="{_f(x)}" y1="0" x2="{_f(x)}" y2="{_f(height)}" stroke="#000" stroke-width="0.25"/>')
    y = page.top_band
    boxes: dict[str, _Box] = {}
    row_index: dict[str, int] = {}
    for index, row in enumerate(page.rows):
        if index > 0 or page.top_band:
            svg.add(f'<line class="grid" x1="0" y1="{_f(y)}" x2="{_f(width)}" y2="{_f(y)}" stroke="#000" stroke-width="0.25"/>')
        cx = (row.column + 0.5) * layout.lane_width
        w = max(6.0, min(layout.lane_width - 7.0, 22.0))
        h = SYMBOL_H + (3.0 if row.step.is_decision else 0.0)
        if row.step.kind == StepKind.CONNECTOR:
            w = h = 6.0
        boxes[row.step.id] = _Box(cx, y + row.height / 2, w, h)
        row_index[row.step.id] = index
        y += row.height
    if page.bottom_band:
        svg.add(f'<line class="grid" x1="0" y1="{_f(y)}" x2="{_f(width)}" y2="{_f(y)}" stroke="#000" stroke-width="0.25"/>')

    for row in page.rows:
        box = boxes[row.step.id]
        _symbol(svg, row.step.kind, box, f"{row.step.number}. {row.step.text}")

    # incoming off-page connectors at the top of the target's column
    per_column: dict[int, int] = {}
    for conn in page.incoming:
        target = boxes[conn.target]
        k = per_column.get(int(target.cx), 0)
        per_column[int(target.cx)] = k + 1
        cx = target.cx + k * 7.5
        pent = _pentagon(svg, cx, 1.5, conn.letter, _offpage_title(conn, lang, incoming=True))
        if cx == target.cx:
            svg.line([(cx, pent.bottom), (cx, target.top)])
        else:
            svg.line([(cx, pent.bottom), (cx, target.cy), (target.right, target.cy)])

    back_count = 0
    out_count: dict[int, int] = {}
    bottom_top = page.lanes_height - page.bottom_band + 1.5
    outgoing = {(c.source, c.target): c for c in page.outgoing}
    for row in page.rows:
        src = boxes[row.step.id]
        edges = _out_edges(row.step)
        for target_id, exit_label in edges:
            if (row.step.id, target_id) in outgoing:
                conn = outgoing[(row.step.id, target_id)]
                k = out_count.get(row.column, 0)
                out_count[row.column] = k + 1
                cx = src.cx + k * 7.5
                if cx == src.cx:
                    points = [(src.cx, src.bottom), (cx, bottom_top)]
                else:
                    points = [(src.right, src.cy), (cx, src.cy), (cx, bottom_top)]
                svg.line(points)
                _pentagon(svg, cx, bottom_top, conn.letter, _offpage_title(conn, lang, incoming=False))
                if exit_label:
                    svg.text(points[0][0] + 0.8, points[0][1] + 2.8, exit_label, "exit-label")
                continue
            if target_id not in boxes:
                continue
            tgt = boxes[target_id]
            forward = row_index[target_id] > row_index[row.step.id]
            anchor = "start"
            if forward and abs(tgt.cx - src.cx) < 0.01:
                points = [(src.cx, src.bottom), (tgt.cx, tgt.top)]
                label_at = (src.cx + 0.8, src.bottom + 2.8)
            elif forward:
                right = tgt.cx > src.cx
                side = src.right if right else src.left
                points = [(side, src.cy), (tgt.cx, src.cy), (tgt.cx, tgt.top)]
                label_at = (side + (0.8 if right else -0.8), src.cy - 0.8)
                anchor = "start" if right else "end"
            else:
                column_left = min(src.cx, tgt.cx) - layout.lane_width / 2
                gutter = column_left + 1.2 + 1.2 * back_count
                back_count += 1
                points = [(src.left, src.cy), (gutter, src.cy), (gutter, tgt.cy), (tgt.left, tgt.cy)]
                label_at = (src.left - 0.8, src.cy - 0.8)
                anchor = "end"
            svg.line(points)
            if exit_label:
                svg.text(label_at[0], label_at[1], exit_label, "exit-label", anchor=anchor)
    svg.add("</svg>")
    return "".join(svg.parts)


def _offpage_title(conn: Connector, lang: str, *, incoming: bool) -> str:
    if incoming:
        return (f"From page {conn.source_page}" if lang == "en" else f"Dari halaman {conn.source_page}")
    return f"To page {conn.target_page}" if lang == "en" else f"Ke halaman {conn.target_page}"


# -- document --------------------------------------------------------------------------------------
def _revision_date(proc: Procedure, lang: str) -> str:
    """Tanggal Revisi: the date of the current revision's history entry, '-' for revision 0."""
    dates = [h.date for h in proc.history if h.revision == proc.revision and proc.revision > 0]
    return long_date(max(dates), lang) if dates else "-"


def _layout_rules(layout: SopLayout) -> Markup:
    """Column widths and row heights are layout results, emitted as a few generated class rules
    (numbers only, no source text) so the stylesheet file keeps everything else."""
    widths = {
        "no": COL_NO, "activity": COL_ACTIVITY, "lane": layout.lane_width, "req": COL_REQ,
        "time": COL_TIME, "output": COL_OUTPUT, "notes": COL_NOTES,
    }
    rules = [f".sop-flow col.w-{name} {{ width: {_f(mm)}mm; }}" for name, mm in widths.items()]
    heights = sorted({row.height for page in layout.pages for row in page.rows} | {BAND})
    rules += [f".sop-flow tr.h{int(h * 2)} > td > .clip {{ height: {_f(h)}mm; }}" for h in heights]
    return Markup("\n".join(rules))


def sop_html(
    view: DocumentView,
    proc: Procedure,
    library: Library | None,
    *,
    verify_url: str | None = None,
    for_pdf: bool = False,
) -> str:
    lang = view.lang
    layout = sop_layout(view)
    pages: list[dict[str, Any]] = []
    for page in layout.pages:
        pages.append({
            "page": page,
            "svg": Markup(page_svg(layout, page, lang)),
            "span": len(page.rows) + (1 if page.incoming else 0) + (1 if page.outgoing else 0),
            "band_class": f"h{int(BAND * 2)}",
        })
    records = [f"{rid} {name}" for rid, name, *_ in view.records]
    context: dict[str, Any] = {
        "v": view,
        "L": labels(lang),
        "css": stylesheet("sop.css"),
        "height_rules": _layout_rules(layout),
        "layout": layout,
        "pages": pages,
        "revised": _revision_date(proc, lang),
        "records": records,
        "related": [f"{num} {title}".strip() for num, title in view.related],
        "logo_src": logo_source(view, library, for_pdf=for_pdf),
        "qr_svg": qr_svg(verify_url),
        "verify_url": verify_url,
        "total_pages": 1 + len(layout.pages),
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
) -> str:
    """The PermenPAN-RB SOP (identity sheet + flowchart table) as one HTML page, landscape print CSS."""
    view = document_view(proc, library, lang=lang, controlled=controlled, content_hash=content_hash)
    return sop_html(view, proc, library, verify_url=verify_url)


def render_sop_pdf(
    proc: Procedure,
    library: Library | None,
    *,
    lang: str = "id",
    controlled: bool = True,
    content_hash: str | None = None,
    verify_url: str | None = None,
) -> bytes:
    """The PermenPAN-RB SOP as a landscape A4 PDF."""
    from .pdf import _stamp, html_to_pdf

    view = document_view(proc, library, lang=lang, controlled=controlled, content_hash=content_hash)
    html = sop_html(view, proc, library, verify_url=verify_url, for_pdf=True)
    return html_to_pdf(html, library_root=library.root if library else None, stamp=_stamp(proc.issued))

