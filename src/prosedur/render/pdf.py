"""PDF through WeasyPrint, from the same HTML as the web page, reading only our own files.

Deterministic: the PDF's creation and modification dates come from the procedure (issue date),
not the clock, so the same source gives the same bytes and a content hash can cover the PDF.

Fast enough for a whole library (measured on the samples, see bench/bench_pdf.py): every render
shares one font configuration per thread (Pango keeps its font and shaping caches), inline
flowchart SVGs are handed to WeasyPrint as images (their hundreds of elements then skip the HTML
cascade), SVG text is drawn one run per `<text>` instead of one Pango layout per letter
(`_svg_text_runs`), and the cyclic garbage collector waits until the render is done (it otherwise
rescans the whole heap many times over WeasyPrint's short-lived boxes). Every renderer that goes
through `html_to_pdf` (document, SOP, reports) gets these; one with other inline SVGs drawn the same
everywhere can add their root class to `svg_as_image`.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import html as html_lib
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..hyphen import print_html
from ..model import Library, Procedure
from ..record import ControlRecord
from .document import document_view
from .fetch import TEMPLATES, fetcher_for
from .html import document_html
from .svg import baseline_shift

if TYPE_CHECKING:
    from .chromium import ChromiumPrinter

__all__ = ["INLINE_SVG_AS_IMAGE", "font_config", "html_to_pdf", "render_pdf", "submit_pdf"]

EPOCH = "2000-01-01T00:00:00+00:00"
INLINE_SVG_AS_IMAGE: tuple[str, ...] = ("flowchart",)
"""Root classes of the inline SVGs that `html_to_pdf` turns into images by default."""

_SVG_SCHEME = "prosedur-svg:"


def _stamp(date: dt.date | None) -> str:
    return f"{date.isoformat()}T00:00:00+00:00" if date else EPOCH


_local = threading.local()


def font_config() -> Any:
    """This thread's WeasyPrint FontConfiguration, made once: reusing it keeps Pango's caches warm.

    Per thread because a Pango font map must not be shared between threads. Pass it as
    `font_config=` to `HTML.render` / `CSS(...)` when rendering outside `html_to_pdf`.
    """
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config


_gc_lock = threading.Lock()
_gc_state = {"pauses": 0, "was_enabled": True}


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Hold the cyclic GC off during a render (nesting and threads counted); reference counting
    still frees almost everything, and the collector runs as usual afterwards."""
    with _gc_lock:
        if _gc_state["pauses"] == 0:
            _gc_state["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_state["pauses"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["pauses"] -= 1
            if _gc_state["pauses"] == 0 and _gc_state["was_enabled"]:
                gc.enable()


_INLINE_SVG = re.compile(r'<svg xmlns="http://www.w3.org/2000/svg" class="([\w -]+)"[^>]*>.*?</svg>', re.S)
_SVG_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.S)


def svgs_as_images(html: str, classes: Iterable[str]) -> tuple[str, list[str]]:
    """Replace inline `<svg class="...">` blocks (ours, never nested) whose first class is in
    `classes` by `<img src="prosedur-svg:N">`; returns the new HTML and the SVG sources by N.

    The image keeps the SVG's size (its root width/height) and its title as alt text.
    """
    wanted = set(classes)
    store: list[str] = []

    def replace(match: re.Match[str]) -> str:
        cls = match.group(1).split()
        if not cls or cls[0] not in wanted:
            return match.group(0)
        svg = match.group(0)
        title = _SVG_TITLE.search(svg)
        alt = html_lib.escape(html_lib.unescape(title.group(1)), quote=True) if title else ""
        store.append(svg)
        return f'<img class="{cls[0]}" src="{_SVG_SCHEME}{len(store) - 1}" alt="{alt}">'

    return _INLINE_SVG.sub(replace, html), store


def html_to_pdf(
    html: str,
    *,
    library_root: Path | None,
    stamp: str = EPOCH,
    svg_as_image: Iterable[str] = INLINE_SVG_AS_IMAGE,
) -> bytes:
    """WeasyPrint with the safe fetcher; fixed metadata dates; refused fetches are not errors.

    Inline SVGs whose root class is in `svg_as_image` are drawn as images (same look, cheaper
    cascade); pass `()` to keep them inline.
    """
    with _gc_paused():
        document = _layout(html, library_root, svg_as_image)
        return _write(document, stamp)


def _layout(html: str, library_root: Path | None, svg_as_image: Iterable[str]) -> Any:
    """WeasyPrint's laid-out document (pages), not yet drawn."""
    from weasyprint import HTML

    _install_svg_text_runs()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    html, svgs = svgs_as_images(print_html(html), svg_as_image)  # soft hyphens: prosedur.hyphen
    memory = {f"{_SVG_SCHEME}{n}": (svg.encode("utf-8"), "image/svg+xml") for n, svg in enumerate(svgs)}
    return HTML(
        string=html,
        base_url=TEMPLATES.as_uri() + "/",
        url_fetcher=fetcher_for(library_root, memory),
        media_type="print",
    ).render(font_config=font_config())


def _write(document: Any, stamp: str) -> bytes:
    document.metadata.created = stamp
    document.metadata.modified = stamp
    pdf: bytes = document.write_pdf()
    return pdf


_SHEET_ANCHOR = re.compile(r"flow-sheet-(\d+)$")


def sheet_pages(document: Any) -> list[int]:
    """The printed page (1-based) on which each flowchart page (`#flow-sheet-N`) starts."""
    found: dict[int, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            match = _SHEET_ANCHOR.match(anchor)
            if match:
                found.setdefault(int(match.group(1)), number)
    return [found[k] for k in sorted(found)]


def render_pdf(
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
    """The ISO/TR 10013 document as a portrait PDF on the library's paper with the control header and page x of y on every page.

    WeasyPrint unless a `printer` (render/chromium.py, for whole-library builds) is given.
    """
    if printer is not None:
        return submit_pdf(proc, library, printer, lang=lang, controlled=controlled, content_hash=content_hash,
                          verify_url=verify_url, record=record).result()
    view = document_view(proc, library, lang=lang, controlled=controlled, content_hash=content_hash,
                         record=record, verify_url=verify_url)
    root = library.root if library else None
    stamp = _stamp(view.record.issued if view.record else proc.issued)
    html = document_html(view, proc, library, for_pdf=True)
    key = hashlib.sha256(html.encode("utf-8")).hexdigest()
    with _gc_paused():
        guess = _sheet_cache.get(key)
        if guess is not None:  # this very document was laid out before: one layout, checked
            document = _layout(document_html(view, proc, library, for_pdf=True, printed_pages=guess),
                               root, INLINE_SVG_AS_IMAGE)
            if sheet_pages(document) == guess:
                return _write(document, stamp)
        document = _layout(html, root, INLINE_SVG_AS_IMAGE)
        pages = sheet_pages(document)
        if len(pages) > 1:
            # off-page connectors name the printed page: known only now. The connector text sits
            # inside images of unchanged size, so the second layout puts everything where the first did
            _remember(key, pages)
            html = document_html(view, proc, library, for_pdf=True, printed_pages=pages)
            document = _layout(html, root, INLINE_SVG_AS_IMAGE)
        return _write(document, stamp)


_sheet_cache: dict[str, list[int]] = {}
"""Printed pages of the flowchart by digest of the document's HTML (without them): a document laid
out again (a repeated download) takes one layout instead of two. Small and per process."""


_last_first_page = 0
"""The printed page the last Chromium document of this process put its first chart sheet on (0: none yet)."""


def _likely_pages(sheets: int) -> list[int] | None:
    """A first guess at the printed pages of a chart never printed before: its sheets follow one another
    (each starts a page) from the page the last document put its chart on; the documents of a library
    are alike, so in a build the guess is mostly right and the document is printed once instead of
    twice (a wrong guess costs the second print it cost before: the pages are always read back)."""
    return list(range(_last_first_page, _last_first_page + sheets)) if _last_first_page else None


def _remember(key: str, pages: list[int]) -> None:
    if len(_sheet_cache) >= 256:
        _sheet_cache.pop(next(iter(_sheet_cache)))
    _sheet_cache[key] = pages


def submit_pdf(
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
    """The document queued on a Chromium printer; the caller goes on while it prints.

    Off-page connectors name the printed page a chart continues on, known only once Chromium has
    paginated: as with WeasyPrint the document is printed, the page of each chart sheet read back
    (`chromium_sheet_pages`), and printed again with those pages when they differ from the guess
    (the connector text sits in pictures of unchanged size, so nothing moves). The guess: the pages
    this very document printed on before, else `_likely_pages`.
    """
    from ..paper import document_page
    from .chromium import page_setup

    view = document_view(proc, library, lang=lang, controlled=controlled, content_hash=content_hash,
                         record=record, verify_url=verify_url)
    setup = page_setup(document_page(view.paper))
    stamp = _stamp(view.record.issued if view.record else proc.issued)

    def html_for(pages: list[int] | None) -> str:
        # for_pdf=False: the logo as a data URL, the only kind of resource Chromium may load
        return document_html(view, proc, library, for_pdf=False, printed_pages=pages)

    html = html_for(None)
    sheets = len(_SHEET_IDS.findall(html))
    if sheets <= 1:
        return printer.submit(html, setup, stamp=stamp)
    key = hashlib.sha256(html.encode("utf-8")).hexdigest()
    guess = _sheet_cache.get(key) or _likely_pages(sheets)
    result: Future[bytes] = Future()

    def printed(future: Future[bytes], tried: list[int] | None, final: bool) -> None:
        try:
            pdf = future.result()
            pages = chromium_sheet_pages(pdf, sheets)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's future
            result.set_exception(exc)
            return
        if pages:
            global _last_first_page
            _last_first_page = pages[0]
        if final or pages == tried or len(pages) != sheets:
            result.set_result(pdf)
            return
        _remember(key, pages)
        again = printer.submit(with_sheet_links(html_for(pages), sheets), setup, stamp=stamp)
        again.add_done_callback(lambda f: printed(f, pages, True))

    first = printer.submit(with_sheet_links(html_for(guess), sheets), setup, stamp=stamp)
    first.add_done_callback(lambda f: printed(f, guess, False))
    return result


_SHEET_IDS = re.compile(r'id="flow-sheet-(\d+)"')


def with_sheet_links(html: str, sheets: int) -> str:
    """The document with an invisible, empty link to each chart sheet.

    Chromium writes a named destination (page and position) only for an anchor that something links
    to; these links draw nothing and make no link annotation, but give every `#flow-sheet-N` one.
    """
    links = "".join(f'<a href="#flow-sheet-{k}"></a>' for k in range(1, sheets + 1))
    block = (f'<div class="sheet-links" aria-hidden="true" style="position:absolute;left:0;top:0;'
             f'width:0;height:0;overflow:hidden">{links}</div>')
    at = html.rfind("</body>")
    return html[:at] + block + html[at:] if at >= 0 else html + block


def chromium_sheet_pages(pdf: bytes, sheets: int) -> list[int]:
    """The printed page (1-based) of each `#flow-sheet-N`, read from the PDF's named destinations."""
    import io

    import pdfplumber
    from pdfminer.pdftypes import resolve1

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page_of = {page.page_obj.pageid: number for number, page in enumerate(doc.pages, start=1)}
        dests = resolve1(doc.doc.catalog.get("Dests")) or {}
        found: dict[int, int] = {}
        for name, dest in dests.items():
            match = _SHEET_ANCHOR.match(name if isinstance(name, str) else name.decode("latin-1"))
            target = resolve1(dest)
            if isinstance(target, dict):
                target = resolve1(target.get("D"))
            if match and target:
                ref = getattr(target[0], "objid", None)
                if ref in page_of:
                    found[int(match.group(1))] = page_of[ref]
    return [found[k] for k in sorted(found) if k <= sheets]


# -- SVG text in one run ----------------------------------------------------------------------------
# WeasyPrint (up to 70 at least) lays out and draws every letter of an SVG <text> as its own Pango
# layout so that per-letter x/y/dx/dy/rotate work. Our flowcharts never use those: each <text> is
# one line at one x/y. For such plain text we lay out the whole string once (same font, same
# anchor and baseline handling as WeasyPrint's own function); anything else falls through to it.
# A flowchart page then needs ~150 Pango layouts instead of ~2,500, and the PDF is smaller (one
# text object per label instead of one per letter).

_PER_LETTER = ("dx", "dy", "rotate", "textLength", "letter-spacing", "lengthAdjust")
_installed = False


@lru_cache(maxsize=1)
def _svg_text_supported() -> bool:
    """Only patch a WeasyPrint whose SVG text function has the shape we reproduce."""
    try:
        import inspect

        from weasyprint.svg import TAGS, text
        from weasyprint.svg.text import Style, TextBox  # noqa: F401

        source = inspect.getsource(text)
    except Exception:  # noqa: BLE001 - any change upstream means "leave WeasyPrint alone"
        return False
    return TAGS.get("text") is text and "split_first_line(\n            letter" in source


def _install_svg_text_runs() -> None:
    global _installed
    if _installed or not _svg_text_supported():
        return
    import weasyprint.svg as wsvg

    original = wsvg.TAGS["text"]
    fast = _make_text_runs(original)
    for tag, func in list(wsvg.TAGS.items()):
        if func is original:
            wsvg.TAGS[tag] = fast
    # draw_node recognises text elements by comparing with the module's `text` name.
    wsvg.text = fast
    _installed = True


def _make_text_runs(original: Any) -> Any:
    from math import inf

    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.text import Style, TextBox
    from weasyprint.svg.utils import normalize, size
    from weasyprint.text.line_break import split_first_line

    weights = {"normal": 400, "bold": 700}

    def text_runs(svg: Any, node: Any, font_size: float) -> Any:
        attrib = node.attrib
        xs = normalize(attrib.get("x", "")).split()
        ys = normalize(attrib.get("y", "")).split()
        if (
            node.tag != "text"
            or not node.text
            or len(xs) > 1
            or len(ys) > 1
            or any(name in attrib for name in _PER_LETTER)
            or node.get("letter-spacing")
            or node.get("direction", "ltr") != "ltr"
        ):
            return original(svg, node, font_size)
        style = Style()
        style.update(INITIAL_VALUES)
        style.font_config = svg.font_config
        style["font_family"] = [f.strip("\"'") for f in node.get("font-family", "sans-serif").split(",")]
        style["font_style"] = node.get("font-style", "normal")
        weight = str(node.get("font-weight", 400))
        style["font_weight"] = weights.get(weight, int(weight) if weight.isdigit() else 400)
        style["font_size"] = font_size
        layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)

        x = size(xs[0], font_size, svg.inner_width) if xs else None
        y = size(ys[0], font_size, svg.inner_height) if ys else None
        if x:  # as WeasyPrint: an explicit (non-zero) position ends any pending shift
            svg.cursor_d_position[0] = 0
        if y:
            svg.cursor_d_position[1] = 0
        x = svg.cursor_position[0] if x is None else x
        y = svg.cursor_position[1] if y is None else y
        ascent, descent = font_size * 0.8, font_size * 0.2
        y_align = 0.0
        anchor = node.get("display-anchor")
        align = node.get("dominant-baseline", node.get("alignment-baseline"))
        if anchor == "middle":
            y_align = -height / 2
        elif anchor == "bottom":
            y_align = -height
        elif anchor != "top":
            y_align = baseline_shift(align, ascent, descent)
        svg.cursor_position = x + width, y
        x_pos = x + svg.cursor_d_position[0]
        y_pos = y + svg.cursor_d_position[1] + y_align
        node.text_bounding_box = extend_bounding_box(
            node.text_bounding_box, ((x_pos, y_pos - baseline), (x_pos + width, y_pos - baseline + height))
        )

        svg.stream.push_state()
        fill, stroke = svg.set_graphical_state(node, font_size)
        svg.stream.begin_text()
        layout.reactivate(style)
        svg.fill_stroke(fill, stroke, text=True)
        box = TextBox(layout, style)
        box.baseline = baseline
        emojis = draw_first_line(svg.stream, box, "none", "none", Matrix(a=1, d=-1, e=x_pos, f=y_pos))
        svg.stream.end_text()
        svg.stream.pop_state()
        draw_emojis(svg.stream, style, x, y, emojis)

    return text_runs
