"""At 390 px (a common phone) no page is wider than the screen and every action can be reached.

Chromium loads each page as the users who see it; the check is the page's own geometry: the document's
scroll width against the viewport, and the bounding box of the buttons a user must press."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from .conftest import ROOT, App

SHOTS = ROOT / "artifacts" / "e2e-phone"

WIDTH = 390
PAGES = {
    "pembaca": ["/", "/sosialisasi/perlu-dibaca/", "/pemberitahuan/", "/verifikasi/"],
    "pengendali": ["/", "/sistem-manajemen/cakupan/", "/sistem-manajemen/tinjauan-berkala/",
                   "/sistem-manajemen/sosialisasi/", "/sosialisasi/kemajuan/", "/pustaka/"],
    "admin": ["/audit/", "/akun/orang/", "/akun/orang/baru/", "/akun/orang/impor/", "/akun/unit/"],
}


def _phone(app: App, browser: Any, username: str) -> Any:
    context = browser.new_context(locale="id-ID", viewport={"width": WIDTH, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(app.url + "/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", app.password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(re.compile(r"/$"))
    return page


def _overflow(page: Any) -> int:
    return int(page.evaluate("() => document.documentElement.scrollWidth")) - WIDTH  # not innerWidth: a phone widens it


def test_no_page_is_wider_than_a_phone(app: App, browser: Any) -> None:
    wide = []
    for username, paths in PAGES.items():
        page = _phone(app, browser, username)
        for path in paths:
            page.goto(app.url + path)
            if _overflow(page) > 0:
                wide.append(f"{username} {path}: {_overflow(page)} px too wide")
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{username}{path.replace('/', '-')}.png"), full_page=True)
        # a procedure and its revision page (the document with its tables and flowchart)
        page.goto(app.url + "/")
        page.locator("table.list a").first.click()
        page.wait_for_load_state()
        if _overflow(page) > 0:
            wide.append(f"{username} {page.url}: {_overflow(page)} px too wide")
        page.context.close()
    assert not wide, wide


def test_the_reader_can_acknowledge_on_a_phone(app: App, browser: Any) -> None:
    page = _phone(app, browser, "pembaca")
    page.goto(app.url + "/sosialisasi/perlu-dibaca/")
    button = page.get_by_role("button", name="Saya telah membaca dan memahami").first
    if not button.count():
        button = page.locator("table.list button.primary").first
    box = button.bounding_box()
    assert box is not None, "nothing to acknowledge for the demo reader"
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    # each cell says which column it is, since the header row is not shown
    cell = page.locator("table.list tbody td").first
    assert cell.get_attribute("data-label") == page.locator("table.list thead th").first.inner_text().strip()
    assert page.locator("table.list thead").bounding_box()["height"] <= 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "phone-pending.png"), full_page=True)
    page.goto(app.url + "/")
    page.screenshot(path=str(SHOTS / "phone-list.png"), full_page=True)
    page.context.close()


def _in_review(app: App) -> int:
    """A revision in review, made in the app's database by a script (the server reads it from there)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "prosedur_web.settings_test",
           "PROSEDUR_DATABASE_URL": f"sqlite:///{app.db}", "PROSEDUR_VAR_DIR": str(app.db.parent),
           "PROSEDUR_DEMO_PASSWORD": app.password, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("seed_review.py"))], env=env, cwd=ROOT,
                         check=True, timeout=120, capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1])


def _reachable(page: Any, locator: Any) -> None:
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box


def test_reviewing_and_signing_on_a_phone(app: App, browser: Any) -> None:
    pk = _in_review(app)
    page = _phone(app, browser, "pemeriksa")
    page.goto(f"{app.url}/revisi/{pk}/")
    assert _overflow(page) <= 0, f"review page {_overflow(page)} px too wide"
    _reachable(page, page.get_by_role("button", name="Kirim keputusan").or_(page.locator("form.decide button")).first)
    page.get_by_label("Setuju").check()
    page.locator("form.decide button").first.click()
    page.wait_for_load_state()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "phone-review.png"), full_page=True)
    page.context.close()
    page = _phone(app, browser, "pengesah")
    page.goto(f"{app.url}/revisi/{pk}/sahkan/")
    assert _overflow(page) <= 0, f"signing page {_overflow(page)} px too wide"
    _reachable(page, page.locator("form button[type=submit]").last)
    _reachable(page, page.locator("input[type=password]").first)
    page.screenshot(path=str(SHOTS / "phone-sign.png"), full_page=True)
    page.context.close()
