"""The ISO/TR 10013 procedure document as HTML with a print stylesheet (PDF goes through `pdf.py`).

Built from the DocumentView like every other output. Jinja2 autoescaping is on, so source text
can never become markup; the only pieces passed as `Markup` are ones built here (our CSS, the
flowchart SVG whose text the SVG renderer escapes, the escaped narrative, the QR code) and the
`inline` filter's <em>/<strong> around escaped spans of free text (`render/inline.py`).
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .. import shared
from ..model import Library, Procedure
from ..paper import PAPERS, Paper, document_page
from ..record import ControlRecord
from ..text import plain
from .document import DocumentView, PersonView, document_view
from .fetch import TEMPLATES, file_url, path_allowed
from .inline import inline_html
from .labels import labels
from .narrative import view_narrative_html
from .svg import render_flowchart

__all__ = ["render_html", "document_html", "template_env"]

FLOW_TITLE_ROOM_MM = 9.0  # the flowchart sheet's heading line above the chart


def flow_box(sheet: Paper) -> tuple[float, float]:
    """Width and height a flowchart page may take in the document on `sheet`: the portrait body,
    less the heading line above the chart."""
    box = document_page(sheet)
    return box.body_width, box.body_height - FLOW_TITLE_ROOM_MM


FLOW_MAX_WIDTH_MM, FLOW_MAX_HEIGHT_MM = flow_box(PAPERS["A4"])  # 180 x 226 mm


def page_rules(sheet: Paper) -> Markup:
    """The document's @page size and margins and its running header/footer width, for `sheet`
    (numbers only, generated after the stylesheet)."""
    box = document_page(sheet)
    width = f"{box.body_width:.1f}".rstrip("0").rstrip(".")
    return Markup(f"@media print {{ {box.page_rule()} .doc-header, .doc-footer {{ width: {width}mm; }} }}")
_FLOW_MISSING = ("[Belum ada langkah kegiatan]", "[No activity steps yet]")


@lru_cache(maxsize=1)
def template_env() -> Environment:
    """One Jinja2 environment for every template; autoescape on for everything we load. Each template is
    compiled once per process and never looked at on disk again (`auto_reload=False`: a build asks for
    the document template thousands of times, and checking its file's time each time was a sixtieth of
    a build)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["inline"] = inline_html  # free text with *miring* / **tebal**, each span escaped
    env.filters["plain"] = plain  # the same text without markers (<title>, attributes, metadata)
    return env


@lru_cache(maxsize=8)
def stylesheet(name: str) -> Markup:
    """Our own CSS file, inlined (it is ours, so it is trusted)."""
    return Markup((TEMPLATES / name).read_text(encoding="utf-8"))


def logo_source(view: DocumentView, library: Library | None, *, for_pdf: bool) -> str | None:
    """Where the logo comes from: a file URL inside the library for the PDF, a data URL for a lone HTML
    page. A logo path outside the library folder (`../`, symlink, absolute) gives no logo at all."""
    if not view.logo or library is None:
        return None
    real = path_allowed(Path(view.logo), [library.root])
    if real is None or real.suffix.lower() not in (".svg", ".png", ".jpg", ".jpeg"):
        return None
    if for_pdf:
        return file_url(real)
    mime = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
    # An <img> never runs scripts inside an SVG, so a data URL is safe here.
    return f"data:{mime};base64,{base64.b64encode(real.read_bytes()).decode('ascii')}"


def qr_svg(verify_url: str | None) -> Markup | None:
    """The verification link as an inline QR code (segno draws it; the URL is XML-escaped)."""
    if not verify_url:
        return None
    import segno

    code = segno.make(verify_url, error="m")
    svg = code.svg_inline(scale=2, border=1, omitsize=False)
    return Markup(svg)


_SIZE_RE = re.compile(r'^(<svg\b[^>]*?)\swidth="([\d.]+)mm"\s+height="([\d.]+)mm"', re.S)


def fit_svg(svg: str, max_w_mm: float, max_h_mm: float) -> str:
    """Scale an SVG's declared size (mm) down, keeping its aspect ratio, to fit `max_w` x `max_h`."""
    match = _SIZE_RE.match(svg)
    if not match:
        return svg
    width, height = float(match.group(2)), float(match.group(3))
    scale = min(1.0, max_w_mm / width, max_h_mm / height)
    if scale >= 1.0:
        return svg
    head = f'{match.group(1)} width="{width * scale:.2f}mm" height="{height * scale:.2f}mm"'
    return head + svg[match.end():]


def flowchart_pages(
    proc: Procedure, library: Library | None, lang: str, *, sheet: Paper | None = None,
    printed_pages: Sequence[int] | None = None,
) -> list[Markup]:
    """One SVG per page chunk of the swimlane flowchart ([] for a procedure without steps), each fitted
    to the document's body on `sheet` (the library's paper by default); `printed_pages` as for
    `render_flowchart` (the PDF's pages of the chart, once known)."""
    if not proc.steps:
        return []
    if sheet is None:
        sheet = PAPERS[library.info.paper] if library else PAPERS["A4"]
    max_w, max_h = flow_box(sheet)
    pages = render_flowchart(proc, library, lang=lang, swimlanes=True, printed_pages=printed_pages, sheet=sheet)
    return [Markup(_strip_xml_decl(fit_svg(page, max_w, max_h))) for page in pages]


def _strip_xml_decl(svg: str) -> str:
    return re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)


def signers(view: DocumentView) -> list[PersonView]:
    return view.prepared_reviewed_approved


def document_html(
    view: DocumentView,
    proc: Procedure,
    library: Library | None,
    *,
    for_pdf: bool = False,
    printed_pages: Sequence[int] | None = None,
) -> str:
    """Render the document template for a resolved view (shared by `render_html` and `render_pdf`).
    `printed_pages`: the printed page of each flowchart page, for its off-page connectors.
    Made once per build for equal arguments (`shared`): the HTML page and the PDF's first print are one."""
    pages = None if printed_pages is None else tuple(printed_pages)
    return shared.shared_for("document_html", (view, proc, library), (for_pdf, pages),
                             lambda: _document_html(view, proc, library, for_pdf=for_pdf, printed_pages=printed_pages))


def _document_html(
    view: DocumentView,
    proc: Procedure,
    library: Library | None,
    *,
    for_pdf: bool = False,
    printed_pages: Sequence[int] | None = None,
) -> str:
    lang = view.lang
    context: dict[str, Any] = {
        "v": view,
        "L": labels(lang),
        "css": stylesheet("document.css"),
        "page_rules": page_rules(view.paper),
        "flow_svgs": flowchart_pages(proc, library, lang, sheet=view.paper, printed_pages=printed_pages),
        "flow_missing": _FLOW_MISSING[1 if lang == "en" else 0],
        "narrative": Markup(view_narrative_html(view)),
        "logo_src": logo_source(view, library, for_pdf=for_pdf),
        "qr_svg": qr_svg(view.verify_url),
        "verify_url": view.verify_url,
        "signers": signers(view),
    }
    return template_env().get_template("document.html").render(**context)


def render_html(
    proc: Procedure,
    library: Library | None,
    *,
    lang: str = "id",
    controlled: bool = True,
    content_hash: str | None = None,
    verify_url: str | None = None,
    record: ControlRecord | None = None,
) -> str:
    """The ISO/TR 10013 document as one self-contained HTML page (print stylesheet included)."""
    view = document_view(proc, library, lang=lang, controlled=controlled, content_hash=content_hash,
                         record=record, verify_url=verify_url)
    return document_html(view, proc, library, for_pdf=False)
