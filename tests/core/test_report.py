"""Printable coverage and register reports (HTML/PDF) and the Markdown matrix for docs/coverage.md."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from prosedur.iso20000 import RegisterKind, coverage, register
from prosedur.iso20000.report import (
    coverage_html,
    coverage_markdown,
    coverage_pdf,
    coverage_summary_markdown,
    register_html,
)
from prosedur.model import Library

DAY = dt.date(2026, 3, 2)
EVIL = '<img src=x onerror="alert(1)"> | *tebal*'


@pytest.fixture
def evil_library(sample_library: Library) -> Library:
    lib = sample_library.model_copy(deep=True)
    proc = lib.procedure("P.SMLTI 19")
    assert proc is not None
    proc.title = EVIL
    proc.records[0].name = EVIL
    return lib


def test_coverage_html_escapes_and_calls_out_861(evil_library: Library) -> None:
    evil_library.info.organisation = EVIL
    html = coverage_html(coverage(evil_library), evil_library, generated=DAY, lang="id")
    assert "&lt;img src=x" in html and "<img src=x" not in html
    assert '<div class="callout">Klausul 8.6.1 (insiden mayor)' in html
    assert DAY.isoformat() in html


def test_register_html_escapes_user_text(evil_library: Library) -> None:
    html = register_html(register(evil_library, RegisterKind.RECORDS), evil_library, generated=DAY, lang="en")
    assert "&lt;img src=x" in html and "<img src=x" not in html
    assert "Records register" in html


def test_markdown_lists_gaps_and_escapes_cells(evil_library: Library, sample_library: Library) -> None:
    cov = coverage(sample_library)
    md = coverage_markdown(cov, lang="id")
    for gap in cov.gaps:
        assert f"| {gap.clause.number} |" in md
    assert md.count("\n| 8.6.1 |") == 1
    evil = coverage_markdown(coverage(evil_library), lang="id")
    assert "\\<img" in evil and not re.search(r"(?<!\\)<img", evil)  # a backslash makes '<' literal
    assert "\\|" in evil and "tebal" in evil and not re.search(r"(?<!\\)\*tebal", evil)  # markers: plain text


def test_docs_coverage_md_is_current(sample_library: Library) -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "coverage.md"
    assert doc.read_text(encoding="utf-8") == coverage_markdown(coverage(sample_library), lang="id"), \
        "regenerate with: python scripts/coverage_md.py"


def test_readme_shows_the_current_coverage_gaps(sample_library: Library) -> None:
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- coverage:start -->", 1)[1].split("<!-- coverage:end -->", 1)[0]
    cov = coverage(sample_library)
    assert section.strip() == ("\n".join(coverage_summary_markdown(cov, lang="id", heading="###"))
                               + "\n\nFull matrix: [docs/coverage.md](docs/coverage.md).").strip(), \
        "regenerate with: python scripts/coverage_md.py"
    for gap in cov.gaps:
        assert f"| {gap.clause.number} |" in section


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
def test_coverage_pdf_is_readable(sample_library: Library, tmp_path: Path) -> None:
    cov = coverage(sample_library)
    pdf = coverage_pdf(cov, sample_library, generated=DAY, lang="en")
    assert pdf.startswith(b"%PDF")
    (tmp_path / "c.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "c.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "coverage matrix" in text and "8.6.1" in text and "Page 1 /" in text
