"""Read a Word PermenPAN-RB SOP (.docx) into the same `ReadSheet` as a PDF (`pdf.read_pdf`).

Why zipfile + lxml and not python-docx or docx2python: the reader must check the package before anything is
inflated (entry count, every part's size and compression ratio: a DOCX bomb is refused before it is read),
parse with a hardened parser (no entities, no network, lxml's depth limit), and it needs the raw markup
python-docx's table API hides: `w:drawing` anchors and offsets, `wps:wsp` geometry, `mc:AlternateContent`
choice/fallback, VML `w:pict`. docx2python flattens a document to text and loses the shapes. python-docx
builds the test fixtures (tests/core/docx_sop.py). Relationships are never followed, so an external target
(TargetMode="External": an image URL, an attached template) is never fetched; the report counts them.
The web app's page images of a Word original go through `docx_clean` first (those links and every
embedded program dropped) before LibreOffice lays the package out.

Tables: cells are placed on the table grid (`w:tblGrid`, `w:gridBefore`, `w:gridSpan`; a `w:vMerge`
continuation belongs to the cell above). The identity sheet is read by label cells ("Nomor SOP", …): a
scalar's value is the rest of the label cell or the next cells right of it; a list's items are the label
cell's further paragraphs or the cell below it, one paragraph an item (a paragraph without a number under
numbered ones continues the item above). The activity table is the table whose header row has Kegiatan and
Pelaksana; lanes and Mutu Baku headings are the header cells under those spans.

Symbols come in three styles, all read: (a) DrawingML `wps:wsp` (`a:prstGeom`, alone, in a group `wpg:wgp`
or a canvas), (b) VML (`v:shape` with a shape type, `v:rect`, `v:roundrect`, `v:oval`, `v:line`), where a
`mc:AlternateContent` holds both the Choice is read and the Fallback skipped, (c) text markers in lane cells
(◆ decision, ● terminator, □ / [ ] process, ▱ document; a tick or X marks the actor only: its kind is not
printed, so it is kept as a process with an `unread` note, never guessed silently).

Where a shape stands: Word lays out the page, we do not; positions are computed in table coordinates
(points from the table's left edge and top). x: the grid column edges are the cumulative `w:gridCol` widths;
a shape positioned relative to its column/character is at its anchor cell's text edge (cell left + the cell
margin) plus `wp:posOffset` (or `wp:align` within the cell); relative to the margin/page, at the offset less
the table indent (and left margin). y: a row's height is its `w:trHeight` when exact, else the larger of
that and an estimate from its text (lines × 1.15 × font size, characters wrapped at half the font size per
character); a shape relative to its paragraph/line is at its row's top plus the paragraph's estimated offset
plus the vertical offset; one relative to the page/margin keeps its anchor row (the page position of a row
is not known without laying the document out). A shape's lane is the lane column holding its centre (all
lanes its box spans by more than a third of a lane), its row the row holding its centre. A connector's ends
come from its box, flips and rotation; arrowheads (`a:tailEnd`, `a:headEnd`, VML `endarrow`/`startarrow`)
give the direction. A decision's exits follow connectors from the diamond (chained through line segments
that meet) to the symbol the arrow lands on; a short text box next to a connector is its label.
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from .pdf import (
    _FIELD_NAMES,
    _HEAD_TEXT,
    _ITEM_NO,
    _KET_WORD,
    _LETTER,
    _MUTU_WORD,
    _NO_WORD,
    _PAGE_REF,
    _UNIT_WORD,
    LABELS,
    LIST_FIELDS,
    MAX_BYTES,
    ImportError_,
    _follow_arrows,
    _join,
    _order_parts,
    _paper,
    _terminators,
)
from .sheet import Issue, ReadRow, ReadSheet, ReadSymbol

__all__ = ["MAX_ENTRIES", "MAX_PART_BYTES", "MAX_TOTAL_BYTES", "read_docx"]

MAX_ENTRIES = 2000  # a Word SOP has some tens of parts
MAX_PART_BYTES = 40 * 1024 * 1024  # document.xml inflated
MAX_TOTAL_BYTES = 120 * 1024 * 1024
MAX_RATIO = 150  # inflated / compressed, for parts over 1 MB (XML compresses 5–20×)

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wpg": "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "wpc": "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
W = "{{{}}}".format(NS["w"])
O_SPT = f"{{{NS['o']}}}spt"
_MACRO_TYPES = ("macroEnabled", "vbaProject")
_EMU_PT = 12700.0

# DrawingML preset geometry → symbol kind (PermenPAN-RB 35/2012 symbols; a rounded rectangle reads as the
# terminator: the regulation has no "alternate process")
_PRST = {
    "flowChartTerminator": "terminator", "roundRect": "terminator", "flowChartAlternateProcess": "terminator",
    "flowChartProcess": "process", "rect": "process", "flowChartPredefinedProcess": "process",
    "flowChartDecision": "decision", "diamond": "decision",
    "flowChartDocument": "io", "flowChartMultidocument": "io", "flowChartInputOutput": "io",
    "parallelogram": "io", "flowChartManualInput": "io",
    "flowChartOffpageConnector": "connector", "flowChartConnector": "connector", "ellipse": "connector",
    "homePlate": "connector",
}
_CONNECTOR_PRST = re.compile(r"^(line|straightConnector1|bentConnector\d|curvedConnector\d)$")
# VML shape types (o:spt): the same shapes by number
_SPT = {116: "terminator", 2: "terminator", 176: "terminator", 109: "process", 1: "process", 112: "process",
        110: "decision", 4: "decision", 114: "io", 115: "io", 111: "io", 7: "io", 118: "io",
        177: "connector", 120: "connector", 3: "connector", 15: "connector"}
_SPT_CONNECTOR = {20, 32, 33, 34, 35, 36, 37, 38, 39, 40}
_MARKERS = [(re.compile(r"^[◆◇♦⬥⬦]$|^<>$"), "decision"), (re.compile(r"^[●○⬬⬭⏺◯]$|^\(\s*\)$"), "terminator"),
            (re.compile(r"^[□■▭▯◻◼]$|^\[\s*\]$"), "process"), (re.compile(r"^[▱⏥]$"), "io"),
            (re.compile(r"^[xX√✓✔✗vV]$"), "tick")]


# -- the package ----------------------------------------------------------------------------------------


def _open(path: Path) -> tuple[bytes, int]:
    """document.xml of a checked package and the count of external relationships; `ImportError_` else."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ImportError_("too_large", size=round(size / 1e6, 1), limit=MAX_BYTES // 1_000_000)
    _entry_count(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise ImportError_("docx_damaged", error=type(exc).__name__) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ImportError_("docx_bomb", why=f"{len(infos)} entries (limit {MAX_ENTRIES})")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES or (
                    info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
                raise ImportError_("docx_bomb", why=f"{info.filename}: {info.file_size // 1_000_000} MB")
        names = {i.filename for i in infos}
        if "word/document.xml" not in names:
            raise ImportError_("docx_not_word")
        types = _part(zf, "[Content_Types].xml", 1_000_000) if "[Content_Types].xml" in names else b""
        if any(t.encode() in types for t in _MACRO_TYPES) or any(n.lower().endswith("vbaproject.bin") for n in names):
            raise ImportError_("docx_macro")
        external = 0
        for n in names:
            if n.endswith(".rels"):
                external += len(re.findall(rb'TargetMode\s*=\s*"External"', _part(zf, n, 5_000_000)))
        return _part(zf, "word/document.xml", MAX_PART_BYTES), external


def _entry_count(path: Path) -> None:
    """Refuse a package whose end record claims more entries than a Word file has, before `zipfile` reads
    (and builds an object for) every one of them."""
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 65_557))  # the end record and the longest comment
        tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 12:
        return  # no end record: zipfile says what is wrong
    entries = int.from_bytes(tail[at + 10:at + 12], "little")
    if entries == 0xFFFF:  # zip64: the count is elsewhere, and no Word file needs zip64
        raise ImportError_("docx_bomb", why="zip64 package")
    if entries > MAX_ENTRIES:
        raise ImportError_("docx_bomb", why=f"{entries} entries (limit {MAX_ENTRIES})")


def _part(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A part inflated up to `limit` bytes (the header's size is not trusted)."""
    try:
        with zf.open(name) as fh:
            data = fh.read(limit + 1)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise ImportError_("docx_damaged", error=f"{name}: {type(exc).__name__}") from exc
    if len(data) > limit:
        raise ImportError_("docx_bomb", why=f"{name} > {limit // 1_000_000} MB")
    return data


def _parse(data: bytes) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower() or "huge" in str(exc).lower():
            raise ImportError_("docx_bomb", why="XML nested too deep") from exc
        raise ImportError_("docx_damaged", error=str(exc)[:120]) from exc


# -- text ---------------------------------------------------------------------------------------------------

_SKIP = {f"{{{NS['w']}}}{t}" for t in ("txbxContent", "del", "delText", "instrText", "drawing", "pict", "object")}
_SKIP |= {f"{{{NS['mc']}}}Fallback", f"{{{NS['mc']}}}AlternateContent"}


_INVISIBLE = str.maketrans({"\u00a0": " ", "\u200b": None, "\u00ad": None})


def _lines(p: Any) -> list[str]:
    """A paragraph's text (a `w:br` starts a new line), without text boxes, deletions and field codes."""
    lines = [""]
    stack = [iter(p)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
            continue
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == W + "t":
            lines[-1] += el.text or ""
        elif tag == W + "tab":
            lines[-1] += " "
        elif tag in (W + "br", W + "cr"):
            lines.append("")
        elif tag == W + "sym":
            char = el.get(W + "char") or ""
            lines[-1] += chr(int(char, 16)) if re.fullmatch(r"[0-9A-Fa-f]{2,4}", char) else ""
        elif tag == W + "tbl":
            continue
        else:
            stack.append(iter(el))
    # no-break spaces read as spaces; the zero-width breaks and soft hyphens a Word file carries in its
    # long words and URLs (ours: render.docx.break_long_words) are not text
    return [" ".join(t.translate(_INVISIBLE).split()) for t in lines]


def _numbered(p: Any) -> bool:
    return p.find("w:pPr/w:numPr", NS) is not None


@dataclass
class Cell:
    el: Any
    row: int
    col: int
    span: int
    paras: list[Any]
    cont: bool = False  # a vMerge continuation

    @property
    def lines(self) -> list[str]:
        return [t for p in self.paras for t in _lines(p)]

    @property
    def text(self) -> str:
        return _join(self.lines)


def _int(v: str | None, default: int = 0) -> int:
    try:
        return int(float(v)) if v is not None else default
    except ValueError:
        return default


@dataclass
class Table:
    el: Any
    grid: list[float]  # column edges, pt
    rows: list[list[Cell]] = field(default_factory=list)
    heights: list[tuple[float, str]] = field(default_factory=list)  # (pt, hRule)
    indent: float = 0.0

    def cell_at(self, r: int, col: int) -> Cell | None:
        return next((c for c in self.rows[r] if c.col <= col < c.col + c.span), None) if 0 <= r < len(self.rows) else None


def _children(el: Any, tag: str) -> list[Any]:
    """`el`'s `w:<tag>` children, also those wrapped in content controls or custom XML."""
    out = []
    for child in el:
        if child.tag == W + tag:
            out.append(child)
        elif child.tag in (W + "sdt", W + "customXml"):
            out.extend(child.iterfind(f".//w:{tag}", NS))
    return out


def _cells_of(tr: Any) -> list[Any]:
    return _children(tr, "tc")


def _paras_of(tc: Any) -> list[Any]:
    return _children(tc, "p")


def _table(tbl: Any) -> Table:
    widths = [_int(g.get(W + "w")) / 20 for g in tbl.iterfind("w:tblGrid/w:gridCol", NS)]
    edges = [0.0]
    for w in widths:
        edges.append(edges[-1] + w)
    ind = tbl.find("w:tblPr/w:tblInd", NS)
    t = Table(tbl, edges, indent=_int(ind.get(W + "w") if ind is not None else None) / 20)
    for ri, tr in enumerate(tbl.iterfind("w:tr", NS)):
        col = _int(tr.find("w:trPr/w:gridBefore", NS).get(W + "val")) if tr.find("w:trPr/w:gridBefore", NS) is not None else 0
        cells = []
        for tc in _cells_of(tr):
            span_el = tc.find("w:tcPr/w:gridSpan", NS)
            span = max(1, _int(span_el.get(W + "val"), 1)) if span_el is not None else 1
            vm = tc.find("w:tcPr/w:vMerge", NS)
            cont = vm is not None and vm.get(W + "val") != "restart"
            cells.append(Cell(tc, ri, col, span, _paras_of(tc), cont))
            col += span
        t.rows.append(cells)
        h = tr.find("w:trPr/w:trHeight", NS)
        t.heights.append((_int(h.get(W + "val")) / 20, h.get(W + "hRule") or "atLeast") if h is not None else (0.0, "auto"))
    while len(t.grid) - 1 < max((c.col + c.span for r in t.rows for c in r), default=0):
        t.grid.append(t.grid[-1] + 72)  # a row wider than the grid: Word widens the table
    return t


# -- identity sheet ----------------------------------------------------------------------------------------


def _label(text: str) -> tuple[str, str] | None:
    for name, pattern in LABELS.items():
        m = re.match(rf"^\s*{pattern}\s*:?\s*", text, re.IGNORECASE)
        if m:
            return name, text[m.end():].lstrip(": ").strip()
    return None


def _items(paras: list[Any]) -> list[str]:
    """List items, one paragraph (or numbered line) each; an unnumbered line under numbered ones continues it."""
    entries: list[tuple[bool, str]] = []
    for p in paras:
        for k, line in enumerate(_lines(p)):
            if line:
                entries.append(((_numbered(p) and k == 0) or bool(_ITEM_NO.match(line)) or line[:1] in "-•·▪●◦", line))
    any_numbered = any(n for n, _ in entries)
    items: list[str] = []
    for numbered, line in entries:
        text = re.sub(r"^[-•·▪●◦]\s*", "", _ITEM_NO.sub("", line, count=1)).strip()
        if any_numbered and not numbered and items:
            items[-1] = _join([items[-1], text])
        elif text and text not in {"-", "–"}:
            items.append(text)
    return items


def _read_identity(sheet: ReadSheet, tables: list[Table], skip: set[tuple[int, int]]) -> None:
    found: dict[str, tuple[Table, Cell, str]] = {}
    for ti, t in enumerate(tables):
        for ri, row in enumerate(t.rows):
            if (ti, ri) in skip:
                continue
            for c in row:
                lines = [x for x in c.lines if x]
                if not lines or c.cont:
                    continue
                lab = _label(lines[0]) or (_label(f"{lines[0]} {lines[1]}") if len(lines) > 1 else None)
                if lab and lab[0] not in found:
                    found[lab[0]] = (t, c, lab[1])
    if "number" not in found:
        return

    def right_of(name: str) -> list[str]:
        t, c, rest = found[name]
        lines = [rest] if rest else []
        first = _label(c.lines[0] if c.lines else "")
        lines += [x for x in c.lines[1 if first else 0:] if x] if len([x for x in c.lines if x]) > 1 else []
        for other in t.rows[c.row]:
            if other.col > c.col and not other.cont:
                if _label(other.text):
                    break
                lines += [x.lstrip(":").strip() for x in other.lines]
        return [x for x in lines if x and x != ":"]

    for name in ("number", "issued", "revised", "effective", "title"):
        if name in found:
            setattr(sheet, name, _join(right_of(name)))
            if name != "title" and getattr(sheet, name) in ("", "-", "–"):
                sheet.empty_marks.append("" if not getattr(sheet, name) else "-")
        else:
            sheet.issues.append(Issue("identity_missing", 1, None, {"field": _FIELD_NAMES.get(name, "Nama SOP")}))
    if "approved" in found:
        texts = right_of("approved")
        nip_i = next((i for i, x in enumerate(texts) if re.match(r"^NIP\b\.?", x, re.IGNORECASE)), None)
        before = texts if nip_i is None else texts[:nip_i]
        if nip_i is not None:
            sheet.approver_nip = re.sub(r"^NIP\.?\s*:?\s*", "", texts[nip_i], flags=re.IGNORECASE).strip()
        if len(before) > 1:
            sheet.approver_name, sheet.approver_position = before[-1], _join(before[:-1])
        elif before:
            sheet.approver_position = before[0]
        if not sheet.approver_name:
            sheet.issues.append(Issue("identity_missing", 1, None, {"field": "Disahkan oleh (nama)"}))
    else:
        sheet.issues.append(Issue("identity_missing", 1, None, {"field": "Disahkan oleh"}))
    for name in LIST_FIELDS:
        if name not in found:
            sheet.issues.append(Issue("identity_missing", 1, None, {"field": _FIELD_NAMES[name]}))
            continue
        t, c, rest = found[name]
        paras = [p for p in c.paras if any(_lines(p))]
        own = paras[1:] if paras and _label(" ".join(_lines(paras[0]))) else paras
        items = ([rest] if rest and rest not in {"-", ":"} else []) + _items(own)
        if not items and not rest:
            below = t.cell_at(c.row + 1, c.col)
            if below is not None and not _label(below.text):
                items = _items(below.paras)
        setattr(sheet, name, items)
    # organisation and unit: the cells left of the Nomor SOP label, down to the Nama SOP row
    t, c, _ = found["number"]
    last = found["title"][1].row if "title" in found and found["title"][0] is t else len(t.rows) - 1
    groups: list[list[str]] = [[]]
    for r in range(0, last + 1):
        for other in t.rows[r]:
            if other.col + other.span <= c.col and not other.cont:
                for p in other.paras:
                    for line in _lines(p):
                        if line:
                            groups[-1].append(line)
                        elif groups[-1]:
                            groups.append([])
    groups = [g for g in groups if g]
    if groups:
        org = groups[0]
        cut = next((k for k, x in enumerate(org) if k and _UNIT_WORD.match(x)), len(org))
        sheet.organisation, sheet.unit = org[:cut], org[cut:] + [x for g in groups[1:] for x in g]
    else:
        sheet.issues.append(Issue("identity_missing", 1, None, {"field": "instansi / unit"}))


# -- geometry ---------------------------------------------------------------------------------------------


@dataclass
class Drawn:
    kind: str | None  # a symbol kind; None for a connector or a label
    box: tuple[float, float, float, float]  # table points
    ends: tuple[tuple[float, float], tuple[float, float]] | None = None  # a connector: (from, to)
    arrows: tuple[bool, bool] = (False, False)  # arrowhead at (from, to)
    text: str = ""
    anchor_row: int = 0

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2


_LEN = re.compile(r"^(-?[\d.]+)\s*(pt|in|cm|mm|px|emu|pc)?$")


def _length(text: str | None) -> float:
    """A VML length in points ('12pt', '1in', '0.5cm', '16px', bare numbers as px at 96 dpi... or EMU)."""
    if not text:
        return 0.0
    m = _LEN.match(text.strip())
    if not m:
        return 0.0
    v = float(m.group(1))
    unit = m.group(2) or "px"
    return v * {"pt": 1, "in": 72, "cm": 72 / 2.54, "mm": 72 / 25.4, "px": 0.75, "emu": 1 / _EMU_PT, "pc": 12}[unit]


def _style(el: Any) -> dict[str, str]:
    out = {}
    for part in (el.get("style") or "").split(";"):
        if ":" in part:
            k, v = part.split(":", 1)
            out[k.strip().lower()] = v.strip()
    return out


class _Layout:
    """Row tops and cell text edges of one table, in points (see the module docstring)."""

    def __init__(self, t: Table, page_left: float, font: float):
        self.t = t
        self.page_left = page_left
        self.font = font
        self.tops = [0.0]
        for ri, row in enumerate(t.rows):
            h, rule = t.heights[ri]
            est = max((self._cell_height(c) for c in row if not c.cont), default=self.font * 1.15)
            self.tops.append(self.tops[-1] + (h if rule == "exact" and h else max(h, est)))

    def _para_height(self, p: Any, width: float) -> float:
        size = self._size(p)
        per_line = max(1, int(width / (0.5 * size)))
        lines = sum(max(1, math.ceil(len(x) / per_line)) for x in _lines(p))
        return lines * 1.15 * size

    def _size(self, p: Any) -> float:
        sz = p.find(".//w:rPr/w:sz", NS)
        return _int(sz.get(W + "val"), 22) / 2 if sz is not None else self.font

    def _cell_height(self, c: Cell) -> float:
        width = max(10.0, self.t.grid[min(c.col + c.span, len(self.t.grid) - 1)] - self.t.grid[c.col] - 10.8)
        return sum(self._para_height(p, width) for p in c.paras) + 2

    def para_top(self, c: Cell, p: Any) -> float:
        width = max(10.0, self.t.grid[min(c.col + c.span, len(self.t.grid) - 1)] - self.t.grid[c.col] - 10.8)
        y = self.tops[c.row]
        for q in c.paras:
            if q is p:
                break
            y += self._para_height(q, width)
        return y

    def row_of(self, y: float) -> int:
        for ri in range(len(self.t.rows)):
            if self.tops[ri] <= y < self.tops[ri + 1]:
                return ri
        return len(self.t.rows) - 1 if y >= self.tops[-1] else 0


def _prst_kind(sp: Any) -> tuple[str | None, bool]:
    """(symbol kind, is a connector) of a wps:wsp."""
    prst = sp.find("wps:spPr/a:prstGeom", NS)
    name = prst.get("prst") if prst is not None else ""
    if sp.find("wps:cNvCnPr", NS) is not None or _CONNECTOR_PRST.match(name or ""):
        return None, True
    if sp.find("wps:spPr/a:custGeom", NS) is not None:
        return None, False
    return _PRST.get(name or ""), False


def _txbx_text(el: Any) -> str:
    return _join(t for p in el.iterfind(".//w:txbxContent/w:p", NS) for t in _lines(p))


def _no_frame(sp: Any) -> bool:
    """A text box drawn without fill and outline (a label, not a symbol)."""
    pr = sp.find("wps:spPr", NS)
    if pr is None:
        return True
    return pr.find("a:noFill", NS) is not None and pr.find("a:ln/a:noFill", NS) is not None


def _ends(x: float, y: float, w: float, h: float, flip_h: bool, flip_v: bool, rot: float) -> tuple[tuple[float, float], tuple[float, float]]:
    (ax, ay), (bx, by) = (x, y), (x + w, y + h)
    if flip_h:
        ax, bx = bx, ax
    if flip_v:
        ay, by = by, ay
    if rot:
        cx, cy = x + w / 2, y + h / 2
        c, s = math.cos(math.radians(rot)), math.sin(math.radians(rot))
        ax, ay = cx + (ax - cx) * c - (ay - cy) * s, cy + (ax - cx) * s + (ay - cy) * c
        bx, by = cx + (bx - cx) * c - (by - cy) * s, cy + (bx - cx) * s + (by - cy) * c
    return (ax, ay), (bx, by)


def _arrow(ln: Any, which: str) -> bool:
    end = ln.find(f"a:{which}", NS) if ln is not None else None
    return end is not None and (end.get("type") or "none") != "none"


def _wsp(sp: Any, x: float, y: float, w: float, h: float, row: int, flips: tuple[bool, bool, float]) -> list[Drawn]:
    kind, conn = _prst_kind(sp)
    text = _txbx_text(sp)
    box = (min(x, x + w), min(y, y + h), max(x, x + w), max(y, y + h))
    ln = sp.find("wps:spPr/a:ln", NS)
    if conn:
        return [Drawn(None, box, _ends(x, y, w, h, *flips), (_arrow(ln, "headEnd"), _arrow(ln, "tailEnd")),
                      anchor_row=row)]
    if sp.find("wps:spPr/a:custGeom", NS) is not None and (not text or not _no_frame(sp)):
        # a freeform outline; one with text in it (an off-page connector's letter) keeps the text
        drawn = _custom(sp, x, y, w, h, row, ln)
        for d in drawn:
            if d.kind:
                d.text = text
        if not text or any(d.kind for d in drawn):
            return drawn
    if text and (kind is None or (kind == "process" and _no_frame(sp))) and len(text) <= 24:
        return [Drawn(None, box, text=text, anchor_row=row)]
    if kind is None or (ln is not None and ln.find("a:noFill", NS) is not None):
        return []  # no outline drawn: a white ground under a label, not a symbol
    return [Drawn(kind, box, text=text, anchor_row=row)]


def _custom(sp: Any, x: float, y: float, w: float, h: float, row: int, ln: Any) -> list[Drawn]:
    """A freeform shape (`a:custGeom`): an open path is a connector drawn piecemeal (one line per segment,
    its arrowheads on the first and last), a closed one a symbol classified from its outline as in a PDF
    (`geometry.classify`; arcs and curves sampled)."""
    from .geometry import Box, Shape, classify

    out: list[Drawn] = []
    for path in sp.iterfind("wps:spPr/a:custGeom/a:pathLst/a:path", NS):
        pw, ph = _int(path.get("w"), 0), _int(path.get("h"), 0)
        sx = w / pw if pw else 0.0
        sy = h / ph if ph else 0.0
        pts: list[tuple[float, float]] = []
        closed = False
        for seg in path:
            tag = etree.QName(seg).localname
            coords = [(x + _int(p.get("x")) * sx, y + _int(p.get("y")) * sy) for p in seg.iterfind("a:pt", NS)]
            if tag in ("moveTo", "lnTo", "cubicBezTo", "quadBezTo"):
                pts.extend(coords)
            elif tag == "arcTo" and pts:
                wr, hr = _int(seg.get("wR")) * sx, _int(seg.get("hR")) * sy
                st, sw = _int(seg.get("stAng")) / 60000, _int(seg.get("swAng")) / 60000
                cx = pts[-1][0] - wr * math.cos(math.radians(st))
                cy = pts[-1][1] - hr * math.sin(math.radians(st))
                for k in range(1, 7):
                    ang = math.radians(st + sw * k / 6)
                    pts.append((cx + wr * math.cos(ang), cy + hr * math.sin(ang)))
            elif tag == "close":
                closed = True
        if len(pts) < 2:
            continue
        if not closed and path.get("fill") == "none":
            segs = list(zip(pts, pts[1:], strict=False))
            for k, (a, b) in enumerate(segs):
                head = k == 0 and _arrow(ln, "headEnd")
                tail = k == len(segs) - 1 and _arrow(ln, "tailEnd")
                out.append(Drawn(None, (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])), (a, b),
                                 (bool(head), bool(tail)), anchor_row=row))
            continue
        if closed and pts[0] != pts[-1]:
            pts.append(pts[0])
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        kind = classify(Shape(Box(min(xs), min(ys), max(xs), max(ys)), pts, "curve"))
        if kind:
            out.append(Drawn(kind, (min(xs), min(ys), max(xs), max(ys)), anchor_row=row))
    return out


def _xfrm(el: Any) -> tuple[float, float, float, float, bool, bool, float] | None:
    x = el.find("a:xfrm", NS)
    if x is None:
        return None
    off, ext = x.find("a:off", NS), x.find("a:ext", NS)
    if off is None or ext is None:
        return None
    return (_int(off.get("x")) / _EMU_PT, _int(off.get("y")) / _EMU_PT, _int(ext.get("cx")) / _EMU_PT,
            _int(ext.get("cy")) / _EMU_PT, x.get("flipH") == "1", x.get("flipV") == "1", _int(x.get("rot")) / 60000)


def _group(g: Any, x: float, y: float, w: float, h: float, row: int, out: list[Drawn]) -> None:
    """Children of a group or canvas, mapped from the group's child space into (x, y, w, h)."""
    gx = g.find("wpg:grpSpPr/a:xfrm", NS) if g.find("wpg:grpSpPr", NS) is not None else None
    ox = oy = 0.0
    sx = sy = 1.0
    if gx is not None:
        ch_off, ch_ext = gx.find("a:chOff", NS), gx.find("a:chExt", NS)
        if ch_off is not None and ch_ext is not None and _int(ch_ext.get("cx")) and _int(ch_ext.get("cy")):
            ox, oy = _int(ch_off.get("x")) / _EMU_PT, _int(ch_off.get("y")) / _EMU_PT
            sx, sy = w / (_int(ch_ext.get("cx")) / _EMU_PT), h / (_int(ch_ext.get("cy")) / _EMU_PT)
    for child in g:
        tag = etree.QName(child).localname
        if tag not in ("wsp", "grpSp"):
            continue
        pr = child.find("wps:spPr", NS) if tag == "wsp" else child.find("wpg:grpSpPr", NS)
        xf = _xfrm(pr) if pr is not None else None
        if xf is None:
            continue
        cx, cy, cw, ch, fh, fv, rot = xf
        X, Y, Wd, Ht = x + (cx - ox) * sx, y + (cy - oy) * sy, cw * sx, ch * sy
        if tag == "grpSp":
            _group(child, X, Y, Wd, Ht, row, out)
        else:
            out.extend(_wsp(child, X, Y, Wd, Ht, row, (fh, fv, rot)))


def _margin(cell: Cell, t: Table, side: str) -> float:
    """A cell's text margin (pt): its own `w:tcMar`, else the table's `w:tblCellMar`, else Word's 0.19 cm."""
    alt = {"left": "start", "right": "end"}[side]
    for holder in (cell.el.find("w:tcPr/w:tcMar", NS), t.el.find("w:tblPr/w:tblCellMar", NS)):
        if holder is not None:
            m = holder.find(f"w:{side}", NS)
            m = m if m is not None else holder.find(f"w:{alt}", NS)
            if m is not None:
                return _int(m.get(W + "w")) / 20
    return 5.4


def _drawing(dr: Any, cell: Cell, p: Any, lay: _Layout, out: list[Drawn]) -> None:
    """One w:drawing (inline or anchored) in a table cell."""
    t = lay.t
    c_left = t.grid[cell.col] + _margin(cell, t, "left")
    c_right = t.grid[min(cell.col + cell.span, len(t.grid) - 1)] - _margin(cell, t, "right")
    top = lay.para_top(cell, p)
    for holder in dr:
        ext = holder.find("wp:extent", NS)
        if ext is None:
            continue
        w, h = _int(ext.get("cx")) / _EMU_PT, _int(ext.get("cy")) / _EMU_PT
        if etree.QName(holder).localname == "inline":
            x, y = c_left, top
        else:
            x = _pos(holder.find("wp:positionH", NS), c_left, c_right, w, lay, horizontal=True)
            y = _pos(holder.find("wp:positionV", NS), top, lay.tops[cell.row + 1], h, lay, horizontal=False,
                     row_mid=(lay.tops[cell.row] + lay.tops[cell.row + 1]) / 2)
        gd = holder.find("a:graphic/a:graphicData", NS)
        if gd is None:
            continue
        for el in gd:
            tag = etree.QName(el).localname
            if tag == "wsp":
                xf = _xfrm(el.find("wps:spPr", NS)) if el.find("wps:spPr", NS) is not None else None
                flips = (xf[4], xf[5], xf[6]) if xf else (False, False, 0.0)
                out.extend(_wsp(el, x, y, w, h, cell.row, flips))
            elif tag in ("wgp", "wpc"):
                _group(el, x, y, w, h, cell.row, out)


def _pos(el: Any, start: float, end: float, size: float, lay: _Layout, horizontal: bool,
         row_mid: float = 0.0) -> float:
    if el is None:
        return start
    rel = el.get("relativeFrom") or ""
    off = el.find("wp:posOffset", NS)
    align = el.find("wp:align", NS)
    if horizontal and rel in ("margin", "page", "leftMargin", "insideMargin"):
        base = -lay.t.indent - (lay.page_left if rel == "page" else 0.0)
        return base + (_int(off.text) / _EMU_PT if off is not None else 0.0)
    if not horizontal and rel in ("page", "margin", "topMargin", "bottomMargin"):
        return row_mid - size / 2  # the page position of a row is not known: the anchor's row
    if off is not None:
        return start + _int(off.text) / _EMU_PT
    if align is not None:
        a = (align.text or "").strip()
        return {"center": (start + end - size) / 2, "right": end - size, "bottom": end - size}.get(a, start)
    return start


def _vml(pict: Any, cell: Cell, p: Any, lay: _Layout, out: list[Drawn], types: dict[str, int]) -> None:
    t = lay.t
    x0 = t.grid[cell.col] + _margin(cell, t, "left")
    y0 = lay.para_top(cell, p)
    for el in pict:
        _vml_shape(el, x0, y0, 1.0, 1.0, 0.0, 0.0, cell.row, lay, out, types)


def _vml_shape(el: Any, bx: float, by: float, sx: float, sy: float, ox: float, oy: float, row: int, lay: _Layout,
               out: list[Drawn], types: dict[str, int]) -> None:
    if not isinstance(el.tag, str):
        return
    tag = etree.QName(el).localname
    if tag == "shapetype":
        sid = el.get("id") or ""
        spt = el.get(O_SPT)
        if spt:
            types[sid] = _int(spt)
        return
    st = _style(el)
    rel_h = st.get("mso-position-horizontal-relative", "text")
    rel_v = st.get("mso-position-vertical-relative", "text")
    left = _length(st.get("left")) + _length(st.get("margin-left"))
    top = _length(st.get("top")) + _length(st.get("margin-top"))
    if sx != 1.0 or sy != 1.0 or ox or oy:  # in a group: unitless child coordinates
        left = (_num(st.get("left")) - ox) * sx
        top = (_num(st.get("top")) - oy) * sy
        w, h = _num(st.get("width")) * sx, _num(st.get("height")) * sy
    else:
        w, h = _length(st.get("width")), _length(st.get("height"))
    x = bx + left
    y = by + top
    if rel_h in ("margin", "page"):
        x = left - lay.t.indent - (lay.page_left if rel_h == "page" else 0.0)
    if rel_v in ("margin", "page"):
        y = (lay.tops[row] + lay.tops[row + 1]) / 2 - h / 2
    flip = st.get("flip", "")
    stroke = el.find("v:stroke", NS)
    arrows = ((stroke.get("startarrow") or "none") != "none", (stroke.get("endarrow") or "none") != "none") \
        if stroke is not None else (False, False)
    if tag == "group":
        origin = [_num(v) for v in (el.get("coordorigin") or "0,0").split(",")] + [0.0, 0.0]
        size = [_num(v) for v in (el.get("coordsize") or "1000,1000").split(",")] + [1000.0, 1000.0]
        gsx, gsy = (w / size[0] if size[0] else 1.0), (h / size[1] if size[1] else 1.0)
        for child in el:
            _vml_shape(child, x, y, gsx, gsy, origin[0], origin[1], row, lay, out, types)
        return
    if tag == "line":
        def pt(v: str | None) -> tuple[float, float]:
            a, _, b = (v or "0,0").partition(",")
            if sx != 1.0 or sy != 1.0 or ox or oy:
                return bx + (_num(a) - ox) * sx, by + (_num(b) - oy) * sy
            return bx + _length(a), by + _length(b)
        a, b = pt(el.get("from")), pt(el.get("to"))
        if rel_v in ("margin", "page"):
            mid = (lay.tops[row] + lay.tops[row + 1]) / 2
            a, b = (a[0], a[1] - by + mid), (b[0], b[1] - by + mid)
        out.append(Drawn(None, (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])), (a, b), arrows,
                         anchor_row=row))
        return
    if tag not in ("shape", "rect", "roundrect", "oval"):
        return
    spt = {"rect": 1, "roundrect": 2, "oval": 3}.get(tag)
    if tag == "shape":
        ref = (el.get("type") or "").lstrip("#")
        spt = types.get(ref) or (_int(m.group(1)) if (m := re.search(r"_x0000_t(\d+)$", ref)) else None)
        if el.get(f"{{{NS['o']}}}connectortype") and spt is None:
            spt = 32
    text = _join(t for q in el.iterfind(".//w:txbxContent/w:p", NS) for t in _lines(q))
    box = (x, y, x + w, y + h)
    if spt in _SPT_CONNECTOR:
        out.append(Drawn(None, box, _ends(x, y, w, h, "x" in flip, "y" in flip, _rot(st.get("rotation"))), arrows,
                         anchor_row=row))
        return
    kind = _SPT.get(spt or -1)
    filled = (el.get("filled") or "t") not in ("f", "false") or (el.get("stroked") or "t") not in ("f", "false")
    if text and len(text) <= 24 and (kind is None or (kind == "process" and not filled)):
        out.append(Drawn(None, box, text=text, anchor_row=row))
    elif kind is not None:
        out.append(Drawn(kind, box, text=text, anchor_row=row))


def _num(v: str | None) -> float:
    try:
        return float(re.sub(r"[a-z]+$", "", (v or "0").strip()) or 0)
    except ValueError:
        return 0.0


def _rot(v: str | None) -> float:
    return _num(v) if v else 0.0


# -- exits ---------------------------------------------------------------------------------------------------


def _near(pt: tuple[float, float], box: tuple[float, float, float, float], tol: float) -> bool:
    return box[0] - tol <= pt[0] <= box[2] + tol and box[1] - tol <= pt[1] <= box[3] + tol


def _seg_dist(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    n = dx * dx + dy * dy
    k = 0.0 if n == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / n))
    return math.hypot(p[0] - (a[0] + k * dx), p[1] - (a[1] + k * dy))


def _box_dist(box: tuple[float, float, float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance from a segment to a box (0 where it crosses it), over points along the segment."""
    best = math.inf
    for k in range(11):
        px, py = a[0] + (b[0] - a[0]) * k / 10, a[1] + (b[1] - a[1]) * k / 10
        best = min(best, math.hypot(max(box[0] - px, 0.0, px - box[2]), max(box[1] - py, 0.0, py - box[3])))
    return best


def _exits(dec: Drawn, symbols: list[Drawn], lines: list[Drawn], labels: list[Drawn], tol: float = 4.0) -> list[tuple[str | None, Drawn]]:
    """Symbols reached by connectors leaving `dec`, with the label nearest each connector's first segment."""
    found: list[tuple[list[Drawn], Drawn]] = []
    used: set[int] = set()
    for first in lines:
        ends = first.ends
        assert ends is not None
        for k in (0, 1):
            start, end = ends[k], ends[1 - k]
            if not _near(start, dec.box, tol) or _near(end, dec.box, tol):
                continue
            if first.arrows[k] and not first.arrows[1 - k]:
                continue  # the arrow points into the decision: an entry
            target, seen, point, path = None, {id(first)}, end, [first]
            for _ in range(8):
                hit = [s for s in symbols if s is not dec and _near(point, s.box, tol)]
                if hit:
                    target = min(hit, key=lambda s: math.hypot(s.cx - point[0], s.cy - point[1]))
                    break
                nxt = next(((ln, j) for ln in lines if id(ln) not in seen for j in (0, 1)
                            if ln.ends and math.hypot(ln.ends[j][0] - point[0], ln.ends[j][1] - point[1]) <= tol), None)
                if nxt is None:
                    break
                seen.add(id(nxt[0]))
                path.append(nxt[0])
                point = nxt[0].ends[1 - nxt[1]]  # type: ignore[index]
            if target is not None and id(target) not in used:
                used.add(id(target))
                found.append((path, target))
    # labels: each to the exit whose path passes nearest it, nearest pairs first, one label per exit
    # (measured from the label's box: a long label's centre stands far from the line it sits beside)
    pairs = sorted((min(_box_dist(lb.box, *ln.ends) for ln in path if ln.ends), e, li)
                   for e, (path, _) in enumerate(found) for li, lb in enumerate(labels))
    names: dict[int, str] = {}
    taken: set[int] = set()
    for dist, e, li in pairs:
        if dist < 14 and e not in names and li not in taken:
            names[e] = labels[li].text
            taken.add(li)
    return [(names.get(e), target) for e, (_, target) in enumerate(found)]


# -- activity table -----------------------------------------------------------------------------------------


@dataclass
class _Cols:
    no: tuple[int, int] | None
    text: tuple[int, int]
    lanes: list[tuple[int, int]]
    mutu: list[tuple[int, int]]
    ket: tuple[int, int] | None
    lane_names: list[str]
    mutu_names: list[str]
    ket_name: str | None
    first_row: int
    head_row: int




def _connectors(drawings: list[tuple[list[Drawn], list[Drawn], list[Drawn]]]
                ) -> tuple[list[tuple[list[Drawn], list[Drawn], list[Drawn]]], dict[str, Drawn]]:
    """Off-page connectors, per table: each takes the letter written in it (its own text, or a text box
    over it), and the texts beside them ("lanjut ke hlm. 4") are no exit labels. Returns the tables'
    drawings without those texts, and for each letter the symbol that its arriving connector (the one a
    line leaves) leads to."""
    out: list[tuple[list[Drawn], list[Drawn], list[Drawn]]] = []
    arrives: dict[str, Drawn] = {}
    for symbols, lines, labels in drawings:
        conns = [d for d in symbols if d.kind == "connector"]
        keep: list[Drawn] = []
        for lb in labels:
            inside = next((c for c in conns if c.box[0] - 1 <= lb.cx <= c.box[2] + 1 and c.box[1] - 1 <= lb.cy <= c.box[3] + 1), None)
            text = lb.text.strip()
            if inside is not None and _LETTER.fullmatch(text):
                inside.text = inside.text.strip() or text
                continue
            beside = any(_box_dist(lb.box, (c.cx, c.cy), (c.cx, c.cy)) < 24 for c in conns)
            if beside and _PAGE_REF.search(text) and re.search(r"\d", text):
                continue
            keep.append(lb)
        steps = [d for d in symbols if d.kind != "connector"]
        for c in conns:
            c.text = c.text.strip()
            if not _LETTER.fullmatch(c.text):
                continue
            ahead = [t for _, t in _exits(c, steps, lines, [])]
            if ahead:
                arrives.setdefault(c.text, ahead[0])
        out.append((symbols, lines, keep))
    return out, arrives


def _header(t: Table) -> _Cols | None:
    for hi, row in enumerate(t.rows[:6]):
        texts = {id(c): c.text for c in row}
        keg = next((c for c in row if _HEAD_TEXT.match(texts[id(c)])), None)
        pel = next((c for c in row if re.match(r"^pelaksana", texts[id(c)], re.IGNORECASE)), None)
        if keg is None or pel is None:
            continue
        sub = t.rows[hi + 1] if hi + 1 < len(t.rows) else []

        def under(c: Cell, sub: list[Cell] = sub) -> list[Cell]:
            return [s for s in sub if c.col <= s.col < c.col + c.span and not s.cont]

        lanes = under(pel) if pel.span > 1 or under(pel) else []
        lane_cells = lanes or [pel]
        mutu_head = next((c for c in row if re.match(r"^mutu\s*baku", texts[id(c)], re.IGNORECASE)), None)
        mutu_cells = under(mutu_head) if mutu_head is not None else [c for c in row if _MUTU_WORD.match(texts[id(c)])]
        ket = next((c for c in row if _KET_WORD.match(texts[id(c)])), None)
        inner_ket = next((c for c in mutu_cells if _KET_WORD.match(c.text)), None)
        if inner_ket is not None:
            mutu_cells = [c for c in mutu_cells if c is not inner_ket]
            ket = ket or inner_ket
        no = next((c for c in row if _NO_WORD.match(texts[id(c)])), None)
        first = hi + (2 if lanes or (mutu_head is not None and mutu_cells) else 1)
        while first < len(t.rows) and (all(re.fullmatch(r"\(?\d{1,2}\)", c.text) for c in t.rows[first] if c.text)
                                       and any(c.text for c in t.rows[first])):
            first += 1  # a "(1) … (8)" column-number row
        def span(c: Cell) -> tuple[int, int]:
            return c.col, c.col + c.span

        return _Cols(span(no) if no else None, span(keg), [span(c) for c in lane_cells], [span(c) for c in mutu_cells],
                     span(ket) if ket else None, [c.text for c in lane_cells], [c.text for c in mutu_cells],
                     ket.text if ket else None, first, hi)
    return None


def _in(cols: tuple[int, int], c: Cell) -> bool:
    return c.col < cols[1] and c.col + c.span > cols[0]


def _text_in(row: list[Cell], cols: tuple[int, int] | None) -> str:
    if cols is None:
        return ""
    return _join(c.text for c in row if _in(cols, c) and not c.cont)


def _lane_of_x(x: float, t: Table, cols: _Cols) -> int | None:
    for k, (a, b) in enumerate(cols.lanes):
        if t.grid[a] <= x < t.grid[min(b, len(t.grid) - 1)]:
            return k
    return None


def _lanes_of_box(box: tuple[float, float, float, float], t: Table, cols: _Cols) -> list[int]:
    out = []
    for k, (a, b) in enumerate(cols.lanes):
        x0, x1 = t.grid[a], t.grid[min(b, len(t.grid) - 1)]
        if min(box[2], x1) - max(box[0], x0) > (x1 - x0) / 3:
            out.append(k)
    centre = _lane_of_x((box[0] + box[2]) / 2, t, cols)
    return out if centre in out else ([centre] if centre is not None else out)


_EXIT_TEXT = re.compile(r"(?:jika\s+|bila\s+|apabila\s+)?([A-Za-z][\w ]{0,18}?)\s*[:,]?\s*(?:lanjut\s+|kembali\s+)?"
                        r"(?:ke|→|->)\s*(?:langkah|kegiatan|no\.?|nomor|baris)?\s*(\d{1,3})\b", re.IGNORECASE)


def read_docx(path: Path, max_pages: int = 40) -> ReadSheet:
    data, external = _open(path)
    try:
        return _read(_parse(data), path, external, max_pages)
    except ImportError_:
        raise
    except (RecursionError, MemoryError) as exc:
        raise ImportError_("docx_bomb", why=type(exc).__name__) from exc
    except Exception as exc:  # a part that is not what WordprocessingML says
        raise ImportError_("docx_damaged", error=f"{type(exc).__name__}: {exc}") from exc


def _read(root: Any, path: Path, external: int, max_pages: int) -> ReadSheet:
    body = root.find("w:body", NS)
    if body is None:
        raise ImportError_("docx_not_word")
    sheet = ReadSheet(file=path.name)
    breaks = len(body.xpath(".//w:br[@w:type='page'] | .//w:pPr/w:sectPr | .//w:pPr/w:pageBreakBefore", namespaces=NS))
    sheet.pages = breaks + 1
    if sheet.pages > max_pages:
        raise ImportError_("too_many_pages", pages=sheet.pages, limit=max_pages)
    tables_el = list(body.iter(W + "tbl"))
    tables = [_table(t) for t in tables_el]
    head: tuple[int, Table, _Cols] | None = None
    for ti, t in enumerate(tables):
        if (cols := _header(t)) is not None:
            head = (ti, t, cols)
            break
    skip = {(head[0], r) for r in range(head[2].head_row, len(head[1].rows))} if head else set()
    _read_identity(sheet, tables, skip)
    sect = _section(body, tables_el[0] if tables_el else None)
    pg = sect.find("w:pgSz", NS) if sect is not None else None
    w, h = (_int(pg.get(W + "w"), 12240) / 20, _int(pg.get(W + "h"), 15840) / 20) if pg is not None else (612.0, 792.0)
    if pg is not None and pg.get(W + "orient") == "landscape" and w < h:
        w, h = h, w
    sheet.paper, sheet.orientation = _paper(w, h)
    mar = sect.find("w:pgMar", NS) if sect is not None else None
    page_left = _int(mar.get(W + "left"), 1440) / 20 if mar is not None else 72.0
    if external:
        sheet.issues.append(Issue("docx_external", 0, None, {"n": external}))
    if head is None:
        if not (sheet.number or sheet.title):
            raise ImportError_("docx_not_sop")
        sheet.issues.append(Issue("table_missing", 0, None))
        return sheet
    # the activity table and its continuations: a table per page (as our SOP DOCX and many agencies
    # write it) or one long table; every table with the same Pelaksana columns adds its rows
    ti, t, cols = head
    heads = [(t, cols)] + [(t2, c2) for t2 in tables[ti + 1:]
                           if (c2 := _header(t2)) is not None and c2.lane_names == cols.lane_names]
    sheet.lanes = cols.lane_names
    sheet.mutu_headings = cols.mutu_names
    sheet.notes_heading = cols.ket_name
    types: dict[str, int] = {}
    for sp in root.iter(f"{{{NS['v']}}}shapetype"):
        if sp.get("id") and sp.get(O_SPT):
            types[sp.get("id")] = _int(sp.get(O_SPT))
    pages: dict[int, int] = {}  # id(table element) -> the page it starts on
    page = 1
    for el in body.iter(W + "br", W + "sectPr", W + "pageBreakBefore", W + "tbl"):
        if el.tag == W + "tbl":
            pages.setdefault(id(el), page)
        elif el.tag != W + "br" or el.get(W + "type") == "page":
            page += 1
    rows_out: list[ReadRow] = []
    # per table: its drawn symbols, lines and labels (coordinates are the table's own)
    drawings: list[tuple[list[Drawn], list[Drawn], list[Drawn]]] = []
    placed: list[tuple[int, Drawn, ReadSymbol, int]] = []  # (row, drawn, symbol, table)
    row_ofs: list[dict[int, int]] = []  # per table: table row → rows_out index
    for k, (t, cols) in enumerate(heads):
        page = pages.get(id(t.el), 1)
        lay = _Layout(t, page_left, _default_font(root))
        drawn: list[Drawn] = []
        row_of: dict[int, int] = {}  # table row → rows_out index
        row_ofs.append(row_of)
        markers: list[tuple[int, Drawn]] = []
        start = len(rows_out)
        for r in range(cols.first_row, len(t.rows)):
            for c in t.rows[r]:
                for p in c.paras:
                    for el in p.iter(W + "drawing", W + "pict"):
                        if any(etree.QName(a).localname == "Fallback" for a in el.iterancestors()):
                            continue
                        if el.tag == W + "drawing":
                            _drawing(el, c, p, lay, drawn)
                        else:
                            _vml(el, c, p, lay, drawn, types)
        # a row with no text holds a step only when a symbol stands in it: a band of off-page
        # connectors above or below a page's steps is no step
        symbol_rows = {lay.row_of(d.cy) for d in drawn if d.kind not in (None, "connector")}
        for r in range(cols.first_row, len(t.rows)):
            row = t.rows[r]
            number = _text_in(row, cols.no).rstrip(".")
            text = _text_in(row, cols.text)
            lane_texts = [_text_in(row, lc) for lc in cols.lanes]
            if not number and not text and not any(lane_texts) and not any(_text_in(row, m) for m in cols.mutu) and (
                    r not in symbol_rows):
                continue
            if text and (_HEAD_TEXT.fullmatch(text) or text == cols.lane_names[0]):
                continue
            rr = ReadRow(number=number or str(len(rows_out) + 1), text=text, page=page)
            if not re.fullmatch(r"\d{1,3}", number):
                if cols.no is not None:
                    sheet.issues.append(Issue("number_unread", page, len(rows_out) + 1, {"n": rr.number}))
                rr.number = str(len(rows_out) + 1)
            rr.mutu = [_text_in(row, m) for m in cols.mutu]
            rr.notes = _text_in(row, cols.ket)
            if not text:
                sheet.issues.append(Issue("text_missing", page, len(rows_out) + 1))
            for i, lt in enumerate(lane_texts):
                for tok in re.findall(r"\[\s*\]|\(\s*\)|<>|\S", lt):
                    kind = next((kd for rx, kd in _MARKERS if rx.match(tok)), None)
                    if kind is None:
                        continue
                    a, b = cols.lanes[i]
                    box = (t.grid[a] + 1, lay.tops[r] + 1, t.grid[min(b, len(t.grid) - 1)] - 1, lay.tops[r + 1] - 1)
                    markers.append((len(rows_out), Drawn(kind, box, anchor_row=r)))
            row_of[r] = len(rows_out)
            rows_out.append(rr)
        if len(rows_out) == start and k == 0:
            sheet.issues.append(Issue("table_missing", page, None))
        symbols = [d for d in drawn if d.kind is not None]
        drawings.append((symbols, [d for d in drawn if d.ends is not None],
                         [d for d in drawn if d.kind is None and d.ends is None]))
        for d in symbols:
            ri = row_of.get(lay.row_of(d.cy))
            lanes = _lanes_of_box(d.box, t, cols)
            if ri is None or not lanes:
                if d.kind != "connector" or ri is not None:  # a continuation's connector may sit in a band row
                    sheet.issues.append(Issue("docx_shape_outside", page, ri + 1 if ri is not None else None,
                                              {"kind": d.kind}))
                continue
            placed.append((ri, d, ReadSymbol(d.kind or "process", lanes, page, tuple(round(v, 1) for v in d.box)), k))  # type: ignore[arg-type]
        for ri, d in markers:
            kind = "process" if d.kind == "tick" else d.kind
            if d.kind == "tick":
                issue = Issue("docx_marker_kind", page, ri + 1, {"lane": sheet.lanes[_lanes_of_box(d.box, t, cols)[0]]})
                rows_out[ri].unread.append(issue.message())
                sheet.issues.append(issue)
            placed.append((ri, d, ReadSymbol(kind or "process", _lanes_of_box(d.box, t, cols), page,
                                             tuple(round(v, 1) for v in d.box)), k))  # type: ignore[arg-type]
    placed.sort(key=lambda p: (p[0], p[1].cx))
    for ri, _d, sym, _k in placed:
        rows_out[ri].symbols.append(sym)
    for ri, rr in enumerate(rows_out):
        if not rr.symbols:
            sheet.issues.append(Issue("no_symbol", rr.page, ri + 1))
    _order_parts(rows_out)
    # an arrow from one part of a row to another puts them in that order (over `_order_parts`'s guess)
    by_drawn = {id(d): (ri, y) for ri, d, y, _k in placed}
    drawn_syms = [[d for _, d, _, k2 in placed if k2 == k and d in drawings[k][0]] for k in range(len(heads))]
    flows = [(y, by_drawn[id(t)][1]) for ri, d, y, k in placed if d in drawings[k][0]
             for _, t in _exits(d, drawn_syms[k], drawings[k][1], [])
             if by_drawn[id(t)][0] == ri]
    _follow_arrows(rows_out, flows)
    by_shape = {id(d): ri for ri, d, _, _k in placed}
    drawings, arrives = _connectors(drawings)
    # an exit may end at an off-page connector, placed in a step row or in a band of its own
    candidates = [drawn_syms[k] + [d for d in drawings[k][0] if d.kind == "connector" and d not in drawn_syms[k]]
                  for k in range(len(heads))]
    for ri, d, sym, k in placed:
        if sym.kind != "decision":
            continue
        page = sym.page
        if d in drawings[k][0]:
            for label, target in _exits(d, candidates[k], drawings[k][1], drawings[k][2]):
                tri: int | None = by_shape.get(id(target))
                if target.kind == "connector":
                    # on to where the connector of the same letter leads (another page), else the next row
                    ahead = arrives.get(target.text)
                    tri = by_shape.get(id(ahead)) if ahead is not None else None
                    if tri is None:
                        tri = ri + 1 if ri + 1 < len(rows_out) else None
                if tri is None:
                    continue
                if tri is not None and not any(t == tri for _, t in sym.exits):
                    sym.exits.append((label, tri))
        else:  # a marker: the exits only as written ("Ya: ke 6; Tidak: ke 4")
            t, cols = heads[k]
            rr = rows_out[ri]
            texts = [_text_in(t.rows[r], lc) for r, i in row_ofs[k].items() if i == ri for lc in cols.lanes]
            for m in _EXIT_TEXT.finditer(" ; ".join([rr.notes, *texts])):
                n = int(m.group(2))
                to = next((i for i, x in enumerate(rows_out) if x.number == str(n)), None)
                if to is not None and (to != ri or len(rr.symbols) > 1):  # its own row: another part of it
                    sym.exits.append((m.group(1).strip() or None, to))
        sym.exits.sort(key=lambda e: e[1])
        if not sym.exits:
            sheet.issues.append(Issue("decision_no_target", page, ri + 1))
        elif len(sym.exits) == 1:
            sheet.issues.append(Issue("decision_one_exit", page, ri + 1, {"to": sym.exits[0][1] + 1}))
    # a label on the arrow from a row's last symbol to the next row (not a decision's): its next_label
    for ri, rr in enumerate(rows_out):
        hit = next(((d, k) for r2, d, s, k in placed if r2 == ri and s is rr.symbols[-1]), None) if rr.symbols else None
        if hit is None or ri + 1 >= len(rows_out):
            continue
        last, k = hit
        if last.kind == "decision" or last not in drawings[k][0]:
            continue
        nxt = [d for r2, d, _, k2 in placed if r2 == ri + 1 and k2 == k and d in drawings[k][0]]
        out = [(lb, tgt) for lb, tgt in _exits(last, drawn_syms[k], drawings[k][1], drawings[k][2]) if tgt in nxt]
        if out and out[0][0]:
            rr.next_label = out[0][0]
    _terminators(rows_out)
    sheet.rows = rows_out
    return sheet


def _section(body: Any, after: Any) -> Any:
    """The section properties of the section holding `after` (the first sectPr at or after it)."""
    if after is not None:
        for s in after.itersiblings():
            found = s.find("w:pPr/w:sectPr", NS) if s.tag == W + "p" else (s if s.tag == W + "sectPr" else None)
            if found is not None:
                return found
    return body.find("w:sectPr", NS)


def _default_font(root: Any) -> float:
    return 11.0
