"""Paper sizes and the printed page boxes: the one home every renderer reads page geometry from.

Indonesian government documents are printed on A4, very often on F4 (Folio, 215 x 330 mm) and
sometimes on US Letter or Legal; the library chooses (`paper:` in pustaka.yaml). The SOP prints
landscape, the ISO/TR 10013 document portrait. The PDF's @page size (WeasyPrint and Chromium), the
DOCX section, the SOP table's width and row budget and the document flowchart's fit all come from
the boxes here, so a page size is never written twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["PAPERS", "PageBox", "Paper", "PaperName", "document_page", "paper", "sop_page"]

PaperName = Literal["A4", "F4", "Letter", "Legal"]


@dataclass(frozen=True)
class Paper:
    """A sheet, portrait: width x height in millimetres."""

    name: str
    width: float
    height: float


PAPERS: dict[str, Paper] = {
    "A4": Paper("A4", 210.0, 297.0),
    "F4": Paper("F4", 215.0, 330.0),  # Folio, as Indonesian offices buy it
    "Letter": Paper("Letter", 215.9, 279.4),
    "Legal": Paper("Legal", 215.9, 355.6),
}


def paper(name: str | None) -> Paper:
    """The paper called `name` (A4 when none is given)."""
    return PAPERS[name or "A4"]


@dataclass(frozen=True)
class PageBox:
    """One printed page as oriented: size, margins (top, right, bottom, left) and how far the running
    header sits above the body / the footer below it (all mm)."""

    paper: Paper
    landscape: bool
    margin: tuple[float, float, float, float]
    header_gap: float
    footer_gap: float

    @property
    def width(self) -> float:
        return self.paper.height if self.landscape else self.paper.width

    @property
    def height(self) -> float:
        return self.paper.width if self.landscape else self.paper.height

    @property
    def body_width(self) -> float:
        """Usable width between the side margins."""
        return self.width - self.margin[1] - self.margin[3]

    @property
    def body_height(self) -> float:
        """Usable height between the top and bottom margins (the running header and footer live there)."""
        return self.height - self.margin[0] - self.margin[2]

    def size_css(self) -> str:
        """The CSS `size` value: explicit millimetres, so WeasyPrint and Chromium agree on every paper."""
        return f"{_mm(self.width)} {_mm(self.height)}"

    def page_rule(self) -> str:
        """The `@page` size and margins the templates print with (their margin boxes stay in the CSS files)."""
        return f"@page {{ size: {self.size_css()}; margin: {' '.join(_mm(m) for m in self.margin)}; }}"


def _mm(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") + "mm"


def sop_page(sheet: Paper) -> PageBox:
    """The PermenPAN-RB SOP: landscape."""
    return PageBox(sheet, True, (13.0, 10.0, 12.0, 10.0), header_gap=2.0, footer_gap=0.0)


def document_page(sheet: Paper) -> PageBox:
    """The ISO/TR 10013 document: portrait, room for the control header table above the body."""
    return PageBox(sheet, False, (40.0, 15.0, 22.0, 15.0), header_gap=4.0, footer_gap=2.0)
