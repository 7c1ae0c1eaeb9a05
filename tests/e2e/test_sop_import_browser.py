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
