"""ISO/TR 10013 HTML: sections in order, the control header, marks, and only our own assets."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from prosedur.model import Library, Procedure, Status
from prosedur.render.html import fit_svg, render_html

SECTION_ORDER = [
    "purpose", "scope", "definitions", "references", "responsibilities", "activities", "narrative",
    "measurements", "records", "attachments", "related", "clauses", "approval", "history",
]


class Outline(HTMLParser):
    """Section ids in document order, header cell texts, img sources, and every tag seen."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.imgs: list[str] = []
        self.tags: list[str] = []
        self._cls: list[str] = []
        self.values: dict[str, str] = {}
        self._value_key: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "section" and a.get("id"):
            self.sections.append(a["id"] or "")
        if tag == "img":
            self.imgs.append(a.get("src") or "")
        cls = a.get("class") or ""
        for key in ("doc-no", "doc-rev", "doc-issued"):
            if key in cls.split():
                self._value_key = key

    def handle_data(self, data: str) -> None:
        if self._value_key:
            self.values[self._value_key] = data.strip()
            self._value_key = None


def _outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def html(email: Procedure, sample_library: Library) -> str:
    return render_html(email, sample_library)


def test_sections_in_iso_10013_order(html: str) -> None:
    assert _outline(html).sections == SECTION_ORDER


def test_control_header_values(html: str, email: Procedure) -> None:
    values = _outline(html).values
    assert values == {"doc-no": "P.SMLTI 19", "doc-rev": "0", "doc-issued": "23-11-2018"}
    assert "PENGELOLAAN EMAIL" in html.upper()
    assert "Badan Standardisasi Nasional" in html


def test_content_from_every_section(html: str) -> None:
    for text in ("Menjamin pembuatan", "Tidak mencakup", "Alert system", "Perpres 95/2018",
                 "Dasar Hukum", "Memutus koneksi email", "20 MB", "Form Kesediaan Mematuhi",
                 "Selama akun aktif + 2 tahun", "Tata Cara Pencadangan", "P.SMLTI 21", "8.7.3.2",
                 "197805122005012003", "Penerbitan awal", "Jika Ya, lanjut ke langkah 7"):
        assert text in html, text


def test_flowchart_is_inline_svg_scaled_to_the_page(html: str) -> None:
    sizes = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="flowchart"[^>]*width="([\d.]+)mm" height="([\d.]+)mm"', html)
    assert sizes
    assert all(float(w) <= 180.0 and float(h) <= 226.0 for w, h in sizes)


def test_fit_svg_keeps_aspect_ratio() -> None:
    svg = '<svg xmlns="x" width="180mm" height="300mm" viewBox="0 0 10 10"></svg>'
    out = fit_svg(svg, 180, 150)
    assert 'width="90.00mm" height="150.00mm"' in out
    assert fit_svg('<svg width="10mm" height="10mm">', 180, 150) == '<svg width="10mm" height="10mm">'


def test_english(email: Procedure, sample_library: Library) -> None:
    html = render_html(email, sample_library, lang="en")
    assert "EMAIL MANAGEMENT" in html.upper() and "Change History" in html and "Head of PUSDATIN" in html


def test_watermark_only_on_draft_and_obsolete(email: Procedure, sample_library: Library, html: str) -> None:
    assert 'class="watermark"' not in html
    draft = render_html(email.model_copy(update={"status": Status.DRAFT}), sample_library)
    assert re.search(r'class="watermark"[^>]*>DRAF<', draft)
    old = render_html(email.model_copy(update={"status": Status.OBSOLETE}), sample_library, lang="en")
    assert re.search(r'class="watermark"[^>]*>OBSOLETE<', old)


def test_uncontrolled_copy_hash_and_no_unbacked_qr(email: Procedure, sample_library: Library, html: str) -> None:
    assert "SALINAN TIDAK TERKENDALI" not in html
    digest = "0123456789abcdef" * 4
    out = render_html(email, sample_library, controlled=False, content_hash=digest,
                      verify_url="https://prosedur.example/v/P.SMLTI-19?h=1&x=<2>")
    assert "SALINAN TIDAK TERKENDALI" in out and digest in out
    # a record read from the source is not backed by a signature of record: no QR, no verify link
    assert 'class="qr"' not in out and "prosedur.example" not in out


def test_signed_record_prints_qr_escaped(email: Procedure, sample_library: Library) -> None:
    import datetime as dt

    from prosedur.integrity import SignatureMeaning
    from prosedur.record import ControlRecord, Origin, Party

    at = dt.datetime(2026, 12, 2, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    record = ControlRecord(revision=0, origin=Origin.LIFECYCLE, issued=at.date(), effective=at.date(),
                           approved=Party(SignatureMeaning.DISAHKAN, "Ir. Budi", "Kepala", "1970", at=at),
                           content_hash="ab" * 32, verify_url="https://prosedur.example/v/?h=1&x=<2>")
    out = render_html(email, sample_library, record=record)
    assert 'class="qr"' in out and "<path" in out.split('class="qr"')[1][:3000]
    assert "x=<2>" not in out and "x=&lt;2&gt;" in out
    assert "2 Desember 2026 pukul 09.15.00 WIB (UTC+07:00)" in out and "Disahkan secara elektronik" in out


def test_logo_is_inlined_as_image_data(html: str) -> None:
    imgs = _outline(html).imgs
    assert len(imgs) == 1 and imgs[0].startswith("data:image/svg+xml;base64,")


@pytest.mark.parametrize("logo", ["/etc/passwd", "../../../../etc/passwd", "aset/../../../etc/hostname"])
def test_logo_outside_the_library_is_dropped(email: Procedure, sample_library: Library, logo: str) -> None:
    info = sample_library.info.model_copy(update={"logo": logo})
    library = sample_library.model_copy(update={"info": info})
    assert _outline(render_html(email, library)).imgs == []


def test_symlinked_logo_escaping_the_library_is_dropped(email: Procedure, sample_library: Library, tmp_path: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "logo.svg").symlink_to("/etc/hostname")
    info = sample_library.info.model_copy(update={"logo": "logo.svg"})
    library = sample_library.model_copy(update={"info": info, "root": root})
    assert _outline(render_html(email, library)).imgs == []
