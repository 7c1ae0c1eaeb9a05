"""Lane order, off-page connectors that name the printed page, and pages that keep their header."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from prosedur.flow.layout import layout
from prosedur.model import Library, Procedure
from prosedur.render.document import document_view
from prosedur.render.html import render_html
from prosedur.render.pdf import render_pdf
from prosedur.render.sop import render_sop_html, render_sop_pdf, sop_layout
from prosedur.render.svg import _max_height, render_flowchart, role_titles
from prosedur.synth import synthetic_procedure

SVG = "{http://www.w3.org/2000/svg}"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _lane_titles(svg: str) -> list[str]:
    """The lane header texts of one flowchart page, left to right."""
    root = ET.fromstring(svg)
    lanes = root.find(f"{SVG}g[@class='lanes']")
    assert lanes is not None
    columns: dict[float, list[str]] = {}
    for text in lanes.iter(f"{SVG}text"):
        columns.setdefault(float(text.get("x", "0")), []).append(text.text or "")
    return [_squash("".join(columns[x])) for x in sorted(columns)]


class _Collect(HTMLParser):
    """Text of the elements matching a predicate on (tag, attrs, open sections)."""

    def __init__(self, want: str) -> None:
        super().__init__()
        self.want = want
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.found: list[str] = []
        self.current: list[str] | None = None
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.stack.append((tag, a))
        if self.current is not None:
            self.depth += 1
            return
        in_resp = any(t == "section" and x.get("id") == "responsibilities" for t, x in self.stack)
        if (self.want == "actor" and tag == "th" and a.get("class") == "actor") or (
            self.want == "role" and tag == "h3" and in_resp
        ):
            self.current, self.depth = [], 0

    def handle_endtag(self, tag: str) -> None:
        if self.stack:
            self.stack.pop()
        if self.current is not None:
            if self.depth == 0:
                self.found.append(_squash("".join(self.current)))
                self.current = None
            else:
                self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.current is not None and self.depth == 0:
            self.current.append(data)


def _collect(html: str, want: str) -> list[str]:
    parser = _Collect(want)
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("lang", ["id", "en"])
def test_one_lane_order_everywhere(sample_library: Library, lang: str) -> None:
    """Flowchart lane headers == SOP Pelaksana columns == the responsibility section (acting roles)."""
    checked = 0
    for proc in sample_library.procedures:
        if not proc.steps:
            continue
        view = document_view(proc, sample_library, lang=lang)
        names = [_squash(name) for _, name in view.actors]
        for page in render_flowchart(proc, sample_library, lang=lang):
            assert _lane_titles(page) == names, proc.number
        columns = _collect(render_sop_html(proc, sample_library, lang=lang), "actor")  # every page's head
        assert columns and len(columns) % len(names) == 0, proc.number
        assert columns == names * (len(columns) // len(names)), proc.number
        acting = set(names)
        section = [n for n in _collect(render_html(proc, sample_library, lang=lang), "role") if n in acting]
        assert section == names, proc.number
        checked += 1
    assert checked >= 19


# -- off-page connectors name the printed page -------------------------------------------------------
def pdf_pages(pdf: bytes, tmp: Path, mode: str = "-layout") -> list[str]:
    """The text of every page of `pdf` (pdftotext per page), whitespace squashed to single spaces."""
    path = tmp / "doc.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    return [
        re.sub(r"\s+", " ", subprocess.run(["pdftotext", mode, "-f", str(n), "-l", str(n), str(path), "-"],
                                           check=True, capture_output=True, text=True).stdout)
        for n in range(1, count + 1)
    ]


_OUT = {"id": r"\b([A-Z]{1,2}) lanjut ke hlm\. (\d+)", "en": r"\b([A-Z]{1,2}) cont\. on p\. (\d+)"}
_IN = {"id": r"\b([A-Z]{1,2}) dari hlm\. (\d+)", "en": r"\b([A-Z]{1,2}) from p\. (\d+)"}


def check_connectors(pages: list[str], lang: str, expected: int) -> None:
    """Every outgoing connector names another page that has its incoming twin (same letter), and
    every incoming one names a page with an outgoing connector of its letter (loop-backs name an
    earlier page); `expected` outgoing connectors in all."""
    outs = [(p, m.group(1), int(m.group(2))) for p, text in enumerate(pages, 1) for m in re.finditer(_OUT[lang], text)]
    ins = {(p, m.group(1)): int(m.group(2)) for p, text in enumerate(pages, 1) for m in re.finditer(_IN[lang], text)}
    assert len(outs) == expected, outs
    for page, letter, target in outs:
        assert target != page, (page, letter, target)
        assert (target, letter) in ins, (page, letter, target, sorted(ins))
    for (page, letter), source in ins.items():
        assert (source, letter) in {(p, x) for p, x, _t in outs}, (page, letter, source)
        assert source != page, (page, letter)


def _document_connectors(proc: Procedure, library: Library | None) -> int:
    chart = layout(proc, lane_titles=role_titles(proc, library), max_height=_max_height(proc, True))
    return sum(1 for page in chart.pages for o in page.offpage if o.direction == "out")


@pytest.fixture(scope="module")
def long_procedure() -> Procedure:
    return synthetic_procedure(60, seed=3)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_document_connectors_name_the_printed_page(sample_library: Library, tmp_path: Path, lang: str) -> None:
    proc = sample_library.procedure("P.SMLTI 18")
    assert proc is not None
    pages = pdf_pages(render_pdf(proc, sample_library, lang=lang), tmp_path, "-raw")
    check_connectors(pages, lang, _document_connectors(proc, sample_library))


def test_document_connectors_of_a_60_step_chart(long_procedure: Procedure, tmp_path: Path) -> None:
    pages = pdf_pages(render_pdf(long_procedure, None), tmp_path, "-raw")
    expected = _document_connectors(long_procedure, None)
    assert expected >= 5
    check_connectors(pages, "id", expected)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sop_connectors_name_the_printed_page(sample_library: Library, long_procedure: Procedure, tmp_path: Path,
                                              lang: str) -> None:
    for proc, library in ((sample_library.procedure("P.SMLTI 18"), sample_library), (long_procedure, None)):
        assert proc is not None
        sop = sop_layout(document_view(proc, library, lang=lang), proc)
        pages = pdf_pages(render_sop_pdf(proc, library, lang=lang), tmp_path, "-raw")
        assert len(pages) == len(sop.pages) + 1  # the identity sheet is page 1
        check_connectors(pages, lang, len(sop.connectors))
