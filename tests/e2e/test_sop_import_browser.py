"""The SOP import in Chromium: the document controller uploads a signed reference SOP from the master list,
sees the batch page finish, opens the draft in the editor and sees the original's page image beside it
(a real PNG the browser decoded), with the import report. Screenshots in artifacts/e2e/sop-import-*.png;
no Content-Security-Policy violation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import App

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "e2e"
SOP = ROOT.parent / "shared" / "reference" / "bps-bengkulu-sop-053-permintaan-setting-jaringan.pdf"


def test_upload_batch_page_editor_with_page_image(app: App, browser: Any, tmp_path: Path) -> None:
    if not SOP.is_file():
        pytest.skip(f"reference SOP not here ({SOP})")
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="id-ID", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    csp: list[str] = []
    page.on("console", lambda msg: csp.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(app.url + "/akun/masuk/")
    page.fill("#id_username", "pengendali")
    page.fill("#id_password", app.password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="Impor SOP (PDF/Word)").first.click()
    bad = tmp_path / "bukan-sop.pdf"
    bad.write_text("ini bukan PDF, hanya bernama .pdf")
    page.set_input_files("#sop-files", [str(SOP), str(bad)])
    page.screenshot(path=str(SHOTS / "sop-import-1-upload.png"))
    page.get_by_role("button", name="Unggah dan impor").click()
    page.wait_for_url(re.compile(r"/impor-sop/batch/\d+/$"))
    page.wait_for_selector('#batch-status[data-state="done"]')
    assert "2 dari 2 berkas selesai" in page.inner_text("#batch-count")
    assert "bukan PDF" in page.inner_text("#file-1")
    page.screenshot(path=str(SHOTS / "sop-import-2-batch.png"), full_page=True)
    page.locator("#file-0 a").first.click()
    page.wait_for_url(re.compile(r"/revisi/\d+/penyunting/$"))
    image = page.locator("#import-origin img").first
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.evaluate("img => img.naturalWidth") > 500
    assert page.locator("#import-origin .import-report li").count() >= 1
    assert page.locator("#editor-form input[name=title]").input_value().startswith("Permintaan Setting Jaringan")
    page.screenshot(path=str(SHOTS / "sop-import-3-editor.png"))
    assert not csp, csp
    context.close()


def test_word_sop_page_images_in_the_editor_fetch_nothing(app: App, browser: Any, tmp_path: Path) -> None:
    """A Word SOP whose picture is linked from a server on loopback: the editor shows its page images (laid
    out by LibreOffice after the core cleaned the file) and the server receives no request."""
    import http.server
    import shutil
    import sys
    import threading

    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice (soffice) is not installed: Word originals keep download only")
    sys.path.insert(0, str(ROOT))
    from tests.core.docx_hostile import write_hostile_docx
    from tests.core.docx_sop import write_sop_docx
    from tests.core.import_check import EXPECTED, load

    hits: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the handler's API
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_HEAD = do_OPTIONS = do_PROPFIND = do_GET

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # SOP-014 (the test above imports SOP-053, whose draft would not be clobbered)
    sop = write_sop_docx(load(EXPECTED / "sop-014.json"), "drawingml", tmp_path / "sop-014.docx")
    docx = write_hostile_docx(f"http://127.0.0.1:{server.server_address[1]}", tmp_path / "sop-014-word.docx", base=sop)
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="id-ID", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(app.url + "/akun/masuk/")
    page.fill("#id_username", "pengendali")
    page.fill("#id_password", app.password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(app.url + "/impor-sop/")
    page.set_input_files("#sop-files", [str(docx)])
    page.get_by_role("button", name="Unggah dan impor").click()
    page.wait_for_selector('#batch-status[data-state="done"]')
    page.locator("#file-0 a").first.click()
    page.wait_for_url(re.compile(r"/revisi/\d+/penyunting/$"))
    images = page.locator("#import-origin img")
    assert images.count() >= 2
    for k in range(2):  # the identity sheet and the first page of the activity table
        image = images.nth(k)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        assert image.evaluate("img => img.naturalWidth") > 900  # a page at 110 dpi
    page.screenshot(path=str(SHOTS / "sop-import-4-word-editor.png"))
    context.close()
    server.shutdown()
    server.server_close()
    assert hits == [], hits
