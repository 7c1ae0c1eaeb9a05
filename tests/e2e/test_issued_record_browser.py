"""A new procedure from the wizard to a signed, issued copy whose record a user can check, in Chromium.

The author (penyusun) creates a procedure with the wizard *Prosedur baru*, fixes the lint errors of the
wizard's draft in the structured editor and sends revision 0 to two reviewers; both agree; the approver
(pengesah) signs with the password. Before signing, the draft's PDF says "diisi saat pengesahan" and
"SALINAN TIDAK TERKENDALI". After signing the PDF, DOCX and SOP PDF are downloaded through the browser
and their text (pdftotext; the DOCX through LibreOffice) must show the control record: the approver's
full name and NIP, the signing date and time the web page shows, Revisi 0; the document and the DOCX
also Tgl. Terbit = today (dd-mm-yyyy) and both reviewers. The PermenPAN-RB SOP prints its dates in words
(Tanggal Pembuatan, Tanggal Efektif) and names only the approver, as that format does.

The PDF's PAdES signature validates against the demo CA the server trusts (`PROSEDUR_VAR_DIR`/signing,
written by `seed_demo`; conftest sets no `PROSEDUR_SIGNING_*`) and names the certificate as signer;
uploading it on the public verification page (the address printed under the QR code) says it is a
genuine issued copy; a copy with one byte of a text string changed (the title in the document
information, inside the signed range; same length, QR untouched) is reported as not genuine.

Screenshots, the downloads and their extracted text go to artifacts/e2e/issued-record/.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from prosedur import pades

from .conftest import App

ZONE = ZoneInfo(os.environ.get("PROSEDUR_TIME_ZONE", "Asia/Jakarta"))
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "e2e" / "issued-record"
TITLE = "Layanan Peminjaman Proyektor Rapat"
REVIEWERS = {"pemeriksa": "Agus Prasetyo", "pemeriksa2": "Sari Handayani"}
APPROVER = ("Dr. Bambang Hermawan", "196909251996031001")
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]
STEPS = [  # (actor label in the wizard, action, decision)
    ("Pengguna Layanan", "Mengajukan permohonan peminjaman proyektor", False),
    ("Staf Bidang IKI", "Memeriksa ketersediaan proyektor pada jadwal yang diminta", True),
    ("Staf Bidang IKI", "Menyerahkan proyektor kepada pengguna dan mencatat peminjaman", False),
]


class Session:
    """One browser context per user, numbered screenshots, page errors collected."""

    def __init__(self, app: App, browser: Any):
        self.app, self.browser = app, browser
        self.pages: dict[str, Any] = {}
        self.n = 0
        self.errors: list[str] = []
        SHOTS.mkdir(parents=True, exist_ok=True)
        for old in [*SHOTS.glob("*.png"), *SHOTS.glob("*.txt"), *SHOTS.glob("*.pdf"), *SHOTS.glob("*.docx")]:
            old.unlink()

    def page_for(self, who: str) -> Any:
        if who not in self.pages:
            context = self.browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900},
                                               accept_downloads=True)
            context.set_default_timeout(20_000)
            page = context.new_page()
            page.on("pageerror", lambda exc, w=who: self.errors.append(f"{w}: {exc}"))
            page.on("console", lambda msg, w=who: self.errors.append(f"{w}: {msg.text}")
                    if msg.type == "error" else None)
            page.goto(self.app.url + "/")
            if who != "anonim":
                page.get_by_label("Nama pengguna").fill(who)
                page.get_by_label("Kata sandi").fill(self.app.password)
                page.get_by_role("button", name="Masuk").click()
                page.wait_for_url(re.compile(r"/$"))
            self.pages[who] = page
        return self.pages[who]

    def shot(self, page: Any, name: str) -> Path:
        self.n += 1
        path = SHOTS / f"{self.n:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


def flash(page: Any) -> str:
    return page.locator("ul.messages").inner_text() if page.locator("ul.messages").count() else ""


def pdf_text(data: bytes, folder: Path, name: str) -> str:
    (SHOTS / name).write_bytes(data)  # kept next to the screenshots
    path = folder / name
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60)
    return out.stdout.decode("utf-8")


def docx_text(data: bytes, folder: Path) -> str:
    """The DOCX as LibreOffice prints it (headers and footers included), through pdftotext."""
    path = folder / "issued.docx"
    path.write_bytes(data)
    (SHOTS / path.name).write_bytes(data)
    profile = folder / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder / "lo"), str(path)], capture_output=True, check=True, timeout=120)
    return pdf_text((folder / "lo" / "issued.pdf").read_bytes(), folder, "issued-docx.pdf")


def check_pdf(data: bytes, roots: list[Any]) -> pades.PdfCheck:
    """`prosedur.pades.check_pdf` in a thread of its own: pyHanko's validation runs an asyncio loop, which
    cannot start in this thread while Playwright's synchronous API keeps its own loop here."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(pades.check_pdf, data, roots).result(timeout=60)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def download(page: Any, link_name: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.locator("p.downloads").get_by_role("link", name=link_name, exact=True).click()
    dl = info.value
    return dl.suggested_filename, Path(dl.path()).read_bytes()


def tamper(data: bytes) -> bytes:
    """Change a few bytes of a text string the document carries (the title in the document information),
    same length so the file still parses; the QR code and the signature bytes stay as they are."""
    old = TITLE.encode("ascii")
    assert old in data, "the title is not stored as plain text in the PDF"
    new = TITLE.replace("Proyektor", "Proyektir").encode("ascii")
    assert len(new) == len(old)
    return data.replace(old, new, 1)


def server_today() -> dt.date:
    """Today where the server signs (its `TIME_ZONE`: `PROSEDUR_TIME_ZONE`, Asia/Jakarta by default)."""
    return dt.datetime.now(ZONE).date()


def test_issued_record_from_the_wizard_to_verification(app: App, browser: Any, tmp_path: Path) -> None:
    if not (shutil.which("pdftotext") and shutil.which("soffice")):
        pytest.skip("pdftotext and LibreOffice are needed to read the downloads")
    s = Session(app, browser)
    today = server_today()
    printed_today = today.strftime("%d-%m-%Y")
    long_today = f"{today.day} {MONTHS[today.month - 1]} {today.year}"

    # -- the wizard, as the author ---------------------------------------------------------------------
    page = s.page_for("penyusun")
    page.get_by_role("link", name="Prosedur baru").click()
    page.wait_for_url(re.compile(r"/prosedur/baru/"))
    number = re.search(r"Nomor yang akan dipakai: (P\.SMLTI \d+)", page.content()).group(1)  # type: ignore[union-attr]
    page.get_by_label("Judul").fill(TITLE)
    page.get_by_label("Tujuan").fill("Meminjamkan proyektor rapat kepada unit kerja secara tertib")
    page.get_by_label("Unit pemilik").select_option("pusdatin")
    s.shot(page, "wizard-1")
    page.get_by_role("button", name="Lanjut").click()
    page.wait_for_url(re.compile(r"langkah=2"))
    page.get_by_label(re.compile(r"Pengguna Layanan pengguna$")).check()
    page.get_by_label(re.compile(r"Staf Bidang IKI staf_iki$")).check()
    s.shot(page, "wizard-2")
    page.get_by_role("button", name="Lanjut").click()
    page.wait_for_url(re.compile(r"langkah=3"))
    for i, (actor, action, decision) in enumerate(STEPS, start=1):
        page.get_by_label(f"Pelaksana {i}", exact=True).select_option(label=actor)
        page.get_by_label(f"Kegiatan {i}", exact=True).fill(action)
        if decision:
            page.get_by_label(f"Keputusan {i}", exact=True).check()
            page.get_by_label(f"Label cabang lanjut {i}", exact=True).fill("Tersedia")
            page.get_by_label(f"Label cabang kembali {i}", exact=True).fill("Tidak tersedia")
    s.shot(page, "wizard-3")
    page.get_by_role("button", name="Buat draf").click()
    page.wait_for_url(re.compile(r"/revisi/\d+/penyunting/$"))
    editor_url = page.url
    revision_url = editor_url.replace("penyunting/", "")
    assert number in page.locator("h1").inner_text() and "Rev. 0" in page.locator("h1").inner_text()

    # -- fix the draft's lint errors in the structured editor -------------------------------------------
    errors = page.locator("#preview ul.findings li.sev-error")
    found = errors.all_inner_texts()
    s.shot(page, "editor-wizard-draft")
    codes = sorted({t.split()[0] for t in found})
    assert codes, "the wizard's draft has no lint errors: nothing for the editor to fix"

    def saved(action: Any) -> None:
        with page.expect_response(lambda r: "/penyunting/simpan/" in r.url) as resp:
            action()
        assert resp.value.status == 200, resp.value.text()[:2000]
        # the response arrives before htmx has swapped it in and bound the new form: wait for that too,
        # or the next change event goes to an element htmx does not listen on yet
        page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")

    def field(selector: str, value: str) -> None:
        box = page.locator(selector)
        saved(lambda: (box.fill(value), box.press("Tab")))
        assert "Tersimpan" in page.locator("#editor-status").inner_text(), page.locator("#editor-status").inner_text()

    if page.locator("#preview ul.findings li.sev-error", has_text="“Ruang lingkup › Mencakup”").count():
        field("#ed-scope_includes", "Peminjaman proyektor untuk rapat di lingkungan kantor pusat")
        field("#ed-scope_excludes", "Peminjaman perangkat lain selain proyektor")
    if page.locator("#preview ul.findings li.sev-error", has_text="“Acuan”").count():
        saved(lambda: page.get_by_role("button", name="+ Tambah acuan").click())
        page.locator("#ed-ref-0-kind").wait_for()
        saved(lambda: page.locator("#ed-ref-0-kind").select_option("standard"))
        field("#ed-ref-0-id", "SNI ISO/IEC 20000-1:2018")
        field("#ed-ref-0-title", "Sistem manajemen layanan teknologi informasi")
    if page.locator("#preview ul.findings li.sev-error", has_text="“Rekaman”").count():
        saved(lambda: page.get_by_role("button", name="+ Tambah rekaman").click())
        page.locator("#ed-record-0-id").wait_for()
        field("#ed-record-0-id", f"F.{number.split('.', 1)[1]}-01")
        field("#ed-record-0-name", "Formulir peminjaman proyektor")
        saved(lambda: page.locator("#ed-record-0-form").check())
        saved(lambda: page.locator("#ed-record-0-owner").select_option(label="Staf Bidang IKI"))
        field("#ed-record-0-storage", "Lemari arsip Bidang IKI")
        field("#ed-record-0-retention", "2 tahun")
        field("#ed-record-0-disposition", "Dimusnahkan")
    remaining = page.locator("#preview ul.findings li.sev-error").all_inner_texts()
    s.shot(page, "editor-fixed")
    assert remaining == [], f"before: {found}\nafter: {remaining}"

    # -- submit to both reviewers ------------------------------------------------------------------------
    page.goto(revision_url)
    page.get_by_role("link", name="Ajukan untuk ditinjau").click()
    page.wait_for_url(re.compile(r"/ajukan/$"))
    for name in REVIEWERS.values():
        page.get_by_label(re.compile(re.escape(name))).check()
    page.get_by_role("button", name="Ajukan untuk ditinjau").click()
    page.wait_for_url(revision_url)
    assert "Diajukan" in flash(page), page.locator("div.errors").all_inner_texts()

    for username in REVIEWERS:
        rp = s.page_for(username)
        rp.goto(revision_url)
        rp.get_by_label("Setuju").check()
        rp.fill("#id_note", "Sesuai")
        with rp.expect_navigation():
            rp.get_by_role("button", name="Kirim keputusan").click()
        row = rp.locator("section.review tr", has_text=REVIEWERS[username])
        assert "Setuju" in row.inner_text(), rp.locator("section.review").inner_text()

    # -- before signing: the draft's PDF is an uncontrolled copy with the dates still to be filled ------
    page.goto(revision_url)
    _, draft_pdf = download(page, "PDF")
    draft = flat(pdf_text(draft_pdf, tmp_path, "draft.pdf"))
    assert "diisi saat pengesahan" in draft, draft[:3000]
    assert "SALINAN TIDAK TERKENDALI" in draft, draft[:3000]

    # -- the approver signs with the password --------------------------------------------------------------
    ap = s.page_for("pengesah")
    ap.goto(revision_url)
    assert ap.locator("ul.blockers").count() == 0, ap.locator("ul.blockers").inner_text()
    ap.get_by_role("link", name="Sahkan").click()
    ap.wait_for_url(re.compile(r"/sahkan/$"))
    assert ap.get_by_label("Tanggal efektif").input_value() == today.isoformat()
    ap.get_by_label("Kata sandi").fill(app.password)
    s.shot(ap, "approve-form")
    ap.get_by_role("button", name="Sahkan").click()
    ap.wait_for_url(revision_url)
    assert "disahkan" in flash(ap), ap.locator("div.errors").all_inner_texts()
    assert ap.locator("h1 .badge").inner_text().strip().lower() == "berlaku"
    signatures = ap.locator("section.signatures")
    signatures.scroll_into_view_if_needed()
    s.shot(ap, "effective-approval-block")
    assert APPROVER[0] in signatures.inner_text()
    content_hash = signatures.locator("code.hash").first.inner_text().strip()
    signed = re.search(r"oleh (.+?), (.+?), NIP (\d+), pada (\d+ \w+ \d{4}) pukul (\d\d\.\d\d\.\d\d) WIB",
                       flat(signatures.inner_text()))
    assert signed, signatures.inner_text()
    assert (signed.group(1), signed.group(3), signed.group(4)) == (APPROVER[0], APPROVER[1], long_today)
    signed_time = f"pukul {signed.group(5)} WIB"

    # -- the issued copies, downloaded through the browser -----------------------------------------------
    ap.reload()
    names: dict[str, str] = {}
    names["pdf"], issued_pdf = download(ap, "PDF")
    names["sop"], sop_pdf = download(ap, "SOP (PDF)")
    names["docx"], docx = download(ap, "DOCX")
    texts = {"PDF": flat(pdf_text(issued_pdf, tmp_path, "issued.pdf")),
             "SOP PDF": flat(pdf_text(sop_pdf, tmp_path, "sop.pdf")),
             "DOCX": flat(docx_text(docx, tmp_path))}
    for kind, text in texts.items():
        (SHOTS / f"{kind.lower().replace(' ', '-')}.txt").write_text(text, encoding="utf-8")
        assert "diisi saat pengesahan" not in text and "TIDAK TERKENDALI" not in text, f"{kind}:\n{text[:4000]}"
        assert "SALINAN TERKENDALI" in text, f"{kind}:\n{text[:4000]}"
        assert re.search(r"Revisi\W*0\b", text), f"{kind}: Revisi 0\n{text[:4000]}"
        missing = [want for want in (APPROVER[0], APPROVER[1], long_today, signed_time) if want not in text]
        assert not missing, f"{kind} lacks {missing}:\n{text[:4000]}"
    # the ISO/TR 10013 document and its DOCX: the control table and the approval block with the reviewers
    for kind in ("PDF", "DOCX"):
        text = texts[kind]
        assert re.search(rf"Tgl\. Terbit\W*{re.escape(printed_today)}", text), f"{kind}: Tgl. Terbit\n{text[:4000]}"
        missing = [name for name in REVIEWERS.values() if name not in text]
        assert not missing, f"{kind} lacks the reviewers {missing}:\n{text[:4000]}"
    # the PermenPAN-RB SOP: its identity table has the dates in words and only the approver (no reviewers)
    sop = texts["SOP PDF"]
    assert re.search(rf"Tanggal Pembuatan\W*{long_today}", sop), sop[:3000]
    assert re.search(rf"Tanggal Efektif\W*{long_today}", sop), sop[:3000]
    assert f"NIP. {APPROVER[1]} {long_today} {signed_time}" in sop, sop[:3000]

    # -- the PAdES signature, checked as the server checks it ---------------------------------------------
    signing_dir = app.db.parent / "signing"  # the server's PROSEDUR_VAR_DIR (conftest) / signing
    assert not os.environ.get("PROSEDUR_SIGNING_P12") and not os.environ.get("PROSEDUR_SIGNING_TRUST")
    roots = pades.load_trust_roots([signing_dir / pades.DEMO_CA_NAME])
    identity = pades.load_identity(signing_dir / pades.DEMO_P12_NAME, pades.DEMO_PASSPHRASE)
    for kind, data in (("PDF", issued_pdf), ("SOP PDF", sop_pdf)):
        check = check_pdf(data, roots)
        assert check.ok, (kind, check.messages())
        assert check.content_hash == content_hash
        assert check.signer_name == identity.common_name and identity.common_name, check.signer_name
        assert check.signed_at is not None and check.signed_at.astimezone(ZONE).date() == today
    assert not check_pdf(draft_pdf, roots).signed

    # -- the public verification page, reached by the QR code's address ------------------------------------
    verify_url = re.search(r"https?://\S+/verifikasi/[0-9a-f]{64}/", texts["PDF"])
    assert verify_url and verify_url.group(0) == f"{app.url}/verifikasi/{content_hash}/", texts["PDF"][:3000]
    pub = s.page_for("anonim")  # anyone holding the copy: no account
    pub.goto(verify_url.group(0))
    assert "BERLAKU" in pub.locator("section.verify").inner_text().upper()
    pub.get_by_label("Berkas PDF").set_input_files(
        files=[{"name": names["pdf"], "mimeType": "application/pdf", "buffer": issued_pdf}])
    with pub.expect_navigation():
        pub.get_by_role("button", name="Periksa").click()
    verdict = pub.locator(".verify-verdict").inner_text()
    s.shot(pub, "verify-genuine")
    assert "SALINAN ASLI" in verdict and "BUKAN" not in verdict, verdict
    assert identity.common_name in verdict and content_hash in verdict and number in verdict, verdict

    forged = tamper(issued_pdf)
    (SHOTS / "tampered.pdf").write_bytes(forged)
    assert forged != issued_pdf and check_pdf(forged, roots).signed
    assert not check_pdf(forged, roots).ok
    pub.goto(verify_url.group(0))
    pub.get_by_label("Berkas PDF").set_input_files(
        files=[{"name": "salinan-diubah.pdf", "mimeType": "application/pdf", "buffer": forged}])
    with pub.expect_navigation():
        pub.get_by_role("button", name="Periksa").click()
    verdict = pub.locator(".verify-verdict").inner_text()
    s.shot(pub, "verify-tampered")
    assert "BUKAN salinan asli" in verdict and "SALINAN ASLI yang" not in verdict, verdict
    assert "diubah setelah ditandatangani" in verdict, verdict
    assert s.errors == [], s.errors
