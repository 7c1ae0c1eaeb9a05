"""The procedure as an editable Word file, built from the shared document view.

Why a DOCX at all: units still edit and circulate procedures in Word. The file therefore uses real
Word structure rather than look-alike formatting: Heading 1/2 styles (navigation pane, table of
contents), a table style, a document-control header table on every page with live PAGE/NUMPAGES
fields, and the flowchart as an image. Content comes from `document_view`, so the DOCX says what the
HTML/PDF say.

Every piece of user text is first passed through `clean()`, which removes the characters XML 1.0
forbids, and is then set as lxml character data or an lxml attribute (python-docx's own mechanism,
escaped on output, never parsed as markup), so a hostile source cannot produce a corrupt file or
inject WordprocessingML. Inline emphasis in free text (`*upgrade*`, `**penting**`) becomes runs with
w:i / w:b (`_rich`: one run per span of `text.spans`), never markup. The body runs are built by `_run`, a lean equivalent of `add_run` (about
half of the render time was python-docx's per-run bookkeeping).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell

from ..model import Library, Procedure
from ..paper import PAPERS, Paper, document_page
from ..record import ControlRecord
from ..text import plain, spans
from .document import DocumentView, StepView, document_view
from .fetch import MAX_ASSET_BYTES, path_allowed
from .html import flow_box
from .labels import label
from .narrative import NarrativeItem, _sentence_end, narrative_from_view
from .raster import DEFAULT_DPI, image_file_to_raster, png_size, svg_to_png
from .svg import render_flowchart

__all__ = ["clean", "render_docx"]

FONT = "Arial"  # Word's everywhere; LibreOffice substitutes the metric-compatible Liberation Sans
BODY_PT = 9.5  # as document.css
# The page size is the library's paper, portrait (prosedur.paper); Word's margins are the DOCX's own.
# The PDF's page box (paper.document_page: 40 / 15 / 22 / 15 mm), so a page holds the same body in both;
# the control header sits in the top margin, the footer in the bottom one, as in the PDF.
_BOX = document_page(PAPERS["A4"])
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = Mm(_BOX.margin[3]), Mm(_BOX.margin[0]), Mm(_BOX.margin[2])
HEADER_DISTANCE, FOOTER_DISTANCE = Mm(8), Mm(8)
HEADER_COLUMNS_MM = (44.0, 78.0, 20.0, 28.0)  # the control header's columns on A4, widened with the text


def page_size(sheet: Paper) -> tuple[int, int]:
    """Page width and height (EMU), portrait."""
    return Mm(sheet.width), Mm(sheet.height)


def text_width(sheet: Paper) -> int:
    return int(Mm(sheet.width) - 2 * MARGIN_SIDE)


def image_max_height(sheet: Paper) -> int:
    """Room for a flowchart page: the PDF's (html.flow_box: the body less the heading line)."""
    return int(Mm(flow_box(sheet)[1]))
HEAD_FILL = "E6E6E6"  # document.css `table.grid thead th`
FRAME_NAME_MM = 40.0  # the section name's column, as document.css `.sec { padding-left: 40mm }`
FULL_WIDTH = frozenset({"flowchart", "approval", "history"})
MARK_RED = RGBColor(0xC0, 0x00, 0x00)

# Words only this renderer needs (kept here so labels.py stays the shared table).
_LOCAL = {
    "procedure_doc": ("PROSEDUR", "PROCEDURE"),
    "clause": ("klausul", "clause"),
}

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _w(key: str, lang: str) -> str:
    pair = _LOCAL[key]
    return pair[1] if lang == "en" else pair[0]


def clean(text: Any) -> str:
    """Text safe for an XML 1.0 document: forbidden control characters and lone surrogates removed.

    Tab and newline stay (`_run` turns them into w:tab / w:br); carriage returns become newlines.
    """
    if text is None:
        return ""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _XML_FORBIDDEN.sub("", value)


# --------------------------------------------------------------------------------------------
# hyphenation and language


def word_language(lang: str) -> str:
    """The w:lang of a build: the language whose hyphenation points `prosedur.hyphen` puts in
    (pyphen's id_ID / en_US), so Word's own hyphenation and proofing agree with ours."""
    return "en-US" if lang == "en" else "id-ID"


def set_language(doc: Any, lang: str) -> None:
    """Every run's language, set once in the document defaults (every style inherits them)."""
    rpr = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    rpr.append(OxmlElement("w:lang", {qn("w:val"): word_language(lang), qn("w:eastAsia"): word_language(lang),
                                      qn("w:bidi"): "ar-SA"}))


@dataclass(frozen=True)
class _Look:
    """What a paragraph style gives its runs and lines: size (pt), bold, capitals, side indents (twips)."""

    size: float = 11.0
    bold: bool = False
    caps: bool = False
    left: int = 0
    right: int = 0


def _on(el: Any) -> bool | None:
    return None if el is None else el.get(_VAL) not in ("0", "false", "off")


_ATTR = {name: qn(f"w:{name}") for name in ("left", "start", "right", "end", "w")}


def _twips_of(el: Any, *names: str) -> int | None:
    for name in names:
        value = el.get(_ATTR[name]) if el is not None else None
        if value is not None and value.lstrip("-").isdigit():
            return int(value)
    return None


def _looks(styles: Any) -> tuple[Callable[[str], _Look], str]:
    """Each paragraph style's `_Look` (its basedOn chain resolved over the document defaults), worked
    out when first asked for (a document uses a dozen of the template's 160 styles), and the default
    paragraph style's id."""
    base = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    sz = base.find(qn("w:sz")) if base is not None else None
    default = _Look(size=int(sz.get(qn("w:val"))) / 2 if sz is not None else 10.0)
    raw = {st.get(qn("w:styleId")): st for st in styles.findall(qn("w:style"))
           if st.get(qn("w:type")) == "paragraph"}
    done: dict[str, _Look] = {}

    def look(sid: str, depth: int = 0) -> _Look:
        if sid in done:
            return done[sid]
        st = raw.get(sid)
        if st is None or depth > 20:
            return default
        parent = st.find(qn("w:basedOn"))
        got = look(parent.get(qn("w:val")), depth + 1) if parent is not None else default
        rpr, ppr = st.find(qn("w:rPr")), st.find(qn("w:pPr"))
        size = rpr.find(qn("w:sz")) if rpr is not None else None
        bold = _on(rpr.find(qn("w:b"))) if rpr is not None else None
        caps = _on(rpr.find(qn("w:caps"))) if rpr is not None else None
        ind = ppr.find(qn("w:ind")) if ppr is not None else None
        left, right = _twips_of(ind, "left", "start"), _twips_of(ind, "right", "end")
        got = _Look(int(size.get(qn("w:val"))) / 2 if size is not None else got.size,
                    got.bold if bold is None else bold, got.caps if caps is None else caps,
                    got.left if left is None else left, got.right if right is None else right)
        done[sid] = got
        return got

    first = next((sid for sid, st in raw.items() if st.get(qn("w:default")) in ("1", "true")), "Normal")
    return look, first


_CELL_SIDE = 108  # twips: Word's default cell margin left and right (Table Grid's)


def _sides(margins: Any) -> int | None:
    """Left plus right margin (twips) of a tcMar / tblCellMar, None when there is none."""
    if margins is None:
        return None
    return sum(_twips_of(margins.find(a), "w") or _twips_of(margins.find(b), "w") or 0
               for a, b in ((_LEFT, _START), (_RIGHT, _END)))


def _cell_room(tc: Any, table_sides: int | None) -> int:
    """The width a cell's text runs in (twips): its tcW less its own or its table's side margins
    (Word's default when neither says)."""
    tc_pr = tc.find(_TCPR)
    width = tc_pr.find(_TCW) if tc_pr is not None else None
    if width is None or width.get(_TYPE) not in ("dxa", None):
        return 0
    own = _sides(tc_pr.find(_TCMAR))
    sides = own if own is not None else table_sides if table_sides is not None else 2 * _CELL_SIDE
    return int(width.get(_W_ATTR)) - sides


def break_long_words(doc: Any, lang: str) -> None:
    """Break opportunities in every word of the body too wide for the line it is printed on: soft
    hyphens (`w:softHyphen`) at its hyphenation points, zero-width spaces after `/` `.` `-` `_` in a
    URL — `prosedur.hyphen.breakable`, the rule print HTML applies to its `data-hy` cells. Word and
    LibreOffice otherwise cut such a word anywhere and print no hyphen (LibreOffice has no Indonesian
    hyphenation dictionary, Word's needs the proofing tools). The room is the paragraph's: its cell's
    width (tcW less the cell margins) or the page's text width, less its indents; the word is
    measured with the layout's font metrics at its run's size, bold, capitals. Words that fit keep
    no marks (a DOCX read back, search, copy see whole words: `w:softHyphen` is not text, only a
    too-long URL carries U+200B). Text boxes are left alone: their lines are the layout's own,
    already wrapped and hyphenated, one paragraph a line, never re-wrapped (`wrap="none"`).
    `w:autoHyphenation` is not set: LibreOffice has no dictionary to apply, and Word would hyphenate
    the running text the PDF keeps whole, moving the page breaks away from the PDF's."""
    from ..flow.layout import text_width
    from ..hyphen import SOFT, breakable

    looks, default = _looks(doc.styles.element)
    section = doc.sections[0]
    page_room = int((section.page_width - section.left_margin - section.right_margin) / 635)

    def paragraph(p: Any, room: int) -> None:
        runs = []
        for r in (*p.iterchildren(_R), *(r for link in p.iterchildren(_LINK) for r in link.iterchildren(_R))):
            texts = [t for t in r.iterchildren(_T) if t.text and len(t.text) >= 6]
            if texts:
                runs.append((r, texts))
        if not runs:  # the common case: nothing long enough to look at
            return
        ppr = p.find(_PPR)
        style = ppr.find(_PSTYLE) if ppr is not None else None
        look = looks(style.get(_VAL) if style is not None else default)
        ind = ppr.find(_IND) if ppr is not None else None
        left, right = _twips_of(ind, "left", "start"), _twips_of(ind, "right", "end")
        room_pt = (room - (look.left if left is None else left) - (look.right if right is None else right)) / 20
        if room_pt > 0:
            for r, texts in runs:
                run(r, texts, look, room_pt)

    def run(r: Any, texts: list[Any], look: _Look, room_pt: float) -> None:
        rpr = r.find(_RPR)
        size, bold, caps = look.size, look.bold, look.caps
        if rpr is not None:
            sz = rpr.find(_SZ)
            size = int(sz.get(_VAL)) / 2 if sz is not None else size
            b, c = _on(rpr.find(_B)), _on(rpr.find(_CAPS))
            bold, caps = bold if b is None else b, caps if c is None else c

        def wide(token: str) -> bool:
            # 5 % spare: the metrics are Helvetica's, Word's and LibreOffice's fonts round differently
            return text_width(token.upper() if caps else token, size, bold) > room_pt * 0.95

        # no glyph is wider than 1 em (1.09 em bold): a token of fewer letters than this fits unmeasured
        fits = max(6, int(room_pt * 0.95 / (size * (1.09 if bold else 1.0))))
        for t in texts:
            text = t.text
            if not any(wide(token) for token in text.split() if len(token) >= fits):
                continue
            pieces = breakable(text, wide, lang).split(SOFT)
            t.text = pieces[0]
            at = t
            for piece in pieces[1:]:
                hyphen = OxmlElement("w:softHyphen")
                at.addnext(hyphen)
                at = OxmlElement("w:t", {qn("xml:space"): "preserve"})
                at.text = piece
                hyphen.addnext(at)

    def walk(box: Any, room: int) -> None:
        """Paragraphs and tables of the body or a cell, top down: a drawing inside a run is never
        entered (its text boxes hold the layout's lines), each cell is measured once."""
        for child in box:
            if child.tag == _P:
                paragraph(child, room)
            elif child.tag == _TBL:
                sides = _sides(child.find(_CELLMAR))
                for tr in child.iterchildren(_TR):
                    for tc in tr.iterchildren(_TC):
                        walk(tc, _cell_room(tc, sides))
            elif child.tag in (_SDT, _SDT_CONTENT):
                walk(child, room)

    walk(doc.element.body, page_room)


_P, _R, _T, _TBL, _TR, _TC = (qn(f"w:{n}") for n in ("p", "r", "t", "tbl", "tr", "tc"))
_PPR, _PSTYLE, _IND, _RPR, _SZ, _B, _CAPS, _VAL = (qn(f"w:{n}") for n in ("pPr", "pStyle", "ind", "rPr", "sz", "b",
                                                                          "caps", "val"))
_LINK, _SDT, _SDT_CONTENT = qn("w:hyperlink"), qn("w:sdt"), qn("w:sdtContent")
_TCPR, _TCW, _TCMAR, _CELLMAR = qn("w:tcPr"), qn("w:tcW"), qn("w:tcMar"), f"{qn('w:tblPr')}/{qn('w:tblCellMar')}"
_LEFT, _START, _RIGHT, _END = (qn(f"w:{n}") for n in ("left", "start", "right", "end"))
_TYPE, _W_ATTR = qn("w:type"), qn("w:w")


# --------------------------------------------------------------------------------------------
# entry point


def render_docx(
    proc: Procedure,
    library: Library | None = None,
    *,
    lang: str = "id",
    controlled: bool = True,
    content_hash: str | None = None,
    raster: Callable[[str, int], bytes] = svg_to_png,
    record: ControlRecord | None = None,
    verify_url: str | None = None,
    flowchart: str = "shapes",
) -> bytes:
    """The procedure as DOCX bytes in `lang`; `controlled=False` marks every page as an uncontrolled copy.

    `flowchart="shapes"` draws the flowchart as Word shapes (`drawingml`), `"png"` as pictures: then
    `raster` turns a flowchart page (SVG) into PNG; a build passes its on-disk cache (raster.RasterCache)."""
    view = document_view(proc, library, lang=lang, controlled=controlled, content_hash=content_hash,
                         record=record, verify_url=verify_url)
    doc = Document(io.BytesIO(_blank(lang, view.paper)))
    _properties(doc, view)
    _header(doc, view, raster, library)
    _footer(doc, view)
    _Body(doc, view, proc, library, raster, shapes=flowchart != "png").build()
    break_long_words(doc, lang)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@lru_cache(maxsize=8)
def _blank(lang: str, sheet: Paper) -> bytes:
    """An empty document with our styles and page set up, made once per language, paper and process:
    setting the styles up is about a tenth of a DOCX's time, reopening the result is cheaper."""
    doc = Document()
    _setup_styles(doc, lang)
    _setup_page(doc, sheet)
    trim_template(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


KEPT_TABLE_STYLES = frozenset({"TableNormal", "TableGrid"})
"""The table styles our files use (every table is Table Grid or the default); python-docx's template
defines 100, most of its 350 kB styles part."""


def trim_template(doc: Any) -> None:
    """Drop what python-docx's template carries and no file of ours uses: the table styles but
    `KEPT_TABLE_STYLES`, the Word 2010 copy of the styles (stylesWithEffects, 438 kB, ignored when
    styles.xml is there), the customXml item and the thumbnail of an empty page. Every DOCX opened
    these 0.8 MB and compressed them again when saved: about a quarter of a document's CPU. Paragraph
    and character styles all stay (an editor picks them in Word)."""
    styles = doc.styles.element
    used = {el.get(qn("w:val")) for el in styles.iter(qn("w:basedOn"), qn("w:next"), qn("w:link"))}
    for style in styles.findall(qn("w:style")):
        sid = style.get(qn("w:styleId"))
        if style.get(qn("w:type")) == "table" and sid not in KEPT_TABLE_STYLES and sid not in used:
            styles.remove(style)
    for owner in (doc.part, doc.part.package):
        for rid in [rid for rid, rel in owner.rels.items()
                    if rel.reltype.rsplit("/", 1)[-1] in ("stylesWithEffects", "customXml", "thumbnail")]:
            owner.rels.pop(rid)


# --------------------------------------------------------------------------------------------
# styles and page


def _set_font(rpr_owner: Any, name: str) -> None:
    """Set every script slot of rFonts and drop theme fonts, which would otherwise win in Word."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), name)


def _setup_styles(doc: Any, lang: str) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_font(normal.element, FONT)
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.17  # x Liberation Sans' 1.15 em: document.css's 1.35
    set_language(doc, lang)
    # the HTML/PDF's headings: section names bold capitals, sub-headings bold, black, body size
    for name, size, before in (("Heading 1", 9.5, 3), ("Heading 2", 9.5, 6), ("Title", 15, 0)):
        style = styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.all_caps = name == "Heading 1"
        style.font.color.rgb = RGBColor(0x11, 0x11, 0x11) if name != "Title" else RGBColor(0, 0, 0)
        _set_font(style.element, FONT)
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
    title = styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # The template's Title has a bottom border and huge spacing; a plain centred title reads better.
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    for name in ("Header", "Footer"):
        styles[name].font.size = Pt(8.5)
        _set_font(styles[name].element, FONT)
    for name in ("List Bullet", "List Number"):
        styles[name].paragraph_format.space_after = Pt(2)
    grid = styles["Table Grid"]
    grid.font.size = Pt(9)
    _custom_styles(doc)
    _heading_numbering(doc)


HEADING_NUM_ID = 90  # above the template's own numbering definitions

_HEADING_NUMBERING = """
<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:abstractNumId="{id}">
 <w:multiLevelType w:val="multilevel"/>
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading1"/>
  <w:lvlText w:val="%1."/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="397" w:hanging="397"/></w:pPr></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading2"/><w:suff w:val="space"/>
  <w:lvlText w:val="%1.%2"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>
</w:abstractNum>
"""


def _heading_numbering(doc: Any) -> None:
    """Section numbers as Word multilevel list numbering tied to Heading 1/2.

    An editor who inserts or removes a section gets the numbers (and the navigation pane) right
    without retyping; LibreOffice and pandoc read the same definition.
    """
    numbering = doc.part.numbering_part.element
    abstract = parse_xml(_HEADING_NUMBERING.format(id=HEADING_NUM_ID))
    first_num = numbering.find(qn("w:num"))  # abstractNum elements must precede every num
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = numbering.add_num(HEADING_NUM_ID)
    num.set(qn("w:numId"), str(HEADING_NUM_ID))
    for level, name in enumerate(("Heading 1", "Heading 2")):
        num_pr = doc.styles[name].element.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = HEADING_NUM_ID


# Paragraph styles of our own: an editor can restyle every step or table cell at once, and setting a
# style id is far cheaper than direct formatting on each paragraph.
_STYLES: list[tuple[str, dict[str, Any]]] = [
    ("Table Text", {"size": 9, "after": 0, "line": 1.0}),
    ("Table Bullet", {"size": 9, "after": 1, "line": 1.0, "hang": 3.5}),
    ("Numbered Item", {"after": 2, "hang": 7.5}),
    ("Step", {"before": 3, "after": 1, "hang": 9.0}),
    ("Step Detail", {"size": 9, "after": 0, "left": 9.0}),
    ("Step Fact", {"size": 8.5, "after": 0, "left": 9.0, "line": 1.0}),
    ("List Caption", {"bold": True, "before": 3, "after": 2, "keep": True}),
    ("Sub Caption", {"after": 1, "keep": True}),
    ("Term", {"bold": True, "before": 2, "after": 0, "keep": True}),
    ("Term Meaning", {"after": 2, "left": 5.0}),
    ("Spacer", {"size": 4, "after": 0, "line": 1.0}),
]


def _custom_styles(doc: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    for name, spec in _STYLES:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
        fmt = style.paragraph_format
        if "size" in spec:
            style.font.size = Pt(spec["size"])
        if spec.get("bold"):
            style.font.bold = True
        fmt.space_before = Pt(spec.get("before", 0))
        fmt.space_after = Pt(spec["after"])
        if "line" in spec:
            fmt.line_spacing = spec["line"]
        if spec.get("keep"):
            fmt.keep_with_next = True
        if "hang" in spec:
            fmt.left_indent = Mm(spec["hang"])
            fmt.first_line_indent = -Mm(spec["hang"])
            fmt.tab_stops.add_tab_stop(Mm(spec["hang"]))
        if "left" in spec:
            fmt.left_indent = Mm(spec["left"])


def _setup_page(doc: Any, sheet: Paper) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = page_size(sheet)
    section.left_margin = section.right_margin = MARGIN_SIDE
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.header_distance, section.footer_distance = HEADER_DISTANCE, FOOTER_DISTANCE


def _properties(doc: Any, view: DocumentView) -> None:
    props = doc.core_properties
    props.title = clean(f"{view.number} {plain(view.title)}")[:255]
    props.subject = clean(view.organisation)[:255]
    props.author = clean(view.owner or view.organisation)[:255]
    props.language = word_language(view.lang)
    props.revision = max(1, view.revision + 1)
    props.keywords = "SMLTI; ISO/IEC 20000-1:2018"
    props.comments = ""
    # python-docx's template ships a thumbnail of an empty page; file browsers would show it as ours.
    rels = doc.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype.endswith("/thumbnail")]:
        rels.pop(rid)


# --------------------------------------------------------------------------------------------
# low-level helpers


def _styled(container: Any, style_id: str) -> Any:
    """A new paragraph with a style set by id: python-docx's by-name lookup scans every style each time."""
    paragraph = container.add_paragraph()
    set_style(paragraph._p, style_id)
    return paragraph


def set_style(p: Any, style_id: str) -> None:
    """`p.style = style_id`: on a paragraph without properties yet (nearly all of ours) the w:pPr and
    w:pStyle python-docx would add, made directly (its insertion looks for 35 possible successors)."""
    if p.find(_PPR) is not None:
        p.style = style_id
        return
    ppr = OxmlElement("w:pPr")
    ppr.append(OxmlElement("w:pStyle", {_VAL: style_id}))
    p.insert(0, ppr)


def _table_style(table: Any) -> None:
    table._tbl.tblStyle_val = "TableGrid"


_SPLIT_TABS_BREAKS = re.compile(r"([\t\n])")
_PRESERVE = qn("xml:space")


def _run(paragraph: Any, text: str, *, bold: bool = False, italic: bool = False,
         size: float | None = None, color: RGBColor | None = None) -> Any:
    """Append a run to `paragraph`: the same w:r python-docx's `add_run` makes, a few times faster.

    The text is assigned as lxml character data (escaped on output, never parsed as markup); tabs and
    newlines become w:tab / w:br as in python-docx. Run properties follow the schema order.
    """
    r = OxmlElement("w:r")
    if bold or italic or size or color is not None:
        rpr = OxmlElement("w:rPr")
        r.append(rpr)
        if bold:
            rpr.append(OxmlElement("w:b"))
        if italic:
            rpr.append(OxmlElement("w:i"))
        if color is not None:
            rpr.append(OxmlElement("w:color", {qn("w:val"): str(color)}))
        if size:
            rpr.append(OxmlElement("w:sz", {qn("w:val"): str(round(size * 2))}))
    for piece in _SPLIT_TABS_BREAKS.split(clean(text)):
        if piece == "\t":
            r.append(OxmlElement("w:tab"))
        elif piece == "\n":
            r.append(OxmlElement("w:br"))
        elif piece:
            t = OxmlElement("w:t")
            t.text = piece
            t.set(_PRESERVE, "preserve")
            r.append(t)
    paragraph._p.append(r)
    return r


def _plain_run(paragraph: Any, text: str) -> None:
    """A run explicitly not bold, inside a paragraph whose style is bold (a role's unit beside its name)."""
    run = _run(paragraph, text)
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b", {qn("w:val"): "0"}))
    run.insert(0, rpr)


def _rich(paragraph: Any, text: str, *, bold: bool = False, italic: bool = False,
          size: float | None = None, color: RGBColor | None = None) -> None:
    """Free text with inline emphasis: one `_run` per span, its bold/italic added to the run's own."""
    for span in spans(text):
        _run(paragraph, span.text, bold=bold or span.bold, italic=italic or span.italic, size=size, color=color)


def _field(paragraph: Any, code: str, placeholder: str = "1", *, bold: bool = False) -> None:
    """A complex field (fldChar begin / instrText / separate / result / end) Word and LibreOffice update."""

    def fld(kind: str) -> Any:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)  # no w:dirty: Word lays out PAGE fields itself, without a prompt
        return el

    def run_with(child: Any) -> None:
        run = paragraph.add_run()
        if bold:
            run.bold = True
        run._r.append(child)

    run_with(fld("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    run_with(instr)
    run_with(fld("separate"))
    result = paragraph.add_run(placeholder)
    if bold:
        result.bold = True
    run_with(fld("end"))


def _grid(table: Any) -> list[list[Any]]:
    """Cells by (row, column) for a table without merges: `table.cell()` re-walks the grid on every call."""
    return [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


def _shade(cell: Any, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cant_split(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cell_text(cell: Any, text: str, *, bold: bool = False, size: float | None = None,
               align: WD_ALIGN_PARAGRAPH | None = None, color: RGBColor | None = None, rich: bool = False) -> Any:
    """One paragraph of text in a cell; `rich`: free text, its inline emphasis as runs."""
    paragraph = cell.paragraphs[0]
    set_style(paragraph._p, "TableText")
    if align is not None:
        paragraph.alignment = align
    (_rich if rich else _run)(paragraph, text, bold=bold, size=size, color=color)
    return paragraph


def _cell_lines(cell: Any, lines: Sequence[str], *, bullet: bool) -> None:
    """Several items in one cell; bullets as a leading "•" so the cell stays compact in every viewer."""
    first = True
    for line in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        set_style(paragraph._p, "TableBullet" if bullet else "TableText")
        _rich(paragraph, "•\t" + line if bullet else line)


def _set_col_widths(table: Any, widths: Sequence[int]) -> None:
    """Column widths in both places Word reads them (tblGrid and every cell)."""
    table.autofit = False
    tblpr = table._tbl.tblPr
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is not None:
        tblw.set(qn("w:type"), "dxa")
        tblw.set(qn("w:w"), str(int(sum(widths) / 635)))
    look = tblpr.find(qn("w:tblLook"))
    if look is not None:  # the schema wants it after tblLayout/tblCellMar; Word is strict about order
        tblpr.remove(look)
        tblpr.append(look)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(int(width / 635)))  # EMU -> twips
    for tr in table._tbl.tr_lst:  # raw cells: `row.cells` resolves merges, slowly
        for tc, width in zip(tr.tc_lst, widths, strict=False):
            tc.width = width


_CHAR_MM = 9 * 0.56 * 25.4 / 72  # a wide-ish average character of 9 pt Arial/Liberation Sans (bold heads)
_CELL_PAD_MM = 3.2  # the cell margins (80 twips each side) and a little air


def fit_widths(weights: Sequence[float], total: float, rows: Sequence[Sequence[str | list[str]]],
               nowrap: Sequence[int] = ()) -> list[float]:
    """Column widths (mm) summing to `total`, shared by `weights`, but never narrower than the column's
    longest word (a `nowrap` column: its longest text), so Word and LibreOffice, which break a word that
    does not fit anywhere and without a hyphen, never have to. The PDF's tables size themselves by
    content (CSS auto layout); a DOCX table's grid is fixed here, so this is the same idea by hand."""
    n = len(weights)
    need = [0.0] * n
    for row in rows:
        for k, value in enumerate(row):
            texts = value if isinstance(value, list) else [value]
            for text in texts:
                pieces = [plain(text)] if k in nowrap else plain(text).split()
                longest = max((len(p) for p in pieces), default=0)
                need[k] = max(need[k], longest * _CHAR_MM + _CELL_PAD_MM + (3.5 if isinstance(value, list) else 0))
    share = [w * total / sum(weights) for w in weights]
    if sum(need) >= total:  # cannot hold every word: as close as the room allows
        return [x * total / sum(need) for x in need]
    widths = list(share)
    for _ in range(n):
        short = [k for k in range(n) if widths[k] < need[k] - 0.01]
        if not short:
            break
        for k in short:
            widths[k] = need[k]
        fixed = {k for k in range(n) if widths[k] <= need[k] + 0.01}
        free = [k for k in range(n) if k not in fixed]
        room = total - sum(widths[k] for k in fixed)
        weight = sum(share[k] for k in free)
        for k in free:
            widths[k] = room * share[k] / weight
    return widths


def _frame_borders(table: Any, *, top: bool) -> None:
    """A section frame's rules, set on its cells (adjacent tables may be joined by the reader): one
    above, between sections (`top`), and one between the name and the content."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(OxmlElement(f"w:{edge}", {qn("w:val"): "nil"}))
    table._tbl.tblPr.append(borders)
    for k, tc in enumerate(table._tbl.tr_lst[0].tc_lst):
        cell_borders = OxmlElement("w:tcBorders")
        for edge in ("top", "left", "bottom", "right"):
            on = (edge == "top" and top) or (edge == "left" and k == 1)
            attrs = {qn("w:val"): "single", qn("w:sz"): "5", qn("w:space"): "0", qn("w:color"): "000000"} if on \
                else {qn("w:val"): "nil"}
            cell_borders.append(OxmlElement(f"w:{edge}", attrs))
        tc.get_or_add_tcPr().append(cell_borders)


def _tidy_cell(cell: Any) -> None:
    """Drop the empty paragraph python-docx starts a cell with once the cell holds more, and the empty
    ones at its end (a nested table leaves two), ending the cell with one hair-thin paragraph (Word requires
    a paragraph last) so a frame never spills an empty stub onto the next page."""
    tc = cell._tc

    def blank(el: Any) -> bool:
        return el.tag == qn("w:p") and not el.xpath(".//w:t | .//w:drawing | .//w:fldChar")

    blocks = [el for el in tc if el.tag in (qn("w:p"), qn("w:tbl"))]
    if len(blocks) > 1 and blank(blocks[0]):
        tc.remove(blocks[0])
        blocks = blocks[1:]
    while len(blocks) > 1 and blank(blocks[-1]):
        tc.remove(blocks.pop())
    end = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    ppr.append(OxmlElement("w:pStyle", {qn("w:val"): "Spacer"}))
    ppr.append(OxmlElement("w:spacing", {qn("w:before"): "0", qn("w:after"): "0", qn("w:line"): "20",
                                         qn("w:lineRule"): "exact"}))
    end.append(ppr)
    tc.append(end)


def _cell_margins(table: Any, top: int = 30, side: int = 80) -> None:
    """Cell padding in twips (the template's defaults are tight vertically)."""
    tblpr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for edge, value in (("top", top), ("left", side), ("bottom", top), ("right", side)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(value))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblpr.append(mar)


# --------------------------------------------------------------------------------------------
# header and footer


def _header(doc: Any, view: DocumentView, raster: Callable[[str, int], bytes] = svg_to_png,
            library: Library | None = None) -> None:
    """The document-control block of the seed documents, as a real table repeated on every page."""
    lang = view.lang
    header = doc.sections[0].header
    header.is_linked_to_previous = False
    grow = text_width(view.paper) / Mm(sum(HEADER_COLUMNS_MM))
    widths = [Mm(w * grow) for w in HEADER_COLUMNS_MM]
    table = header.add_table(rows=4, cols=4, width=sum(widths, Mm(0)))
    _table_style(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell_margins(table, top=20, side=70)
    _set_col_widths(table, widths)
    cells = _grid(table)  # before the merges: they join columns 0 and 1 downwards, 2 and 3 keep their tcs

    # the layout of the HTML/PDF header (templates/document.html): logo, organisation and unit | PROSEDUR
    # and the title | No. Dok., Revisi, Tgl. Terbit, Halaman x dari y
    logo_cell = cells[0][0].merge(cells[3][0])
    logo_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    logo_par = logo_cell.paragraphs[0]
    set_style(logo_par._p, "TableText")
    logo_par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # bounded as the HTML/PDF logo (html.logo_source): an image file inside the library folder, else none
    found = path_allowed(Path(view.logo), [library.root]) if view.logo and library is not None else None
    if found is not None and (found.suffix.lower() not in (".svg", ".png", ".jpg", ".jpeg")
                              or found.stat().st_size > MAX_ASSET_BYTES):
        found = None
    logo = image_file_to_raster(found, raster=raster) if found is not None else None
    if logo:
        try:
            logo_par.add_run().add_picture(io.BytesIO(logo), height=Mm(13))
        except Exception:  # noqa: BLE001 - an image python-docx cannot read means no logo, not no document
            logo = None
    # one printed line per line of the library's name (`_run` turns line breaks into w:br)
    par = _styled(logo_cell, "TableText") if logo else logo_par
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(par, "\n".join(view.organisation_lines).upper(), bold=True, size=8)
    if view.unit_lines:
        par = _styled(logo_cell, "TableText")
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(par, "\n".join(view.unit_lines), size=7)

    title_cell = cells[0][1].merge(cells[3][1])
    title_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _cell_text(title_cell, _w("procedure_doc", lang), size=8, align=WD_ALIGN_PARAGRAPH.CENTER)
    par = _styled(title_cell, "TableText")
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    size = 12.5 if len(view.title) <= 50 else 10.5 if len(view.title) <= 90 else 9 if len(view.title) <= 140 else 7.5
    _rich(par, view.title.upper(), bold=True, size=size)

    rows = [
        (label("doc_no", lang), view.number),
        (label("revision", lang), str(view.revision)),
        (label("issued", lang), view.issued),
    ]
    for i, (key, value) in enumerate(rows):
        _cell_text(cells[i][2], key, size=8.5)
        _cell_text(cells[i][3], value, bold=True, size=8.5)
    _cell_text(cells[3][2], label("page", lang), size=8.5)
    par = cells[3][3].paragraphs[0]
    set_style(par._p, "TableText")
    _field(par, "PAGE", bold=True)
    _run(par, f" {label('of', lang)} ", bold=True)
    _field(par, "NUMPAGES", bold=True)
    for run in par.runs:
        run.font.size = Pt(8.5)

    # The paragraph python-docx leaves before the table: keep it as a thin spacer after it instead.
    first = header.paragraphs[0]
    header._element.remove(first._p)
    spacer = _styled(header, "Spacer")
    if view.watermark:
        _status_line(spacer, view.watermark)
        _watermark(spacer, view.watermark)


def _status_line(paragraph: Any, mark: str) -> None:
    """A visible, searchable status word under the header table (survives every viewer)."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, mark, bold=True, size=10, color=MARK_RED)


_VML_WATERMARK = """
<w:r %s><w:rPr><w:noProof/></w:rPr><w:pict>
<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
  path="m@7,l@8,m@5,21600l@6,21600e">
 <v:formulas>
  <v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>
  <v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>
  <v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>
  <v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/>
  <v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/>
 </v:formulas>
 <v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"
   o:connectangles="270,180,90,0"/>
 <v:textpath on="t" fitshape="t"/>
 <v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>
 <o:lock v:ext="edit" text="t" shapetype="t"/>
</v:shapetype>
<v:shape id="ProsedurWatermark" o:spid="_x0000_s2049" type="#_x0000_t136"
  style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:110pt;rotation:315;z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;mso-position-vertical-relative:margin"
  o:allowincell="f" fillcolor="#c00000" stroked="f">
 <v:fill opacity=".18"/>
 <v:textpath style="font-family:&quot;Arial&quot;;font-size:1pt;font-weight:bold" string="X"/>
</v:shape>
</w:pict></w:r>
"""


def _watermark(paragraph: Any, mark: str) -> None:
    """Word's own watermark: a VML WordArt shape anchored in the header, behind the text of every page."""
    xml = _VML_WATERMARK % (
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
    )
    run = parse_xml(xml)
    textpath = run.find(".//{urn:schemas-microsoft-com:vml}shape/{urn:schemas-microsoft-com:vml}textpath")
    textpath.set("string", clean(mark))  # attribute set through lxml: escaped
    paragraph._p.append(run)


def _note_box(paragraph: Any) -> None:
    """The HTML's `.lang-note`: a pale yellow box with a dark yellow rule on its left."""
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    border.append(OxmlElement("w:left", {qn("w:val"): "single", qn("w:sz"): "18", qn("w:space"): "4",
                                         qn("w:color"): "8A6D00"}))
    ppr.append(border)
    ppr.append(OxmlElement("w:shd", {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): "FDF6E3"}))


def _rule_above(paragraph: Any) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    border.append(OxmlElement("w:top", {qn("w:val"): "single", qn("w:sz"): "4", qn("w:space"): "2",
                                        qn("w:color"): "777777"}))
    ppr.append(border)


def _footer(doc: Any, view: DocumentView) -> None:
    lang = view.lang
    footer = doc.sections[0].footer
    footer.is_linked_to_previous = False
    par = footer.paragraphs[0]
    _rule_above(par)  # as the PDF's footer: left, under a thin rule
    copy = label("controlled" if view.controlled else "uncontrolled", lang)
    _run(par, copy, bold=True, color=None if view.controlled else MARK_RED)
    _run(par, f"  {view.footer_id}")
    if view.esigned or not view.controlled:
        note = footer.add_paragraph()
        _run(note, label("esign_note" if view.esigned else "uncontrolled_note", lang), size=6.5)
    if view.content_hash:
        line = footer.add_paragraph()
        _run(line, f"{label('content_hash', lang)}: {view.content_hash}", size=7)
    if view.verify_url:
        # the QR and the link on every page, as the PDF's footer carries them
        line = footer.add_paragraph()
        line.add_run().add_picture(io.BytesIO(_qr_png(view.verify_url)), height=Mm(14))
        _run(line, f"  {view.verify_url}", size=6.5)


def _qr_png(url: str, scale: int = 4) -> bytes:
    """The verification link as a PNG QR code (segno writes PNG itself)."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=1)
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# body


class _Body:
    """Writes the numbered ISO/TR 10013 sections into the document body."""

    def __init__(
        self,
        doc: Any,
        view: DocumentView,
        proc: Procedure,
        library: Library | None,
        raster: Callable[[str, int], bytes] = svg_to_png,
        *,
        shapes: bool = True,
    ) -> None:
        self.doc = doc
        self.box: Any = doc
        """Where the body text goes: the document, or the content cell of the open section frame."""
        self.name_cell: Any = None
        """The open frame's name cell (the level-1 heading), or None outside a frame."""
        self.frame_cells: tuple[Any, ...] = ()
        self.width_mm = text_width(view.paper) / 36000
        self.shapes = shapes
        self.raster = raster
        self.view = view
        self.proc = proc
        self.library = library
        self.lang = view.lang

    # -- building blocks --------------------------------------------------------------------
    def L(self, key: str) -> str:  # noqa: N802 - reads like the templates' `L.key`
        return label(key, self.lang)

    def heading(self, key: str) -> Any:
        """The outline's heading `key` (`document.outline`) as a Heading 1/2 paragraph. Its number is
        Word's list numbering of the style, which counts the same headings in the same order as the
        outline, so it prints the outline's number (the DOCX/PDF agreement test reads both)."""
        section = self.view.heads[key]
        in_name = section.level == 1 and self.name_cell is not None
        paragraph = _styled(self.name_cell if in_name else self.box, f"Heading{section.level}")
        if in_name:  # beside its content already; LibreOffice would otherwise keep the whole table with the next
            paragraph.paragraph_format.keep_with_next = False
        _run(paragraph, section.title)
        return paragraph

    # -- section frames: the name left, the content right, as the HTML/PDF's `.sec` ----------
    def open_frame(self, *, continued: bool = False) -> None:
        """A one-row table: the section's name (left, 40 mm) and its content (right, a rule between),
        the seed's layout the PDF prints (document.css `.sec`); the row may run over pages."""
        self.close_frame()
        text = text_width(self.view.paper)
        name_w = int(Mm(FRAME_NAME_MM))
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _frame_borders(table, top=not continued)
        _cell_margins(table, top=140, side=100)  # document.css `.sec > .body { padding: 2.5mm ... }`
        _set_col_widths(table, [name_w, text - name_w])
        name, content = table.rows[0].cells
        self.frame_cells = (name, content)
        self.name_cell, self.box = name, content
        self.width_mm = (text - name_w) / 36000 - 3

    def close_frame(self) -> None:
        if self.name_cell is None:
            return
        for cell in self.frame_cells:
            _tidy_cell(cell)
        self.name_cell, self.box = None, self.doc
        self.width_mm = text_width(self.view.paper) / 36000

    def para(self, text: str, *, bold: bool = False, italic: bool = False) -> Any:
        """A paragraph of free text (inline emphasis as runs)."""
        paragraph = self.box.add_paragraph()
        _rich(paragraph, text, bold=bold, italic=italic)
        return paragraph

    def none(self) -> None:
        self.para(self.L("none"), italic=True)

    def bullets(self, items: Iterable[str], *, bold: bool = False) -> None:
        for item in items:
            _rich(_styled(self.box, "ListBullet"), item, bold=bold)

    def numbered(self, items: Iterable[str], *, start: int = 1) -> None:
        """Literal numbers with a hanging indent: Word's auto-numbering would run on across lists."""
        for i, item in enumerate(items, start):
            _rich(_styled(self.box, "NumberedItem"), f"{i}.\t{item}")

    def labelled_list(self, caption: str, items: Sequence[str]) -> None:
        if not items:
            return
        _run(_styled(self.box, "ListCaption"), caption)
        self.bullets(items)

    def table(self, heads: Sequence[str] | None, rows: Sequence[Sequence[str | list[str]]],
              widths_mm: Sequence[float], *, nowrap: Sequence[int] = ()) -> Any:
        """A grid table; `heads`: its heading row (repeated on every page), None for a table of names and
        values (the HTML's `table.kv`)."""
        table = self.box.add_table(rows=1 if heads else 0, cols=len(widths_mm))
        _table_style(table)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _cell_margins(table)
        if heads:
            for cell, head in zip(table.rows[0].cells, heads, strict=True):
                _cell_text(cell, head, bold=True)
                _shade(cell, HEAD_FILL)
            _repeat_header(table.rows[0])
        for values in rows:
            row = table.add_row()
            _cant_split(row)
            cells = [_Cell(tc, table) for tc in row._tr.tc_lst]  # no merges here: skip the grid walk
            for cell, value in zip(cells, values, strict=True):
                if isinstance(value, list):
                    _cell_lines(cell, value, bullet=len(value) > 1)
                else:
                    _cell_text(cell, value, rich=True)
        widths = fit_widths(widths_mm, self.width_mm, [*([heads] if heads else []), *rows], nowrap=nowrap)
        _set_col_widths(table, [Mm(w) for w in widths])
        _styled(self.box, "Spacer")
        return table

    # -- the document ------------------------------------------------------------------------
    def build(self) -> None:
        """The document's sections in the outline's order (`view.sections`), as the HTML/PDF prints them:
        the title lives in the control header, page 1 opens with the same info line."""
        v = self.view
        if v.info:
            info = self.box.add_paragraph()
            _run(info, " · ".join(f"{k}: {val}" for k, val in v.info), size=8.5)
        if v.indonesian_note:  # an English document says which of its sections are in Indonesian
            note = self.box.add_paragraph()
            _run(note, v.indonesian_note, italic=True, size=8)
            _note_box(note)
        for section in v.sections:
            if section.key in FULL_WIDTH:  # the flowchart, approval and history span the page
                self.close_frame()
            elif section.level == 1 or section.key == "narrative":  # the narrative continues section 6
                self.open_frame(continued=section.key == "narrative")
            getattr(self, f"section_{section.key}")()
        self.close_frame()

    def section_io(self) -> None:
        v = self.view
        self.heading("io")
        none = [self.L("none")]
        # as the HTML's `table.io`: Masukan | Keluaran side by side
        self.table([self.L("inputs"), self.L("outputs")], [[v.inputs or none, v.outputs or none]], [85, 85])

    def section_activities(self) -> None:
        self.heading("activities")

    def section_provisions(self) -> None:
        self.heading("provisions")
        self.numbered(self.view.provisions) if self.view.provisions else self.none()

    def section_controls(self) -> None:
        self.heading("controls")
        self.bullets(self.view.controls) if self.view.controls else self.none()

    def section_resources(self) -> None:
        v = self.view
        self.heading("resources")
        table = self.table(
            None,
            [[self.L(key), values or [self.L("none")]] for key, values in (
                ("qualifications", v.qualifications), ("training", v.training), ("equipment", v.equipment),
                ("materials", v.materials))],
            [45, 125],
        )
        for tr in table._tbl.tr_lst:  # the HTML's `table.kv th`: the names on a pale ground
            _shade(_Cell(tr.tc_lst[0], table), "F3F3F3")

    def section_warnings(self) -> None:
        self.heading("warnings")
        # bold, as the HTML's `.warnings li`
        self.bullets(self.view.warnings, bold=True) if self.view.warnings else self.none()

    def section_flowchart(self) -> None:
        # the flowchart starts on a page of its own, as in the PDF (document.css `.flow`)
        head = self.heading("flowchart")
        head.paragraph_format.page_break_before = True
        head.paragraph_format.left_indent = Mm(FRAME_NAME_MM)  # over the content column, as `.flow-head`
        self.flowchart()

    def section_narrative(self) -> None:
        self.heading("narrative")
        self.narrative()

    def section_legal_basis(self) -> None:
        self.heading("legal_basis")
        self.numbered(self.view.legal_basis) if self.view.legal_basis else self.none()

    def section_purpose(self) -> None:
        self.heading("purpose")
        if self.view.purpose:
            self.para(self.view.purpose)
        else:
            self.none()

    def section_scope(self) -> None:
        v = self.view
        self.heading("scope")
        for key, items in (("scope_includes", v.scope_includes), ("scope_excludes", v.scope_excludes)):
            _run(_styled(self.box, "ListCaption"), self.L(key))
            self.bullets(items) if items else self.none()

    def terms(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Terms and what they mean, as the HTML's <dl>: the term bold, its meaning indented below."""
        for term, meaning in pairs:
            _rich(_styled(self.box, "Term"), term, bold=True)
            _rich(_styled(self.box, "TermMeaning"), meaning)

    def section_definitions(self) -> None:
        v = self.view
        self.heading("definitions")
        if not (v.definitions or v.parameters):
            self.none()
            return
        self.terms(v.definitions)
        if v.parameters:
            _run(_styled(self.box, "SubCaption"), self.L("parameters"), italic=True)
            self.terms(v.parameters)

    def section_references(self) -> None:
        v = self.view
        self.heading("references")
        if not v.references:
            self.none()
        for kind, ident, title, clause in v.references:  # as the HTML: "• Standar  **SNI ...** title (8.6.2)"
            paragraph = _styled(self.box, "ListBullet")
            _run(paragraph, f"{kind}\t")
            if ident:
                _run(paragraph, f"{ident} ", bold=True)
            _rich(paragraph, title)
            if clause:
                _run(paragraph, f" ({clause})")
            paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(24))

    def section_responsibilities(self) -> None:
        """Each role as the HTML prints it: its name (and unit), then Tanggung jawab and Wewenang lists."""
        v = self.view
        self.heading("responsibilities")
        if not v.roles:
            self.none()
            return
        for role in v.roles:
            name = _styled(self.box, "ListCaption")
            _run(name, role.name)
            if role.unit:
                _plain_run(name, f" ({role.unit})")
            for key, items in (("responsibility", role.responsibilities), ("authority", role.authorities)):
                if items:
                    _run(_styled(self.box, "SubCaption"), self.L(key), italic=True)
                    self.bullets(items)

    def flowchart(self) -> None:
        if not self.proc.steps:
            self.none()
            return
        if self.shapes:  # DrawingML shapes (the default; bench/bench_docx.py compares it with the PNGs)
            from .drawingml import add_flowchart

            add_flowchart(self.box, self.proc, self.library, lang=self.lang, max_width=text_width(self.view.paper),
                          max_height=image_max_height(self.view.paper), alt=f"{self.L('flowchart')} {self.view.number}")
            return
        pages = render_flowchart(self.proc, self.library, lang=self.lang, swimlanes=True, rows_per_page=13)
        for i, svg in enumerate(pages):
            png = self.raster(svg, DEFAULT_DPI)
            width_px, height_px = png_size(png)
            width = int(width_px / DEFAULT_DPI * 25.4 * 36000)  # EMU at the rendered dpi
            height = int(height_px / DEFAULT_DPI * 25.4 * 36000)
            scale = min(1.0, text_width(self.view.paper) / width, image_max_height(self.view.paper) / height)
            paragraph = self.box.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run()
            if i > 0:
                run.add_break(WD_BREAK.PAGE)
            run.add_picture(io.BytesIO(png), width=int(width * scale), height=int(height * scale))
            self._alt_text(run, f"{self.L('flowchart')} {self.view.number} ({i + 1}/{len(pages)})")

    @staticmethod
    def _alt_text(run: Any, text: str) -> None:
        """Alt text for screen readers on the inline picture just added (set via lxml: escaped)."""
        for doc_pr in run._r.iter(qn("wp:docPr")):
            doc_pr.set("descr", clean(text))

    def narrative(self) -> None:
        """The shared narrative's items (same wording as HTML/PDF), plus each step's Mutu Baku lines."""
        items = narrative_from_view(self.view)
        if not items:
            self.none()
            return
        steps = {step.id: step for step in self.view.steps}
        for item in items:
            self.step(item, steps.get(item.step_id))

    def step(self, item: NarrativeItem, step: StepView | None) -> None:
        paragraph = _styled(self.box, "Step")
        _run(paragraph, f"{item.number}.\t")
        for seg in item.head():  # the narrative's own segments: every actor bold, as in HTML and PDF
            if seg.lead:
                _run(paragraph, seg.lead)
            if seg.before and seg.actors:
                _rich(paragraph, seg.before)
            for k, actor in enumerate(seg.actors):
                if k:
                    _run(paragraph, seg.joint)
                _run(paragraph, actor, bold=True)
            _rich(paragraph, f"{seg.gap}{seg.text}" if seg.actors else seg.text)
        for key, value in item.details:  # inline, as the HTML's "<em>Mengapa:</em> ..."
            _run(paragraph, f" {key}: ", italic=True)
            _rich(paragraph, _sentence_end(value))
        if item.follow:
            _rich(paragraph, f" {item.follow}")
        for sub in item.sub_items:
            _rich(_styled(self.box, "StepDetail"), f"{sub.letter}.\u00a0{sub.text}")
        for key, value in item.facts:  # the step's own lines, the narrative's (same as HTML and PDF)
            line = _styled(self.box, "StepFact")
            _run(line, f"{key}: ", italic=True)
            _rich(line, value)

    def section_measurements(self) -> None:
        v = self.view
        self.heading("measurements")
        if not v.measurements:
            self.none()
            return
        self.table(
            [self.L("indicator"), self.L("method"), self.L("target"), self.L("frequency"), self.L("owner")],
            [list(m) for m in v.measurements],
            [45, 50, 27, 21, 27],
        )

    def section_records(self) -> None:
        v = self.view
        self.heading("records")
        if not v.records:
            self.none()
            return
        self.table(
            [self.L("record_id"), self.L("record_name"), self.L("owner"), self.L("storage"),
             self.L("retention"), self.L("disposition")],
            [list(r) for r in v.records],
            [28, 34, 22, 34, 20, 32],
            nowrap=[0],  # a form number stays on one line, as the HTML's `td.nowrap`
        )

    def section_attachments(self) -> None:
        self.heading("attachments")
        if not self.view.attachments:
            self.none()
            return
        for i, (title, desc, file) in enumerate(self.view.attachments, 1):
            _rich(_styled(self.box, "NumberedItem"), f"{i}.\t{title} — {desc}" if desc else f"{i}.\t{title}")
            if file:
                _run(_styled(self.box, "StepDetail"), f"{self.L('file')}: {file}", size=8.5)

    def section_related(self) -> None:
        self.heading("related")
        items = [f"{num} {title}".strip() for num, title in self.view.related]
        if items:
            self.bullets(items)
        else:
            self.none()

    def section_clauses(self) -> None:
        self.heading("clauses")
        if self.view.clauses:
            self.para(", ".join(self.view.clauses))
        else:
            self.none()

    def section_approval(self) -> None:
        v = self.view
        self.heading("approval")
        people = v.prepared_reviewed_approved
        if not people:
            self.none()
            return
        table = self.doc.add_table(rows=6, cols=len(people) + 1)
        _table_style(table)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _cell_margins(table)
        cells = _grid(table)
        keys = ["", "signature", "name", "position", "nip", "date"]
        for r, key in enumerate(keys):
            _cant_split(table.rows[r])
            if key:
                _cell_text(cells[r][0], self.L(key), bold=True)
        _shade(cells[0][0], HEAD_FILL)
        table.rows[1].height = Mm(18)
        for c, person in enumerate(people, start=1):
            _cell_text(cells[0][c], person.role, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
            _shade(cells[0][c], HEAD_FILL)
            if person.signed or person.pending:
                sign = _cell_text(cells[1][c], person.signed_text if person.signed else self.L("filled_at_signing"),
                                  size=7, align=WD_ALIGN_PARAGRAPH.CENTER)
                if person.signed and person is v.approved and v.verify_url:
                    sign.add_run().add_break()
                    sign.add_run().add_picture(io.BytesIO(_qr_png(v.verify_url)), height=Mm(15))
            _cell_text(cells[2][c], person.name, bold=True)
            _cell_text(cells[3][c], person.position)
            _cell_text(cells[4][c], person.nip or "-")
            _cell_text(cells[5][c], person.when or person.date)
        first = 24
        rest = (170 - first) / len(people)
        _set_col_widths(table, [Mm(first)] + [Mm(rest)] * len(people))
        _styled(self.box, "Spacer")

    def section_history(self) -> None:
        v = self.view
        self.heading("history")
        if not v.history:
            self.none()
            return
        self.table(
            [self.L("revision"), self.L("date"), self.L("change"), self.L("reason"), self.L("by")],
            [[str(rev), date, change, reason, by] for rev, date, change, reason, by in v.history],
            [19, 22, 50, 47, 32],
        )
