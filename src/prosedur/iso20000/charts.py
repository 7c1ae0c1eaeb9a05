"""Small SVG charts drawn on the server: a horizontal bar chart and a line chart of percentages.

Why on the server: the web app allows no inline scripts (CSP), the charts must print, and a chart
library in the browser would be the largest file the app serves. Output is deterministic (numbers
formatted with fixed decimals, no ids from a counter or the clock unless given), every label is
escaped, and each chart carries `<title>`/`<desc>` and `role="img"` so a screen reader announces it.
Colours are presentation attributes, not `style`, and dark enough to read in black-and-white print.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Bar", "Series", "bar_chart", "line_chart"]

PALETTE = ("#0b5cad", "#b42318", "#1a7f37", "#9a6700", "#6639ba", "#57606a")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")  # so lines differ in grey print too
FONT = "DejaVu Sans, Liberation Sans, sans-serif"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float  # 0..max_value
    note: str = ""  # shown after the value, e.g. "12/20"


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: tuple[float | None, ...]  # one per x label; None = no data that week


def _n(x: float) -> str:
    """Fixed, locale-free number formatting: the same input always gives the same bytes."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _a(text: str) -> str:
    """Escaped for text and attributes; characters XML cannot hold at all are dropped."""
    return escape(_NOT_XML.sub("", text), quote=True)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open(width: int, height: int, title: str, desc: str, ident: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{_a(ident)}-t {_a(ident)}-d" '
        f'font-family="{FONT}" font-size="12">',
        f'<title id="{_a(ident)}-t">{_a(title)}</title>',
        f'<desc id="{_a(ident)}-d">{_a(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def bar_chart(
    bars: Sequence[Bar], *, title: str, max_value: float = 100.0, unit: str = "%", width: int = 640,
    ident: str = "bar", label_chars: int = 34,
) -> str:
    """Horizontal bars, one per row, each with its label on the left and its value on the right."""
    row, top, left, right = 24, 30, min(12 + label_chars * 7, width // 2), 120
    height = top + row * max(len(bars), 1) + 12
    plot = width - left - right
    desc = "; ".join(f"{b.label}: {_n(b.value)}{unit}{' (' + b.note + ')' if b.note else ''}" for b in bars)
    out = _open(width, height, title, desc or title, ident)
    out.append(f'<text x="0" y="16" font-weight="bold" font-size="13" fill="#1b1f24">{_a(title)}</text>')
    for i, b in enumerate(bars):
        y = top + i * row
        value = max(0.0, min(b.value, max_value))
        w = plot * value / max_value if max_value > 0 else 0.0
        out.append(f'<g><title>{_a(b.label)}: {_n(b.value)}{_a(unit)}</title>')
        out.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" fill="#1b1f24">'
                   f'{_a(_cut(b.label, label_chars))}</text>')
        out.append(f'<rect x="{left}" y="{y + 4}" width="{_n(plot)}" height="14" fill="#eef2f6"/>')
        out.append(f'<rect x="{left}" y="{y + 4}" width="{_n(w)}" height="14" fill="{PALETTE[0]}"/>')
        note = f" ({_a(b.note)})" if b.note else ""
        out.append(f'<text x="{left + plot + 6}" y="{y + 15}" fill="#1b1f24">{_n(b.value)}{_a(unit)}{note}</text>')
        out.append("</g>")
    if not bars:
        out.append(f'<text x="{left}" y="{top + 15}" fill="#57606a">—</text>')
    out.append("</svg>")
    return "\n".join(out)


def line_chart(
    series: Sequence[Series], x_labels: Sequence[str], *, title: str, y_max: float = 100.0, unit: str = "%",
    width: int = 640, height: int = 260, ident: str = "line",
) -> str:
    """One line per series over the x labels (weeks), y from 0 to `y_max`, with a legend below."""
    left, right, top = 44, 16, 28
    total_h = height + 18 * len(series) + 8  # the legend goes below the plot and its x labels
    plot_w, plot_h = width - left - right, height - top - 40
    n = len(x_labels)

    def x_at(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y_at(v: float) -> float:
        v = max(0.0, min(v, y_max))
        return top + plot_h - (plot_h * v / y_max if y_max > 0 else 0.0)

    desc_parts = []
    for s in series:
        points = ", ".join(f"{x}: {'-' if v is None else _n(v) + unit}" for x, v in zip(x_labels, s.values, strict=False))
        desc_parts.append(f"{s.label} — {points}")
    out = _open(width, total_h, title, "; ".join(desc_parts) or title, ident)
    out.append(f'<text x="0" y="16" font-weight="bold" font-size="13" fill="#1b1f24">{_a(title)}</text>')
    for k in range(5):  # grid lines at 0, 25, 50, 75, 100 % of y_max
        v = y_max * k / 4
        y = y_at(v)
        out.append(f'<line x1="{left}" y1="{_n(y)}" x2="{left + plot_w}" y2="{_n(y)}" stroke="#d0d7de" '
                   f'stroke-width="1"/>')
        out.append(f'<text x="{left - 4}" y="{_n(y + 4)}" text-anchor="end" font-size="10" fill="#57606a">'
                   f'{_n(v)}{_a(unit)}</text>')
    step = max(1, (n + 7) // 8)  # at most about eight x labels
    for i, x in enumerate(x_labels):
        if i % step == 0 or i == n - 1:
            out.append(f'<text x="{_n(x_at(i))}" y="{top + plot_h + 14}" text-anchor="middle" font-size="10" '
                       f'fill="#57606a">{_a(x)}</text>')
    for k, s in enumerate(series):
        colour, dash = PALETTE[k % len(PALETTE)], DASHES[k % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        runs: list[list[str]] = [[]]
        for i, value in enumerate(s.values[:n]):
            if value is None:
                runs.append([])
                continue
            runs[-1].append(f"{_n(x_at(i))},{_n(y_at(value))}")
        out.append(f'<g><title>{_a(s.label)}</title>')
        for run in runs:
            if len(run) > 1:
                out.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"'
                           f'{dash_attr}/>')
            for point in run:
                cx, cy = point.split(",")
                out.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{colour}"/>')
        out.append("</g>")
        ly = height + 8 + 18 * k
        out.append(f'<line x1="{left}" y1="{ly - 4}" x2="{left + 24}" y2="{ly - 4}" stroke="{colour}" '
                   f'stroke-width="2"{dash_attr}/>')
        out.append(f'<text x="{left + 30}" y="{ly}" fill="#1b1f24">{_a(s.label)}</text>')
    out.append("</svg>")
    return "\n".join(out)
