"""No source text becomes markup: payloads in every string field through HTML, SOP HTML, SVG, PDF, DOCX
and the SOP DOCX (its DrawingML shapes included)."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from prosedur.model import Library, Procedure
from prosedur.render.document import document_view
from prosedur.render.html import render_html
from prosedur.render.pdf import render_pdf
from prosedur.render.sop import page_svg, render_sop_html, sop_layout

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)' x='",
    '<a href="javascript:alert(1)">klik</a>',
    "&amp; &lt;b&gt; &#x3C;i&#x3E;",
    "]]><![CDATA[<b>x</b>]]>",
    "</style><style>body{background:url(http://127.0.0.1/x)}</style>",
    "x{} *{background:url(file:///etc/passwd)}",
    "<svg onload=alert(1)><foreignObject></foreignObject></svg>",
    "<!-- komentar --> {{ 7*7 }} {% raw %}",
    # inline emphasis around hostile text: the markers become <em>/<strong>/<tspan>/w:i, the text inside stays text
    "*<script>alert(1)</script>*",
    '**"><img src=x onerror=alert(1)>**',
    "***' onmouseover='alert(1)' x='***",
    "*&amp; & <i>miring</i>* \\* **<b>tebal</b>**",
    "*]]><![CDATA[<b>x</b>]]>*",
    "**</w:t></w:r><w:r><w:t>x**",
]
EMPHASISED = [p for p in PAYLOADS if p.startswith("*")]
# What inline emphasis may add to a page (and nothing else): the tags only, never an attribute.
EMPHASIS_TAGS = {"em", "strong", "tspan"}
# Keys that hold identifiers, references or enums, not free text.
SKIP = {"id", "to", "actor", "next", "kind", "status", "classification", "language", "owner", "unit",
        "records", "related", "number", "file"}


def _poison(value: Any, payload: str, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: (v if k in SKIP else _poison(v, payload, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(v, payload, key) for v in value]
    if isinstance(value, str):
        return f"{value} {payload}"
    return value


def poisoned(proc: Procedure, library: Library, payload: str) -> tuple[Procedure, Library]:
    data = _poison(proc.model_dump(), payload)
    bad = Procedure.model_validate(data)
    roles = {k: r.model_copy(update={"name": f"{r.name} {payload}", "name_en": f"{r.name_en} {payload}"})
             for k, r in library.info.roles.items()}
    info = library.info.model_copy(update={"roles": roles, "organisation": f"BSN {payload}",
                                           "unit": f"PUSDATIN {payload}"})
    return bad, library.model_copy(update={"info": info})


class Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: set[tuple[str, str]] = set()
        self.bad: list[str] = []
        self.styles = 0
        self.charts = 0  # flowchart SVGs: each carries its own <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.styles += tag == "style"
        self.charts += tag == "svg" and ("class", "flowchart") in attrs
        for name, value in attrs:
            self.attrs.add((tag, name))
            if name.startswith("on") or (value and value.strip().lower().startswith("javascript:")):
                self.bad.append(f"{tag} {name}={value}")


def _scan(html: str) -> Markup:
    parser = Markup()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def baseline(email: Procedure, sample_library: Library) -> tuple[Markup, Markup]:
    proc, lib = poisoned(email, sample_library, "teks biasa")
    return _scan(render_html(proc, lib)), _scan(render_sop_html(proc, lib))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_gains_no_elements_or_attributes(payload: str, email: Procedure, sample_library: Library,
                                              baseline: tuple[Markup, Markup]) -> None:
    proc, lib = poisoned(email, sample_library, payload)
    for html, base in ((render_html(proc, lib, verify_url=f"https://v.example/{payload}"), baseline[0]),
                       (render_sop_html(proc, lib), baseline[1])):
        scan = _scan(html)
        assert scan.bad == []
        assert scan.tags <= base.tags | {"div", "svg", "path"} | EMPHASIS_TAGS
        assert scan.attrs - base.attrs <= {("div", "class"), ("svg", "xmlns"), ("svg", "class"), ("svg", "viewbox"),
                                           ("svg", "height"), ("svg", "width"), ("path", "d"), ("path", "fill"),
                                           ("path", "stroke"), ("path", "class"), ("path", "transform"),
                                           ("tspan", "font-style"), ("tspan", "font-weight"),
                                           ("text", "text-anchor")}  # an exit label placed left of its line
        assert "<script" not in html.lower().replace("&lt;script", "")
        # the only <style> elements are ours (the page's and each flowchart SVG's: a longer lane title
        # may add a sheet)
        assert scan.styles - scan.charts == base.styles - base.charts


@pytest.mark.parametrize("payload", PAYLOADS)
def test_svg_stays_well_formed(payload: str, email: Procedure, sample_library: Library) -> None:
    proc, lib = poisoned(email, sample_library, payload)
    layout = sop_layout(document_view(proc, lib), proc)
    for page in layout.pages:
        ET.fromstring(page_svg(layout, page, "id"))
    from prosedur.render.svg import render_flowchart

    for svg in render_flowchart(proc, lib):
        root = ET.fromstring(svg)
        assert not any(el.tag.endswith("script") for el in root.iter())
        assert not any(k.startswith("on") for el in root.iter() for k in el.attrib)


def test_pdf_shows_payloads_as_literal_text(email: Procedure, sample_library: Library, tmp_path: Path) -> None:
    payload = "<script>alert(1)</script> <img src=file:///etc/passwd> url(http://127.0.0.1/x)"
    proc, lib = poisoned(email, sample_library, payload)
    path = tmp_path / "x.pdf"
    path.write_bytes(render_pdf(proc, lib))
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", " ", text)
    assert "<script>alert(1)</script>" in flat
    assert "<img src=file:///etc/passwd>" in flat
    assert "root:x:0:0" not in text


@pytest.mark.parametrize("payload", EMPHASISED)
def test_emphasis_around_payloads_is_emphasis_of_literal_text(payload: str, email: Procedure,
                                                              sample_library: Library) -> None:
    """HTML: the payload's visible text is there, escaped, inside <em>/<strong>; no element of its own."""
    from prosedur.render.inline import inline_html
    from prosedur.text import plain

    html = str(inline_html(payload))
    scan = _scan(html)
    assert scan.tags <= {"em", "strong"} and scan.attrs == set() and scan.bad == []
    text = re.sub(r"</?(em|strong)>", "", html)
    from html import unescape

    assert unescape(text) == plain(payload)


@pytest.mark.parametrize("payload", EMPHASISED)
def test_docx_stays_well_formed_with_emphasis(payload: str, email: Procedure, sample_library: Library) -> None:
    import io
    import zipfile

    from prosedur.render.docx import render_docx
    from prosedur.text import plain

    proc, lib = poisoned(email, sample_library, payload)
    data = render_docx(proc, lib, raster=lambda svg, dpi: _PNG)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = z.read("word/document.xml")
    root = ET.fromstring(body)  # well-formed: nothing the source wrote became WordprocessingML
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    texts = "".join(t.text or "" for t in root.iter(f"{w}t"))
    assert plain(payload).split()[0] in texts
    assert not any(el.tag == f"{w}t" and len(el) for el in root.iter())
    italic_runs = [r for r in root.iter(f"{w}r") if r.find(f"{w}rPr/{w}i") is not None]
    assert italic_runs, "the italic span became an italic run"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sop_docx_and_drawingml_stay_well_formed(payload: str, email: Procedure, sample_library: Library) -> None:
    """Every payload (and XML-forbidden characters) through the SOP DOCX and the document DOCX's shapes:
    the XML parses, text nodes hold only text, nothing becomes an element or a field."""
    import io
    import zipfile

    from prosedur.render.docx import render_docx
    from prosedur.render.sop_docx import render_sop_docx
    from prosedur.text import plain

    hostile = f"{payload} \x00\x07\x1b\ufffe & < > \""
    proc, lib = poisoned(email, sample_library, hostile)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for data in (render_sop_docx(proc, lib, content_hash=hostile, verify_url=f"https://v.example/{payload}"),
                 render_docx(proc, lib, raster=lambda svg, dpi: _PNG)):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = [ET.fromstring(z.read(n)) for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")]
        texts = "".join(t.text or "" for root in parts for t in root.iter(f"{w}t"))
        assert plain(payload).split()[0] in texts and '& < > "' in texts
        assert not any(ch in texts for ch in "\x00\x07\x1b\ufffe")
        assert not any(len(t) for root in parts for t in root.iter(f"{w}t"))
        codes = {(i.text or "").split()[0] for root in parts for i in root.iter(f"{w}instrText")}
        assert codes <= {"PAGE", "NUMPAGES", "PAGEREF"}  # our fields only


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


# a tiny PNG: the DOCX tests here are about text, not the flowchart image
_PNG = _png()
