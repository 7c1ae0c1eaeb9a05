"""Read a signed PermenPAN-RB 35/2012 SOP PDF into a `ReadSheet`: identity sheet, activity table, paper.

The reading follows the drawing, not the text flow: columns are the vertical rules that run through the
table, rows the horizontal rules that cross it, actors the lane columns in which symbols stand, symbol kinds
the shapes of the vector drawing (`geometry.classify`), decision exits the paths that leave a diamond.
Whatever cannot be read becomes an `Issue` with its page and row; nothing is filled in by guess.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import hyphen
from .geometry import Box, Chars, Segment, Shape, classify, coverage, merge_rules, page_segments, page_shapes
from .messages import render
from .sheet import Issue, ReadRow, ReadSheet, ReadSymbol

__all__ = ["ImportError_", "MAX_BYTES", "MAX_PAGES", "read_pdf"]

MAX_PAGES = 40
MAX_BYTES = 30 * 1024 * 1024


class ImportError_(Exception):  # noqa: N801 - not the builtin
    """A file that cannot be imported at all: nothing is written for it."""

    def __init__(self, msg_id: str, **params: Any):
        super().__init__(msg_id)
        self.msg_id = msg_id
        self.params = params

    def message(self, lang: str = "id") -> str:
        from .messages import render

        return render(self.msg_id, self.params, lang)


Frag = tuple[Box, str]

# -- text fragments --------------------------------------------------------------------------------------


def fragments(chars: Chars, region: tuple[float, float, float, float] | None = None) -> list[Frag]:
    """Text lines split where a wide gap separates them (two cells on one baseline are two fragments)."""
    cs = chars.within(*region) if region else chars.chars
    out: list[Frag] = []
    for box, _text in Chars.lines(cs):
        line = [c for c in cs if box.top - 0.1 <= c["top"] and c["bottom"] <= box.bottom + 0.1
                and box.x0 - 0.1 <= c["x0"] <= box.x1]
        line.sort(key=lambda c: c["x0"])
        group: list[dict[str, Any]] = []
        for c in line:
            if group and c["x0"] - max(g["x1"] for g in group) > 1.6 * max(c["size"], 4.0):
                out.extend(Chars.lines(group))
                group = []
            group.append(c)
        if group:
            out.extend(Chars.lines(group))
    return out


def _soft_break(text: str, line: str) -> bool:
    """`text` ends in a hyphen the printer put where a word broke ("Dise-" / "tujui"), not one of the
    word's own ("hasil-" / "hasil", "e-" / "mail"): the hyphen stands at a hyphenation point of the
    whole word (prosedur.hyphen, the rule our outputs break by)."""
    left = re.split(r"[\s/]", text[:-1])[-1]
    right = re.split(r"[\s/.,;:]", line, maxsplit=1)[0]
    if not (left.isalpha() and right.isalpha()) or left.lower() == right.lower():
        return False
    return len(left) in hyphen.points(left + right)


_URL = re.compile(r"(^|\s)(https?://|www\.)\S*$", re.IGNORECASE)  # the text ends inside a web address


def _join(lines: Iterable[str]) -> str:
    text = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if _URL.search(text) and text[-1] in "/?&=#_":
            text += line  # a web address broken after one of its separators (as prosedur.hyphen breaks it)
        elif text[-1:] in ".-" and text.split() and _URL.search(text.split()[-1]) and line[:1].isalnum() and line[:1].islower():
            text += line  # ... or after a dot or hyphen inside it ("layanan." / "contoh.go.id"): no sentence ends in one
        elif text.endswith("-") and not text.endswith(" -") and line[:1].islower() or line.startswith("/") and not text.endswith(" "):
            text = (text[:-1] if _soft_break(text, line) else text) + line
        elif text.endswith("/"):
            text = text + line if line.startswith(("http", "www")) else text + " " + line
        else:
            text = f"{text} {line}" if text else line
    return " ".join(text.split())


# -- identity sheet ----------------------------------------------------------------------------------------

LABELS: dict[str, str] = {
    "number": r"nomor\s*sop",
    "issued": r"tanggal\s*pembuatan",
    "revised": r"tanggal\s*revisi",
    "effective": r"tanggal\s*efektif",
    "approved": r"disahkan\s*oleh",
    "title": r"(nama|judul)\s*sop",
    "legal_basis": r"dasar\s*hukum",
    "qualifications": r"kualifikasi\s*pelaksana(an)?",
    "related": r"keterkaitan",
    "equipment": r"peralatan\s*/?\s*perlengkapan",
    "warnings": r"peringatan",
    "records": r"pencatatan\s*(dan|&)\s*pendataan",
}
LIST_FIELDS = ("legal_basis", "qualifications", "related", "equipment", "warnings", "records")
_ITEM_NO = re.compile(r"^(\d{1,2}[.),]|[a-z][.)])\s*")  # "1," is a typo for "1." seen in real SOPs
_UNIT_WORD = re.compile(r"^(tim|bagian|bidang|seksi|sub\s*bagian|subbag|biro|direktorat|unit|pusat)\b", re.IGNORECASE)
_BULLET = re.compile(r"^[-•·▪●◦]\s*")


def _label_of(text: str) -> tuple[str, str] | None:
    for name, pattern in LABELS.items():
        m = re.match(rf"^\s*{pattern}\s*:?\s*", text, re.IGNORECASE)
        if m:
            return name, text[m.end():].lstrip(": ").strip()
    return None


def _list_items(frags: list[Frag], right: float) -> list[str]:
    """Items of a list cell: numbered or bulleted lines start items; a number printed apart beside a
    multi-line item owns the lines nearest to it; unnumbered wrapped lines are one item."""
    frags = sorted(frags, key=lambda f: (round(f[0].bottom), f[0].x0))
    if not frags:
        return []
    split: list[Frag] = []
    for box, text in frags:  # "1. Undang-Undang …": the number apart from its text
        m = re.match(r"^(\d{1,2}[.),])(?:\s+|(?=[A-Za-z]))(\S.*)$", text)  # "5.Permenpan" too
        if m:
            split.append((Box(box.x0, box.top, box.x0 + 5, box.bottom), m.group(1)))
            split.append((Box(box.x0 + 8, box.top, box.x1, box.bottom), m.group(2)))
        else:
            split.append((box, text))
    if any(re.fullmatch(r"\d{1,2}[.),]?", t) for _, t in split) and sum(
            1 for _, t in split if re.fullmatch(r"\d{1,2}[.),]?", t)) > 1:
        frags = split
    numbers = [f for f in frags if re.fullmatch(r"(\d{1,2}[.),]?|[a-z][.)]?)", f[1])]
    texts = [f for f in frags if f not in numbers]
    if numbers and texts and min(n[0].x1 for n in numbers) <= min(t[0].x0 for t in texts) + 1:
        owned: dict[int, list[Frag]] = {i: [] for i in range(len(numbers))}
        # numbers on their item's first line own the lines down to the next number; numbers centred
        # beside a wrapped item own the lines nearest to them
        top_aligned = all(any(abs(n[0].cy - t[0].cy) < 2 for t in texts) for n in numbers)
        for t in texts:
            if top_aligned:  # the nearest number above and left of it: its own column first (two-column lists)
                cands = [i for i in range(len(numbers))
                         if numbers[i][0].cy <= t[0].cy + 2 and numbers[i][0].x1 <= t[0].x0 + 1] or [0]
                best = max(cands, key=lambda i: (round(numbers[i][0].x0 / 12), numbers[i][0].cy))
            else:
                best = min(range(len(numbers)), key=lambda i: (abs(numbers[i][0].cy - t[0].cy), i))
            owned[best].append(t)
        order = sorted(range(len(numbers)), key=lambda i: (round(numbers[i][0].x0 / 12), numbers[i][0].cy)) \
            if top_aligned else range(len(numbers))
        return [_join(t[1] for t in sorted(owned[i], key=lambda f: f[0].top)) for i in order if owned[i]]
    # merge fragments on one baseline (the number and its text when printed close)
    lines: list[Frag] = []
    for f in frags:
        if lines and abs(lines[-1][0].bottom - f[0].bottom) < 2:
            b = lines[-1][0]
            lines[-1] = (Box(b.x0, min(b.top, f[0].top), max(b.x1, f[0].x1), max(b.bottom, f[0].bottom)),
                         f"{lines[-1][1]} {f[1]}")
        else:
            lines.append(f)
    items: list[list[str]] = []
    numbered = any(_ITEM_NO.match(t) or _BULLET.match(t) for _, t in lines)
    prev_short = True
    for box, text in lines:
        starts = bool(_ITEM_NO.match(text) or _BULLET.match(text)) if numbered else prev_short
        if starts or not items:
            items.append([_BULLET.sub("", _ITEM_NO.sub("", text))])
        else:
            items[-1].append(text)
        prev_short = box.x1 < right - 0.25 * (right - lines[0][0].x0) or text.rstrip().endswith((";", "."))
    return [t for t in (_join(i) for i in items) if t and t not in {"-", "–"}]


def read_identity(sheet: ReadSheet, page: Any, chars: Chars, pno: int) -> float:
    """Fill the identity fields from the page holding 'Nomor SOP'; returns the bottom of the identity block."""
    frags = fragments(chars)
    found: dict[str, tuple[Frag, str]] = {}
    candidates: dict[str, list[tuple[Frag, str]]] = {}
    for f in frags:
        lab = _label_of(f[1])
        if lab is None and re.fullmatch(r"tanggal", f[1].strip(), re.IGNORECASE):
            # "Tanggal" / "Pembuatan" wrapped in a narrow label cell: one label, as tall as both lines
            under = next((g for g in frags if abs(g[0].x0 - f[0].x0) < 2 and 0 <= g[0].top - f[0].bottom < f[0].h), None)
            if under is not None and (lab := _label_of(f"{f[1]} {under[1]}")) is not None:
                f = (Box(f[0].x0, f[0].top, max(f[0].x1, under[0].x1), under[0].bottom), f"{f[1]} {under[1]}")
        if lab:
            candidates.setdefault(lab[0], []).append((f, lab[1]))
    # a label printed twice (a running page header "Nomor SOP … · title" above the identity frame): the one in
    # the column of labels, where the most other labels start at its x
    xs = [f[0].x0 for found_list in candidates.values() for f, _ in found_list]
    for name, found_list in candidates.items():
        found[name] = max(found_list, key=lambda c: sum(1 for x in xs if abs(x - c[0][0].x0) < 3))
    if "number" not in found:
        return 0.0
    label_x = found["number"][0][0].x0 - 2
    width = float(page.width)
    hrules = [(y, s) for y, s in merge_rules(page_segments(page), True)]

    def right_of(name: str, bottom: float | None = None, start: float | None = None) -> str:
        (box, _), rest = found[name]
        top = box.top - 2 if start is None else start
        end = bottom if bottom is not None else box.bottom + 1
        parts = [rest] if rest else []
        for b, t in frags:
            if b.x0 > box.x1 and b.top >= top - 1 and b.bottom <= end + 1 and (b, t) != found[name][0] and (
                    start is None or b.bottom > box.top + 1):  # a line ending where the label starts is the row above
                parts.append(t)
        return _join(p.lstrip(":").strip() for p in parts)

    def line_below(name: str) -> float:
        box = found[name][0][0]
        ys = [y for y, spans in hrules if y > box.bottom + 1 and coverage(spans, box.x0, box.x0 + 60) > 0.5]
        return min(ys) if ys else box.bottom + 30

    for name in ("number", "issued", "revised", "effective"):
        if name in found:
            setattr(sheet, name, right_of(name))
            if getattr(sheet, name) in ("", "-", "–"):
                sheet.empty_marks.append("" if not getattr(sheet, name) else "-")
        else:
            sheet.issues.append(Issue("identity_missing", pno, None, {"field": _FIELD_NAMES[name]}))
    def line_above(name: str) -> float | None:
        """The rule over a label's cell: a label centred in a tall cell has its value's first line above it."""
        box = found[name][0][0]
        ys = [y for y, spans in hrules if y < box.top - 1 and coverage(spans, box.x0, box.x0 + 60) > 0.5]
        # at most about a line above it (not the signer's NIP printed over a cell without a rule)
        return max(max(ys) + 1, box.top - 1.2 * box.h) if ys and box.top - max(ys) < 3 * box.h else None

    if "title" in found:
        sheet.title = right_of("title", line_below("title"), line_above("title"))
    else:
        sheet.issues.append(Issue("identity_missing", pno, None, {"field": "Nama SOP"}))
    # Disahkan oleh: from its label to Nama SOP, right of the labels
    if "approved" in found:
        box = found["approved"][0][0]
        end = found["title"][0][0].top - 1 if "title" in found else box.bottom + 80
        # the block starts under the date above it: a label centred in a tall cell has text above it
        start = min(box.top, found["effective"][0][0].bottom + 1) if "effective" in found else box.top
        block = [(b, t) for b, t in frags if b.x0 >= label_x - 1 and start - 2 <= b.top and b.bottom <= end
                 and (b, t) != found["approved"][0]]
        texts = [t.lstrip(":").strip() for b, t in sorted(block, key=lambda f: (f[0].top, f[0].x0))]
        if found["approved"][1]:
            texts.insert(0, found["approved"][1])
        texts = [t for t in texts if t]
        nip_i = next((i for i, t in enumerate(texts) if re.match(r"^NIP\.?", t, re.IGNORECASE)), None)
        if nip_i is not None:
            sheet.approver_nip = re.sub(r"^NIP\.?\s*:?\s*", "", texts[nip_i], flags=re.IGNORECASE).strip()
            before = texts[:nip_i]
        else:
            before = texts
        if before:
            sheet.approver_name = before[-1] if len(before) > 1 else ""
            sheet.approver_position = _join(before[:-1]) if len(before) > 1 else before[0]
        if not sheet.approver_name:
            sheet.issues.append(Issue("identity_missing", pno, None, {"field": "Disahkan oleh (nama)"}))
    else:
        sheet.issues.append(Issue("identity_missing", pno, None, {"field": "Disahkan oleh"}))
    # organisation and unit: the block left of the labels, above the lists
    top_of_lists = min([found[n][0][0].top for n in LIST_FIELDS if n in found] or [page.height / 2])
    # inside the identity frame: not a running page header printed above it
    frame_top = found["number"][0][0].top - 4
    head = sorted([f for f in frags if f[0].x1 <= label_x and f[0].bottom <= top_of_lists - 1 and f[0].top >= frame_top],
                  key=lambda f: f[0].top)
    if head:
        groups: list[list[Frag]] = [[head[0]]]
        for f in head[1:]:
            prev = groups[-1][-1][0]
            if f[0].top - prev.bottom > 0.9 * prev.h or abs(f[0].h - prev.h) > 0.15 * prev.h:  # gap or font size
                groups.append([f])
            else:
                groups[-1].append(f)
        org = [t for _, t in groups[0]]
        # a unit printed like the organisation's lines, under them: it says what it is ("TIM BAGIAN UMUM")
        cut = next((k for k, t in enumerate(org) if k and _UNIT_WORD.match(t)), len(org))
        sheet.organisation = org[:cut]
        sheet.unit = org[cut:] + [t for g in groups[1:] for _, t in g]
    else:
        sheet.issues.append(Issue("identity_missing", pno, None, {"field": "instansi / unit"}))
    # the lists, item by item: each under its heading, in its column, down to the next heading or rule
    split = found["qualifications"][0][0].x0 - 2 if "qualifications" in found else width / 2
    if "qualifications" in found and "legal_basis" in found:
        # headings centred over their columns: the columns part at the rule between them
        q, lb = found["qualifications"][0][0], found["legal_basis"][0][0]
        xs = [x for x, spans in merge_rules(page_segments(page), False)
              if lb.x1 < x <= q.x0 + 1 and any(a - 2 <= q.cy <= b + 2 for a, b in spans)]
        if xs:
            split = max(xs)
    # a line of the left column run together with the right column's line on the same baseline (a narrow
    # gap at the rule): parted at the rule
    list_frags: list[Frag] = []
    for f in frags:
        if f[0].x0 < split - 2 and f[0].x1 > split + 2:
            cs = chars.within(f[0].x0 - 0.5, f[0].top - 0.5, f[0].x1 + 0.5, f[0].bottom + 0.5)
            list_frags.extend(Chars.lines([c for c in cs if (c["x0"] + c["x1"]) / 2 < split]))
            list_frags.extend(Chars.lines([c for c in cs if (c["x0"] + c["x1"]) / 2 >= split]))
        else:
            list_frags.append(f)
    bottom_block = 0.0
    for name in LIST_FIELDS:
        if name not in found:
            sheet.issues.append(Issue("identity_missing", pno, None, {"field": _FIELD_NAMES[name]}))
            continue
        (box, _), rest = found[name]
        left = 0.0 if box.x0 < split else split
        right = split if box.x0 < split else width
        below = [found[n][0][0].top for n in LIST_FIELDS if n in found and n != name
                 and found[n][0][0].top > box.top + 1 and (found[n][0][0].x0 < split) == (box.x0 < split)]
        end = min(below) - 1 if below else _block_end(hrules, box, left, right, page)
        cell = [f for f in list_frags if f[0].x0 >= left - 1 and f[0].x1 <= right + 1 and f[0].top > box.bottom - 1
                and f[0].bottom <= end + 0.5 and f != found[name][0]]
        items = _list_items(cell, right)
        if rest and rest not in {"-", ":"}:
            items.insert(0, rest)
        setattr(sheet, name, items)
        bottom_block = max([bottom_block, box.bottom] + [f[0].bottom for f in cell])
    return bottom_block


def _block_end(hrules: list[tuple[float, list[tuple[float, float]]]], box: Box, left: float, right: float,
               page: Any) -> float:
    """The last list cell ends at the next rule crossing its column below the text (or the page end)."""
    ys = [y for y, spans in hrules if y > box.bottom + 4 and coverage(spans, left + 5, right - 5) > 0.6]
    return min(ys) if ys else float(page.height) - 60


_FIELD_NAMES = {
    "number": "Nomor SOP", "issued": "Tanggal Pembuatan", "revised": "Tanggal Revisi", "effective": "Tanggal Efektif",
    "legal_basis": "Dasar Hukum", "qualifications": "Kualifikasi Pelaksana", "related": "Keterkaitan",
    "equipment": "Peralatan/Perlengkapan", "warnings": "Peringatan", "records": "Pencatatan dan Pendataan",
}

# -- activity table --------------------------------------------------------------------------------------

_HEAD_TEXT = re.compile(r"^(kegiatan|aktivitas|aktifitas|uraian|aktivitas\s*/\s*kegiatan)\b", re.IGNORECASE)
_MUTU_WORD = re.compile(r"^(persyaratan|kelengkapan|input|waktu|output|biaya|syarat|bahan|durasi|sumber)", re.IGNORECASE)
_KET_WORD = re.compile(r"^ket(erangan|\.)?\b", re.IGNORECASE)
_NO_WORD = re.compile(r"^no\.?$", re.IGNORECASE)
_COLNUM = re.compile(r"^\(?\d{1,2}\)$")


@dataclass
class Columns:
    bounds: list[float]
    no: int | None
    text: int
    lanes: list[int]
    mutu: list[int]
    ket: int | None
    names: list[str] = field(default_factory=list)
    bottom: float = 0.0  # the frame's last rule on the page where the header was found
    head_bottom: float = 0.0  # the header's last rule on that page: bands above it are the header's rows


@dataclass
class _PageRow:
    band: tuple[float, float]
    cells: list[str]
    symbols: list[tuple[Shape, list[int]]]


def _col_text(chars: Chars, cols: list[float], i: int, top: float, bottom: float) -> list[Frag]:
    return Chars.lines(chars.within(cols[i] + 0.5, top + 0.3, cols[i + 1] - 0.5, bottom - 0.3))


def _find_columns(chars: Chars, frags: list[Frag], vr: list[tuple[float, list[tuple[float, float]]]],
                  hr: list[tuple[float, list[tuple[float, float]]]], page_h: float) -> tuple[Columns, float] | None:
    heads = [f for f in frags if _HEAD_TEXT.match(f[1])]
    pel = [f for f in frags if re.match(r"^pelaksana", f[1], re.IGNORECASE)]
    others = [f for f in frags if _KET_WORD.match(f[1]) or re.match(r"^mutu\s*baku", f[1], re.IGNORECASE)]
    best = None
    for h in heads:
        if any(abs(p[0].cy - h[0].cy) < 40 for p in pel + others):
            best = h
            break
    if best is None:
        return None
    hbox = best[0]
    # the header starts above its group headings (Pelaksana, Mutu Baku) when they stand higher than the
    # Kegiatan heading; a filled header cell's own edges behind the heading are not the table's top
    anchor = min([hbox.top] + [f[0].top for f in pel + others if abs(f[0].cy - hbox.cy) < 40])
    tops = [y for y, spans in hr if y < anchor and coverage(spans, hbox.x0, hbox.x1) > 0.8]
    table_top = max(tops) if tops else hbox.top - 15
    below = [y for y, spans in hr if y > table_top and coverage(spans, hbox.x0, hbox.x1) > 0.8]
    # the frame ends where its left edge ends (a page footer's rule further down is not the table's)
    def reach(spans: list[tuple[float, float]]) -> float:
        """How far down a vertical rule runs without a break from the table's top (pieces drawn per row join)."""
        end = None
        for a, b in sorted(spans):
            if end is None:
                if a <= table_top + 3 and b >= table_top:
                    end = b
            elif a <= end + 3:
                end = max(end, b)
        return end if end is not None else -1.0

    edge = max([reach(spans) for x, spans in vr if x < hbox.x0] or [-1.0])
    table_bottom = edge if edge > table_top + 20 else max(below) if below else page_h
    cands = [(x, spans) for x, spans in vr if coverage(spans, table_top, table_bottom) > 0.6]
    if not cands:
        return None
    x_lo, x_hi = min(x for x, _ in cands), max(x for x, _ in cands)
    full = [y for y, spans in hr if y > hbox.bottom - 1 and coverage(spans, x_lo, x_hi) > 0.95]
    head_bottom = min(full) if full else hbox.bottom + 3
    # a column's rule runs up into the header; a long flow line down the table (ours, to an off-page
    # connector at the page's foot) starts below it
    xs = sorted(set(round(x, 1) for x, spans in cands
                    if any(a < head_bottom - 1 and b > table_top + 1 for a, b in spans)))
    bounds: list[float] = []
    for x in xs:
        if not bounds or x - bounds[-1] > 4:
            bounds.append(x)
    if len(bounds) < 4:
        return None
    cols = _name_columns(chars, bounds, table_top, hbox, head_bottom)
    cols.bottom = table_bottom
    cols.head_bottom = head_bottom
    return cols, table_top


def _name_columns(chars: Chars, bounds: list[float], table_top: float, hbox: Box, head_bottom: float) -> Columns:
    """Column headings from the header rows: a heading inside one column names it; a heading across
    several columns is a group (Pelaksana, Mutu Baku) and says which columns are lanes and which Mutu Baku."""
    n = len(bounds) - 1
    parts: list[list[Frag]] = [[] for _ in range(n)]
    mutu_span: tuple[float, float] | None = None
    lane_span: tuple[float, float] | None = None
    spanning: list[Box] = []
    for box, text in fragments(chars, (bounds[0], table_top, bounds[-1], head_bottom)):
        inside = [i for i in range(n) if box.x0 >= bounds[i] - 1.5 and box.x1 <= bounds[i + 1] + 1.5]
        if inside:
            parts[inside[0]].append((box, text))
        elif re.match(r"^mutu", text, re.IGNORECASE):
            mutu_span = (box.x0, box.x1)
        elif re.match(r"^pelaksana", text, re.IGNORECASE):
            lane_span = (box.x0, box.x1)
        else:
            spanning.append(box)
    # two headings on one baseline run together ("Jasa pengiriman Kelengkapan"): parted at the rules,
    # leaving out characters a heading inside one column already holds
    held = [b for p in parts for b, _ in p]
    for box in spanning:
        for i in range(n):
            cs = [c for c in chars.within(max(bounds[i], box.x0 - 0.5), box.top - 0.5, min(bounds[i + 1], box.x1 + 0.5),
                                          box.bottom + 0.5)
                  if bounds[i] <= (c["x0"] + c["x1"]) / 2 <= bounds[i + 1]
                  and not any(h.near((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2, 0.5) for h in held)]
            parts[i].extend(Chars.lines(cs))
    names = [_join(t for _, t in sorted(p, key=lambda f: (f[0].top, f[0].x0))) for p in parts]
    text_col = next(i for i in range(n) if bounds[i] <= hbox.cx <= bounds[i + 1])
    no_col = text_col - 1 if text_col > 0 and _NO_WORD.match(names[text_col - 1].split(" ")[0] or "") else None
    lanes: list[int] = []
    mutu: list[int] = []
    ket: int | None = None
    for i in range(text_col + 1, n):
        name = re.sub(r"^(pelaksana|mutu\s*baku)\s*", "", names[i], flags=re.IGNORECASE).strip()
        names[i] = name
        in_mutu = mutu_span is not None and bounds[i] - 2 <= mutu_span[1] and mutu_span[0] <= bounds[i + 1] + 2
        in_lanes = lane_span is not None and bounds[i] - 2 <= lane_span[1] and lane_span[0] <= bounds[i + 1] + 2
        if _KET_WORD.match(name):
            ket = i
        elif (_MUTU_WORD.match(name) or mutu or in_mutu) and not in_lanes:
            mutu.append(i)
        else:
            lanes.append(i)
    return Columns(bounds, no_col, text_col, lanes, mutu, ket, names)


def _is_cell(box: Box, bounds: list[float], rows: list[float]) -> bool:
    def at(v: float, vals: list[float]) -> bool:
        return any(abs(v - x) < 2.5 for x in vals)
    return at(box.x0, bounds) and at(box.x1, bounds) and at(box.top, rows) and at(box.bottom, rows)


_PRIORITY = {"decision": 5, "connector": 4, "terminator": 3, "io": 2, "process": 1}


def _symbols(shapes: list[Shape], cols: Columns, rows: list[float]) -> list[Shape]:
    lane_x0 = cols.bounds[cols.lanes[0]] if cols.lanes else 0
    lane_x1 = cols.bounds[cols.lanes[-1] + 1] if cols.lanes else 0
    kept: list[Shape] = []
    for s in sorted(shapes, key=lambda s: -(s.box.w * s.box.h)):
        if not (lane_x0 - 2 <= s.box.cx <= lane_x1 + 2) or _is_cell(s.box, cols.bounds, rows):
            continue
        if s.box.w > (lane_x1 - lane_x0) * 0.9:
            continue
        s.kind = classify(s)
        if not s.kind:
            continue
        twin = next((k for k in kept if k.box.iou(s.box) > 0.55), None)
        if twin is None:
            kept.append(s)
        elif _PRIORITY[s.kind] > _PRIORITY[twin.kind]:
            twin.kind = s.kind
            twin.points = s.points
    return kept


def _lanes_of(box: Box, cols: Columns) -> list[int]:
    out = []
    for k, i in enumerate(cols.lanes):
        a, b = cols.bounds[i], cols.bounds[i + 1]
        ov = box.overlap_x(a, b)
        if ov >= 0.3 * (b - a) or ov >= 0.6 * box.w:
            out.append(k)
    if not out:
        k = min(range(len(cols.lanes)), key=lambda k: abs((cols.bounds[cols.lanes[k]] + cols.bounds[cols.lanes[k] + 1]) / 2 - box.cx))
        out = [k]
    return out


# -- arrows -------------------------------------------------------------------------------------------------


def _dist_point_seg(px: float, py: float, s: Segment) -> float:
    dx, dy = s.x1 - s.x0, s.y1 - s.y0
    if dx == dy == 0:
        return float(((px - s.x0) ** 2 + (py - s.y0) ** 2) ** 0.5)
    t = max(0.0, min(1.0, ((px - s.x0) * dx + (py - s.y0) * dy) / (dx * dx + dy * dy)))
    qx, qy = s.x0 + t * dx, s.y0 + t * dy
    return float(((px - qx) ** 2 + (py - qy) ** 2) ** 0.5)


@dataclass
class _Link:
    seg: Segment | None
    box: Box  # bounding box (for blobs: the image or arrowhead)
    head: int | None = None  # the arrowhead this stroke outlines (its number on the page)


def _link_items(page: Any, symbols: list[Shape], cols: Columns, rows: list[float]) -> list[_Link]:
    """Arrow pieces on the page: straight strokes that are neither table rules nor symbol outlines,
    and small images / arrowheads (some SOPs paste arrows as pictures)."""
    x0, x1 = cols.bounds[0], cols.bounds[-1]
    top, bottom = rows[0], rows[-1]
    items: list[_Link] = []
    sym_boxes = [s.box for s in symbols]
    heads = _heads(page)

    def at(v: float, vals: list[float]) -> bool:
        return any(abs(v - x) < 2.0 for x in vals)

    def on_rule(s: Segment) -> bool:
        """A piece of the table's rules; a short stroke along a rule that neither starts nor ends at a
        crossing rule is an arrow's elbow drawn on it (ours, out of a connector's band)."""
        if s.horizontal:
            return any(abs(s.y0 - y) < 1.6 for y in rows) and (
                s.length > 60 or at(s.x0, cols.bounds) or at(s.x1, cols.bounds))
        if s.vertical:
            return any(abs(s.x0 - x) < 1.6 for x in cols.bounds) and (
                s.length > 60 or at(s.y0, rows) or at(s.y1, rows))
        return False

    def outline(s: Segment) -> bool:
        return any(b.near(s.x0, s.y0, 1.2) and b.near(s.x1, s.y1, 1.2) for b in sym_boxes)

    for s in page_segments(page):
        if s.length < 1.5 or on_rule(s) or outline(s):
            continue
        if not (x0 - 30 <= min(s.x0, s.x1) and max(s.x0, s.x1) <= x1 + 30 and top - 30 <= min(s.y0, s.y1)
                and max(s.y0, s.y1) <= bottom + 30):
            continue
        b = Box(min(s.x0, s.x1), min(s.y0, s.y1), max(s.x0, s.x1), max(s.y0, s.y1))
        head = next((k for k, h in enumerate(heads) if h.near(s.x0, s.y0, 0.3) and h.near(s.x1, s.y1, 0.3)), None)
        items.append(_Link(s, b, head))
    for im in page.images:
        b = Box(im["x0"], im["top"], im["x1"], im["bottom"])
        if b.w < 150 and b.h < 200 and x0 <= b.cx <= x1 and top - 20 <= b.cy <= bottom + 20:
            items.append(_Link(None, b))
    return items


def _touch(a: _Link, b: _Link, tol: float = 2.6) -> bool:
    if a.head is not None and b.head is not None and a.head != b.head:
        return False  # two arrowheads side by side where two arrows reach one box: two paths, not one
    if a.seg is not None and b.seg is not None and (a.head is None) != (b.head is None):
        # an arrowhead joins the stroke that ends at it, not another arrow's stroke running past it
        shaft, head = (a.seg, b.seg) if a.head is None else (b.seg, a.seg)
        return any(_dist_point_seg(px, py, head) <= tol for px, py in ((shaft.x0, shaft.y0), (shaft.x1, shaft.y1)))
    if a.seg is not None and b.seg is not None:
        return any(_dist_point_seg(px, py, b.seg) <= tol for px, py in ((a.seg.x0, a.seg.y0), (a.seg.x1, a.seg.y1))) \
            or any(_dist_point_seg(px, py, a.seg) <= tol for px, py in ((b.seg.x0, b.seg.y0), (b.seg.x1, b.seg.y1)))
    if a.seg is None and b.seg is None:
        return a.box.near(b.box.x0, b.box.top, tol) or (
            a.box.x0 - tol <= b.box.x1 and b.box.x0 <= a.box.x1 + tol and a.box.top - tol <= b.box.bottom
            and b.box.top <= a.box.bottom + tol)
    seg, blob = (a, b) if a.seg is not None else (b, a)
    assert seg.seg is not None
    return any(blob.box.near(px, py, tol) for px, py in ((seg.seg.x0, seg.seg.y0), (seg.seg.x1, seg.seg.y1)))


def _contacts(link: _Link, sym: Box, tol: float = 4.0) -> tuple[float, float] | None:
    if link.seg is not None:
        for px, py in ((link.seg.x0, link.seg.y0), (link.seg.x1, link.seg.y1)):
            if sym.near(px, py, tol):
                return px, py
        return None
    b = link.box
    ix0, ix1 = max(b.x0, sym.x0 - tol), min(b.x1, sym.x1 + tol)
    iy0, iy1 = max(b.top, sym.top - tol), min(b.bottom, sym.bottom + tol)
    if ix0 <= ix1 and iy0 <= iy1:
        return (ix0 + ix1) / 2, (iy0 + iy1) / 2
    return None


def _enters(link: _Link, sym: Box, tol: float = 4.0) -> bool:
    """A path reaches a symbol where a stroke ends on it across the side it meets: a horizontal stroke
    at the left or right side, a vertical one at the top or bottom (an elbow's corner running along a
    box's edge on its way elsewhere does not end there)."""
    c = _contacts(link, sym, tol)
    if c is None:
        return False
    seg = link.seg
    if seg is None or not (seg.horizontal or seg.vertical):
        return True
    x, y = c
    if seg.horizontal:
        return (abs(x - sym.x0) <= tol or abs(x - sym.x1) <= tol) and sym.top - 1 <= y <= sym.bottom + 1
    return (abs(y - sym.top) <= tol or abs(y - sym.bottom) <= tol) and sym.x0 - 1 <= x <= sym.x1 + 1


def _short_of(path: list[_Link], symbols: list[Shape], reach: float = 14.0) -> Shape | None:
    """The symbol an arrow stops just short of: a straight stroke's end, carried on in its direction for
    `reach` points, enters it (some SOPs draw the arrowhead a few points before the box)."""
    best: tuple[float, Shape] | None = None
    for ln in path:
        seg = ln.seg
        if seg is None or not (seg.horizontal or seg.vertical) or seg.length < 6:
            continue
        for (ax, ay), (bx, by) in (((seg.x0, seg.y0), (seg.x1, seg.y1)), ((seg.x1, seg.y1), (seg.x0, seg.y0))):
            dx, dy = (bx - ax) / seg.length, (by - ay) / seg.length
            for sym in symbols:
                b = sym.box
                for step in range(1, int(reach) + 1):
                    x, y = bx + dx * step, by + dy * step
                    if b.x0 <= x <= b.x1 and b.top <= y <= b.bottom:
                        if best is None or step < best[0]:
                            best = (step, sym)
                        break
    return best[1] if best else None


def _gap(a: Box, b: Box) -> float:
    return max(0.0, a.x0 - b.x1, b.x0 - a.x1) + max(0.0, a.top - b.bottom, b.top - a.bottom)


def _at_other(label: Box, dec: Shape, symbols: list[Shape]) -> bool:
    """A label printed at another diamond's side or bottom corner (within 8 pt of it, nearer to it than to
    `dec`) is that diamond's, even where a path of `dec`'s passes closer to it; one over its top corner,
    where the way in arrives, may be `dec`'s."""
    own = _gap(label, dec.box)
    return any(s is not dec and s.kind == "decision" and _gap(label, s.box) < min(8.0, own)
               and label.cy > s.box.top + 0.3 * s.box.h for s in symbols)


def _exits(dec: Shape, symbols: list[Shape], links: list[_Link], labels: list[Frag]) -> list[tuple[str | None, Shape]]:
    """(label, target) for each path leaving the diamond anywhere but its top corner."""
    d = dec.box
    starts = []
    for i, ln in enumerate(links):
        c = _contacts(ln, d)
        if c is None:
            continue
        # a stroke leaves where it touches (not the top corner); a pasted arrow image leaves when it
        # reaches below the diamond's middle
        if (ln.seg is not None and c[1] > d.top + 0.3 * d.h) or (ln.seg is None and ln.box.bottom > d.cy):
            starts.append(i)
    used: set[int] = set()
    found: list[tuple[list[Shape], list[tuple[float, int, int]]]] = []  # per path: its targets, labels near it
    for st in starts:
        if st in used:
            continue
        seen = {st}
        todo = [st]
        targets: list[Shape] = []
        while todo:
            i = todo.pop()
            for s in symbols:
                if s is not dec and s not in targets and _enters(links[i], s.box):
                    targets.append(s)
            if any(_enters(links[i], s.box) for s in symbols if s is not dec):
                continue  # a path ends at the symbol it reaches
            for j, other in enumerate(links):
                if j not in seen and _touch(links[i], other):
                    if _contacts(other, d) is not None and j not in starts:
                        continue
                    seen.add(j)
                    todo.append(j)
        used |= seen & set(starts)
        path = [links[i] for i in seen]
        # a path drawn with arrowheads ends only where one points: where it joins another arrow's line,
        # that line leads back to its own diamond too, headless there (some SOPs draw the head a few
        # points short of the box; the head at a path's end touches its last stroke, where the path
        # stopped); a path of pasted arrow pictures keeps every symbol it reaches
        heads = [ln for ln in links if ln.head is not None and any(p is ln or _touch(ln, p) for p in path)]
        if heads and not any(ln.seg is None for ln in path):
            targets = [t for t in targets if any(_beside(h.box, t.box, 8.0) for h in heads)]
        if not targets:
            near = _short_of(path, [s for s in symbols if s is not dec])
            if near is not None:
                targets.append(near)
        scored: list[tuple[float, int, int]] = []  # (distance, path, label) of the labels near it
        for li, (box, _text) in enumerate(labels):
            if _at_other(box, dec, symbols):
                continue
            dist = min(max(0.0, p.box.x0 - box.x1, box.x0 - p.box.x1) + max(0.0, p.box.top - box.bottom,
                       box.top - p.box.bottom) for p in path)
            if dist < 14:
                scored.append((dist, len(found), li))
        found.append((targets, scored))
    # each label on one path: the matching that labels the most paths, nearest in sum (a label printed
    # where two of the diamond's paths pass goes to the one whose own label is not nearer to it); a
    # diamond has a few ways out and a few labels near each, so every matching is tried
    options = [[None, *sorted(sc)[:4]] for _, sc in found]
    best: tuple[int, float, tuple[Any, ...]] | None = None
    for pick in itertools.product(*options):
        chosen = [x for x in pick if x is not None]
        if len({li for _, _, li in chosen}) < len(chosen):
            continue
        key = (-len(chosen), sum(d for d, _, _ in chosen), pick)
        if best is None or key[:2] < best[:2]:
            best = key
    named = {x[1]: labels[x[2]][1] for x in (best[2] if best else ()) if x is not None}
    out: list[tuple[str | None, Shape]] = [(named.get(k), t) for k, (targets, _) in enumerate(found) for t in targets]
    # one way out per target, a label on one exit only
    unique: list[tuple[str | None, Shape]] = []
    for label, t in out:
        if all(t is not u for _, u in unique):
            unique.append((None if label and any(label == lab for lab, _ in unique) else label, t))
    return unique


# -- off-page connectors ------------------------------------------------------------------------------------

_LETTER = re.compile(r"[A-Z]{1,3}|\d{1,2}")  # what an off-page connector holds: a letter or a number
_PAGE_REF = re.compile(r"(lanjut|dari|ke|hlm|halaman|cont|from|on|p)\b[\s\w.]*$", re.IGNORECASE)
# a line of a page reference printed beside a connector, maybe wrapped ("lanjut ke" / "hlm. 4")
_PAGE_WORDS = re.compile(r"((lanjut|dari|ke|hlm|hal|halaman|cont(inued)?|from|on|to|see|page|p|\d{1,3})\.?[\s:]*)+",
                         re.IGNORECASE)


def _connector_texts(conns: list[Shape], labels: list[Frag], chars: Chars) -> tuple[list[Frag], dict[int, str]]:
    """Each off-page connector's letter (the text inside it), and the labels without the page references
    printed beside connectors ("dari hlm. 2", "lanjut ke" / "hlm. 4"): those are no exit labels."""
    letters: dict[int, str] = {}
    for c in conns:
        b = c.box
        text = " ".join(t for _, t in Chars.lines(chars.within(b.x0 - 0.5, b.top - 0.5, b.x1 + 0.5, b.bottom + 0.5)))
        text = text.strip()
        if _LETTER.fullmatch(text):
            letters[id(c)] = text

    def gap(f: Frag, c: Shape) -> float:
        return max(0.0, c.box.x0 - f[0].x1, f[0].x0 - c.box.x1) + max(0.0, c.box.top - f[0].bottom, f[0].top - c.box.bottom)

    refs: set[int] = set()
    for c in conns:
        near = sorted((i for i, f in enumerate(labels) if gap(f, c) < 24 and _PAGE_WORDS.fullmatch(f[1].strip())),
                      key=lambda i: labels[i][0].top)
        text = _join(labels[i][1] for i in near)
        if near and _PAGE_REF.search(text) and re.search(r"\d", text):
            refs.update(near)
    return [f for i, f in enumerate(labels) if i not in refs], letters


def _stacked(frags: list[Frag]) -> list[Frag]:
    """Label lines one under the other, overlapping across and with no more than half a line between
    them, are one label ("Tidak" / "sesuai", "Dise-" / "tujui")."""
    out: list[Frag] = []
    for box, text in sorted(frags, key=lambda f: (f[0].top, f[0].x0)):
        k = next((k for k in range(len(out) - 1, -1, -1)
                  if 0 <= box.top - out[k][0].bottom < 0.5 * box.h and abs(out[k][0].h - box.h) < 0.25 * box.h
                  and box.x0 < out[k][0].x1 and out[k][0].x0 < box.x1), None)
        if k is None:
            out.append((box, text))
        else:
            b = out[k][0]
            out[k] = (Box(min(b.x0, box.x0), b.top, max(b.x1, box.x1), box.bottom), _join([out[k][1], text]))
    return out


# -- the reader ---------------------------------------------------------------------------------------------


def check_file(path: Path, max_pages: int = MAX_PAGES) -> Any:
    """Open `path` as a PDF or raise `ImportError_` with the reason in words."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ImportError_("too_large", size=round(size / 1e6, 1), limit=MAX_BYTES // 1_000_000)
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise ImportError_("not_pdf")
    try:
        pdf = pdfplumber.open(path)
    except PDFPasswordIncorrect as exc:
        raise ImportError_("encrypted") from exc
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises many kinds on damaged files
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(inner, PDFPasswordIncorrect) or "encrypt" in type(inner).__name__.lower():
            raise ImportError_("encrypted") from exc
        raise ImportError_("truncated", error=type(exc).__name__) from exc
    try:
        if getattr(pdf.doc, "encryption", None):
            raise ImportError_("encrypted")
        n = len(pdf.pages)
    except ImportError_:
        pdf.close()
        raise
    except Exception as exc:
        pdf.close()
        raise ImportError_("truncated", error=type(exc).__name__) from exc
    if n > max_pages:
        pdf.close()
        raise ImportError_("too_many_pages", pages=n, limit=max_pages)
    return pdf


PAPERS = {"A4": (595.3, 841.9), "Letter": (612.0, 792.0), "Legal": (612.0, 1008.0), "F4": (609.4, 935.4)}


def _paper(w: float, h: float) -> tuple[str, str]:
    short, long_ = sorted((w, h))
    name = min(PAPERS, key=lambda k: abs(PAPERS[k][0] - short) + abs(PAPERS[k][1] - long_))
    a, b = PAPERS[name]
    if abs(a - short) + abs(b - long_) > 12:
        name = f"{round(short / 72 * 25.4)} × {round(long_ / 72 * 25.4)} mm"
    return name, "landscape" if w > h else "portrait"


def read_pdf(path: Path, max_pages: int = MAX_PAGES) -> ReadSheet:
    pdf = check_file(path, max_pages)
    try:
        return _read(pdf, path)
    except ImportError_:
        raise
    except Exception as exc:  # a damaged object deep in a page
        raise ImportError_("truncated", error=f"{type(exc).__name__}: {exc}") from exc
    finally:
        pdf.close()


def _read(pdf: Any, path: Path) -> ReadSheet:
    sheet = ReadSheet(file=path.name, pages=len(pdf.pages))
    first = pdf.pages[0]
    sheet.paper, sheet.orientation = _paper(float(first.width), float(first.height))
    total_chars = 0
    identity_done = False
    cols: Columns | None = None
    rows_out: list[ReadRow] = []
    sym_rows: list[tuple[int, Shape, ReadSymbol]] = []  # (row index, shape, symbol) for exits
    pending_exits: list[tuple[int, int, Shape, ReadSymbol, list[tuple[str | None, Shape]]]] = []
    picture_pages = []
    flows: list[tuple[ReadSymbol, ReadSymbol]] = []  # an arrow drawn from one part of a row to another
    pending_next: list[tuple[int, Shape, list[tuple[str | None, Shape]]]] = []  # labelled arrows from a non-diamond
    arrives: dict[str, Shape] = {}  # an off-page connector's letter -> the symbol its arriving connector leads to
    letters: dict[int, str] = {}  # id(connector) -> its letter
    for pno, page in enumerate(pdf.pages, start=1):
        chars = Chars(page.chars)
        total_chars += len(chars.chars)
        start_y = 0.0
        if not identity_done:
            start_y = read_identity(sheet, page, chars, pno)
            identity_done = bool(sheet.number or sheet.title)
            if identity_done:
                sheet.issues = [i for i in sheet.issues if i.msg_id != "identity_missing" or i.page == pno]
        frags = [f for f in fragments(chars) if f[0].top >= start_y]
        segs = page_segments(page)
        vr = merge_rules(segs, False)
        hr = merge_rules(segs, True)
        found = _find_columns(chars, frags, vr, hr, float(page.height))
        table_top: float
        if found is not None:
            cols, table_top = found
            sheet.lanes = sheet.lanes or [cols.names[i] for i in cols.lanes]
            sheet.mutu_headings = sheet.mutu_headings or [cols.names[i] for i in cols.mutu]
            if cols.ket is not None and sheet.notes_heading is None:
                sheet.notes_heading = cols.names[cols.ket] or "Keterangan"
        elif cols is not None:
            # continuation without a repeated header: the same columns, if the rules are there
            xs = [x for x, spans in vr if sum(b - a for a, b in spans) > 60]
            if sum(1 for b in cols.bounds if any(abs(b - x) < 3 for x in xs)) < len(cols.bounds) - 1:
                if len(page.images) and len(chars.chars) < 400:
                    picture_pages.append(pno)
                continue
            ys = [y for y, spans in hr if coverage(spans, cols.bounds[0], cols.bounds[-1]) > 0.6]
            table_top = min(ys) if ys else 0.0
        else:
            if identity_done and page.images and len(chars.chars) < 400 and pno > 1:
                picture_pages.append(pno)
            continue
        assert cols is not None
        if not cols.lanes:
            continue
        left, right = cols.bounds[0], cols.bounds[-1]
        frame_end = cols.bottom + 1 if found is not None else float(page.height)  # not a footer's rule below
        rules = sorted(y for y, spans in hr if table_top - 1 <= y <= frame_end and coverage(spans, left, right) > 0.6)
        bands = [(a, b) for a, b in zip(rules, rules[1:], strict=False) if b - a > 4]
        shapes = page_shapes(page)
        symbols = _symbols(shapes, cols, rules)
        page_rows: list[tuple[int, list[Shape]]] = []
        head_bottom = cols.head_bottom if found is not None else table_top
        for a, b in bands:
            if b <= head_bottom + 1:
                continue  # the header's rows (repeated on every page), however its headings split over cells
            cells = [_join(t for _, t in _col_text(chars, cols.bounds, i, a, b)) for i in range(len(cols.bounds) - 1)]
            texts = [c for c in cells if c]
            if not texts:
                continue
            if _HEAD_TEXT.match(cells[cols.text]) or all(_COLNUM.match(t) for t in texts) or (
                    any(re.match(r"^(pelaksana|mutu baku)$", t, re.IGNORECASE) for t in texts)):
                continue
            if cols.lanes and any(cells[i] == cols.names[i] and cells[i] for i in cols.lanes + cols.mutu):
                continue
            number = cells[cols.no] if cols.no is not None else ""
            number = number.rstrip(".")
            syms = [s for s in symbols if a - 2 <= s.box.cy <= b + 2]
            if not number and not cells[cols.text] and all(s.kind == "connector" for s in syms) and not any(
                    cells[i] for i in cols.mutu + ([cols.ket] if cols.ket is not None else [])):
                continue  # a band of off-page connectors above or below a page's steps: no step
            if not number and rows_out and not syms and page_rows == [] and cells[cols.text]:
                prev = rows_out[-1]
                prev.text = _join([prev.text, cells[cols.text]])
                sheet.issues.append(Issue("continued", pno, len(rows_out), {"n": prev.number}))
                continue
            row = ReadRow(number=number or str(len(rows_out) + 1), text=cells[cols.text], page=pno)
            if not re.fullmatch(r"\d{1,3}", number):
                if cols.no is not None:
                    sheet.issues.append(Issue("number_unread", pno, len(rows_out) + 1, {"n": row.number}))
                row.number = str(len(rows_out) + 1)
            row.mutu = [cells[i] for i in cols.mutu]
            row.notes = cells[cols.ket] if cols.ket is not None else ""
            if not row.text:
                sheet.issues.append(Issue("text_missing", pno, len(rows_out) + 1))
            rows_out.append(row)
            page_rows.append((len(rows_out) - 1, syms))
        # symbols, parts and exits of this page's rows
        lane_x0, lane_x1 = cols.bounds[cols.lanes[0]], cols.bounds[cols.lanes[-1] + 1]
        labels = [f for f in frags if lane_x0 < f[0].cx < lane_x1 and rules and head_bottom < f[0].cy < rules[-1]
                  and not any(s.box.near(f[0].cx, f[0].cy, 1) for s in symbols)
                  and not any(f[1] == cols.names[i] for i in cols.lanes)]
        conns = [s for s in symbols if s.kind == "connector"]
        labels, page_letters = _connector_texts(conns, labels, chars)
        labels = _stacked(labels)
        letters.update(page_letters)
        links = _link_items(page, symbols, cols, rules)
        steps = [s for s in symbols if s.kind != "connector"]
        for c in conns:  # an arriving connector: a path leaves it for a step on this page
            if any(ln.head is not None and _contacts(ln, c.box) for ln in links):
                continue  # an arrow points into it: the flow leaves the page there
            ahead = [t for _, t in _exits(c, steps, links, [])] if id(c) in page_letters else []
            if ahead:
                arrives.setdefault(page_letters[id(c)], ahead[0])
        for ri, syms in page_rows:
            row = rows_out[ri]
            for s in sorted(syms, key=lambda s: s.box.cx):
                sym = ReadSymbol(s.kind, _lanes_of(s.box, cols), pno,
                                 (round(s.box.x0, 1), round(s.box.top, 1), round(s.box.x1, 1), round(s.box.bottom, 1)))
                row.symbols.append(sym)
                sym_rows.append((ri, s, sym))
                if s.kind == "decision":
                    pending_exits.append((ri, pno, s, sym, _exits(s, symbols, links, labels)))
            if not row.symbols:
                sheet.issues.append(Issue("no_symbol", pno, ri + 1))
            flows.extend(_row_arrows(_heads(page), [(s, y) for r2, s, y in sym_rows if r2 == ri], links))
        # labels on arrows that leave a symbol other than a diamond (a step's next_label), among the labels
        # no diamond's exit took
        taken = {lb for _, p2, _, _, ex in pending_exits if p2 == pno for lb, _ in ex if lb}
        free = [f for f in labels if f[1] not in taken]
        if free:
            for ri, syms in page_rows:
                for shape in syms:
                    if shape.kind != "decision":
                        pending_next.append((ri, shape, _exits(shape, symbols, links, free)))
    if total_chars == 0:
        raise ImportError_("no_text")
    if not identity_done and not rows_out:
        raise ImportError_("not_sop")
    if not rows_out:
        pictures = _pictures(pdf)
        drawing = _ocr(sheet, path, pictures) if pictures else None
        if drawing is not None:
            rows_out = sheet.rows
            # the picture's symbols and strokes, followed as on a vector page
            pno = pictures[0][0]
            shapes = [sh for _, sh, _ in drawing.symbols]
            links = drawing_links(drawing)
            labels = [lb for lb in drawing.labels if not any(sh.box.near(lb[0].cx, lb[0].cy, 1) for sh in shapes)]
            for ri, sh, sym in drawing.symbols:
                sym_rows.append((ri, sh, sym))
                if sh.kind == "decision":
                    pending_exits.append((ri, pno, sh, sym, _exits(sh, shapes, links, labels)))
            for ri in range(len(rows_out)):
                row_syms = [(s, y) for r2, s, y in sym_rows if r2 == ri]
                flows.extend(_row_arrows(drawing.heads, row_syms, links) + _path_arrows(row_syms, shapes, links))
        else:
            sheet.issues.append(Issue("table_image" if picture_pages or pictures else "table_missing",
                                      (picture_pages or [p for p, _ in pictures] or [0])[0], None))
    _order_parts(rows_out)
    _follow_arrows(rows_out, flows)
    by_shape = {id(s): ri for ri, s, _ in sym_rows}
    for ri, pno, _s, sym, exits in pending_exits:
        for label, target in exits:
            tri = by_shape.get(id(target))
            if target.kind == "connector":
                # an off-page connector: on to where the connector of its letter leads (another page),
                # else with the next row
                lead = arrives.get(letters.get(id(target), ""))
                tri = by_shape.get(id(lead)) if lead is not None else None
                if tri is None:
                    tri = ri + 1 if ri + 1 < len(rows_out) else None
            if tri is None:
                continue
            if tri == ri and target is _s:
                continue
            if any(t == tri for _, t in sym.exits):
                continue  # two paths to the same row (one may be the way in, drawn to its other part): one exit
            sym.exits.append((label, tri))  # the same row when it leads to a later part of that row
        sym.exits.sort(key=lambda e: e[1])  # in row order, however the paths were found
        if not sym.exits:
            sheet.issues.append(Issue("decision_no_target", pno, ri + 1))
        elif len(sym.exits) == 1:
            sheet.issues.append(Issue("decision_one_exit", pno, ri + 1, {"to": sym.exits[0][1] + 1}))
    sym_of = {id(s): y for _, s, y in sym_rows}
    for ri, shape, paths in pending_next:
        row = rows_out[ri]
        if not row.symbols or row.symbols[-1] is not sym_of.get(id(shape)) or ri + 1 >= len(rows_out):
            continue  # only the arrow leaving the row's last part goes to the next row
        label = next((lb for lb, t in paths if lb and by_shape.get(id(t)) == ri + 1), None)
        if label:
            row.next_label = label
    _terminators(rows_out)
    sheet.rows = rows_out
    return sheet


def drawing_links(drawing: Any) -> list[_Link]:
    """A picture's connector strokes and arrowheads (`ocr.Drawing`) as the arrow pieces of a page."""
    return [_Link(sg, Box(min(sg.x0, sg.x1), min(sg.y0, sg.y1), max(sg.x0, sg.x1), max(sg.y0, sg.y1)))
            for sg in drawing.segments] + [_Link(None, h) for h in drawing.heads]


def _heads(page: Any) -> list[Box]:
    """Arrowheads: small filled drawings."""
    return [Box(c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.curves
            if c["width"] < 8 and c["height"] < 8 and c.get("fill")]


def _row_arrows(heads: list[Box], syms: list[tuple[Shape, ReadSymbol]], links: list[_Link]) -> list[tuple[ReadSymbol, ReadSymbol]]:
    """(a, b) where a stroke leaves symbol a and ends in an arrowhead at symbol b, both in one row: the
    row's flow goes from a to b."""
    if len(syms) < 2:
        return []
    out = []
    for ln in links:
        seg = ln.seg
        if seg is None or not heads:
            continue
        for (ax, ay), (bx, by) in (((seg.x0, seg.y0), (seg.x1, seg.y1)), ((seg.x1, seg.y1), (seg.x0, seg.y0))):
            a = next((y for s, y in syms if s.box.near(ax, ay, 5)), None)  # some arrows start a little off the box
            b = next((y for s, y in syms if s.box.near(bx, by, 6)), None)
            if a is None or b is None or a is b:
                continue
            if any(h.near(bx, by, 3) for h in heads) and not any(h.near(ax, ay, 3) for h in heads):
                out.append((a, b))
    return out


def _path_arrows(syms: list[tuple[Shape, ReadSymbol]], shapes: list[Shape], links: list[_Link]
                 ) -> list[tuple[ReadSymbol, ReadSymbol]]:
    """(a, b) where a path of strokes, elbows included, leaves symbol a and reaches symbol b of the same
    row, with an arrowhead (a blob) at b and none at a: the row's flow goes from a to b. Each stroke
    leaving a is followed on its own (the arrow coming into a is another path)."""
    out = []
    for sa, ya in syms:
        for st in [i for i, ln in enumerate(links) if ln.seg is not None and _contacts(ln, sa.box) is not None]:
            seen = {st}
            todo = [st]
            while todo:
                i = todo.pop()
                if any(s is not sa and _enters(links[i], s.box) for s in shapes):
                    continue  # a path ends at the symbol it reaches
                for j, other in enumerate(links):
                    if j not in seen and _touch(links[i], other) and _contacts(other, sa.box) is None:
                        seen.add(j)
                        todo.append(j)
            # the arrowheads on the path (one at its far end touches its last stroke)
            blobs = [ln.box for ln in links if ln.seg is None and any(_touch(ln, links[i]) for i in seen)]
            for sb, yb in syms:
                if sb is sa or (ya, yb) in out or not any(_enters(links[i], sb.box) for i in seen):
                    continue
                if any(_beside(h, sb.box) for h in blobs) and not any(_beside(h, sa.box) for h in blobs):
                    out.append((ya, yb))
    return out


def _beside(a: Box, b: Box, pad: float = 3.0) -> bool:
    return a.x0 - pad <= b.x1 and b.x0 <= a.x1 + pad and a.top - pad <= b.bottom and b.top <= a.bottom + pad


def _follow_arrows(rows: list[ReadRow], flows: list[tuple[ReadSymbol, ReadSymbol]]) -> None:
    """Where an arrow joins two parts of a row, the part it leaves comes first (over `_order_parts`'s guess)."""
    for row in rows:
        pairs = [(a, b) for a, b in flows if a in row.symbols and b in row.symbols]
        for _ in range(len(pairs)):
            moved = False
            for a, b in pairs:
                i, j = row.symbols.index(a), row.symbols.index(b)
                if i > j:
                    row.symbols.insert(j, row.symbols.pop(i))
                    moved = True
            if not moved:
                break


def _pictures(pdf: Any) -> list[tuple[int, tuple[float, float, float, float]]]:
    """Images big enough to be a table (not a logo or a signature), largest first: (page, box)."""
    out = []
    for pno, page in enumerate(pdf.pages, start=1):
        boxes = sorted((float(im["x0"]), float(im["top"]), float(im["x1"]), float(im["bottom"])) for im in page.images)
        boxes.sort(key=lambda b: b[1])
        merged: list[tuple[float, float, float, float]] = []
        for b in boxes:  # a table pasted as strips, one under the other: one picture
            m = merged[-1] if merged else None
            if m and abs(m[0] - b[0]) < 2 and abs(m[2] - b[2]) < 2 and abs(b[1] - m[3]) < 3:
                merged[-1] = (m[0], m[1], m[2], b[3])
            else:
                merged.append(b)
        for b in merged:
            w, h = b[2] - b[0], b[3] - b[1]
            if w > 0.45 * float(page.width) and h > 80:
                out.append((w * h, pno, b))
    return [(p, b) for _, p, b in sorted(out, key=lambda t: -t[0])]


def _ocr(sheet: ReadSheet, path: Path, pictures: list[tuple[int, tuple[float, float, float, float]]]) -> Any:
    """The activity table read from its picture (importer/ocr.py), when Tesseract is installed: the
    picture's `ocr.Drawing`, or None."""
    from . import ocr

    if not ocr.available():
        sheet.issues.append(Issue("ocr_missing", pictures[0][0], None))
        return None
    pno, box = pictures[0]
    try:
        ok = ocr.read_picture_table(sheet, path, pno, box)
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        sheet.issues.append(Issue("ocr_failed", pno, None, {"error": type(exc).__name__}))
        return None
    if ok is not None:
        sheet.issues.append(Issue("table_ocr", pno, None, {"rows": len(sheet.rows)}))
        sheet.unread.append(render("table_ocr", {"rows": len(sheet.rows)}))
        if len(pictures) > 1:
            sheet.issues.append(Issue("ocr_more_pictures", pno, None, {"n": len(pictures) - 1}))
    return ok


def _order_parts(rows: list[ReadRow]) -> None:
    """Symbols of a row in flow order: from the side nearest the previous row's last symbol; a decision
    or end last, a start first."""
    prev_x: float | None = None
    first = True  # the first row opens the flow; a terminator in a later row ends it, after its other parts
    for row in rows:
        syms = [s for s in row.symbols if s.kind != "connector"] or row.symbols
        if len(syms) > 1 and prev_x is None and syms[-1].kind == "terminator" and syms[0].kind != "terminator":
            syms.reverse()  # the first row opens at its terminator, drawn right to left
        elif len(syms) > 1 and prev_x is not None:
            lx = abs((syms[0].box[0] + syms[0].box[2]) / 2 - prev_x)
            rx = abs((syms[-1].box[0] + syms[-1].box[2]) / 2 - prev_x)
            if rx < lx:
                syms.reverse()
        ends_last = not first and not any(s.kind == "decision" for s in syms)
        syms.sort(key=lambda s: 1 if s.kind == "decision" or (ends_last and s.kind == "terminator") else 0)
        first = False
        row.symbols = syms + [s for s in row.symbols if s not in syms]
        real = [s for s in row.symbols if s.kind != "connector"]
        if real:
            prev_x = (real[-1].box[0] + real[-1].box[2]) / 2


def _terminators(rows: list[ReadRow]) -> None:
    """A terminator that opens the flow is its start; every other terminator ends it."""
    first = True
    for row in rows:
        for sym in row.symbols:
            if sym.kind == "connector":
                continue
            if sym.kind == "terminator":
                sym.kind = "start" if first else "end"
            first = False
