"""PDF: real page counters, marks on every page, deterministic bytes, and a fetcher that reads only our files."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from prosedur.model import Library, Procedure, Status
from prosedur.render.fetch import TEMPLATES, FetchRefused, SafeFetcher
from prosedur.render.pdf import html_to_pdf, render_pdf


def pages_text(pdf: bytes, tmp: Path, mode: str = "-layout") -> list[str]:
    path = tmp / "doc.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", mode, str(path), "-"], check=True, capture_output=True, text=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def rotated_text(page: str) -> str:
    """pdftotext gives diagonal text one glyph per line; join those glyphs back into words."""
    return "".join(line.strip() for line in page.splitlines() if len(line.strip()) == 1)


def page_count(pdf: bytes, tmp: Path) -> int:
    path = tmp / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.M)
    assert match
    return int(match.group(1))


@pytest.fixture(scope="module")
def draft_uncontrolled(email: Procedure, sample_library: Library) -> bytes:
    proc = email.model_copy(update={"status": Status.DRAFT})
    return render_pdf(proc, sample_library, controlled=False, content_hash="ab" * 32,
                      verify_url="https://prosedur.example/v/1")


@pytest.fixture(scope="module")
def effective(email: Procedure, sample_library: Library) -> bytes:
    return render_pdf(email, sample_library)


def test_page_x_of_y_on_every_page(effective: bytes, tmp_path: Path) -> None:
    pages = pages_text(effective, tmp_path)
    total = page_count(effective, tmp_path)
    assert total == len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"Halaman\s+{number} dari {total}\b", text), text[:400]
        assert "P.SMLTI 19" in text and "23-11-2018" in text


def test_draft_watermark_and_uncontrolled_footer_on_every_page(draft_uncontrolled: bytes, tmp_path: Path) -> None:
    pages = pages_text(draft_uncontrolled, tmp_path, "-raw")
    assert len(pages) == page_count(draft_uncontrolled, tmp_path)
    for text in pages:
        assert "SALINAN TIDAK TERKENDALI" in text
        assert "DRAF" in rotated_text(text)
        assert "abababab" in text


def test_effective_has_no_marks(effective: bytes, tmp_path: Path) -> None:
    pages = pages_text(effective, tmp_path, "-raw")
    assert not any("DRAF" in rotated_text(p) or "TIDAK TERKENDALI" in p for p in pages)


def test_output_is_deterministic(effective: bytes, email: Procedure, sample_library: Library) -> None:
    assert render_pdf(email, sample_library) == effective


def test_metadata_dates_come_from_the_issue_date(effective: bytes, tmp_path: Path) -> None:
    path = tmp_path / "meta.pdf"
    path.write_bytes(effective)
    info = subprocess.run(["pdfinfo", "-isodates", str(path)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^CreationDate:\s+2018-11-23T00:00:00", info, re.M)
    assert re.search(r"^ModDate:\s+2018-11-23T00:00:00", info, re.M)


def test_pages_rendered_for_review(draft_uncontrolled: bytes, effective: bytes, artifacts: Path) -> None:
    out = artifacts / "pdf"
    out.mkdir(exist_ok=True)
    for name, pdf in (("p-smlti-19-draf-salinan", draft_uncontrolled), ("p-smlti-19", effective)):
        (out / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(out / f"{name}.pdf"), str(out / name)], check=True)
    assert list(out.glob("p-smlti-19-*.png"))


# -- the fetcher -----------------------------------------------------------------------------------
@pytest.fixture()
def roots(tmp_path: Path) -> tuple[Path, Path]:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    (lib / "link.svg").symlink_to("/etc/passwd")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    return lib, outside


def test_fetcher_reads_files_inside_the_roots(roots: tuple[Path, Path]) -> None:
    lib, _ = roots
    url, body, mime = SafeFetcher([lib]).open_bytes((lib / "logo.svg").as_uri())
    assert body.startswith(b"<svg") and mime == "image/svg+xml" and url.endswith("/logo.svg")
    _, css, _ = SafeFetcher([TEMPLATES]).open_bytes((TEMPLATES / "document.css").as_uri())
    assert b"@page" in css


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.com/logo.png",
        "ftp://127.0.0.1/x",
        "data:image/svg+xml;base64,PHN2Zy8+",
        "file://evil.example/etc/passwd",
        "FILE:///etc/passwd",
    ],
)
def test_fetcher_refuses_foreign_urls(roots: tuple[Path, Path], url: str) -> None:
    lib, _ = roots
    fetcher = SafeFetcher([lib])
    with pytest.raises(FetchRefused):
        fetcher.open_bytes(url)
    assert fetcher.refused == [url]


def test_fetcher_refuses_dotdot_and_symlink_escapes(roots: tuple[Path, Path]) -> None:
    lib, outside = roots
    fetcher = SafeFetcher([lib])
    for url in (f"file://{lib}/../secret.txt", (lib / "link.svg").as_uri(), outside.as_uri(),
                f"file://{lib}/%2e%2e/secret.txt", f"file://{lib}/logo.svg?x=1"):
        with pytest.raises(FetchRefused):
            fetcher.open_bytes(url)


def test_weasyprint_never_reads_a_foreign_file(roots: tuple[Path, Path], tmp_path: Path) -> None:
    lib, outside = roots
    html = (f'<p>ok</p><img src="{outside.as_uri()}"><img src="file:///etc/passwd">'
            f'<img src="http://127.0.0.1:9/x.png"><img src="{(lib / "logo.svg").as_uri()}">'
            f'<link rel="stylesheet" href="http://127.0.0.1:9/x.css">')
    from prosedur.render import fetch as fetch_module

    seen: list[str] = []
    original = fetch_module.SafeFetcher.open_bytes

    def spy(self: SafeFetcher, url: str) -> tuple[str, bytes, str]:
        try:
            result = original(self, url)
        except FetchRefused:
            seen.append("refused " + url)
            raise
        seen.append("read " + url)
        return result

    fetch_module.SafeFetcher.open_bytes = spy  # type: ignore[method-assign]
    try:
        pdf = html_to_pdf(html, library_root=lib)
    finally:
        fetch_module.SafeFetcher.open_bytes = original  # type: ignore[method-assign]
    assert pdf.startswith(b"%PDF")
    assert f"read {(lib / 'logo.svg').as_uri()}" in seen
    assert {s for s in seen if s.startswith("read ")} == {f"read {(lib / 'logo.svg').as_uri()}"}
    assert "refused file:///etc/passwd" in seen and any("127.0.0.1" in s for s in seen)


# -- speed measures that must not change the output ------------------------------------------------
def test_flowchart_svgs_become_images_other_svgs_stay_inline() -> None:
    from prosedur.render.pdf import svgs_as_images

    flow = ('<svg xmlns="http://www.w3.org/2000/svg" class="flowchart" width="10mm" height="5mm">'
            '<title id="t">A &amp; B "x"</title><text x="1" y="2">&lt;b&gt;</text></svg>')
    qr = '<svg xmlns="http://www.w3.org/2000/svg" class="segno"><path d="M0 0h1"/></svg>'
    html, store = svgs_as_images(f"<p>{flow}</p>{qr}<div>{flow}</div>", ["flowchart"])
    assert store == [flow, flow]
    assert qr in html and "<text" not in html
    assert '<img class="flowchart" src="prosedur-svg:0" alt="A &amp; B &quot;x&quot;">' in html
    assert 'src="prosedur-svg:1"' in html
    assert svgs_as_images(flow, []) == (flow, [])


def test_in_memory_resources_answer_only_their_exact_urls(tmp_path: Path) -> None:
    from prosedur.render.fetch import fetcher_for

    fetcher = fetcher_for(tmp_path, {"prosedur-svg:0": (b"<svg/>", "image/svg+xml")})
    assert fetcher("prosedur-svg:0").read() == b"<svg/>"
    for url in ("prosedur-svg:1", "prosedur-svg:0/../x", "file:///etc/passwd"):
        with pytest.raises(FetchRefused):
            fetcher(url)


def _bbox_words(pdf: bytes, tmp: Path) -> dict[str, tuple[float, float, float, float]]:
    path = tmp / "bbox.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)
    return {w[4]: (float(w[0]), float(w[1]), float(w[2]), float(w[3])) for w in words}


@pytest.mark.parametrize("svg_as_image", [(), ("flowchart",)])
def test_svg_text_is_placed_by_its_anchor(svg_as_image: tuple[str, ...], tmp_path: Path) -> None:
    """One run per <text> must keep WeasyPrint's placement: start, middle and end anchors at x."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" class="flowchart" width="200pt" height="100pt" '
           'viewBox="0 0 200 100" style="font-family: DejaVu Sans; font-size: 10px">'
           '<text x="100" y="20">Mulai</text>'
           '<text x="100" y="50" text-anchor="middle">Tengah</text>'
           '<text x="100" y="80" text-anchor="end">Akhir</text></svg>')
    html = f"<style>@page {{ size: 300pt 200pt; margin: 0 }} body {{ margin: 0 }}</style>{svg}"
    words = _bbox_words(html_to_pdf(html, library_root=None, svg_as_image=svg_as_image), tmp_path)
    assert abs(words["Mulai"][0] - 100) < 1.5
    assert abs((words["Tengah"][0] + words["Tengah"][2]) / 2 - 100) < 1.5
    assert abs(words["Akhir"][2] - 100) < 1.5
    assert words["Mulai"][3] < words["Tengah"][1] < words["Tengah"][3] < words["Akhir"][1]


def test_per_letter_positions_still_work(tmp_path: Path) -> None:
    """Text the fast path does not cover (a list of x) goes through WeasyPrint's own drawing."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="200pt" height="60pt" viewBox="0 0 200 60">'
           '<text x="10 60 110" y="30" style="font-size: 10px">ABC</text></svg>')
    words = _bbox_words(html_to_pdf(f"<style>@page {{ margin: 0 }}</style>{svg}", library_root=None), tmp_path)
    xs = sorted(box[0] for word, box in words.items() if word in "ABC")
    assert len(xs) == 3 and xs[1] - xs[0] > 40 and xs[2] - xs[1] > 40


def test_render_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    assert gc.isenabled()
    html_to_pdf("<p>x</p>", library_root=None)
    assert gc.isenabled()
    gc.disable()
    try:
        html_to_pdf("<p>x</p>", library_root=None)
        assert not gc.isenabled()
    finally:
        gc.enable()
