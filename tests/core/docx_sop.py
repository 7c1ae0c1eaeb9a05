"""Word SOP fixtures built in test code: a hand-checked expected file (tests/core/import_expected) written as
an agency's Word SOP in one of the symbol styles seen in real files — DrawingML shapes anchored in the
Kegiatan cell and placed over the lanes by offsets (each inside `mc:AlternateContent` with a VML fallback,
as Word writes them), the whole flowchart as one DrawingML group (`wpg:wgp`, its own child coordinate
space) anchored in the first row, legacy VML anchored in the first lane cell, or text markers in the lane
cells.

python-docx makes the package (styles, settings, section); the tables and shapes are WordprocessingML
written here, because python-docx has no API for floating shapes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import parse_xml
from docx.shared import Twips

NSDECL = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"')
PAPER = {"Letter": (12240, 15840), "A4": (11906, 16838), "Legal": (12240, 20160)}
EMU = 635  # per twip
STYLES = ("drawingml", "group", "vml", "markers")
PRST = {"start": "flowChartTerminator", "end": "flowChartTerminator", "process": "flowChartProcess",
        "decision": "flowChartDecision", "io": "flowChartDocument", "connector": "flowChartOffpageConnector"}
SPT = {"start": 116, "end": 116, "process": 109, "decision": 110, "io": 114, "connector": 177}
MARK = {"start": "●", "end": "●", "process": "□", "decision": "◆", "io": "▱", "connector": "○"}


def _p(text: str = "", extra: str = "", size: int = 16) -> str:
    run = f'<w:r><w:rPr><w:sz w:val="{size}"/></w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    return f"<w:p>{run}{extra}</w:p>"


def _tc(width: int, paras: list[str], span: int = 1, vmerge: str | None = None) -> str:
    pr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        pr += f'<w:gridSpan w:val="{span}"/>'
    if vmerge is not None:
        pr += '<w:vMerge w:val="restart"/>' if vmerge == "restart" else "<w:vMerge/>"
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{''.join(paras) or _p()}</w:tc>"


def _tbl(widths: list[int], rows: list[str]) -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    borders = "".join(f'<w:{b} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for b in ("top", "left", "bottom", "right", "insideH", "insideV"))
    return (f'<w:tbl {NSDECL}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders>'
            f'<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>')


def _tr(cells: list[str], height: int | None = None, rule: str = "exact") -> str:
    pr = f'<w:trPr><w:trHeight w:val="{height}" w:hRule="{rule}"/></w:trPr>' if height else ""
    return f"<w:tr>{pr}{''.join(cells)}</w:tr>"


def _numbered(items: list[str]) -> list[str]:
    return [_p(f"{k}. {x}") for k, x in enumerate(items, start=1)] or [_p("-")]


def identity_table(exp: dict[str, Any], width: int) -> str:
    w0, w1 = 2600, 2200
    w2 = width - w0 - w1
    org = [_p(x, size=20) for x in exp.get("organisation", [])] + [_p()] + [_p(x, size=20) for x in exp.get("unit", [])]
    approver = [_p(exp.get("approver_position", "")), _p(), _p(), _p(exp.get("approver_name", "")),
                _p("NIP. " + exp["approver_nip"]) if exp.get("approver_nip") else _p()]
    scalar = [("Nomor SOP", [_p(exp.get("number", ""))]), ("Tanggal Pembuatan", [_p(exp.get("issued", "-"))]),
              ("Tanggal Revisi", [_p(exp.get("revised", "-"))]), ("Tanggal Efektif", [_p(exp.get("effective", "-"))]),
              ("Disahkan oleh", approver), ("Nama SOP", [_p(exp.get("title", ""))])]
    rows = [_tr([_tc(w0, org if k == 0 else [], vmerge="restart" if k == 0 else "cont"), _tc(w1, [_p(label)]),
                 _tc(w2, value)]) for k, (label, value) in enumerate(scalar)]
    for left, right in (("Dasar Hukum", "Kualifikasi Pelaksana"), ("Keterkaitan", "Peralatan/Perlengkapan"),
                        ("Peringatan", "Pencatatan dan Pendataan")):
        keys = {"Dasar Hukum": "legal_basis", "Kualifikasi Pelaksana": "qualifications", "Keterkaitan": "related",
                "Peralatan/Perlengkapan": "equipment", "Peringatan": "warnings", "Pencatatan dan Pendataan": "records"}
        rows.append(_tr([_tc(w0 + w1, [_p(left + ":")], span=2), _tc(w2, [_p(right + ":")])]))
        rows.append(_tr([_tc(w0 + w1, _numbered(exp.get(keys[left], [])), span=2),
                         _tc(w2, _numbered(exp.get(keys[right], [])))]))
    return _tbl([w0, w1, w2], rows)


class _Grid:
    """Column edges and row tops of the activity table (twips), for placing shapes."""

    def __init__(self, exp: dict[str, Any], width: int, row_h: int):
        self.nl, self.nm = len(exp["lanes"]), len(exp["mutu_headings"])
        fixed = 500 + 2600 + 1100
        mutu_w = 1700
        lane_w = max(900, (width - fixed - self.nm * mutu_w) // self.nl)
        self.widths = [500, 2600] + [lane_w] * self.nl + [mutu_w] * self.nm + [1100]
        self.edges = [0]
        for w in self.widths:
            self.edges.append(self.edges[-1] + w)
        self.row_h = row_h
        self.head_h = 420
        self.head_rows = 2

    def lane_x(self, k: int) -> tuple[int, int]:
        return self.edges[2 + k], self.edges[3 + k]

    def row_top(self, r: int) -> int:  # r: 0-based data row
        return self.head_rows * self.head_h + r * self.row_h


def _boxes(exp: dict[str, Any], g: _Grid) -> list[list[tuple[str, int, int, int, int]]]:
    """Per row, per symbol: (kind, x0, y0, x1, y1) in table twips."""
    out = []
    for r, row in enumerate(exp["rows"]):
        syms = []
        used: dict[int, int] = {}
        for s in row["symbols"]:
            ks = [exp["lanes"].index(n) for n in s["lanes"]]
            a, b = g.lane_x(ks[0])[0], g.lane_x(ks[-1])[1]
            w, h = (700, 520) if s["kind"] == "decision" else (760, 360)
            n = used.get(ks[0], 0)
            used[ks[0]] = n + 1
            x0 = (a + b - w) // 2
            y0 = g.row_top(r) + 160 + n * 560
            syms.append((s["kind"], x0, y0, x0 + w, y0 + h))
        out.append(syms)
    return out


def _anchor(x: int, y: int, w: int, h: int, graphic: str, pid: int, fallback: str | None) -> str:
    drawing = (f'<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="{pid}" '
               f'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
               f'<wp:positionH relativeFrom="column"><wp:posOffset>{x * EMU}</wp:posOffset></wp:positionH>'
               f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{y * EMU}</wp:posOffset></wp:positionV>'
               f'<wp:extent cx="{w * EMU}" cy="{h * EMU}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
               f'<wp:docPr id="{pid}" name="Shape {pid}"/><wp:cNvGraphicFramePr/>'
               f'<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
               f"{graphic}</a:graphicData></a:graphic></wp:anchor></w:drawing>")
    if fallback is None:
        return f"<w:r>{drawing}</w:r>"
    return (f'<w:r><mc:AlternateContent><mc:Choice Requires="wps">{drawing}</mc:Choice>'
            f"<mc:Fallback><w:pict>{fallback}</w:pict></mc:Fallback></mc:AlternateContent></w:r>")


def _wsp(prst: str, w: int, h: int, flip_h: bool = False, flip_v: bool = False, arrow: bool = False,
         text: str | None = None, connector: bool = False, at: tuple[int, int] = (0, 0), unit: int = EMU) -> str:
    """A DrawingML shape `w` × `h` twips; `at` and `unit` place it in a group's child space."""
    flips = (' flipH="1"' if flip_h else "") + (' flipV="1"' if flip_v else "")
    ln = '<a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill>' + (
        '<a:tailEnd type="triangle"/>' if arrow else "") + "</a:ln>"
    fill = "<a:noFill/>" if connector or text else '<a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>'
    if text:
        ln = "<a:ln><a:noFill/></a:ln>"
    body = (f'<wps:txbx><w:txbxContent><w:p><w:r><w:rPr><w:sz w:val="14"/></w:rPr><w:t>{escape(text)}</w:t></w:r>'
            f"</w:p></w:txbxContent></wps:txbx>") if text else ""
    nv = "<wps:cNvCnPr/>" if connector else "<wps:cNvSpPr/>"
    return (f"<wps:wsp>{nv}<wps:spPr><a:xfrm{flips}><a:off x=\"{at[0] * unit}\" y=\"{at[1] * unit}\"/>"
            f"<a:ext cx=\"{w * unit}\" cy=\"{h * unit}\"/>"
            f'</a:xfrm><a:prstGeom prst="{prst}"><a:avLst/></a:prstGeom>{fill}{ln}</wps:spPr>{body}<wps:bodyPr/></wps:wsp>')


def _vml_shape(kind: str, x: int, y: int, w: int, h: int) -> str:
    style = f"position:absolute;margin-left:{x / 20}pt;margin-top:{y / 20}pt;width:{w / 20}pt;height:{h / 20}pt;z-index:1"
    if kind in ("start", "end"):
        return f'<v:roundrect style="{style}" arcsize="0.5" strokeweight=".5pt"/>'
    if kind == "process":
        return f'<v:rect style="{style}" strokeweight=".5pt"/>'
    spt = SPT[kind]
    return (f'<v:shapetype id="_x0000_t{spt}" coordsize="21600,21600" o:spt="{spt}" path="m,l21600,r,21600l,21600xe"/>'
            f'<v:shape type="#_x0000_t{spt}" style="{style}" strokeweight=".5pt"/>')


def _vml_line(a: tuple[int, int], b: tuple[int, int], arrow: bool = True) -> str:
    stroke = '<v:stroke endarrow="block"/>' if arrow else ""
    return (f'<v:line from="{a[0] / 20}pt,{a[1] / 20}pt" to="{b[0] / 20}pt,{b[1] / 20}pt" '
            f'style="position:absolute;z-index:2" strokeweight=".5pt">{stroke}</v:line>')


def _vml_label(text: str, x: int, y: int) -> str:
    style = f"position:absolute;margin-left:{x / 20}pt;margin-top:{y / 20}pt;width:24pt;height:10pt;z-index:3"
    return (f'<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"/>'
            f'<v:shape type="#_x0000_t202" style="{style}" filled="f" stroked="f"><v:textbox><w:txbxContent>'
            f"<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape>")


Line = tuple[list[tuple[int, int]], str]  # a polyline (drawn as one straight segment each, arrow at its end), label


def _exit_lines(exp: dict[str, Any], boxes: list[list[tuple[str, int, int, int, int]]]) -> list[list[Line]]:
    """Per row: the arrows leaving the row's decision (straight down to the next row's symbol below it, else out
    of its right side, down or up beside the lanes and into the target's right side, drawn piecemeal), and one
    from each other symbol to the next."""
    out: list[list[Line]] = [[] for _ in boxes]
    flat = [(r, b) for r, row in enumerate(boxes) for b in row]
    for r, row in enumerate(exp["rows"]):
        for k, b in enumerate(boxes[r]):
            kind, x0, y0, x1, y1 = b
            cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
            if kind == "decision":
                side = 0
                for j, to in enumerate(row.get("exits", [])):
                    if to - 1 >= len(boxes) or not boxes[to - 1]:
                        continue
                    t = boxes[to - 1][0]
                    if to - 1 == r:
                        t = boxes[r][k + 1] if k + 1 < len(boxes[r]) else t
                    label = "Ya" if j % 2 == 0 else "Tidak"
                    tcx, tcy = (t[1] + t[3]) // 2, (t[2] + t[4]) // 2
                    if to == r + 2 and abs(tcx - cx) < 40 and not any(len(p) == 2 for p, _ in out[r]):
                        out[r].append(([(cx, y1), (cx, t[2])], label))
                    else:
                        side += 1
                        far = max(x1, t[3]) + 160 * side
                        out[r].append(([(x1, cy), (far, cy), (far, tcy), (t[3], tcy)], label))
            elif kind != "end":
                i = flat.index((r, b))
                if i + 1 < len(flat):
                    t = flat[i + 1][1]
                    last = k == len(boxes[r]) - 1  # the arrow to the next row may carry a label (next_label)
                    out[r].append(([(cx, y1), ((t[1] + t[3]) // 2, t[2])], row.get("next_label", "") if last else ""))
    return out


def _label_at(points: list[tuple[int, int]]) -> tuple[int, int]:
    """Where a label stands: beside the arrow's start, above a side exit, left of a downward one (clear of
    the side exits' routes, which run down on the right)."""
    (ax, ay), (_bx, by) = points[0], points[1]
    return (ax + 40, ay - 240) if by == ay else (ax - 520, ay + 40)


def _group_anchor(boxes: list[list[tuple[str, int, int, int, int]]], arrows: list[list[Line]], ox: int, oy: int) -> str:
    """Every symbol, arrow and label as one group anchored at (ox, oy); children in a child space twice the
    group's size (as Word keeps a group's original coordinates after it is resized)."""
    items: list[tuple[str, int, int, int, int, bool, bool, bool]] = []  # xml kind, x0, y0, x1, y1, flips, arrow
    for row_boxes in boxes:
        for kind, x0, y0, x1, y1 in row_boxes:
            items.append((PRST[kind], x0, y0, x1, y1, False, False, False))
    labels: list[tuple[str, int, int]] = []
    for row_arrows in arrows:
        for points, label in row_arrows:
            for n, (a, b) in enumerate(zip(points, points[1:], strict=False)):
                items.append(("straightConnector1", min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0], min(a[0], b[0]) + 1),
                              max(a[1], b[1], min(a[1], b[1]) + 1), b[0] < a[0], b[1] < a[1], n == len(points) - 2))
            if label:
                labels.append((label, *_label_at(points)))
    gx0 = min(i[1] for i in items) - 20
    gy0 = min(i[2] for i in items) - 20
    gx1 = max(max(i[3] for i in items), max(lx + 480 for _, lx, _ in labels) if labels else 0) + 20
    gy1 = max(max(i[4] for i in items), max(ly + 200 for _, _, ly in labels) if labels else 0) + 20
    k = 2 * EMU  # child units per twip

    kids = ""
    for prst, x0, y0, x1, y1, fh, fv, arrow in items:
        kids += _wsp(prst, x1 - x0, y1 - y0, fh, fv, arrow, connector=prst == "straightConnector1",
                     at=(x0 - gx0, y0 - gy0), unit=k)
    for label, lx, ly in labels:
        kids += _wsp("rect", 480, 200, text=label, at=(lx - gx0, ly - gy0), unit=k)
    w, h = gx1 - gx0, gy1 - gy0
    group = (f'<wpg:wgp xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"><wpg:cNvGrpSpPr/>'
             f'<wpg:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{w * EMU}" cy="{h * EMU}"/>'
             f'<a:chOff x="0" y="0"/><a:chExt cx="{w * k}" cy="{h * k}"/></a:xfrm></wpg:grpSpPr>{kids}</wpg:wgp>')
    return _anchor(gx0 - ox, gy0 - oy, w, h, group, 99, None).replace(
        "wordprocessingShape\">", "wordprocessingGroup\">", 1)


def activity_table(exp: dict[str, Any], width: int, style: str, layout: str = "plain") -> str:
    """layout "plain": Keterangan beside Mutu Baku; "ket-in-mutu": "Ket." inside the Mutu Baku group, and a
    "(1) … (n)" column-number row under the headings (both seen in real SOPs)."""
    g = _Grid(exp, width, 1500)
    inner = layout == "ket-in-mutu"
    ket = [_tc(1100, [_p("Keterangan")], vmerge="restart")] if not inner else []
    heads = [_tr([_tc(500, [_p("No")], vmerge="restart"), _tc(2600, [_p("Kegiatan")], vmerge="restart"),
                  _tc(sum(g.widths[2:2 + g.nl]), [_p("Pelaksana")], span=g.nl),
                  _tc(sum(g.widths[2 + g.nl:-1]) + (1100 if inner else 0), [_p("Mutu Baku")], span=g.nm + inner)]
                 + ket, g.head_h),
             _tr([_tc(500, [], vmerge="cont"), _tc(2600, [], vmerge="cont")]
                 + [_tc(g.widths[2 + k], [_p(n)]) for k, n in enumerate(exp["lanes"])]
                 + [_tc(1700, [_p(n)]) for n in exp["mutu_headings"]]
                 + [_tc(1100, [_p("Ket.")] if inner else [], vmerge=None if inner else "cont")], g.head_h)]
    if inner:
        heads.append(_tr([_tc(w, [_p(f"({k + 1})")]) for k, w in enumerate(g.widths)], g.head_h))
        g.head_rows = 3
    boxes = _boxes(exp, g)
    arrows = _exit_lines(exp, boxes)
    pid = 100
    rows = []
    for r, row in enumerate(exp["rows"]):
        top = g.row_top(r)
        lane_cells: list[list[str]] = [[] for _ in exp["lanes"]]
        keg_runs = ""
        notes = ""
        if style == "markers":
            for kind, x0, _y0, _x1, _y1 in boxes[r]:
                k = next(i for i in range(g.nl) if g.lane_x(i)[0] <= x0 < g.lane_x(i)[1])
                lane_cells[k].append(MARK[kind])
            if row.get("exits"):
                notes = "; ".join(f"{'Ya' if j % 2 == 0 else 'Tidak'}: ke {t}" for j, t in enumerate(row["exits"]))
        elif style == "drawingml":
            ox, oy = g.edges[1] + 108, top  # the Kegiatan cell's text edge, its first paragraph
            for kind, x0, y0, x1, y1 in boxes[r]:
                pid += 1
                fb = _vml_shape(kind, x0 - ox, y0 - oy, x1 - x0, y1 - y0)
                keg_runs += _anchor(x0 - ox, y0 - oy, x1 - x0, y1 - y0, _wsp(PRST[kind], x1 - x0, y1 - y0), pid, fb)
            for points, label in arrows[r]:
                for n, (a, b) in enumerate(zip(points, points[1:], strict=False)):
                    pid += 1
                    x, y = min(a[0], b[0]), min(a[1], b[1])
                    w, h = max(abs(b[0] - a[0]), 1), max(abs(b[1] - a[1]), 1)
                    geo = "straightConnector1" if a[0] == b[0] or a[1] == b[1] else "bentConnector3"
                    keg_runs += _anchor(x - ox, y - oy, w, h, _wsp(geo, w, h, b[0] < a[0], b[1] < a[1],
                                                                 n == len(points) - 2, connector=True), pid, None)
                if label:
                    pid += 1
                    lx, ly = _label_at(points)
                    keg_runs += _anchor(lx - ox, ly - oy, 480, 200, _wsp("rect", 480, 200, text=label), pid, None)
        else:  # vml, anchored in the first lane cell
            ox, oy = g.lane_x(0)[0] + 108, top
            pict = "".join(_vml_shape(kind, x0 - ox, y0 - oy, x1 - x0, y1 - y0) for kind, x0, y0, x1, y1 in boxes[r])
            for points, label in arrows[r]:
                for n, (a, b) in enumerate(zip(points, points[1:], strict=False)):
                    pict += _vml_line((a[0] - ox, a[1] - oy), (b[0] - ox, b[1] - oy), n == len(points) - 2)
                if label:
                    lx, ly = _label_at(points)
                    pict += _vml_label(label, lx - ox, ly - oy)
            lane_cells[0].append(f"<w:r><w:pict>{pict}</w:pict></w:r>")
        if style == "group" and r == 0:
            keg_runs = _group_anchor(boxes, arrows, g.edges[1] + 108, top)
        keg = f'<w:p><w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:t xml:space="preserve">{escape(row["text"])}</w:t></w:r>{keg_runs}</w:p>'
        lanes = []
        for k in range(g.nl):
            if style == "markers":
                lanes.append(_tc(g.widths[2 + k], [_p(" ".join(lane_cells[k]))]))
            elif style == "vml" and k == 0:
                lanes.append(_tc(g.widths[2], [f"<w:p>{''.join(lane_cells[0])}</w:p>"]))
            else:
                lanes.append(_tc(g.widths[2 + k], []))
        mutu = [_tc(1700, [_p(row.get("mutu", [""] * g.nm)[m] if m < len(row.get("mutu", [])) else "")])
                for m in range(g.nm)]
        rows.append(_tr([_tc(500, [_p(str(row["no"]))]), _tc(2600, [keg])] + lanes + mutu + [_tc(1100, [_p(notes)])],
                        g.row_h))
    return _tbl(g.widths, heads + rows)


def write_sop_docx(exp: dict[str, Any], style: str, path: Path, layout: str = "plain") -> Path:
    """`exp` (an expected file's data) as a Word SOP at `path`, symbols in `style` (one of STYLES), the
    activity table's headings in `layout` (see `activity_table`)."""
    doc = Document()
    sec = doc.sections[0]
    short, long_ = PAPER[exp.get("paper", "A4")]
    landscape = exp.get("orientation", "landscape") == "landscape"
    sec.page_width, sec.page_height = (Twips(long_), Twips(short)) if landscape else (Twips(short), Twips(long_))
    if landscape:
        from docx.enum.section import WD_ORIENT
        sec.orientation = WD_ORIENT.LANDSCAPE
    for m in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, m, Twips(720))
    width = (long_ if landscape else short) - 1440
    body = doc.element.body
    sect = body[-1]
    sect.addprevious(parse_xml(identity_table(exp, width)))
    sect.addprevious(parse_xml(f'<w:p {NSDECL}><w:r><w:br w:type="page"/></w:r></w:p>'))
    sect.addprevious(parse_xml(activity_table(exp, width, style, layout)))
    sect.addprevious(parse_xml(f"<w:p {NSDECL}/>"))
    doc.save(str(path))
    return path
