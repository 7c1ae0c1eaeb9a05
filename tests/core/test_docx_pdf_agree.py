"""The PDF and the DOCX are one document: same headings with the same numbers in the same order, the
same narrative, the same control-header and footer on every page, the flowchart on a page of its own,
and page counts within one page.

The DOCX is laid out by LibreOffice (all files in one `soffice` call); without LibreOffice the test
is skipped, saying so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from prosedur.model import Library
from prosedur.render.document import DocumentView, document_view
from prosedur.render.docx import render_docx
from prosedur.render.narrative import narrative_from_view
from prosedur.render.pdf import render_pdf
from prosedur.text import plain

SAMPLES = ["P.SMLTI 19", "P.SMLTI 18", "P.SMLTI 01", "P.SMLTI 21", "P.SMLTI 29"]


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def _body(page: str, view: DocumentView) -> str:
    """A page's text without its control header and footer, so a sentence that runs over a page
    break reads as one."""
    lines = page.splitlines()
    top = next((i for i, line in enumerate(lines[:15]) if "Halaman" in line), -1) + 1
    header = _flat(" ".join([*view.organisation_lines, *view.unit_lines, view.title, "PROSEDUR"]))
    def in_header(line: str) -> bool:  # each cell's piece of a line laid out across the header's columns
        return all(_flat(piece) in header for piece in re.split(r"\s{2,}", line.strip()))

    while top < len(lines) and (not lines[top].strip() or in_header(lines[top])):
        top += 1
    foot = next((i for i in range(len(lines) - 1, -1, -1) if "SALINAN" in lines[i]), len(lines))
    return "\n".join(lines[top:foot])


def _flat(text: str) -> str:
    """Text without whitespace, hyphens (line-end hyphenation) and case: wrapping differs, words do not."""
    return re.sub(r"[\s\-\xad]+", "", text).casefold()


@pytest.fixture(scope="module")
def printed(sample_library: Library, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: the DOCX cannot be laid out to compare its pages")
    out = tmp_path_factory.mktemp("agree")
    result: dict[str, dict[str, object]] = {}
    docx_files = []
    for number in SAMPLES:
        proc = sample_library.procedure(number)
        assert proc is not None
        slug = re.sub(r"\W+", "-", number)
        (out / f"{slug}.pdf").write_bytes(render_pdf(proc, sample_library))
        docx = out / "docx" / f"{slug}.docx"
        docx.parent.mkdir(exist_ok=True)
        docx.write_bytes(render_docx(proc, sample_library))
        docx_files.append(str(docx))
        result[number] = {"view": document_view(proc, sample_library), "pdf": out / f"{slug}.pdf",
                          "docx": out / "docx" / f"{slug}.pdf"}
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out / "docx"), *docx_files],
                   check=True, capture_output=True, timeout=120)
    for entry in result.values():
        entry["pdf_pages"] = _pages(entry["pdf"])  # type: ignore[arg-type]
        entry["docx_pages"] = _pages(entry["docx"])  # type: ignore[arg-type]
    return result


def _heading_positions(pages: list[str], view: DocumentView) -> list[tuple[int, int]]:
    """(page, line) of each outline heading, in outline order; a level-1 name opens its line ("7. PENGUKURAN",
    first word: a long name wraps in its column), a level-2 heading is "6.3 Pengendalian" within a line."""
    found = []
    for section in view.sections:
        word = re.escape(section.title.split()[0])
        if section.level == 1:
            pattern = re.compile(rf"^\s*{re.escape(section.number)}\.\s+{word}", re.M | re.I)
        else:
            pattern = re.compile(rf"(?<![\d.]){re.escape(section.number)}\.?\s+{word}", re.I)
        where = None
        for k, page in enumerate(pages):
            match = pattern.search(page)
            if match:
                where = (k, page[:match.start()].count("\n"))
                break
        assert where is not None, f"{view.number}: heading {section.heading!r} not found"
        found.append(where)
    return found


@pytest.mark.parametrize("number", SAMPLES)
def test_same_headings_numbers_and_order(printed: dict[str, dict[str, object]], number: str) -> None:
    entry = printed[number]
    view: DocumentView = entry["view"]  # type: ignore[assignment]
    for fmt in ("pdf", "docx"):
        positions = _heading_positions(entry[f"{fmt}_pages"], view)  # type: ignore[arg-type]
        assert positions == sorted(positions), f"{number} {fmt}: headings out of outline order: {positions}"


@pytest.mark.parametrize("number", SAMPLES)
def test_same_narrative(printed: dict[str, dict[str, object]], number: str) -> None:
    entry = printed[number]
    view: DocumentView = entry["view"]  # type: ignore[assignment]
    for fmt in ("pdf", "docx"):
        text = _flat("".join(_body(p, view) for p in entry[f"{fmt}_pages"]))  # type: ignore[union-attr]
        for item in narrative_from_view(view):
            head = plain("".join(seg.plain() for seg in item.head()))
            assert _flat(head) in text, f"{number} {fmt}: step {item.number} {head[:60]!r}"
            for name, value in [*item.details, *item.facts]:
                assert _flat(f"{name}: {plain(value)}") in text, f"{number} {fmt}: step {item.number} {name}"
            if item.follow:
                assert _flat(plain(item.follow)) in text, f"{number} {fmt}: step {item.number} {item.follow!r}"


@pytest.mark.parametrize("number", SAMPLES)
def test_same_header_and_footer_on_every_page(printed: dict[str, dict[str, object]], number: str) -> None:
    entry = printed[number]
    view: DocumentView = entry["view"]  # type: ignore[assignment]
    for fmt in ("pdf", "docx"):
        pages: list[str] = entry[f"{fmt}_pages"]  # type: ignore[assignment]
        for k, page in enumerate(pages, start=1):
            flat = " ".join(page.split())
            for name, value in (("No. Dok.", view.number), ("Revisi", str(view.revision)),
                                ("Tgl. Terbit", view.issued)):
                assert re.search(rf"{re.escape(name)}\s+{re.escape(value)}\b", flat), (fmt, k, name)
            assert re.search(rf"Halaman\s+{k} dari {len(pages)}\b", flat), (fmt, k, "Halaman")
            assert _flat(view.footer_id) in _flat(page), (fmt, k, "footer")
            assert all(_flat(word) in _flat(page) for word in view.title.split()), (fmt, k, "title")


@pytest.mark.parametrize("number", SAMPLES)
def test_page_counts_and_the_flowcharts_page(printed: dict[str, dict[str, object]], number: str) -> None:
    entry = printed[number]
    view: DocumentView = entry["view"]  # type: ignore[assignment]
    pdf_pages: list[str] = entry["pdf_pages"]  # type: ignore[assignment]
    docx_pages: list[str] = entry["docx_pages"]  # type: ignore[assignment]
    assert abs(len(pdf_pages) - len(docx_pages)) <= 1, (number, len(pdf_pages), len(docx_pages))
    flow = view.heads["flowchart"]
    warnings = view.heads["warnings"]
    for fmt, pages in (("pdf", pdf_pages), ("docx", docx_pages)):
        positions = dict(zip([s.key for s in view.sections], _heading_positions(pages, view), strict=True))
        # the flowchart opens a page: nothing of section 6.5 shares it
        assert positions["flowchart"][0] > positions["warnings"][0], (number, fmt, flow.heading, warnings.heading)
        last = view.warnings[-1] if view.warnings else None
        if last:
            page_of_last = next(k for k, p in enumerate(pages) if _flat(last[-30:]) in _flat(p))
            assert page_of_last < positions["flowchart"][0], (number, fmt, "6.5 shares the flowchart's page")
