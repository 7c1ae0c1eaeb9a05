"""Second PDF engine for whole-library builds: Chromium's print-to-PDF through one long-lived browser.

Why a second engine: WeasyPrint spends ~0.42 s of Python per 5-6 page procedure and ~0.25 s per SOP
table; a library of 500 procedures in two languages is then ~700 s of CPU for the PDFs alone, far
over the 150 s the all-formats build may take on two cores. Chromium lays out and prints the very same
HTML and stylesheet in ~0.05-0.12 s of CPU per document, browser included (bench/bench_pdf.py prints
both side by side: 4.4x less CPU on the 5-6 page samples). WeasyPrint stays the engine for single documents and the web app (no browser process
beside every web worker; nothing to start); `prosedur build` takes Chromium when it is installed.

What differs and how it is bridged: the running control header and footer are CSS paged-media
running elements (`position: running()`), which Chromium does not implement. `split_running` lifts
the two elements out of the page and hands them to Chromium as its header/footer templates (with our
stylesheet, page x of y as Chromium's `pageNumber`/`totalPages`); everything else (watermark as a
fixed element, the flowchart SVG, the SOP's pre-paginated tables) prints as WeasyPrint prints it.
The page size and margins are the library's paper's page box (`prosedur.paper`), the very one the
template's generated `@page` rule declares for WeasyPrint (`PageSetup`, tested equal).

Safety: JavaScript is off, the context is offline and every request is aborted and counted
(`refused`), so the page can load nothing but the data: URLs we put in it; a page opened with
`set_content` is about:blank, from which Chromium refuses file: URLs anyway.
Determinism: Chromium stamps the clock into /CreationDate and /ModDate; both are rewritten (same
length, so the cross-reference offsets stay right) to the procedure's date, as WeasyPrint's are.

The browser runs on the printer's own thread (Playwright's sync API must stay on the thread that
started it); callers on any thread queue documents and get futures.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from ..hyphen import print_html
from ..paper import PAPERS, PageBox, document_page, sop_page

__all__ = ["ChromiumPrinter", "DOCUMENT_PAGE", "PageSetup", "SOP_PAGE", "chromium_executable", "page_setup",
           "split_running"]


@dataclass(frozen=True)
class PageSetup:
    """A page box as Chromium takes it: size as oriented, margins (top, right, bottom, left) and how
    far the header sits above the body / the footer below it, as CSS lengths."""

    landscape: bool
    margin: tuple[str, str, str, str]
    header_gap: str
    footer_gap: str
    width: str = "210mm"
    height: str = "297mm"


def _css(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") + "mm"


def page_setup(box: PageBox) -> PageSetup:
    """The page box of `prosedur.paper` (SOP or document, on the library's paper) for Chromium."""
    return PageSetup(
        landscape=box.landscape, margin=(_css(box.margin[0]), _css(box.margin[1]), _css(box.margin[2]), _css(box.margin[3])),
        header_gap=_css(box.header_gap), footer_gap=_css(box.footer_gap), width=_css(box.width), height=_css(box.height),
    )


DOCUMENT_PAGE = page_setup(document_page(PAPERS["A4"]))
SOP_PAGE = page_setup(sop_page(PAPERS["A4"]))

_HEADER = re.compile(r'<header class="(?:doc-header|sop-running)"[^>]*>.*?</header>\s*', re.S)
_FOOTER = re.compile(r'<footer class="doc-footer"[^>]*>.*?</footer>\s*', re.S)
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
# Chromium fills elements of these classes in its header/footer templates with its own text.
_RESERVED = re.compile(r'class="(?:[^"]*\s)?(date|title|url|pageNumber|totalPages)(?:\s[^"]*)?"')
_IMPORT = re.compile(r"@import\b[^;]*;?")
_DATES = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}([+-]\d\d'\d\d'|Z)\)")
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
# The page is never looked at on screen, only printed: without this, Chromium styles, lays out, paints
# and rasterises it once at the viewport's width before the print lays it out again at the page's
# (about a fifth of a document's browser CPU; the PDF is byte for byte the same, print media ignores it).
_SCREEN_HIDDEN = "<style>@media screen { html { display: none !important; } }</style>"


def chromium_executable() -> str | None:
    """The Chromium to drive: $PROSEDUR_CHROMIUM, else Debian's `chromium-headless-shell` (made for
    automation: ~20 % less CPU per document and a quicker start than the full browser, bench_pdf.py),
    else `chromium`."""
    configured = os.environ.get("PROSEDUR_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for name in ("chromium-headless-shell", "chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def split_running(html: str) -> tuple[str, str, str, str]:
    """(page without the running header/footer, header fragment, footer fragment, stylesheet).

    The fragments get Chromium's page-number spans in place of our counter spans.
    """
    header = _HEADER.search(html)
    footer = _FOOTER.search(html)
    style = _STYLE.search(html)
    body = html
    for match in (footer, header):
        if match:
            body = body[: match.start()] + body[match.end():]
    # a header template cannot wait for a stylesheet import: Chromium then fails the whole print
    css = _IMPORT.sub("", style.group(1)) if style else ""
    fragments = []
    for match in (header, footer):
        text = match.group(0) if match else ""
        reserved = _RESERVED.search(text)
        if reserved:  # our templates never use them; a new one would silently print the wrong text
            raise ValueError(f"running header/footer uses the class {reserved.group(1)!r}, reserved by Chromium")
        text = text.replace('<span class="page-x"></span>', '<span class="pageNumber"></span>')
        text = text.replace('<span class="page-y"></span>', '<span class="totalPages"></span>')
        fragments.append(text)
    return body, fragments[0], fragments[1], css


def _band(fragment: str, css: str, setup: PageSetup, *, top: bool) -> str:
    """A header/footer template: our stylesheet, the fragment placed in the margin like WeasyPrint's
    @top-center (bottom-aligned) / @bottom-center (top-aligned) box. Absolutely positioned inside a
    box of the margin's height."""
    _, right, _, left = setup.margin
    height = setup.margin[0] if top else setup.margin[2]
    gap = setup.header_gap if top else setup.footer_gap
    edge = f"bottom: {gap}" if top else f"top: {gap}"
    # Chromium puts both templates in one document: every rule is scoped to its own container
    where = "#header" if top else "#footer"
    band_css = (
        "html, body { margin: 0 !important; padding: 0 !important; max-width: none !important; }"
        "#header, #footer { padding: 0 !important; margin: 0 !important; }"
        f"{where} .prosedur-band {{ position: relative; width: 100%; height: {height};"
        " -webkit-print-color-adjust: exact; print-color-adjust: exact; }"
        f"{where} .prosedur-band > .prosedur-slot {{ position: absolute; left: {left}; right: {right}; {edge}; }}"
        ".prosedur-band .print-only { display: table-row; }"
        ".prosedur-band span.print-only { display: table-cell; }"
        ".prosedur-band .doc-header, .prosedur-band .doc-footer, .prosedur-band .sop-running { margin: 0; width: 100%; }"
        ".prosedur-band .doc-footer { display: table; }"
        ".prosedur-band .doc-footer .foot-left, .prosedur-band .doc-footer .qr { display: table-cell; vertical-align: bottom; }"
        ".prosedur-band .doc-footer .qr { width: 15mm; }"
    )
    return (f"<style>{css}\n{band_css}</style>"
            f"<div class=\"prosedur-band\"><div class=\"prosedur-slot\">{fragment}</div></div>")


def _pdf_date(stamp: str) -> bytes:
    """'2018-08-29T00:00:00+00:00' -> b"D:20180829000000+00'00'"."""
    digits = re.sub(r"\D", "", stamp[:19])
    return f"D:{digits}+00'00'".encode("ascii")


class ChromiumPrinter:
    """A headless Chromium kept open for many documents; use as a context manager or call close().

    The browser lives on a thread of its own (Playwright's sync API stays on the thread that
    started it): starting it overlaps whatever the caller does next (a build loads its library
    meanwhile), and `submit` returns a future at once, even before Chromium is up, so the caller's
    Python work (the DOCX) runs while Chromium starts and prints. A failed start reaches every
    document's future.
    """

    def __init__(self, executable: str | None = None) -> None:
        path = executable or chromium_executable()
        if not path:
            raise RuntimeError("Chromium not found (install Debian's chromium or set PROSEDUR_CHROMIUM)")
        self.refused: list[str] = []
        self.restarts = 0  # browsers started again after one died
        self._jobs: queue.Queue[tuple[Future[bytes], str, PageSetup, str] | None] = queue.Queue()
        self._ready: Future[None] = Future()
        self._closed = False
        self._thread = threading.Thread(target=self._serve, args=(path,), name="chromium-printer", daemon=True)
        self._thread.start()

    def _serve(self, path: str) -> None:
        from playwright.sync_api import sync_playwright

        try:
            playwright = sync_playwright().start()
        except BaseException as exc:  # noqa: BLE001 - handed to the callers through the futures
            self._fail_all(exc)
            return
        browser: Any = None
        try:
            browser, context, page = self._open(playwright, path)
        except BaseException as exc:  # noqa: BLE001
            playwright.stop()
            self._fail_all(exc)
            return
        self._ready.set_result(None)
        try:
            while (job := self._jobs.get()) is not None:
                future, html, setup, stamp = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    future.set_result(_print(page, html, setup, stamp))
                    continue
                except BaseException as exc:  # noqa: BLE001
                    future.set_exception(exc)
                # a page whose print failed may be left crashed, a browser may have died (killed,
                # out of memory): the next document gets a fresh page, or a fresh browser
                try:
                    if browser.is_connected():
                        page.close()
                        page = context.new_page()
                    else:
                        self.restarts += 1
                        browser, context, page = self._open(playwright, path)
                except BaseException as exc:  # noqa: BLE001 - no browser to be had: the rest fail
                    self._fail_rest(exc)
                    return
        finally:
            try:
                if browser is not None and browser.is_connected():
                    browser.close()
            finally:
                playwright.stop()

    def _open(self, playwright: Any, path: str) -> tuple[Any, Any, Any]:
        browser = playwright.chromium.launch(
            executable_path=path,
            args=["--disable-gpu", "--disable-extensions"],
            # Chromium's own sandbox as well, except as root, where Chromium refuses to start with it
            chromium_sandbox=os.geteuid() != 0,
        )
        context = browser.new_context(java_script_enabled=False, offline=True)
        context.route("**/*", self._refuse)
        return browser, context, context.new_page()

    def _fail_rest(self, exc: BaseException) -> None:
        while (job := self._jobs.get()) is not None:
            if job[0].set_running_or_notify_cancel():
                job[0].set_exception(exc)

    def _fail_all(self, exc: BaseException) -> None:
        """Chromium did not start: this and every document queued until close() get the error."""
        self._ready.set_exception(exc)
        self._fail_rest(exc)

    def _refuse(self, route: Any) -> None:
        self.refused.append(route.request.url)
        route.abort()

    def startup_error(self, timeout: float | None = None) -> BaseException | None:
        """Wait until Chromium is up (or gave up); the error that stopped it, or None."""
        try:
            self._ready.result(timeout=timeout)
        except TimeoutError as exc:
            return exc
        except BaseException as exc:  # noqa: BLE001 - reported, not raised
            return exc
        return None

    def submit(self, html: str, setup: PageSetup, *, stamp: str) -> Future[bytes]:
        """Queue one of our document pages (document.html / sop.html output); the future gives the PDF."""
        if self._closed:
            raise RuntimeError("printer closed")
        if self._ready.done():
            self._ready.result()  # raises at once if Chromium did not start
        # else queued now and printed once Chromium is up: the caller works on meanwhile
        future: Future[bytes] = Future()
        self._jobs.put((future, print_html(html), setup, stamp))
        return future

    def print_pdf(self, html: str, setup: PageSetup, *, stamp: str) -> bytes:
        """`submit` and wait."""
        return self.submit(html, setup, stamp=stamp).result()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._jobs.put(None)
            self._thread.join()

    def __enter__(self) -> ChromiumPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def screen_hidden(body: str) -> str:
    """`body` with a first stylesheet that shows nothing on screen (print media is unaffected)."""
    head = _HEAD.search(body)
    if head is None:
        return body
    return body[: head.end()] + _SCREEN_HIDDEN + body[head.end():]


def _print(page: Any, html: str, setup: PageSetup, stamp: str) -> bytes:
    body, header, footer, css = split_running(html)
    body = screen_hidden(body)
    top, right, bottom, left = setup.margin
    page.set_content(body, wait_until="load")
    pdf: bytes = page.pdf(
        width=setup.width,
        height=setup.height,
        print_background=True,
        display_header_footer=True,
        header_template=_band(header, css, setup, top=True),
        footer_template=_band(footer, css, setup, top=False),
        margin={"top": top, "right": right, "bottom": bottom, "left": left},
    )
    date = _pdf_date(stamp)

    def restamp(match: re.Match[bytes]) -> bytes:
        new = b"/" + match.group(1) + b" (" + date + b")"
        return new if len(new) == len(match.group(0)) else match.group(0)

    return _DATES.sub(restamp, pdf)
