"""Page geometry of a signed SOP PDF: text lines, table rules and flowchart shapes, read with pdfplumber.

Why our own text assembly instead of pdfplumber's words: real SOPs print text with a tiny skew in the
font matrix (pdfplumber then takes every character for vertical text and splits words letter by letter)
and overprint the same text twice. Characters are grouped here by their baseline only, duplicates dropped.
Rules come from every drawn element (lines, thin rectangles, rectangle edges, straight pieces of paths),
because agencies' tables are drawn piecemeal: one rectangle per cell, or one path per border.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Box", "Chars", "Segment", "Shape", "classify", "coverage", "merge_rules", "page_segments", "page_shapes"]


@dataclass(frozen=True, slots=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    def overlap_x(self, x0: float, x1: float) -> float:
        return max(0.0, min(self.x1, x1) - max(self.x0, x0))

    def iou(self, other: Box) -> float:
        ix = max(0.0, min(self.x1, other.x1) - max(self.x0, other.x0))
        iy = max(0.0, min(self.bottom, other.bottom) - max(self.top, other.top))
        inter = ix * iy
        union = self.w * self.h + other.w * other.h - inter
        return inter / union if union > 0 else 0.0

    def near(self, x: float, y: float, pad: float) -> bool:
        return self.x0 - pad <= x <= self.x1 + pad and self.top - pad <= y <= self.bottom + pad


@dataclass(frozen=True, slots=True)
class Segment:
    """A straight piece of a drawing (axis-aligned or not), in page coordinates (top-down)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return abs(self.y1 - self.y0) < 1.0 and abs(self.x1 - self.x0) >= 1.0

    @property
    def vertical(self) -> bool:
        return abs(self.x1 - self.x0) < 1.0 and abs(self.y1 - self.y0) >= 1.0

    @property
    def length(self) -> float:
        return math.hypot(self.x1 - self.x0, self.y1 - self.y0)


@dataclass(slots=True)
class Shape:
    """A closed or open drawing big enough to be a flowchart symbol; `kind` is decided by `classify`."""

    box: Box
    points: list[tuple[float, float]]
    source: str  # "rect" or "curve"
    kind: str = ""
    segments: list[Segment] = field(default_factory=list)


class Chars:
    """The visible characters of a page, deduplicated (overprinted text is printed twice)."""

    def __init__(self, chars: list[dict[str, Any]]):
        seen: set[tuple[str, int, int]] = set()
        keep = []
        for c in chars:
            key = (c["text"], round(c["x0"]), round(c["top"]))
            if key in seen:
                continue
            seen.add(key)
            keep.append(c)
        self.chars = keep

    def within(self, x0: float, top: float, x1: float, bottom: float) -> list[dict[str, Any]]:
        return [c for c in self.chars
                if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]

    @staticmethod
    def lines(chars: list[dict[str, Any]]) -> list[tuple[Box, str]]:
        """Text lines (box, text) in reading order: characters grouped by baseline, spaces from gaps."""
        rows: list[list[dict[str, Any]]] = []
        for c in sorted(chars, key=lambda c: (c["bottom"], c["x0"])):
            size = max(c["size"], 4.0)
            for row in rows:
                ref = row[0]
                if abs(ref["bottom"] - c["bottom"]) <= 0.35 * size:
                    row.append(c)
                    break
            else:
                rows.append([c])
        out: list[tuple[Box, str]] = []
        for row in sorted(rows, key=lambda r: sum(c["bottom"] for c in r) / len(r)):
            row.sort(key=lambda c: c["x0"])
            text = ""
            prev: dict[str, Any] | None = None
            for c in row:
                if prev is not None and c["text"] != " " and not text.endswith(" "):
                    gap = c["x0"] - prev["x1"]
                    if gap > 0.22 * max(c["size"], 4.0):
                        text += " "
                text += c["text"]
                prev = c
            text = " ".join(text.split())
            if text:
                box = Box(min(c["x0"] for c in row), min(c["top"] for c in row),
                          max(c["x1"] for c in row), max(c["bottom"] for c in row))
                out.append((box, text))
        return out

    def text_lines(self, x0: float, top: float, x1: float, bottom: float) -> list[tuple[Box, str]]:
        return self.lines(self.within(x0, top, x1, bottom))


def _curve_points(obj: dict[str, Any]) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in obj.get("pts") or []]


def _straightened(pts: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A path's points with those inside a straight run dropped: pieces of one path that go on in the
    same direction along one horizontal or vertical are one stroke. A line drawn with a hop where it
    crosses another (line, small arc, line) is then one segment that the other crosses, not two
    pieces ending beside it, which would read as a junction of the two paths."""
    out: list[tuple[float, float]] = []
    for p in pts:
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            horizontal = abs(ay - by) < 0.3 and abs(by - p[1]) < 0.3 and (bx - ax) * (p[0] - bx) > 0
            vertical = abs(ax - bx) < 0.3 and abs(bx - p[0]) < 0.3 and (by - ay) * (p[1] - by) > 0
            if horizontal or vertical:
                out[-1] = p
                continue
        out.append(p)
    return out


def _white(color: Any) -> bool:
    values = color if isinstance(color, (tuple, list)) else (color,)
    if not values or not all(isinstance(v, (int, float)) for v in values):
        return False
    if len(values) == 4:  # CMYK: white is no ink
        return all(v <= 0.05 for v in values)
    return all(v >= 0.95 for v in values)


def invisible(obj: dict[str, Any]) -> bool:
    """A shape that leaves no line on paper: filled white and not stroked (the white ground under a
    label, a mask). Its edges are no connector; a filled dark rectangle (a rule drawn as a thin box, a
    filled symbol) is kept."""
    return not obj.get("stroke") and (not obj.get("fill") or _white(obj.get("non_stroking_color")))


def page_segments(page: Any) -> list[Segment]:
    """Every straight piece of the page's drawing: lines, rectangle edges, straight parts of paths;
    shapes that draw nothing visible (`invisible`) left out."""
    segs: list[Segment] = []
    for ln in page.lines:
        pts = _straightened(_curve_points(ln)) or [(ln["x0"], ln["top"]), (ln["x1"], ln["bottom"])]
        segs.extend(Segment(a[0], a[1], b[0], b[1]) for a, b in zip(pts, pts[1:], strict=False))
    for r in page.rects:
        if invisible(r):
            continue
        x0, t, x1, b = r["x0"], r["top"], r["x1"], r["bottom"]
        if r["height"] < 2.5:
            segs.append(Segment(x0, (t + b) / 2, x1, (t + b) / 2))
        elif r["width"] < 2.5:
            segs.append(Segment((x0 + x1) / 2, t, (x0 + x1) / 2, b))
        else:
            segs += [Segment(x0, t, x1, t), Segment(x0, b, x1, b), Segment(x0, t, x0, b), Segment(x1, t, x1, b)]
    for c in page.curves:
        if invisible(c):
            continue
        pts = _straightened(_curve_points(c))
        segs.extend(Segment(a[0], a[1], b[0], b[1]) for a, b in zip(pts, pts[1:], strict=False)
                    if math.hypot(b[0] - a[0], b[1] - a[1]) > 0.5)
    return segs


def merge_rules(segs: list[Segment], horizontal: bool, tol: float = 1.2) -> list[tuple[float, list[tuple[float, float]]]]:
    """Collinear axis-aligned segments merged: [(position, [(start, end), …])] with intervals joined."""
    pieces = []
    for s in segs:
        if horizontal and s.horizontal:
            pieces.append(((s.y0 + s.y1) / 2, min(s.x0, s.x1), max(s.x0, s.x1)))
        elif not horizontal and s.vertical:
            pieces.append(((s.x0 + s.x1) / 2, min(s.y0, s.y1), max(s.y0, s.y1)))
    pieces.sort()
    groups: list[list[tuple[float, float, float]]] = []
    for p in pieces:
        if groups and p[0] - groups[-1][-1][0] <= tol:
            groups[-1].append(p)
        else:
            groups.append([p])
    out = []
    for g in groups:
        pos = sum(p[0] for p in g) / len(g)
        spans: list[tuple[float, float]] = []
        for _, a, b in sorted(g, key=lambda p: p[1]):
            if spans and a <= spans[-1][1] + 2.0:
                spans[-1] = (spans[-1][0], max(spans[-1][1], b))
            else:
                spans.append((a, b))
        out.append((pos, spans))
    return out


def coverage(spans: list[tuple[float, float]], a: float, b: float) -> float:
    """Fraction of [a, b] covered by the spans."""
    if b <= a:
        return 0.0
    total = sum(max(0.0, min(e, b) - max(s, a)) for s, e in spans)
    return total / (b - a)


def page_shapes(page: Any, min_size: float = 9.0) -> list[Shape]:
    """Drawings the size of a flowchart symbol (both sides at least `min_size` points); the white ground
    under a label (`invisible`) is none."""
    shapes: list[Shape] = []
    for r in page.rects:
        if r["width"] >= min_size and r["height"] >= min_size and not invisible(r):
            box = Box(r["x0"], r["top"], r["x1"], r["bottom"])
            pts = [(box.x0, box.top), (box.x1, box.top), (box.x1, box.bottom), (box.x0, box.bottom)]
            shapes.append(Shape(box, pts, "rect"))
    for c in page.curves:
        if c["width"] >= min_size and c["height"] >= min_size and not invisible(c):
            pts = _curve_points(c)
            box = Box(c["x0"], c["top"], c["x1"], c["bottom"])
            segs = [Segment(a[0], a[1], b[0], b[1]) for a, b in zip(pts, pts[1:], strict=False)]
            shapes.append(Shape(box, pts, "curve", segments=segs))
    return shapes


def classify(shape: Shape) -> str:
    """Symbol kind from the drawing: process (rectangle), terminator (rounded or oval), decision (a
    rotated square), io (document with a wavy edge, or parallelogram), connector (pentagon or small
    circle), or "" for a drawing that is not a closed symbol (an arrow's path)."""
    b = shape.box
    if shape.source == "rect":
        return "process"
    pts = shape.points
    if len(pts) < 3 or b.h > 4 * b.w:
        return ""  # no symbol stands four times as tall as wide: an arrow's elbowed path down the table
    tol = max(1.5, 0.12 * min(b.w, b.h))

    def on(x: float, y: float) -> bool:
        return any(abs(px - x) <= tol and abs(py - y) <= tol for px, py in pts)

    ctol = max(1.0, 0.04 * min(b.w, b.h))

    def at(x: float, y: float) -> bool:
        return any(abs(px - x) <= ctol and abs(py - y) <= ctol for px, py in pts)

    corners = [at(b.x0, b.top), at(b.x1, b.top), at(b.x1, b.bottom), at(b.x0, b.bottom)]
    mids = [on(b.cx, b.top), on(b.x1, b.cy), on(b.cx, b.bottom), on(b.x0, b.cy)]
    # edges covered: points along each side of the box
    def side(cond: Any, along: Any, length: float) -> bool:
        vals = [along(p) for p in pts if cond(p)]
        return bool(vals) and (max(vals) - min(vals)) >= 0.6 * length

    top = side(lambda p: abs(p[1] - b.top) <= tol, lambda p: p[0], b.w)
    bottom = side(lambda p: abs(p[1] - b.bottom) <= tol, lambda p: p[0], b.w)
    left = side(lambda p: abs(p[0] - b.x0) <= tol, lambda p: p[1], b.h)
    right = side(lambda p: abs(p[0] - b.x1) <= tol, lambda p: p[1], b.h)
    closed = math.hypot(pts[0][0] - pts[-1][0], pts[0][1] - pts[-1][1]) <= 2 * tol
    area = abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True))) / 2
    if closed and area < 0.2 * b.w * b.h:
        return ""  # a line drawn as its outline (out and back, a hairline band): it encloses nothing
    n = len({(round(x), round(y)) for x, y in pts})
    if all(corners) and top and bottom and left and right:
        return "process"
    def flat(y: float) -> float:  # the length of the straight run of points on the line y
        xs = [px for px, py in pts if abs(py - y) <= 0.6]
        return max(xs) - min(xs) if xs else 0.0

    if (not any(corners) and mids[1] and mids[3] and closed and min(flat(b.top), flat(b.bottom)) > max(1.5, 0.08 * b.w)
            and 6 <= n <= 12):
        # a capsule in a narrow lane: a short straight top and bottom between two arcs; a diamond has a vertex
        return "terminator"
    if not any(corners) and all(mids) and n <= 12:
        return "decision"
    flat_top = side(lambda p: abs(p[1] - b.top) <= tol, lambda p: p[0], 0.75 * b.w)
    flat_bottom = side(lambda p: abs(p[1] - b.bottom) <= tol, lambda p: p[0], 0.75 * b.w)
    if (not any(corners) and flat_top and flat_bottom and mids[1] and mids[3] and not left and not right and closed
            and 6 <= n <= 12):
        return "terminator"  # a rounded rectangle whose arcs were flattened: straight top and bottom, pointed ends
    # off-page connector: a pentagon pointing down; its straight sides run over part of its height (ours
    # 60 %, on `side`'s own threshold for a full side, which fell either way by rounding): 42 % will do
    sides = [side(lambda p, x=x: abs(p[0] - x) <= tol, lambda p: p[1], 0.7 * b.h) for x in (b.x0, b.x1)]
    if corners[0] and corners[1] and not corners[2] and not corners[3] and mids[2] and n <= 8 and all(sides):
        return "connector"
    if corners[1] and corners[3] and not corners[0] and not corners[2] and n <= 8 and closed:
        return "io"  # parallelogram (an arrow's open elbow from one corner to the other is none)
    if corners[0] and corners[1] and top and left and right and not (corners[2] and corners[3]) and n > 8:
        return "io"  # document: straight top, wavy bottom
    if not closed and not (top and bottom and left and right):
        return ""
    if not any(corners) and n > 8:
        if b.w <= 28 and b.h <= 28 and abs(b.w - b.h) < 4 and min(flat(b.top), flat(b.bottom)) <= max(1.5, 0.08 * b.w):
            return "connector"  # a small circle (a capsule as small has a straight top and bottom)
        return "terminator"
    if top and bottom and left and right:
        return "process"
    return ""
