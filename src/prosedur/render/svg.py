"""The swimlane flowchart as SVG: one document per page, or the whole flow at once for the web page.

Drawing only: every coordinate comes from `prosedur.flow.layout`. Output is deterministic (same
source, same bytes), styled by classes from `flowchart.css` (inlined so that a lone file, an HTML
page and a PDF look alike), accessible (a title and description for the chart and for every
shape) and every piece of user text is XML-escaped, control characters dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files

from ..flow.layout import (
    LABEL_PITCH,
    LABEL_SIZE,
    LINE_HEIGHT,
    PAGE_REF_LINE,
    PAGE_REF_SIZE,
    Layout,
    Node,
    Page,
    PageRefSpot,
    crossing_points,
    hop_path,
    layout,
    page_ref_at,
    page_ref_spot,
    page_ref_words,
)
from ..model import Library, Part, Procedure, Step, StepKind
from ..paper import PAPERS, Paper, document_page
from ..text import plain, spans, substitute
from ..translation import english

__all__ = ["render_flowchart", "render_flowchart_single", "role_titles"]

A4_TEXT_WIDTH_MM = 180.0
FLOW_HEAD_MM = 14.0  # the chart's heading line (html.FLOW_TITLE_ROOM_MM) and room for the page cut's estimate
A4_TEXT_HEIGHT_MM = document_page(PAPERS["A4"]).body_height - FLOW_HEAD_MM
PT_TO_MM = 25.4 / 72
HOP_RADIUS = 3.0  # pt: the semicircle where one line jumps over another

_TEXT: dict[str, tuple[str, str]] = {
    "chart": ("Diagram alir", "Flowchart"),
    "page": ("halaman {n} dari {m}", "page {n} of {m}"),
    "desc": (
        "Diagram alir lajur: {steps} langkah, pelaksana dari kiri ke kanan: {lanes}.",
        "Swimlane flowchart: {steps} steps, actors from left to right: {lanes}.",
    ),
    "desc_plain": ("Diagram alir: {steps} langkah.", "Flowchart: {steps} steps."),
    "step": ("Langkah {n}", "Step {n}"),
    "part": ("Langkah {n} ({k} dari {m})", "Step {n} ({k} of {m})"),
    "actor": ("Pelaksana: {name}.", "Actor: {name}."),
    "next": ("Berikutnya: {targets}.", "Next: {targets}."),
    "none": ("Tidak ada langkah berikutnya.", "No next step."),
    "to_page": ("ke halaman {n}", "to page {n}"),
    "from_page": ("dari halaman {n}", "from page {n}"),
    "connector_out": (
        "Penghubung antarhalaman {label}: bersambung ke halaman {n}.",
        "Off-page connector {label}: continues on page {n}.",
    ),
    "connector_in": (
        "Penghubung antarhalaman {label}: sambungan dari halaman {n}.",
        "Off-page connector {label}: continued from page {n}.",
    ),
    "kind_start": ("mulai", "start"),
    "kind_end": ("selesai", "end"),
    "kind_process": ("proses", "process"),
    "kind_decision": ("keputusan", "decision"),
    "kind_io": ("masukan/keluaran", "input/output"),
    "kind_connector": ("penghubung", "connector"),
}

_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def _t(key: str, lang: str, **params: object) -> str:
    text = _TEXT[key][1 if lang == "en" else 0]
    return text.format(**params) if params else text


def esc(text: object) -> str:
    """Escape for XML text and double-quoted attributes; drop characters XML 1.0 forbids."""
    s = _BAD_XML.sub("", str(text))
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def rich(text: object) -> str:
    """XML text content with inline emphasis: each span escaped, styled spans as `<tspan>` (bold,
    italic). Text without markers is just `esc(text)`, so a plain label stays one run."""
    parts = spans(str(text))
    if all(not (p.bold or p.italic) for p in parts):
        return esc(plain(str(text)))
    out = []
    for p in parts:
        attrs = (' font-weight="bold"' if p.bold else "") + (' font-style="italic"' if p.italic else "")
        out.append(f"<tspan{attrs}>{esc(p.text)}</tspan>" if attrs else esc(p.text))
    return "".join(out)


@lru_cache(maxsize=65536)  # a chart writes the same few hundred coordinates over and over (~2% of a build)
def _num(value: float) -> str:
    """Coordinates with at most two decimals and no trailing zeros: short and deterministic."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@lru_cache(maxsize=1)
def _css() -> str:
    return files("prosedur.render").joinpath("flowchart.css").read_text(encoding="utf-8").strip()


def role_titles(proc: Procedure, library: Library | None, lang: str = "id") -> dict[str, str]:
    """Display names of the acting roles: the library's names, else the procedure's, else the id."""
    out: dict[str, str] = {}
    local = {r.id: r.name for r in proc.roles if r.name}
    for role in proc.actors():
        if library is not None:
            out[role] = library.role_name(role, proc, lang)
        else:
            out[role] = local.get(role, role)
    return out


_BEFORE_EDGE = ("text-before-edge", "before_edge", "top", "hanging", "text-top")
_AFTER_EDGE = ("text-after-edge", "after_edge", "bottom", "text-bottom")


def baseline_shift(baseline: str | None, ascent: float, descent: float) -> float:
    """How far SVG text moves down for its dominant/alignment-baseline, as WeasyPrint and cairosvg
    both work it out (used by the one-run text drawing that pdf.py and raster.py add to them)."""
    if baseline in ("central", "middle"):
        return (ascent + descent) / 2 - descent
    if baseline in _BEFORE_EDGE:
        return ascent
    if baseline in _AFTER_EDGE:
        return -descent
    return 0.0


def page_ref_spot_of(page: Page, node: Node, lang: str) -> PageRefSpot:
    """Where an off-page connector of `page` prints its page text: the layout's rule
    (`flow.layout.page_ref_spot`, whose side the router keeps lines off), for every drawing of the chart."""
    lane = page.lanes[node.lane] if node.lane < len(page.lanes) else None
    ref = next(o for o in page.offpage if o.node == node.id)
    lane_x, lane_w = (lane.x, lane.width) if lane else (0.0, page.width)
    return page_ref_spot(node, lane_x, lane_w, ref.direction, lang)


def render_flowchart(
    proc: Procedure,
    library: Library | None = None,
    *,
    lang: str = "id",
    swimlanes: bool = True,
    rows_per_page: int = 13,
    printed_pages: Sequence[int] | None = None,
    sheet: Paper | None = None,
) -> list[str]:
    """One complete SVG document per page, sized to the A4 text width (at most 180 mm).

    `printed_pages[k]` is the printed page on which chart page k + 1 lands (known to the PDF after
    layout): off-page connectors then say "lanjut ke hlm. 5" / "dari hlm. 4". Without it they name
    the chart page ("hlm. 2")."""
    titles = role_titles(proc, library, lang)
    result = layout(
        proc, rows_per_page=rows_per_page, swimlanes=swimlanes, lane_titles=titles,
        max_height=_max_height(proc, swimlanes, sheet), lang=lang,
    )
    return [_page_svg(proc, result, page, titles, lang, printed_pages) for page in result.pages]


SMALL_SIZE = PAGE_REF_SIZE  # step numbers and "lanjut ke hlm. 5", pt: printed as is (charts are not scaled)


def _max_height(proc: Procedure, swimlanes: bool, sheet: Paper | None = None) -> float:
    """A page must also fit the body height of `sheet` (A4 by default) under the chart's heading,
    with room for what the page cut does not foresee (channels below the last row); the layout
    keeps it within the text width, so the chart prints at scale 1."""
    if sheet is None:
        return A4_TEXT_HEIGHT_MM / PT_TO_MM
    return (document_page(sheet).body_height - FLOW_HEAD_MM) / PT_TO_MM


def render_flowchart_single(
    proc: Procedure,
    library: Library | None = None,
    *,
    lang: str = "id",
    swimlanes: bool = True,
) -> str:
    """The whole flow as one SVG without page breaks, for the web page."""
    titles = role_titles(proc, library, lang)
    result = layout(proc, rows_per_page=max(1, len(proc.steps)), swimlanes=swimlanes, lane_titles=titles,
                    lang=lang)
    return _page_svg(proc, result, result.pages[0], titles, lang)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "flow"


def _page_svg(proc: Procedure, result: Layout, page: Page, titles: dict[str, str], lang: str,
              printed_pages: Sequence[int] | None = None) -> str:
    total = len(result.pages)
    prefix = f"fc-{_slug(proc.number)}-{page.number}"
    title = f"{proc.number} {plain(proc.title if lang != 'en' or not proc.title_en else proc.title_en)}"
    title += f" \u2014 {_t('chart', lang)}"
    if total > 1:
        title += f" ({_t('page', lang, n=page.number, m=total)})"
    if result.swimlanes:
        desc = _t("desc", lang, steps=len(proc.steps), lanes=", ".join(titles.get(r, r) for r in result.lanes))
    else:
        desc = _t("desc_plain", lang, steps=len(proc.steps))
    width_mm = min(A4_TEXT_WIDTH_MM, page.width * PT_TO_MM)
    height_mm = width_mm * page.height / page.width
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flowchart" version="1.1" '
        f'width="{_num(width_mm)}mm" height="{_num(height_mm)}mm" '
        f'viewBox="0 0 {_num(page.width)} {_num(page.height)}" font-size="{_num(result.font_size)}" '
        f'role="img" lang="{esc(lang)}" '
        f'aria-labelledby="{prefix}-title {prefix}-desc">',
        f'<title id="{prefix}-title">{esc(title)}</title>',
        f'<desc id="{prefix}-desc">{esc(desc)}</desc>',
        f"<style>{_css()}</style>",
        f'<defs><marker id="{prefix}-arrow" viewBox="0 0 8 6" refX="8" refY="3" markerWidth="8" '
        f'markerHeight="6" markerUnits="userSpaceOnUse" orient="auto">'
        f'<path class="arrowhead" d="M0,0 L8,3 L0,6 z"/></marker></defs>',
    ]
    if result.swimlanes:
        out.append(_lanes(page, result.font_size))
    by_id = {node.id: node for node in page.nodes}
    steps = {s.id: s for s in proc.steps}

    def name_of(node: Node) -> str:
        step = steps.get(node.step)
        return _node_name(node, lang, len(step.parts) if step is not None else 0)

    out.append('<g class="edges">')
    hops = crossing_points(page)
    for k, edge in enumerate(page.edges):
        d = hop_path(edge.points, hops.get(k, []), HOP_RADIUS, _num)
        cls = "edge back" if edge.back else "edge"
        name = name_of(by_id[edge.target])
        out.append(
            f'<path class="{cls}" d="{d}" marker-end="url(#{prefix}-arrow)">'
            f"<title>{esc(name_of(by_id[edge.source]))} \u2192 {esc(name)}"
            f"{' (' + esc(plain(edge.label)) + ')' if edge.label else ''}</title></path>"
        )
        if edge.label and edge.label_at:
            x, y = edge.label_at
            anchor = ' text-anchor="end"' if edge.label_anchor == "end" else ""
            for k, line in enumerate(edge.label_lines or (edge.label,)):
                out.append(f'<text class="exit" x="{_num(x)}" y="{_num(y + k * LABEL_PITCH * LABEL_SIZE)}" '
                           f'font-size="{_num(LABEL_SIZE)}"{anchor}>{rich(line)}</text>')
    out.append("</g>")
    out.append('<g class="nodes">')
    next_of: dict[str, list[str]] = {}
    for edge in page.edges:
        next_of.setdefault(edge.source, []).append(name_of(by_id[edge.target]))
    for node in page.nodes:
        out.append(_node(node, prefix, steps, titles, next_of.get(node.id, []), page, proc, lang, printed_pages,
                         name_of(node), result.font_size))
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _node_name(node: Node, lang: str, parts: int = 0) -> str:
    if node.kind == "offpage":
        return node.label
    if node.part and parts > 1:
        return _t("part", lang, n=node.number, k=node.part, m=parts)
    return _t("step", lang, n=node.number)


def _lanes(page: Page, size: float) -> str:
    parts = ['<g class="lanes">']
    lh = size * LINE_HEIGHT
    for i, lane in enumerate(page.lanes):
        if i % 2:
            parts.append(
                f'<rect class="lane-alt" x="{_num(lane.x)}" y="{_num(page.header)}" '
                f'width="{_num(lane.width)}" height="{_num(page.height - page.header)}"/>'
            )
        parts.append(
            f'<rect class="lane" x="{_num(lane.x)}" y="0" width="{_num(lane.width)}" height="{_num(page.height)}"/>'
        )
        parts.append(
            f'<rect class="lane-head" x="{_num(lane.x)}" y="0" width="{_num(lane.width)}" height="{_num(page.header)}"/>'
        )
        top = (page.header - len(lane.title) * lh) / 2 + size * 0.95
        cx = lane.x + lane.width / 2
        for k, line in enumerate(lane.title):
            parts.append(f'<text class="lane-title" x="{_num(cx)}" y="{_num(top + k * lh)}">{esc(line)}</text>')
    parts.append("</g>")
    return "\n".join(parts)


def _outline(node: Node) -> str:
    x, y, w, h = node.x, node.y, node.w, node.h
    if node.kind in (StepKind.START, StepKind.END):
        r = min(h / 2, w / 2)
        return (
            f'<rect class="shape" x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}" '
            f'rx="{_num(r)}" ry="{_num(r)}"/>'
        )
    if node.kind == StepKind.DECISION:
        pts = [(x + w / 2, y), (x + w, y + h / 2), (x + w / 2, y + h), (x, y + h / 2)]
    elif node.kind == StepKind.IO:
        skew = 7.0
        pts = [(x + skew, y), (x + w, y), (x + w - skew, y + h), (x, y + h)]
    elif node.kind == "offpage":
        pts = [(x, y), (x + w, y), (x + w, y + h * 0.6), (x + w / 2, y + h), (x, y + h * 0.6)]
    else:
        return f'<rect class="shape" x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}"/>'
    return '<polygon class="shape" points="' + " ".join(f"{_num(a)},{_num(b)}" for a, b in pts) + '"/>'


def _node(
    node: Node,
    prefix: str,
    steps: dict[str, Step],
    titles: dict[str, str],
    targets: list[str],
    page: Page,
    proc: Procedure,
    lang: str,
    printed_pages: Sequence[int] | None = None,
    name: str = "",
    size: float = 8.0,
) -> str:
    lh = size * LINE_HEIGHT
    small = f' font-size="{_num(SMALL_SIZE)}"'
    parts: list[str] = []
    if node.kind == "offpage":
        ref = next(o for o in page.offpage if o.node == node.id)
        key = "connector_out" if ref.direction == "out" else "connector_in"
        other = ref.other_page
        if printed_pages is not None and 0 < other <= len(printed_pages):
            other = printed_pages[other - 1]
        parts.append(f'<g class="node offpage" id="{esc(_node_dom_id(prefix, node))}">')
        parts.append(f"<title>{esc(_t(key, lang, label=node.label, n=other))}</title>")
        parts.append(_outline(node))
        parts.append(
            f'<text class="label" x="{_num(node.cx)}" y="{_num(node.y + node.h * 0.42 + size * 0.35)}">'
            f"{esc(node.label)}</text>"
        )
        # beside it (two or three short lines), or under / over it in a narrow lane: the layout's rule
        short = page_ref_words(ref.direction, lang)[1].format(n=other)
        spot = page_ref_spot_of(page, node, lang)
        lines = spot.lines(short) if printed_pages is not None else (short,)  # no printed page: the sheet's
        x, first, anchor = page_ref_at(node, spot, len(lines))
        css = "page-ref to" if printed_pages is not None else "page-ref"
        for k, line in enumerate(lines):
            parts.append(f'<text class="{css}" x="{_num(x)}" y="{_num(first + k * PAGE_REF_LINE)}"{small} '
                         f'text-anchor="{anchor}">{esc(line)}</text>')
        parts.append("</g>")
        return "\n".join(parts)
    step = steps.get(node.step or node.id)
    # the symbol's part, or the step itself when it is its row's one symbol (`Step.symbols`, not made again)
    part: Step | Part | None = step if step is not None and not step.parts else None
    if step is not None and step.parts:
        part = step.parts[max(0, node.part - 1)]
    actor = ", ".join(titles.get(a, a) for a in part.actors) if part is not None else ""
    text = plain(substitute(english(part.do, part.do_en, lang), proc)) if part is not None else ""
    desc = _t("actor", lang, name=actor) if actor else ""
    desc += (" " if desc else "") + (
        _t("next", lang, targets=", ".join(targets)) if targets else _t("none", lang)
    )
    parts.append(f'<g class="node {esc(node.kind)}" id="{esc(_node_dom_id(prefix, node))}">')
    kind_name = _t(f"kind_{node.kind}", lang)
    parts.append(f"<title>{esc(name or _t('step', lang, n=node.number))} ({esc(kind_name)}): {esc(text)}</title>")
    parts.append(f"<desc>{esc(desc)}</desc>")
    parts.append(_outline(node))
    top = node.cy - len(node.lines) * lh / 2 + size * 0.8
    for k, line in enumerate(node.lines):
        parts.append(f'<text class="label" x="{_num(node.cx)}" y="{_num(top + k * lh)}">{rich(line)}</text>')
    if node.part <= 1:  # the row's number once, above its first symbol
        parts.append(f'<text class="num" x="{_num(node.x + 1)}" y="{_num(node.y - 2)}"{small}>{node.number}</text>')
    parts.append("</g>")
    return "\n".join(parts)


def _node_dom_id(prefix: str, node: Node) -> str:
    """Unique within an HTML page that shows several charts: chart prefix plus step id; the k-th part of
    a row of parts (k >= 2) adds ":k" (a colon no step id holds, and valid in XML and HTML ids)."""
    name = node.step if node.part > 1 else node.id
    dom = f"{prefix}-{re.sub(r'[^A-Za-z0-9_.-]', '-', name)}"
    return f"{dom}:{node.part}" if node.part > 1 else dom
