"""Inline emphasis (`*miring*`, `**tebal**`): parsed once, printed as emphasis in every format,
stripped from plain-text outputs."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest

from prosedur.flow.layout import text_width, wrap, wrap_marked
from prosedur.model import Library, Procedure
from prosedur.render.document import document_view
from prosedur.render.html import render_html
from prosedur.render.narrative import lower_verb, narrative, narrative_html, narrative_text
from prosedur.render.sop import render_sop_html, wrapped_lines
from prosedur.render.svg import render_flowchart
from prosedur.text import Span, markup, plain, spans


@pytest.mark.parametrize(("source", "expected"), [
    ("Melakukan *upgrade* sistem", [Span("Melakukan "), Span("upgrade", italic=True), Span(" sistem")]),
    ("**Penting**: baca", [Span("Penting", bold=True), Span(": baca")]),
    ("***keduanya***", [Span("keduanya", bold=True, italic=True)]),
    ("*a **b** c*", [Span("a ", italic=True), Span("b", True, True), Span(" c", italic=True)]),
    ("di-*upgrade*-nya", [Span("di-"), Span("upgrade", italic=True), Span("-nya")]),
    ("5 * 3 * 2", [Span("5 * 3 * 2")]),  # a star between spaces neither opens nor closes
    ("catatan* dan **sisa", [Span("catatan* dan **sisa")]),  # unbalanced: printed as written
    (r"harga \*promo\*", [Span("harga *promo*")]),  # \* is a literal asterisk
    ("*<i>x</i>*", [Span("<i>x</i>", italic=True)]),  # typed tags are text
    ("", []),
])
def test_spans(source: str, expected: list[Span]) -> None:
    assert spans(source) == expected


def test_plain_and_markup_round_trip() -> None:
    assert plain("Melakukan *upgrade* **server** \\* 2") == "Melakukan upgrade server * 2"
    for source in ("a *b* c", "**x** y *z*", r"5 \* 3", "***both***", "di-*upgrade*"):
        assert spans(markup(spans(source))) == spans(source)


def test_wrapping_measures_words_without_markers() -> None:
    text = "Melakukan *upgrade* pada *server* aplikasi utama"
    width = text_width("Melakukan upgrade pada") + 1
    lines = wrap_marked(text, width)
    assert [plain(line) for line in lines] == wrap(plain(text), width)
    assert lines[0] == "Melakukan *upgrade* pada"
    assert lines[1].startswith("*server*")
    # bold words are measured as bold (wider), so they may wrap earlier than plain ones
    assert len(wrap_marked("**aaaa bbbb cccc dddd**", text_width("aaaa bbbb cccc dddd") + 0.5)) == 2


def _with(proc: Procedure, **step: str) -> Procedure:
    steps = [s.model_copy(update=step) if i == 1 else s for i, s in enumerate(proc.steps)]
    return proc.model_copy(update={"steps": steps, "purpose": "Menjaga *service level* **tetap** baik",
                                   "title": "Pengelolaan *Email*"})


def test_html_document_and_sop(email: Procedure, sample_library: Library) -> None:
    proc = _with(email, do="Melakukan *upgrade* akun <i>lama</i>", output="Akun *aktif*",
                 requirements=["Formulir **bertanda tangan**"])
    html = render_html(proc, sample_library)
    assert "<title>P.SMLTI 19 Pengelolaan Email</title>" in html
    assert 'Pengelolaan <em>Email</em>' in html
    assert "Menjaga <em>service level</em> <strong>tetap</strong> baik" in html
    assert "melakukan <em>upgrade</em> akun &lt;i&gt;lama&lt;/i&gt;" in html  # the narrative
    sop = render_sop_html(proc, sample_library)
    assert "<title>SOP P.SMLTI 19 Pengelolaan Email</title>" in sop
    assert "Melakukan <em>upgrade</em> akun &lt;i&gt;lama&lt;/i&gt;" in sop
    assert "Akun <em>aktif</em>" in sop and "Formulir <strong>bertanda tangan</strong>" in sop
    assert "*" not in re.sub(r"<style>.*?</style>", "", sop, flags=re.S).replace("{{", "")


def test_sop_row_height_counts_printed_characters_only() -> None:
    assert wrapped_lines("*a* " * 30, 30) == wrapped_lines("a " * 30, 30)


def test_flowchart_tspans(email: Procedure, sample_library: Library) -> None:
    proc = _with(email, do="Melakukan *upgrade* **akun**")
    svg = render_flowchart(proc, sample_library)[0]
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    tspans = [(t.text, dict(t.attrib)) for t in root.iter(f"{ns}tspan")]
    assert ("upgrade", {"font-style": "italic"}) in tspans
    assert ("akun", {"font-weight": "bold"}) in tspans
    titles = " ".join(t.text or "" for t in root.iter(f"{ns}title"))
    assert "Melakukan upgrade akun" in titles and "*" not in titles


def test_narrative_lowers_the_verb_behind_markers(email: Procedure, sample_library: Library) -> None:
    assert lower_verb("*Upgrade* server") == "*upgrade* server"
    assert lower_verb("**SMS** dikirim") == "**SMS** dikirim"
    proc = _with(email, do="*Upgrade* server")
    items = narrative(proc, sample_library)
    assert items[1].text == "*upgrade* server."
    assert "<em>upgrade</em> server." in narrative_html(items)
    assert "upgrade server." in narrative_text(items) and "*" not in narrative_text(items)


def test_docx_runs(email: Procedure, sample_library: Library) -> None:
    from prosedur.render.docx import render_docx

    proc = _with(email, do="Melakukan *upgrade* akun")
    data = render_docx(proc, sample_library)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = ET.fromstring(z.read("word/document.xml"))
        header = ET.fromstring(z.read("word/header1.xml"))
        core = z.read("docProps/core.xml").decode()
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    italic = [r.findtext(f"{w}t") for r in body.iter(f"{w}r") if r.find(f"{w}rPr/{w}i") is not None]
    bold = [r.findtext(f"{w}t") for r in body.iter(f"{w}r") if r.find(f"{w}rPr/{w}b") is not None]
    assert "upgrade" in italic and "service level" in italic
    # the title is printed in the control header, in capitals as the PDF's header prints it
    assert "EMAIL" in [r.findtext(f"{w}t") for r in header.iter(f"{w}r") if r.find(f"{w}rPr/{w}i") is not None]
    assert "tetap" in bold
    assert "*" not in "".join(t.text or "" for t in body.iter(f"{w}t"))
    assert "<dc:title>P.SMLTI 19 Pengelolaan Email</dc:title>" in core


def test_plain_outputs_strip_markers(email: Procedure, sample_library: Library) -> None:
    from prosedur.iso20000.export import register_table, to_csv
    from prosedur.iso20000.registers import document_register
    from prosedur.lint import lint_procedure

    proc = _with(email, do="Melakukan *upgrade*")
    library = sample_library.model_copy(update={"procedures": [
        proc if p.number == proc.number else p for p in sample_library.procedures]})
    csv = to_csv(register_table(document_register(library), "id"))
    assert "Pengelolaan Email" in csv and "*Email*" not in csv
    bad = proc.model_copy(update={"references": [*proc.references, proc.references[0].model_copy(
        update={"id": None, "kind": "form", "title": "Pedoman *Keamanan*"})]})
    messages = [f.message("id") for f in lint_procedure(bad, library)]
    assert any("Pedoman Keamanan" in m for m in messages)
    assert not any("*Keamanan*" in m for m in messages)
    assert document_view(proc, library).title == "Pengelolaan *Email*"  # the view keeps the source text
