"""Swimlane layout of a procedure's flow: lanes, rows, shapes and orthogonal connectors (geometry only).

Why a hand-written grid instead of a graph-drawing tool: on a 25-step document-control flow we
measured the alternatives. Graphviz `dot` with one cluster per role is fast (0.03 s) but from 25
steps on it does not keep the lane order, makes lanes of unequal height, cannot split across pages,
and shrunk to A4 its text is 3.7 pt. PlantUML (Debian's 2020 build) takes 1.3 s per chart, draws
decisions as hexagons and start/end as dots, and forces structured if/loop blocks that the data
does not have. A swimlane chart of an SOP is a grid anyway, so we lay out a grid:

* Lanes are columns in `lane_order` (the roles list, then unlisted actors), the same order as the
  Pelaksana columns of the SOP table; a caller may pass its own order. They share the A4 text
  width equally unless a lane holds more than its share does: a lane with long text, or a long
  question at the chart's edge (a diamond there reaches inward only), is made wider and the lanes
  that hold little narrower (`lane_widths`), once per chart, so lanes line up from sheet to sheet.
  A caller's grid (the SOP table) keeps lanes of one width.
* Rows are the steps in source order, one step per row, as PermenPAN-RB SOP tables do. The step
  numbers (1..N) then read top to bottom in the chart, the narrative and the SOP table alike; an
  edge to an earlier row is a loop-back. A row of several actors (`parts`) puts one symbol per part
  in its actor's lane on the row's band, linked part to part straight across; the row is entered by
  its first symbol and left by its last. A joint task (`actor: [a, b]`) is one symbol spanning the
  adjacent lanes of its actors; lines meet it down the middle of one of its lanes.
* A horizontal line at a row's height can only meet that row's own symbols (checked); vertical lines
  in a lane's centre are checked against the shapes of that lane (a joint task counts in each lane).
  Each edge takes the first route that touches no shape and no other edge: straight down; across
  then down; down then across; otherwise around the side in a channel of its own beside the lanes
  (loop-backs always go there; shorter loops get the inner tracks so nested loops do not cross). A
  symbol with another symbol of its row between it and its channel leaves below (enters above)
  through the gap between the rows.
* A decision's exits each leave from a vertex of their own (bottom, then the side towards the
  target; a channel from the far side when both are taken) and lines enter a decision at its top
  vertex only. No two lines share a stretch: lines into one shape take their own ports and meet only
  at the shape. Where two lines still cross, `crossing_points` tells the renderers where to draw a
  hop (`hop_path`).
* Pages break between rows; an edge that leaves a page ends in a lettered off-page connector at
  the foot of its page and resumes from a connector with the same letter at the top of the target's
  page. The connectors of a page's top share one row, and so do those of its foot, one per lane,
  unless their page texts would meet or a line to a side channel would cross another's
  (`_connector_rows`). The cut measures each sheet by the height it will have, its connector rows
  included (`_sheet_height`), so a sheet is filled and never taller than `max_height`. No sheet
  keeps fewer than three rows when a neighbour can give, or the one before it (`balance_cuts`;
  the SOP's own page cuts use it too).

* A caller with a grid of its own (the PermenPAN-RB SOP table: fixed Pelaksana column widths, row
  heights set by the text in the other columns, its own page cuts) passes a `Geometry`. Shapes are
  then centred in its cells, off-page connectors sit in bands at the top and foot of a page, and
  side channels run in the gutters between the shapes of neighbouring columns (inside the lanes;
  never in a gutter a joint task covers), so the caller only draws.
* Exit labels are placed last: each next to its own exit segment, on the side away from the other
  exits of its shape, at the first candidate spot whose box touches no shape, no other label, no
  lane or row rule and no line; in a narrow column a label is broken in two (`Edge.label_lines`),
  at a space or hyphenated inside a word.
* Lines run across the gap between two rows at levels of their own (`_gap_level`), and meet an
  off-page connector from above or below on the side where its page text is printed.

Units are typographic points (1/72 in); the renderer maps them onto millimetres.
"""

from __future__ import annotations

import bisect
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from itertools import chain
from operator import itemgetter
from typing import Any, TypeVar

from .. import shared
from ..hyphen import break_at, break_word, points
from ..model import Procedure, StepKind
from ..text import Span, markup, plain, spans, substitute
from ..translation import english
from . import graph
from .graph import successors

__all__ = [
    "Edge",
    "Geometry",
    "Lane",
    "balance_cuts",
    "box_meets_node",
    "crossing_points",
    "hop_path",
    "gapped_pieces",
    "label_box",
    "Layout",
    "Metrics",
    "Node",
    "OffPage",
    "Page",
    "lane_order",
    "lane_width",
    "lane_widths",
    "layout",
    "role_order",
    "text_width",
    "wrap",
    "wrap_marked",
]

Point = tuple[float, float]
T = TypeVar("T")

# Advance widths of DejaVu Sans (Book) for ASCII 32..126, in 1/1000 em, read from the font file.
# DejaVu is the widest of the fonts the stylesheet names, so text measured with it fits in the others.
_ASCII_WIDTHS = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775,
    752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390,
    337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
)
_BOLD_FACTOR = 1.09  # DejaVu Sans Bold is about 9% wider on average
_OTHER_WIDTH = 838  # non-ASCII (≤, ≥, accented letters ...): as wide as the widest common glyphs

FONT_SIZE = 8.0  # step text, pt (printed: the chart fits the A4 text width at scale 1, see FIT_WIDTH)
FONT_SIZE_CROWDED = 7.0  # step text and lane titles on a chart of 7 lanes or more
FIT_WIDTH = 510.0  # the A4 text width (180 mm) in pt: a chart is laid out to it, never scaled down
LINE_HEIGHT = 1.22  # times the font size
ROW_GAP = 18.0  # vertical space between rows: room for arrows and exit labels
LANE_PAD = 7.0  # horizontal space between a shape and its lane's border
PART_GAP = 16.0  # two symbols sharing a lane: room for the arrow between them, 8 pt to each border
TRACK_GAP = 7.0  # distance between neighbouring channel tracks
NUMBER_HEIGHT = 8.0  # the step number svg.py prints above a shape (baseline at node.y - 2)
NUMBER_DIGIT = 4.5
PORT_GAP = 6.0  # distance between neighbouring ports on one side of a shape
HEADER_PAD = 5.0
MARGIN = 4.0
CONNECTOR_W = 22.0
CONNECTOR_H = 20.0
LABEL_SIZE = 7.0  # exit labels (the stylesheet's .exit font size)
GRID_DIAMOND = 1.8  # width : height of a decision in a caller's grid (the SOP table), however narrow
GRID_OVAL = 0.55  # height : width of a terminator there: an oval, never the connector's circle


@dataclass(frozen=True, slots=True)
class Geometry:
    """A grid fixed by the caller: lane width, one height per step row, page cuts, shape sizes.

    `page_rows` are the step rows per page (their sum is the number of distinct steps); `band`
    is the height of a row of off-page connectors at the top or foot of a page (a page gets one
    when it needs one; more only when connectors outnumber lanes). `track_gap` spaces channel
    tracks in the gutters between columns. All lengths in points.
    """

    lane_width: float
    row_heights: tuple[float, ...]
    page_rows: tuple[int, ...]
    shape_width: float
    shape_height: float
    decision_height: float
    band: float
    connector_width: float = 17.0
    connector_height: float = 20.0
    track_gap: float = 3.5
    label_size: float = LABEL_SIZE

    def size(self, kind: str) -> tuple[float, float]:
        """(w, h) of a step symbol of `kind` in this grid."""
        if kind == StepKind.DECISION:  # near 2:1 however narrow the column
            return self.shape_width, min(self.decision_height, self.shape_width / GRID_DIAMOND)
        if kind == StepKind.CONNECTOR:
            side = min(self.shape_width, self.shape_height)
            return side, side
        if kind in (StepKind.START, StepKind.END):  # an oval wider than tall, never the connector's circle
            return self.shape_width, min(self.shape_height, self.shape_width * GRID_OVAL)
        return self.shape_width, self.shape_height


_WIDTHS = {chr(code): width for code, width in enumerate(_ASCII_WIDTHS, start=32)}


def text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """Estimated width of `text` in points: deterministic, no font files needed at run time."""
    return _em_width(text) * size / 1000 * (_BOLD_FACTOR if bold else 1.0)


@lru_cache(maxsize=65536)
def _em_width(text: str) -> int:
    # the fit loop lays a chart out again up to four times and label placement measures every
    # candidate: the same words are measured over and over (a third of the calls' time, cached)
    return sum([_WIDTHS.get(ch, _OTHER_WIDTH) for ch in text])


def wrap(text: str, width: float, size: float = FONT_SIZE, bold: bool = False) -> list[str]:
    """Greedy word wrap to `width` points; a word longer than a line is cut at a hyphenation point and
    hyphenated (a URL after `/` `.` `-`), see `prosedur.hyphen`."""
    space = text_width(" ", size, bold)
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for word in text.split():
        w = text_width(word, size, bold)
        if current and used + space + w <= width:
            current.append(word)
            used += space + w
            continue
        if current:
            lines.append(" ".join(current))
            current, used = [], 0.0
        while w > width and len(word) > 1:  # at a hyphenation point, with "-" (prosedur.hyphen)
            head, word = break_word(word, lambda h: text_width(h, size, bold) <= width)
            lines.append(head)
            w = text_width(word, size, bold)
        current, used = [word], w
    if current:
        lines.append(" ".join(current))
    return lines


def wrap_marked(text: str, width: float, size: float = FONT_SIZE, bold: bool = False) -> list[str]:
    """`wrap` for text with inline emphasis (`*miring*`, `**tebal**`): the words are measured
    without their markers (bold ones as bold) and each line keeps its styles, written with markers
    again (`text.markup`) for the renderer to parse."""
    if "*" not in text:
        return wrap(text, width, size, bold)
    return [marked for _, marked in _wrap_spans(spans(text), width, size, bold)]


def _wrap_spans(parts: list[Span], width: float, size: float, bold: bool) -> list[tuple[str, str]]:
    """(plain, marked) lines of styled text wrapped greedily to `width` points."""
    words: list[list[Span]] = [[]]
    for span in parts:
        for k, piece in enumerate(re.split(r"\s+", span.text)):
            if k:
                words.append([])
            if piece:
                words[-1].append(Span(piece, span.bold, span.italic))
    words = [w for w in words if w]

    def measure(word: list[Span]) -> float:
        return sum(text_width(p.text, size, bold or p.bold) for p in word)

    def cut(word: list[Span], n: int) -> tuple[list[Span], list[Span]]:
        head: list[Span] = []
        for p in word:
            take = p.text[:n]
            if take:
                head.append(Span(take, p.bold, p.italic))
            n -= len(take)
        tail_chars = [(ch, p.bold, p.italic) for p in word for ch in p.text][sum(len(p.text) for p in head):]
        tail = [Span(ch, b, i) for ch, b, i in tail_chars]
        return head, tail

    def line(ws: list[list[Span]]) -> tuple[str, str]:
        joined: list[Span] = []
        for k, w in enumerate(ws):
            if k:
                joined.append(Span(" "))
            joined.extend(w)
        return "".join(p.text for p in joined), markup(_merged(joined))

    space = text_width(" ", size, bold)
    dash = text_width("-", size, bold)
    lines: list[tuple[str, str]] = []
    current: list[list[Span]] = []
    used = 0.0
    for word in words:
        w = measure(word)
        if current and used + space + w <= width:
            current.append(word)
            used += space + w
            continue
        if current:
            lines.append(line(current))
            current, used = [], 0.0
        length = sum(len(p.text) for p in word)
        while w > width and length > 1:  # at a hyphenation point, with "-" (prosedur.hyphen)
            whole = "".join(p.text for p in word)

            def fits(k: int, hyphen: bool, word: list[Span] = word) -> bool:
                return measure(cut(word, k)[0]) + (dash if hyphen else 0.0) <= width

            n, hyphen = break_at(whole, fits)
            head, word = cut(word, n)
            if hyphen:
                head[-1] = Span(head[-1].text + "-", head[-1].bold, head[-1].italic)
            lines.append(line([head]))
            length -= n
            w = measure(word)
        current, used = [word], w
    if current:
        lines.append(line(current))
    return lines


def _merged(parts: list[Span]) -> list[Span]:
    out: list[Span] = []
    for p in parts:
        if out and out[-1][1:] == p[1:]:
            out[-1] = Span(out[-1].text + p.text, p.bold, p.italic)
        else:
            out.append(p)
    return out


@dataclass(frozen=True, slots=True)
class Lane:
    """One column: the role acting in it and its place on the page."""

    role: str
    x: float
    width: float
    title: tuple[str, ...] = ()


@dataclass(slots=True)
class Node:
    """A shape: a step's symbol (`number` 1..N in source order) or an off-page connector (`number` 0).

    A row of several symbols (`parts`) gives one node per part, all with the step's number and `step`
    and on one row: the first keeps the step id (edges and connectors into the step arrive there), the
    k-th (k >= 2) is `id#k`; the last is where the step's edges leave. A joint task (`actor: [a, b]`)
    is one node whose `span` covers the adjacent lanes from `lane` on.
    """

    id: str
    number: int
    kind: str  # a StepKind value, or "offpage"
    lane: int
    x: float
    y: float
    w: float
    h: float
    lines: tuple[str, ...] = ()
    """The text's wrapped lines, each with its inline markers (`text.spans` reads them)."""
    label: str = ""  # the connector's letter
    step: str = ""  # the step this symbol belongs to ("" for an off-page connector)
    part: int = 0  # 1-based part of a row of parts; 0 for a row of one symbol
    span: int = 1  # lanes covered: more than one for a joint task

    @property
    def lanes(self) -> range:
        return range(self.lane, self.lane + self.span)

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def border_x(self, side: int, dy: float) -> float:
        """x of the left (side=-1) or right (+1) border at height cy+dy."""
        half = self.w / 2
        t = 0.5 + dy / self.h  # 0 at the top, 1 at the bottom
        if self.kind == StepKind.DECISION:
            half *= max(0.0, 1 - 2 * abs(dy) / self.h)
        elif self.kind == StepKind.IO:  # top edge shifted right by the skew
            half -= _IO_SKEW * (t if side > 0 else 1 - t)
        elif self.kind == "offpage" and t > 0.6:  # home plate: sides slant in below 60 %
            half *= max(0.0, 1 - (t - 0.6) / 0.4)
        return self.cx + side * half

    def border_y(self, side: int) -> float:
        """y of the top (side=-1) or bottom (+1) border at the centre line."""
        if self.kind == "offpage" and side > 0:
            return self.y + self.h
        return self.cy + side * self.h / 2


_IO_SKEW = 7.0


@dataclass(frozen=True, slots=True)
class Edge:
    """An orthogonal connector from `source` to `target`; the last point touches the target."""

    source: str
    target: str
    label: str | None
    points: tuple[Point, ...]
    back: bool = False  # routed through a side channel
    label_at: Point | None = None
    label_anchor: str = "start"
    label_lines: tuple[str, ...] = ()
    """The label as printed when it is wrapped (a narrow column); empty: one line, `label`."""

    @property
    def printed_label(self) -> str:
        """The label's text with a newline where it wraps (what `label_box` measures)."""
        return "\n".join(self.label_lines) if self.label_lines else (self.label or "")


@dataclass(frozen=True, slots=True)
class OffPage:
    """One end of a page break: `direction` "out" at the foot of a page, "in" at the top."""

    label: str
    node: str
    step: str  # the target step both connectors stand for
    direction: str
    other_page: int  # 1-based page number of the matching connector


@dataclass(slots=True)
class Page:
    number: int
    width: float
    height: float
    header: float
    lanes: list[Lane]
    nodes: list[Node]
    edges: list[Edge]
    offpage: list[OffPage]
    crowded: tuple[str, ...] = ()
    """Steps (in a caller's grid) with an exit label that found no clean spot beside its line."""


@dataclass(slots=True)
class Metrics:
    crossings: int = 0
    bends: int = 0
    connector_shape_intersections: int = 0
    lane_order_violations: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class Layout:
    pages: list[Page]
    lanes: list[str]
    swimlanes: bool
    font_size: float = FONT_SIZE
    line_height: float = LINE_HEIGHT
    metrics: Metrics = field(default_factory=Metrics)


# -- shapes ------------------------------------------------------------------------------------------


def text_size(n_lanes: int) -> float:
    """The step text's size on a chart of `n_lanes` lanes (printed size: charts are not scaled)."""
    return FONT_SIZE if n_lanes <= 6 else FONT_SIZE_CROWDED


def _shape(kind: str, text: str, width: float, size: float = FONT_SIZE) -> tuple[float, float, list[str]]:
    """(w, h, lines) of a shape holding `text` in a lane whose shapes are at most `width` wide."""
    lh = size * LINE_HEIGHT
    if kind == StepKind.DECISION:
        # a rectangle (tw, th) fits in the diamond when tw/w + th/h <= 1: try a few text widths
        best: tuple[float, list[str]] | None = None
        longest = max((text_width(word, size) for word in plain(text).split()), default=0.0)
        for ratio in (0.5, 0.58, 0.66, 0.74, 0.82):
            if width * ratio - 4 < longest and ratio < 0.82:  # never cut a word when a wider line helps
                continue
            lines = wrap_marked(text, width * ratio - 4, size) or [""]
            tw = max(text_width(plain(line), size) for line in lines) + 4
            h = max(36.0, (len(lines) * lh + 4) / (1 - tw / width))
            if best is None or h < best[0] - 0.01:
                best = (h, lines)
        assert best is not None
        shaped = _diamond_lines(text, width, size)
        if shaped is not None and max(36.0, shaped[0]) < best[0] - 0.01:
            best = (max(36.0, shaped[0]), list(shaped[1]))
        return width, round(best[0], 1), best[1]
    if kind in (StepKind.START, StepKind.END):  # the round ends take about half the height each side
        lines = wrap_marked(text, width - 16, size) or [""]
        h = max(26.0, len(lines) * lh + 8)
        if h * 0.55 > 16:
            lines = wrap_marked(text, max(width * 0.5, width - h * 0.55), size) or [""]
    elif kind == StepKind.IO:
        lines = wrap_marked(text, width - _IO_SKEW - 8, size) or [""]
    else:
        lines = wrap_marked(text, width - 8, size) or [""]
    h = max(26.0, len(lines) * lh + 8)
    return width, round(h, 1), lines


DIAMOND_PAD = 2.0  # clearance between a decision's text and its outline, pt


def diamond_line_room(n: int, k: int, lh: float) -> float:
    """How far from a diamond's centre line the far edge of its k-th of `n` text lines lies (pt,
    with `DIAMOND_PAD`): the lines are centred as a block (svg.py, drawingml.py)."""
    top = -n * lh / 2 + k * lh
    return max(abs(top), abs(top + lh)) + DIAMOND_PAD


@lru_cache(maxsize=8192)  # the fit loop and the widening in _diamond ask again for the same widths (978 -> 230 calls)
def _diamond_lines(text: str, width: float, size: float,
                   hyphenate: bool = False) -> tuple[float, tuple[str, ...], int] | None:
    """(height, lines, hyphens printed) of the flattest diamond `width` wide that holds `text` with each line as wide
    as the diamond is at that line: the middle lines longer, the top and bottom ones shorter, as a
    draughtsman letters a decision (a rectangle inside the diamond wastes half of it). A line k of n,
    `tw` wide, fits where (tw + 2 pad) / width + 2 far_k / h <= 1 (`diamond_line_room`), so h is
    the largest 2 far_k / (1 - (tw + 2 pad) / width); the line breaks that make it least are found by
    a small dynamic programme (a greedy wrap fills the narrow top line first). With `hyphenate`, lines
    may also break inside a word at its hyphenation points (`prosedur.hyphen`, "-" printed). None for
    text with inline emphasis or a piece wider than the widest line (`wrap_marked` cuts and marks those)."""
    if plain(text) != text or not text.split():
        return None
    # pieces: (text, ends its word, prints a hyphen when a line ends after it)
    pieces: list[tuple[str, bool, bool]] = []
    for word in text.split():
        cuts = [0, *(points(word.rstrip(",;:!?)\"'")) if hyphenate else []), len(word)]
        for a, b in zip(cuts, cuts[1:], strict=False):
            pieces.append((word[a:b], b == len(word), b < len(word) and word[b - 1].isalnum() and word[b].isalnum()))
    lh = size * LINE_HEIGHT
    widths = [text_width(piece, size) for piece, _end, _hy in pieces]
    space, dash = text_width(" ", size), text_width("-", size)
    room = width - 2 * DIAMOND_PAD
    if max(widths) >= room:
        return None
    m = len(pieces)
    inf = float("inf")

    def printed(j: int, i: int) -> str:
        line = "".join(piece + (" " if end else "") for piece, end, _hy in pieces[j:i]).rstrip(" ")
        return line + ("-" if pieces[i - 1][2] else "")

    best: tuple[float, tuple[str, ...], int] | None = None
    for n in range(1, min(m, 12) + 1):
        if best is not None and n * lh + 2 * DIAMOND_PAD >= best[0]:
            break  # the block alone is taller than the best diamond so far
        # cost[k][i]: least height for pieces[:i] on lines 0..k; cut[k][i]: where line k starts
        cost = [[inf] * (m + 1) for _ in range(n)]
        cut = [[0] * (m + 1) for _ in range(n)]
        for k in range(n):
            far = 2 * diamond_line_room(n, k, lh)
            for i in range(k + 1, m - (n - k - 1) + 1):
                tail = dash if pieces[i - 1][2] else 0.0
                line = 0.0
                for j in range(i - 1, k - 1, -1):  # line k holds pieces[j:i]
                    line += widths[j] + (space if pieces[j][1] and j < i - 1 else 0.0)
                    if line + tail >= room:
                        break
                    if j == i - 1 and m > 1 and pieces[j][1] and (j == 0 or pieces[j - 1][1]) and len(pieces[j][0]) <= 2:
                        continue  # no line of a lone "1" or "di": it reads as a stray mark
                    prev = cost[k - 1][j] if k else (0.0 if j == 0 else inf)
                    if prev == inf:
                        continue
                    h = max(prev, far / (1 - (line + tail + 2 * DIAMOND_PAD) / width))
                    if h < cost[k][i]:
                        cost[k][i], cut[k][i] = h, j
        if cost[n - 1][m] < (best[0] if best else inf):
            lines, i, hyphens = [], m, 0
            for k in range(n - 1, -1, -1):
                j = cut[k][i]
                lines.append(printed(j, i))
                hyphens += pieces[i - 1][2]
                i = j
            best = (cost[n - 1][m], tuple(lines[::-1]), hyphens)
    return best


DIAMOND_RATIO = (1.6, 2.6)  # width : height of a decision, as drawn by hand
TERMINATOR_RATIO = (1.5, 99.0)  # a start/end oval: clearly wider than tall


def diamond_reach(own: float, left: float, right: float) -> float:
    """The widest a decision or terminator alone in its row may grow in a lane `own` wide, with
    lanes `left` / `right` wide beside it (0: none there): over the neighbours alike, so it stays
    centred (the router counts the lanes it covers as taken in its row); at the chart's edge only
    inward, its centre kept in its own lane (`_centre` puts its outer vertex 2 pt inside the chart)
    — where a long question needs more, its lane is made wider (`_lane_wants`)."""
    if left and right:
        return own - 4 + 2 * min(left, right)
    return own - 4 + (0.9 * own if left or right else 0.0)


def _beside(grid: _Lanes, lane: int) -> tuple[float, float, float]:
    """(own, left, right) lane widths for `diamond_reach` (0 where the chart ends)."""
    n = len(grid.borders) - 1
    return grid.w(lane), grid.w(lane - 1) if lane > 0 else 0.0, grid.w(lane + 1) if lane + 1 < n else 0.0


def _diamond(kind: str, text: str, shape: tuple[float, float, list[str]], own: float, left: float, right: float,
             size: float) -> tuple[float, float, list[str]]:
    """A decision near 2:1, a terminator an oval wider than tall: a long text wraps wider, the shape
    reaching over its row's empty neighbour lanes (`left` / `right` lanes this wide are there): both
    ways alike while it can, so its vertices stay on its lane's centre line, else inward (`_centre`
    keeps it on the chart and its centre in its lane); a short question in a wide lane gets a
    narrower diamond."""
    w, h, lines = shape
    low, high = DIAMOND_RATIO if kind == StepKind.DECISION else TERMINATOR_RATIO
    quarter = own / 8
    limit = diamond_reach(own, left, right)
    width = w
    while w / h < low and width + quarter <= limit + 0.01:
        width += quarter
        w, h, lines = _shape(kind, text, width, size)
    if kind == StepKind.DECISION and w / h < low:  # as wide as it may be: one hyphen, if that is enough
        broken = _diamond_lines(text, w, size, hyphenate=True)
        if broken is not None and w / max(36.0, broken[0]) >= low and broken[2] <= 1:
            h, lines = round(max(36.0, broken[0]), 1), list(broken[1])
    if kind == StepKind.DECISION and w / h > high:
        narrower = _shape(StepKind.DECISION, text, high * h, size)
        if narrower[0] / narrower[1] >= low:
            return narrower
    return w, h, lines


@lru_cache(maxsize=8192)
def _fitted_shape(kind: str, text: str, width: float, size: float,
                  diamond: tuple[float, float, float] | None) -> tuple[float, float, tuple[str, ...]]:
    """`_shape`, then `_diamond` with `diamond` = (own, left, right) lane widths when given: pure in its
    arguments, and asked again for the same symbol by the other language's layout (a step without
    `do_en`), by the fit loop's pass at the same width and by every build of a library."""
    shape = _shape(kind, text, width, size)
    if diamond is not None:
        shape = _diamond(kind, text, shape, *diamond, size)
    return shape[0], shape[1], tuple(shape[2])


# -- routing -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Seg:
    a: float  # fixed coordinate (x of a vertical, y of a horizontal)
    lo: float
    hi: float
    edge: int
    target: str
    final: bool


# -- the page text by a document chart's off-page connector ----------------------------------------

PAGE_REF_SIZE = 7.0  # "lanjut ke / hlm. 5", pt (the chart's smallest legible size)
PAGE_REF_LINE = 8.0  # baseline to baseline of its lines
PAGE_REF_GAP = 2.0  # between the connector and its text
PAGE_REF_CLEAR = 1.0  # between the text and its lane's border
_PAGE_REF_TEXT = {"out": ("lanjut ke", "cont. on"), "in": ("dari", "from"), "page": ("hlm. {n}", "p. {n}")}


def page_ref_words(direction: str, lang: str) -> tuple[str, str]:
    """("lanjut ke", "hlm. {n}") for a connector at the foot of a page ("out"), ("dari", ...) at its top."""
    k = 1 if lang == "en" else 0
    return _PAGE_REF_TEXT["out" if direction == "out" else "in"][k], _PAGE_REF_TEXT["page"][k]


@dataclass(frozen=True, slots=True)
class PageRefSpot:
    """Where a connector's page text is printed: `side` +1 right of it, -1 left of it, 0 under an
    "out" connector (over an "in" one), centred on it; `lead` is "lanjut ke" on one line or broken
    at its spaces; the page line ("hlm. 5") follows it."""

    side: int
    lead: tuple[str, ...]
    direction: str

    def lines(self, page: str) -> tuple[str, ...]:
        return (*self.lead, page)


def page_ref_spot(node: Node, lane_x: float, lane_w: float, direction: str, lang: str) -> PageRefSpot:
    """The one rule for a connector's page text, which every drawing of the chart reads (svg.py,
    drawingml.py; the router keeps lines off it): beside the connector, right where its lane has
    room, else left, on two lines, else with the lead broken ("lanjut" / "ke" / "hlm. 5"); where
    neither side of a narrow lane holds it (lanes under about 100 pt: 6 lanes or more), centred
    under an "out" connector or over an "in" one, inside the lane. Measured for a two-digit page, so the side never depends
    on the number printed."""
    return _page_ref_spot(node.x, node.w, lane_x, lane_w, direction, lang)


@lru_cache(maxsize=8192)  # asked for each connector by every row placement, page build and label placement
def _page_ref_spot(node_x: float, node_w: float, lane_x: float, lane_w: float, direction: str, lang: str) -> PageRefSpot:
    lead, page = page_ref_words(direction, lang)
    widest_page = text_width(page.format(n=99), PAGE_REF_SIZE)
    rooms = {1: lane_x + lane_w - (node_x + node_w) - PAGE_REF_GAP - PAGE_REF_CLEAR,
             -1: node_x - lane_x - PAGE_REF_GAP - PAGE_REF_CLEAR}
    options = [(lead,), tuple(lead.split())] if " " in lead else [(lead,)]
    for lines in options:
        need = max(widest_page, *(text_width(line, PAGE_REF_SIZE) for line in lines))
        for side in (1, -1):
            if rooms[side] >= need:
                return PageRefSpot(side, lines, direction)
    return PageRefSpot(0, (lead,), direction)


def _page_ref_height(spot: PageRefSpot, gap: float = 0.75 * ROW_GAP) -> float:
    """How much more than `gap` (the 3/4 row gap over the first row and under the last one; a full
    row gap between two rows) page text over or under a connector takes. The gap is its own: lines
    meet a connector that has its text over or under it at its sides, no line leaves an "out"
    connector or enters an "in" one, and a line down that gap would run through the connector
    itself (the router keeps to free lanes); geometry_check.page_ref_problems verifies it."""
    if spot.side:
        return 0.0
    n = len(spot.lines(""))
    clear = 1.0 if gap < ROW_GAP else 3.0  # to the page's edge; to the next row's symbol
    return max(0.0, math.ceil(PAGE_REF_GAP + (n - 1) * PAGE_REF_LINE + 1.05 * PAGE_REF_SIZE + clear - gap))


def page_ref_at(node: Node, spot: PageRefSpot, n_lines: int) -> tuple[float, float, str]:
    """(x, first baseline, SVG text-anchor) of a connector's page text of `n_lines` lines."""
    if spot.side:
        x = node.x + node.w + PAGE_REF_GAP if spot.side > 0 else node.x - PAGE_REF_GAP
        first = node.cy - n_lines * PAGE_REF_LINE / 2 + 6.5
        return x, first, "start" if spot.side > 0 else "end"
    if spot.direction == "out":
        return node.cx, node.y + node.h + PAGE_REF_GAP + 0.8 * PAGE_REF_SIZE, "middle"
    return node.cx, node.y - PAGE_REF_GAP - 0.25 * PAGE_REF_SIZE - (n_lines - 1) * PAGE_REF_LINE, "middle"


def page_ref_box(node: Node, spot: PageRefSpot, lines: tuple[str, ...]) -> Box:
    """(x, y, w, h) the printed page text covers (ascent 0.8, descent 0.25 of the size)."""
    x, first, anchor = page_ref_at(node, spot, len(lines))
    w = max(text_width(line, PAGE_REF_SIZE) for line in lines)
    left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
    top = first - 0.8 * PAGE_REF_SIZE
    return left, top, w, (len(lines) - 1) * PAGE_REF_LINE + 1.05 * PAGE_REF_SIZE


class _Router:
    """Routes the edges of one page; remembers used segments and ports to keep edges apart."""

    def __init__(self, nodes: list[Node], lane_count: int, lanes: _Lanes, table: bool = False, lang: str = "id",
                 rows: list[list[Node]] | None = None) -> None:
        self.nodes = nodes
        self.lang = lang  # the page text by a connector is measured in the chart's language
        self.table = table  # a caller's table: its row rules lie halfway between the rows' symbols
        # `rows` top to bottom (a row of parts, a shared row of connectors); by default the symbols
        # of one row of parts share a row and every other node is a row of its own (`_rows`)
        self.row: dict[str, int] = {}
        self.by_lane: dict[int, list[int]] = {}  # rows ascending: `lane_free` bisects them
        self.members: dict[int, list[Node]] = {}
        for r, members in enumerate(_rows(nodes) if rows is None else rows):
            self.members[r] = list(members)
            for n in members:
                self.row[n.id] = r
                for lane in _covered(n, lanes, lane_count):
                    self.by_lane.setdefault(lane, []).append(r)
        self.lane_count = lane_count
        self.lanes = lanes
        self.vsegs: dict[float, list[_Seg]] = {}
        self.hsegs: dict[float, list[_Seg]] = {}
        self.points_x: dict[float, list[tuple[float, int, str]]] = {}
        self.points_y: dict[float, list[tuple[float, int, str]]] = {}
        self.ports: dict[tuple[str, str], int] = {}
        self.count = 0
        self.merging: set[str] = set()  # shapes that more than one line enters
        self.exits: dict[str, int] = {}  # lines leaving each shape
        self._interiors: list[tuple[str, float, float, float, float]] | None = None  # `_clear`'s

    # ports: the k-th line on one side of a shape sits at offsets 0, +g, -g, +2g ...
    def _port_offset(self, node: str, side: str, extra: int = 0) -> float:
        k = self.ports.get((node, side), 0) + extra
        step = (k + 1) // 2
        return (step if k % 2 else -step) * PORT_GAP

    def _channel_port(self, node: Node, side: str) -> float:
        """Next port on a side; when the side is full, ports are shared (lines into one shape merge)."""
        gap = min(PORT_GAP, max(2.0, node.h / 4))  # a flat symbol (an oval in a narrow column): closer ports
        capacity = 1 + 2 * max(0, int((node.h / 2 - (4.0 if gap == PORT_GAP else gap / 2)) // gap))
        k = self.ports.get((node.id, side), 0) % capacity
        self._take_port(node.id, side)
        step = (k + 1) // 2
        return (step if k % 2 else -step) * gap

    def _take_port(self, node: str, side: str) -> None:
        self.ports[(node, side)] = self.ports.get((node, side), 0) + 1

    def lane_free(self, lane: int, r1: int, r2: int) -> bool:
        """No shape in `lane` strictly between rows r1 < r2."""
        rows = self.by_lane.get(lane, [])
        i = bisect.bisect_right(rows, r1)
        return i >= len(rows) or rows[i] >= r2

    def _fits(self, pts: list[Point], target: str) -> bool:
        n = len(pts) - 1
        for i in range(n):
            (x1, y1), (x2, y2) = pts[i], pts[i + 1]
            if x1 == x2:
                lo, hi = min(y1, y2), max(y1, y2)
                for s in self.vsegs.get(x1, ()):
                    if s.lo < hi and lo < s.hi:
                        return False
                for py, _e, _t in self.points_x.get(x1, ()):
                    if lo <= py <= hi:
                        return False
            else:
                lo, hi = min(x1, x2), max(x1, x2)
                for s in self.hsegs.get(y1, ()):
                    if s.lo < hi and lo < s.hi:
                        return False
                for px, _e, _t in self.points_y.get(y1, ()):
                    if lo <= px <= hi:
                        return False
        # our bends must not sit on other edges' segments: lines into one shape meet only at the shape
        for i in range(1, n):
            x, y = pts[i]
            for s in self.vsegs.get(x, ()):
                if s.lo <= y <= s.hi:
                    return False
            for s in self.hsegs.get(y, ()):
                if s.lo <= x <= s.hi:
                    return False
        return True

    def _clear(self, pts: list[Point], source: str, target: str) -> bool:
        """No segment passes through a shape other than its ends (rows of connectors hold several):
        `segment_hits_box` written out over the shapes' open interiors, made once (routing moves no
        shape), as this is asked for every route tried."""
        if self._interiors is None:
            self._interiors = [(n.id, n.x + 0.5, n.x + n.w - 0.5, n.y + 0.5, n.y + n.h - 0.5) for n in self.nodes]
        interiors = self._interiors
        for (ax, ay), (bx, by) in zip(pts, pts[1:], strict=False):
            if ax == bx:
                lo, hi = (ay, by) if ay <= by else (by, ay)
                for nid, x0, x1, y0, y1 in interiors:
                    if x0 < ax < x1 and lo < y1 and hi > y0 and nid != source and nid != target:
                        return False
            else:
                lo, hi = (ax, bx) if ax <= bx else (bx, ax)
                for nid, x0, x1, y0, y1 in interiors:
                    if y0 < ay < y1 and lo < x1 and hi > x0 and nid != source and nid != target:
                        return False
        return True

    def _commit(self, pts: list[Point], target: str) -> None:
        edge = self.count
        self.count += 1
        n = len(pts) - 1
        for i in range(n):
            (x1, y1), (x2, y2) = pts[i], pts[i + 1]
            if x1 == x2:
                self.vsegs.setdefault(x1, []).append(_Seg(x1, min(y1, y2), max(y1, y2), edge, target, i == n - 1))
            else:
                self.hsegs.setdefault(y1, []).append(_Seg(y1, min(x1, x2), max(x1, x2), edge, target, i == n - 1))
        for x, y in pts[1:-1]:
            self.points_x.setdefault(x, []).append((y, edge, target))
            self.points_y.setdefault(y, []).append((x, edge, target))

    def lane_cx(self, lane: int) -> float:
        return self.lanes.cx(lane)

    def _x_in(self, node: Node, lane: int) -> float:
        """Where a vertical line meets `node` coming from or going to `lane`: the node's centre, or for a
        joint task (a box over several lanes) the centre of the lane of its own nearest to `lane`, so
        the line runs down a lane's middle and never along a column line."""
        if node.span == 1 or node.kind == StepKind.DECISION:
            return node.cx
        return self.lane_cx(self._nearest(node, lane))

    @staticmethod
    def _nearest(node: Node, lane: int) -> int:
        return min(max(lane, node.lane), node.lane + node.span - 1)

    def route_forward(self, s: Node, t: Node) -> list[Point] | None:
        """Straight, across-then-down or down-then-across; None when each would touch something."""
        rs, rt = self.row[s.id], self.row[t.id]
        if s.span == 1 and t.span == 1:  # most shapes: one lane each
            shared = [s.lane] if s.lane == t.lane else []
        else:
            shared = [lane for lane in s.lanes if lane in t.lanes]
        if shared:
            for lane in shared:
                x = self._x_in(s, lane)
                if x != self._x_in(t, lane):  # e.g. into the top of a diamond spanning two lanes
                    continue
                if self.lane_free(lane, rs, rt) and (s.id, "bottom") not in self.ports:
                    pts = [(x, s.border_y(1)), (x, t.border_y(-1))]
                    if self._fits(pts, t.id) and self._clear(pts, s.id, t.id):
                        self._take_port(s.id, "bottom")
                        self._take_port(t.id, "top")
                        self._commit(pts, t.id)
                        return pts
            return None
        side = 1 if t.lane > s.lane else -1
        name = "right" if side > 0 else "left"
        t_lane = self._nearest(t, s.lane)
        if self.lane_free(t_lane, rs, rt) and not self._vertex_taken(s, name):
            dy = self._port_offset(s.id, name)
            if abs(dy) * 2 < s.h - 4:
                y = s.cy + dy
                tx = self._x_in(t, s.lane)
                if t.kind not in (StepKind.DECISION, "offpage") and t.w > 4 * PORT_GAP and t.id in self.merging:
                    tx -= side * PORT_GAP  # off the centre: another line into t may come from straight above
                pts = [(s.border_x(side, dy), y), (tx, y), (tx, t.border_y(-1))]
                ahead = (tx - pts[0][0]) * side > 0  # not back across a wide source
                if ahead and self._fits(pts, t.id) and self._clear(pts, s.id, t.id):
                    self._take_port(s.id, name)
                    self._take_port(t.id, "top")
                    self._commit(pts, t.id)
                    return pts
        tname = "left" if side > 0 else "right"
        s_lane = self._nearest(s, t.lane)
        if (self.lane_free(s_lane, rs, rt) and (s.id, "bottom") not in self.ports and t.kind != StepKind.DECISION
                and not self._text_beside(t, -side)):
            dy = self._port_offset(t.id, tname)
            if abs(dy) * 2 < t.h - 4:
                y = t.cy + dy
                sx = self._x_in(s, t.lane)
                pts = [(sx, s.border_y(1)), (sx, y), (t.border_x(-side, dy), y)]
                ahead = (pts[2][0] - sx) * side > 0  # not through a wide target
                if ahead and self._fits(pts, t.id) and self._clear(pts, s.id, t.id):
                    self._take_port(s.id, "bottom")
                    self._take_port(t.id, tname)
                    self._commit(pts, t.id)
                    return pts
        return None

    def route_part(self, s: Node, t: Node, gap: float) -> list[Point]:
        """The arrow from one part of a row to the next: straight across at the row's centre line, or,
        when another symbol of the row stands between them, under the row (`gap` below the lower one)."""
        # two parts of one actor share a lane side by side (`_centre`): which way is then told by x
        side = 1 if (t.lane, t.x) > (s.lane, s.x) else -1
        name, tname = ("right", "left") if side > 0 else ("left", "right")
        pts = [(s.border_x(side, 0.0), s.cy), (t.border_x(-side, 0.0), t.cy)]
        if s.cy == t.cy and self._clear(pts, s.id, t.id):
            self._take_port(s.id, name)
            self._take_port(t.id, tname)
        else:
            y = min(max(n.y + n.h for n in self.members[self.row[s.id]]) + gap, self._between(s, below=True))
            pts = [(s.cx, s.border_y(1)), (s.cx, y), (t.cx, y), (t.cx, t.border_y(1))]
            self._take_port(s.id, "bottom")
            self._take_port(t.id, "bottom")
        self._commit(pts, t.id)
        return pts

    def route_channel(self, s: Node, t: Node, side: int, bound: int,
                      below: bool = False) -> tuple[list[Point], float, float]:
        """Side ports and the vertical extent; the track's x (points 2 and 3) is chosen later, per page.

        The track runs beyond lane `bound` on `side`. A symbol with another symbol of its row between
        it and the track (a row of parts) is left from below and entered from above instead, through
        the gap between the rows; so is a decision asked to (`below`: its exit's label has no room
        beside its side vertex) while its bottom vertex is free. Into a decision whose top vertex
        holds a line from above, a channel comes in level with that vertex; a second one from the same
        side goes round into the free far vertex (the level line is its own)."""
        name = "right" if side > 0 else "left"
        start: list[Point]
        end: list[Point]
        if self._leave_below(s, side, bound) or (below and s.kind == StepKind.DECISION
                                                 and (s.id, "bottom") not in self.ports):
            x = self._stub_x(s, "bottom")
            y = self._between(s, below=True)
            start = [(x, s.border_y(1)), (x, y)]
        else:
            ds = self._channel_port(s, name)
            start = [(s.border_x(side, ds), s.cy + ds)] * 2
        far = "left" if side > 0 else "right"
        round_x = t.border_x(-side, 0.0) - side * TRACK_GAP  # beside the far vertex, clear of the row's shapes
        if (t.kind == StepKind.DECISION and (t.id, "top") in self.ports and not self._blocked(t, side, bound)
                and (t.id, f"level {name}") in self.ports and not self._vertex_taken(t, far)
                and self.exits.get(t.id, 0) <= 2 and not self.table  # (a table's gutters route their own)
                and not any(n is not t and n.x - TRACK_GAP < round_x < n.x + n.w + TRACK_GAP
                            for n in self.members[self.row[t.id]])):
            # the top vertex holds a line from above and one level from this side: this one goes over
            # them, round the diamond and into its far vertex, which no exit needs (two exits at most:
            # the bottom and the near vertex), rather than share the level line's last stretch
            y = self._between(t, below=False)
            end = [(round_x, y), (round_x, t.cy), (t.border_x(-side, 0.0), t.cy)]
            self._take_port(t.id, far)
        elif t.kind == StepKind.DECISION and (t.id, "top") in self.ports and not self._blocked(t, side, bound):
            end = [(t.cx, t.y)] * 2  # the top vertex already holds a line from above: come in level with it
            self._take_port(t.id, f"level {name}")
        elif self._enter_above(t, side, bound):
            x = self._stub_x(t, "top")
            y = self._between(t, below=False)
            end = [(x, y), (x, t.border_y(-1))]
        else:
            dt = self._channel_port(t, name)
            if s.id == t.id and start[0] == (t.border_x(side, dt), t.cy + dt):  # a self-loop: two ports
                dt = self._channel_port(t, name)
            end = [(t.border_x(side, dt), t.cy + dt)] * 2
        ys, yt = start[1][1], end[0][1]
        pts = [start[0], start[1], (0.0, ys), (0.0, yt), *end]
        return pts, min(ys, yt), max(ys, yt)

    def _band_level(self, node: Node) -> int:
        """How many band channels already left (or entered) the band `node` stands in."""
        key = ("band", str(round(node.y, 2)))
        self.ports[key] = self.ports.get(key, -1) + 1
        return self.ports[key]

    def _vertex_taken(self, node: Node, side: str) -> bool:
        """A decision's vertex holds one line: is the one on `side` already used?"""
        return node.kind == StepKind.DECISION and (node.id, side) in self.ports

    def _leave_below(self, s: Node, side: int, bound: int) -> bool:
        """Leave through the gap below the row: another symbol of the row is in the way, or the
        decision's vertex towards the channel already holds an exit (and its bottom one is free)."""
        if self._blocked(s, side, bound) or self._text_beside(s, side):
            return True
        name = "right" if side > 0 else "left"
        return self._vertex_taken(s, name) and (s.id, "bottom") not in self.ports

    def _enter_above(self, t: Node, side: int, bound: int) -> bool:
        """Enter through the gap above the row: a symbol of the row is in the way, or `t` is a
        decision (lines enter a decision at its top vertex; its side vertices are its exits')."""
        return self._blocked(t, side, bound) or t.kind == StepKind.DECISION or self._text_beside(t, side)

    def _text_beside(self, node: Node, side: int) -> bool:
        """An off-page connector of the document's chart prints its page ("lanjut ke hlm. 5") beside
        it where its lane has room (`page_ref_spot`, which render/svg.py and drawingml.py read): a
        channel on that side meets it at its top or bottom, never through that text."""
        if node.kind != "offpage" or self.table:
            return False
        spot = page_ref_spot(node, self.lanes.x(node.lane), self.lanes.w(node.lane), "in" if node.id.startswith("in:") else "out",
                             self.lang)
        return spot.side == side

    def _blocked(self, node: Node, side: int, bound: int) -> bool:
        """Does another symbol of `node`'s row stand between it and a track beyond lane `bound`? (In a
        document chart that includes the connectors sharing a row; a table's bands route their own.)"""
        if node.kind == "offpage" and self.table:
            return False
        for other in self.members[self.row[node.id]]:
            if other is node:
                continue
            if side < 0 and other.cx < node.cx and other.lane + other.span - 1 >= bound:
                return True
            if side > 0 and other.cx > node.cx and other.lane <= bound:
                return True
        return False

    def _stub_x(self, node: Node, port: str, gap: float = PORT_GAP) -> float:
        """x of the next line leaving a symbol's bottom (or entering its top) off its centre line."""
        k = self.ports.get((node.id, port), 0)
        self._take_port(node.id, port)
        if node.kind == StepKind.DECISION or not k:
            return node.cx
        k %= 1 + 2 * max(0, int((node.w / 2 - 2) // gap))  # stay on the shape's side (a full side shares)
        step = (k + 1) // 2
        return node.cx + (step if k % 2 else -step) * gap

    def _between(self, node: Node, below: bool) -> float:
        """y halfway between `node`'s row and the row below (or above) it."""
        row = self.row[node.id]
        members = self.members[row]
        # in a table, a third of the way rather than halfway: a line along a row rule would hide in it
        share = 1 / 3 if self.table else 1 / 2
        if below:
            edge = max(n.y + n.h for n in members)
            nxt = [n.y for r, ms in self.members.items() if r > row for n in ms]
            if not nxt:
                return edge + TRACK_GAP
            return edge + (min(nxt) - edge) * share + self._gap_level(row, min(nxt) - edge)
        edge = min(n.y for n in members)
        prev = [n.y + n.h for r, ms in self.members.items() if r < row for n in ms]
        if not prev:
            return edge - min(TRACK_GAP, edge / 2)  # never above the page
        return edge - (edge - max(prev)) * share + self._gap_level(row - 1, edge - max(prev))

    def _gap_level(self, upper: int, height: float) -> float:
        """The offset of the next line run across the gap below row `upper`: the first at the middle,
        the next a quarter of the gap lower, then higher. A line leaving a row below and one entering
        the next row from above would otherwise run along one stretch (in a table the two already
        lie a third of the way from their rows, apart)."""
        if self.table:
            return 0.0
        key = ("gap", str(upper))
        k = self.ports.get(key, 0)
        self.ports[key] = k + 1
        return (0.0, height / 4, -height / 4)[k % 3]

    def free_gutter(self, s: Node, t: Node, right: bool = False) -> int:
        """The gutter (left of lane g) for a channel between s and t in a caller's grid: left of the
        leftmost of the two (`right`: right of the rightmost), moved further out past any joint task
        that covers it between them."""
        top, bottom = min(s.y, t.y), max(s.y + s.h, t.y + t.h)

        def covered(g: int) -> bool:
            return any(n.span > 1 and n.lane < g < n.lane + n.span and n.y < bottom and n.y + n.h > top
                       for n in self.nodes)

        if right:
            gutter = max(s.lane + s.span, t.lane + t.span)
            while gutter < self.lane_count and covered(gutter):
                gutter += 1
            return gutter
        gutter = min(s.lane, t.lane)
        while gutter > 0 and covered(gutter):
            gutter -= 1
        return gutter

    def route_band_channel(self, s: Node, t: Node, band: float, gutter: int,
                           side: int = -1) -> tuple[list[Point], float, float]:
        """A channel from or to a connector in a band: it leaves the connector below (or enters it
        from above) and runs along the band's edge, under or over the band's other connectors.
        The track's x (points 2 and 3) is chosen later; it lies in the gutter left of lane `gutter`,
        on the symbols' `side` (-1: left of them, +1: right of them)."""
        name = "left" if side < 0 else "right"
        bound = gutter if side < 0 else gutter - 1
        start: list[Point]
        end: list[Point]
        if s.kind == "offpage":  # connectors of one band leave at staggered depths: their stubs never overlap
            y = s.y + s.h + (band - s.h) / 4 * (1 + 0.6 * (self._band_level(s) % 3))
            start = [(s.cx, s.y + s.h), (s.cx, y)]
        elif self._leave_below(s, side, bound):  # a part with its row's symbols to its left, or a used vertex
            x = self._stub_x(s, "bottom")
            start = [(x, s.border_y(1)), (x, self._between(s, below=True))]
        else:
            ds = self._channel_port(s, name)
            y = s.cy + ds
            start = [(s.border_x(side, ds), y), (s.border_x(side, ds), y)]
        if t.kind == "offpage":
            y2 = t.y - (band - t.h) / 4 * (1 + 0.6 * (self._band_level(t) % 3))
            x = self._stub_x(t, "top", t.w / 5)
            end = [(x, y2), (x, t.y)]
        elif t.kind == StepKind.DECISION and (t.id, "top") in self.ports and not self._blocked(t, side, bound):
            y2 = t.y
            end = [(t.cx, t.y)] * 2
        elif self._enter_above(t, side, bound):
            x = self._stub_x(t, "top")
            y2 = self._between(t, below=False)
            end = [(x, y2), (x, t.border_y(-1))]
        else:
            dt = self._channel_port(t, name)
            y2 = t.cy + dt
            end = [(t.border_x(side, dt), y2), (t.border_x(side, dt), y2)]
        pts = [start[0], start[1], (0.0, start[1][1]), (0.0, y2), end[0], end[1]]
        return pts, min(start[1][1], y2), max(start[1][1], y2)


_Channel = tuple[int, Node, Node, str | None, list[Point], float, float, int]


def _untangle_ports(channel: list[_Channel]) -> list[_Channel]:
    """Channels that meet one shape on one side: the inner track (the shorter channel, see
    `_assign_tracks`) takes the port nearer its other end, so the outer line's horizontal stub never
    crosses the inner line's vertical. The ports are swapped among the group, not moved."""
    out = list(channel)
    for end in (0, 1):  # 0: ports where channels leave their source, 1: where they enter the target
        groups: dict[tuple[object, str], list[int]] = {}
        for k, (_i, s, t, _label, pts, _lo, _hi, key) in enumerate(out):
            a, b = (pts[0], pts[1]) if end == 0 else (pts[4], pts[5])
            if a == b:  # a side port (a stub from below or above is left alone)
                groups.setdefault((key, (s if end == 0 else t).id), []).append(k)
        for members in groups.values():
            if len(members) < 2:
                continue
            ups = {out[k][1].y > out[k][2].y for k in members}
            if len(ups) != 1:
                continue
            up = ups.pop()
            inner_first = sorted(members, key=lambda k: (out[k][6] - out[k][5], out[k][0]))
            ports = sorted(((out[k][4][0] if end == 0 else out[k][4][4]) for k in members), key=lambda p: p[1])
            # entering: an upward loop's inner line takes the lowest port; leaving: the highest
            if (end == 1) == up:
                ports.reverse()
            for k, port in zip(inner_first, ports, strict=True):
                i, s, t, label, pts, _lo, _hi, key = out[k]
                pts = list(pts)
                if end == 0:
                    pts[0] = pts[1] = port
                    pts[2] = (pts[2][0], port[1])
                else:
                    pts[4] = pts[5] = port
                    pts[3] = (pts[3][0], port[1])
                ys, yt = pts[2][1], pts[3][1]
                out[k] = (i, s, t, label, pts, min(ys, yt), max(ys, yt), key)
    return out


def _assign_tracks(intervals: list[tuple[float, float, int]]) -> dict[int, int]:
    """Track per interval: shortest first onto the innermost free track, so nested loops do not cross."""
    tracks: list[list[tuple[float, float]]] = []
    out: dict[int, int] = {}
    for lo, hi, key in sorted(intervals, key=lambda iv: (iv[1] - iv[0], iv[0], iv[2])):
        for k, used in enumerate(tracks):
            if all(hi + 3 < ulo or lo - 3 > uhi for ulo, uhi in used):
                used.append((lo, hi))
                out[key] = k
                break
        else:
            tracks.append([(lo, hi)])
            out[key] = len(tracks) - 1
    return out


# -- the layout --------------------------------------------------------------------------------------


def _letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the labels of off-page connectors."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


@dataclass(frozen=True, slots=True)
class _Symbol:
    """One symbol of a row before placement: node id, kind, lane (the first of `span`), shape, part."""

    id: str
    kind: str
    lane: int
    span: int
    shape: tuple[float, float, list[str]]
    part: int


def _rows(nodes: list[Node]) -> list[list[Node]]:
    """Nodes grouped into rows: the parts of one step together, every other node alone."""
    rows: list[list[Node]] = []
    for node in nodes:
        if node.part > 1 and rows and rows[-1][-1].step == node.step:
            rows[-1].append(node)
        else:
            rows.append([node])
    return rows


def _centre(row: list[Node], lanes: _Lanes, n_lanes: int = 0) -> None:
    """x of a row's symbols: centred in the lanes they span. Two symbols of one row in one lane (the
    same actor twice, e.g. a process and then the end) share the lane side by side, with room between
    them for the arrow that links them and clear of the lane's borders."""
    for node in row:
        room = lanes.span(node.lane, node.span)
        node.x = lanes.x(node.lane) + (room - node.w) / 2
        if n_lanes and node.w > room:  # a wide diamond stays on the chart
            node.x = max(2.0, min(node.x, lanes.total - 2.0 - node.w))
    crowded: dict[int, list[Node]] = {}
    for node in row:
        if node.span == 1:
            crowded.setdefault(node.lane, []).append(node)
    for lane, members in crowded.items():
        if len(members) < 2:
            continue
        slot = lanes.w(lane) / len(members)
        for k, node in enumerate(members):
            node.w = min(node.w, slot - PART_GAP)
            node.x = lanes.x(lane) + k * slot + (slot - node.w) / 2
            if not node.lines:  # a caller's grid (no text): a narrower oval or diamond keeps its shape
                _keep_shape(node)


def _keep_shape(node: Node) -> None:
    """Lower a textless terminator or decision made narrower to its grid's proportion (`Geometry.size`),
    about its centre: an oval squeezed beside another symbol stayed 1.14:1, nearly the connector's circle."""
    if node.kind in (StepKind.START, StepKind.END):
        h = min(node.h, node.w * GRID_OVAL)
    elif node.kind == StepKind.DECISION:
        h = min(node.h, node.w / GRID_DIAMOND)
    else:
        return
    node.y += (node.h - h) / 2
    node.h = h


def _page_ref_room(row: list[Node], lanes: _Lanes, lang: str, first: bool, last: bool) -> tuple[float, float]:
    """Extra space (over, under) a row needs for a connector's page text printed over an "in"
    connector or under an "out" one (`page_ref_spot`: a narrow lane has no room beside it); only the
    page's first and last rows have less than a row gap there."""
    over = under = 0.0
    for node in row:
        if node.kind != "offpage":
            continue
        direction = "in" if node.id.startswith("in:") else "out"
        edge = first if direction == "in" else last
        room = _page_ref_height(page_ref_spot(node, lanes.x(node.lane), lanes.w(node.lane), direction, lang),
                                0.75 * ROW_GAP if edge else ROW_GAP)
        over, under = (max(over, room), under) if direction == "in" else (over, max(under, room))
    return over, under


def _sheet_height(header: float, rows: list[float]) -> float:
    """The height of a document chart's sheet: its lane header, then rows of these heights (a row of
    connectors with the room its page text takes over or under it) a ROW_GAP apart, with three
    quarters of a gap above the first row and below the last (room for a channel under it).
    `_layout` sizes a sheet by it, and its page cut foresees a sheet by it."""
    return header + ROW_GAP / 2 + sum(h + ROW_GAP for h in rows)


@lru_cache(maxsize=4096)  # the cut weighs the same connectors for each longer candidate sheet
def _connector_rows(conns: tuple[tuple[int, bool, int], ...], n_lanes: int) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """The off-page connectors at the top (or foot) of a sheet on as few rows as a draughtsman uses:
    `conns` are (lane, straight, open) in order of priority, `straight` when the connector's line
    runs straight down its lane (else it goes round a side channel, on the nearer side of the
    lanes), `open` the lanes (bit k: lane k) an outgoing connector may stand in instead, reached by
    a line across from its step and straight down (no shape of the sheet below that step there).
    Returns (index, lane) of the connectors that share one row, and the indices of those that get a
    row of their own beyond it (above the top row, below the foot row), as every connector had.

    A connector keeps to its own row when its lane is taken on the shared row (its page text stays
    inside its lane, `page_ref_spot`), or when its line to the channel would cross a shared
    connector's line: a channel
    line runs along the row towards its side, so nothing may stand beyond it on that side (nor
    the line of a straight connector pushed to a row of its own). One whose own lane is taken may
    stand in an open lane towards its channel's side instead (its line then crosses no more lanes
    than the channel's would), the nearest first."""
    # the side of a lane's channel, as `_layout` picks it: the nearer side of the lanes
    side = [-1 if 2 * lane <= n_lanes - 1 else 1 for lane in range(n_lanes)]
    row: list[tuple[int, int, bool]] = []  # (index, lane, straight) on the shared row
    own: list[int] = []
    crossed: list[int] = []  # lanes of straight lines from a row of their own: they pass the shared row

    def fits(lane: int, straight: bool) -> bool:
        """Room on the shared row, and no line crossed: `other` may not stand between a channel-bound
        connector and its channel, in either direction."""
        if not straight and any((other - lane) * side[lane] > 0 for other in crossed):
            return False
        for _j, there, line in row:
            if (there == lane or (not straight and (there - lane) * side[lane] > 0)
                    or (not line and (lane - there) * side[there] > 0)):
                return False
        return True

    for want in (True, False):
        for i, (lane, straight, open_lanes) in enumerate(conns):
            if straight != want:
                continue
            if fits(lane, straight):
                row.append((i, lane, straight))
                continue
            towards = range(lane + side[lane], -1 if side[lane] < 0 else n_lanes, side[lane])  # the nearest first
            moved = next((m for m in towards if open_lanes >> m & 1 and fits(m, True)), None)
            if moved is not None:
                row.append((i, moved, True))
                continue
            own.append(i)
            if straight:
                crossed.append(lane)
    return tuple(sorted(((i, lane) for i, lane, _s in row), key=lambda il: il[1])), tuple(sorted(own))


def lane_width(n_lanes: int, swimlanes: bool = True) -> float:
    """The equal share of one lane: the lanes share 500 pt of the A4 text width (`lane_widths`
    gives the lane with long text more of it); `layout` narrows them when the side channels need
    more room than is left (FIT_WIDTH)."""
    return min(160.0, 500.0 / max(1, n_lanes)) if swimlanes else 220.0


@dataclass(frozen=True, slots=True)
class _Lanes:
    """The lanes' borders across a sheet, from 0: lane i runs from `borders[i]` to `borders[i + 1]`.
    One per chart (every sheet the same, so lanes line up from sheet to sheet); a caller's grid
    (the SOP table) has lanes of one width."""

    borders: tuple[float, ...]

    @staticmethod
    def of(widths: tuple[float, ...] | list[float]) -> _Lanes:
        borders, x = [0.0], 0.0
        for w in widths:
            x += w
            borders.append(x)
        return _Lanes(tuple(borders))

    @staticmethod
    def uniform(width: float, n: int) -> _Lanes:
        return _Lanes(tuple(i * width for i in range(n + 1)))

    @property
    def total(self) -> float:
        return self.borders[-1]

    def x(self, lane: int) -> float:
        return self.borders[lane]

    def w(self, lane: int) -> float:
        return self.borders[lane + 1] - self.borders[lane]

    def cx(self, lane: int) -> float:
        return self.borders[lane] + self.w(lane) / 2

    def span(self, lane: int, span: int) -> float:
        """Width of `span` lanes from `lane` on (a joint task's box)."""
        return self.borders[lane + span] - self.borders[lane]

    def at(self, x: float) -> int:
        """The lane holding `x` (-1 left of the lanes, n right of them), as `x // width` for equal lanes."""
        return bisect.bisect_right(self.borders, x) - 1


LANE_MIN = 43.0  # pt: the narrowest lane a wider one may leave (at 40-42 pt the 10-lane chart's exit labels
# crossed lane borders, 3-7 of them: a 7 pt label beside a line down a lane's middle needs the room)
LANE_LINES = 8  # a box of more lines than this asks its lane to widen (a draughtsman's lane for long text)
LANE_WIDEST = 2.5  # a lane is at most this many times its equal share


def _lane_floor(share: float) -> float:
    """The narrowest a lane of this equal share may be made: LANE_MIN, or its share when narrower."""
    return min(LANE_MIN, share)


def lane_widths(space: float, floors: list[float], needs: list[float], wants: list[float]) -> tuple[float, ...]:
    """The widths of lanes sharing `space` pt, each at least its floor, as a draughtsman gives them:
    equal while no lane wants more than its equal share (equal content, equal lanes); else a lane
    that wants more (long text) gets it, up to LANE_WIDEST shares, from the lanes that want less,
    which keep at least what they want (and their floor). Where the wants exceed the space, the
    widest wants are cut back alike. What a lane `needs` (a long question at the chart's edge: its
    diamond near 2:1) it gets before any want, where all needs fit; else needs and wants are cut
    back alike (needs alone first left the 10-lane chart's inner lanes at 43 pt, two of their exit
    labels across a lane border). Quarter points (floored), so
    borders and centres stay exact in binary."""
    n = len(floors)
    share = space / n
    firm = [max(f, min(need, LANE_WIDEST * share)) for f, need in zip(floors, needs, strict=True)]
    if sum(firm) <= space:
        floors = firm
    else:  # the needs cannot all be met: they are cut back with the wants
        wants = [max(w, need) for w, need in zip(wants, needs, strict=True)]
    targets = [max(f, min(w, LANE_WIDEST * share)) for f, w in zip(floors, wants, strict=True)]
    if sum(floors) > space + 1e-9:  # floors that do not fit: equal lanes
        widths = [share] * n
    elif sum(targets) <= space:  # raise the narrow ones to a common level: all equal when none wants more
        ordered = sorted(targets)
        level = share
        for k in range(n, 0, -1):
            level = (space - sum(ordered[k:])) / k
            if level >= ordered[k - 1]:
                break
        widths = [max(t, level) for t in targets]
    else:  # cut the widest wants back to a common level, floors kept
        def used(c: float) -> float:
            return sum(max(f, min(t, c)) for f, t in zip(floors, targets, strict=True))

        lo, hi = 0.0, max(targets)
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if used(mid) <= space else (lo, mid)
        widths = [max(f, min(t, lo)) for f, t in zip(floors, targets, strict=True)]
    return tuple(math.floor(w * 4 + 1e-9) / 4 for w in widths)


_Cells = list[tuple[int, str, str, list[tuple[str, Any, int, int, int]]]]
"""Per step row (number, step id, kind, its symbols as (node id, part, lane, span, part index))."""


def _chart_lanes(cells: _Cells, text_of: Callable[[int, int, Any], str], titles: list[str], size: float,
                 space: float) -> tuple[float, ...]:
    """The chart's lane widths in `space`: `lane_widths` of what the lanes hold (`_lane_wants`,
    `_title_wants`). (Titles a line longer, to give a long text more width, made the hard-text
    chart taller overall: its 400-character step 128 pt instead of 247, the seven other lanes'
    boxes longer, the header taller on each of its four sheets.)"""
    n = len(titles)
    floors = [_lane_floor(space / n)] * n
    needs, wants = _lane_wants(cells, text_of, n, size, space)
    if max(*needs, *wants) <= space / n + 0.01:  # no lane wants more than its share: equal lanes
        return lane_widths(space, floors, needs, wants)
    titled = _title_wants(titles, size, space / n, floors[0])
    return lane_widths(space, floors, needs, [max(a, b) for a, b in zip(wants, titled, strict=True)])


def _title_wants(titles: list[str], size: float, share: float, floor: float) -> list[float]:
    """The narrowest lane each title takes no more lines in than the longest title takes in equal
    lanes: a narrower lane does not make the header taller."""
    if not any(titles):
        return [0.0] * len(titles)
    lines = max(len(wrap(title, share - 6, size, bold=True)) for title in titles)
    out = []
    for title in titles:
        lo, hi = floor, share
        if len(wrap(title, lo - 6, size, bold=True)) <= lines:
            hi = lo
        for _ in range(6):
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if len(wrap(title, mid - 6, size, bold=True)) <= lines else (mid, hi)
        out.append(hi)
    return out


def _lane_wants(cells: _Cells, text_of: Callable[[int, int, Any], str], n: int, size: float,
                space: float) -> tuple[list[float], list[float]]:
    """(needs, wants) of the lanes for `lane_widths`, from what each holds. It needs a
    decision (a terminator) alone in its row DIAMOND_RATIO (TERMINATOR_RATIO) wide, with its
    neighbours at their equal share — at the chart's edge it reaches inward only, so there a long
    question needs a wider lane. It wants a box's text on at most LANE_LINES lines (the lane title:
    `_title_wants`)."""
    share = space / n
    floor = _lane_floor(share)
    equal = math.floor(share * 4 + 1e-9) / 4  # the lanes beside, as `lane_widths` makes equal lanes
    wants = [0.0] * n
    pad = min(LANE_PAD, share * 0.075)
    shaped: list[tuple[int, StepKind, str]] = []  # decisions and terminators alone in their row
    for number, _sid, _kind, row_cells in cells:
        for _nid, part, lane, span, k in row_cells:
            if span > 1:  # a joint task takes what its lanes give
                continue
            text = text_of(number, max(k, 1), part)
            if len(row_cells) == 1 and n > 1 and part.kind in (StepKind.DECISION, StepKind.START, StepKind.END):
                shaped.append((lane, part.kind, text))
            else:
                skew = _IO_SKEW if part.kind == StepKind.IO else 0.0
                want = 1.1 * text_width(plain(text), size) / LANE_LINES + 2 * pad + 8 + skew
                wants[lane] = max(wants[lane], want)

    def told(fine: bool) -> list[float] | None:
        needs = [0.0] * n
        for lane, kind, text in shaped:
            left, right = equal if lane > 0 else 0.0, equal if lane + 1 < n else 0.0
            needs[lane] = max(needs[lane], _lane_need(kind, text, size, left, right, floor, share, fine))
            if not fine and needs[lane] > share + 0.01:
                return None
        return needs

    # how much less than its share a lane needs matters only when another lane takes more
    needs = told(False) if max(wants, default=0.0) <= share + 0.01 else None
    if needs is None:
        needs = told(True)
    assert needs is not None
    return needs, wants


EDGE_WIDEST = 200.0  # pt: the widest lane `_edge_need` looks for


def _quarter_up(w: float) -> float:
    return math.ceil(w * 4 - 1e-9) / 4


def _fits_ratio(kind: StepKind, text: str, size: float, w: float, left: float, right: float) -> bool:
    """Does a decision (a terminator) alone in its row reach its ratio in a lane `w` wide, with lanes
    `left` / `right` wide beside it? (`_layout`'s own call: `_fitted_shape` at the lane less its pad.)"""
    low = DIAMOND_RATIO[0] if kind == StepKind.DECISION else TERMINATOR_RATIO[0]
    sw, sh, _lines = _fitted_shape(kind, text, w - min(4.0, min(LANE_PAD, w * 0.075)), size, (w, left, right))
    return sw / sh >= low - 1e-9


def _narrowest_shape(kind: StepKind, text: str, size: float, widest: float) -> float:
    """About the narrowest decision (terminator) that holds `text` at its ratio (`_shape`), found by
    halving; `widest` when none up to it does."""
    low = DIAMOND_RATIO[0] if kind == StepKind.DECISION else TERMINATOR_RATIO[0]

    def wide_enough(d: float) -> bool:
        sw, sh, _lines = _shape(kind, text, d, size)
        return sw / sh >= low

    lo, hi = 20.0, widest
    if not wide_enough(hi):
        return widest
    for _ in range(7):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if wide_enough(mid) else (mid, hi)
    return hi


@lru_cache(maxsize=4096)  # the fit loop's passes and every build ask again
def _edge_need(kind: StepKind, text: str, size: float) -> float:
    """The narrowest lane (quarter points, up to EDGE_WIDEST) at the chart's edge in which a decision
    (a terminator) alone in its row reaches its ratio. There it reaches inward only, at most 0.9 of
    its own lane (`diamond_reach`), so this holds whatever its neighbour's width: told once a chart."""
    shape = _narrowest_shape(kind, text, size, diamond_reach(EDGE_WIDEST, 1.0, 0.0))
    w = _quarter_up(min(EDGE_WIDEST, (shape + 4) / 1.875))  # the eighth-lane steps of `_diamond` reach 1.875 lanes
    while w < EDGE_WIDEST and not _fits_ratio(kind, text, size, w, w, 0.0):
        w = _quarter_up(min(EDGE_WIDEST, w + 1.0))
    return w


def _lane_need(kind: StepKind, text: str, size: float, left: float, right: float, floor: float,
               share: float, fine: bool) -> float:
    """The lane a decision (a terminator) alone in its row needs to reach its ratio (`_diamond`),
    with lanes `left` / `right` wide beside it (0: the chart's edge), in quarter points: where it
    fits in its `share`, the share — or, `fine`, the floor (with lanes both sides it reaches over
    them) or at the edge the narrowest lane it fits in (`_edge_need`). One that does not fit in its
    share needs more: at the edge `_edge_need`, else the lane that lets its narrowest shape be drawn
    over its neighbours, checked in steps of an eighth share up to LANE_WIDEST shares. (The first
    check is the layout's own at equal widths: a cache hit there.)"""
    edge = not (left and right)
    if edge and fine:
        return max(_quarter_up(floor), _edge_need(kind, text, size))
    equal = math.floor(share * 4 + 1e-9) / 4
    if _fits_ratio(kind, text, size, equal, left, right):
        return _quarter_up(floor) if fine else equal
    if edge:
        return _edge_need(kind, text, size)
    cap, step = LANE_WIDEST * share, share / 8
    shape = _narrowest_shape(kind, text, size, diamond_reach(cap, left, right))
    w = _quarter_up(max(floor, min(cap, shape + 4 - 2 * min(left, right))))
    while w < cap and not _fits_ratio(kind, text, size, w, left, right):
        w = _quarter_up(min(cap, w + step))
    return w


def role_order(proc: Procedure) -> list[str]:
    """Every role of `proc` in the one order all outputs print them: the roles list as the author
    wrote it, then any actor the list does not name, in order of first action."""
    return list(dict.fromkeys([*(r.id for r in proc.roles), *proc.actors()]))


def lane_order(proc: Procedure) -> list[str]:
    """The lanes of the flowchart and the Pelaksana columns of the SOP: `role_order` restricted to
    the roles that act (a role with no step gets no lane)."""
    acting = set(proc.actors())
    return [role for role in role_order(proc) if role in acting]


def layout(
    proc: Procedure,
    *,
    lanes: list[str] | None = None,
    rows_per_page: int = 13,
    swimlanes: bool = True,
    lane_titles: dict[str, str] | None = None,
    max_height: float | None = None,
    geometry: Geometry | None = None,
    lang: str = "id",
) -> Layout:
    """`_layout` at the printed size: without a caller's `geometry`, a swimlane chart whose side
    channels make it wider than the A4 text width (FIT_WIDTH) is laid out again with narrower
    lanes, and one with a page taller than `max_height` is cut again shorter, so it prints unscaled
    and its text keeps its size (8 pt, 7 pt from 7 lanes on).

    Inside `shared.shared_work()` (a build) equal arguments give the one Layout laid out first; a
    chart cut to `max_height` that came out as one sheet no height bound touched is also the chart
    of the whole flow on one page (the web page's), which is then not laid out again."""
    if not shared.active():
        return _fitted(proc, lanes, rows_per_page, swimlanes, lane_titles, max_height, geometry, lang)
    content = shared.content(proc)
    order, titles = None if lanes is None else tuple(lanes), tuple(sorted((lane_titles or {}).items()))

    def make() -> Layout:
        memo: dict[str, Any] = {}
        result = _fitted(proc, lanes, rows_per_page, swimlanes, lane_titles, max_height, geometry, lang, memo)
        if max_height is not None and geometry is None and not memo.get("bounded"):
            whole = ("layout", content, order, max(1, len(proc.steps)), swimlanes, titles, None, None, lang)
            shared.shared(whole, lambda: result)
        return result

    return shared.shared(("layout", content, order, rows_per_page, swimlanes, titles, max_height, geometry, lang), make)


def _fitted(
    proc: Procedure,
    lanes: list[str] | None,
    rows_per_page: int,
    swimlanes: bool,
    lane_titles: dict[str, str] | None,
    max_height: float | None,
    geometry: Geometry | None,
    lang: str,
    memo: dict[str, Any] | None = None,
) -> Layout:
    """`layout` without the sharing: the fit loop. `memo` (see `_layout`) ends with "bounded" set when
    a pass was cut into sheets, cut shorter or kept from growing by `max_height`: without it the
    result is the one the same arguments give without `max_height` and with one page for all rows."""
    passes: dict[str, Any] = {} if memo is None else memo

    def again(space: float | None, cut_at: float | None) -> Layout:
        if cut_at != max_height:  # cut again shorter
            passes["bounded"] = True
        return _layout(proc, lanes=lanes, rows_per_page=rows_per_page, swimlanes=swimlanes, lane_titles=lane_titles,
                       max_height=cut_at, geometry=geometry, lang=lang, space=space, height_limit=max_height,
                       measure=False, memo=passes)

    result = again(None, max_height)
    if geometry is None and swimlanes:
        result = _refit(result, again, proc, max_height)
    for pg in result.pages:  # only the pass kept is measured (half the passes are laid out again)
        _measure(pg, result.metrics)
    return result


def _refit(result: Layout, again: Callable[[float | None, float | None], Layout], proc: Procedure,
           max_height: float | None) -> Layout:
    """The fit loop of `_fitted`: narrower lanes while too wide, a shorter cut while too tall."""
    space: float | None = None
    cut_at = max_height
    for _attempt in range(4):
        widest = max(pg.width for pg in result.pages)
        tallest = max(pg.height for pg in result.pages)
        wide, tall = widest > FIT_WIDTH, bool(max_height and tallest > max_height and len(proc.steps) > 1)
        if not (wide or tall):
            break
        if wide:  # the lanes share less: (in quarter points) a quarter point less a lane than the overflow
            n = len(result.pages[0].lanes)
            narrower = (sum(lane.width for lane in result.pages[0].lanes) - (widest - FIT_WIDTH)) / n
            space = n * (int(narrower * 4 - 1) / 4)
        if tall and max_height is not None and cut_at is not None:  # the page cut missed rows of connectors
            cut_at -= tallest - max_height + 1.0
        result = again(space, cut_at)
    return result


def _layout(
    proc: Procedure,
    *,
    lanes: list[str] | None = None,
    rows_per_page: int = 13,
    swimlanes: bool = True,
    lane_titles: dict[str, str] | None = None,
    max_height: float | None = None,
    geometry: Geometry | None = None,
    lang: str = "id",
    space: float | None = None,
    widths: tuple[float, ...] | None = None,
    height_limit: float | None = None,
    measure: bool = True,
    memo: dict[str, Any] | None = None,
) -> Layout:
    """Lay out the flow of `proc` on pages of at most `rows_per_page` step rows (step texts in `lang`:
    a step's `do_en` in English when written).

    `lanes` fixes the lane order (default `lane_order(proc)`; roles missing from it are appended in
    order of first action);
    `lane_titles` maps role ids to the header text (default: the id). Steps without an actor stay
    in the lane of the step above them. With `swimlanes=False` every step sits in one column.
    `max_height` (points) also breaks a page before a row that would make it taller. With a
    `geometry` the grid is the caller's: its lane width, row heights, page cuts and shape sizes
    (no header, no text in the shapes, channels inside the lanes). `height_limit`: the page height
    the room made for labels may grow a page to (default `max_height`, which `layout` lowers to cut
    pages whose connectors took more than the estimate). `measure=False` leaves `metrics` at zero
    (the fit loop measures only the pass it keeps). `memo`: what the fit loop's passes over one
    procedure share, as they differ only in lane width and cut (lane order, symbols, edges, texts).
    """
    height_limit = height_limit or max_height
    started = time.perf_counter()
    rows_per_page = max(1, rows_per_page)
    steps = proc.steps
    if geometry:
        geometry = _dyadic(geometry)
    memo = {} if memo is None else memo
    if "order" not in memo:
        if swimlanes:
            memo["order"] = list(dict.fromkeys([*(lane_order(proc) if lanes is None else lanes), *proc.actors()])) or [""]
        else:
            memo["order"] = [""]
        memo["parts"] = [step.symbols() for step in steps]
        memo["succ"] = successors(proc)
        memo["texts"] = {}
    order = list(memo["order"])
    texts: dict[tuple[int, int], str] = memo["texts"]
    lane_index = {role: i for i, role in enumerate(order)}
    n_lanes = len(order)
    size = text_size(n_lanes)

    # the symbols of each row: node id, kind, lane, span, part (each step id once: duplicates are a
    # lint error, not ours to draw twice); a symbol without an actor stays in the lane of the one before it
    if "cells" not in memo:
        cells: _Cells = []
        seen: set[str] = set()
        current = 0
        for number, (step, parts) in enumerate(zip(steps, memo["parts"], strict=True), start=1):
            if step.id in seen:
                continue
            seen.add(step.id)
            row_cells: list[tuple[str, Any, int, int, int]] = []
            for k, part in enumerate(parts, start=1):
                lane, span = current, 1
                known = sorted({lane_index[a] for a in part.actors if a in lane_index}) if swimlanes else []
                if known:
                    lane = lane_index.get(part.actors[0], known[0])
                    if len(known) > 1 and known[-1] - known[0] + 1 == len(known):  # adjacent lanes (P114)
                        lane, span = known[0], len(known)
                    current = lane
                row_cells.append((step.id if k == 1 else f"{step.id}#{k}", part, lane, span, k if len(parts) > 1 else 0))
            cells.append((number, step.id, step.kind.value, row_cells))
        memo["cells"] = cells
    cells = memo["cells"]

    def text_of(number: int, k: int, part: Any) -> str:
        if (number, k) not in texts:
            texts[(number, k)] = substitute(english(part.do, part.do_en, lang), proc)
        return texts[(number, k)]

    if geometry:
        grid = _Lanes.uniform(geometry.lane_width, n_lanes)
    else:
        if widths is None:
            key = f"widths {space}"
            if key not in memo:
                titled = [(lane_titles or {}).get(role, role) for role in order] if swimlanes else [""]
                memo[key] = _chart_lanes(cells, text_of, titled, size, space or n_lanes * lane_width(n_lanes, swimlanes))
            widths = memo[key]
        grid = _Lanes.of(widths)
    # a narrow lane gives its shapes most of its width
    pads = [min(LANE_PAD, grid.w(lane) * 0.075) for lane in range(n_lanes)]

    symbols: dict[str, list[_Symbol]] = {}
    ordered: list[tuple[int, str, str]] = []
    for number, sid, kind, row_cells in cells:
        row: list[_Symbol] = []
        for nid, part, lane, span, k in row_cells:
            if geometry:
                w, h = geometry.size(part.kind)
                if span > 1:
                    w += (span - 1) * geometry.lane_width
                shape: tuple[float, float, list[str]] = (w, h, [])
            else:
                # a diamond alone in its row may use nearly the whole lane (it wastes its corners)
                # (so does a terminator: an oval wider than tall, never the connector's circle)
                alone = part.kind in (StepKind.DECISION, StepKind.START, StepKind.END) and len(row_cells) == 1
                pad = min(pads[lane : lane + span])
                width = grid.span(lane, span) - (min(4.0, pad) if alone else 2 * pad)
                w, h, fitted = _fitted_shape(part.kind, text_of(number, max(k, 1), part), width, size,
                                             _beside(grid, lane) if alone and span == 1 else None)
                shape = (w, h, list(fitted))
            row.append(_Symbol(nid, part.kind.value, lane, span, shape, k))
        symbols[sid] = row
        ordered.append((number, sid, kind))
    entry = {sid: row[0] for sid, row in symbols.items()}
    leave = {sid: row[-1] for sid, row in symbols.items()}
    row_h = {sid: max(sym.shape[1] for sym in row) for sid, row in symbols.items()}

    # titles
    titles: list[tuple[str, ...]] = []
    header = 0.0
    if swimlanes and not geometry:
        for i, role in enumerate(order):
            title = (lane_titles or {}).get(role, role)
            titles.append(tuple(wrap(title, grid.w(i) - 6, size, bold=True)) or ("",))
        header = max(len(t) for t in titles) * size * LINE_HEIGHT + 2 * HEADER_PAD

    succ: dict[str, list[graph.Edge]] = memo["succ"]
    sources: dict[str, set[str]] = {}  # target step -> the steps with an edge into it
    for _n, sid, _k in ordered:
        for e in succ.get(sid, []):
            sources.setdefault(e.target, set()).add(sid)
    # what the cut needs of each step to tell a sheet's connectors, with its symbols placed as the
    # page will place them: the steps with an edge into it; the lane of its first symbol (where
    # connectors arrive) and of its last (where they leave), each with whether a line down the middle
    # of that lane meets it (`_Router._x_in`); the lanes its row covers (bit k: lane k; a wide
    # diamond reaches over its neighbours); the steps its edges go to
    facts: dict[str, tuple[set[str], int, bool, int, bool, int, tuple[str, ...]]] = {}
    if not geometry:
        middle = [grid.cx(lane) for lane in range(n_lanes)]
        for sid, row in symbols.items():
            placed = [Node(sym.id, 0, sym.kind, sym.lane, 0, 0, sym.shape[0], sym.shape[1], step=sid, part=sym.part,
                           span=sym.span) for sym in row]
            _centre(placed, grid, n_lanes)
            first, last = placed[0], placed[-1]
            meets = [n.span > 1 and n.kind != StepKind.DECISION or n.cx == middle[n.lane] for n in (first, last)]
            covers = sum({1 << lane for n in placed for lane in _covered(n, grid, n_lanes)})
            targets = tuple(dict.fromkeys(e.target for e in succ.get(sid, [])))
            facts[sid] = (sources.get(sid, set()), first.lane, meets[0], last.lane, meets[1], covers, targets)
    every = (1 << n_lanes) - 1

    def sheet_connectors(chunk: list[tuple[int, str, str]]) -> tuple[list[tuple[str, int, bool, int]], list[tuple[str, int, bool, int]]]:
        """The connectors a sheet of `chunk` gets, incoming top to bottom and outgoing, one per target
        step: (target, lane, straight, open) as `_connector_rows` weighs them — whether the line can
        run straight down the connector's lane (no shape of the sheet between) and, for an outgoing
        one, the lanes free of shapes below its step."""
        ids = {sid for _n, sid, _k in chunk}
        rows = [facts[sid] for _n, sid, _k in chunk]
        ins: list[tuple[str, int, bool, int]] = []
        above = 0
        for (_n, sid, _k), (froms, lane, meets, _l, _m, covers, _t) in zip(chunk, rows, strict=True):
            if froms and not froms <= ids:
                ins.append((sid, lane, meets and not above >> lane & 1, 0))
            above |= covers
        free: list[int] = []  # the lanes with no shape below row r
        below = 0
        for fact in reversed(rows):
            free.append(every & ~below)
            below |= fact[5]
        free.reverse()
        outs: list[tuple[str, int, bool, int]] = []
        seen: set[str] = set()
        for (_f, _l, _m, lane, meets, _c, targets), open_lanes in zip(rows, free, strict=True):
            for target in targets:
                if target not in ids and target not in seen:  # a target reached twice: from its first source
                    seen.add(target)
                    outs.append((target, lane, meets and bool(open_lanes >> lane & 1), open_lanes))
        return ins, outs

    heights: dict[tuple[int, int], float] = {}  # the cut and `balance_cuts` ask about a sheet again and again
    # the room a connector row's page text takes, by direction and whether the row is the page's edge
    ref_room: dict[tuple[str, bool, int], float] = {}  # ... and the lane the connector stands in
    if not geometry:
        for lane in range(n_lanes):
            probe = [Node(f"{d}:", 0, "offpage", lane, grid.x(lane) + (grid.w(lane) - CONNECTOR_W) / 2, 0.0,
                          CONNECTOR_W, CONNECTOR_H) for d in ("in", "out")]
            for edge in (True, False):
                ref_room[("in", edge, lane)] = _page_ref_room(probe[:1], grid, lang, edge, False)[0]
                ref_room[("out", edge, lane)] = _page_ref_room(probe[1:], grid, lang, False, edge)[1]

    def sheet_height(chunk: list[tuple[int, str, str]]) -> float:
        """The height the sheet of `chunk` will have (as `_layout` places its rows): header, step rows
        and its rows of connectors, told from the shapes without laying the sheet out."""
        key = (chunk[0][0], len(chunk))
        if key not in heights:
            heights[key] = measured(chunk)
        return heights[key]

    def measured(chunk: list[tuple[int, str, str]]) -> float:
        ins, outs = sheet_connectors(chunk)
        # the lanes of each row of connectors, in the order `build` stacks them: at the top the rows
        # of their own, then the shared row; at the foot the shared row, then the rows of their own
        rows: list[list[list[int]]] = []
        for k, side in enumerate((ins, outs)):
            shared, own = _connector_rows(tuple(c[1:] for c in side), n_lanes) if side else ((), ())
            alone = [[side[i][1]] for i in own]
            together = [[lane for _i, lane in shared]] if shared else []
            rows.append(alone + together if k == 0 else together + alone)
        # a row of connectors: its page text over (under) it when its lane has no room beside it,
        # less of it on the page's first (last) row, which only has the 3/4 gap (`_page_ref_room`)
        tops = [CONNECTOR_H + max(ref_room[("in", k == 0, lane)] for lane in lanes)
                for k, lanes in enumerate(rows[0])]
        feet = [CONNECTOR_H + max(ref_room[("out", k == len(rows[1]) - 1, lane)] for lane in lanes)
                for k, lanes in enumerate(rows[1])]
        return _sheet_height(header, [*tops, *(row_h[sid] for _n, sid, _k in chunk), *feet])

    # pages: step rows per page
    chunks: list[list[tuple[int, str, str]]] = [[]]
    if geometry:
        chunks = _cut(ordered, geometry.page_rows)
    else:
        # a sheet as full as it will really be: as many steps as their rows alone allow, then fewer
        # while its rows of connectors make it too tall (a step taller than a page still gets one);
        # a label line's height is kept free for the room an exit label may ask under its decision
        # (`_Room`: a page full to the last point could not make it, and its labels would sit worse)
        limit = max_height - LABEL_PITCH * LABEL_SIZE if max_height else None
        chunks = []
        start = 0
        while start < len(ordered):
            count, used = 1, _sheet_height(header, [row_h[ordered[start][1]]])
            while start + count < len(ordered) and count < rows_per_page:
                used += row_h[ordered[start + count][1]] + ROW_GAP
                if limit and used > limit:
                    break
                count += 1
            while limit and count > 1 and sheet_height(ordered[start : start + count]) > limit:
                count -= 1
            chunks.append(ordered[start : start + count])
            start += count
        chunks = chunks or [[]]

        def fits(chunk: list[tuple[int, str, str]], first: bool, last: bool) -> bool:
            return len(chunk) <= rows_per_page and (not limit or sheet_height(chunk) <= limit)

        balance_cuts(chunks, fits)
    page_of = {sid: p for p, chunk in enumerate(chunks) for _n, sid, _k in chunk}
    row_height = {sid: geometry.row_heights[i] for i, (_n, sid, _k) in enumerate(ordered)} if geometry else {}
    english_labels: dict[tuple[str, str | None], str] = {(step.id, ex.to): ex.label_en for step in proc.steps for ex in step.exits if ex.label_en}
    english_labels.update({(step.id, None): step.next_label_en for step in proc.steps if step.next_label_en})

    step_by_id = {step.id: step for step in proc.steps}

    def edge_label(e: graph.Edge) -> str | None:
        """The arrow's label in `lang` (its `label_en` / `next_label_en` in English, when written)."""
        if lang != "en" or not e.label:
            return e.label
        is_exit = any(ex.to == e.target for ex in (step_by_id[e.source].exits if e.source in step_by_id else []))
        return english_labels.get((e.source, e.target if is_exit else None)) or e.label
    all_edges = [e for _n, sid, _k in ordered for e in succ.get(sid, [])]

    # off-page connectors: one letter per target step reached from another page
    letters: dict[str, str] = {}
    for e in all_edges:
        if page_of[e.source] != page_of[e.target] and e.target not in letters:
            letters[e.target] = _letters(len(letters))

    pages: list[Page] = []
    plain: dict[int, Callable[[], tuple[Page, _Room, bool]]] = {}  # pages widened for labels: built without
    metrics = Metrics()
    by_node = {sym.id: sym for row in symbols.values() for sym in row}
    into_page: dict[int, list[graph.Edge]] = {}  # the edges into each page's steps, and into each step
    into_step: dict[str, list[graph.Edge]] = {}
    for e in all_edges:
        into_page.setdefault(page_of[e.target], []).append(e)
        into_step.setdefault(e.target, []).append(e)
    for p, chunk in enumerate(chunks):
        ins: list[Node] = []
        steps_here: list[Node] = []
        outs: list[Node] = []
        offpage: list[OffPage] = []
        incoming = sorted(
            {e.target for e in into_page.get(p, ()) if page_of[e.source] != p},
            key=lambda sid: letters[sid],
        )
        cw, ch = (geometry.connector_width, geometry.connector_height) if geometry else (CONNECTOR_W, CONNECTOR_H)
        for target in incoming:
            source_pages = sorted({page_of[e.source] for e in into_step[target] if page_of[e.source] != p})
            nid = f"in:{letters[target]}"
            ins.append(Node(nid, 0, "offpage", entry[target].lane, 0, 0, cw, ch, (), letters[target]))
            offpage.append(OffPage(letters[target], nid, target, "in", source_pages[0] + 1))
        for number, sid, _kind in chunk:
            for sym in symbols[sid]:
                w, h, lines = sym.shape
                steps_here.append(Node(sym.id, number, sym.kind, sym.lane, 0, 0, w, h, tuple(lines),
                                       step=sid, part=sym.part, span=sym.span))
        outgoing: dict[str, str] = {}  # target step -> the node its edge leaves from
        for _n, sid, _k in chunk:
            for e in succ.get(sid, []):
                if page_of[e.target] != p and e.target not in outgoing:
                    outgoing[e.target] = leave[sid].id
        for target in sorted(outgoing, key=lambda sid: letters[sid]):
            nid = f"out:{letters[target]}"
            outs.append(Node(nid, 0, "offpage", by_node[outgoing[target]].lane, 0, 0, cw, ch, (), letters[target]))
            offpage.append(OffPage(letters[target], nid, target, "out", page_of[target] + 1))

        def build(room: _Room, ins: list[Node], steps_here: list[Node], outs: list[Node], p: int = p,
                  offpage: list[OffPage] = offpage, outgoing: dict[str, str] = outgoing,
                  chunk: list[tuple[int, str, str]] = chunk, margins: bool = True) -> tuple[Page, _Room, bool]:
            """The page with `room` made (row gaps under rows, side margins): the page, the room its
            labels ask for, and whether its side margins were widened for them (never, without
            `margins`) (this page's `p`, `offpage`, `outgoing`, `chunk` bound: it runs in this
            iteration only)."""
            if geometry:
                nodes, height, rules_y = _place_grid(ins, steps_here, outs, geometry, n_lanes, row_height,
                                            {n.id: offpage_target(offpage, n.id) for n in ins},
                                            {n.id: outgoing[offpage_target(offpage, n.id)] for n in outs})
                rows: list[list[Node]] | None = None
            else:
                # rows: one shape each (a row of parts: its symbols side by side), centred in their lanes;
                # the connectors at the top share a row, and so do those at the foot (`_connector_rows`)
                nodes = [*ins, *steps_here, *outs]
                by_letter = {n.id: n for n in (*ins, *outs)}
                sheet_ins, sheet_outs = sheet_connectors(chunk)
                in_nodes = [by_letter[f"in:{letters[c[0]]}"] for c in sheet_ins]
                out_nodes = [by_letter[f"out:{letters[c[0]]}"] for c in sheet_outs]
                shared, own = _connector_rows(tuple(c[1:] for c in sheet_ins), n_lanes)
                top = [[in_nodes[i]] for i in own] + ([[in_nodes[i] for i, _lane in shared]] if shared else [])
                shared, own = _connector_rows(tuple(c[1:] for c in sheet_outs), n_lanes)
                for i, lane in shared:  # a connector may stand in another lane than its step's (`_connector_rows`)
                    out_nodes[i].lane = lane
                foot = ([[out_nodes[i] for i, _lane in shared]] if shared else []) + [[out_nodes[i]] for i in own]
                rows = [*top, *_rows(steps_here), *foot]
                y = header + ROW_GAP * 0.75
                placed: list[float] = []  # each row's height with the room over and under it
                for r, row_nodes in enumerate(rows):
                    tallest = max(n.h for n in row_nodes)
                    _centre(row_nodes, grid, n_lanes)
                    over, under = _page_ref_room(row_nodes, grid, lang, r == 0, r == len(rows) - 1)
                    if room.gaps:  # (adding 0.0 changes nothing: under is never -0.0)
                        under += max((room.gaps.get(n.id, 0.0) for n in row_nodes), default=0.0)
                    y += over
                    for node in row_nodes:
                        node.y = y + (tallest - node.h) / 2
                    y += tallest + under + ROW_GAP
                    placed.append(over + tallest + under)
                height = _sheet_height(header, placed)
                rules_y = (header,) if header else ()

            router = _Router(nodes, n_lanes, grid, table=geometry is not None, lang=lang, rows=rows)
            by_id = {n.id: n for n in nodes}
            wanted: list[tuple[Node, Node, str | None]] = []
            inside: set[int] = set()  # the arrows between the parts of a row
            for k, node in enumerate(nodes):
                if node.kind == "offpage":
                    if node.id.startswith("in:"):
                        wanted.append((node, by_id[offpage_target(offpage, node.id)], None))
                    continue
                if node.part and k + 1 < len(nodes) and nodes[k + 1].step == node.step and nodes[k + 1].part:
                    inside.add(len(wanted))
                    wanted.append((node, nodes[k + 1], None))  # part to part, in the order written
                    continue
                for e in succ.get(node.step, []):
                    dest = by_id.get(entry[e.target].id) or by_id[f"out:{letters[e.target]}"]
                    wanted.append((node, dest, edge_label(e)))

            into: dict[str, int] = {}
            for _s, t, _l in wanted:
                into[t.id] = into.get(t.id, 0) + 1
            router.merging = {nid for nid, count in into.items() if count > 1}
            for s_, _t, _l in wanted:
                router.exits[s_.id] = router.exits.get(s_.id, 0) + 1
            routed: list[tuple[Node, Node, str | None, list[Point], bool]] = []
            channel: list[tuple[int, Node, Node, str | None, list[Point], float, float, int]] = []
            results: dict[int, tuple[list[Point], bool]] = {}
            # the arrows inside a row of parts first: they are the row's own, straight across
            gap = (geometry.track_gap if geometry else ROW_GAP * 0.3)
            for i in sorted(inside):
                results[i] = (router.route_part(wanted[i][0], wanted[i][1], gap), False)
            # forward edges next, shortest first: short hops get the straight lines
            forward = [
                (i, w) for i, w in enumerate(wanted) if router.row[w[1].id] > router.row[w[0].id] and i not in inside
            ]
            forward.sort(key=lambda iw: (router.row[iw[1][1].id] - router.row[iw[1][0].id], iw[0]))
            pending: list[int] = [i for i, w in enumerate(wanted)
                                  if router.row[w[1].id] <= router.row[w[0].id] and i not in inside]
            for i, (s, t, _label) in forward:
                pts = router.route_forward(s, t)
                if pts is None:
                    pending.append(i)
                else:
                    results[i] = (pts, False)
            for i in sorted(pending):
                s, t, label = wanted[i]
                if geometry:  # a gutter inside the lanes, left of the leftmost of the two shapes
                    side = -1
                elif n_lanes == 1:  # plain chart: loop-backs on the left, forward detours on the right
                    side = -1 if router.row[t.id] <= router.row[s.id] else 1
                else:  # the nearer side of the lane area
                    side = -1 if s.lane + t.lane <= n_lanes - 1 else 1
                gutter = router.free_gutter(s, t) if geometry else 0
                # a decision whose vertex towards the channel and whose bottom vertex already hold exits
                # leaves from its other side vertex, into a channel on that side
                names = ("left", "right") if side < 0 else ("right", "left")
                if (s.kind == StepKind.DECISION and (s.id, "bottom") in router.ports and router._vertex_taken(s, names[0])
                        and not router._vertex_taken(s, names[1])):
                    side = -side
                    if geometry:
                        gutter = router.free_gutter(s, t, right=True)
                # a first column's decision: a channel at the table's edge leaves its label no room
                # between it and the line through the top (bottom) vertex (a 17 mm column: 17 pt;
                # "Tidak/sesuai" is 24 pt); the draughtsman takes the exit out of the free right
                # vertex, into the gutter by the next column, its label beside it there (only where
                # no line routed so far runs across that gutter: no new crossing), or else out of the
                # free bottom vertex, its label beside the drop in the column's middle (a loop-back:
                # an exit into a connector that way runs its label across the column rule)
                below = False
                if (geometry and s.kind == StepKind.DECISION and side < 0 and gutter == 0 and label
                        and min(_label_extent(v, geometry.label_size)[0] for v in
                                _label_variants(label, geometry.label_size, lang, slash=True)) > s.cx - GRID_EDGE_ROOM):
                    if (not router._vertex_taken(s, "right") and router.free_gutter(s, t, right=True) == 1
                            and not _runs_across(results.values(), s.x + s.w,
                                                 geometry.lane_width + (geometry.lane_width - geometry.shape_width) / 2, s.cy, t.cy)):
                        side, gutter = 1, 1
                    else:
                        below = not router._vertex_taken(s, "bottom")
                if geometry and "offpage" in (s.kind, t.kind):
                    pts, lo, hi = router.route_band_channel(s, t, geometry.band, gutter, side)
                elif geometry and side > 0:
                    pts, lo, hi = router.route_channel(s, t, side, gutter - 1)
                else:
                    pts, lo, hi = router.route_channel(s, t, side, gutter if side < 0 else n_lanes - 1,
                                                       i in room.below or below)
                key = gutter if geometry else side
                channel.append((i, s, t, label, pts, lo, hi, key))
            channel = _untangle_ports(channel)
            left_tracks = right_tracks = 0
            if geometry:
                for gutter in sorted({c[7] for c in channel}):
                    members = [c for c in channel if c[7] == gutter]
                    assigned = _assign_tracks([(c[5], c[6], c[0]) for c in members])
                    xs = _gutter_tracks(gutter, 1 + max(assigned.values()), geometry.lane_width, geometry, n_lanes)
                    for i, _s, _t, _label, pts, _lo, _hi, _g in members:
                        x = xs[assigned[i]]
                        at = 2  # every channel: two points of its start, the track, two points of its end
                        pts[at] = (x, pts[at][1])
                        pts[at + 1] = (x, pts[at + 1][1])
                        results[i] = (_simplify(pts), True)
            else:
                tracks: dict[int, dict[int, int]] = {}
                for side in (-1, 1):
                    tracks[side] = _assign_tracks([(c[5], c[6], c[0]) for c in channel if c[7] == side])
                left_tracks = 1 + max(tracks[-1].values(), default=-1)
                right_tracks = 1 + max(tracks[1].values(), default=-1)
                for i, _s, _t, _label, pts, _lo, _hi, side in channel:
                    k = tracks[side][i]
                    x = -(k + 1) * TRACK_GAP if side < 0 else grid.total + (k + 1) * TRACK_GAP
                    pts[2] = (x, pts[2][1])
                    pts[3] = (x, pts[3][1])
                    results[i] = (_simplify(pts), True)

            for i, (s, t, label) in enumerate(wanted):
                pts, back = results[i]
                routed.append((s, t, label, pts, back))

            if geometry:
                left = right = 0.0
            else:
                left = MARGIN + left_tracks * TRACK_GAP + (TRACK_GAP if left_tracks else 0) + (room.left if margins else 0.0)
                right = MARGIN + right_tracks * TRACK_GAP + (TRACK_GAP if right_tracks else 0) + (room.right if margins else 0.0)
            label_size = geometry.label_size if geometry else LABEL_SIZE

            def finish(left: float, right: float, grow: bool) -> tuple[Page, _Room]:
                return _finish_page(p + 1, nodes, routed, offpage, order, titles, grid, header, height, left,
                                    right, label_size, bounded=geometry is not None, rules_y=rules_y, lang=lang,
                                    grow=grow, widen=margins)

            page, asked = finish(left, right, not geometry and not room)
            if asked and not asked.gaps and not asked.below:  # wider margins only: the lines stand, the labels are placed again
                if not margins:
                    return page, _Room(), False
                for n in nodes:
                    n.x -= left  # as routed (finishing shifted them onto the page)
                wider, rest = finish(left + asked.left, right + asked.right, False)
                if rest.badness < asked.badness:
                    return wider, _Room(), True
                for n in nodes:
                    n.x -= asked.left  # back where the first finish put them
                return page, _Room(), False
            return page, asked, margins and bool(room.left or room.right)

        def roomier(room: _Room, margins: bool = True, build: Callable[..., tuple[Page, _Room, bool]] = build,
                    ins: list[Node] = ins, steps_here: list[Node] = steps_here, outs: list[Node] = outs
                    ) -> tuple[Page, _Room, bool]:
            """The page built with `room`, then (when that is none) with the room its labels ask for (on
            copies of the shapes), kept if they then sit better; not when the gaps would make the page
            too tall (each adds its height; `memo["bounded"]`: the height bound decided), nor when
            leaving by a bottom vertex draws more crossings. Without `margins` no label asks for a
            wider margin: it asks for a row gap or a bottom vertex instead. Gives the page, the room
            made and whether its margins were widened."""
            copy = [replace(n) for n in ins], [replace(n) for n in steps_here], [replace(n) for n in outs]
            page, asked, widened = build(room, *copy, margins=margins)
            made = room
            if room or not asked or geometry:
                return page, made, widened
            if height_limit and page.height + sum(asked.gaps.values()) > height_limit:
                memo["bounded"] = True  # (`_fitted`: the height bound decided)
                return page, made, widened
            copy = [replace(n) for n in ins], [replace(n) for n in steps_here], [replace(n) for n in outs]
            again, left_bad, wider = build(asked, *copy, margins=margins)
            if height_limit and again.height > height_limit:
                memo["bounded"] = True
            elif left_bad.badness < asked.badness and not (asked.below and _crossings(again) > _crossings(page)):
                page, widened, made = again, wider, _Room(gaps=asked.gaps, below=asked.below)
            return page, made, widened

        page, _made, widened = roomier(_Room())
        pages.append(page)
        if widened:  # the page without the margins its labels were given (`_narrowed`), built afresh: its
            # labels ask for row gaps and free bottom vertices instead (the room made with the margin may
            # have been less: 60 steps sheet 3's "Ditolak" leaves its free bottom vertex only so)
            plain[p] = partial(roomier, _Room(), margins=False)
    if len(pages) > 1:
        memo["bounded"] = True

    if plain and swimlanes and not geometry and size < FONT_SIZE:  # a crowded chart: its lanes kept (`_narrowed`)
        _narrowed(pages, plain, grid.total)
    # the lanes of every page share one x: shift pages with narrower channels; all take the widest,
    # wide enough for what a shifted page draws
    width = max(pg.width for pg in pages)
    left = max(pg.lanes[0].x for pg in pages)
    for pg in pages:
        _shift(pg, left - pg.lanes[0].x)
        width = max(width, _drawn_right(pg))
    for pg in pages:
        pg.width = width
    if measure:
        for pg in pages:
            _measure(pg, metrics)
    metrics.seconds = time.perf_counter() - started
    return Layout(pages=pages, lanes=order if swimlanes else [], swimlanes=swimlanes, font_size=size, metrics=metrics)


def _crossings(page: Page) -> int:
    """How many crossings (hops) a page draws."""
    return sum(len(points) for points in crossing_points(page).values())


def _narrowed(pages: list[Page], plain: dict[int, Callable[[], tuple[Page, _Room, bool]]], lanes_w: float) -> None:
    """Give back the side margins that pages widened for their labels where the chart, all its pages
    taking the widest margin on each side, would be wider than the A4 text width (FIT_WIDTH): the fit
    loop would narrow every lane of every page for one label, and on a chart of 7 lanes or more (44 pt
    lanes at 10) every point of a lane counts for its labels and the sheets' step count. The widest
    page on a side is built again without them, until the chart fits or no widened page sets its width."""
    while plain:
        sides = [(pg.lanes[0].x, max(pg.width, _drawn_right(pg)) - pg.lanes[0].x - lanes_w) for pg in pages]
        left, right = max(s[0] for s in sides), max(s[1] for s in sides)
        if left + lanes_w + right <= FIT_WIDTH:
            return
        widest = [p for p in plain if sides[p][0] >= left - 0.01 or sides[p][1] >= right - 0.01]
        if not widest:
            return
        for p in widest:
            pages[p] = plain.pop(p)()[0]


def _q(value: float) -> float:
    return round(value * 64) / 64


def _dyadic(g: Geometry) -> Geometry:
    """The grid on multiples of 1/64 pt: sums and halves of such numbers are exact in binary
    floating point, so a line from one shape's centre meets another's centre exactly (orthogonal)."""
    return replace(
        g,
        lane_width=_q(g.lane_width),
        row_heights=tuple(_q(h) for h in g.row_heights),
        shape_width=_q(g.shape_width),
        shape_height=_q(g.shape_height),
        decision_height=_q(g.decision_height),
        band=_q(g.band),
        connector_width=_q(g.connector_width),
        connector_height=_q(g.connector_height),
        track_gap=_q(g.track_gap),
    )


def balance_cuts(chunks: list[list[T]], fits: Callable[[list[T], bool, bool], bool], least: int = 3) -> None:
    """Even out the sheets of a cut: a sheet with fewer than `least` rows (say the end oval alone on
    the last sheet) takes rows from the sheet before it while that one keeps `least` and the rows
    still fit (`fits(chunk, first, last)`). A chart of `least` rows or fewer is left as it is."""
    if sum(len(c) for c in chunks) <= least:
        return
    last = len(chunks) - 1
    for i in range(last, 0, -1):
        while len(chunks[i]) < least and len(chunks[i - 1]) > least:
            moved = [chunks[i - 1][-1], *chunks[i]]
            if not fits(moved, False, i == last):
                break
            chunks[i] = moved
            chunks[i - 1].pop()
    if min(len(c) for c in chunks) < least:  # the neighbour had only `least` to give: shift rows down the chain
        shifted = _shift_cuts([list(c) for c in chunks], fits, least)
        if shifted is not None:
            chunks[:] = shifted
    # a sheet still too small (its neighbour could not give) joins the one before when both fit on one
    for i in range(last, 0, -1):
        if len(chunks[i]) < least and fits([*chunks[i - 1], *chunks[i]], i == 1, i == len(chunks) - 1):
            chunks[i - 1].extend(chunks.pop(i))


def _shift_cuts(chunks: list[list[T]], fits: Callable[[list[T], bool, bool], bool], least: int) -> list[list[T]] | None:
    """A short sheet takes its missing rows from the sheet before it even when that one is left short,
    which then takes from the one before it, and so on up the chain (every sheet of a tight cut holds
    `least`, the last one less). The shifted cut, or None when some sheet would not fit or stay short."""
    last = len(chunks) - 1
    for i in range(last, 0, -1):
        while len(chunks[i]) < least and len(chunks[i - 1]) > (least if i == 1 else 1):
            moved = [chunks[i - 1][-1], *chunks[i]]
            if not fits(moved, False, i == last):
                return None
            chunks[i] = moved
            chunks[i - 1].pop()
    if min(len(c) for c in chunks) < least:
        return None
    return chunks


def _cut(ordered: list[tuple[int, str, str]], page_rows: tuple[int, ...]) -> list[list[tuple[int, str, str]]]:
    """The caller's page cuts; rows it did not account for go on its last page."""
    chunks: list[list[tuple[int, str, str]]] = []
    start = 0
    for count in page_rows:
        if count > 0 and start < len(ordered):
            chunks.append(ordered[start : start + count])
            start += count
    if not chunks:
        chunks = [[]]
    chunks[-1].extend(ordered[start:])
    return chunks


def _band_lanes(nodes: list[Node], anchors: dict[str, Node], blocked: dict[str, set[int]], n_lanes: int) -> list[list[Node]]:
    """Rows of connectors: each in a lane of its own, preferring its step's lane, then the nearest
    lane with no shape between it and that step (a straight or single-bend line)."""
    rows: list[dict[int, Node]] = []
    for node in nodes:
        home = anchors[node.id].lane
        # a blocked lane means a detour through a gutter: about as long as a line across two lanes
        prefs = sorted(range(n_lanes), key=lambda lane: (abs(lane - home) + (2.5 if lane in blocked[node.id] else 0), lane))
        for row in rows:
            free = [lane for lane in prefs if lane not in row]
            if free:
                node.lane = free[0]
                row[free[0]] = node
                break
        else:
            node.lane = prefs[0]
            rows.append({prefs[0]: node})
    return [[row[lane] for lane in sorted(row)] for row in rows]


def _runs_across(routes: Iterable[tuple[list[Point], bool]], x1: float, x2: float, y1: float, y2: float) -> bool:
    """Does a level run of one of `routes` cross the strip x1..x2 between heights y1 and y2 (a channel
    there would cross it)?"""
    lo, hi = sorted((y1, y2))
    return any(a[1] == b[1] and lo < a[1] < hi and min(a[0], b[0]) < x2 and max(a[0], b[0]) > x1
               for pts, _back in routes for a, b in zip(pts, pts[1:], strict=False))


def _place_grid(
    ins: list[Node],
    steps_here: list[Node],
    outs: list[Node],
    geometry: Geometry,
    n_lanes: int,
    row_height: dict[str, float],
    in_target: dict[str, str],
    out_source: dict[str, str],
) -> tuple[list[Node], float, tuple[float, ...]]:
    """Nodes centred in the caller's cells: connector bands on top, step rows, connector bands below."""
    lane_w = geometry.lane_width
    by_id = {n.id: n for n in steps_here}
    above: dict[str, set[int]] = {}
    for node in ins:
        target = by_id[in_target[node.id]]
        above[node.id] = {lane for n in steps_here[: steps_here.index(target)] for lane in n.lanes}
    below: dict[str, set[int]] = {}
    for node in outs:
        source = by_id[out_source[node.id]]
        below[node.id] = {lane for n in steps_here[steps_here.index(source) + 1 :] for lane in n.lanes
                          if n.step != source.step}
    top_rows = _band_lanes(ins, {k: by_id[v] for k, v in in_target.items()}, above, n_lanes)
    foot_rows = _band_lanes(outs, {k: by_id[v] for k, v in out_source.items()}, below, n_lanes)
    nodes: list[Node] = []
    y = 0.0
    rules: list[float] = []  # the table's row rules: above each band and row (the first is the top)
    for row in top_rows:  # the connector low in its band, its page text above it (and below it at the foot)
        rules.append(y)
        for node in row:
            node.y = y + geometry.band - node.h - 1.5
            nodes.append(node)
        y += geometry.band
    for row_nodes in _rows(steps_here):
        rules.append(y)
        h = row_height[row_nodes[0].step]
        for node in row_nodes:
            node.y = y + (h - node.h) / 2
            nodes.append(node)
        y += h
    for row in foot_rows:
        rules.append(y)
        for node in row:
            node.y = y + 1.5
            nodes.append(node)
        y += geometry.band
    lanes = _Lanes.uniform(lane_w, n_lanes)
    for row_nodes in _rows(nodes):
        _centre(row_nodes, lanes)
    return nodes, y, tuple(rules[1:])


def _gutter_tracks(gutter: int, count: int, lane_w: float, geometry: Geometry, n_lanes: int | None = None) -> list[float]:
    """x of `count` tracks in the gutter left of lane `gutter`, innermost (nearest its shapes) first.

    The gutter spans the right margin of the lane to its left and the left margin of its own lane;
    tracks keep off the column line between them, so no connector hides in the table's grid.
    """
    margin = (lane_w - geometry.shape_width) / 2
    line = gutter * lane_w
    inset = min(1.5, margin / 3)
    # the inner track keeps some distance from the shapes: a line grazing a diamond's tip reads as touching it
    spans = [(line + inset, line + margin - max(inset, min(margin * 0.4, 2 * geometry.track_gap)))]
    if n_lanes is not None and gutter >= n_lanes:  # right of the last lane: its own margin only
        spans = []
    if gutter > 0:
        spans.append((line - margin + inset, line - inset))
    gap = geometry.track_gap
    while True:
        xs: list[float] = []
        for lo, hi in spans:
            x = hi
            while x >= lo - 1e-6:
                xs.append(round(x, 2))
                x -= gap
        if len(xs) >= count or gap < 0.8:
            break
        gap *= 0.8
    if not xs:
        xs = [line - margin / 2 if n_lanes is not None and gutter >= n_lanes else line + margin / 2]
    while len(xs) < count:  # more loops than room: share the outermost track (never leave the lanes)
        xs.append(xs[-1])
    return xs[:count]


def offpage_target(offpage: list[OffPage], node_id: str) -> str:
    for o in offpage:
        if o.node == node_id:
            return o.step
    raise KeyError(node_id)


def _simplify(pts: list[Point]) -> list[Point]:
    """Drop repeated and collinear middle points (a port level with the track gives a straight line)."""
    out: list[Point] = []
    for pt in pts:
        if out and out[-1] == pt:
            continue
        if len(out) >= 2 and (out[-2][0] == out[-1][0] == pt[0] or out[-2][1] == out[-1][1] == pt[1]):
            out[-1] = pt
            continue
        out.append(pt)
    return out


def _finish_page(
    number: int,
    nodes: list[Node],
    routed: list[tuple[Node, Node, str | None, list[Point], bool]],
    offpage: list[OffPage],
    order: list[str],
    titles: list[tuple[str, ...]],
    grid: _Lanes,
    header: float,
    height: float,
    left: float,
    right: float,
    label_size: float = LABEL_SIZE,
    bounded: bool = False,
    rules_y: tuple[float, ...] = (),
    lang: str = "id",
    grow: bool = False,
    widen: bool = True,
) -> tuple[Page, _Room]:
    """The page with its exit labels placed, and the room they ask for (`grow`, `widen`: see `_place_labels`)."""
    # labels stay on the canvas: the lanes only (a table's grid), or the lanes and their side margins
    bounds = (0.0, grid.total) if bounded else (-left, grid.total + right)
    # the lane borders cut a label; in the document's chart so do the outer ones (a label in a side
    # margin stays out of the lanes' frame), which a table's labels, kept inside it, never reach
    inner = range(1, len(order)) if bounded else range(len(order) + 1)
    rules_x = tuple(grid.x(i) for i in inner)
    # the routes as copies: placing a label may turn its exit aside (`_jogged_exit`), and a page is
    # finished again from the routes as made (wider margins, `_narrowed`)
    labelled = [(s, label, list(pts)) for s, _t, label, pts, _b in routed]
    crowded: list[str] = []
    if bounded:  # a caller's table: each label inside one of its cells (the caller grows its rows: `crowded`)
        spots = _place_grid_labels(nodes, labelled, label_size, bounds, height, rules_x, rules_y, lang, crowded)
        room = _Room()
    else:
        spots, room = _place_labels(nodes, labelled, label_size, bounds, numbered=True, rules_x=rules_x,
                                    rules_y=rules_y, lang=lang, grow=grow, crowded=text_size(len(order)) < FONT_SIZE,
                                    widen=widen)
    # shifted onto the page (by `left`) as they are made: what `_shift` would do, without making
    # every edge twice (a page is finished up to four times)
    dx = left
    edges = []
    for k, ((s, t, label, _routed, back), (_s, _l, pts)) in enumerate(zip(routed, labelled, strict=True)):
        at, anchor, printed = spots.get(k, (None, "start", label or ""))
        lines = tuple(printed.split("\n")) if "\n" in printed else ()
        if dx:
            points = tuple([(x + dx, y) for x, y in pts])
            at = (at[0] + dx, at[1]) if at else None
        else:
            points = tuple(pts)
        edges.append(Edge(s.id, t.id, label, points, back, at, anchor, lines))
    lanes = [Lane(role, grid.x(i) + dx if dx else grid.x(i), grid.w(i), titles[i] if titles else ())
             for i, role in enumerate(order)]
    if dx:
        for node in nodes:
            node.x += dx
    page = Page(number, left + grid.total + right, height, header, lanes, nodes, edges, offpage,
                tuple(dict.fromkeys(crowded)))
    return page, room


Box = tuple[float, float, float, float]  # x, y, w, h


@dataclass(slots=True)
class _Room:
    """Room a page's exit labels ask for: extra height under the rows of some shapes (by id), extra
    side margin, side exits into a channel that should leave their decision's free bottom vertex
    instead (by edge index, in routing order); and how badly they sit without it (the sum of their
    spots' penalties)."""

    gaps: dict[str, float] = field(default_factory=dict)
    left: float = 0.0
    right: float = 0.0
    badness: int = 0
    below: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.gaps or self.left or self.right or self.below)


def label_box(at: Point, anchor: str, text: str, size: float = LABEL_SIZE) -> Box:
    """The box an exit label drawn at baseline point `at` covers (italic and descenders included)."""
    w, h = _label_extent(text, size)
    return (at[0] - w if anchor == "end" else at[0], at[1] - 0.8 * size, w, h)


@lru_cache(maxsize=4096)
def _label_extent(text: str, size: float) -> tuple[float, float]:
    """(w, h) of a label's box: measured once per text (label placement boxes each text at many spots)."""
    lines = text.split("\n")
    w = max(sum(text_width(p.text, size, p.bold) for p in spans(line)) for line in lines) * 1.05
    return w, 1.05 * size + (len(lines) - 1) * LABEL_PITCH * size


LABEL_PITCH = 1.15  # line pitch of a wrapped exit label, times its size


@lru_cache(maxsize=2048)  # hyphenating is slow, and a page is laid out again and again with the same labels
def _label_variants(text: str, size: float = LABEL_SIZE, lang: str = "id", slash: bool = False) -> tuple[str, ...]:
    """The label on one line, then broken at the space (or slash) nearest its middle (a narrow column), then the
    two narrowest two-line forms hyphenated inside a word ("Leng-/kap", "Tidak leng-/kap"): a 7 pt
    label is wider than half a narrow lane, and a label across a lane rule is cut by it."""
    out = [text]
    words = text.split(" ")
    if len(words) > 1:
        cuts = sorted(range(1, len(words)), key=lambda k: abs(len(" ".join(words[:k])) - len(" ".join(words[k:]))))
        out.append(" ".join(words[: cuts[0]]) + "\n" + " ".join(words[cuts[0] :]))
    # (`slash`) or after a slash ("Sedang/" over "rendah"), where a line may break without a hyphen
    slashes = [i + 1 for i, ch in enumerate(text[:-1]) if ch == "/" and i and text[i - 1] != " " and text[i + 1] != " "]
    if slash and slashes and "\n" not in text:
        at = min(slashes, key=lambda i: abs(2 * i - len(text)))
        out.append(text[:at] + "\n" + text[at:])
    if "\n" in text or any(ch in text for ch in "*_`[<"):  # marked-up text is measured by spans: left whole
        return tuple(out)
    hyphenated: list[tuple[float, str]] = []
    for k, word in enumerate(words):
        for at in points(word, lang):
            if not (word[at - 1].isalpha() and word[at].isalpha()):  # a URL's "/" break: no label has one
                continue
            head = " ".join([*words[:k], word[:at] + "-"])
            tail = " ".join([word[at:], *words[k + 1 :]])
            widest = max(text_width(head, size), text_width(tail, size))
            hyphenated.append((widest, head + "\n" + tail))
    widest_now = min((max(text_width(line, size) for line in v.split("\n")) for v in out), default=0.0)
    out += [v for w, v in sorted(hyphenated)[:2] if w < widest_now]
    return tuple(out)


def _boxes_meet(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def box_meets_node(box: Box, node: Node) -> bool:
    """Does the box overlap the node's symbol (a diamond by its outline, other shapes by their box)?"""
    if not _boxes_meet(box, (node.x, node.y, node.w, node.h)):
        return False
    if node.kind != StepKind.DECISION:
        return True
    # the weighted L1 distance from the centre is separable: its minimum over the box is at the clamp
    px = min(max(node.cx, box[0]), box[0] + box[2])
    py = min(max(node.cy, box[1]), box[1] + box[3])
    return abs(px - node.cx) / (node.w / 2) + abs(py - node.cy) / (node.h / 2) < 1


def _segment_meets_box(p1: Point, p2: Point, box: Box) -> bool:
    x, y, w, h = box
    if p1[0] == p2[0]:
        lo, hi = sorted((p1[1], p2[1]))
        return x <= p1[0] <= x + w and lo <= y + h and hi >= y
    lo, hi = sorted((p1[0], p2[0]))
    return y <= p1[1] <= y + h and lo <= x + w and hi >= x


def _label_spots(
    pts: list[Point] | tuple[Point, ...], others: list[Point], size: float, source: Node | None = None,
    rules_x: tuple[float, ...] = (), rules_y: tuple[float, ...] = (), document: bool = False,
    crossed: tuple[float, ...] = (),
) -> list[tuple[Point, str]]:
    """Candidate baseline points for the label of an exit leaving at pts[0] towards pts[1], the side
    away from the source's other exits (`others`: their second points) first, then further along.
    With the grid's rules (`rules_x` lane borders, `rules_y` row borders) also the spots that keep a
    label inside one cell: tucked under a diamond's flank above the row rule, or at either end of
    the part of a horizontal segment that lies in one lane. In the `document`'s chart also spots in
    steps down (up) the first stretch of a channel that a stub leads into, clear of a wide diamond's
    flank; and (`crossed`: the x of other lines crossing a horizontal first segment, each drawn with
    a hop) at either end of each stretch between them, clear of the hop."""
    (x1, y1), (x2, y2) = pts[0], pts[1]
    gap, k = 3 * size / LABEL_SIZE, size / LABEL_SIZE
    length = abs(x2 - x1) + abs(y2 - y1)
    out: list[tuple[Point, str]] = []
    if x1 == x2:  # vertical
        down = y2 > y1
        base = y1 + (9 * k if down else -2.5 * k)
        right_first = not any(ox > x1 for ox, _oy in others)
        sides = [(x1 + gap, "start"), (x1 - gap, "end")]
        if not right_first:
            sides.reverse()
        for shift in (0.0, 0.35, 0.7):
            dy = shift * max(0.0, length - size - 2)
            for x, anchor in sides:
                out.append(((x, base + dy if down else base - dy), anchor))
        if down:
            rule = min((y for y in rules_y if y1 < y < y2), default=None)
            if rule is not None:
                for x, anchor in sides:  # in the shape's own cell, its box ending just above the rule
                    out.append(((x, rule - 0.5 - 0.25 * size), anchor))
                    out.append(((x, rule + 0.5 + 0.8 * size), anchor))  # just below it
    else:
        rightwards = x2 > x1
        anchor = "start" if rightwards else "end"
        above_first = not any(oy < y1 for _ox, oy in others)
        levels = [y1 - 2.5 * k, y1 + 9 * k]
        if not above_first:
            levels.reverse()
        for shift in (0.0, 0.35, 0.7):
            dx = shift * max(0.0, length - 2 * gap)
            x = x1 + gap + dx if rightwards else x1 - gap - dx
            for y in levels:
                out.append(((x, y), anchor))
        lo, hi = sorted((x1, x2))
        hops = {x for x in crossed if lo < x < hi}
        cuts = [lo, *sorted({x for x in rules_x if lo < x < hi} | hops), hi]
        pieces = list(zip(cuts, cuts[1:], strict=False))
        if not rightwards:
            pieces.reverse()
        for a, b in pieces:  # each lane the segment crosses, nearest the exit first
            for y in levels:
                out.append(((a + gap + (1.0 if a in hops else 0.0), y), "start"))
                out.append(((b - gap - (1.0 if b in hops else 0.0), y), "end"))
    if len(pts) >= 3 and x1 == x2 and pts[1][1] == pts[2][1] and length < 2 * size:
        # a stub out of the shape's bottom into a line across: beside that line, past the bend
        x, y = pts[1]
        rightwards = pts[2][0] > x
        at_x = x + gap if rightwards else x - gap
        for level in (y - 2.5 * k, y + 9 * k):
            out.append(((at_x, level), "start" if rightwards else "end"))
        if document:  # a lane too narrow for it there: just past the lane's border, still beside the bend
            # (within the label's reach of the line's first three label heights past the bend)
            along = 3 * 1.05 * size + 4 * k - 0.5
            border = (min((r for r in rules_x if x < r <= min(pts[2][0], x + along)), default=None) if rightwards
                      else max((r for r in rules_x if max(pts[2][0], x - along) <= r < x), default=None))
            if border is not None:
                for level in (y - 2.5 * k, y + 9 * k):
                    out.append(((border + 0.5, level), "start") if rightwards else ((border - 0.5, level), "end"))
    if len(pts) >= 3 and pts[1][0] == pts[2][0] and source is not None:
        # no room beside the exit (a narrow first column): beside the channel, clear of the shape
        x, down = pts[1][0], pts[2][1] > pts[1][1]
        if document and length < 2 * size:  # a stub into the channel: beside its first stretch, in steps
            run = min(abs(pts[2][1] - pts[1][1]), 3 * 1.05 * size)
            for j in range(1, 9):
                dy = min(run, j * 3 * k)
                y = pts[1][1] + (dy + 6.5 * k if down else -dy - 0.5 * k)
                out += [((x + gap, y), "start"), ((x - gap, y), "end")]
        y = source.y + source.h + 8.5 * k if down else source.y - 2.5 * k
        if (pts[2][1] > y + 2) if down else (pts[2][1] < y - size - 2):  # the channel reaches that far
            out += [((x + gap, y), "start"), ((x - gap, y), "end")]
        # beside the channel just past the row rule below (above) the shape: clear of the table's grid
        if down:
            rule = min((r for r in rules_y if source.y + source.h <= r < pts[2][1]), default=None)
            if rule is not None:
                out += [((x + gap, rule + 0.5 + 0.8 * size), "start"), ((x - gap, rule + 0.5 + 0.8 * size), "end")]
        else:
            rule = max((r for r in rules_y if pts[2][1] < r <= source.y), default=None)
            if rule is not None:
                out += [((x + gap, rule - 0.5 - 0.25 * size), "start"), ((x - gap, rule - 0.5 - 0.25 * size), "end")]
        # further along the channel, where it runs past empty rows
        for frac in (0.5, 0.3, 0.7):
            ym = pts[1][1] + frac * (pts[2][1] - pts[1][1])
            out += [((x + gap, ym), "start"), ((x - gap, ym), "end")]
    return out


def _first_leg(pts: list[Point] | tuple[Point, ...], size: float, reach: float) -> Box:
    """The region beside which an exit's label belongs: its first segment, grown by `reach`; when
    that segment is only a stub into a channel (shorter than two label heights), the channel's
    first three label heights too."""
    (x1, y1), (x2, y2) = pts[0], pts[1]
    xs, ys = [x1, x2], [y1, y2]
    if abs(x2 - x1) + abs(y2 - y1) < 2 * size and len(pts) > 2:
        x3, y3 = pts[2]
        along = 3 * 1.05 * size
        xs.append(x2 + max(-along, min(along, x3 - x2)))
        ys.append(y2 + max(-along, min(along, y3 - y2)))
    return (min(xs) - reach, min(ys) - reach, max(xs) - min(xs) + 2 * reach, max(ys) - min(ys) + 2 * reach)


def _place_labels(
    nodes: list[Node],
    edges: list[tuple[Node, str | None, list[Point]]],
    size: float,
    bounds: tuple[float, float],
    numbered: bool = False,
    rules_x: tuple[float, ...] = (),
    rules_y: tuple[float, ...] = (),
    lang: str = "id",
    grow: bool = False,
    crowded: bool = False,
    widen: bool = True,
) -> tuple[dict[int, tuple[Point, str, str]], _Room]:
    """Label spot per labelled edge, as (baseline point, anchor, printed text): on the canvas
    (`bounds`: its x range), clear of shapes and other labels, of lines, of lane and row rules
    (`rules_x`, `rules_y`: a label across a table's grid line is cut by it), of the step numbers, and
    beside the exit's first segment — in that order of importance. A label that fits nowhere on one
    line is tried broken in two.

    `numbered`: the document's chart (step numbers printed; see `_label_spots`, `_label_variants`).
    With `grow` (a document chart's first try) it also says what room would give a label that sits
    badly a clean spot, as a draughtsman makes room rather than accept a bad spot: a wider side
    margin (a spot just past the canvas's edge), or a taller gap under a decision whose exit leaves
    down (its label in two lines beside the line); without `widen` (the margin is not to be had:
    `_narrowed`) never a margin. On a `crowded` chart (7 lanes or more: a label often fits nowhere
    in its narrow lane) a side exit's label may also stand past a line that
    crosses its first segment (`_label_spots`' `crossed`), in the side margin among the channels.
    Each label's candidates are scored against only the lines, shapes and labels near them (by
    bounding box): scoring is most of the layout's time."""
    segments = [(a, b, k) for k, (_s, _l, pts) in enumerate(edges) for a, b in zip(pts, pts[1:], strict=False)]
    seg_near = _segments_near(segments)
    placed: dict[int, tuple[Point, str, str]] = {}
    room = _Room()
    # the small step number the SVG prints above each shape's top-left corner (render/svg.py)
    numbers: list[Box] = [
        (n.x, n.y - NUMBER_HEIGHT, 2.0 + NUMBER_DIGIT * len(str(n.number)), NUMBER_HEIGHT)
        for n in nodes if numbered and n.number and n.part <= 1
    ]
    boxes: list[Box] = []
    if numbered and len(rules_x) > 1:  # the document's connectors print "lanjut ke / hlm. 5" by them (rules_x: every border)
        for n in nodes:
            if n.kind == "offpage":
                direction = "in" if n.id.startswith("in:") else "out"
                spot = page_ref_spot(n, rules_x[n.lane], rules_x[n.lane + 1] - rules_x[n.lane], direction, lang)
                boxes.append(page_ref_box(n, spot, spot.lines(page_ref_words(direction, lang)[1].format(n=99))))
    reach = 4 * size / LABEL_SIZE
    # each shape's box grown by 0.01 as (x0, y0, x1, y1): the near-test of every label, made once
    node_near = []
    for n in nodes:
        ex0, ey0 = n.x - 0.01, n.y - 0.01
        node_near.append((ex0, ey0, ex0 + (n.w + 0.02), ey0 + (n.h + 0.02)))
    leaving: dict[str, list[tuple[int, Point]]] = {}
    for j, (s, _l, p) in enumerate(edges):
        if len(p) > 1:
            leaving.setdefault(s.id, []).append((j, p[1]))
    for k, (source, text, pts) in enumerate(edges):
        if not text or len(pts) < 2:
            continue
        others = [p for j, p in leaving[source.id] if j != k]
        crossed: tuple[float, ...] = ()
        if crowded and pts[0][1] == pts[1][1]:  # the lines across a horizontal first segment
            y, lo, hi = pts[0][1], min(pts[0][0], pts[1][0]), max(pts[0][0], pts[1][0])
            crossed = tuple(a[0] for a, b, j in segments if j != k and a[0] == b[0] and lo < a[0] < hi
                            and min(a[1], b[1]) < y < max(a[1], b[1]))
        spots = list(dict.fromkeys(_label_spots(pts, others, size, source, rules_x, rules_y, document=numbered,
                                                crossed=crossed)))
        fy1 = pts[0][1]
        first = _first_leg(pts, size, reach)
        top = 0.8 * size  # label_box's, inline: every spot of every variant is boxed
        extents = [(v, *_label_extent(v, size), v.count("\n") * LABEL_PITCH * size)
                   for v in _label_variants(text, size, lang, slash=numbered)]

        def candidates(extents: list[tuple[str, float, float, float]] = extents, spots: list[tuple[Point, str]] = spots,
                       fy1: float = fy1, top: float = top) -> Iterator[tuple[Point, str, str, Box]]:
            """Each variant at each spot, in order of preference (made as scored: scoring stops at a clean one)."""
            for variant, w, h, lift in extents:
                for at, anchor in spots:
                    bx = at[0] - w if anchor == "end" else at[0]
                    yield at, anchor, variant, (bx, at[1] - top, w, h)
                    if lift and at[1] <= fy1:  # a spot above the line: the extra lines go up, not down
                        yield (at[0], at[1] - lift), anchor, variant, (bx, at[1] - lift - top, w, h)
        # what lies near any candidate (a label is scored only against those)
        wide = max(e[1] for e in extents)
        xs, ys = [at[0] for at, _a in spots], [at[1] for at, _a in spots]
        y0 = min(ys) - top - max(e[3] for e in extents)
        area = (min(xs) - wide, y0, max(xs) - min(xs) + 2 * wide, max(ys) + max(e[2] for e in extents) - y0)
        # as plain tuples (x0, y0, x1, y1): the tests below are `box_meets_node`, `_boxes_meet` and
        # `_segment_meets_box` written out, the inner loop of the layout
        ax0, ay0 = area[0], area[1]
        ax1, ay1 = ax0 + area[2], ay0 + area[3]
        near_nodes = [n for n, (ex0, ey0, ex1, ey1) in zip(nodes, node_near, strict=True)
                      if ax0 < ex1 and ex0 < ax1 and ay0 < ey1 and ey0 < ay1]
        solid = [(n.x, n.y, n.x + n.w, n.y + n.h) for n in near_nodes if n.kind != StepKind.DECISION]
        solid += [(b[0], b[1], b[0] + b[2], b[1] + b[3]) for b in boxes if _boxes_meet(area, b)]
        diamonds = [(n.x, n.y, n.x + n.w, n.y + n.h, n.cx, n.cy, n.w / 2, n.h / 2)
                    for n in near_nodes if n.kind == StepKind.DECISION]
        vertical: list[tuple[float, float, float]] = []
        horizontal: list[tuple[float, float, float]] = []
        for ex0, ey0, ex1, ey1, upright, line in seg_near:
            if ax0 < ex1 and ex0 < ax1 and ay0 < ey1 and ey0 < ay1:
                (vertical if upright else horizontal).append(line)
        near_numbers = [(b[0], b[1], b[0] + b[2], b[1] + b[3]) for b in numbers if _boxes_meet(area, b)]
        fx0, fy0, fx1, fy1 = first[0], first[1], first[0] + first[2], first[1] + first[3]
        near_rx = [x for x in rules_x if area[0] < x < area[0] + area[2]]
        near_ry = [y for y in rules_y if area[1] < y < area[1] + area[3]]
        best = (1 << 30, 0)
        wider: tuple[float, float] | None = None  # the margin a clean spot past the edge needs
        chosen: tuple[Point, str, str, Box] | None = None
        for index, candidate in enumerate(candidates()):
            box = candidate[3]
            # penalties heaviest first; a spot is dropped as soon as it is no better than the best
            # (all are positive, and a tie keeps the earlier spot), unless it may ask for a margin
            over = bounds[0] - box[0]  # max(that, past the right bound, 0.0), written out
            past = box[0] + box[2] - bounds[1]
            if past > over:
                over = past
            if over < 0.0:
                over = 0.0
            score = 64 if over else 0  # clipped
            bound = best[0] if not (grow and widen and over and wider is None and over <= 3 * size) else 65
            if score >= bound:
                continue
            bx0, by0 = box[0], box[1]
            bx1, by1 = bx0 + box[2], by0 + box[3]
            hit = False
            for sx0, sy0, sx1, sy1 in solid:
                if bx0 < sx1 and sx0 < bx1 and by0 < sy1 and sy0 < by1:
                    hit = True
                    break
            else:
                for dx0, dy0, dx1, dy1, cx, cy, hw, hh in diamonds:
                    # in its box, then by the weighted L1 distance from the centre (least at the clamp)
                    if (bx0 < dx1 and dx0 < bx1 and by0 < dy1 and dy0 < by1
                            and abs(min(max(cx, bx0), bx1) - cx) / hw + abs(min(max(cy, by0), by1) - cy) / hh < 1):
                        hit = True
                        break
            if hit:
                score += 32
                if score >= bound:
                    continue
            # a line under a label reads as a different flow; a rule under one is hidden by its ground
            hit = False  # its own line too
            for x, lo, hi in vertical:
                if bx0 <= x <= bx1 and lo <= by1 and hi >= by0:
                    hit = True
                    break
            else:
                for y, lo, hi in horizontal:
                    if by0 <= y <= by1 and lo <= bx1 and hi >= bx0:
                        hit = True
                        break
            if hit:
                score += 16
                if score >= bound:
                    continue
            cut = 0
            for x in near_rx:
                if bx0 < x < bx1:
                    cut += 1
            for y in near_ry:
                if by0 < y < by1:
                    cut += 1
            if cut:
                score += 7 + min(cut, 8)  # each rule more cuts it again (still lighter than a line)
            if score < bound:
                for nx0, ny0, nx1, ny1 in near_numbers:
                    if bx0 < nx1 and nx0 < bx1 and by0 < ny1 and ny0 < by1:
                        score += 4
                        break
            if score < bound and not (bx0 < fx1 and fx0 < bx1 and by0 < fy1 and fy0 < by1):
                score += 2
            if score == 64 and bound == 65:
                wider = (over + 1.0, 0.0) if box[0] < bounds[0] else (0.0, over + 1.0)
            if score < best[0]:
                best = (score, index)
                chosen = candidate
            if score == 0:
                break
        assert chosen is not None  # the first candidate always scores under `best`'s start
        at, anchor, variant, box = chosen
        if best[0] and numbered and not (grow and _gap_would_help(source, text, pts, size, bounds, rules_x, lang)):
            jogged = _jogged_exit(source, text, pts, k, nodes, segments, boxes, numbers, size, bounds, rules_x, lang)
            if jogged is not None:  # the exit turns aside under the diamond: its label clean beside the turn
                pts[:] = jogged[0]
                at, anchor, variant, box = jogged[1]
                best = (0, best[1])
                kept = [(a, b, j) for a, b, j in segments if j != k]
                kept += [(a, b, k) for a, b in zip(pts, pts[1:], strict=False)]
                segments[:] = kept
                seg_near = _segments_near(segments)
        placed[k] = (at, anchor, variant)
        boxes.append(box)
        room.badness += best[0]
        if grow and best[0]:
            (x1, y1), (x2, y2) = pts[0], pts[1]
            if wider is not None and best[0] >= 2:
                room.left, room.right = max(room.left, wider[0]), max(room.right, wider[1])
            elif best[0] >= 2 and numbered and (drop := _drop_room(source, text, pts, edges, nodes, size, bounds,
                                                                    rules_x, lang)) is not None:
                room.below.add(k)  # a side exit into a channel: out of the free bottom vertex, its label beside
                if drop:
                    room.gaps[source.id] = max(room.gaps.get(source.id, 0.0), drop)
            elif source.kind == StepKind.DECISION and x1 == x2 and y2 > y1:
                # two lines beside the line down, under the diamond and above what the line meets —
                # when the lane beside the line is wide enough for them
                need = y1 + 9 * size / LABEL_SIZE - 0.8 * size + (1.05 + LABEL_PITCH) * size + 1.5 - y2
                beside = max(min((x for x in rules_x if x > x1), default=bounds[1]) - x1,
                             x1 - max((x for x in rules_x if x < x1), default=bounds[0])) - 3 * size / LABEL_SIZE
                if any(_label_extent(v, size)[0] <= beside for v in _label_variants(text, size, lang, numbered)):
                    room.gaps[source.id] = max(room.gaps.get(source.id, 0.0), need, LABEL_PITCH * size)
                elif len(pts) == 2:  # too short to turn aside (`_jogged_exit`): the length a turn needs,
                    # its label under the turn (the narrowest form that fits there), a short run into the target
                    lane = (min((x for x in rules_x if x > x1), default=bounds[1])
                            - max((x for x in rules_x if x <= x1), default=bounds[0]))
                    heights = [_label_extent(v, size)[1] for v in _label_variants(text, size, lang, True)
                               if _label_extent(v, size)[0] <= lane - JOG_IN - 3 * size / LABEL_SIZE - 1.0]
                    if heights:
                        turn = JOG_DROP + 9 * size / LABEL_SIZE - 0.8 * size + min(heights) + 0.75 + JOG_SHORT - (y2 - y1)
                        if turn > 0:
                            room.gaps[source.id] = max(room.gaps.get(source.id, 0.0), turn)
                elif pts[2][1] == y2:  # down, then across: the gap a turn aside needs (`_jogged_exit`)
                    aside = _turn_room(source, text, pts, k, nodes, segments, size, bounds, rules_x, lang) or 0.0
                    if y2 - y1 < 2 * size:  # a stub into a line across: a label's two lines under that
                        # line, past the lane's border
                        aside = max(aside, (1.05 + LABEL_PITCH) * size + 3.0 + TRACK_GAP)
                    if aside:
                        room.gaps[source.id] = max(room.gaps.get(source.id, 0.0), aside)
    return placed, room


def _segments_near(segments: list[tuple[Point, Point, int]]) -> list[tuple[float, float, float, float, bool,
                                                                             tuple[float, float, float]]]:
    """Per segment, for `_place_labels`' near-test: its bounding box grown by 0.01 as (x0, y0, x1, y1),
    whether it is vertical, and the segment as scored: (x, y0, y1) if vertical, else (y, x0, x1)."""
    out = []
    for a, b, _k in segments:
        sx, sy, sw, sh = min(a[0], b[0]), min(a[1], b[1]), abs(a[0] - b[0]), abs(a[1] - b[1])
        ex0, ey0 = sx - 0.01, sy - 0.01
        upright = a[0] == b[0]
        out.append((ex0, ey0, ex0 + (sw + 0.02), ey0 + (sh + 0.02), upright,
                    (a[0], sy, sy + sh) if upright else (a[1], sx, sx + sw)))
    return out


def _gap_would_help(source: Node, text: str, pts: list[Point], size: float, bounds: tuple[float, float],
                    rules_x: tuple[float, ...], lang: str) -> bool:
    """Would `_place_labels` ask for a taller gap under this decision (its label in two lines beside the
    line down)? Then that room is made, not a turn in the line."""
    (x1, y1), (x2, y2) = pts[0], pts[1]
    if source.kind != StepKind.DECISION or x1 != x2 or y2 <= y1:
        return False
    beside = max(min((x for x in rules_x if x > x1), default=bounds[1]) - x1,
                 x1 - max((x for x in rules_x if x < x1), default=bounds[0])) - 3 * size / LABEL_SIZE
    return any(_label_extent(v, size)[0] <= beside for v in _label_variants(text, size, lang, True))


JOG_DROP = 7.0  # the stub under a decision before its exit turns aside (shorter than two label heights)
JOG_IN = 6.0  # the turned line runs this far inside its lane's border
JOG_LAST = 12.0  # the straight run into the target's top after turning back
JOG_SHORT = 10.0  # and at least (where the gap is short): the 8 pt arrowhead and 2 pt of line


def _drop_room(source: Node, text: str, pts: list[Point], edges: list[tuple[Node, str | None, list[Point]]],
               nodes: list[Node], size: float, bounds: tuple[float, float], rules_x: tuple[float, ...],
               lang: str) -> float | None:
    """A decision's side exit into a side channel whose label finds no clean spot (the diamond fills
    its lane, the margin is all tracks) may leave the decision's free bottom vertex instead, its label
    beside the stub down, as `_Router.route_channel` leaves a symbol below: how much taller the gap
    under the decision must then be for the label's lines beside the stub (the line across runs at
    the gap's middle), or None when the bottom vertex is taken, the exit is no side exit into a
    channel, or the label fits beside the stub on neither side."""
    (x1, y1), (x2, _y2) = pts[0], pts[1]
    if (source.kind != StepKind.DECISION or len(rules_x) < 2 or abs(y1 - source.cy) > 0.01
            or min(abs(x1 - source.x), abs(x1 - source.x - source.w)) > 0.01
            or rules_x[0] <= x2 <= rules_x[-1] or len(pts) < 3 or pts[2][0] != x2):
        return None
    bottom = (source.cx, source.y + source.h)
    if any(s is source and len(p) > 1 and abs(p[0][0] - bottom[0]) < 0.01 and abs(p[0][1] - bottom[1]) < 0.01
           for s, _l, p in edges):
        return None
    lo = max((x for x in rules_x if x <= bottom[0]), default=bounds[0])
    hi = min((x for x in rules_x if x > bottom[0]), default=bounds[1])
    beside = max(hi - bottom[0], bottom[0] - lo) - 3 * size / LABEL_SIZE - 0.5
    fitting = [v for v in _label_variants(text, size, lang, True) if _label_extent(v, size)[0] <= beside]
    if not fitting:
        return None
    row = [n for n in nodes if n.y < bottom[1] and n.y + n.h > source.y]
    edge = max([bottom[1], *(n.y + n.h for n in row)])
    under = [n.y for n in nodes if n.y > edge]
    if not under:
        return 0.0
    stub = 9 * size / LABEL_SIZE - 0.8 * size + min(_label_extent(v, size)[1] for v in fitting) + 2.0
    return max(0.0, 2 * (stub + bottom[1] - edge) - (min(under) - edge))


def _turn_room(source: Node, text: str, pts: list[Point], k: int, nodes: list[Node],
               segments: list[tuple[Point, Point, int]], size: float, bounds: tuple[float, float],
               rules_x: tuple[float, ...], lang: str) -> float | None:
    """How much taller the gap under a decision must be for its bottom exit, down then across, to turn
    aside with its label under the turn (`_jogged_exit`): the lines across the gap lie at its middle
    and quarters (`_Router._gap_level`), so each grows with the gap; the exit's own must leave room
    for the turn, every other line across its lane must pass below the label. None when no gap of
    reasonable height (two label heights and a track) would do."""
    (x1, y1), (_x2, y2) = pts[0], pts[1]
    lo = max((x for x in rules_x if x <= x1), default=bounds[0])
    hi = min((x for x in rules_x if x > x1), default=bounds[1])
    room_x = hi - lo - JOG_IN - 3 * size / LABEL_SIZE - 1.0
    fitting = [v for v in _label_variants(text, size, lang, True) if _label_extent(v, size)[0] <= room_x]
    if not fitting:
        return None
    yj = y1 + JOG_DROP
    bottom = yj + 9 * size / LABEL_SIZE - 0.8 * size + _label_extent(fitting[0], size)[1] + 1.5
    row = [n for n in nodes if n.y < y1 and n.y + n.h > source.y]
    edge = max([y1, *(n.y + n.h for n in row)])
    below = [n.y for n in nodes if n.y > edge]
    if not below or y2 <= edge:
        return None
    gap = min(below) - edge
    need = gap * (yj + 2 * size - edge) / (y2 - edge)  # the own line across, far enough under the turn
    for a, b, j in segments:
        if j != k and a[1] == b[1] and edge < a[1] < bottom and min(a[0], b[0]) < hi and max(a[0], b[0]) > lo:
            need = max(need, gap * (bottom - edge) / (a[1] - edge))
    grow = need - gap
    if grow <= 0.0 or grow > 2 * (1.05 + LABEL_PITCH) * size + TRACK_GAP:
        return None
    return grow + 0.5


def _jogged_exit(
    source: Node, text: str, pts: list[Point], k: int, nodes: list[Node], segments: list[tuple[Point, Point, int]],
    boxes: list[Box], numbers: list[Box], size: float, bounds: tuple[float, float], rules_x: tuple[float, ...],
    lang: str, spot: Callable[[list[Point]], tuple[Point, str, str, Box] | None] | None = None, inset: float = JOG_IN,
) -> tuple[list[Point], tuple[Point, str, str, Box]] | None:
    """A bottom exit of a decision whose label fits neither side of its line down the middle of a
    narrow lane (a 44 pt lane leaves 18.5 pt beside the line; "Sesuai" is 23 pt at 7 pt) turns aside
    after a short stub, as a draughtsman draws it: across to near the lane's border, down, then on as
    before (into the target's side) or back under the target's top. Its label sits under the turn,
    inside the lane. Only a route that meets no shape, no other line and no placed label, with its
    label clean everywhere; else None (the label keeps its best spot). A caller with rules of its own
    (the SOP table's cells) gives `spot`: the clean label spot on a route, or None; and may turn the
    line nearer the border (`inset`) where a channel runs JOG_IN inside it."""
    (x1, y1), (x2, y2) = pts[0], pts[1]
    if (source.kind != StepKind.DECISION or x1 != x2 or y2 <= y1 or abs(x1 - source.cx) > 0.01
            or abs(y1 - source.y - source.h) > 0.01):
        return None
    lo = max((x for x in rules_x if x <= x1), default=bounds[0])
    hi = min((x for x in rules_x if x > x1), default=bounds[1])
    yj = y1 + JOG_DROP
    k7, gap = size / LABEL_SIZE, 3 * size / LABEL_SIZE
    end = pts[-1]
    target = next((n for n in nodes if n is not source and _segment_meets_box(end, end, (n.x, n.y, n.w, n.h))), None)
    toward = pts[2][0] if len(pts) > 2 else x1
    sides = sorted((lo + inset, hi - inset), key=lambda xs: abs(xs - toward))
    others = [(a, b) for a, b, j in segments if j != k]
    clear: dict[tuple[Point, ...], bool] = {}

    def turned(xs: float, back: float | None) -> list[Point] | None:
        """The exit turned aside to `xs`, when it may: on into the target's side, or (straight down
        into its top) back under it at `back`, clear of shapes, lines and labels."""
        if len(pts) > 2 and pts[1][1] == pts[2][1]:  # down, then across into the target's side
            if abs(pts[2][0] - xs) < JOG_LAST or (pts[2][0] - xs) * (pts[2][0] - x1) <= 0 or y2 - yj < 2 * size:
                return None
            route = [pts[0], (x1, yj), (xs, yj), (xs, y2), *pts[2:]]
        elif len(pts) == 2 and back is not None:  # straight down into the target's top: back under it
            route = [pts[0], (x1, yj), (xs, yj), (xs, back), (x1, back), (x1, y2)]
        else:
            return None
        key = tuple(route)
        if key not in clear:  # a label's forms share their route but where it turns back
            clear[key] = _route_clear(list(zip(route, route[1:], strict=False)), list(zip(pts, pts[1:], strict=False)),
                                      source, target, nodes, others, boxes)
        return route if clear[key] else None

    for xs in sides:
        if spot is not None:
            route = turned(xs, y2 - JOG_LAST if y2 - JOG_LAST - yj >= 2 * size else None)
            found = spot(route) if route is not None else None
            if route is not None and found is not None:
                return route, found
            continue
        anchor = "start" if xs < x1 else "end"
        at = (xs + gap if xs < x1 else xs - gap, yj + 9 * k7)
        for variant in _label_variants(text, size, lang, slash=True):
            box = label_box(at, anchor, variant, size)
            # back under the target below the label; in a short gap the run into the target as short
            # as its arrowhead allows (JOG_SHORT)
            back = min(y2 - JOG_SHORT, max(y2 - JOG_LAST, box[1] + box[3] + 0.5))
            route = turned(xs, back if back >= box[1] + box[3] + 0.5 else None)
            if route is not None and _label_clean(box, _first_leg(route, size, 4 * size / LABEL_SIZE), nodes,
                                                  others + list(zip(route, route[1:], strict=False)), boxes,
                                                  numbers, bounds, rules_x):
                return route, (at, anchor, variant, box)
    return None


def _route_clear(legs: list[tuple[Point, Point]], before: list[tuple[Point, Point]], source: Node,
                 target: Node | None, nodes: list[Node], others: list[tuple[Point, Point]], boxes: list[Box],
                 pad: float = 1.0) -> bool:
    """Do these segments keep off every shape (the source at the first, the target at the last), every
    other line (no touch, and no crossing but of a line the route `before` crossed) and every placed
    label or page text?"""
    for i, (a, b) in enumerate(legs):
        grown = (min(a[0], b[0]) - pad, min(a[1], b[1]) - pad, abs(a[0] - b[0]) + 2 * pad, abs(a[1] - b[1]) + 2 * pad)
        for n in nodes:
            if (i == 0 and n is source) or (i == len(legs) - 1 and n is target):
                continue
            if _segment_meets_box(a, b, (n.x - pad, n.y - pad, n.w + 2 * pad, n.h + 2 * pad)):
                return False
        if i and any(_segment_meets_box(c, d, grown) and not (_crosses(a, b, c, d) and any(
                _crosses(e, f, c, d) for e, f in before)) for c, d in others):
            return False  # a line it meets, unless crossing one the exit crossed before (drawn with a hop)
        if any(_segment_meets_box(a, b, bx) for bx in boxes):
            return False
    return True


def _crosses(a: Point, b: Point, c: Point, d: Point, margin: float = 2.0) -> bool:
    """Do two axis-parallel segments cross at a point inside both (`margin` from either's ends)?"""
    if (a[0] == b[0]) == (c[0] == d[0]):
        return False
    (v1, v2), (h1, h2) = ((a, b), (c, d)) if a[0] == b[0] else ((c, d), (a, b))
    x, y = v1[0], h1[1]
    return (min(h1[0], h2[0]) + margin < x < max(h1[0], h2[0]) - margin
            and min(v1[1], v2[1]) + margin < y < max(v1[1], v2[1]) - margin)


def _label_clean(box: Box, first: Box, nodes: list[Node], lines: list[tuple[Point, Point]], boxes: list[Box],
                 numbers: list[Box], bounds: tuple[float, float], rules_x: tuple[float, ...]) -> bool:
    """A label box clear of everything `_place_labels` weighs: canvas edge, shapes, labels and page
    texts, lines, lane borders, step numbers, and beside its first segment."""
    if box[0] < bounds[0] or box[0] + box[2] > bounds[1]:
        return False
    if any(box_meets_node(box, n) for n in nodes) or any(_boxes_meet(box, b) for b in boxes):
        return False
    if any(_segment_meets_box(a, b, box) for a, b in lines):
        return False
    if any(box[0] < x < box[0] + box[2] for x in rules_x) or any(_boxes_meet(box, b) for b in numbers):
        return False
    return _boxes_meet(box, first)


def _first_legs(pts: list[Point] | tuple[Point, ...], size: float) -> list[tuple[Point, Point]]:
    """The stretch an exit's label belongs beside: its first segment; when that is only a stub into
    a channel (shorter than two label heights), also the channel's first three label heights."""
    (x1, y1), (x2, y2) = pts[0], pts[1]
    legs = [((x1, y1), (x2, y2))]
    if abs(x2 - x1) + abs(y2 - y1) < 2 * size and len(pts) > 2:
        x3, y3 = pts[2]
        along = 3 * 1.05 * size
        legs.append(((x2, y2), (x2 + max(-along, min(along, x3 - x2)), y2 + max(-along, min(along, y3 - y2)))))
    return legs


GRID_CLEAR = 1.0  # a grid label keeps this far (pt) off lines, shapes, other labels and the table's rules
GRID_APART = 3.5  # and this far off other edges' lines: nearer its own (at 1.5-2.5 pt) than any other
# what of a column's left half a channel at the table's edge (1.5 pt in) and a label's clearances take
# (off its own line, off the line through the top vertex, off both by GRID_CLEAR)
GRID_EDGE_ROOM = 1.5 + 1.0 + GRID_APART + 2 * GRID_CLEAR


_GRID_LABELS: dict[str, tuple[dict[int, tuple[Point, str, str]], list[list[Point]], list[str]]] = {}


def _place_grid_labels(
    nodes: list[Node],
    edges: list[tuple[Node, str | None, list[Point]]],
    size: float,
    bounds: tuple[float, float],
    height: float,
    rules_x: tuple[float, ...] = (),
    rules_y: tuple[float, ...] = (),
    lang: str = "id",
    crowded: list[str] | None = None,
) -> dict[int, tuple[Point, str, str]]:
    """`_grid_labels`, remembered: a table is laid out again as its rows grow (`sop_layout`'s tries)
    and the pages a change did not touch come back exactly alike (a quarter of the calls over the
    samples), so their labels are placed once. The key is the inputs' repr (exact floats; each
    exit's source by its place among the nodes, as the placement tells shapes apart by identity);
    the routes an exit turned aside and the crowded steps come back with the spots."""
    sources = [next((i for i, n in enumerate(nodes) if n is s), None) for s, _l, _p in edges]
    if None in sources:  # a source that is not one of the nodes: not worth a key of its own
        return _grid_labels(nodes, edges, size, bounds, height, rules_x, rules_y, lang, crowded)
    key = repr((nodes, [(i, label, pts) for i, (_s, label, pts) in zip(sources, edges, strict=True)],
                size, bounds, height, rules_x, rules_y, lang))
    known = _GRID_LABELS.get(key)
    if known is None:
        found: list[str] = []
        placed = _grid_labels(nodes, edges, size, bounds, height, rules_x, rules_y, lang, found)
        known = placed, [list(pts) for _s, _l, pts in edges], found
        if len(_GRID_LABELS) >= 512:  # one build's procedures come one after another: a small memory will do
            _GRID_LABELS.clear()
        _GRID_LABELS[key] = known
    else:
        for (_s, _l, pts), turned in zip(edges, known[1], strict=True):
            pts[:] = turned
    if crowded is not None:
        crowded += known[2]
    return dict(known[0])


def _grid_labels(
    nodes: list[Node],
    edges: list[tuple[Node, str | None, list[Point]]],
    size: float,
    bounds: tuple[float, float],
    height: float,
    rules_x: tuple[float, ...] = (),
    rules_y: tuple[float, ...] = (),
    lang: str = "id",
    crowded: list[str] | None = None,
) -> dict[int, tuple[Point, str, str]]:
    """Label spots in a caller's table (the SOP): each label inside one cell of the grid — never
    across a column or row rule — clear of every line, shape and label, beside its exit's first
    leg, as near the exit's vertex as that allows (a draughtsman writes "Ya" where the line leaves).

    Every spot beside the first leg is tried (along a vertical leg on either side, above and below
    a horizontal one, the label whole, broken in two or hyphenated), nearest the vertex first; the
    first spot that keeps every rule wins. A label that no row height would make fit (no form of it
    as narrow as the room beside its exit in the column) gets room from its line: a bottom exit
    turns aside under its diamond (`_jogged_exit`), a side exit takes its channel across the column
    rule (`_channel_across`); the line is changed only when its label then finds a clean spot. Only
    when none does, `_place_labels`' weighing of the defects decides (a drawing still gets a label)
    and the source's step joins `crowded` (the caller may give its row more room)."""
    crowded = [] if crowded is None else crowded
    segments = [(a, b, j) for j, (_s, _l, pts) in enumerate(edges) for a, b in zip(pts, pts[1:], strict=False)
                if a != b]
    boxes: list[Box] = []
    placed: dict[int, tuple[Point, str, str]] = {}
    reach = 4 * size / 7 - 0.3  # the checker's "beside" (4/7 of a label height), with a margin
    c = GRID_CLEAR

    def grown(box: Box, d: float) -> Box:
        return (box[0] - d, box[1] - d, box[2] + 2 * d, box[3] + 2 * d)

    Near = tuple[list[tuple[Point, Point, int]], list[Node], list[Box]]  # what lies within reach of a label's spots

    rules_xs, rules_ys = sorted(rules_x), sorted(rules_y)

    def between(rules: list[float], lo: float, hi: float) -> bool:
        """Does any of the (sorted) rules lie strictly between lo and hi?"""
        i = bisect.bisect_right(rules, lo)
        return i < len(rules) and rules[i] < hi

    def crossed(rules: list[float], lo: float, hi: float) -> int:
        """How many of the (sorted) rules lie strictly between lo and hi?"""
        return max(0, bisect.bisect_left(rules, hi) - bisect.bisect_right(rules, lo))

    def defects(box: Box, legs: list[tuple[Point, Point]], near: Near) -> int:
        near_segments, near_nodes, near_boxes = near
        x, y, w, h = box
        score = 64 if x < bounds[0] or x + w > bounds[1] else 0
        if any(_boxes_meet(box, b) for b in near_boxes) or any(box_meets_node(box, n) for n in near_nodes):
            score += 32
        score += 16 if any(_segment_meets_box(a, b, box) for a, b, _j in near_segments) else 0
        cut = crossed(rules_xs, x, x + w) + crossed(rules_ys, y, y + h)
        return score + (7 + min(cut, 8) if cut else 0) + (0 if valid_beside(box, legs) else 2)

    def valid_beside(box: Box, legs: list[tuple[Point, Point]]) -> bool:
        near = grown(box, reach)
        return any(_boxes_meet(near, (min(a[0], b[0]), min(a[1], b[1]), abs(b[0] - a[0]) + 1e-6,
                                      abs(b[1] - a[1]) + 1e-6)) for a, b in legs)

    def first_valid(candidates: list[tuple[float, Point, str, str]], legs: list[tuple[Point, Point]], k: int,
                    near: Near) -> tuple[Point, str, str] | None:
        """The first clean candidate: on the page, inside one cell (off every rule by GRID_CLEAR),
        beside its leg, clear of every box and shape `near` it by GRID_CLEAR, of its own line by
        GRID_CLEAR and of other exits' lines by GRID_APART (read, and imported, as their own). The
        legs, boxes, shapes and lines are unpacked into their edges once per search, not once per
        spot: a search tries hundreds of spots, most in vain (this loop was the SOP build's largest cost)."""
        near_segments, near_nodes, near_boxes = near
        leg_rects = [(lx, lx + lw, ly, ly + lh) for lx, ly, lw, lh in
                     ((min(a[0], b[0]), min(a[1], b[1]), abs(b[0] - a[0]) + 1e-6, abs(b[1] - a[1]) + 1e-6)
                      for a, b in legs)]
        box_rects = [(b[0], b[0] + b[2], b[1], b[1] + b[3]) for b in near_boxes]
        # a diamond by its outline (as box_meets_node): centre, half width and half height
        node_rects = [(n.x, n.x + n.w, n.y, n.y + n.h, n.kind == StepKind.DECISION, n.cx, n.cy, n.w / 2, n.h / 2)
                      for n in near_nodes]
        lines = [(a[0] == b[0], a[0] if a[0] == b[0] else a[1], *sorted((a[1], b[1]) if a[0] == b[0] else (a[0], b[0])),
                  j == k) for a, b, j in near_segments]
        left_edge, right_edge, bottom = bounds[0] + c, bounds[1] - c, height - c
        ra, rr, rc = 2 * GRID_APART, 2 * reach, 2 * c
        extents = {v: _label_extent(v, size) for v in {variant for _cost, _at, _anchor, variant in candidates}}
        lift = 0.8 * size
        for _cost, at, anchor, variant in candidates:
            w, h = extents[variant]
            x, y = at[0] - w if anchor == "end" else at[0], at[1] - lift  # as label_box
            if x < left_edge or x + w > right_edge or y < c or y + h > bottom:
                continue
            if between(rules_xs, x - c, x + w + c) or between(rules_ys, y - c, y + h + c):
                continue
            gx, gy = x - reach, y - reach  # beside its leg (valid_beside)
            gx1, gy1 = gx + (w + rr), gy + (h + rr)
            for lx, lx1, ly, ly1 in leg_rects:
                if gx < lx1 and lx < gx1 and gy < ly1 and ly < gy1:
                    break
            else:
                continue
            rx, ry = x - c, y - c
            rx1, ry1 = rx + (w + rc), ry + (h + rc)
            if any(rx < bx1 and bx < rx1 and ry < by1 and by < ry1 for bx, bx1, by, by1 in box_rects):
                continue
            hit = False
            for nx, nx1, ny, ny1, diamond, cx, cy, hw, hh in node_rects:
                if rx < nx1 and nx < rx1 and ry < ny1 and ny < ry1:
                    px = rx1 if cx > rx1 else (cx if cx > rx else rx)  # the box's point nearest the centre
                    py = ry1 if cy > ry1 else (cy if cy > ry else ry)
                    if not diamond or abs(px - cx) / hw + abs(py - cy) / hh < 1:
                        hit = True
                        break
            if hit:
                continue
            ax, ay = x - GRID_APART, y - GRID_APART
            ax1, ay1 = ax + (w + ra), ay + (h + ra)
            for vertical, line, lo, hi, own in lines:
                x0, x1, y0, y1 = (rx, rx1, ry, ry1) if own else (ax, ax1, ay, ay1)
                if (x0 <= line <= x1 and lo <= y1 and hi >= y0) if vertical else (y0 <= line <= y1 and lo <= x1 and hi >= x0):
                    break
            else:
                return at, anchor, variant
        return None

    def variants(text: str) -> tuple[str, ...]:  # a slash breaks a label too ("Sedang/" over "rendah")
        return _label_variants(text, size, lang, slash=True)

    def search(source: Node, text: str, pts: list[Point], k: int
               ) -> tuple[tuple[Point, str, str] | None, list[tuple[float, Point, str, str]], list[tuple[Point, Point]], Near]:
        """The nearest clean spot for edge `k`'s label on the line `pts` (None if there is none), the
        spots tried (nearest first), the first legs and what lies near them."""
        legs = _first_legs(pts, size)
        vx, vy = pts[0]
        others = [p[1] for j, (s, _l, p) in enumerate(edges) if s.id == source.id and j != k and len(p) > 1]
        away = [(ox - vx, oy - vy) for ox, oy in others]
        candidates: list[tuple[float, Point, str, str]] = []
        for rank, variant in enumerate(variants(text)):
            _bx, _by, w, h = label_box((0.0, 0.0), "start", variant, size)
            lift = 0.8 * size  # the baseline lies this far below the box's top
            penalty = 4.0 * rank  # whole before broken before hyphenated, when both fit as near
            # a spot's cost comes from what its left edge and what its top give: the spots are the
            # products of a leg's steps along it and its few places across it, each weighed once

            def across(left: float, anchor: str, w: float = w) -> tuple[float, float, float, str]:
                """From the vertex to the box's side, the box's middle from the vertex, the anchor's x."""
                d = left - vx  # beyond the box's left or right side (at most one is > 0), or 0
                if d <= 0.0:
                    d = vx - left - w
                    d = d if d > 0.0 else 0.0
                return d, left + w / 2 - vx, left + w if anchor == "end" else left, anchor

            def down(top: float, h: float = h, lift: float = lift) -> tuple[float, float, float]:
                d = top - vy
                if d <= 0.0:
                    d = vy - top - h
                    d = d if d > 0.0 else 0.0
                return d, top + h / 2 - vy, top + lift

            pairs: list[Iterable[tuple[tuple[float, float, float, str], tuple[float, float, float]]]] = []
            # past the first bend too: a label under (over) the line on from a short drop, still beside the drop
            bend = [(pts[1], pts[2])] if len(legs) == 1 and len(pts) > 2 and pts[1][0] != pts[2][0] else []
            for (ax, ay), (bx, by) in [*legs, *bend]:
                if ax == bx:  # vertical: beside it, either side, anywhere along it
                    lo, hi = sorted((ay, by))
                    top = lo - h - reach + 0.5
                    tops = []
                    while top <= hi + reach - 0.5:
                        tops.append(down(top))
                        # every point near the vertex, coarser further along a long leg
                        top += 1.0 if abs(top - ay) < 40 or abs(top + h - ay) < 40 else 3.0
                    sides = [side for gap in (1.5, 2.5) for side in (across(ax + gap, "start"), across(ax - gap - w, "end"))]
                    pairs.append([(x, y) for y in tops for x in sides])
                else:  # horizontal: above or below it, anywhere along it
                    lo, hi = sorted((ax, bx))
                    left = lo - w - reach + 0.5
                    anchor = "start" if bx > ax else "end"
                    lefts = []
                    while left <= hi + reach - 0.5:
                        lefts.append(across(left, anchor))
                        left += 1.0 if abs(left - ax) < 40 or abs(left + w - ax) < 40 else 3.0
                    levels = [down(top) for gap in (1.5, 2.5) for top in (ay - gap - h, ay + gap)]
                    pairs.append([(x, y) for x in lefts for y in levels])
            for (dx, mx, atx, anchor), (dy, my, aty) in chain.from_iterable(pairs):
                # distance from the vertex to the box, and a nudge away from the source's other exits
                cost = math.hypot(dx, dy) + penalty
                for ox, oy in away:
                    if ox * mx > 0 and oy * my >= 0:
                        cost += 1.0
                        break
                candidates.append((cost, (atx, aty), anchor, variant))
        candidates.sort(key=itemgetter(0))
        # what any of these spots could meet: the legs' region grown by the widest label and its reach
        widest = max(label_box((0.0, 0.0), "start", v, size)[2] for v in variants(text))
        xs, ys = [p[0] for leg in legs for p in leg], [p[1] for leg in legs for p in leg]
        pad = widest + reach + 2 * c + 3.0
        region = (min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad)
        own = [(a, b, k) for a, b in zip(pts, pts[1:], strict=False) if a != b]  # as given: maybe a new route
        near = ([(a, b, j) for a, b, j in [*(seg for seg in segments if seg[2] != k), *own]
                 if _segment_meets_box(a, b, region)],
                [n for n in nodes if _boxes_meet(region, (n.x, n.y, n.w, n.h))],
                [b for b in boxes if _boxes_meet(region, b)])
        return first_valid(candidates, legs, k, near), candidates, legs, near

    for k, (source, text, pts) in enumerate(edges):
        if not text or len(pts) < 2:
            continue
        chosen, candidates, legs, near = search(source, text, pts, k)
        # a label too wide for the room beside its exit in this lane however tall the row: the line
        # makes room (below); else a taller row will (`crowded`), as the line is best left straight
        narrowest = min(_label_extent(v, size)[0] for v in variants(text))
        x0 = pts[0][0]
        lo = max((r for r in rules_x if r <= x0), default=bounds[0])
        hi = min((r for r in rules_x if r > x0), default=bounds[1])
        downward = pts[1][0] == x0 and pts[1][1] > pts[0][1]
        room = (max(x0 - lo, hi - x0) if downward else (x0 - lo if pts[1][0] < x0 else hi - x0)) - 1.5 - c
        tight = chosen is None and narrowest > room
        if tight and downward:  # a bottom exit turns aside under its diamond, its label under the turn
            def on(route: list[Point], source: Node = source, text: str = text, k: int = k
                   ) -> tuple[Point, str, str, Box] | None:
                found = search(source, text, route, k)[0]
                return None if found is None else (*found, label_box(*found, size))
            jogged = next((j for inset in (JOG_IN, 4.0) if (j := _jogged_exit(
                source, text, pts, k, nodes, segments, boxes, [], size, bounds, rules_x, lang, spot=on, inset=inset))), None)
            if jogged is not None:
                pts[:] = jogged[0]
                segments[:] = [seg for seg in segments if seg[2] != k]
                segments += [(a, b, k) for a, b in zip(pts, pts[1:], strict=False) if a != b]
                chosen = jogged[1][:3]
        if tight and chosen is None and not downward:  # a side exit's channel moves across the column rule
            # (its label over the stub there)
            def clean(route: list[Point], source: Node = source, text: str = text, k: int = k
                      ) -> tuple[Point, str, str] | None:
                return search(source, text, route, k)[0]
            across = _channel_across(source, pts, k, nodes, segments, boxes, rules_x, clean)
            if across is not None:
                pts[:] = across[0]
                segments[:] = [seg for seg in segments if seg[2] != k]
                segments += [(a, b, k) for a, b in zip(pts, pts[1:], strict=False) if a != b]
                chosen = across[1]
        if chosen is None:  # nowhere clean: the lightest defect, as `_place_labels` weighs them
            crowded.append(source.step or source.id)
            others = [p[1] for j, (s, _l, p) in enumerate(edges) if s.id == source.id and j != k and len(p) > 1]
            vy = pts[0][1]
            spotted = len(candidates)
            # the document chart's spots too: one further from the leg may still keep off every line
            candidates += [(99.0 + rank, (at[0], at[1] - (variant.count("\n") * LABEL_PITCH * size if at[1] <= vy else 0)),
                            anchor, variant)
                           for rank, variant in enumerate(variants(text))
                           for at, anchor in _label_spots(pts, others, size, source, rules_x, rules_y)]
            # (every third spot of the dense ones: neighbours a point apart weigh alike)
            chosen = min(candidates[:spotted:3] + candidates[spotted:],
                         key=lambda item: (defects(label_box(item[1], item[2], item[3], size), legs, near), item[0]))[1:]
        placed[k] = chosen
        boxes.append(label_box(chosen[0], chosen[1], chosen[2], size))
    return placed


def _channel_across(
    source: Node, pts: list[Point], k: int, nodes: list[Node], segments: list[tuple[Point, Point, int]],
    boxes: list[Box], rules_x: tuple[float, ...], spot: Callable[[list[Point]], tuple[Point, str, str] | None],
) -> tuple[list[Point], tuple[Point, str, str]] | None:
    """A decision's side exit into a channel just beside its vertex, in its own lane's margin (a 17 mm
    SOP column leaves 10 pt between the vertex and the column rule; "Ditolak" is 26 pt): the channel
    moves across the rule into the next lane's margin, so the stub crosses the rule and the label sits
    over or under it in the next lane, as a draughtsman letters it. Only a route that keeps off every
    shape, line and label, with `spot` (the caller's clean spot on a route) finding a place."""
    if len(pts) < 4 or source.kind != StepKind.DECISION:
        return None
    (x0, y0), (x1, y1), (x2, y2) = pts[0], pts[1], pts[2]
    if y0 != y1 or x1 != x2 or abs(y0 - source.cy) > 0.01 or x0 not in (source.x, source.x + source.w):
        return None
    left = x1 < x0
    border = (max((r for r in rules_x if r < x1), default=None) if left
              else min((r for r in rules_x if r > x1), default=None))
    if border is None or any(min(border, x0) < r < max(border, x0) for r in rules_x) or abs(border - x1) > abs(x0 - border):
        return None
    end = pts[-1]
    target = next((n for n in nodes if n is not source and _segment_meets_box(end, end, (n.x, n.y, n.w, n.h))), None)
    if target is None or target.kind != "offpage":  # a loop-back across a rule reads (and imports) as another lane's
        return None
    x3 = pts[3][0]
    if pts[3][1] != y2:
        return None
    others = [(a, b) for a, b, j in segments if j != k]
    before = list(zip(pts, pts[1:], strict=False))
    for depth in (abs(border - x1), 3.5, 6.0, 2.5):  # mirrored, then at the tracks' usual distances
        x = border - depth if left else border + depth
        if (x3 - x) * (x1 - x) <= 0:  # the channel's foot turns back beyond the new track
            continue
        route = [pts[0], (x, y1), (x, y2), *pts[3:]]
        # what is new of it: the stub's run on across the rule, the channel, its foot back to the old track
        foot = x1 if (x3 - x1) * (x1 - x) >= 0 else x3
        legs = [(pts[0], pts[1]), (pts[1], (x, y1)), ((x, y1), (x, y2)), ((x, y2), (foot, y2))]
        if not _route_clear(legs, before, source, None, nodes, others, boxes, pad=2.0):
            continue
        found = spot(route)
        if found is not None:
            return route, found
    return None


def _drawn_right(page: Page) -> float:
    """The right edge of what a page draws, lines and exit labels: a page shifted right to line its
    lanes up with a wider page's keeps its own right channel and labels, which the shared width must
    then hold (P.SMLTI 03 sheet 2 cut its "Tidak setuju" and the line beside it)."""
    xs = [x for e in page.edges for x, _y in e.points]
    xs += [b[0] + b[2] + 1.0 for b in (label_box(e.label_at, e.label_anchor, e.printed_label)
                                       for e in page.edges if e.label and e.label_at)]
    return max(xs, default=0.0)


def _shift(page: Page, dx: float) -> None:
    if not dx:
        return
    page.lanes = [Lane(lane.role, lane.x + dx, lane.width, lane.title) for lane in page.lanes]
    for node in page.nodes:
        node.x += dx
    page.edges = [
        Edge(
            e.source,
            e.target,
            e.label,
            tuple([(x + dx, y) for x, y in e.points]),
            e.back,
            (e.label_at[0] + dx, e.label_at[1]) if e.label_at else None,
            e.label_anchor,
            e.label_lines,
        )
        for e in page.edges
    ]


def _inside(node: Node, x: float, y: float) -> bool:
    return node.x + 0.5 < x < node.x + node.w - 0.5 and node.y + 0.5 < y < node.y + node.h - 0.5


def segment_hits_box(p1: Point, p2: Point, box: tuple[float, float, float, float]) -> bool:
    """Does an axis-parallel segment pass through the open interior of a box (x, y, w, h)?"""
    x, y, w, h = box
    if p1[0] == p2[0]:
        lo, hi = sorted((p1[1], p2[1]))
        return x + 0.5 < p1[0] < x + w - 0.5 and lo < y + h - 0.5 and hi > y + 0.5
    lo, hi = sorted((p1[0], p2[0]))
    return y + 0.5 < p1[1] < y + h - 0.5 and lo < x + w - 0.5 and hi > x + 0.5


def _measure(page: Page, metrics: Metrics) -> None:
    """Count crossings, bends, shape hits and lane violations of one page into `metrics`."""
    by_top = sorted(page.nodes, key=lambda n: n.y)  # rows are stacked (a row's parts may differ in height)
    tops = [n.y for n in by_top]
    tallest = max((n.h for n in page.nodes), default=0.0)
    verticals: list[tuple[float, float, float, int]] = []
    horizontals: list[tuple[float, float, float, int]] = []
    for k, e in enumerate(page.edges):
        metrics.bends += max(0, len(e.points) - 2)
        for (x1, y1), (x2, y2) in zip(e.points, e.points[1:], strict=False):
            if x1 == x2:
                verticals.append((x1, min(y1, y2), max(y1, y2), k))
            else:
                horizontals.append((y1, min(x1, x2), max(x1, x2), k))
            lo_y, hi_y = min(y1, y2), max(y1, y2)
            first = max(0, bisect.bisect_left(tops, lo_y - tallest))
            for node in by_top[first : bisect.bisect_right(tops, hi_y)]:
                if node.id in (e.source, e.target) and node.kind != StepKind.DECISION:
                    continue
                box = (node.x, node.y, node.w, node.h)
                if node.id in (e.source, e.target):
                    # a diamond's bounding box holds its own ports; only its inside counts
                    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
                    if _inside(node, mx, my) and _in_diamond(node, mx, my):
                        metrics.connector_shape_intersections += 1
                elif segment_hits_box((x1, y1), (x2, y2), box):
                    metrics.connector_shape_intersections += 1
    verticals.sort()
    xs = [v[0] for v in verticals]
    for y, x1, x2, k in horizontals:
        for j in range(bisect.bisect_right(xs, x1), bisect.bisect_left(xs, x2)):
            vx, vy1, vy2, vk = verticals[j]
            if vk != k and vy1 < y < vy2 and page.edges[vk].target != page.edges[k].target:
                metrics.crossings += 1
    lanes = page.lanes
    for i in range(1, len(lanes)):
        if lanes[i].x < lanes[i - 1].x + lanes[i - 1].width - 0.01:
            metrics.lane_order_violations += 1
    for node in page.nodes:
        left, right = lanes[node.lane], lanes[node.lane + node.span - 1]
        if node.w > right.x + right.width - left.x + 0.01:  # a wide diamond or oval: centred on its lane
            if not (left.x < node.cx < left.x + left.width):
                metrics.lane_order_violations += 1
        elif not (left.x <= node.x and node.x + node.w <= right.x + right.width):
            metrics.lane_order_violations += 1


def crossing_points(page: Page) -> dict[int, list[Point]]:
    """Where the edges of a page cross: per edge, the points on its horizontal segments where a
    vertical segment of another edge passes through (interior points of both). The drawing puts a
    hop there, so a reader sees the lines cross rather than join."""
    out: dict[int, list[Point]] = {}
    verticals: list[tuple[float, float, float, int]] = []
    horizontals: list[tuple[float, float, float, int]] = []
    for k, e in enumerate(page.edges):
        for (x1, y1), (x2, y2) in zip(e.points, e.points[1:], strict=False):
            if x1 == x2 and y1 != y2:
                verticals.append((x1, min(y1, y2), max(y1, y2), k))
            elif y1 == y2 and x1 != x2:
                horizontals.append((y1, min(x1, x2), max(x1, x2), k))
    verticals.sort()
    xs = [v[0] for v in verticals]
    for y, x1, x2, k in horizontals:
        for j in range(bisect.bisect_right(xs, x1 + 0.05), bisect.bisect_left(xs, x2 - 0.05)):
            vx, vy1, vy2, vk = verticals[j]
            if vk != k and vy1 + 0.05 < y < vy2 - 0.05:
                out.setdefault(k, []).append((vx, y))
    return out


def hop_path(points: tuple[Point, ...] | list[Point], hops: list[Point], radius: float,
             fmt: Callable[[float], str] = str) -> str:
    """SVG path data of an orthogonal line with a small semicircle (a hop) over each point of `hops`
    that lies on one of its horizontal segments. A hop shrinks to fit beside a bend or a neighbour."""
    d = [f"M{fmt(points[0][0])},{fmt(points[0][1])}"]
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        here = sorted({hx for hx, hy in hops if hy == y1 == y2 and min(x1, x2) < hx < max(x1, x2)},
                      reverse=x2 < x1)
        sign = 1 if x2 > x1 else -1
        prev = x1
        for k, hx in enumerate(here):
            nxt = here[k + 1] if k + 1 < len(here) else x2
            r = min(radius, abs(hx - prev) * 0.45, abs(nxt - hx) * 0.45)
            if r <= 0.05:
                continue
            a, b = hx - sign * r, hx + sign * r
            # the arc bulges upwards whichever way the line runs
            sweep = 1 if sign > 0 else 0
            d.append(f"L{fmt(a)},{fmt(y1)} A{fmt(r)},{fmt(r)} 0 0 {sweep} {fmt(b)},{fmt(y1)}")
            prev = b
        d.append(f"L{fmt(x2)},{fmt(y2)}")
    return " ".join(d)


def gapped_pieces(points: tuple[Point, ...] | list[Point], hops: list[Point], gap: float) -> list[list[Point]]:
    """The line cut into pieces with a gap of `gap` around each point of `hops` on its horizontal
    segments: the crossing drawn as a break in one line, for a drawing that has no arcs (DrawingML)."""
    pieces: list[list[Point]] = [[points[0]]]
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        here = sorted({hx for hx, hy in hops if hy == y1 == y2 and min(x1, x2) < hx < max(x1, x2)},
                      reverse=x2 < x1)
        sign = 1 if x2 > x1 else -1
        for k, hx in enumerate(here):
            nxt = here[k + 1] if k + 1 < len(here) else x2
            half = min(gap / 2, abs(hx - pieces[-1][-1][0]) * 0.45, abs(nxt - hx) * 0.45)  # narrower by a bend
            if half <= 0.05:
                continue
            pieces[-1].append((hx - sign * half, y1))
            pieces.append([(hx + sign * half, y1)])
        pieces[-1].append((x2, y2))
    return pieces


def _covered(node: Node, lanes: _Lanes, lane_count: int) -> range:
    """The lanes a shape stands in: its own, and those a wide diamond reaches over."""
    first = max(0, min(node.lane, lanes.at(node.x + 1.0)))
    last = min(lane_count - 1, max(node.lane + node.span - 1, lanes.at(node.x + node.w - 1.0)))
    return range(first, last + 1)


def _in_diamond(node: Node, x: float, y: float) -> bool:
    return abs(x - node.cx) / (node.w / 2) + abs(y - node.cy) / (node.h / 2) < 0.98
