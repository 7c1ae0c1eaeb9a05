"""`prosedur build`: the static site, its master list, and incremental rebuilds by fingerprint."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from prosedur.cli import cli
from prosedur.render.chromium import chromium_executable
from prosedur.site.build import MANIFEST, build, resolve_engine, slug


@pytest.fixture()
def library_copy(tmp_path: Path, sample_path: Path) -> Path:
    root = tmp_path / "lib"
    shutil.copytree(sample_path, root)
    return root


def test_slug_is_safe_for_paths() -> None:
    assert slug("P.SMLTI 19") == "p-smlti-19"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert "/" not in slug("a/b\\c")


def test_site_has_master_list_and_a_page_per_procedure(library_copy: Path, tmp_path: Path, sample_library) -> None:
    out = tmp_path / "site"
    report = build(library_copy, out, formats=["html"], langs=["id", "en"])
    assert not report.failed
    assert len(report.built) == 2 * len(sample_library.procedures)
    index = (out / "index.html").read_text(encoding="utf-8")
    for proc in sample_library.procedures:
        assert proc.number in index
        page = out / "p" / slug(proc.number) / "index.html"
        assert page.is_file()
        assert (out / "en" / "p" / slug(proc.number) / "index.html").is_file()
        assert (out / "p" / slug(proc.number) / "dokumen.html").is_file()
    email = (out / "p" / "p-smlti-19" / "index.html").read_text(encoding="utf-8")
    assert "<svg" in email and "Kepala PUSDATIN" in email
    assert "Daftar Induk Dokumen" in index
    assert "Master List of Documents" in (out / "en" / "index.html").read_text(encoding="utf-8")
    search = (out / "search-index.js").read_text(encoding="utf-8")
    entries = json.loads(search.split("=", 1)[1].rstrip().rstrip(";"))
    assert {e["n"] for e in entries} == {p.number for p in sample_library.procedures}


def test_second_build_skips_everything_and_touching_one_rebuilds_one(library_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = build(library_copy, out, formats=["html"], langs=["id"])
    assert first.built and not first.skipped
    second = build(library_copy, out, formats=["html"], langs=["id"])
    assert second.built == []
    assert len(second.skipped) == len(first.built)
    source = library_copy / "prosedur" / "p-smlti-19-pengelolaan-email.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Menjamin pembuatan", "Memastikan pembuatan"), encoding="utf-8")
    third = build(library_copy, out, formats=["html"], langs=["id"])
    assert third.built == ["id:P.SMLTI 19"]
    assert "Memastikan pembuatan" in (out / "p" / "p-smlti-19" / "index.html").read_text(encoding="utf-8")


def test_a_new_title_also_rebuilds_the_procedures_that_print_it(
    library_copy: Path, tmp_path: Path, sample_library
) -> None:
    out = tmp_path / "site"
    build(library_copy, out, formats=["html"], langs=["id"])
    source = library_copy / "prosedur" / "p-smlti-19-pengelolaan-email.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("title: Pengelolaan Email", "title: Pengelolaan Surel"),
                      encoding="utf-8")
    report = build(library_copy, out, formats=["html"], langs=["id"])
    citing = {
        f"id:{p.number}" for p in sample_library.procedures
        if "P.SMLTI 19" in p.related or any(r.id == "P.SMLTI 19" for r in p.references)
    }
    assert set(report.built) == {"id:P.SMLTI 19"} | citing
    assert "Pengelolaan Surel" in (out / "index.html").read_text(encoding="utf-8")


def test_a_withdrawn_procedure_leaves_the_site(library_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(library_copy, out, formats=["html"], langs=["id"])
    assert (out / "p" / "p-smlti-19").is_dir()
    (library_copy / "prosedur" / "p-smlti-19-pengelolaan-email.yaml").unlink()
    build(library_copy, out, formats=["html"], langs=["id"])
    assert not (out / "p" / "p-smlti-19").exists()
    assert "P.SMLTI 19" not in (out / "index.html").read_text(encoding="utf-8")


def test_user_text_is_escaped_in_site_pages(library_copy: Path, tmp_path: Path) -> None:
    source = library_copy / "prosedur" / "p-smlti-19-pengelolaan-email.yaml"
    text = source.read_text(encoding="utf-8").replace(
        "title: Pengelolaan Email", "title: \"Email <script>alert(1)</script> & <b onmouseover=x>\""
    )
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    report = build(library_copy, out, formats=["html"], langs=["id"])
    assert not report.failed
    for page in (out / "index.html", out / "p" / "p-smlti-19" / "index.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html
        assert "<b onmouseover" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<\\/script>" in (out / "search-index.js").read_text(encoding="utf-8")


def test_cli_build_reports_and_writes_manifest(library_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(cli, ["build", str(library_copy), "--out", str(out), "-j", "1",
                                      "--formats", "html", "--langs", "id"])
    assert result.exit_code == 0, result.output
    assert "dibangun" in result.output
    assert (out / MANIFEST).is_file()
    bad = CliRunner().invoke(cli, ["build", str(library_copy), "--out", str(out), "--formats", "html,xls"])
    assert bad.exit_code == 2
    assert "xls" in bad.output


@pytest.mark.slow
def test_parallel_build_of_every_format(library_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    for file in sorted((library_copy / "prosedur").glob("*.yaml"))[2:]:
        file.unlink()  # two procedures keep this under a few seconds
    report = build(library_copy, out, jobs=2, langs=["id"])
    assert not report.failed, report.failed
    for key in report.built:
        folder = out / "p" / slug(key.split(":", 1)[1])
        name = folder.name
        for file in (f"{name}.pdf", f"{name}.docx", f"{name}-sop.pdf", f"{name}-sop.html", "dokumen.html"):
            assert (folder / file).stat().st_size > 1000, file
        assert (folder / f"{name}.pdf").read_bytes().startswith(b"%PDF")


def _producer(pdf: Path) -> str:
    import subprocess

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Producer:")), "")


def _chromium_processes(mark: str) -> int:
    """Chromium processes started from this test: those whose environment carries `mark` (inherited from the
    build's workers; an orphaned browser keeps it too), never another build's browsers on the same machine."""
    count = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            if b"chrom" not in cmdline or b"headless" not in cmdline:
                continue
            if f"PROSEDUR_TEST_MARK={mark}".encode() in (proc / "environ").read_bytes().split(b"\0"):
                count += 1
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return count


@pytest.mark.slow
@pytest.mark.skipif(resolve_engine("auto") != "chromium", reason="Chromium not installed")
def test_chromium_engine_in_parallel_workers_then_weasyprint_rebuilds(library_copy: Path, tmp_path: Path) -> None:
    """auto takes Chromium: one browser per worker, closed when the pool ends; asking for WeasyPrint
    afterwards rebuilds every PDF (the engine is in the fingerprint)."""
    out = tmp_path / "site"
    for file in sorted((library_copy / "prosedur").glob("*.yaml"))[3:]:
        file.unlink()
    mark = os.urandom(8).hex()
    os.environ["PROSEDUR_TEST_MARK"] = mark
    try:
        report = build(library_copy, out, jobs=2, formats=["pdf", "sop"], langs=["id", "en"])
        assert _chromium_processes(mark) == 0, "every browser closed when the pool ended"
    finally:
        del os.environ["PROSEDUR_TEST_MARK"]
    assert not report.failed, report.failed
    assert report.pdf_engine == "chromium" and len(report.built) == 6  # > 2 x jobs: the pool ran it
    pdfs = sorted(out.rglob("*.pdf"))
    assert len(pdfs) == 12
    assert all(_producer(p).startswith("Skia/PDF") for p in pdfs)
    again = build(library_copy, out, jobs=2, formats=["pdf", "sop"], langs=["id", "en"])
    assert again.built == [] and len(again.skipped) == 6
    weasy = build(library_copy, out, jobs=1, formats=["pdf", "sop"], langs=["id"], pdf_engine="weasyprint")
    assert len(weasy.built) == 3
    assert all(_producer(p).startswith("WeasyPrint") for p in (out / "p").rglob("*.pdf"))
    with pytest.raises(ValueError, match="unknown PDF engine"):
        build(library_copy, out, pdf_engine="prince")


@pytest.mark.slow
def test_docx_builds_draw_no_flowchart_rasters(
    library_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The DOCX flowchart is Word shapes (render/drawingml.py): a build rasterises only the logo, once,
    and an edit of a step's wording draws nothing (bench/bench_docx.py --routes has the numbers)."""
    from prosedur.render import raster
    from prosedur.site.build import RASTERS

    out = tmp_path / "site"
    files = sorted((library_copy / "prosedur").glob("*.yaml"))
    for file in files[2:]:
        file.unlink()
    drawn: list[str] = []
    real = raster.svg_to_png
    monkeypatch.setattr(raster, "svg_to_png", lambda svg, dpi=150: drawn.append(svg) or real(svg, dpi))
    report = build(library_copy, out, jobs=1, formats=["docx", "sop"], langs=["id"])
    assert not report.failed and len(report.built) == 2
    assert len(set((out / RASTERS).glob("*.png"))) == 1  # the library's SVG logo
    assert all("<svg" in svg and 'class="flowchart"' not in svg for svg in drawn)
    docx = next((out / "p").rglob("*[0-9].docx"))
    with zipfile.ZipFile(docx) as z:
        assert "<wpg:wgp>" in z.read("word/document.xml").decode()
    sop = next((out / "p").rglob("*-sop.docx"))  # sop + docx: the SOP in Word too, linked from its page
    assert f'href="{sop.name}"' in (sop.parent / "index.html").read_text(encoding="utf-8")
    drawn.clear()
    target = files[0]
    text = target.read_text(encoding="utf-8")
    step_text = next(line for line in text.splitlines() if line.strip().startswith("do:"))
    target.write_text(text.replace(step_text, step_text + " (ubah)", 1), encoding="utf-8")
    again = build(library_copy, out, jobs=1, formats=["docx", "sop"], langs=["id"])
    assert len(again.built) == 1 and drawn == []


def test_raster_cache_redraws_a_damaged_file(tmp_path: Path) -> None:
    from prosedur.render.raster import RasterCache, png_size

    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="48"><rect width="96" height="48"/></svg>'
    cache = RasterCache(tmp_path / "png", "salt")
    first = cache(svg, 96)
    path = tmp_path / "png" / f"{cache.key(svg, 96)}.png"
    assert path.read_bytes() == first
    path.write_bytes(first[: len(first) // 2])  # a crash mid-write, or a damaged disk
    assert cache(svg, 96) == first and png_size(first) == (96, 48)
    assert RasterCache(tmp_path / "png", "other code").key(svg, 96) != cache.key(svg, 96)
    assert cache.prune(set()) == 1 and not list((tmp_path / "png").glob("*.png"))


def test_auto_falls_back_to_weasyprint_when_chromium_cannot_start(
    library_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken Chromium must not fail a build that did not ask for it by name; asked by name, it does."""
    for file in sorted((library_copy / "prosedur").glob("*.yaml"))[1:]:
        file.unlink()
    monkeypatch.setenv("PROSEDUR_CHROMIUM", "/bin/false")  # "starts", exits at once
    out = tmp_path / "site"
    report = build(library_copy, out, jobs=1, formats=["pdf"], langs=["id"])
    assert report.pdf_engine == "weasyprint" and not report.failed and len(report.built) == 1
    assert report.notes and "WeasyPrint" in report.notes[0]
    assert _producer(next((out / "p").rglob("*.pdf"))).startswith("WeasyPrint")
    monkeypatch.delenv("PROSEDUR_CHROMIUM")
    if chromium_executable():  # Chromium works again: those PDFs are made again by it
        healed = build(library_copy, out, jobs=1, formats=["pdf"], langs=["id"])
        assert healed.pdf_engine == "chromium" and len(healed.built) == 1 and not healed.notes
        assert _producer(next((out / "p").rglob("*.pdf"))).startswith("Skia/PDF")
    monkeypatch.setenv("PROSEDUR_CHROMIUM", "/bin/false")
    named = build(library_copy, tmp_path / "named", jobs=1, formats=["pdf"], langs=["id"], pdf_engine="chromium")
    assert named.failed and not named.built
    result = CliRunner().invoke(cli, ["build", str(library_copy), "--out", str(tmp_path / "cli"), "-j", "1",
                                      "--formats", "pdf", "--langs", "id"])
    assert result.exit_code == 0 and "WeasyPrint" in result.output
    monkeypatch.setenv("PROSEDUR_CHROMIUM", str(tmp_path / "no-such-browser"))
    missing = CliRunner().invoke(cli, ["build", str(library_copy), "--out", str(tmp_path / "cli"),
                                       "--pdf-engine", "chromium", "--formats", "pdf"])
    assert missing.exit_code == 2 and "Chromium not found" in missing.output and "Traceback" not in missing.output
