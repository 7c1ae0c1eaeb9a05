"""The whole document-control lifecycle in Chromium, through the UI only, as the real users would do it.

Author drafts revision 1 of P.SMLTI 19 (edits the YAML, adds the change-history entry) and sends it to
two reviewers; each comments and agrees, the author resolves the comments; the approver signs with
the password; a reader acknowledges. Then revision 2 goes the same way, and revision 1 must show as
obsolete, on its page and on the public verification page. Every page is saved as a screenshot in
artifacts/e2e/ and no page may report a Content-Security-Policy violation.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .conftest import App

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "e2e"
NUMBER = "P.SMLTI 19"
REVIEWERS = ("pemeriksa", "pemeriksa2")


class Walk:
    """One browser context per user (own cookies), a shared screenshot counter and CSP watch."""

    def __init__(self, app: App, browser: Any):
        self.app, self.browser = app, browser
        self.pages: dict[str, Any] = {}
        self.n = 0
        self.csp: list[str] = []
        self.errors: list[str] = []
        SHOTS.mkdir(parents=True, exist_ok=True)
        for old in SHOTS.glob("*.png"):
            old.unlink()

    def as_user(self, username: str) -> Any:
        if username not in self.pages:
            context = self.browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.on("console", lambda msg, who=username: self._console(who, msg))
            page.on("pageerror", lambda exc, who=username: self.errors.append(f"{who}: {exc}"))
            page.goto(self.app.url + "/akun/masuk/")
            self.shot(page, f"login-{username}")
            page.fill("#id_username", username)
            page.fill("#id_password", self.app.password)
            page.get_by_role("button", name="Masuk").click()
            page.wait_for_url(re.compile(r"/$"))
            self.pages[username] = page
        return self.pages[username]

    def _console(self, who: str, msg: Any) -> None:
        text = msg.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.csp.append(f"{who}: {text}")
        elif msg.type == "error":
            self.errors.append(f"{who}: {text}")

    def shot(self, page: Any, name: str) -> None:
        self.n += 1
        page.screenshot(path=str(SHOTS / f"{self.n:02d}-{name}.png"), full_page=True)

    def open_procedure(self, username: str) -> Any:
        """From the master list, search for the procedure and open it (the htmx filter is used)."""
        page = self.as_user(username)
        page.goto(self.app.url + "/")
        with page.expect_response(lambda r: "q=19" in r.url):  # the htmx filter answers in place
            page.get_by_role("searchbox").fill("19")
        page.get_by_role("link", name=re.compile(re.escape(NUMBER))).first.click()
        page.wait_for_url(re.compile(r"/prosedur/\d+/$"))
        return page

    def open_revision(self, username: str, number: int) -> Any:
        page = self.open_procedure(username)
        page.locator("section.history").get_by_role("link", name=str(number), exact=True).click()
        page.wait_for_url(re.compile(r"/revisi/\d+/$"))
        return page


def flash(page: Any) -> str:
    return page.locator("ul.messages").inner_text() if page.locator("ul.messages").count() else ""


def draft_and_submit(walk: Walk, change: str) -> tuple[int, str]:
    """Author: start a revision, edit the YAML source (+ history entry), save, send to both reviewers."""
    page = walk.open_procedure("penyusun")
    walk.shot(page, "procedure-before-revision")
    page.get_by_role("button", name="Buat revisi baru").click()
    page.wait_for_url(re.compile(r"/revisi/\d+/(sunting|penyunting)/$"))
    # this walk edits the YAML source itself (the structured editor has its own tests and the README tour)
    page.goto(re.sub(r"/penyunting/$", "/sunting/", page.url))
    source = page.locator("#id_yaml_source").input_value()
    number = int(re.search(r"^revision:\s*(\d+)", source, re.M).group(1))  # type: ignore[union-attr]
    assert re.search(r"^status:\s*draft", source, re.M)
    assert not re.search(r"^issued:", source, re.M)  # the lifecycle fills the control facts at signing
    edited = re.sub(r"(batas_lampiran: \{value: '?)\d+", lambda m: m.group(1) + str(5 + 5 * number), source,
                    count=1)
    assert edited != source
    entry = f"  - revision: {number}\n    change: {change}\n    by: Kepala Bidang IKI\n"
    stub = f"  - {{revision: {number}}}\n"
    assert stub in edited  # the empty row the revision started with, for the author to describe
    edited = edited.replace(stub, entry, 1)
    page.fill("#id_yaml_source", edited)
    walk.shot(page, f"rev{number}-edit")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_load_state()
    assert "Tersimpan" in flash(page), page.content()[:2000]
    assert change in page.locator("#id_yaml_source").input_value()
    page.get_by_role("link", name="Ajukan untuk ditinjau").click()
    page.wait_for_url(re.compile(r"/ajukan/$"))
    page.get_by_label(re.compile("Agus Prasetyo")).check()
    page.get_by_label(re.compile("Sari Handayani")).check()
    walk.shot(page, f"rev{number}-submit")
    page.get_by_role("button", name="Ajukan untuk ditinjau").click()
    page.wait_for_url(re.compile(r"/revisi/\d+/$"))
    assert "Diajukan" in flash(page)
    walk.shot(page, f"rev{number}-in-review")
    return number, page.url


def review(walk: Walk, number: int, url: str) -> None:
    """Each reviewer comments on a step and agrees; the author resolves every comment."""
    for i, username in enumerate(REVIEWERS):
        page = walk.as_user(username)
        page.goto(url)
        comment = f"Rev {number}: catatan {i + 1} <b>bukan tag</b> dari {username}"
        page.fill("#id_text", comment)
        page.get_by_role("button", name="Tambah komentar").click()  # htmx swaps the list in place
        page.locator("#comment-list article.comment", has_text=comment).wait_for()
        assert page.locator("#comment-list b").count() == 0  # shown as text, not markup
        page.get_by_label("Setuju").check()
        page.fill("#id_note", "Sesuai")
        walk.shot(page, f"rev{number}-review-{username}")
        page.get_by_role("button", name="Kirim keputusan").click()
        page.wait_for_load_state()
        assert page.locator("section.review").get_by_text("Setuju").count() >= i + 1
    page = walk.as_user("penyusun")
    page.goto(url)
    for _ in REVIEWERS:
        before = page.locator("#comment-list article.comment.resolved").count()
        page.locator("#comment-list").get_by_role("button", name="Tandai selesai").first.click()
        page.locator("#comment-list article.comment.resolved").nth(before).wait_for()
    assert page.locator("#comment-list").get_by_role("button", name="Tandai selesai").count() == 0
    walk.shot(page, f"rev{number}-comments-resolved")


def approve(walk: Walk, number: int, url: str) -> None:
    page = walk.as_user("pengesah")
    page.goto(url)
    assert page.locator("ul.blockers").count() == 0, page.locator("ul.blockers").inner_text()
    page.get_by_role("link", name="Sahkan").click()
    page.wait_for_url(re.compile(r"/sahkan/$"))
    page.fill("#id_password", walk.app.password)
    walk.shot(page, f"rev{number}-approve")
    page.get_by_role("button", name="Sahkan").click()
    page.wait_for_url(re.compile(r"/revisi/\d+/$"))
    assert "disahkan" in flash(page)
    assert page.locator("h1 .badge").inner_text().strip().lower() == "berlaku"
    assert "Dr. Bambang Hermawan" in page.locator("section.signatures").inner_text()
    walk.shot(page, f"rev{number}-effective")


def test_lifecycle_in_the_browser(app: App, browser: Any) -> None:
    walk = Walk(app, browser)
    page = walk.as_user("penyusun")
    walk.shot(page, "master-list")

    first, url1 = draft_and_submit(walk, "Batas lampiran menjadi 10 MB")
    assert first == 1
    review(walk, first, url1)
    approve(walk, first, url1)

    page = walk.open_procedure("pembaca")
    walk.shot(page, "reader-procedure")
    assert "10 MB" in page.locator("article.document").inner_text()
    hash1 = page.locator("section.signatures code.hash").first.inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", hash1)
    page.get_by_role("button", name="Saya telah membaca dan memahami").click()
    page.wait_for_load_state()
    assert page.get_by_text("Telah membaca dan memahami").count() == 1
    walk.shot(page, "reader-acknowledged")

    second, url2 = draft_and_submit(walk, "Batas lampiran menjadi 15 MB")
    assert second == 2
    review(walk, second, url2)
    approve(walk, second, url2)

    page = walk.open_revision("pembaca", first)
    assert page.locator("h1 .badge").inner_text().strip().lower() == "kedaluwarsa"
    assert "KEDALUWARSA" in page.locator("p.banner").inner_text()
    walk.shot(page, "rev1-obsolete")
    page.goto(f"{app.url}/verifikasi/{hash1}/")
    assert "TIDAK BERLAKU" in page.locator("section.verify").inner_text()
    walk.shot(page, "verify-rev1-obsolete")
    page = walk.open_procedure("pembaca")  # the reader has not acknowledged revision 2 yet
    assert "15 MB" in page.locator("article.document").inner_text()
    assert page.get_by_role("button", name="Saya telah membaca dan memahami").count() == 1
    walk.shot(page, "reader-procedure-rev2")

    assert walk.n >= 20
    assert walk.csp == [], walk.csp
    assert walk.errors == [], walk.errors

    # The watch above can see a violation: an inline script injected now is refused and reported.
    page.evaluate("() => { const s = document.createElement('script');"
                  " s.textContent = 'window.injected = 1'; document.head.appendChild(s); }")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected") is None
    assert len(walk.csp) == 1 and "inline" in walk.csp[0], walk.csp
