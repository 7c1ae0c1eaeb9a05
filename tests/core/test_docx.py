"""The DOCX: real Word structure, live page fields, the same content as the document view, no injection.

Two LibreOffice conversions in total (one module fixture): the worked example and a hostile procedure.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.shared import Mm, Pt
from pydantic import BaseModel

from prosedur.load import load_library
from prosedur.model import Library, Procedure, Status
from prosedur.render.document import document_view
from prosedur.render.docx import clean, render_docx
from prosedur.render.labels import label
from prosedur.render.raster import png_size, svg_to_png

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PAYLOAD = "<b>&amp;]]><script>alert(1)</script>\x00\x07\x1b\ufffe'\"&lt;"
PAYLOAD_VISIBLE = "<b>&amp;]]><script>alert(1)</script>'\"&lt;"
# Fields that are identifiers or cross-references, not prose: a payload there would only break links.
NOT_PROSE = {"id", "actor", "to", "next", "owner", "unit", "file", "language", "parent"}

ORDER_ID = [
    "Tujuan", "Ruang Lingkup", "Definisi", "Acuan", "Tanggung Jawab dan Wewenang", "Deskripsi Kegiatan",
    "Pengukuran", "Rekaman", "Lampiran", "Keterkaitan", "Klausul ISO/IEC 20000-1:2018", "Pengesahan",
    "Riwayat Perubahan",
]


def _open(data: bytes) -> Any:
    return Document(io.BytesIO(data))


def _paragraphs(doc: Any) -> list[Any]:
    """Every body paragraph in reading order, those in the section frames' cells included."""
    from docx.text.paragraph import Paragraph

    return [Paragraph(p, doc) for p in doc.element.body.iter(f"{W}p")]


def _headings(doc: Any, level: int) -> list[str]:
    return [p.text for p in _paragraphs(doc) if p.style.name == f"Heading {level}"]


def _header_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/header"))


def _all_text(doc: Any) -> str:
    """Body paragraphs, every table cell, header and footer: everything a reader sees as text."""
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in doc.sections:
        for part in (section.header, section.footer):
            parts.extend(p.text for p in part.paragraphs)
            for table in part.tables:
                for row in table.rows:
                    parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture(scope="module")
def email_docx(email: Procedure, sample_library: Library) -> bytes:
    return render_docx(email, sample_library, content_hash="sha256:0123abcd")


# ---------------------------------------------------------------------------------------------
# structure


def test_sections_are_numbered_headings_in_iso_order(email_docx: bytes) -> None:
    doc = _open(email_docx)
    assert _headings(doc, 1) == ORDER_ID
    h2 = _headings(doc, 2)
    # activity subsections in the printed order, flowchart before the narrative
    for earlier, later in [("Ketentuan", "Pengendalian"), ("Peringatan", "Diagram Alir"),
                           ("Diagram Alir", "Uraian Prosedur")]:
        assert h2.index(earlier) < h2.index(later)
    assert "Dasar Hukum" in h2


def test_headings_are_numbered_by_word_list_numbering(email_docx: bytes) -> None:
    """Numbers live in the Heading styles' multilevel list, so Word renumbers after an edit."""
    with zipfile.ZipFile(io.BytesIO(email_docx)) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
        numbering = z.read("word/numbering.xml").decode("utf-8")
    for style_id, level in (("Heading1", 0), ("Heading2", 1)):
        start = styles.index(f'w:styleId="{style_id}"')
        block = styles[start:styles.index("</w:style>", start)]
        assert f'<w:ilvl w:val="{level}"/>' in block and "<w:numId " in block
    assert '<w:lvlText w:val="%1."/>' in numbering and '<w:lvlText w:val="%1.%2"/>' in numbering
    # every abstractNum precedes every num (schema order)
    assert numbering.rindex("<w:abstractNum ") < numbering.index("<w:num ")


def test_page_is_a4_portrait_with_the_pdfs_body_size(email_docx: bytes) -> None:
    doc = _open(email_docx)
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    # the PDF's page box (paper.document_page), so a page holds as much in both (within Word's twips)
    assert abs(section.left_margin - Mm(15)) < Mm(0.1) and abs(section.right_margin - Mm(15)) < Mm(0.1)
    assert abs(section.top_margin - Mm(40)) < Mm(0.1) and abs(section.bottom_margin - Mm(22)) < Mm(0.1)
    assert doc.styles["Normal"].font.size == Pt(9.5)  # document.css: html { font-size: 9.5pt }
    assert any(t.style is not None and t.style.name == "Table Grid" for t in doc.tables)


def test_header_is_a_doc_control_table_with_live_page_fields(email_docx: bytes, email: Procedure) -> None:
    doc = _open(email_docx)
    header = doc.sections[0].header
    assert len(header.tables) == 1
    cells = {c.text for row in header.tables[0].rows for c in row.cells}
    text = "\n".join(cells)
    for expected in ("BADAN STANDARDISASI NASIONAL", "PENGELOLAAN EMAIL", "No. Dok.", email.number,
                     "Revisi", "Tgl. Terbit", "23-11-2018", "Halaman", "dari"):
        assert expected in text, expected
    xml = _header_xml(email_docx)
    assert xml.count('w:fldCharType="begin"') == 2
    assert xml.count('w:fldCharType="separate"') == 2
    assert xml.count('w:fldCharType="end"') == 2
    assert "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>" in xml
    assert "<w:instrText xml:space=\"preserve\"> NUMPAGES </w:instrText>" in xml


def test_footer_shows_copy_status_and_hash(email: Procedure, sample_library: Library, email_docx: bytes) -> None:
    footer = "\n".join(p.text for p in _open(email_docx).sections[0].footer.paragraphs)
    assert label("controlled") in footer and "sha256:0123abcd" in footer
    uncontrolled = render_docx(email, sample_library, controlled=False)
    footer = "\n".join(p.text for p in _open(uncontrolled).sections[0].footer.paragraphs)
    assert label("uncontrolled") in footer and "sha256" not in footer


def test_watermark_only_on_draft_and_obsolete(email: Procedure, sample_library: Library,
                                              email_docx: bytes) -> None:
    assert "v:textpath" not in _header_xml(email_docx)
    for status, word in ((Status.DRAFT, "DRAF"), (Status.OBSOLETE, "KEDALUWARSA")):
        data = render_docx(email.model_copy(update={"status": status}), sample_library)
        xml = _header_xml(data)
        assert f'string="{word}"' in xml  # the VML WordArt watermark
        assert word in [p.text for p in _open(data).sections[0].header.paragraphs]  # and a visible line


def test_narrative_names_the_actor_in_bold_and_spells_out_decisions(email_docx: bytes,
                                                                    email: Procedure,
                                                                    sample_library: Library) -> None:
    doc = _open(email_docx)
    view = document_view(email, sample_library)
    step_pars = {}
    for p in _paragraphs(doc):
        head = p.text.split("\t", 1)[0]
        if head.endswith(".") and head[:-1].isdigit() and p.runs and len(p.runs) > 1 and p.runs[1].bold:
            step_pars[int(head[:-1])] = p
    assert sorted(step_pars) == [s.number for s in view.steps]
    for step in view.steps:
        p = step_pars[step.number]
        assert p.runs[1].text == step.actor
    assert "Kepala PUSDATIN menugaskan Bidang IKI" in step_pars[2].text
    decision = next(s for s in view.steps if s.is_decision)
    ya = next(e for e in decision.exits if e.label == "Ya")
    tidak = next(e for e in decision.exits if e.label == "Tidak")
    assert (f"Jika Ya, lanjut ke langkah {ya.target_number}; "
            f"jika Tidak, kembali ke langkah {tidak.target_number}.") in step_pars[decision.number].text


def test_parameters_are_substituted(email_docx: bytes) -> None:
    text = _all_text(_open(email_docx))
    assert "20 MB" in text and "5 MB" in text and "{{" not in text


def test_flowchart_is_embedded_as_images_on_the_png_route(email: Procedure, sample_library: Library) -> None:
    data = render_docx(email, sample_library, flowchart="png")
    doc = _open(data)
    assert len(doc.inline_shapes) >= 1
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        media = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
    width = max(png_size(m)[0] for m in media if m.startswith(b"\x89PNG"))
    assert width > 1000  # ~200 dpi, not a thumbnail


def test_flowchart_is_drawn_as_word_shapes_by_default(email_docx: bytes) -> None:
    """The default: every flowchart page a DrawingML group (no picture of it), its text real text."""
    with zipfile.ZipFile(io.BytesIO(email_docx)) as z:
        xml = z.read("word/document.xml").decode()
    groups = xml.count("<wpg:wgp>")
    assert groups >= 1 and xml.count("<wps:wsp>") > 20 * groups
    assert "<pic:pic" not in xml  # no picture in the body (the logo lives in the header part)
    assert "Mulai" in xml or "Menerima" in xml


def test_approval_and_history_tables(email_docx: bytes, email: Procedure) -> None:
    text = _all_text(_open(email_docx))
    for person in [email.approval.prepared, *email.approval.reviewed, email.approval.approved]:
        assert person is not None
        assert person.name in text and person.position in text and (person.nip or "") in text
    for key in ("prepared_by", "reviewed_by", "approved_by"):
        assert label(key) in text
    assert "12 November 2018" in text and "Penerbitan awal" in text


def test_english_labels(email: Procedure, sample_library: Library) -> None:
    doc = _open(render_docx(email, sample_library, lang="en"))
    h1 = _headings(doc, 1)
    assert h1[0] == "Purpose" and h1[-1] == "Change History"
    header = "\n".join(c.text for row in doc.sections[0].header.tables[0].rows for c in row.cells)
    assert "Doc. No." in header and "Page" in header and "EMAIL MANAGEMENT" in header
    assert "Head of PUSDATIN" in _all_text(doc)


def test_logo_from_library_is_in_the_header(tmp_path: Path, sample_path: Path) -> None:
    root = tmp_path / "lib"
    shutil.copytree(sample_path, root)
    (root / "aset").mkdir(exist_ok=True)
    (root / "aset" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="60">'
        '<circle cx="30" cy="30" r="28" fill="#1f3a5f"/></svg>'
    )
    library, problems = load_library(root)
    assert not problems
    proc = library.procedure("P.SMLTI 19")
    assert proc is not None
    xml = _header_xml(render_docx(proc, library))
    assert "<a:blip" in xml


def test_no_stale_template_thumbnail(email_docx: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(email_docx)) as z:
        assert not [n for n in z.namelist() if "thumbnail" in n]


def test_empty_procedure_still_renders(sample_library: Library) -> None:
    proc = Procedure(number="P.SMLTI 99", title="Kosong")
    doc = _open(render_docx(proc, None))
    assert len(_headings(doc, 1)) == len(ORDER_ID)
    assert label("none") in _all_text(doc)


# ---------------------------------------------------------------------------------------------
# hostile text


def _poison(model: BaseModel) -> None:
    """Prefix the payload to every prose string in `model`, recursively (no re-validation)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, Enum):
            continue
        if isinstance(value, str) and name not in NOT_PROSE:
            setattr(model, name, PAYLOAD + value)
        elif isinstance(value, list):
            new = []
            for item in value:
                if isinstance(item, BaseModel):
                    _poison(item)
                    new.append(item)
                elif isinstance(item, str) and name not in {"related", "records"}:
                    new.append(PAYLOAD + item)
                else:
                    new.append(item)
            setattr(model, name, new)
        elif isinstance(value, dict):
            for item in value.values():
                if isinstance(item, BaseModel):
                    _poison(item)
        elif isinstance(value, BaseModel):
            _poison(value)


@pytest.fixture(scope="module")
def hostile(email: Procedure) -> Procedure:
    proc = email.model_copy(deep=True)
    _poison(proc)
    return proc


@pytest.fixture(scope="module")
def hostile_docx(hostile: Procedure, sample_library: Library) -> bytes:
    return render_docx(hostile, sample_library, content_hash=PAYLOAD)


def test_hostile_text_stays_text(hostile_docx: bytes, hostile: Procedure) -> None:
    doc = _open(hostile_docx)  # parses: no corrupt XML
    text = _all_text(doc)
    assert text.count(PAYLOAD_VISIBLE) >= 40
    assert hostile.title.startswith(PAYLOAD)
    for bad in ("\x00", "\x07", "\x1b", "\ufffe"):
        assert bad not in text
    with zipfile.ZipFile(io.BytesIO(hostile_docx)) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert "<script>" not in body and "<b>" not in body  # only ever as escaped character data
    assert "&lt;script&gt;" in body


def test_clean_removes_only_what_xml_forbids() -> None:
    assert clean("a\x00b\x08c\x0bd\x1fe\ud800f\uffff") == "abcdef"
    assert clean("tab\tnew\nline\r\nend\r") == "tab\tnew\nline\nend\n"
    assert clean("ÄÖ ≥ 95% — ✓ 𝄞") == "ÄÖ ≥ 95% — ✓ 𝄞"
    assert clean(None) == ""


def test_svg_to_png_scales_with_dpi() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="48"><rect width="96" height="48"/></svg>'
    assert png_size(svg_to_png(svg, 96)) == (96, 48)
    assert png_size(svg_to_png(svg, 200)) == (200, 100)
    physical = '<svg xmlns="http://www.w3.org/2000/svg" width="25.4mm" height="12.7mm" viewBox="0 0 10 5"/>'
    assert png_size(svg_to_png(physical, 200)) == (200, 100)  # sized once, not scaled again from 96 dpi


def test_png_is_cairos_drawing(email: Procedure, sample_library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """What we write is what cairosvg itself draws and writes: same size, and the pixels agree but for
    sub-pixel glyph placement (we outline each label in one run instead of letter by letter)."""
    import cairosvg
    from cairosvg import surface, text
    from PIL import Image, ImageChops, ImageStat

    from prosedur.render.svg import render_flowchart

    for proc in (email, sample_library.procedure("P.SMLTI 21")):
        assert proc is not None
        svg = render_flowchart(proc, sample_library, lang="en")[0]
        ours = Image.open(io.BytesIO(svg_to_png.__wrapped__(svg, 150)))
        assert surface.TAGS["text"] is not text.text  # the one-run text is in place
        with monkeypatch.context() as m:
            m.setitem(surface.TAGS, "text", text.text)
            ref = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg.encode(), dpi=150, background_color="white")))
        assert re.search(r'<svg[^>]* width="[0-9.]+mm"', svg)  # a physical size: scaled by dpi alone
        assert ours.mode == "RGB" and ours.size == ref.size
        diff = ImageChops.difference(ours, ref.convert("RGB")).convert("L")
        assert ImageStat.Stat(diff).mean[0] < 2.0  # anti-aliasing of glyphs placed a fraction of a pixel apart
        # a label that moved or changed would leave a block of strongly different pixels
        assert sum(diff.histogram()[128:]) < 0.002 * ours.size[0] * ours.size[1]
        assert ours.info["dpi"] == pytest.approx((150, 150), abs=0.5)


# ---------------------------------------------------------------------------------------------
# LibreOffice: the fields give real page numbers, hostile files open


@pytest.fixture(scope="module")
def converted(email_docx: bytes, hostile_docx: bytes, tmp_path_factory: pytest.TempPathFactory,
              artifacts: Path) -> dict[str, Path]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed")
    work = tmp_path_factory.mktemp("docx")
    profile = work / "profile"
    inputs = {"email": work / "email.docx", "hostile": work / "hostile.docx"}
    inputs["email"].write_bytes(email_docx)
    inputs["hostile"].write_bytes(hostile_docx)
    out_dir = artifacts / "docx"
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(inputs["email"], out_dir / "p-smlti-19.docx")
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(work), *map(str, inputs.values())],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(work)},
    )
    pdfs = {key: work / f"{key}.pdf" for key in inputs}
    for pdf in pdfs.values():
        assert pdf.exists(), pdf
    # pages for a person to look at
    for old in out_dir.glob("p-smlti-19-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdfs["email"]), str(out_dir / "p-smlti-19")], check=True)
    return pdfs


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_every_page_says_halaman_k_dari_n(converted: dict[str, Path]) -> None:
    pdf = converted["email"]
    n = _pages(pdf)
    assert n >= 2
    for k in range(1, n + 1):
        text = subprocess.run(["pdftotext", "-f", str(k), "-l", str(k), "-layout", str(pdf), "-"],
                              check=True, capture_output=True, text=True).stdout
        # "Halaman" and "k dari n" sit in two cells of the control header, as in the PDF's
        assert re.search(rf"Halaman\s+{k} dari {n}\b", text), (k, text[:400])
        assert "P.SMLTI 19" in text and label("controlled") in text
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    # LibreOffice applies the heading list numbering: "1 TUJUAN" ... "13 RIWAYAT PERUBAHAN", "6.1 ...";
    # a section's name (capitals, as the PDF's) opens its line, beside the section's first line
    for number, title in enumerate(ORDER_ID, start=1):
        assert re.search(rf"^\s*{number}\.\s+{re.escape(title.split()[0].upper())}\b", text, re.M), title
    assert re.search(r"\b6\.1\s+Ketentuan\b", text) and re.search(r"\b4\.1\s+Dasar Hukum\b", text)


def test_hostile_docx_opens_in_libreoffice_with_literal_text(converted: dict[str, Path]) -> None:
    text = subprocess.run(["pdftotext", str(converted["hostile"]), "-"],
                          check=True, capture_output=True, text=True).stdout
    assert "<script>alert(1)</script>" in text
    assert "]]>" in text and "&amp;" in text
