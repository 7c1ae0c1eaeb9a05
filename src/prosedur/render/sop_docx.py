"""The PermenPAN-RB 35/2012 SOP as an editable Word file: identity sheet and flowchart table, landscape.

Agencies file and amend SOPs in Word, so this is the same SOP as `sop.py`'s HTML/PDF, built from
the same things: the values come from `document_view` and `sop.identity_values`, the table's grid
(column widths, row heights, page cuts) and every symbol, line and label from `sop.sop_layout`,
i.e. from the same `Geometry` run of the layout engine the PDF draws. Nothing is re-measured here.

* The identity sheet is two real Word tables (logo and organisation, Nomor SOP, the three dates,
  Disahkan oleh, Nama SOP; then Dasar Hukum … Pencatatan dan Pendataan), on its own page.
* Each page of the flowchart table is its own Word table (as in the PDF) with its two header rows
  (marked as repeating header rows, so a row a user adds that overflows still gets a header),
  after a 1 pt paragraph with "page break before", so every table starts at the top of a fresh page
  (a section break between two tables is lost by LibreOffice 7.4 when the last section starts with one). The Pelaksana header has a
  real column per actor; below it, as in the PDF, the actor columns of a page are one merged cell
  holding one group of DrawingML shapes (`drawingml.Drawing`): grid lines, symbols, connectors,
  exit labels and off-page connectors with "lanjut ke hlm. N".
* Why one inline group in a merged cell and not shapes anchored in each cell: an inline drawing
  moves with its cell in Word and LibreOffice alike, while anchored shapes in table cells are
  positioned differently by the two ("layout in cell", "follow text flow"), and shapes split over
  many cells would lose their connectors' geometry when Word re-flows a row.
* Row heights are fixed with `w:trHeight hRule="exact"` at the layout's heights (which include
  room for the estimated text, `sop.wrapped_lines`, a conservative estimate): the drawing's grid
  lines then fall exactly on the table's row borders, in Word and LibreOffice. "atLeast" would let a
  row grow past its drawn grid line when Word's text runs longer than the estimate; with "exact" an
  overlong text is clipped in the cell, as the PDF clips it (`.clip`), and the shapes stay in their
  cells. (LibreOffice 7.4 starts a cell's content about 0.5 mm below its top border whatever the
  margins, so there the drawing sits 0.5 mm low; measured, not corrected, as Word has no such gap.)
  A user who edits a step's text in Word edits a copy: the YAML stays the source; the DOCX is for
  filing and amending by hand.

User text passes `docx.clean` and is set as lxml text (escaped on output), as in `docx.py`.
"""

from __future__ import annotations

import contextlib
import copy
import io
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.simpletypes import ST_HpsMeasure
from docx.shared import Mm, Pt, RGBColor

from ..flow.layout import LABEL_PITCH, label_box
from ..model import Library, Procedure, StepKind
from ..paper import sop_page
from ..record import ControlRecord
from ..text import plain, spans
from .document import DocumentView, document_view
from .docx import break_long_words, clean, set_language, trim_template
from .drawingml import Drawing, Text, bookmark, label_frame
from .fetch import MAX_ASSET_BYTES, path_allowed
from .labels import label, labels
from .raster import image_file_to_raster, svg_to_png
from .sop import (
    COL_NO,
    LABEL_MM,
    PT,
    SopLayout,
    SopPage,
    identity_values,
    offpage_text,
    page_ref_at,
    page_ref_lines,
    sop_layout,
)

__all__ = ["render_sop_docx", "sop_drawing"]

FONT = "Arial"  # LibreOffice substitutes the metric-compatible Liberation Sans the PDF uses
BODY_PT = 8
RULE = 5  # table borders: 0.6 pt, in eighths of a point (sop.css: 0.6pt solid)
HEAD_FILL = "EEEEEE"
HEAD_ROW1 = 6.0  # mm of the first header row (No, Kegiatan, Pelaksana, Mutu Baku, Keterangan)
PAD_MM = 1.2  # cell padding, as sop.css `.clip`
INK = "111111"
MARK_RED = RGBColor(0xC0, 0x00, 0x00)


def _twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def page_mark(number: int) -> str:
    """The bookmark at the top of the flowchart table's page `number` (1-based, as the layout's)."""
    return f"_Prosedur_sop_{number}"


# -- the drawing in a page's Pelaksana cell ---------------------------------------------------------
def sop_drawing(layout: SopLayout, page: SopPage, lang: str) -> Drawing:
    """The Pelaksana cell of one page as shapes, from the engine's page (points), as `sop.page_svg`
    draws it: grid, label grounds, connectors, symbols and off-page connectors, exit labels."""
    assert page.flow is not None
    width = layout.lane_width * len(layout.actors) * PT
    height = page.lanes_height * PT
    title = f"{label('flowchart', lang)} {page.number}"
    d = Drawing(width, height, name="SOP", description=title, font=FONT, ids=(100 + page.number) * 1000)
    grid = 0.25 * PT
    for i in range(1, len(layout.actors)):
        x = i * layout.lane_width * PT
        d.polyline([(x, 0), (x, height)], line="000000", line_w=grid, arrow=False, kind="grid")
    cuts = [page.top_band] if page.top_band else []
    y = page.top_band
    for row in page.rows[:-1]:
        y += row.height
        cuts.append(y)
    if page.bottom_band:
        cuts.append(page.lanes_height - page.bottom_band)
    for y in cuts:
        d.polyline([(0, y * PT), (width, y * PT)], line="000000", line_w=grid, arrow=False, kind="grid")
    size = LABEL_MM * PT
    # exit labels get a white ground over the grid, under the connectors (as sop.page_svg draws them)
    for edge in page.flow.edges:
        if edge.label and edge.label_at:
            bx, by, bw, bh = label_box(edge.label_at, edge.label_anchor, edge.printed_label, size)
            d.rect(bx, by, bw, bh, fill="FFFFFF", line=None, line_w=0, kind="label ground")
    # whole lines, no gap at a crossing: the Word SOP is read back by importer/docx.py, which follows
    # a connector from piece to piece only where the pieces touch
    for edge in page.flow.edges:
        d.polyline(list(edge.points), line=INK, line_w=0.3 * PT, arrow=True)
    refs = {ref.node: ref for ref in page.flow.offpage}
    stroke = 0.35 * PT
    for node in page.flow.nodes:
        x, y, w, h = node.x, node.y, node.w, node.h
        kind = str(node.kind)
        if kind == "offpage":
            ref = refs[node.id]
            incoming = ref.direction == "in"
            pts = [(x, y), (x + w, y), (x + w, y + h * 0.6), (x + w / 2, y + h), (x, y + h * 0.6)]
            d.polygon(pts, line=INK, line_w=stroke, kind="offpage", box=(x, y, w, h * 0.84),
                      text=Text([node.label], size, anchor="ctr"))
            text = offpage_text(ref.other_page, lang, incoming=incoming)
            cx, base, ref_size = page_ref_at(node, text, layout.lane_width, above=incoming)
            box_w = layout.lane_width - 0.6
            # the page number is a PAGEREF to the bookmark at the other table, its shown value the
            # PDF's (identity sheet = page 1): Word updates it if pages move; LibreOffice 7.4 shows the
            # shown value in shapes inside table cells (right as written, as the tests check)
            number = str(ref.other_page + 1)
            rows = page_ref_lines(text, layout.lane_width)  # 7 pt, wrapped to the lane as in the PDF
            assert rows[-1].endswith(number)
            lines: list[list[tuple[str, str | None]]] = [[(row + " ", None)] for row in rows[:-1]]  # reads as one text
            lines.append([(rows[-1][: -len(number)], None), (number, f"PAGEREF {page_mark(ref.other_page)} \\h")])
            d.text((cx - box_w / 2) * PT, (base - ref_size * 1.0) * PT, box_w * PT, ref_size * 1.25 * len(rows) * PT,
                   Text(lines, ref_size * PT, anchor="t"), kind="page ref")
        elif kind in (StepKind.START, StepKind.END):
            d.rect(x, y, w, h, line=INK, line_w=stroke, rounded=True, kind=kind)
        elif kind == StepKind.DECISION:
            d.polygon([(x + w / 2, y), (x + w, y + h / 2), (x + w / 2, y + h), (x, y + h / 2)], line=INK,
                      line_w=stroke, kind="decision", box=(x, y, w, h))
        elif kind == StepKind.IO:
            s = 7.0  # the engine's parallelogram skew (points), as sop._symbol draws it
            d.polygon([(x + s, y), (x + w, y), (x + w - s, y + h), (x, y + h)], line=INK, line_w=stroke,
                      kind="io", box=(x, y, w, h))
        elif kind == StepKind.CONNECTOR:
            side = min(w, h)
            d.ellipse(x + (w - side) / 2, y + (h - side) / 2, side, side, line=INK, line_w=stroke)
        else:
            d.rect(x, y, w, h, line=INK, line_w=stroke, kind="process")
    for edge in page.flow.edges:
        if edge.label and edge.label_at:
            label_lines = list(edge.label_lines or (edge.label,))
            bx, by, bw, bh = label_frame(label_box(edge.label_at, edge.label_anchor, edge.printed_label, size),
                                         len(label_lines), size)
            d.text(bx, by, bw, bh, Text(label_lines, size, align="right" if edge.label_anchor == "end" else "left",
                                        anchor="ctr", pitch=LABEL_PITCH),
                   kind="exit label")
    return d


# -- Word plumbing ------------------------------------------------------------------------------------
def _run(paragraph: Any, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
         color: RGBColor | None = None, caps: bool = False) -> None:
    """`text` as runs: inline emphasis (`*miring*`, `**tebal**`) as w:i / w:b runs (`text.spans`),
    line breaks as w:br; the text is cleaned and set as character data, never parsed.

    The elements are made with lxml directly, the very ones python-docx's `add_run` and its run and
    font setters make (an always present w:rPr, w:b / w:i / w:caps / w:color / w:sz in schema order),
    without their per-property lookups (a third of the SOP DOCX's time went to them)."""
    p = paragraph._p
    sz = _half_points(size) if size else None
    for span in spans(clean(text)):
        lines = span.text.split("\n")
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        r.append(rpr)
        if bold or span.bold:
            rpr.append(OxmlElement("w:b"))
        if italic or span.italic:
            rpr.append(OxmlElement("w:i"))
        if caps:
            rpr.append(OxmlElement("w:caps"))
        if color is not None:
            rpr.append(OxmlElement("w:color", {_VAL: str(color)}))
        if sz is not None:
            rpr.append(OxmlElement("w:sz", {_VAL: sz}))
        _append_text(r, lines[0])
        for more in lines[1:]:  # python-docx's add_break + add_text: the later lines' tabs stay characters
            r.append(OxmlElement("w:br"))
            _t(r, more)
        p.append(r)


_VAL = qn("w:val")
_PPR = qn("w:pPr")
_SPACE = qn("xml:space")
_CONTENT = re.compile(r"([\t\r\n])")


@lru_cache(maxsize=32)
def _half_points(size: float) -> str:
    """w:sz of a font size in points, as python-docx rounds it (Pt, then half-points truncated)."""
    return ST_HpsMeasure.convert_to_xml(Pt(size))


def _t(r: Any, text: str) -> None:
    t = OxmlElement("w:t")
    t.text = text
    if len(text.strip()) < len(text):
        t.set(_SPACE, "preserve")
    r.append(t)


def _append_text(r: Any, text: str) -> None:
    """python-docx's `_RunContentAppender`: text as w:t, a tab as w:tab, CR or LF as w:br."""
    for piece in _CONTENT.split(text):
        if piece == "\t":
            r.append(OxmlElement("w:tab"))
        elif piece in ("\r", "\n"):
            r.append(OxmlElement("w:br"))
        elif piece:
            _t(r, piece)


def _para(cell: Any, text: str = "", *, first: bool = False, align: Any = None, **style: Any) -> Any:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    if align is not None:
        jc = WD_ALIGN_PARAGRAPH.to_xml(align)
        if paragraph._p.find(_PPR) is None and jc is not None:  # the w:pPr/w:jc python-docx adds, directly
            ppr = OxmlElement("w:pPr")
            ppr.append(OxmlElement("w:jc", {_VAL: jc}))
            paragraph._p.insert(0, ppr)
        else:
            paragraph.alignment = align
    if text:
        _run(paragraph, text, **style)
    return paragraph


def _numbered(cell: Any, items: list[str], empty: str) -> None:
    """A list as "1. …" paragraphs with a hanging indent (the HTML's <ol>), or the library's blank."""
    if not items:
        _para(cell, empty, first=True, color=RGBColor(0x55, 0x55, 0x55))
        return
    for i, item in enumerate(items, start=1):
        paragraph = _para(cell, f"{i}.\t{item}", first=i == 1)
        fmt = paragraph.paragraph_format
        fmt.left_indent, fmt.first_line_indent = Mm(4.5), Mm(-4.5)
        fmt.tab_stops.add_tab_stop(Mm(4.5))


_TC_ORDER = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark")
_TBL_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook")


def _put(parent: Any, child: Any, order: tuple[str, ...]) -> None:
    """Insert `child` where the schema's sequence wants it (Word refuses misordered properties)."""
    name = child.tag.rsplit("}", 1)[1]
    for old in parent.findall(qn(f"w:{name}")):
        parent.remove(old)
    later = order[order.index(name) + 1:]
    for el in parent:
        if el.tag.rsplit("}", 1)[1] in later:
            el.addprevious(child)
            return
    parent.append(child)


def _borders(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(RULE))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    _put(tbl_pr, borders, _TBL_ORDER)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _put(tbl_pr, layout, _TBL_ORDER)


def _margins(table: Any, top: float, side: float) -> None:
    """Cell padding of the whole table: `top` above and below the text, `side` left and right (mm)."""
    mar = OxmlElement("w:tblCellMar")
    for edge, mm in (("top", top), ("left", side), ("bottom", top), ("right", side)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(_twips(mm)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    _put(table._tbl.tblPr, mar, _TBL_ORDER)


def _cell_margins_zero(cell: Any) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    top = OxmlElement("w:top")
    top.set(qn("w:val"), "nil")
    borders.append(top)
    _put(tc_pr, borders, _TC_ORDER)
    mar = OxmlElement("w:tcMar")
    for edge in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    _put(tc_pr, mar, _TC_ORDER)


def _widths(table: Any, widths_mm: list[float]) -> None:
    grid = table._tbl.tblGrid
    for col, mm in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(_twips(mm)))
    rows = [tr.findall(_TC) for tr in table._tbl.findall(_TR)]
    if all(len(tcs) == len(widths_mm) for tcs in rows):  # a new table, one tc per column (always, so far)
        twips = [str(Mm(mm).twips) for mm in widths_mm]  # what python-docx's cell.width = Mm(mm) writes
        for tcs in rows:
            for tc, w in zip(tcs, twips, strict=True):
                tc_w = tc.get_or_add_tcPr().get_or_add_tcW()
                tc_w.set(_TYPE, "dxa")
                tc_w.set(_W, w)
    else:  # merged cells: python-docx's cells, a span repeated
        for row in table.rows:
            for cell, mm in zip(row.cells, widths_mm, strict=False):
                cell.width = Mm(mm)
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        _put(table._tbl.tblPr, tbl_w, _TBL_ORDER)
    tbl_w.set(qn("w:w"), str(_twips(sum(widths_mm))))
    tbl_w.set(qn("w:type"), "dxa")


_TR, _TC, _W, _TYPE = qn("w:tr"), qn("w:tc"), qn("w:w"), qn("w:type")


def _valign(cell: Any, value: Any) -> None:
    """`cell.vertical_alignment = value`, as python-docx writes it (w:vAlign in schema order)."""
    xml = WD_CELL_VERTICAL_ALIGNMENT.to_xml(value)
    if xml is None:
        cell.vertical_alignment = value
        return
    _put(cell._tc.get_or_add_tcPr(), OxmlElement("w:vAlign", {_VAL: xml}), _TC_ORDER)


def _row_height(row: Any, mm: float, rule: str = "exact") -> None:
    tr_pr = row._tr.get_or_add_trPr()
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(_twips(mm)))
    height.set(qn("w:hRule"), rule)
    tr_pr.append(height)


def _row_flag(row: Any, tag: str) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement(tag))


def _shade(cell: Any, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    _put(cell._tc.get_or_add_tcPr(), shd, _TC_ORDER)


def _field(paragraph: Any, code: str, shown: str, size: float) -> None:
    for kind in ("begin", "instr", "separate", "value", "end"):
        run = paragraph.add_run()
        run.font.size = Pt(size)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {code} "
            run._r.append(instr)
        elif kind == "value":
            run.text = shown
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), {"begin": "begin", "separate": "separate", "end": "end"}[kind])
            run._r.append(fld)


def _tiny(paragraph_el: Any) -> None:
    """A paragraph that takes (almost) no height: the one Word needs between two tables."""
    ppr = paragraph_el.get_or_add_pPr()
    spacing = OxmlElement("w:spacing")
    for key, value in (("w:before", "0"), ("w:after", "0"), ("w:line", "20"), ("w:lineRule", "exact")):
        spacing.set(qn(key), value)
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "2")
    rpr.append(sz)
    sect = ppr.find(qn("w:sectPr"))
    if sect is not None:
        sect.addprevious(spacing)
        sect.addprevious(rpr)
    else:
        ppr.append(spacing)
        ppr.append(rpr)


# -- the document ---------------------------------------------------------------------------------------
def render_sop_docx(
    proc: Procedure,
    library: Library | None,
    *,
    lang: str = "id",
    controlled: bool = True,
    content_hash: str | None = None,
    verify_url: str | None = None,
    record: ControlRecord | None = None,
    raster: Callable[[str, int], bytes] = svg_to_png,
) -> bytes:
    """The PermenPAN-RB SOP as DOCX bytes, landscape on the library's paper; `raster` turns an SVG
    logo into PNG (a build passes its on-disk cache, raster.RasterCache)."""
    view = document_view(proc, library, lang=lang, controlled=controlled, content_hash=content_hash,
                         record=record, verify_url=verify_url)
    layout = sop_layout(view, proc)
    values = identity_values(view)
    doc = Document(io.BytesIO(_blank()))
    set_language(doc, lang)
    _page(doc.sections[0], view)
    _running(doc, view)
    _identity(doc, view, values, library, raster)
    for page in layout.pages:
        # the page's table starts on a fresh page: a 1 pt paragraph with a page break before it (a
        # section break between two tables is lost by LibreOffice 7.4 when the last section starts with one)
        breaker = doc.add_paragraph()
        breaker.paragraph_format.page_break_before = True
        _tiny(breaker._p)
        _flow_table(doc, view, layout, page)
        # the bookmark the page references name, in the page's first cell
        first = doc.element.body.findall(qn("w:tbl"))[-1].find(f"{qn('w:tr')}/{qn('w:tc')}/{qn('w:p')}")
        bookmark(first, page_mark(page.number), 500 + page.number)
    body = doc.element.body
    # python-docx put an empty paragraph first (the default template's); drop what is left empty
    first = body[0]
    if first.tag == qn("w:p") and not first.xpath(".//w:t") and first.find(qn("w:pPr")) is None:
        body.remove(first)
    break_long_words(doc, lang)  # as print HTML's data-hy cells: Pelaksana headers, Kegiatan, Mutu Baku, URLs
    _props(doc, view)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@lru_cache(maxsize=1)
def _blank() -> bytes:
    """An empty document with our styles, made once per process (reopening it is cheaper)."""
    doc = Document()
    _styles(doc)
    trim_template(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _styles(doc: Any) -> None:
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0


def _page(section: Any, view: DocumentView) -> None:
    box = sop_page(view.paper)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(box.width), Mm(box.height)
    top, right, bottom, left = box.margin
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    section.header_distance, section.footer_distance = Mm(5), Mm(3)


def _props(doc: Any, view: DocumentView) -> None:
    core = doc.core_properties
    core.title = clean(f"SOP {view.number} {plain(view.title)}")[:255]
    core.author = clean(view.organisation)[:255]
    core.language = view.lang
    core.comments = "Prosedur"


def _running(doc: Any, view: DocumentView) -> None:
    """Running header (organisation · Nomor SOP · title, page x of y) and the footer of the PDF."""
    lang = view.lang
    L = labels(lang)
    section = doc.sections[0]
    par = section.header.paragraphs[0]
    width = Mm(sop_page(view.paper).body_width)
    for inherited in (Mm(82.55), Mm(165.1)):  # the Header style's centre and right tabs (3.25", 6.5")
        par.paragraph_format.tab_stops.add_tab_stop(inherited, WD_TAB_ALIGNMENT.CLEAR)
    par.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    org = f"{view.organisation} · " if view.organisation else ""  # a library without one prints no lone "·"
    _run(par, f"{org}{L['sop_number']} {view.number} · {plain(view.title)}", size=7)
    _run(par, f"\t{L['page']} ", size=7)
    _field(par, "PAGE", "1", 7)
    _run(par, f" {L['of']} ", size=7)
    _field(par, "NUMPAGES", "1", 7)
    if view.watermark:  # DRAF / KEDALUWARSA behind every page: Word's own watermark, as the document DOCX's
        from .docx import _watermark

        _watermark(par, view.watermark)
    foot = section.footer.paragraphs[0]
    copy = L["controlled"] if view.controlled else L["uncontrolled"]
    _run(foot, copy, bold=True, size=6.5, color=None if view.controlled else MARK_RED)
    _run(foot, f"  {view.number} · {L['revision']} {view.revision} · {L['status']}: {view.status_label} · "
               f"{L['classification']}: {view.classification}", size=6.5)
    note = L["esign_note"] if view.esigned else (L["uncontrolled_note"] if not view.controlled else "")
    if note:
        _run(foot, f"  {note}", size=6.5)
    tail = []
    if view.content_hash:
        tail.append(f"SHA-256: {view.content_hash}")
    if view.verify_url:
        tail.append(view.verify_url)
    if tail:
        line = section.footer.add_paragraph()
        _run(line, "  ".join(tail), size=5.5)


def _logo(view: DocumentView, library: Library | None, raster: Callable[[str, int], bytes]) -> bytes | None:
    """The library's logo as PNG, bounded as html.logo_source: an image inside the library folder."""
    found = path_allowed(Path(view.logo), [library.root]) if view.logo and library is not None else None
    if found is None or found.suffix.lower() not in (".svg", ".png", ".jpg", ".jpeg") \
            or found.stat().st_size > MAX_ASSET_BYTES:
        return None
    return image_file_to_raster(found, raster=raster)


def _identity(doc: Any, view: DocumentView, values: dict[str, Any], library: Library | None,
              raster: Callable[[str, int], bytes]) -> None:
    """The identity sheet, cell for cell as templates/sop.html prints it."""
    L = labels(view.lang)
    empty = values["empty"]
    width = sop_page(view.paper).body_width
    if view.indonesian_note:
        _run(doc.add_paragraph(), view.indonesian_note, italic=True)
    top = doc.add_table(rows=6, cols=3)
    top.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(top)
    _margins(top, 1.0, 1.5)
    _widths(top, [width * 0.55, width * 0.15, width * 0.30])
    cells = _cell_grid(top)  # before the merge: it joins column 0 downwards, columns 1 and 2 keep their tcs
    org = cells[0][0].merge(cells[5][0])
    org.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    center = WD_ALIGN_PARAGRAPH.CENTER
    logo = _logo(view, library, raster)
    par = _para(org, first=True, align=center)
    if logo:
        with contextlib.suppress(Exception):  # an image python-docx cannot read means no logo, not no SOP
            par.add_run().add_picture(io.BytesIO(logo), height=Mm(22))
    for line in view.organisation_lines:
        _para(org, line, align=center, bold=True, italic=True, size=12, caps=True)
    for i, line in enumerate(view.unit_lines):
        p = _para(org, line, align=center, bold=True, size=9, caps=True)
        if i == 0:
            p.paragraph_format.space_before = Mm(2)
    if view.owner and view.owner != view.unit:
        _para(org, view.owner, align=center)
    rows = [(L["sop_number"], values["number"]), (L["created"], values["issued"]),
            (L["revised"], values["revised"]), (L["effective_long"], values["effective"])]
    for i, (key, value) in enumerate(rows):
        _para(cells[i][1], key, first=True)
        _para(cells[i][2], value, first=True)
    _para(cells[4][1], L["approved_by"], first=True)
    cell = cells[4][2]
    a = view.approved
    if a is not None and a.pending:
        _para(cell, L["filled_at_signing"], first=True, align=center, italic=True)
    elif a is not None:
        _para(cell, a.position, first=True, align=center)
        if a.signed:
            _para(cell, a.signed_text, align=center, italic=True, size=7)
        if view.verify_url:
            from .docx import _qr_png

            _para(cell, align=center).add_run().add_picture(io.BytesIO(_qr_png(view.verify_url)), height=Mm(15))
        else:
            space = _para(cell, align=center)  # room for the wet signature (sop.css .appr-sign: 16 mm)
            space.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            space.paragraph_format.line_spacing = Mm(16)
        name = _para(cell, a.name, align=center, bold=True)
        for run in name.runs:
            run.underline = True
        if a.nip:
            _para(cell, f"{L['nip']}. {a.nip}", align=center)
        if a.when:
            _para(cell, a.when, align=center, size=7)
    else:
        _para(cell, empty, first=True, align=center)
    _para(cells[5][1], L["sop_name"], first=True, bold=True)
    _para(cells[5][2], view.title, first=True, bold=True, size=9)

    _tiny(doc.add_paragraph()._p)
    grid = doc.add_table(rows=6, cols=2)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(grid)
    _margins(grid, 1.0, 1.5)
    _widths(grid, [width / 2, width / 2])
    boxes = _cell_grid(grid)
    pairs = [
        ((L["legal_basis"], list(view.legal_basis)), (L["qualifications"], [*view.qualifications, *view.training])),
        ((L["related"], list(values["related"])), (L["equipment"], [*view.equipment, *view.materials])),
        ((L["warnings"], list(view.warnings)), (L["data_logging"], list(values["records"]))),
    ]
    for k, pair in enumerate(pairs):
        _row_height(grid.rows[2 * k + 1], 20.0, "atLeast")  # sop.css: 18 mm and the cell's padding
        for col, (title, items) in enumerate(pair):
            _para(boxes[2 * k][col], f"{title}:", first=True, bold=True, caps=True)
            _numbered(boxes[2 * k + 1][col], list(items), empty)


def _cell_grid(table: Any) -> list[list[Any]]:
    """Cells by (row, column) of a table without merges: python-docx's `table.cell` and `row.cells`
    re-walk the grid on every call."""
    from docx.table import _Cell

    return [[_Cell(tc, table) for tc in tr.findall(_TC)] for tr in table._tbl.findall(_TR)]


def _merge(tr: Any, start: int, count: int, *, down: str | None = None) -> None:
    """Merge by hand (python-docx's `merge` rescans the table on every call, a third of the SOP's
    time): the tc at `start` spans `count` grid columns, the next `count - 1` tcs go; `down` is
    "restart" or "continue" for a vertical merge."""
    tcs = tr.findall(qn("w:tc"))
    first = tcs[start]
    tc_pr = first.get_or_add_tcPr()
    if count > 1:
        width = sum(int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in tcs[start:start + count])
        tc_pr.find(qn("w:tcW")).set(qn("w:w"), str(width))
        span = OxmlElement("w:gridSpan")
        span.set(qn("w:val"), str(count))
        _put(tc_pr, span, _TC_ORDER)
        for tc in tcs[start + 1:start + count]:
            tr.remove(tc)
    if down is not None:
        merge = OxmlElement("w:vMerge")
        if down == "restart":
            merge.set(qn("w:val"), "restart")
        _put(tc_pr, merge, _TC_ORDER)


def _flow_table(doc: Any, view: DocumentView, layout: SopLayout, page: SopPage) -> None:
    """One page of the flowchart table: two header rows, the bands and step rows at their heights,
    the actor columns of the body merged into one cell that holds the page's drawing."""
    from docx.table import _Cell

    L = labels(view.lang)
    n = len(layout.actors)
    q = len(layout.columns)
    widths = [COL_NO, layout.activity_width, *([layout.lane_width] * n), *(c.width for c in layout.columns)]
    if layout.notes:
        widths.append(layout.notes_width)
    body_rows = (1 if page.incoming else 0) + len(page.rows) + (1 if page.outgoing else 0)
    table = doc.add_table(rows=2 + body_rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table)
    _margins(table, 0.0, 0.0)
    _widths(table, widths)
    trs = table._tbl.findall(qn("w:tr"))
    grid = [[_Cell(tc, table) for tc in tr.findall(qn("w:tc"))] for tr in trs]
    lane0, quality0 = 2, 2 + n
    notes_col = quality0 + q
    center = WD_ALIGN_PARAGRAPH.CENTER
    middle = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    # header rows
    table_rows = list(table.rows)  # `table.rows[i]` makes every row's proxy again
    head1, head2 = table_rows[0], table_rows[1]
    _row_height(head1, HEAD_ROW1)
    _row_height(head2, layout.head - HEAD_ROW1)
    for r, row in enumerate((head1, head2)):
        _row_flag(row, "w:tblHeader")
        _row_flag(row, "w:cantSplit")
        for cell in grid[r]:
            _shade(cell, HEAD_FILL)
            _valign(cell, middle)
            _pad(cell, side=1.0, top=0.0)  # as the PDF's th: a word never touches the rules (and is hyphenated first)
    _para(grid[0][0], L["no"], first=True, align=center, bold=True)
    _para(grid[0][1], L["activity"], first=True, align=center, bold=True)
    _para(grid[0][lane0], L["actors"], first=True, align=center, bold=True)
    for i, (_aid, name) in enumerate(layout.actors):
        _para(grid[1][lane0 + i], name, first=True, align=center, size=7.5)
    if q:
        _para(grid[0][quality0], L["quality_standard"], first=True, align=center, bold=True)
        for i, column in enumerate(layout.columns):
            _para(grid[1][quality0 + i], column.heading, first=True, align=center, bold=True)
    if layout.notes:
        _para(grid[0][notes_col], layout.notes, first=True, align=center, bold=True)
    # body rows: band, steps, band
    band = layout.band  # sized for the page text of its connectors (sop.band_height)
    heights = ([band] if page.incoming else []) + [r.height for r in page.rows] + ([band] if page.outgoing else [])
    steps = ([None] if page.incoming else []) + list(page.rows) + ([None] if page.outgoing else [])
    for k, (height, step_row) in enumerate(zip(heights, steps, strict=True)):
        row, cells = table_rows[2 + k], grid[2 + k]
        _row_height(row, height)
        _row_flag(row, "w:cantSplit")
        if step_row is None:
            continue
        step = step_row.step
        for cell in (cells[0], cells[1], *cells[quality0:]):
            _valign(cell, middle)
            _pad(cell)
        _para(cells[0], str(step.number), first=True, align=center)
        _para(cells[1], step.text, first=True)
        for i, cell_lines in enumerate(step_row.quality):
            cell = cells[quality0 + i]
            if len(cell_lines) > 1:
                for j, line in enumerate(cell_lines):
                    p = _para(cell, f"•\t{line}", first=j == 0)
                    p.paragraph_format.left_indent, p.paragraph_format.first_line_indent = Mm(3), Mm(-3)
                    p.paragraph_format.tab_stops.add_tab_stop(Mm(3))
            elif cell_lines:
                _para(cell, cell_lines[0], first=True)
        if layout.notes:
            for j, note in enumerate(step_row.notes):
                _para(cells[notes_col], note, first=j == 0)
    # the actor columns of the body: one cell (gridSpan n, merged down all body rows) with the drawing
    lanes = grid[2][lane0]
    _valign(lanes, WD_CELL_VERTICAL_ALIGNMENT.TOP)
    _cell_margins_zero(lanes)
    par = lanes.paragraphs[0]
    drawing = sop_drawing(layout, page, view.lang)
    mark = OxmlElement("w:rPr")  # a 1 pt paragraph mark: the line is the drawing, no font ascent added
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    mark.append(size)
    par._p.get_or_add_pPr().append(mark)
    par.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
    par.paragraph_format.line_spacing = Pt(1)
    run = par.add_run()
    run.font.size = Pt(1)
    run._r.append(drawing.xml(100 + page.number))
    # merges last, right to left so the column indexes of a row stay valid while its tcs go
    if layout.notes:
        _merge(trs[0], notes_col, 1, down="restart")
        _merge(trs[1], notes_col, 1, down="continue")
    if q:
        _merge(trs[0], quality0, q)
    _merge(trs[0], lane0, n)
    for r in (0, 1):
        _merge(trs[r], 1, 1, down="restart" if r == 0 else "continue")
        _merge(trs[r], 0, 1, down="restart" if r == 0 else "continue")
    for k in range(body_rows):
        _merge(trs[2 + k], lane0, n, down=None if body_rows == 1 else "restart" if k == 0 else "continue")


def _pad(cell: Any, side: float = PAD_MM, top: float = 0.4) -> None:
    """The text cells' padding (sop.css `.clip`: 1.2 mm; header cells `th`: 1 mm at the sides)."""
    _put(cell._tc.get_or_add_tcPr(), copy.deepcopy(_cell_mar(side, top)), _TC_ORDER)


@lru_cache(maxsize=8)
def _cell_mar(side: float, top: float) -> Any:
    """The w:tcMar of `_pad`, made once per padding (each cell gets a copy)."""
    mar = OxmlElement("w:tcMar")
    for edge in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(_twips(side if edge in ("left", "right") else top)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    return mar
