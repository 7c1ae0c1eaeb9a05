"""Lane order, off-page connectors that name the printed page, and pages that keep their header."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from prosedur.flow.layout import layout
from prosedur.model import Library, Procedure
from prosedur.render.chromium import ChromiumPrinter, chromium_executable
from prosedur.render.document import document_view
from prosedur.render.html import document_html, render_html
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
def pdf_pages(pdf: bytes, tmp: Path, mode: str = "-layout", *, squash: bool = True) -> list[str]:
    """The text of every page of `pdf` (pdftotext per page), whitespace squashed to single spaces."""
    path = tmp / "doc.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    texts = [subprocess.run(["pdftotext", mode, "-f", str(n), "-l", str(n), str(path), "-"],
                            check=True, capture_output=True, text=True).stdout for n in range(1, count + 1)]
    return [re.sub(r"\s+", " ", t) for t in texts] if squash else texts


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


def _document_connectors(proc: Procedure, library: Library | None, lang: str = "id") -> int:
    """The outgoing connectors of the chart as printed in `lang` (its lane titles set the header)."""
    chart = layout(proc, lane_titles=role_titles(proc, library, lang), max_height=_max_height(proc, True), lang=lang)
    return sum(1 for page in chart.pages for o in page.offpage if o.direction == "out")


@pytest.fixture(scope="module")
def long_procedure() -> Procedure:
    return synthetic_procedure(60, seed=3)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_document_connectors_name_the_printed_page(sample_library: Library, tmp_path: Path, lang: str) -> None:
    proc = sample_library.procedure("P.SMLTI 18")
    assert proc is not None
    pages = pdf_pages(render_pdf(proc, sample_library, lang=lang), tmp_path, "-raw")
    check_connectors(pages, lang, _document_connectors(proc, sample_library, lang))


def test_document_connectors_of_a_60_step_chart(long_procedure: Procedure, tmp_path: Path) -> None:
    pages = pdf_pages(render_pdf(long_procedure, None), tmp_path, "-raw")
    expected = _document_connectors(long_procedure, None)
    assert expected >= 5
    check_connectors(pages, "id", expected)


def test_document_connectors_name_the_printed_page_in_chromium(sample_library: Library, long_procedure: Procedure,
                                                                tmp_path: Path) -> None:
    """The Chromium engine (whole-library builds) prints the same page references as WeasyPrint."""
    if chromium_executable() is None:
        pytest.skip("Chromium not installed: the WeasyPrint tests above cover the connectors")
    proc = sample_library.procedure("P.SMLTI 18")
    assert proc is not None
    with ChromiumPrinter() as printer:
        for item, library, lang in ((proc, sample_library, "id"), (proc, sample_library, "en"), (long_procedure, None, "id")):
            pages = pdf_pages(render_pdf(item, library, lang=lang, printer=printer), tmp_path, "-raw")
            expected = _document_connectors(item, library, lang)
            assert expected >= 2
            check_connectors(pages, lang, expected)
            # the chart does not start on page 1, so a sheet number would not pass for a page number
            assert not re.search(_OUT[lang].replace(r"(\d+)", r"1\b"), " ".join(pages)), lang


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sop_connectors_name_the_printed_page(sample_library: Library, long_procedure: Procedure, tmp_path: Path,
                                              lang: str) -> None:
    for proc, library in ((sample_library.procedure("P.SMLTI 18"), sample_library), (long_procedure, None)):
        assert proc is not None
        sop = sop_layout(document_view(proc, library, lang=lang), proc)
        pages = pdf_pages(render_sop_pdf(proc, library, lang=lang), tmp_path, "-raw")
        assert len(pages) == len(sop.pages) + 1  # the identity sheet is page 1
        check_connectors(pages, lang, len(sop.connectors))


# -- a header that never breaks, headings that keep their first line ---------------------------------
_WORDS = ("Pengelolaan Layanan Surat Elektronik Kedinasan Termasuk Pembuatan Akun Baru Perubahan Hak Akses "
          "Pemulihan Kata Sandi Penonaktifan Akun Pegawai Pindah dan Pensiun Serta Pengarsipan Kotak Surat ") * 3


def _long_title(n: int) -> str:
    return _WORDS[:n].rstrip() + "W" * (n - len(_WORDS[:n].rstrip()))


def check_control_header(pages: list[str], lang: str) -> None:
    """Every page shows No. Dok. and its own "Halaman x dari y"."""
    doc_no, page_word, of = ("Doc. No.", "Page", "of") if lang == "en" else ("No. Dok.", "Halaman", "dari")
    for number, text in enumerate(pages, 1):
        assert doc_no in text, number
        assert re.search(rf"{page_word} {number} {of} {len(pages)}\b", text), (number, text[:400])


@pytest.fixture(scope="module")
def engines() -> Iterator[list[ChromiumPrinter | None]]:
    """WeasyPrint (None), and Chromium when it is installed."""
    if chromium_executable() is None:
        yield [None]
        return
    with ChromiumPrinter() as printer:
        yield [None, printer]


@pytest.mark.parametrize("length", [60, 100, 150, 200])
def test_long_title_keeps_the_control_header(sample_library: Library, tmp_path: Path, length: int,
                                              engines: list[ChromiumPrinter | None]) -> None:
    base = sample_library.procedure("P.SMLTI 19")
    assert base is not None
    title = _long_title(length)
    assert len(title) == length
    proc = base.model_copy(update={"title": title, "title_en": title})
    for printer in engines if length == 200 else engines[:1]:
        for lang in ("id", "en") if length == 200 else ("id",):
            pages = pdf_pages(render_pdf(proc, sample_library, lang=lang, printer=printer), tmp_path)
            assert len(pages) >= 5
            check_control_header(pages, lang)


def _headings(html: str) -> list[str]:
    """Texts that name what follows them: section names, sub-headings, role names, defined terms."""
    found = re.findall(r"<(h2|h3|dt)\b[^>]*>(.*?)</\1>|<p class=\"sub\">(.*?)</p>", html, re.S)
    out = []
    for _tag, a, b in found:
        text = re.sub(r"<[^>]+>", " ", a or b)
        out.append(re.sub(r"\s+", " ", unescape(text)).strip().casefold())
    return [t for t in out if t]


def check_no_page_ends_with_a_heading(pdf: bytes, html: str, number: str, tmp: Path) -> None:
    headings = _headings(html)
    pages = pdf_pages(pdf, tmp, squash=False)
    for n, text in enumerate(pages[:-1], 1):  # the last page may end anywhere
        lines = [line for line in text.splitlines() if line.strip()]
        foot = max(i for i, line in enumerate(lines) if f"{number} · " in line)  # the running footer
        rows = [[p.strip().casefold() for p in re.split(r"\s{2,}|•", line) if p.strip()] for line in lines[:foot]]

        def heading_part(part: str) -> bool:
            return any(part in h for h in headings)

        body = max(i for i, parts in enumerate(rows) if not all(heading_part(p) for p in parts))
        # the body column: where section names (column 0) are not; headings and terms start there,
        # table cells and list items further right
        indents = [len(line) - len(line.lstrip()) for line in lines[:foot]]
        column = min((i for i in indents if i > 0), default=0)
        # below the last line of body text: at most the rest of a wrapped heading, never one's start
        starts = [p for parts, indent in zip(rows[body + 1:], indents[body + 1:], strict=True)
                  if indent in (0, column) for p in parts if any(h.startswith(p) for h in headings)]
        assert not starts, (n, lines[body:foot])


def test_no_page_ends_with_a_heading(sample_library: Library, tmp_path: Path,
                                     engines: list[ChromiumPrinter | None]) -> None:
    cases = [(p, lang) for p in sample_library.procedures for lang in ("id", "en")]
    # a purpose that leaves the next section's name and its first term at the foot of page 1
    base = sample_library.procedure("P.SMLTI 19")
    assert base is not None
    words = ("Menjamin pembuatan penggunaan dan pemantauan akun email dinas berjalan tertib aman dan sesuai "
             "kebijakan. ") * 40
    long_purpose = base.model_copy(update={"purpose": " ".join(words.split()[:385])})
    cases += [(long_purpose, "id"), (long_purpose, "en")]
    for printer in engines:
        # WeasyPrint (the web app's engine, ~0.5 s a PDF) prints the library in Indonesian and the stress
        # case in both languages; Chromium (~0.07 s) prints everything
        chosen = cases if printer is not None else [c for c in cases if c[1] == "id" or c[0] is long_purpose]
        for proc, lang in chosen:
            view = document_view(proc, sample_library, lang=lang)
            html = document_html(view, proc, sample_library, for_pdf=True)
            pdf = render_pdf(proc, sample_library, lang=lang, printer=printer)
            check_no_page_ends_with_a_heading(pdf, html, proc.number, tmp_path)


def _name_column(pdf: bytes, words_wanted: set[str]) -> list[str]:
    """The section-name words (upper case, as printed) in the name column left of the rule, in page order,
    below the control header and above the footer."""
    import io

    import pdfplumber

    mm = 72 / 25.4
    out: list[str] = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            words = [w for w in page.extract_words() if 40 * mm < w["top"] < page.height - 20 * mm]
            if not words:
                continue
            left = min(w["x0"] for w in words)
            out += [w["text"] for w in words if w["x1"] <= left + 40 * mm and w["text"] in words_wanted]
    return out


@pytest.mark.parametrize("paper", ["A4", "F4", "Letter"])
def test_each_section_name_is_printed_once(sample_library: Library, engines: list[ChromiumPrinter | None],
                                           paper: str) -> None:
    """A two-line section name at a page break was printed again (its second line) on the next page."""
    library = sample_library.model_copy(update={"info": sample_library.info.model_copy(update={"paper": paper})})
    for proc in library.procedures[:6]:
        view = document_view(proc, library, lang="id")
        html = document_html(view, proc, library, for_pdf=True)
        names = [unescape(re.sub(r"<[^>]+>", " ", h)) for h in
                 re.findall(r'<section class="sec[^"]*"[^>]*><h2[^>]*>(.*?)</h2>', html, re.S)]
        expected = [w.upper() for name in names for w in name.split() if w.isalpha()]
        for printer in engines:
            got = _name_column(render_pdf(proc, library, lang="id", printer=printer), set(expected))
            assert got == expected, (proc.number, paper, printer is not None, got, expected)
