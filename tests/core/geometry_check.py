"""A draughtsman's checks of one flowchart page, from its coordinates alone (reusable by tests).

`problems(page, ...)` lists every defect a person who draws SOPs would send back: a label over a
line, a shape, a lane (or table row) border, the lanes' outer frame or another label; two edges
sharing a stretch of line; a decision exit that shares its vertex with another exit or with an
incoming line, or whose label is not beside its own first segment; lanes out of order.
`crossings(page)` gives the points where two edges cross (each must be drawn with a hop;
`hops_drawn` checks a rendered SVG path for them).
Kept independent of the layout's own bookkeeping so it can catch the layout's mistakes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from prosedur.flow.layout import Node, Page, label_box, page_ref_box, page_ref_spot, page_ref_words

Point = tuple[float, float]
Box = tuple[float, float, float, float]
EPS = 0.05


def _segments(points: Sequence[Point]) -> list[tuple[Point, Point]]:
    return [(a, b) for a, b in zip(points, points[1:], strict=False) if a != b]


def _box_meets_segment(box: Box, a: Point, b: Point, pad: float = 0.0) -> bool:
    x, y, w, h = box[0] - pad, box[1] - pad, box[2] + 2 * pad, box[3] + 2 * pad
    if abs(a[0] - b[0]) < EPS:
        lo, hi = sorted((a[1], b[1]))
        return x < a[0] < x + w and lo < y + h and hi > y
    lo, hi = sorted((a[0], b[0]))
    return y < a[1] < y + h and lo < x + w and hi > x


def _boxes_meet(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _meets_shape(box: Box, node) -> bool:  # noqa: ANN001 - a layout Node
    if not _boxes_meet(box, (node.x, node.y, node.w, node.h)):
        return False
    if node.kind != "decision":
        return True
    px = min(max(node.cx, box[0]), box[0] + box[2])
    py = min(max(node.cy, box[1]), box[1] + box[3])
    return abs(px - node.cx) / (node.w / 2) + abs(py - node.cy) / (node.h / 2) < 1


def shared_segments(page: Page) -> list[tuple[int, int]]:
    """Pairs of edges that run along one line for a positive length (collinear overlap)."""
    out: list[tuple[int, int]] = []
    segs = [(k, a, b) for k, e in enumerate(page.edges) for a, b in _segments(e.points)]
    vert: dict[float, list[tuple[float, float, int]]] = {}
    hor: dict[float, list[tuple[float, float, int]]] = {}
    for k, a, b in segs:
        if abs(a[0] - b[0]) < EPS:
            vert.setdefault(round(a[0], 2), []).append((min(a[1], b[1]), max(a[1], b[1]), k))
        else:
            hor.setdefault(round(a[1], 2), []).append((min(a[0], b[0]), max(a[0], b[0]), k))
    for lines in (vert, hor):
        for items in lines.values():
            for i, (lo1, hi1, k1) in enumerate(items):
                for lo2, hi2, k2 in items[i + 1:]:
                    if k1 != k2 and min(hi1, hi2) - max(lo1, lo2) > EPS:
                        out.append((k1, k2))
    return out


def crossings(page: Page) -> list[tuple[int, int, Point]]:
    """(horizontal edge, vertical edge, point) where two edges cross at interior points of both."""
    out: list[tuple[int, int, Point]] = []
    hs = [(k, a, b) for k, e in enumerate(page.edges) for a, b in _segments(e.points) if abs(a[1] - b[1]) < EPS]
    vs = [(k, a, b) for k, e in enumerate(page.edges) for a, b in _segments(e.points) if abs(a[0] - b[0]) < EPS]
    for kh, a, b in hs:
        y, x1, x2 = a[1], min(a[0], b[0]), max(a[0], b[0])
        for kv, c, d in vs:
            if kv == kh:
                continue
            x, y1, y2 = c[0], min(c[1], d[1]), max(c[1], d[1])
            if x1 + EPS < x < x2 - EPS and y1 + EPS < y < y2 - EPS:
                out.append((kh, kv, (x, y)))
    return out


def problems(
    page: Page,
    label_size: float,
    *,
    row_lines: Iterable[float] = (),
    numbered: bool = True,
    bounds: tuple[float, float] | None = None,
) -> list[str]:
    """Every defect of `page` as a readable line (empty when the page is clean).

    `row_lines` are the y of horizontal table rules (the SOP's row borders) that labels must keep off;
    the lanes' inner borders and their outer frame always count. `numbered`: the document chart
    prints a step number above each shape's top-left corner, which labels must also keep off."""
    out: list[str] = []
    nodes = {n.id: n for n in page.nodes}
    borders_x = [lane.x for lane in page.lanes[1:]]
    # the lanes' outer frame is drawn too: a label across it is across a line (in a side margin it
    # stays out of the frame, in a lane inside it)
    frame_x = [page.lanes[0].x, page.lanes[-1].x + page.lanes[-1].width] if page.lanes else []
    rows_y = list(row_lines)
    if page.header:
        rows_y.append(page.header)
    # lane order: left to right without overlap
    for a, b in zip(page.lanes, page.lanes[1:], strict=False):
        if b.x < a.x + a.width - 0.01:
            out.append(f"lane order: {a.role} / {b.role}")
    if bounds:  # the picture's edge cuts whatever lies beyond it
        for e in page.edges:
            if any(x < bounds[0] - EPS or x > bounds[1] + EPS for x, _y in e.points):
                out.append(f"line {e.source}->{e.target} leaves the drawing")
    labels: list[tuple[int, Box]] = []
    for k, e in enumerate(page.edges):
        if e.label and e.label_at:
            labels.append((k, label_box(e.label_at, e.label_anchor, e.printed_label, label_size)))
    for i, (k, box) in enumerate(labels):
        name = f"label {page.edges[k].label!r} ({page.edges[k].source}->{page.edges[k].target})"
        for j, other in labels[i + 1:]:
            if _boxes_meet(box, other):
                out.append(f"{name} overlaps label {page.edges[j].label!r}")
        for n in page.nodes:
            if _meets_shape(box, n):
                out.append(f"{name} overlaps shape {n.id}")
        for j, e in enumerate(page.edges):
            for a, b in _segments(e.points):
                if _box_meets_segment(box, a, b):
                    out.append(f"{name} overlaps line of edge {j} ({e.source}->{e.target})")
                    break
        for x in borders_x:
            if box[0] < x < box[0] + box[2]:
                out.append(f"{name} crosses lane border x={x:.1f}")
        for x in frame_x:
            if box[0] < x < box[0] + box[2]:
                out.append(f"{name} crosses the lanes' frame x={x:.1f}")
        for y in rows_y:
            if box[1] < y < box[1] + box[3]:
                out.append(f"{name} crosses row border y={y:.1f}")
        if bounds and (box[0] < bounds[0] - EPS or box[0] + box[2] > bounds[1] + EPS):
            out.append(f"{name} leaves the drawing")
        if numbered:
            for n in page.nodes:
                if n.number and n.part <= 1 and _boxes_meet(box, (n.x, n.y - 8.0, 2.0 + 4.5 * len(str(n.number)), 8.0)):
                    out.append(f"{name} overlaps step number {n.number}")
        # beside its own first segment (within 4/7 of a label height of it); a first segment that is
        # only a stub into a channel (shorter than two label heights) counts with the channel's first
        # three label heights
        e = page.edges[k]
        (x1, y1), (x2, y2) = e.points[0], e.points[1]
        legs = [((x1, y1), (x2, y2))]
        if abs(x2 - x1) + abs(y2 - y1) < 2 * label_size and len(e.points) > 2:
            x3, y3 = e.points[2]
            along = 3 * 1.05 * label_size
            legs.append(((x2, y2), (x2 + max(-along, min(along, x3 - x2)), y2 + max(-along, min(along, y3 - y2)))))
        reach = 4 * label_size / 7
        grown = (box[0] - reach, box[1] - reach, box[2] + 2 * reach, box[3] + 2 * reach)
        if not any(_boxes_meet(grown, (min(a[0], b[0]) - EPS, min(a[1], b[1]) - EPS, abs(b[0] - a[0]) + 2 * EPS,
                                       abs(b[1] - a[1]) + 2 * EPS)) for a, b in legs):
            out.append(f"{name} is not beside its first segment")
    for k1, k2 in shared_segments(page):
        e1, e2 = page.edges[k1], page.edges[k2]
        out.append(f"edges {e1.source}->{e1.target} and {e2.source}->{e2.target} share a segment")
    # decision vertices: each exit its own, none an entry
    for n in page.nodes:
        if n.kind != "decision":
            continue
        leaving = [e for e in page.edges if e.source == n.id]
        starts = [e.points[0] for e in leaving]
        for i, p in enumerate(starts):
            for q in starts[i + 1:]:
                if abs(p[0] - q[0]) < 0.5 and abs(p[1] - q[1]) < 0.5:
                    out.append(f"two exits leave decision {n.id} at one point")
            if len(leaving) > 1 and min(abs(p[0] - n.cx) + abs(p[1] - n.cy - n.h / 2),
                                        abs(p[0] - n.x) + abs(p[1] - n.cy),
                                        abs(p[0] - n.x - n.w) + abs(p[1] - n.cy)) > 0.5:
                out.append(f"an exit of decision {n.id} leaves off a vertex at {p}")
        for e in page.edges:
            if e.target != n.id:
                continue
            end = e.points[-1]
            if any(abs(end[0] - p[0]) < 0.5 and abs(end[1] - p[1]) < 0.5 for p in starts):
                out.append(f"edge {e.source}->{n.id} enters decision {n.id} at an exit vertex")
    for n in page.nodes:
        if n.id not in nodes:
            continue
    return out


def page_ref_problems(page: Page, lang: str = "id", page_number: int = 99) -> list[str]:
    """Every off-page connector's page text ("lanjut ke / hlm. 99", as the PDF prints it, placed by
    the layout's rule) lies inside its lane and clear of every line, shape and exit label."""
    out: list[str] = []
    labels = [label_box(e.label_at, e.label_anchor, e.printed_label, 7.0) for e in page.edges if e.label and e.label_at]
    for node in page.nodes:
        if node.kind != "offpage":
            continue
        ref = next(o for o in page.offpage if o.node == node.id)
        lane = page.lanes[node.lane]
        spot = page_ref_spot(node, lane.x, lane.width, ref.direction, lang)
        box = page_ref_box(node, spot, spot.lines(page_ref_words(ref.direction, lang)[1].format(n=page_number)))
        name = f"page text of {node.id} ({' '.join(spot.lines(''))})"
        if box[0] < lane.x - EPS or box[0] + box[2] > lane.x + lane.width + EPS:
            out.append(f"{name} leaves its lane [{lane.x:.1f}, {lane.x + lane.width:.1f}]: {box[0]:.1f}..{box[0] + box[2]:.1f}")
        if box[1] < page.header - EPS or box[1] + box[3] > page.height + EPS:
            out.append(f"{name} leaves the page")
        for e in page.edges:
            if any(_box_meets_segment(box, a, b) for a, b in _segments(e.points)):
                out.append(f"{name} overlaps line {e.source}->{e.target}")
        for n in page.nodes:
            if _boxes_meet(box, (n.x, n.y, n.w, n.h)) and (n is not node or _boxes_meet(box, _inner(n))):
                out.append(f"{name} overlaps shape {n.id}")
        out += [f"{name} overlaps an exit label" for other in labels if _boxes_meet(box, other)]
    return out


def _inner(node: Node) -> Box:
    return (node.x + EPS, node.y + EPS, node.w - 2 * EPS, node.h - 2 * EPS)


def diamond_text_problems(page: Page, size: float, line_height: float) -> list[str]:
    """Every line of a decision's text (its glyph box: ascent 0.8, descent 0.25 of the size, width as
    measured) lies inside the diamond outline, the lines centred as svg.py prints them."""
    from prosedur.flow.layout import text_width
    from prosedur.text import plain

    out: list[str] = []
    lh = size * line_height
    for n in page.nodes:
        if n.kind != "decision" or not n.lines:
            continue
        top = n.cy - len(n.lines) * lh / 2 + size * 0.8
        for k, line in enumerate(n.lines):
            base = top + k * lh
            half = text_width(plain(line), size) / 2
            far = max(abs(base - 0.8 * size - n.cy), abs(base + 0.25 * size - n.cy))
            if half / (n.w / 2) + far / (n.h / 2) > 1 + 1e-9:
                out.append(f"text line {line!r} of decision {n.id} pokes out of the diamond")
    return out


_PATH = re.compile(r'<path class="edge[^"]*" d="([^"]+)"')


def hop_arcs(svg: str) -> int:
    """How many hop arcs (`A` commands) the edges of a rendered SVG carry."""
    return sum(d.count("A") for d in _PATH.findall(svg))
