"""The Chromium PDF engine (bulk builds): same marks on every page as WeasyPrint, same pages for the
pre-paginated SOP, nothing fetched, deterministic bytes, payloads printed as text."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from prosedur.model import Library, Procedure, Status
from prosedur.paper import PAPERS, document_page, sop_page
from prosedur.render import chromium
from prosedur.render.chromium import DOCUMENT_PAGE, SOP_PAGE, ChromiumPrinter, page_setup, split_running
from prosedur.render.document import document_view
from prosedur.render.fetch import TEMPLATES
from prosedur.render.html import render_html
from prosedur.render.pdf import render_pdf
from prosedur.render.sop import render_sop_html, render_sop_pdf, sop_layout

from .test_injection import poisoned
from .test_pdf import page_count, pages_text, rotated_text

pytestmark = pytest.mark.skipif(chromium.chromium_executable() is None, reason="Chromium not installed")


@pytest.fixture(scope="module")
def printer() -> Iterator[ChromiumPrinter]:
    with ChromiumPrinter() as p:
        yield p


def test_page_setup_is_the_templates_at_page_rule(sample_library: Library) -> None:
    """The size and margins Chromium is given are the ones the generated @page rule declares for
    WeasyPrint, on every paper; the margin boxes' gaps are the stylesheets'."""
    email = sample_library.procedure("P.SMLTI 19")
    assert email is not None
    for sheet in PAPERS.values():
        info = sample_library.info.model_copy(update={"paper": sheet.name})
        library = sample_library.model_copy(update={"info": info})
        for html, setup in ((render_html(email, library), page_setup(document_page(sheet))),
                            (render_sop_html(email, library), page_setup(sop_page(sheet)))):
            rule = re.search(r"@page \{ size: (\S+) (\S+); margin: ([^;]+); \}", html)
            assert rule, sheet
            assert (rule.group(1), rule.group(2)) == (setup.width, setup.height)
            assert (float(setup.width[:-2]) > float(setup.height[:-2])) == setup.landscape
            assert tuple(rule.group(3).split()) == setup.margin
    for css, setup in (("document.css", DOCUMENT_PAGE), ("sop.css", SOP_PAGE)):
        text = (TEMPLATES / css).read_text(encoding="utf-8")
        assert not re.search(r"(?<![-\w])size:", text)  # the paper is the library's: one home, prosedur.paper
        top = re.search(r"@top-center \{[^}]*padding-bottom: (\w+)", text)
        bottom = re.search(r"@bottom-center \{[^}]*?(?:padding-top: (\w+))?;? \}", text)
        assert top and top.group(1) == setup.header_gap
        assert bottom and (bottom.group(1) or "0mm") == setup.footer_gap


def test_document_marks_on_every_page(printer: ChromiumPrinter, email: Procedure, sample_library: Library,
                                      tmp_path: Path) -> None:
    pdf = render_pdf(email, sample_library, printer=printer)
    pages = pages_text(pdf, tmp_path)
    total = page_count(pdf, tmp_path)
    assert total == len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"Halaman\s+{number} dari {total}\b", text), text[:400]
        # the control header (our title, not the HTML <title> Chromium would put in a .title element)
        assert "P.SMLTI 19" in text and "23-11-2018" in text and "PENGELOLAAN EMAIL" in text
        assert "SALINAN TERKENDALI" in text
    assert not printer.refused


def test_draft_watermark_and_uncontrolled_footer(printer: ChromiumPrinter, email: Procedure,
                                                  sample_library: Library, tmp_path: Path) -> None:
    proc = email.model_copy(update={"status": Status.DRAFT})
    pdf = render_pdf(proc, sample_library, controlled=False, content_hash="ab" * 32, printer=printer)
    pages = pages_text(pdf, tmp_path, "-raw")
    assert len(pages) == page_count(pdf, tmp_path)
    for text in pages:
        assert "SALINAN TIDAK TERKENDALI" in text
        assert "DRAF" in rotated_text(text) or "DRAF" in text
        assert "ab" * 32 in text.replace("\n", "")


@pytest.mark.parametrize("number", ["P.SMLTI 19", "P.SMLTI 03", "P.SMLTI 21"])
def test_sop_keeps_the_planned_pages(printer: ChromiumPrinter, sample_library: Library, number: str,
                                     tmp_path: Path) -> None:
    """The SOP is paginated by its layout: identity sheet + one page per planned table, as in WeasyPrint."""
    proc = sample_library.procedure(number)
    assert proc is not None
    planned = 1 + len(sop_layout(document_view(proc, sample_library), proc).pages)
    pdf = render_sop_pdf(proc, sample_library, printer=printer)
    pages = pages_text(pdf, tmp_path)
    assert page_count(pdf, tmp_path) == planned == len(pages)
    assert page_count(render_sop_pdf(proc, sample_library), tmp_path) == planned
    for number_, text in enumerate(pages, start=1):
        assert re.search(rf"Halaman\s+{number_} dari {planned}\b", text)
        assert proc.number in text


def test_same_bytes_twice_dated_by_the_procedure(printer: ChromiumPrinter, email: Procedure,
                                                 sample_library: Library) -> None:
    one = render_pdf(email, sample_library, printer=printer)
    two = render_pdf(email, sample_library, printer=printer)
    assert one == two
    assert email.issued is not None
    stamp = email.issued.strftime("%Y%m%d").encode()
    assert re.findall(rb"/CreationDate \(D:(\d{8})", one) == [stamp]
    assert re.findall(rb"/ModDate \(D:(\d{8})", one) == [stamp]


def test_hidden_on_screen_prints_the_same_bytes(printer: ChromiumPrinter, email: Procedure, sample_library: Library,
                                                monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The page is hidden on screen (no screen layout, paint and raster before the print's): the PDFs,
    document and SOP, are byte for byte those of the page shown on screen."""
    html = render_html(email, sample_library)
    hidden = chromium.screen_hidden(html)
    head = re.search(r"<head\b[^>]*>", hidden)
    assert head and hidden[head.end():].startswith("<style>@media screen")
    assert hidden.replace(chromium._SCREEN_HIDDEN, "") == html and html.count("@media screen { html") == 0
    hidden_pdfs = [render_pdf(email, sample_library, printer=printer), render_sop_pdf(email, sample_library, printer=printer)]
    monkeypatch.setattr(chromium, "screen_hidden", lambda body: body)
    shown_pdfs = [render_pdf(email, sample_library, printer=printer), render_sop_pdf(email, sample_library, printer=printer)]
    assert hidden_pdfs == shown_pdfs
    assert page_count(hidden_pdfs[0], tmp_path) >= 3


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_fetches_nothing(printer: ChromiumPrinter, tmp_path: Path) -> None:
    """Even markup that asks for the network or local files gets nothing: no request leaves."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-CONTENT", encoding="utf-8")
    url = f"http://127.0.0.1:{server.server_port}"
    html = (f'<html><head><style>@import url("{url}/css"); body {{ background: url("{url}/bg"); }}</style>'
            f'<link rel="stylesheet" href="{url}/link.css"></head><body><img src="{url}/img.png">'
            f'<iframe src="file://{secret}"></iframe><object data="file://{secret}"></object>'
            f'<script>document.write("JS-RAN")</script><p>body</p></body></html>')
    before = len(printer.refused)
    try:
        pdf = printer.print_pdf(html, DOCUMENT_PAGE, stamp="2020-01-01T00:00:00+00:00")
    finally:
        server.shutdown()
    assert _Counter.hits == []
    assert any(u.startswith(url) for u in printer.refused[before:])
    text = "\n".join(pages_text(pdf, tmp_path))
    assert "body" in text and "TOPSECRET" not in text and "JS-RAN" not in text


def test_payloads_are_literal_text(printer: ChromiumPrinter, email: Procedure, sample_library: Library,
                                   tmp_path: Path) -> None:
    payload = "<script>alert(1)</script> <img src=file:///etc/passwd> url(http://127.0.0.1/x)"
    proc, lib = poisoned(email, sample_library, payload)
    for pdf in (render_pdf(proc, lib, printer=printer), render_sop_pdf(proc, lib, printer=printer)):
        flat = re.sub(r"\s+", " ", "\n".join(pages_text(pdf, tmp_path, "-raw")))
        assert "<script>alert(1)</script>" in flat
        assert "root:x:0:0" not in flat


def test_running_parts_move_to_the_margin(sample_library: Library, email: Procedure) -> None:
    body, header, footer, css = split_running(render_sop_html(email, sample_library))
    assert 'class="sop-running"' in header and 'class="pageNumber"' in header and 'class="totalPages"' in header
    assert 'class="doc-footer"' in footer
    assert "sop-running" not in body.split("</style>", 1)[1] and "doc-footer" not in body.split("</style>", 1)[1]
    assert "@page" in css
    with pytest.raises(ValueError, match="title"):
        split_running('<header class="doc-header"><span class="title">x</span></header>')


def test_documents_queued_from_threads_come_back_to_their_callers(printer: ChromiumPrinter, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def one(n: int) -> tuple[int, str]:
        html = f"<html><body><p>Dokumen nomor {n}</p></body></html>"
        pdf = printer.submit(html, DOCUMENT_PAGE, stamp="2020-01-01T00:00:00+00:00").result()
        own = tmp_path / str(n)  # pages_text writes a fixed file name: one folder per thread
        own.mkdir()
        return n, "\n".join(pages_text(pdf, own))

    with ThreadPoolExecutor(4) as pool:
        for n, text in pool.map(one, range(8)):
            assert f"Dokumen nomor {n}" in text


def test_a_browser_that_cannot_start_fails_the_first_print(tmp_path: Path) -> None:
    broken = ChromiumPrinter(executable="/bin/false")
    try:
        with pytest.raises(Exception, match="(?i)launch|closed|exit"):
            broken.print_pdf("<p>x</p>", DOCUMENT_PAGE, stamp="2020-01-01T00:00:00+00:00")
    finally:
        broken.close()


def test_pages_rendered_for_review(printer: ChromiumPrinter, sample_library: Library, artifacts: Path) -> None:
    """artifacts/pdf-chromium/: the worked example and a two-page SOP from Chromium, beside the
    WeasyPrint pages in artifacts/pdf/, for a person to compare."""
    import subprocess

    out = artifacts / "pdf-chromium"
    out.mkdir(exist_ok=True)
    for number, kind, render in (("P.SMLTI 19", "", render_pdf), ("P.SMLTI 03", "-sop", render_sop_pdf),
                                 ("P.SMLTI 21", "-sop", render_sop_pdf)):
        proc = sample_library.procedure(number)
        assert proc is not None
        name = number.lower().replace(".", "-").replace(" ", "-") + kind
        (out / f"{name}.pdf").write_bytes(render(proc, sample_library, printer=printer))
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(out / f"{name}.pdf"), str(out / name)], check=True)
    assert len(list(out.glob("*.png"))) >= 6


def _word_boxes(pdf: bytes, tmp: Path, word: str) -> list[tuple[float, float]]:
    """(x, y) in points of every occurrence of `word` on page 1 (pdftotext -bbox)."""
    import subprocess

    path = tmp / "bbox.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
                         check=True, capture_output=True, text=True).stdout
    return [(float(m.group(1)), float(m.group(2)))
            for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>' + re.escape(word) + "</word>", out)]


def test_header_and_footer_sit_where_weasyprint_puts_them(printer: ChromiumPrinter, email: Procedure,
                                                          sample_library: Library, tmp_path: Path) -> None:
    """The control header, page number and footer land within 2 mm of WeasyPrint's on the page."""
    chrome = render_pdf(email, sample_library, printer=printer)
    weasy = render_pdf(email, sample_library)
    for word in ("Dok.", "Halaman", "TERKENDALI", "P.SMLTI"):
        a, b = _word_boxes(chrome, tmp_path, word), _word_boxes(weasy, tmp_path, word)
        assert a and b, word
        (ax, ay), (bx, by) = a[0], b[0]
        assert abs(ax - bx) < 2 * 72 / 25.4 and abs(ay - by) < 2 * 72 / 25.4, (word, a[0], b[0])


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def test_a_killed_browser_is_started_again(tmp_path: Path) -> None:
    """Chromium killed mid-build (out of memory, an operator): the document in hand may fail, the
    ones after it print on a new browser; nothing hangs."""
    import os
    import signal

    html = "<html><body><p>Dokumen</p></body></html>"
    stamp = "2020-01-01T00:00:00+00:00"
    with ChromiumPrinter() as printer:
        assert printer.print_pdf(html, DOCUMENT_PAGE, stamp=stamp).startswith(b"%PDF")
        browsers = [pid for pid in _descendants(os.getpid())
                    if b"remote-debugging-pipe" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert browsers
        for pid in browsers:
            os.kill(pid, signal.SIGKILL)
        results = []
        for _ in range(3):
            try:
                results.append(printer.submit(html, DOCUMENT_PAGE, stamp=stamp).result(timeout=60))
            except Exception as exc:  # noqa: BLE001 - the one in hand may fail
                results.append(exc)
        assert isinstance(results[-1], bytes) and results[-1].startswith(b"%PDF")
        assert printer.restarts == 1
