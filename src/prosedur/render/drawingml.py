"""Layout geometry as Word shapes (DrawingML): one `wpg:wgp` group of `wps:wsp` shapes per chart page.

Why shapes and not a picture: a flowchart in a Word file is then crisp at any zoom, its text is text
(searchable, editable, read by screen readers), and no raster step is needed (the PNG route costs a
cairosvg render per page). Word 2010+ and LibreOffice read `wps`/`wpg` directly, so no VML fallback
(`mc:AlternateContent`) is written: LibreOffice renders the groups as they are (checked by converting
to PDF in the tests).

Why hand-written XML: python-docx has no API for shapes. The XML is built with lxml elements (never
by string formatting), every piece of user text goes through `docx.clean` and is set as element text
or an attribute, so it is escaped on output and cannot inject markup.

The group is written inline (`wp:inline`): it sits in a paragraph like a character and moves with
its paragraph or table cell, in Word and LibreOffice alike; anchored shapes in table cells are laid
out differently by the two programs. Coordinates are in points (the layout engine's unit) and
written in EMU with the scale applied here, so text sizes can be scaled with the drawing (Word does
not scale text in a scaled group).

Off-page connectors can name the page a bookmark lands on with a PAGEREF field inside their text
box: Word and LibreOffice work out the page when they lay the document out.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from ..flow.layout import (
    FONT_SIZE,
    LABEL_PITCH,
    LABEL_SIZE,
    PAGE_REF_LINE,
    PAGE_REF_SIZE,
    Box,
    Page,
    crossing_points,
    gapped_pieces,
    label_box,
    layout,
    page_ref_at,
    page_ref_words,
    text_width,
)
from ..model import Library, Procedure, StepKind
from .svg import SMALL_SIZE, page_ref_spot_of

__all__ = ["Drawing", "Text", "EMU_PT", "bookmark", "flowchart_drawing", "label_frame", "ns"]

EMU_PT = 12700
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
WPG = "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
GROUP_URI = WPG
LINE_PITCH = 1.22  # line pitch / font size, as flow.layout.LINE_HEIGHT wraps shape text

Point = tuple[float, float]


_URIS = {"wps": WPS, "wpg": WPG, "a": A, "wp": WP, "w": W}


def ns(prefix: str, name: str) -> str:
    """Clark name `{uri}name` for the prefixes used here."""
    return f"{{{_URIS[prefix]}}}{name}"


@cache
def _clark(tag: str) -> str:
    """'a:off' -> '{uri}off', once per tag: a chart page makes thousands of elements of a few dozen tags."""
    prefix, name = tag.split(":")
    return ns(prefix, name)


def _clean(text: str) -> str:
    from .docx import clean

    return clean(text)


def _sub(parent: etree._Element, tag: str, **attrs: str | int) -> etree._Element:
    return etree.SubElement(parent, _clark(tag), {key: str(value) for key, value in attrs.items()})


def _custom(pw: int, ph: int) -> etree._Element:
    """An empty `a:custGeom` of one path pw × ph (EMU) whose text area is the whole box."""
    geom = etree.Element(ns("a", "custGeom"))
    for tag in ("avLst", "gdLst", "ahLst", "cxnLst"):
        _sub(geom, f"a:{tag}")
    _sub(geom, "a:rect", l="l", t="t", r="r", b="b")
    _sub(_sub(geom, "a:pathLst"), "a:path", w=pw, h=ph)
    return geom


_Q = {name: qn(name) for name in ("w:before", "w:after", "w:line", "w:lineRule", "w:val", "w:ascii", "w:hAnsi", "w:cs")}
"""w: attribute names used per run and paragraph, worked out once."""


def _holder() -> etree._Element:
    """A parent with the namespaces a shape declares: templates made under it copy as a shape's children."""
    return etree.Element(ns("wps", "wsp"), nsmap={"wps": WPS, "a": A, "w": W})


@cache
def _line_paragraph(pitch: int, align: str) -> etree._Element:
    """The w:p (spacing exact at `pitch` twentieths, w:jc `align`) every line of a shape's text starts
    as: made once, copied per line (a chart page has hundreds of lines, most of a few kinds)."""
    p = _sub(_holder(), "w:p")
    ppr = _sub(p, "w:pPr")
    _sub(ppr, "w:spacing", **{_Q["w:before"]: "0", _Q["w:after"]: "0", _Q["w:line"]: str(pitch),
                              _Q["w:lineRule"]: "exact"})
    _sub(ppr, "w:jc", **{_Q["w:val"]: align})
    return p


@cache
def _run_properties(font: str, bold: bool, italic: bool, color: str, size: str) -> etree._Element:
    """A shape text run's w:rPr, made once per look and copied per run."""
    rpr = _sub(_holder(), "w:rPr")
    _sub(rpr, "w:rFonts", **{_Q["w:ascii"]: font, _Q["w:hAnsi"]: font, _Q["w:cs"]: font})
    if bold:
        _sub(rpr, "w:b")
    if italic:
        _sub(rpr, "w:i")
    _sub(rpr, "w:color", **{_Q["w:val"]: color})
    _sub(rpr, "w:sz", **{_Q["w:val"]: size})
    _sub(rpr, "w:szCs", **{_Q["w:val"]: size})
    return rpr


@dataclass
class Text:
    """Lines of text in a shape or text box: one paragraph per line, no re-wrapping; a line may be a
    list of (text, field_code) runs, where a field code makes that run a live field (PAGEREF)."""

    lines: Sequence[str | Sequence[tuple[str, str | None]]]
    size: float = 8.0  # pt, before the drawing's scale
    bold: bool = False
    italic: bool = False
    align: str = "center"  # w:jc value: left, center, right
    anchor: str = "ctr"  # bodyPr anchor: t, ctr, b
    color: str = "111111"
    pitch: float = LINE_PITCH  # line pitch / size: the one the layout measured these lines with


@dataclass
class Drawing:
    """Shapes of one chart page in points; `xml()` gives the `w:drawing` of one inline group."""

    width: float
    height: float
    scale: float = 1.0
    name: str = "Flowchart"
    description: str = ""
    font: str = "Arial"
    shapes: list[etree._Element] = field(default_factory=list)
    ids: int = 1
    """The last shape id used: shape ids count up from here (give each drawing of a file its own range)."""

    def emu(self, value: float) -> int:
        return max(0, round(value * self.scale * EMU_PT))

    # -- shapes ------------------------------------------------------------------------------------
    def _shape(self, kind: str, x: float, y: float, w: float, h: float, *, fill: str | None, line: str | None,
               line_w: float, geometry: etree._Element | None = None, preset: str = "rect",
               text: Text | None = None, arrow: bool = False) -> etree._Element:
        self.ids += 1
        sp = etree.Element(ns("wps", "wsp"), nsmap={"wps": WPS, "a": A, "w": W})
        _sub(sp, "wps:cNvPr", id=self.ids, name=f"{kind} {self.ids}")
        _sub(sp, "wps:cNvSpPr")  # text boxes are plain shapes with text: LibreOffice paints no fill behind txBox="1"
        pr = _sub(sp, "wps:spPr")
        xfrm = _sub(pr, "a:xfrm")
        _sub(xfrm, "a:off", x=self.emu(x), y=self.emu(y))
        _sub(xfrm, "a:ext", cx=max(1, self.emu(w)), cy=max(1, self.emu(h)))
        if geometry is not None:
            pr.append(geometry)
        else:
            _sub(_sub(pr, "a:prstGeom", prst=preset), "a:avLst")
        if fill:
            _sub(_sub(pr, "a:solidFill"), "a:srgbClr", val=fill)
        else:
            _sub(pr, "a:noFill")
        ln = _sub(pr, "a:ln", w=max(1, round(line_w * self.scale * EMU_PT)))
        if line:
            _sub(_sub(ln, "a:solidFill"), "a:srgbClr", val=line)
            _sub(ln, "a:miter", lim="800000")
            if arrow:
                _sub(ln, "a:tailEnd", type="triangle", w="med", len="med")
        else:
            _sub(ln, "a:noFill")
        if text is not None:
            self._text(sp, text)
        body = _sub(sp, "wps:bodyPr", rot=0, vert="horz", wrap="none", lIns=0, tIns=0, rIns=0, bIns=0,
                    anchor=text.anchor if text else "ctr", anchorCtr=0)
        _sub(body, "a:noAutofit")
        self.shapes.append(sp)
        return sp

    def _text(self, sp: etree._Element, text: Text) -> None:
        box = _sub(_sub(sp, "wps:txbx"), "w:txbxContent")
        size = str(max(2, round(text.size * self.scale * 2)))  # half-points
        pitch = round(text.size * self.scale * text.pitch * 20)  # twentieths of a point, as the layout measured
        line_p = _line_paragraph(pitch, text.align)
        for line in text.lines:
            p = copy.deepcopy(line_p)
            box.append(p)
            runs = [(line, None)] if isinstance(line, str) else list(line)
            for value, code in runs:
                if code:
                    self._field(p, code, value, text, size)
                else:
                    self._run(p, value, text, size)

    def _rpr(self, r: etree._Element, text: Text, size: str) -> None:
        r.append(copy.deepcopy(_run_properties(self.font, text.bold, text.italic, text.color, size)))

    def _run(self, p: etree._Element, value: str, text: Text, size: str) -> None:
        from ..text import spans

        for span in spans(_clean(value)):
            r = _sub(p, "w:r")
            r.append(copy.deepcopy(_run_properties(self.font, text.bold or span.bold, text.italic or span.italic,
                                                   text.color, size)))
            t = _sub(r, "w:t")
            t.text = span.text
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    def _field(self, p: etree._Element, code: str, shown: str, text: Text, size: str) -> None:
        """A complex field (fldChar begin / instrText / separate / cached value / end)."""
        for part in ("begin", "instr", "separate", "value", "end"):
            r = _sub(p, "w:r")
            self._rpr(r, text, size)
            if part == "instr":
                t = _sub(r, "w:instrText")
                t.text = f" {code} "
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            elif part == "value":
                _sub(r, "w:t").text = _clean(shown)
            else:
                _sub(r, "w:fldChar", **{qn("w:fldCharType"): {"begin": "begin", "separate": "separate",
                                                               "end": "end"}[part]})

    def rect(self, x: float, y: float, w: float, h: float, *, fill: str | None = "FFFFFF", line: str | None = "111111",
             line_w: float = 0.9, rounded: bool = False, text: Text | None = None, kind: str = "process") -> None:
        if rounded:  # a terminator: a stadium drawn as a path, so its text area is the whole box
            # (a preset roundRect insets its text area and LibreOffice clips the last line)
            pw, ph = max(1, self.emu(w)), max(1, self.emu(h))
            r = min(pw, ph) // 2
            geom = _custom(pw, ph)
            path = geom.find(f"{{{A}}}pathLst/{{{A}}}path")
            _sub(_sub(path, "a:moveTo"), "a:pt", x=r, y=0)
            _sub(_sub(path, "a:lnTo"), "a:pt", x=pw - r, y=0)
            _sub(path, "a:arcTo", wR=r, hR=ph // 2, stAng=16200000, swAng=10800000)
            _sub(_sub(path, "a:lnTo"), "a:pt", x=r, y=ph)
            _sub(path, "a:arcTo", wR=r, hR=ph // 2, stAng=5400000, swAng=10800000)
            _sub(path, "a:close")
            self._shape(kind, x, y, w, h, fill=fill, line=line, line_w=line_w, geometry=geom, text=text)
        else:
            self._shape(kind, x, y, w, h, fill=fill, line=line, line_w=line_w, text=text)

    def ellipse(self, x: float, y: float, w: float, h: float, *, fill: str | None = "FFFFFF",
                line: str | None = "111111", line_w: float = 0.9, text: Text | None = None,
                kind: str = "connector") -> None:
        self._shape(kind, x, y, w, h, fill=fill, line=line, line_w=line_w, preset="ellipse", text=text)

    def polygon(self, points: Sequence[Point], *, fill: str | None = "FFFFFF", line: str | None = "111111",
                line_w: float = 0.9, text: Text | None = None, kind: str = "shape",
                box: tuple[float, float, float, float] | None = None) -> None:
        """A closed outline (diamond, parallelogram, pentagon); text, if any, centred on `box`."""
        self._path(list(points), closed=True, fill=fill, line=line, line_w=line_w, text=text, kind=kind, box=box)

    def polyline(self, points: Sequence[Point], *, line: str = "111111", line_w: float = 0.8, arrow: bool = True,
                 kind: str = "connector line") -> None:
        self._path(list(points), closed=False, fill=None, line=line, line_w=line_w, arrow=arrow, kind=kind)

    def _path(self, points: list[Point], *, closed: bool, fill: str | None, line: str | None, line_w: float,
              text: Text | None = None, arrow: bool = False, kind: str = "shape",
              box: tuple[float, float, float, float] | None = None) -> None:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        x0, y0 = min(xs), min(ys)
        w, h = max(xs) - x0, max(ys) - y0
        if box is not None:  # the shape's frame is its box, so a text anchored in it centres there
            x0, y0, w, h = box
        pw, ph = max(1, self.emu(w)), max(1, self.emu(h))
        geom = _custom(pw, ph)
        path = geom.find(f"{{{A}}}pathLst/{{{A}}}path")
        if not closed:
            path.set("fill", "none")
        for i, (px, py) in enumerate(points):
            step = _sub(path, "a:moveTo" if i == 0 else "a:lnTo")
            _sub(step, "a:pt", x=min(pw, self.emu(px - x0)), y=min(ph, self.emu(py - y0)))
        if closed:
            _sub(path, "a:close")
        self._shape(kind, x0, y0, w, h, fill=fill, line=line, line_w=line_w, geometry=geom, text=text, arrow=arrow)

    def text(self, x: float, y: float, w: float, h: float, text: Text, *, fill: str | None = None,
             kind: str = "label") -> None:
        """A borderless text box (exit labels, step numbers, lane titles, page references)."""
        self._shape(kind, x, y, w, h, fill=fill, line=None, line_w=0, text=text)

    # -- output ------------------------------------------------------------------------------------
    def xml(self, doc_pr_id: int, *, anchored: bool = False, behind: bool = False,
            frame: tuple[str, str, float, float] = ("column", "paragraph", 0.0, 0.0)) -> etree._Element:
        """`w:drawing` holding the group, sized width × height (scaled): inline, or `anchored` with no
        wrap at `frame` = (horizontal base, vertical base, x, y in points), behind the text if `behind`."""
        drawing = OxmlElement("w:drawing")
        inline = etree.SubElement(drawing, ns("wp", "anchor" if anchored else "inline"), nsmap={"wp": WP})
        for side in ("distT", "distB", "distL", "distR"):
            inline.set(side, "0")
        cx, cy = max(1, self.emu(self.width)), max(1, self.emu(self.height))
        if anchored:
            for key, value in (("simplePos", "0"), ("relativeHeight", str(251658240 + doc_pr_id)),
                               ("behindDoc", "1" if behind else "0"), ("locked", "0"), ("layoutInCell", "1"),
                               ("allowOverlap", "1")):
                inline.set(key, value)
            _sub(inline, "wp:simplePos", x=0, y=0)
            _sub(_sub(inline, "wp:positionH", relativeFrom=frame[0]), "wp:posOffset").text = str(self.emu(frame[2]))
            _sub(_sub(inline, "wp:positionV", relativeFrom=frame[1]), "wp:posOffset").text = str(self.emu(frame[3]))
        _sub(inline, "wp:extent", cx=cx, cy=cy)
        _sub(inline, "wp:effectExtent", l=0, t=0, r=0, b=0)
        if anchored:
            _sub(inline, "wp:wrapNone")
        doc_pr = _sub(inline, "wp:docPr", id=doc_pr_id, name=f"{_clean(self.name)} {doc_pr_id}")
        if self.description:
            doc_pr.set("descr", _clean(self.description))
        _sub(inline, "wp:cNvGraphicFramePr")
        graphic = etree.SubElement(inline, ns("a", "graphic"), nsmap={"a": A})
        data = _sub(graphic, "a:graphicData", uri=GROUP_URI)
        group = etree.SubElement(data, ns("wpg", "wgp"), nsmap={"wpg": WPG})
        _sub(group, "wpg:cNvGrpSpPr")
        xfrm = _sub(_sub(group, "wpg:grpSpPr"), "a:xfrm")
        _sub(xfrm, "a:off", x=0, y=0)
        _sub(xfrm, "a:ext", cx=cx, cy=cy)
        _sub(xfrm, "a:chOff", x=0, y=0)
        _sub(xfrm, "a:chExt", cx=cx, cy=cy)
        for sp in self.shapes:
            group.append(sp)
        return drawing


def bookmark(paragraph_el: etree._Element, name: str, bid: int) -> None:
    """A bookmark around the start of a paragraph (a PAGEREF target)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bid))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bid))
    ppr = paragraph_el.find(qn("w:pPr"))
    at = 1 if ppr is not None else 0
    paragraph_el.insert(at, start)
    paragraph_el.insert(at + 1, end)


# -- the document's swimlane flowchart ---------------------------------------------------------------
LANE_HEAD, LANE_LINE, LANE_ALT = "E8EEF5", "4A5A6A", "F8FAFC"
INK = "1A2633"
FILLS = {"start": "EAF4EA", "end": "EAF4EA", "decision": "FDF6E3", "io": "EEF3FB"}


def label_frame(box: Box, lines: int, size: float) -> Box:
    """The text box of an exit label of `lines` lines whose printed extent is `box` (`label_box`):
    centred on it, as tall as the lines at LABEL_PITCH. Word and LibreOffice clip a text box's text
    at its frame, and `label_box` (the ink, for the overlap checks) is a little less than the lines'
    pitch: the second line of "Leng-/kap" lost its lower half."""
    x, y, w, h = box
    tall = lines * LABEL_PITCH * size + 1.0
    return x, y + h / 2 - tall / 2, w, tall


def flowchart_drawing(page: Page, *, scale: float, lang: str, page_ref: dict[str, str] | None = None,
                      name: str = "Flowchart", description: str = "", first_id: int = 1,
                      size: float = FONT_SIZE) -> Drawing:
    """One page of `flow.layout` (a `Page`) as shapes, colours and sizes as `flowchart.css` draws them;
    `size` is the step text's (`Layout.font_size`: smaller on a crowded chart), the size the layout
    wrapped node texts and lane titles at.

    `page_ref` maps an off-page connector's node id to the bookmark of the page it continues on: its
    text box then prints "lanjut ke hlm. {PAGEREF}" and Word/LibreOffice fill in the page."""
    p = page
    d = Drawing(p.width, p.height, scale=scale, name=name, description=description, ids=first_id)
    # an invisible shape over the whole page first: LibreOffice fits the bounding box of a group's
    # children to the group's frame (it ignores chOff/chExt), so a page whose shapes begin 11 pt
    # right of its edge (the first lane after room for a page reference) was stretched 3 % wide
    d.rect(0, 0, p.width, p.height, fill=None, line=None, line_w=0, kind="page")
    for i, lane in enumerate(p.lanes):
        if i % 2:
            d.rect(lane.x, p.header, lane.width, p.height - p.header, fill=LANE_ALT, line=None, line_w=0,
                   kind="lane")
        d.rect(lane.x, 0, lane.width, p.height, fill=None, line=LANE_LINE, line_w=0.6, kind="lane")
        d.rect(lane.x, 0, lane.width, p.header, fill=LANE_HEAD, line=LANE_LINE, line_w=0.6, kind="lane head",
               text=Text(list(lane.title), size, bold=True, color=INK))
    hops = crossing_points(p)
    for k, edge in enumerate(p.edges):  # a crossing: a gap in the horizontal line (DrawingML has no hop arc)
        pieces = gapped_pieces(edge.points, hops.get(k, []), 6.0)
        for j, piece in enumerate(pieces):
            d.polyline(piece, line=INK, line_w=0.8, arrow=j == len(pieces) - 1)
    for node in p.nodes:
        x, y, w, h = node.x, node.y, node.w, node.h
        text = Text(list(node.lines), size)
        if node.kind == "offpage":
            pts = [(x, y), (x + w, y), (x + w, y + h * 0.6), (x + w / 2, y + h), (x, y + h * 0.6)]
            d.polygon(pts, fill="FFFFFF", line=INK, line_w=0.8, kind="offpage",
                      text=Text([node.label], size, anchor="t"), box=(x, y + h * 0.1, w, h * 0.6))
            ref = next(o for o in p.offpage if o.node == node.id)
            short = page_ref_words(ref.direction, lang)[1]
            mark = (page_ref or {}).get(node.id)
            spot = page_ref_spot_of(p, node, lang)  # where the SVG prints it (and lines keep off it)
            printed = spot.lines(short.format(n=ref.other_page))
            shown, number = short.split("{n}")[0], str(ref.other_page)
            last: list[tuple[str, str | None]] = [(shown, None), (number, f"PAGEREF {mark} \\h" if mark else None)]
            bx, first, anchor = page_ref_at(node, spot, len(printed))
            need = max(text_width(line, PAGE_REF_SIZE) for line in printed) + 2
            left = bx if anchor == "start" else bx - need if anchor == "end" else bx - need / 2
            align = {"start": "left", "end": "right", "middle": "center"}[anchor]
            d.text(left, first - 6.0, need, len(printed) * PAGE_REF_LINE,
                   Text([*spot.lead, last], PAGE_REF_SIZE, align=align, color=LANE_LINE,
                        pitch=PAGE_REF_LINE / PAGE_REF_SIZE),  # the layout's 8 pt: the frame holds the lines
                   kind="page ref")
            continue
        if node.kind in (StepKind.START, StepKind.END):
            d.rect(x, y, w, h, fill=FILLS["start"], line=INK, rounded=True, text=text, kind=str(node.kind))
        elif node.kind == StepKind.DECISION:
            d.polygon([(x + w / 2, y), (x + w, y + h / 2), (x + w / 2, y + h), (x, y + h / 2)],
                      fill=FILLS["decision"], line=INK, text=text, kind="decision", box=(x, y, w, h))
        elif node.kind == StepKind.IO:
            s = 7.0
            d.polygon([(x + s, y), (x + w, y), (x + w - s, y + h), (x, y + h)], fill=FILLS["io"], line=INK,
                      text=text, kind="io", box=(x, y, w, h))
        elif node.kind == StepKind.CONNECTOR:
            d.ellipse(x, y, w, h, line=INK, text=text)
        else:
            d.rect(x, y, w, h, line=INK, text=text, kind="process")
        if node.part <= 1:
            d.text(x + 1, y - 10, 4.5 * len(str(node.number)) + 4, 9, Text([str(node.number)], SMALL_SIZE, align="left",
                   anchor="b", color=LANE_LINE), kind="step number")
    for edge in p.edges:
        if edge.label and edge.label_at:
            lines = list(edge.label_lines or (edge.label,))
            bx, by, bw, bh = label_frame(label_box(edge.label_at, edge.label_anchor, edge.printed_label, LABEL_SIZE),
                                         len(lines), LABEL_SIZE)
            d.text(bx, by, bw + 2, bh, Text(lines, LABEL_SIZE, italic=True, align="left", color=INK,
                                            pitch=LABEL_PITCH),
                   kind="exit label")
    return d


def add_flowchart(box: Any, proc: Procedure, library: Library | None, *, lang: str, max_width: int,
                  max_height: int, alt: str) -> int:
    """The document's swimlane flowchart as one shape group per page, each in its own centred paragraph
    of `box` (the document, or a cell), a page break before every page after the first, scaled to fit
    `max_width` × `max_height` (EMU).
    Each page's paragraph carries a bookmark; off-page connectors print PAGEREF fields to it.
    Returns the number of pages drawn."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from .svg import _max_height, role_titles

    titles = role_titles(proc, library, lang)
    result = layout(proc, rows_per_page=13, swimlanes=True, lane_titles=titles,
                    max_height=_max_height(proc, True), lang=lang)
    marks = {page.number: f"_Prosedur_flow_{page.number}" for page in result.pages}
    first_id = 0
    for i, page in enumerate(result.pages):
        paragraph = box.add_paragraph()
        if not first_id:  # drawing ids after the ones the document already holds
            first_id = 1000 + sum(1 for _ in paragraph._p.getroottree().getroot().iter(qn("wp:docPr")))
        scale = min(1.0, max_width / (page.width * EMU_PT), max_height / (page.height * EMU_PT))
        refs = {o.node: marks[o.other_page] for o in page.offpage if o.other_page in marks}
        drawing = flowchart_drawing(page, scale=scale, lang=lang, page_ref=refs, name="Flowchart",
                                    description=f"{alt} ({i + 1}/{len(result.pages)})",
                                    first_id=(first_id + i) * 1000, size=result.font_size)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = False
        if i > 0:  # the break is the paragraph's own property, so the bookmark lands on the new page
            paragraph.paragraph_format.page_break_before = True
        run = paragraph.add_run()
        run._r.append(drawing.xml(first_id + i))
        bookmark(paragraph._p, marks[page.number], 9000 + page.number)
    return len(result.pages)
