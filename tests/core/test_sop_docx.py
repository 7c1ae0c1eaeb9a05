"""The SOP as DOCX: real Word tables whose cells say what the SOP HTML/PDF cells say, one DrawingML
shape per symbol in the cell of its (row, lane), connectors, page references, escaping, and
LibreOffice opening it page for page like the SOP PDF. The document DOCX's DrawingML flowchart:
its off-page connectors name the page LibreOffice puts the continuation on."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from prosedur.load import load_library
from prosedur.model import Library, Procedure
from prosedur.render.document import document_view
from prosedur.render.docx import render_docx
from prosedur.render.drawingml import EMU_PT
from prosedur.render.sop import PT, offpage_text, render_sop_html, render_sop_pdf, sop_layout
from prosedur.render.sop_docx import render_sop_docx

ROOT = Path(__file__).resolve().parents[2]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
NUM = re.compile(r"^(\d+\.|•)\t")


@pytest.fixture(scope="module")
def permenpan() -> Library:
    library, problems = load_library(ROOT / "examples" / "permenpan")
    assert not problems
    return library


def _body(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read("word/document.xml"))  # well-formed, or this raises


def _norm(text: str) -> str:
    return " ".join(text.split())


def _tc_text(tc: etree._Element) -> str:
    """A Word cell's text as the HTML shows it: paragraphs joined, list numbers and bullets dropped;
    text inside shapes (txbxContent) left out; the zero-width breaks in a too-long URL are not text."""
    lines = []
    for p in tc.findall(f"{W}p"):
        value = "".join((t.text or "") if t.tag == f"{W}t" else "\t" for t in p.iter(f"{W}t", f"{W}tab")
                        if t.getparent().tag == f"{W}r"
                        and not any(a.tag == f"{W}txbxContent" for a in t.iterancestors()))
        lines.append(NUM.sub("", value.replace("\u200b", "")))
    return _norm(" ".join(lines))


def _html_cell(el: lxml.html.HtmlElement) -> str:
    for svg in el.xpath(".//*[local-name()='svg']"):
        svg.getparent().remove(svg)
    for block in el.iter("div", "li", "p", "br"):  # a line of its own: a paragraph in Word
        block.tail = " " + (block.tail or "")
        if block.text is not None or len(block):
            block.text = " " + (block.text or "")
    return _norm(el.text_content())


def _tables(root: etree._Element) -> list[etree._Element]:
    return root.findall(f"{W}body/{W}tbl")


def _rows(tbl: etree._Element) -> list[list[str]]:
    return [[_tc_text(tc) for tc in tr.findall(f"{W}tc")] for tr in tbl.findall(f"{W}tr")]


def _procs(library: Library) -> list[Procedure]:
    return list(library.procedures)


def _check_cells(proc: Procedure, library: Library) -> None:
    docx = _body(render_sop_docx(proc, library))
    html = lxml.html.fromstring(render_sop_html(proc, library))
    tables = _tables(docx)
    layout = sop_layout(document_view(proc, library), proc)
    assert len(tables) == 2 + len(layout.pages)
    # identity sheet: every HTML cell's text is a Word cell's text, in the same order
    for cls, tbl in (("id-top", tables[0]), ("id-grid", tables[1])):
        expect = [_html_cell(c) for c in html.xpath(f"//table[@class='{cls}']//*[self::td or self::th]")]
        got = [c for row in _rows(tbl) for c in row if c]
        assert [e for e in expect if e] == got, (proc.number, cls)
    # activity table: per page, each step row's No, Kegiatan, Mutu Baku and Keterangan cells
    for page, tbl in zip(layout.pages, tables[2:], strict=True):
        trs = tbl.findall(f"{W}tr")
        assert all(tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in trs[:2])  # repeated header rows
        heads = [c for row in _rows(tbl)[:2] for c in row if c]
        assert heads == [h for h in (_html_cell(c) for c in html.xpath(
            f"//table[@data-page='{page.number}']/thead//th")) if h]
        offset = 2 + (1 if page.incoming else 0)
        for k, row in enumerate(page.rows):
            tr = trs[offset + k]
            height = int(tr.find(f"{W}trPr/{W}trHeight").get(f"{W}val"))
            assert height == round(row.height / 25.4 * 1440)  # exact, the layout's row height
            cells = [c for c in (_tc_text(tc) for tc in tr.findall(f"{W}tc"))]
            html_row = html.xpath(f"//table[@data-page='{page.number}']//tr[@id='s-{row.step.number}']")[0]
            expect = [_html_cell(td) for td in html_row.findall("td") if "lanes" not in (td.get("class") or "")]
            assert [c for c in cells if c] == [e for e in expect if e], (proc.number, row.step.number)


def test_cells_equal_the_sop_html_cells_smlti(sample_library: Library) -> None:
    for proc in _procs(sample_library):
        _check_cells(proc, sample_library)


def test_cells_equal_the_sop_html_cells_permenpan(permenpan: Library) -> None:
    procs = _procs(permenpan)
    assert len(procs) == 2
    for proc in procs:
        _check_cells(proc, permenpan)


def _shapes(group: etree._Element) -> list[tuple[str, float, float, float, float, str]]:
    """(kind, x, y, w, h in mm, text) of every shape of a page's group."""
    out = []
    for sp in group.iter(f"{WPS}wsp"):
        name = sp.find(f"{WPS}cNvPr").get("name").rsplit(" ", 1)[0]
        off, ext = sp.find(f"{WPS}spPr/{A}xfrm/{A}off"), sp.find(f"{WPS}spPr/{A}xfrm/{A}ext")
        x, y = (int(off.get(k)) / EMU_PT / PT for k in ("x", "y"))
        w, h = (int(ext.get(k)) / EMU_PT / PT for k in ("cx", "cy"))
        text = "".join(t.text or "" for t in sp.iter(f"{W}t"))
        out.append((name, x, y, w, h, text))
    return out


@pytest.mark.parametrize("number", ["P.SMLTI 18", "P.SMLTI 19", "P.SMLTI 06", "P.SMLTI 29"])
def test_one_shape_per_symbol_in_the_cell_of_its_row_and_lane(number: str, sample_library: Library) -> None:
    proc = sample_library.procedure(number)
    assert proc is not None
    layout = sop_layout(document_view(proc, sample_library), proc)
    root = _body(render_sop_docx(proc, sample_library))
    groups = root.findall(".//{http://schemas.microsoft.com/office/word/2010/wordprocessingGroup}wgp")
    assert len(groups) == len(layout.pages)
    for page, group in zip(layout.pages, groups, strict=True):
        assert page.flow is not None
        shapes = _shapes(group)
        kinds = [s[0] for s in shapes]
        steps = [n for n in page.flow.nodes if n.kind != "offpage"]
        assert sum(k in ("start", "end", "process", "decision", "io", "connector") for k in kinds) == len(steps)
        assert kinds.count("offpage") == sum(n.kind == "offpage" for n in page.flow.nodes)
        assert kinds.count("connector line") == len(page.flow.edges)
        assert kinds.count("exit label") == sum(1 for e in page.flow.edges if e.label and e.label_at)
        # each symbol's centre in its lane's column and its step's row band
        tops, y = {}, page.top_band
        for row in page.rows:
            tops[row.step.id] = (y, y + row.height)
            y += row.height
        symbols = [s for s in shapes if s[0] in ("start", "end", "process", "decision", "io", "connector")]
        for node, (kind, x, y, w, h, _text) in zip(steps, symbols, strict=True):
            assert kind == str(node.kind)
            lane = int((x + w / 2) // layout.lane_width)
            assert node.lane <= lane < node.lane + node.span, (number, node.id)
            lo, hi = tops[node.step or node.id]
            assert lo < y and y + h < hi, (number, node.id, lo, y, hi)
        # off-page connectors: letter in the pentagon, "lanjut ke hlm. N" / "dari hlm. N" beside it
        refs = {r.node: r for r in page.flow.offpage}
        texts = [s[5] for s in shapes if s[0] == "page ref"]
        for ref in refs.values():
            assert offpage_text(ref.other_page, "id", incoming=ref.direction == "in") in texts


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed: the DOCX cannot be converted to check it")
    return found


def _convert(files: dict[str, bytes], work: Path) -> dict[str, Path]:
    for name, data in files.items():
        (work / f"{name}.docx").write_bytes(data)
    subprocess.run([_soffice(), f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(work), *(str(work / f"{n}.docx") for n in files)],
                   check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(work)})
    return {name: work / f"{name}.pdf" for name in files}


def _page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return [_norm(p) for p in text.split("\f")[:-1]]


@pytest.fixture(scope="module")
def converted(sample_library: Library, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    change, email = sample_library.procedure("P.SMLTI 18"), sample_library.procedure("P.SMLTI 19")
    assert change is not None and email is not None
    work = tmp_path_factory.mktemp("sopdocx")
    for name, proc in (("ref18", change), ("ref19", email)):
        (work / f"{name}.pdf").write_bytes(render_sop_pdf(proc, sample_library))
    pdfs = _convert({"sop18": render_sop_docx(change, sample_library), "sop19": render_sop_docx(email, sample_library),
                     "doc": render_docx(change, sample_library)}, work)
    return {**pdfs, "ref18": work / "ref18.pdf", "ref19": work / "ref19.pdf"}


@pytest.mark.parametrize("number", ["18", "19"])
def test_libreoffice_prints_the_sop_page_for_page_like_the_pdf(number: str, converted: dict[str, Path]) -> None:
    ours, ref = _page_texts(converted[f"sop{number}"]), _page_texts(converted[f"ref{number}"])
    assert len(ours) == len(ref) >= 2
    for k, (page, other) in enumerate(zip(ours, ref, strict=True), start=1):
        assert f"Halaman {k} dari {len(ours)}" in page
        assert ("Mutu Baku" in page) == (k > 1)  # the identity sheet alone, then one table per page
        for n in re.findall(r"lanjut ke hlm\. (\d+)", other):  # the PDF's page references, on the same page
            assert f"lanjut ke hlm. {n}" in page
    assert "Nomor SOP" in ours[0] and f"P.SMLTI {number}" in ours[0]


def test_docx_flowchart_page_references_name_the_page_libreoffice_prints(
        converted: dict[str, Path], sample_library: Library) -> None:
    """PAGEREF fields to a bookmark per sheet: every "lanjut ke hlm. N" / "dari hlm. N" names the page
    LibreOffice printed the other sheet on."""
    from prosedur.flow.layout import layout
    from prosedur.render.svg import _max_height, role_titles

    proc = sample_library.procedure("P.SMLTI 18")
    assert proc is not None
    chart = layout(proc, rows_per_page=13, swimlanes=True, lane_titles=role_titles(proc, sample_library),
                   max_height=_max_height(proc, True))
    raw = subprocess.run(["pdftotext", "-layout", str(converted["doc"]), "-"], check=True, capture_output=True,
                         text=True).stdout.split("\f")[:-1]
    printed_refs = [_page_refs(page) for page in raw]
    sheets = [k for k, refs in enumerate(printed_refs, start=1) if refs]
    assert len(sheets) == len(chart.pages) >= 3
    assert sheets == list(range(sheets[0], sheets[0] + len(sheets)))  # one sheet per page, in order
    for sheet, printed in zip(chart.pages, sheets, strict=True):
        expected = Counter(("lanjut ke" if ref.direction == "out" else "dari", sheets[ref.other_page - 1])
                           for ref in sheet.offpage)
        assert printed_refs[printed - 1] == expected, (printed, sheet.offpage)


def _page_refs(raw: str) -> Counter[tuple[str, int]]:
    """("lanjut ke" | "dari", N) for each "hlm. N" that `pdftotext -layout` prints on a page, with the
    lead printed above it in its column: connectors of one row stand side by side, so their leads
    share a line and their page numbers the next one."""
    lines = raw.splitlines()
    out: Counter[tuple[str, int]] = Counter()
    for i, line in enumerate(lines):
        for m in re.finditer(r"hlm\. (\d+)", line):
            centre = (m.start() + m.end()) / 2
            lead = next((w.group() for above in reversed(lines[max(0, i - 3):i])
                         for w in re.finditer(r"lanjut ke|lanjut|ke|dari", above)
                         if w.start() - 3 <= centre <= w.end() + 3), "")
            out["dari" if lead == "dari" else "lanjut ke" if lead else "?", int(m.group(1))] += 1
    return out


PAYLOAD = "<b>&amp;]]><script>alert(1)</script>\x00\x07\x1b\ufffe'\"&lt; *miring*"


def test_hostile_text_stays_text_in_the_sop_docx(email: Procedure, sample_library: Library) -> None:
    from .test_injection import poisoned

    proc, lib = poisoned(email, sample_library, PAYLOAD)
    root = _body(render_sop_docx(proc, lib, content_hash=PAYLOAD, verify_url="https://v.example/<x>&\"y\""))
    texts = "".join(t.text or "" for t in root.iter(f"{W}t"))
    visible = "<b>&amp;]]><script>alert(1)</script>'\"&lt;"
    assert texts.count(visible) >= 10
    assert not any(len(t) for t in root.iter(f"{W}t"))  # no element inside a text node
    assert not any(ch in texts for ch in "\x00\x07\x1b\ufffe")
    assert root.findall(f".//{W}r/{W}rPr/{W}i")  # *miring* became an italic run


def test_drawing_ids_are_unique_in_each_file(sample_library: Library) -> None:
    """Word repairs (or refuses) a file whose drawings share ids: every docPr and shape id once."""
    proc = sample_library.procedure("P.SMLTI 18")
    assert proc is not None
    for data in (render_docx(proc, sample_library), render_sop_docx(proc, sample_library)):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/") and n.endswith(".xml"))
        ids = re.findall(r'<(?:wp:docPr|wps:cNvPr) id="(\d+)"', xml)
        assert len(ids) > 50 and len(ids) == len(set(ids))


def test_running_header_without_an_organisation_starts_with_the_number() -> None:
    """A procedure outside a library (no organisation) heads its SOP pages "Nomor SOP …", never a lone "·",
    in the HTML/PDF and in the DOCX; its PDF is still read back with the identity's own number."""
    from prosedur.synth import synthetic_procedure

    proc = synthetic_procedure(6, seed=3, lanes=3)
    head = lxml.html.fromstring(render_sop_html(proc, None)).find_class("r-left")[0].text_content().strip()
    assert head.startswith("Nomor SOP ") and proc.number in head, head
    with zipfile.ZipFile(io.BytesIO(render_sop_docx(proc, None))) as z:
        headers = [etree.fromstring(z.read(n)) for n in z.namelist() if re.match(r"word/header\d*\.xml", n)]
    text = ["".join(h.itertext()).strip() for h in headers]
    assert any(t.startswith("Nomor SOP ") for t in text) and not any(t.startswith("·") for t in text), text
