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
the ends at mid-height) or a box holding the word Mulai/Selesai is a terminator. Diamonds, documents and
the arrows between symbols are not read from a picture: a row where nothing was found gets the usual
`no_symbol`, and the whole procedure carries an `unread` note that its table came from OCR and must be
checked against the original (lint P120). Nothing is guessed silently.
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

from .sheet import Issue, ReadRow, ReadSheet, ReadSymbol

__all__ = ["DPI", "available", "read_picture_table"]

DPI = 300
TIMEOUT = 30  # seconds per subprocess
_KEG = re.compile(r"^(kegiatan|aktivitas|aktifitas|uraian)", re.IGNORECASE)
_MUTU = re.compile(r"^(persyaratan|kelengkapan|input|waktu|output|biaya|syarat|bahan|durasi|sumber)", re.IGNORECASE)
_KET = re.compile(r"^ket(erangan|\.)?$", re.IGNORECASE)
_JUNK = re.compile(r"^[|\\/\-—–_=~.:;,'`\"»«]+$")
_TERM_WORD = re.compile(r"^(mulai|selesai|start|end|stop)\.?$", re.IGNORECASE)


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


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))


def read_picture_table(sheet: ReadSheet, pdf: Path, page: int, box: tuple[float, float, float, float]) -> bool:
    """Fill `sheet`'s lanes, headings and rows from the picture at `box` on `page`; False if nothing read."""
    with tempfile.TemporaryDirectory(prefix="prosedur-ocr-") as tmp:
        png = _raster(pdf, page, box, Path(tmp) / "table")
        words = _words(png)
        bits = _Bits(png)
        return _read(sheet, bits, words, page, lambda box: _number(png, box))


def _read(sheet: ReadSheet, bits: _Bits, words: list[Word], page: int, number_of: Any) -> bool:
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
        return False
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
        return False
    head_top, head_bottom = hy[0], bands[first][0]
    if not keg:
        return False
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
        return False
    sheet.lanes = [names[i] for i in k_lanes]
    sheet.mutu_headings = [names[i] for i in k_mutu]
    sheet.notes_heading = names[k_ket] if k_ket is not None else None
    k = 72 / DPI
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
        for lane_no, ci in enumerate(k_lanes):
            x0, x1 = cols[ci]
            for kind, bx in _boxes(bits, x0 + 4, a + 4, x1 - 4, b - 4, words):
                row.symbols.append(ReadSymbol(kind, [lane_no], page, tuple(round(v * k, 1) for v in bx)))  # type: ignore[arg-type]
        row.symbols.sort(key=lambda s: s.box[0])
        if not row.symbols:
            sheet.issues.append(Issue("no_symbol", page, len(sheet.rows) + 1))
        sheet.rows.append(row)
    _ = (left, right, Any)
    return bool(sheet.rows)
