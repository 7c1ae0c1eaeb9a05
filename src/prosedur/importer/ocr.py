"""Read an activity table that is only a picture: Tesseract OCR (Indonesian data) for the words, ruling
lines and symbol outlines found in the image itself.

The table region is rasterised at 300 dpi with poppler's `pdftoppm` (already a dependency) and OCRed once
with the `tesseract` CLI (`-l ind --psm 11`, TSV word boxes), both as subprocesses with a timeout; no
Python wrapper is needed for one call. Pillow binarises the image; the analysis is written here because it
is small and specific: ruling lines are pixel rows / columns dark over most of the table (`bytes.count` per
row of the binarised image and of its transpose), columns and rows are the spaces between them, the header
cells are the rows above the first row whose No cell holds a number, a column's own heading is what stands
below the lowest rule crossing that column in the header (so a group heading such as "BPS Provinsi" over
three lanes is not part of each lane's name). Words go to the cell holding their centre, lines of a cell
are joined in reading order.

Symbols: in each lane cell, a rectangle is a horizontal edge with one below it of the same extent and
straight dark sides between them (a process); a rounded box (same edges, no straight sides, dark beside
the ends at mid-height) or a box holding the word Mulai/Selesai is a terminator. Diamonds: the straight
strokes (dark runs of at least `STRAIGHT` px along a row or a column) are taken out of the image, the
rest is grouped into connected components (run-length union-find, plain Python: numpy / opencv are not
dependencies and a 300 dpi table takes well under a second); a component, or a group of touching ones
(connectors at its corners cut a diamond into pieces), that is dark along the four edges joining the
middles of its box's sides is a decision.

Arrows: the straight strokes that are neither table rules, symbol outlines nor letters' strokes are the
connectors, small filled components at a connector are arrowheads, words in the lanes outside symbols
are labels (marks beside a connector that the page pass skipped, such as a lone "Y", are OCRed alone).
They go back to importer/pdf.py as a `Drawing` in points, the same primitives a vector page gives, and
are followed there by the same code (decision exits, in-row flow). A box with a straight top and
straight sides but no straight bottom is a document (a wavy curve across below) or an off-page connector
(two diagonals meeting below). A row where nothing was found gets the usual `no_symbol`, a decision with
no readable target `decision_no_target`, and the whole procedure carries an `unread` note that its
table came from OCR and must be checked against the original (lint P120). Nothing is guessed silently.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .geometry import Box, Segment, Shape
from .sheet import Issue, ReadRow, ReadSheet, ReadSymbol

__all__ = ["DPI", "Drawing", "available", "read_picture_table"]

DPI = 300
TIMEOUT = 30  # seconds per subprocess
_KEG = re.compile(r"^(kegiatan|aktivitas|aktifitas|uraian)", re.IGNORECASE)
_MUTU = re.compile(r"^(persyaratan|kelengkapan|input|waktu|output|biaya|syarat|bahan|durasi|sumber)", re.IGNORECASE)
_KET = re.compile(r"^ket(erangan|\.)?$", re.IGNORECASE)
_JUNK = re.compile(r"^[|\\/\-—–_=~.:;,'`\"»«]+$")
_TERM_WORD = re.compile(r"^(mulai|selesai|start|end|stop)\.?$", re.IGNORECASE)


@dataclass
class Drawing:
    """What the picture shows besides text, in points from the picture's corner: the same primitives a
    vector page gives (importer/pdf.py follows the arrows and reads the exits from them)."""

    symbols: list[tuple[int, Shape, ReadSymbol]]  # (row index, outline, the row's symbol)
    segments: list[Segment]  # connector strokes
    heads: list[Box]  # arrowheads: small filled blobs
    labels: list[tuple[Box, str]]  # words in the lanes outside every symbol (exit labels)


def available() -> bool:
    return shutil.which("tesseract") is not None and shutil.which("pdftoppm") is not None


@dataclass
class Word:
    x0: int
    y0: int
    x1: int
    y1: int
    text: str

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def _raster(pdf: Path, page: int, box: tuple[float, float, float, float], out: Path) -> Path:
    k = DPI / 72
    x0, top, x1, bottom = box
    subprocess.run(["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), "-x", str(int(x0 * k)),
                    "-y", str(int(top * k)), "-W", str(int((x1 - x0) * k)), "-H", str(int((bottom - top) * k)),
                    "-gray", "-png", "-singlefile", str(pdf), str(out)], check=True, timeout=TIMEOUT,
                   capture_output=True)
    return out.with_suffix(".png")


def _number(png: Path, box: tuple[int, int, int, int]) -> list[str]:
    """The No cell alone read as one line of digits, twice: the whole cell, and cropped to its ink with a
    white margin (the sparse page pass often misses a lone "1."; each of these misses some the other reads)."""
    from PIL import Image, ImageOps

    out = []
    with Image.open(png) as im:
        c = im.convert("L").crop(box)
        ink = ImageOps.invert(c.point(lambda v: 0 if v < 150 else 255)).getbbox()
        if ink is None:
            return []
        crops = [c, ImageOps.expand(c.crop(ink), border=20, fill=255)]
    for k, crop in enumerate(crops):
        cell = png.with_name(f"no-{box[1]}-{k}.png")
        crop.save(cell)
        res = subprocess.run(["tesseract", str(cell), "-", "-l", "ind", "--psm", "7", "-c",
                              "tessedit_char_whitelist=0123456789."], check=True, timeout=TIMEOUT, capture_output=True)
        out.append(res.stdout.decode("ascii", "replace").strip())
    return out


def _label(png: Path, box: tuple[int, int, int, int]) -> str:
    """A few marks beside a connector read alone as one letter or one word (the sparse page pass skips
    lone letters such as an exit's "Y"); "" when Tesseract is not sure."""
    from PIL import Image, ImageOps

    with Image.open(png) as im:
        crop = ImageOps.expand(im.convert("L").crop(box), border=20, fill=255)
    cell = png.with_name(f"label-{box[0]}-{box[1]}.png")
    crop.save(cell)
    psm = "10" if box[2] - box[0] <= 1.3 * (box[3] - box[1]) else "8"  # one letter, else one word
    res = subprocess.run(["tesseract", str(cell), "-", "-l", "ind", "--psm", psm, "tsv"], check=True, timeout=TIMEOUT,
                         capture_output=True)
    best = ""
    for row in csv.DictReader(io.StringIO(res.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        try:
            conf = float(row.get("conf") or -1)
        except ValueError:
            continue
        if text and conf >= 60:
            best = f"{best} {text}".strip()
    return best


def _words(png: Path) -> list[Word]:
    res = subprocess.run(["tesseract", str(png), "-", "-l", "ind", "--psm", "11", "tsv"], check=True,
                         timeout=TIMEOUT, capture_output=True)
    out = []
    for row in csv.DictReader(io.StringIO(res.stdout.decode("utf-8", "replace")), delimiter="\t",
                              quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        try:
            conf = float(row.get("conf") or -1)
        except ValueError:
            continue
        if not text or conf < 30 or _JUNK.match(text):
            continue
        x, y, w, h = (int(row[k]) for k in ("left", "top", "width", "height"))
        out.append(Word(x, y, x + w, y + h, text))
    return out


class _Bits:
    """A binarised image: rows of bytes, 0 dark, 255 light (and the transpose for columns)."""

    def at(self, x: int, y: int, r: int = 3) -> bool:
        """Any dark pixel within r of (x, y)."""
        return any(0 <= yy < self.h and 0 in self.rows[yy][max(0, x - r):x + r + 1] for yy in range(y - r, y + r + 1))

    def __init__(self, png: Path):
        from PIL import Image

        with Image.open(png) as im:
            g = im.convert("L").point(lambda v: 0 if v < 150 else 255)
            self.w, self.h = g.size
            self.rows = [g.crop((0, y, self.w, y + 1)).tobytes() for y in range(self.h)]
            t = g.transpose(Image.Transpose.ROTATE_90).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
            self.cols = [t.crop((0, x, self.h, x + 1)).tobytes() for x in range(self.w)]

    def dark(self, x0: int, y0: int, x1: int, y1: int) -> int:
        return sum(r[x0:x1].count(0) for r in self.rows[y0:y1])


def _rules(lines: list[bytes], a: int, b: int, frac: float) -> list[int]:
    """Centres of runs of lines dark over `frac` of [a, b)."""
    hits = [i for i, ln in enumerate(lines) if ln[a:b].count(0) >= frac * (b - a)]
    out: list[int] = []
    group: list[int] = []
    for i in hits:
        if group and i - group[-1] > 2:
            out.append(sum(group) // len(group))
            group = []
        group.append(i)
    if group:
        out.append(sum(group) // len(group))
    return out


def _join(words: list[Word]) -> str:
    if not words:
        return ""
    words = sorted(words, key=lambda w: w.cy)
    lines: list[list[Word]] = [[words[0]]]
    for w in words[1:]:
        if abs(w.cy - lines[-1][-1].cy) < 0.6 * max(8, w.y1 - w.y0):
            lines[-1].append(w)
        else:
            lines.append([w])
    text = ""
    for ln in lines:
        part = " ".join(w.text for w in sorted(ln, key=lambda w: w.x0))
        text = text + part if text.endswith("-") and part[:1].islower() else f"{text} {part}".strip()
    return text


def _side(bits: _Bits, x: int, ya: int, yb: int) -> float:
    """How much of a straight vertical side stands at x between two edges (0..1)."""
    if x >= bits.w:
        return 0.0
    return max(c[ya + 3:yb - 3].count(0) for c in bits.cols[max(0, x - 3):x + 4]) / max(1, yb - ya - 6)


def _boxes(bits: _Bits, x0: int, y0: int, x1: int, y1: int, words: list[Word]) -> list[tuple[str, tuple[int, int, int, int]]]:
    """Symbols in one lane cell: rectangles (process) and rounded boxes (terminator)."""
    edges: list[tuple[int, int, int]] = []  # (y, xa, xb)
    for y in range(y0, y1):
        for m in re.finditer(rb"\x00{40,}", bits.rows[y][x0:x1]):
            xa, xb = x0 + m.start(), x0 + m.end()
            if xb - xa > 0.92 * (x1 - x0):
                continue  # a line across the cell, not an outline
            if edges and any(abs(e[0] - y) <= 3 and abs(e[1] - xa) <= 4 and abs(e[2] - xb) <= 4 for e in edges[-6:]):
                continue
            edges.append((y, xa, xb))
    found: list[tuple[str, tuple[int, int, int, int]]] = []
    used: set[int] = set()
    for i, (ya, xa, xb) in enumerate(edges):
        if i in used:
            continue
        for j in range(i + 1, len(edges)):
            yb, xc, xd = edges[j]
            if j in used or not 35 <= yb - ya <= 260 or abs(xa - xc) > 6 or abs(xb - xd) > 6:
                continue
            mid = (ya + yb) // 2
            h = yb - ya

            left, right = _side(bits, xa, ya, yb), _side(bits, xb - 1, ya, yb)
            box = (xa, ya, xb, yb)
            words_in = [w for w in words if xa - h <= w.cx <= xb + h and ya <= w.cy <= yb]
            if any(_TERM_WORD.match(w.text) for w in words_in):
                found.append(("terminator", (xa - h // 2, ya, xb + h // 2, yb)))
            elif left > 0.8 and right > 0.8:
                found.append(("process", box))
            else:
                lx = bits.rows[mid][max(x0, xa - h // 2):xa].count(0)
                rx = bits.rows[mid][xb:min(x1, xb + h // 2)].count(0)
                if lx and rx:
                    found.append(("terminator", (xa - h // 2, ya, xb + h // 2, yb)))
                else:
                    continue
            if any(_overlap(box, b) > 0.5 for _, b in found[:-1]):
                found.pop()  # the inner edge of a thick outline: the same symbol
            used.update((i, j))
            break
    # a terminator holding its word but drawn without straight edges long enough to pair
    for w in words:
        if x0 <= w.cx <= x1 and y0 <= w.cy <= y1 and _TERM_WORD.match(w.text) and not any(
                b[0] <= w.cx <= b[2] and b[1] <= w.cy <= b[3] for _, b in found):
            found.append(("terminator", (w.x0 - 10, w.y0 - 10, w.x1 + 10, w.y1 + 10)))
    return found


MAX_LABELS = 40  # separate reads of unread label marks per picture (each is one short Tesseract run)
LONG = 50  # px: a stroke this long is a connector even where it touches nothing
STRAIGHT = 24  # px: a dark run this long is a ruled line, an outline's side or a connector, not a diagonal


def _runs(line: bytes, at_least: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(rb"\x00{%d,}" % at_least, line)]


def _strokes(lines: list[bytes], at_least: int = STRAIGHT) -> list[tuple[int, int, int, int]]:
    """Straight strokes along `lines` (rows, or columns): runs of at least `at_least` dark pixels, the runs
    of neighbouring lines that cover the same span joined into one (a line's thickness):
    (first line, last line, start, end)."""
    open_: list[list[int]] = []  # [first, last, a, b]
    out: list[tuple[int, int, int, int]] = []
    for i, ln in enumerate(lines):
        keep = []
        for a, b in _runs(ln, at_least):
            for g in open_:
                if g[1] == i - 1 and abs(g[2] - a) <= 6 and abs(g[3] - b) <= 6:
                    g[1], g[2], g[3] = i, min(g[2], a), max(g[3], b)
                    keep.append(g)
                    break
            else:
                g = [i, i, a, b]
                keep.append(g)
        for g in open_:
            if g not in keep:
                out.append((g[0], g[1], g[2], g[3]))
        open_ = keep
    out.extend((g[0], g[1], g[2], g[3]) for g in open_)
    return out


def _components(bits: _Bits, hs: list[tuple[int, int, int, int]], vs: list[tuple[int, int, int, int]]
                ) -> list[tuple[int, int, int, int, int]]:
    """Connected groups of the dark pixels that are not on a straight stroke (diagonals, arrowheads,
    letters): (x0, y0, x1, y1, pixels). Runs of each row are joined with the touching runs of the row above."""
    mask = [bytearray(r) for r in bits.rows]
    for y0, y1, a, b in hs:
        for y in range(y0, y1 + 1):
            mask[y][a:b] = b"\xff" * (b - a)
    for x0, x1, a, b in vs:
        for y in range(a, b):
            mask[y][x0:x1 + 1] = b"\xff" * (x1 + 1 - x0)
    parent: list[int] = []

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    runs: list[tuple[int, int, int]] = []  # (y, a, b)
    prev: list[int] = []
    for y, row in enumerate(mask):
        cur = []
        for a, b in _runs(bytes(row), 1):
            k = len(runs)
            runs.append((y, a, b))
            parent.append(k)
            for j in prev:
                _, pa, pb = runs[j]
                if pa <= b and a <= pb:  # touching, diagonals included
                    ra, rb = find(j), find(k)
                    if ra != rb:
                        parent[rb] = ra
            cur.append(k)
        prev = cur
    groups: dict[int, list[int]] = {}
    for k, (y, a, b) in enumerate(runs):
        g = groups.setdefault(find(k), [a, y, b, y, 0])
        g[0], g[1], g[2], g[3], g[4] = min(g[0], a), min(g[1], y), max(g[2], b), max(g[3], y), g[4] + b - a
    return [(g[0], g[1], g[2], g[3] + 1, g[4]) for g in groups.values()]


def _is_diamond(bits: _Bits, box: tuple[int, int, int, int]) -> bool:
    """Dark along the four edges joining the middles of the box's sides, light at its centre."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    corners = [(cx, y0), (x1, cy), (cx, y1), (x0, cy), (cx, y0)]
    for (ax, ay), (bx, by) in zip(corners, corners[1:], strict=False):
        hits = sum(bits.at(round(ax + (bx - ax) * t / 20), round(ay + (by - ay) * t / 20), 4) for t in range(2, 19))
        if hits < 15:
            return False
    return not bits.at(cx, cy, 3) or bits.dark(cx - 10, cy - 10, cx + 10, cy + 10) < 200


def _clusters(comps: list[tuple[int, int, int, int, int]], gap: int = 6, least: int = 30) -> list[tuple[int, int, int, int]]:
    """Boxes of groups of components at least `least` px long lying within `gap` of each other: a diamond
    whose corners carry connectors is cut into pieces where the straight strokes were taken out (its
    pieces are long; arrowheads and specks are not)."""
    boxes = [list(c[:4]) for c in comps if max(c[2] - c[0], c[3] - c[1]) >= least]
    merged = True
    while merged:
        merged = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i], boxes[j]
                if a[0] - gap <= b[2] and b[0] - gap <= a[2] and a[1] - gap <= b[3] and b[1] - gap <= a[3]:
                    boxes[i] = [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]
                    del boxes[j]
                    merged = True
                    break
            if merged:
                break
    return [(b[0], b[1], b[2], b[3]) for b in boxes]


def _diamonds(bits: _Bits, comps: list[tuple[int, int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Decisions: a component, or a group of touching ones, outlining a diamond."""
    out: list[tuple[int, int, int, int]] = []
    for box in [c[:4] for c in comps] + _clusters(comps):
        if 60 <= box[2] - box[0] <= 700 and 35 <= box[3] - box[1] <= 500 and _is_diamond(bits, box) and not any(
                _overlap(box, b) > 0.5 for b in out):
            out.append(box)
    return out


def _open_boxes(bits: _Bits, hs: list[tuple[int, int, int, int]], vs: list[tuple[int, int, int, int]],
                comps: list[tuple[int, int, int, int, int]]) -> list[tuple[str, tuple[int, int, int, int]]]:
    """Symbols with a straight top and straight sides but no straight bottom: a document (io) when a
    curve spans the width below the sides, an off-page connector when two diagonals from the sides' ends
    meet in a point below (a pentagon)."""
    out: list[tuple[str, tuple[int, int, int, int]]] = []
    for ty0, _ty1, a, b in hs:
        if not 30 <= b - a <= 700:
            continue
        sides = [[v for v in vs if abs(v[0] - x) <= 6 and abs(v[2] - ty0) <= 8 and v[3] - v[2] >= 25] for x in (a, b - 1)]
        if not all(sides):
            continue
        left, right = max(sides[0], key=lambda v: v[3]), max(sides[1], key=lambda v: v[3])
        end = min(left[3], right[3])
        if abs(left[3] - right[3]) > 10 or any(abs(h[0] - end) <= 8 and h[2] <= a + 10 and h[3] >= b - 10 for h in hs):
            continue  # closed by a straight bottom: a rectangle (`_boxes`)
        below = [c for c in comps if c[0] >= a - 8 and c[2] <= b + 8 and end - 8 <= c[1] <= end + 8 and c[3] > end + 4]
        cx = (a + b) // 2

        def along(x0: int, y0: int, x1: int, y1: int) -> float:
            return sum(bits.at(round(x0 + (x1 - x0) * t / 20), round(y0 + (y1 - y0) * t / 20), 4) for t in range(2, 19)) / 17

        bottom = max((c[3] for c in below), default=end)
        if below and along(a, end, cx, bottom) >= 0.9 and along(b - 1, end, cx, bottom) >= 0.9:
            out.append(("connector", (a, ty0, b, bottom)))
            continue
        # a curve across the whole width, within a third of the box's height of the sides' ends
        reach = max(8, (end - ty0) // 3)
        lows = []
        for x in range(a + 8, b - 8, 4):
            col = bits.cols[x][end - reach:end + reach]
            if 0 not in col:
                break
            lows.append(end - reach + len(col) - col[::-1].index(0))
        else:
            straight = any(end - reach <= h[0] <= end + reach and h[2] <= a + 10 and h[3] >= b - 10 for h in hs)
            if lows and max(lows) > end + 4 and max(lows) - min(lows) >= 6 and not straight:
                out.append(("io", (a, ty0, b, max(lows))))  # wavy, not a rule or a line under the sides
    return out


def _near_box(a: tuple[float, float, float, float], b: tuple[float, ...], pad: float) -> bool:
    """Two boxes (x0, y0, x1, y1; a stroke's ends will do) within `pad` of each other."""
    return (min(b[0], b[2]) - pad <= max(a[0], a[2]) and min(a[0], a[2]) <= max(b[0], b[2]) + pad
            and min(b[1], b[3]) - pad <= max(a[1], a[3]) and min(a[1], a[3]) <= max(b[1], b[3]) + pad)


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))


def read_picture_table(sheet: ReadSheet, pdf: Path, page: int, box: tuple[float, float, float, float]) -> Drawing | None:
    """Fill `sheet`'s lanes, headings and rows from the picture at `box` on `page`; None if nothing read."""
    with tempfile.TemporaryDirectory(prefix="prosedur-ocr-") as tmp:
        png = _raster(pdf, page, box, Path(tmp) / "table")
        words = _words(png)
        bits = _Bits(png)
        return _read(sheet, bits, words, page, lambda box: _number(png, box), lambda box: _label(png, box))


def _read(sheet: ReadSheet, bits: _Bits, words: list[Word], page: int, number_of: Any, label_of: Any = None
          ) -> Drawing | None:
    vx = _rules(bits.cols, 0, bits.h, 0.55)
    hy = _rules(bits.rows, 0, bits.w, 0.6)
    # the frame's outer rules may be cut off at the picture's edge: the edge is the rule then
    if not vx or vx[0] > 20:
        vx.insert(0, 0)
    if vx[-1] < bits.w - 20:
        vx.append(bits.w - 1)
    if not hy or hy[0] > 20:
        hy.insert(0, 0)
    if hy[-1] < bits.h - 20:
        hy.append(bits.h - 1)
    if len(vx) < 4 or len(hy) < 3:
        return None
    left, right = vx[0], vx[-1]
    cols = list(zip(vx, vx[1:], strict=False))
    # the first data row: the first band whose first column holds a number
    bands = list(zip(hy, hy[1:], strict=False))

    def cell_words(x0: int, x1: int, y0: int, y1: int) -> list[Word]:
        return [w for w in words if x0 < w.cx < x1 and y0 < w.cy < y1]

    keg = [w for w in words if _KEG.match(w.text)]
    below = min((w.y1 for w in keg), default=0)  # data rows start under the Kegiatan heading
    bands = [(a, b) for a, b in bands if a >= below - 4]
    # each band's number: read in the page pass, else in the No cell alone; where the readings differ the
    # one that follows the row before is taken (never made up: a row with no reading is numbered and reported)
    numbers: list[str] = []
    for a, b in bands:
        page_read = _join(cell_words(*cols[0], a, b))
        if re.fullmatch(r"[1-9]\d{0,2}\.?", page_read) or not _join(cell_words(cols[0][1], cols[-1][1], a, b)):
            numbers.append(page_read)
            continue
        reads = [r.rstrip(".") for r in number_of((cols[0][0] + 3, a + 3, cols[0][1] - 3, b - 3))]
        reads = [r for r in reads if re.fullmatch(r"[1-9]\d{0,2}", r)]
        prev = next((int(n.rstrip(".")) for n in reversed(numbers) if re.fullmatch(r"\d{1,3}\.?", n)), 0)
        numbers.append(str(prev + 1) if str(prev + 1) in reads else (reads[0] if reads else ""))
    first = next((k for k, n in enumerate(numbers) if re.fullmatch(r"[1-9]\d{0,2}\.?", n)), None)
    if first is None:
        return None
    head_top, head_bottom = hy[0], bands[first][0]
    if not keg:
        return None
    # a column rule runs through the header's last line too; a long connector drawn down a lane does not
    above = max(head_top, head_bottom - 28)  # the header's last line, just above the first row
    vx = [x for x in vx if x in (vx[0], vx[-1]) or max(
        c[above:head_bottom - 3].count(0) for c in bits.cols[max(0, x - 2):x + 3]) >= 0.8 * (head_bottom - 3 - above)]
    cols = list(zip(vx, vx[1:], strict=False))
    names = []
    for x0, x1 in cols:
        # this column's own heading: below the lowest rule crossing the whole column inside the header
        inner = [y for y in _rules(bits.rows, x0 + 4, x1 - 4, 0.9) if head_top + 4 < y < head_bottom - 4]
        top = max(inner) if inner else head_top
        names.append(_join(cell_words(x0, x1, top, head_bottom)))
    k_text = next((i for i, n in enumerate(names) if _KEG.match(n)), 1)
    k_mutu = [i for i, n in enumerate(names) if _MUTU.match(n)]
    k_ket = next((i for i, n in enumerate(names) if _KET.match(n)), None)
    k_lanes = [i for i in range(k_text + 1, k_mutu[0] if k_mutu else (k_ket or len(names)))]
    if not k_lanes:
        return None
    sheet.lanes = [names[i] for i in k_lanes]
    sheet.mutu_headings = [names[i] for i in k_mutu]
    sheet.notes_heading = names[k_ket] if k_ket is not None else None
    k = 72 / DPI
    hs, vs = _strokes(bits.rows), _strokes(bits.cols)
    comps = _components(bits, hs, vs)
    lane_x0, lane_x1 = cols[k_lanes[0]][0], cols[k_lanes[-1]][1]
    in_lanes = [c for c in comps if c[0] >= lane_x0 - 10 and c[2] <= lane_x1 + 10 and c[3] > head_bottom]
    diamonds = [("decision", d) for d in _diamonds(bits, in_lanes)] + _open_boxes(bits, hs, vs, in_lanes)
    diamonds = [(kd, d) for kd, d in diamonds if lane_x0 - 10 <= (d[0] + d[2]) / 2 <= lane_x1 + 10
                and (d[1] + d[3]) / 2 > head_bottom]
    drawing = Drawing([], [], [], [])

    def pt(bx: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
        return (round(bx[0] * k, 1), round(bx[1] * k, 1), round(bx[2] * k, 1), round(bx[3] * k, 1))

    for (a, b), no in zip(bands[first:], numbers[first:], strict=True):
        cells = [_join(cell_words(x0, x1, a, b)) for x0, x1 in cols]
        if not any(cells):
            continue
        number = no.rstrip(".")
        row = ReadRow(number if number.isdigit() else str(len(sheet.rows) + 1), cells[k_text], page)
        if not number.isdigit():
            sheet.issues.append(Issue("number_unread", page, len(sheet.rows) + 1, {"n": row.number}))
        row.mutu = [cells[i] for i in k_mutu]
        row.notes = cells[k_ket] if k_ket is not None else ""
        found: list[tuple[str, int, tuple[int, int, int, int]]] = []
        for lane_no, ci in enumerate(k_lanes):
            x0, x1 = cols[ci]
            found += [(kind, lane_no, bx) for kind, bx in _boxes(bits, x0 + 4, a + 4, x1 - 4, b - 4, words)]
            boxes = [bx for _, _, bx in found]
            found += [(kd, lane_no, d) for kd, d in diamonds if x0 <= (d[0] + d[2]) / 2 < x1 and a <= (d[1] + d[3]) / 2 < b
                      and not any(_overlap(d, bx) > 0.5 for bx in boxes)]
        for kind, lane_no, bx in found:
            sym = ReadSymbol(kind, [lane_no], page, pt(bx))
            row.symbols.append(sym)
            drawing.symbols.append((len(sheet.rows), Shape(Box(*sym.box), [], "ocr", kind), sym))
        row.symbols.sort(key=lambda s: s.box[0])
        if not row.symbols:
            sheet.issues.append(Issue("no_symbol", page, len(sheet.rows) + 1))
        sheet.rows.append(row)
    _ = (left, right, Any)
    if not sheet.rows:
        return None
    _connectors(drawing, bits, hs, vs, comps, words, (lane_x0, head_bottom, lane_x1, hy[-1]), vx, hy, label_of)
    return drawing


def _connectors(drawing: Drawing, bits: _Bits, hs: list[tuple[int, int, int, int]], vs: list[tuple[int, int, int, int]],
                comps: list[tuple[int, int, int, int, int]], words: list[Word], area: tuple[int, int, int, int],
                vx: list[int], hy: list[int], read_label: Any = None) -> None:
    """Connector strokes, arrowheads and labels inside the lanes (`area`, pixels), into `drawing` in points:
    straight strokes that are neither table rules, outlines of the symbols found nor parts of letters."""
    k = 72 / DPI
    ax0, ay0, ax1, ay1 = area
    boxes = [tuple(v / k for v in sym.box) for _, _, sym in drawing.symbols]
    word_boxes = [(w.x0 - 3, w.y0 - 3, w.x1 + 3, w.y1 + 3) for w in words]

    def inside(x: float, y: float, b: tuple[float, ...], pad: float) -> bool:
        return b[0] - pad <= x <= b[2] + pad and b[1] - pad <= y <= b[3] + pad

    def keep(xa: float, ya: float, xb: float, yb: float) -> bool:
        if not (ax0 - 10 <= min(xa, xb) and max(xa, xb) <= ax1 + 10 and ay0 - 4 <= min(ya, yb) and max(ya, yb) <= ay1 + 4):
            return False
        if any(inside(xa, ya, b, 8) and inside(xb, yb, b, 8) for b in boxes):
            return False  # a side of a symbol's outline
        return not any(inside(xa, ya, b, 0) and inside(xb, yb, b, 0) for b in word_boxes)  # a letter's stroke

    for y0, y1, a, b in hs:
        y = (y0 + y1) / 2
        if y1 - y0 > 12 or any(abs(y - r) <= 5 for r in hy):
            continue  # a filled area, or a row's rule
        if keep(a, y, b, y):
            drawing.segments.append(Segment(round(a * k, 1), round(y * k, 1), round(b * k, 1), round(y * k, 1)))
    for x0, x1, a, b in vs:
        x = (x0 + x1) / 2
        if x1 - x0 > 12 or any(abs(x - r) <= 5 for r in vx):
            continue  # a filled area, or a column's rule
        if keep(x, a, x, b):
            drawing.segments.append(Segment(round(x * k, 1), round(a * k, 1), round(x * k, 1), round(b * k, 1)))
    loose: list[tuple[int, int, int, int, int]] = []  # small marks outside symbols: letters of unread labels
    # a short stroke touching neither a long one nor a symbol is part of a letter ("T")
    strokes = [(sg.x0 / k, sg.y0 / k, sg.x1 / k, sg.y1 / k) for sg in drawing.segments]
    long_ = [st for st in strokes if max(st[2] - st[0], st[3] - st[1]) >= LONG]
    kept, dropped = [], []
    for sg, st in zip(drawing.segments, strokes, strict=True):
        if st in long_ or any(_near_box(st, b, 8) for b in boxes) or any(_near_box(st, lg, 8) for lg in long_):
            kept.append(sg)
        else:
            dropped.append((int(st[0]) - 3, int(st[1]) - 3, int(st[2]) + 3, int(st[3]) + 3, 0))
    drawing.segments = kept
    strokes = [(sg.x0 / k, sg.y0 / k, sg.x1 / k, sg.y1 / k) for sg in kept]

    def on_stroke(x0: int, y0: int, x1: int, y1: int, pad: int) -> bool:
        """At a connector, or at a table rule (a stub of a line is no letter)."""
        return any(_near_box((x0, y0, x1, y1), st, pad) for st in strokes) or any(
            y0 - pad <= r <= y1 + pad for r in hy) or any(x0 - pad <= r <= x1 + pad for r in vx)

    loose += [d for d in dropped if not on_stroke(d[0] + 3, d[1] + 3, d[2] - 3, d[3] - 3, 3)]

    for x0, y0, x1, y1, n in comps:
        w, h = x1 - x0, y1 - y0
        if not (ax0 <= x0 and x1 <= ax1 and ay0 <= y0 <= ay1) or any(
                inside((x0 + x1) / 2, (y0 + y1) / 2, b, 0) for b in boxes + word_boxes):
            continue
        if 6 <= w <= 40 and 6 <= h <= 40 and n >= 0.3 * w * h and on_stroke(x0, y0, x1, y1, 4):
            drawing.heads.append(Box(x0 * k, y0 * k, x1 * k, y1 * k))  # a filled triangle at a stroke
        elif w <= 60 and 12 <= h <= 60 and not on_stroke(x0, y0, x1, y1, 3):
            loose.append((x0, y0, x1, y1, n))
    heads = [(h.x0 / k, h.top / k, h.x1 / k, h.bottom / k) for h in drawing.heads]
    for wd in words:
        if ax0 <= wd.cx <= ax1 and ay0 <= wd.cy <= ay1 and not any(_near_box((wd.x0, wd.y0, wd.x1, wd.y1), b, 5) for b in boxes + heads):
            drawing.labels.append((Box(wd.x0 * k, wd.y0 * k, wd.x1 * k, wd.y1 * k), wd.text))
    # a short label ("Y", "T") the page pass did not read: each group of loose marks read on its own
    if read_label is not None:
        for bx in _clusters(loose, gap=10, least=0)[:MAX_LABELS]:
            if bx[2] - bx[0] > 200 or bx[3] - bx[1] > 70:
                continue
            text = read_label((bx[0] - 3, bx[1] - 3, bx[2] + 3, bx[3] + 3))
            if text and re.fullmatch(r"[A-Za-z][A-Za-z.]{0,9}", text):
                drawing.labels.append((Box(bx[0] * k, bx[1] * k, bx[2] * k, bx[3] * k), text))
