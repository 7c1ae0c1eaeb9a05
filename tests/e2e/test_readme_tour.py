"""The README's five-minute tour of the web app, followed literally in Chromium.

The tour is read from README.md ("## Five-minute tour", the paragraph "**The web app**") and cut into
its steps at the commas and semicolons outside parentheses. Each step must match one of the phrases
below, which says what a person does for it; a step the test does not understand fails the test, so
an edited README is followed as written or fails. The app is prepared the way `./scripts/run` does it
(migrate, `seed_demo` on the whole sample library, DEBUG demo settings) and the passwords are the ones
`seed_demo` prints.

Nothing is done that the README does not say. Each person starts at http://127.0.0.1:8000-equivalent
(the server's root) and afterwards only clicks links and buttons by their visible names and fills in
fields by their labels; the one address typed in is `/verifikasi/<hash>/`, which the README gives. The
only navigation the README leaves implicit is finding the thing a step acts on from the *Daftar Induk
Dokumen* every user lands on: P.SMLTI 19's row links the procedure and the revision in progress. The
checks at the end (obsolete, watermark, verification) read pages; they do not change anything.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .conftest import CHROMIUM, chromium_browser, running_server

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SEED_DEMO = ROOT / "src" / "prosedur_web" / "procedures" / "management" / "commands" / "seed_demo.py"
SHOTS = ROOT / "artifacts" / "e2e-tour"
CHANGE = "Batas lampiran menjadi 10 MB"


# -- the README ---------------------------------------------------------------------------------------
def web_app_paragraph() -> str:
    """The tour's "**The web app**" paragraph, its lines joined."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Five-minute tour", 1)[1].split("\n## ", 1)[0]
    paragraph = next(p for p in section.split("\n\n") if p.startswith("**The web app**"))
    return " ".join(paragraph.split())


def split_steps(text: str) -> list[str]:
    """Cut at `,` `;` `.` followed by a space (or the end), outside parentheses; drop a leading "and "."""
    steps, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch in ",;." and depth == 0 and (i + 1 == len(text) or text[i + 1] == " "):
            steps.append(text[start:i].strip())
            start = i + 1
    steps.append(text[start:].strip())
    return [re.sub(r"^and ", "", s) for s in steps if s]


def tour_steps() -> tuple[list[str], list[str]]:
    """(demo user names the README lists, the walk's steps from "Sign in as" to "says so")."""
    paragraph = web_app_paragraph()
    users_part = re.search(r"The demo users, one per role, are printed with their passwords: (.*?)\. Sign in", paragraph)
    assert users_part, "README: the sentence naming the demo users and their passwords is missing"
    walk = re.search(r"(Sign in as .*? says so\.)", paragraph)
    assert walk, "README: the tour from 'Sign in as' to '... says so.' is missing"
    return re.findall(r"`(\w+)`", users_part.group(1)), split_steps(walk.group(1))


def demo_names() -> dict[str, str]:
    """username -> full name of the demo users, read from seed_demo.py (without importing Django)."""
    tree = ast.parse(SEED_DEMO.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "DEMO_USERS":
            names = {}
            for item in node.value.elts:  # type: ignore[union-attr]
                spec = {k.value: v for k, v in zip(item.keys, item.values, strict=True)}  # type: ignore[attr-defined]
                names[spec["username"].value] = spec["full_name"].value
            return names
    raise AssertionError("DEMO_USERS not found in seed_demo.py")


def test_the_readme_names_its_steps() -> None:
    """Without a browser: the README paragraph is there and every step is one the tour knows."""
    users, steps = tour_steps()
    assert users == ["penyusun", "pemeriksa", "pengesah", "pengendali", "pembaca", "admin"]
    unknown = [s for s in steps if Tour.action_for(s) is None]
    assert not unknown, f"README tour steps the test does not know how to do: {unknown}"
    assert len(steps) >= 10


# -- the app, as ./scripts/run prepares it ------------------------------------------------------------
@dataclass
class Demo:
    url: str
    passwords: dict[str, str]
    log: Path


def parse_passwords(output: str) -> dict[str, str]:
    """`seed_demo`'s table: '  penyusun    Xy7...   author, reader' under 'Pengguna demo'."""
    table = output.split("Pengguna demo", 1)[1].splitlines()[1:]
    rows = [line.split() for line in table if line.startswith("  ") and len(line.split()) >= 3]
    return {row[0]: row[1] for row in rows}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (scripts/setup installs it)")
    var = tmp_path_factory.mktemp("tour")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROSEDUR_", "DJANGO_"))}
    env.update({"PROSEDUR_DEBUG": "1", "PROSEDUR_VAR_DIR": str(var), "PYTHONPATH": str(ROOT / "src")})
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True, timeout=180)
    seeded = subprocess.run([*manage, "seed_demo"], env=env, cwd=ROOT, check=True, timeout=300,
                            capture_output=True, text=True)
    passwords = parse_passwords(seeded.stdout)
    with running_server(env, var / "server.log") as url:
        yield Demo(url, passwords, var / "server.log")


@pytest.fixture(scope="module")
def chromium(demo: Demo) -> Iterator[Any]:
    with chromium_browser() as browser:
        yield browser


# -- the walk -----------------------------------------------------------------------------------------
@dataclass
class Tour:
    demo: Demo
    browser: Any
    names: dict[str, str]
    pages: dict[str, Any] = field(default_factory=dict)
    user: str = ""
    revision_url: str = ""
    old_copy: str = ""
    done: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    n: int = 0

    # phrase of the README -> method; the named groups are the method's arguments
    PHRASES: tuple[tuple[str, str], ...] = (
        (r"Sign in as `(?P<user>\w+)`", "sign_in"),
        (r"open (?P<number>P\.SMLTI \d+) on the \*(?P<listing>[^*]+)\*", "open_procedure"),
        (r"start a \*revisi\* \(\*(?P<button>[^*]+)\*\)", "start_revision"),
        (r"edit it in the structured editor \(the lint findings and the flowchart update as you type\)", "edit"),
        (r"describe the change in \*(?P<section>[^*]+)\*", "describe_change"),
        (r"send it to `(?P<user>\w+)` \(\*(?P<link>[^*]+)\*\)", "send_to"),
        (r"sign in as `(?P<user>\w+)` to comment and agree", "comment_and_agree"),
        (r"as `(?P<user>\w+)` to mark the comment resolved \(\*(?P<button>[^*]+)\*\)", "resolve"),
        (r"as `(?P<user>\w+)` to sign with your password", "sign"),
        (r"as `(?P<user>\w+)` to acknowledge", "acknowledge"),
        (r"The old revision is now obsolete", "old_is_obsolete"),
        (r"watermarked", "old_is_watermarked"),
        (r"`/verifikasi/<hash>/` says so", "verification_says_so"),
    )

    @classmethod
    def action_for(cls, step: str) -> tuple[str, dict[str, str]] | None:
        for pattern, method in cls.PHRASES:
            match = re.fullmatch(pattern, step)
            if match:
                return method, match.groupdict()
        return None

    def follow(self, step: str) -> None:
        found = self.action_for(step)
        assert found is not None, f"README step not understood: {step!r}"
        method, args = found
        getattr(self, method)(**args)
        self.done.append(step)

    # helpers
    @property
    def page(self) -> Any:
        return self.pages[self.user]

    def shot(self, name: str) -> None:
        self.n += 1
        self.page.screenshot(path=str(SHOTS / f"{self.n:02d}-{self.user}-{name}.png"), full_page=True)

    def flash(self) -> str:
        messages = self.page.locator("ul.messages")
        return messages.inner_text() if messages.count() else ""

    def master_list(self) -> None:
        """Where every person lands: the root, the Daftar Induk Dokumen."""
        self.page.goto(self.demo.url + "/")
        self.page.get_by_role("heading", name="Daftar Induk Dokumen").wait_for()

    def row_of(self, number: str) -> Any:
        return self.page.locator("tr", has=self.page.get_by_role("link", name=re.compile(rf"^{re.escape(number)}\b")))

    def open_revision_in_progress(self) -> None:
        """From the master list, P.SMLTI 19's row links its revision in progress."""
        self.master_list()
        self.row_of("P.SMLTI 19").get_by_role("link", name=re.compile(r"^Rev\. \d+:")).click()
        self.page.wait_for_url(self.revision_url)

    # the README's steps
    def sign_in(self, user: str) -> None:
        if user not in self.pages:
            context = self.browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 900})
            context.set_default_timeout(20_000)
            page = context.new_page()
            page.on("pageerror", lambda exc, who=user: self.errors.append(f"{who}: {exc}"))
            page.on("console", lambda msg, who=user: self.errors.append(f"{who}: {msg.text}")
                    if msg.type == "error" else None)
            self.pages[user] = page
            self.user = user
            page.goto(self.demo.url + "/")
            page.get_by_label("Nama pengguna").fill(user)
            page.get_by_label("Kata sandi").fill(self.demo.passwords[user])
            page.get_by_role("button", name="Masuk").click()
            page.wait_for_url(re.compile(r"/$"))
        self.user = user
        self.master_list()
        self.shot("master-list")

    def open_procedure(self, number: str, listing: str) -> None:
        self.page.get_by_role("heading", name=listing).wait_for()
        self.row_of(number).get_by_role("link", name=re.compile(rf"^{re.escape(number)}\b")).first.click()
        self.page.wait_for_url(re.compile(r"/prosedur/\d+/$"))
        assert number in self.page.locator("h1").inner_text()
        self.shot("procedure")

    def start_revision(self, button: str) -> None:
        self.page.get_by_role("button", name=button).click()
        self.page.wait_for_url(re.compile(r"/revisi/\d+/penyunting/$"))
        self.revision_url = self.page.url.replace("penyunting/", "")
        assert "Penyunting terstruktur" in self.page.locator("h1").inner_text()
        assert "Rev. 1" in self.page.locator("h1").inner_text()

    def _preview_after(self, type_text: Callable[[], None]) -> None:
        with self.page.expect_response(lambda r: "/penyunting/pratinjau/" in r.url and r.status == 200):
            type_text()

    def edit(self) -> None:
        from playwright.sync_api import expect

        page = self.page
        findings, flowchart = page.locator("#preview ul.findings"), page.locator("#preview .flowchart svg")
        activity = page.get_by_label("Kegiatan", exact=True).nth(2)  # the third step: the account is made
        old = activity.input_value()
        assert old.startswith("Membuat akun email") and old.split()[0] in flowchart.inner_html()
        # clear it: the checker reports a step without an activity, the flowchart drops the text
        activity.click()
        self._preview_after(lambda: (page.keyboard.press("Control+A"), page.keyboard.press("Backspace")))
        expect(findings).to_contain_text("P204")
        self.shot("editor-step-cleared")
        # type the new text: the finding goes, the flowchart shows the new words
        self._preview_after(lambda: activity.press_sequentially("Menyiapkan akun email sesuai permintaan"))
        expect(page.locator("#preview")).not_to_contain_text("P204")
        expect(flowchart).to_contain_text("Menyiapkan")
        # the change itself: the attachment limit, a parameter
        value = page.locator("#ed-parameters").get_by_role("textbox", name="Nilai").nth(1)
        assert page.locator("#ed-parameters").get_by_role("textbox", name="Id").nth(1).input_value() == "batas_lampiran"
        value.fill("10")
        value.press("Tab")  # leaving the field saves it
        expect(page.locator("#editor-status")).to_contain_text("Tersimpan")
        self.shot("editor-edited")

    def describe_change(self, section: str) -> None:
        from playwright.sync_api import expect

        page = self.page
        box = page.locator("fieldset", has=page.locator("legend", has_text=section))
        expect(page.locator("#preview ul.findings")).to_contain_text("P211")  # the row is there, empty
        what = box.get_by_label("Apa yang berubah")
        what.click()
        self._preview_after(lambda: what.press_sequentially(CHANGE))
        expect(page.locator("#preview")).not_to_contain_text("P211")
        what.press("Tab")
        expect(page.locator("#editor-status")).to_contain_text("Tersimpan")
        self.shot("editor-described")

    def send_to(self, user: str, link: str) -> None:
        page = self.page
        page.get_by_role("link", name=link).first.click()
        page.wait_for_url(re.compile(r"/ajukan/$"))
        page.get_by_label(re.compile(re.escape(self.names[user]))).check()
        self.shot("submit")
        with page.expect_navigation():
            page.get_by_role("button", name=link).click()
        refused = page.locator("div.errors")
        assert page.url == self.revision_url, refused.inner_text() if refused.count() else page.content()[:3000]
        assert "Diajukan" in self.flash()

    def comment_and_agree(self, user: str) -> None:
        self.sign_in(user)
        self.open_revision_in_progress()
        page = self.page
        comment = "Mohon sebutkan juga batas lampiran di langkah pembuatan akun."
        page.get_by_role("textbox", name="Tambah komentar").fill(comment)
        page.get_by_role("button", name="Tambah komentar").click()
        page.locator("#comment-list article.comment", has_text=comment).wait_for()
        page.get_by_label("Setuju").check()
        self.shot("review")
        page.get_by_role("button", name="Kirim keputusan").click()
        page.wait_for_load_state()
        assert page.locator("section.review").get_by_text("Setuju").count() >= 1

    def resolve(self, user: str, button: str) -> None:
        self.sign_in(user)
        self.open_revision_in_progress()
        self.page.locator("#comment-list").get_by_role("button", name=button).click()
        self.page.locator("#comment-list article.comment.resolved").wait_for()
        self.shot("resolved")

    def sign(self, user: str) -> None:
        self.sign_in(user)
        self.open_revision_in_progress()
        page = self.page
        blockers = page.locator("ul.blockers")
        assert blockers.count() == 0, blockers.inner_text()
        page.get_by_role("link", name="Sahkan").click()
        page.wait_for_url(re.compile(r"/sahkan/$"))
        page.get_by_label("Kata sandi").fill(self.demo.passwords[user])
        self.shot("approve")
        page.get_by_role("button", name="Sahkan").click()
        page.wait_for_url(self.revision_url)
        assert "disahkan" in self.flash(), page.content()[:3000]
        assert page.locator("h1 .badge").inner_text().strip().lower() == "berlaku"
        self.shot("effective")

    def acknowledge(self, user: str) -> None:
        self.sign_in(user)
        self.open_procedure("P.SMLTI 19", "Daftar Induk Dokumen")
        page = self.page
        assert "10 MB" in page.locator("article.document").inner_text()
        page.get_by_role("button", name="Saya telah membaca dan memahami").click()
        page.wait_for_load_state()
        assert page.get_by_text("Telah membaca dan memahami").count() >= 1
        self.shot("acknowledged")

    # the checks: pages are read, nothing changes
    def old_is_obsolete(self) -> None:
        page = self.page  # still the reader
        page.locator("section.history").get_by_role("link", name="0", exact=True).click()
        page.wait_for_url(re.compile(r"/revisi/\d+/$"))
        assert page.locator("h1 .badge").inner_text().strip().lower() == "kedaluwarsa"
        self.shot("old-revision")

    def old_is_watermarked(self) -> None:
        assert "KEDALUWARSA" in self.page.locator("p.banner").inner_text()  # on the page
        # and on its copies: the printed SOP of the old revision carries the watermark (people who work
        # on documents may download obsolete copies; readers may not)
        old_url = self.page.url
        page = self.pages["penyusun"]
        page.goto(old_url)
        href = page.get_by_role("link", name="SOP (HTML)").get_attribute("href")
        response = page.context.request.get(self.demo.url + href)
        assert response.ok, response.status
        self.old_copy = response.text()
        assert re.search(r'class="watermark"[^>]*>\s*KEDALUWARSA', self.old_copy), self.old_copy[:2000]

    def verification_says_so(self) -> None:
        match = re.search(r"/verifikasi/([0-9a-f]{64})/", self.old_copy)
        assert match, "the old copy carries no verification address"
        page = self.page
        page.goto(f"{self.demo.url}/verifikasi/{match.group(1)}/")
        assert "TIDAK BERLAKU" in page.locator("section.verify").inner_text()
        self.shot("verification")


def test_the_readme_tour_in_the_browser(demo: Demo, chromium: Any) -> None:
    users, steps = tour_steps()
    assert set(users) <= set(demo.passwords), f"seed_demo did not print every README user: {demo.passwords}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    tour = Tour(demo, chromium, demo_names())
    for step in steps:
        tour.follow(step)
    assert tour.done == steps
    assert tour.errors == [], tour.errors
