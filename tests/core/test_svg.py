"""The flowchart SVG: golden snapshots, well-formed and escaped, accessible, deterministic.

Regenerate the snapshots with `PROSEDUR_UPDATE_GOLDEN=1 pytest tests/core/test_svg.py` and review the diff.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from prosedur.model import Library, Procedure
from prosedur.render.svg import render_flowchart, render_flowchart_single

GOLDEN = Path(__file__).parent / "golden"
NS = "{http://www.w3.org/2000/svg}"
UPDATE = os.environ.get("PROSEDUR_UPDATE_GOLDEN") == "1"


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {name} was missing and has been written; review and commit it")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; PROSEDUR_UPDATE_GOLDEN=1 to accept"


def _sample(sample_library: Library, number: str) -> Procedure:
    proc = sample_library.procedure(number)
    if proc is None:
        pytest.skip(f"{number} not in the sample library")
    return proc


@pytest.mark.parametrize(
    ("number", "kwargs", "name"),
    [
        ("P.SMLTI 19", {}, "p-smlti-19.svg"),
        ("P.SMLTI 19", {"lang": "en", "swimlanes": False}, "p-smlti-19-plain-en.svg"),
        ("P.SMLTI 21", {}, "p-smlti-21.svg"),
    ],
)
def test_golden(sample_library: Library, number: str, kwargs: dict[str, object], name: str) -> None:
    proc = _sample(sample_library, number)
    pages = render_flowchart(proc, sample_library, rows_per_page=100, **kwargs)  # type: ignore[arg-type]
    _check_golden(name, "".join(pages))


def test_golden_page_break(sample_library: Library, email: Procedure) -> None:
    pages = render_flowchart(email, sample_library, rows_per_page=4)
    assert len(pages) == 2
    _check_golden("p-smlti-19-pages.svg", "\n".join(pages))


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_structure_and_accessibility(sample_library: Library, email: Procedure) -> None:
    svg = render_flowchart_single(email, sample_library)
    root = _parse(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("width", "").endswith("mm")
    assert float(root.get("width", "0")[:-2]) <= 180.0
    title = root.find(f"{NS}title")
    assert title is not None and "P.SMLTI 19" in (title.text or "")
    labelled = (root.get("aria-labelledby") or "").split()
    ids = {el.get("id") for el in root.iter()}
    assert labelled and all(i in ids for i in labelled)
    groups = [g for g in root.iter(f"{NS}g") if "node" in (g.get("class") or "").split()]
    assert len(groups) == len(email.steps)
    for g in groups:
        assert g.find(f"{NS}title") is not None
        assert g.find(f"{NS}desc") is not None
    # lane headers carry the library's role names, in lane order
    heads = [t.text for t in root.iter(f"{NS}text") if t.get("class") == "lane-title"]
    assert " ".join(heads).startswith("Pegawai")
    assert "Kepala PUSDATIN" in " ".join(heads)
    # symbols: capsule start/end, diamond, parallelogram
    kinds = {g.get("class") for g in groups}
    assert {"node start", "node end", "node decision", "node io", "node process"} <= kinds
    # every edge has an arrowhead, exit labels are drawn
    paths = [p for p in root.iter(f"{NS}path") if "edge" in (p.get("class") or "")]
    assert paths and all(p.get("marker-end") for p in paths)
    exits = {t.text for t in root.iter(f"{NS}text") if t.get("class") == "exit"}
    assert exits == {"Ya", "Tidak"}
    # step numbers 1..N beside the shapes
    numbers = sorted(int(t.text or 0) for t in root.iter(f"{NS}text") if t.get("class") == "num")
    assert numbers == list(range(1, len(email.steps) + 1))
    # styled by classes: no inline style attributes
    assert all(el.get("style") is None for el in root.iter())


def test_english_titles(sample_library: Library, email: Procedure) -> None:
    svg = render_flowchart_single(email, sample_library, lang="en")
    root = _parse(svg)
    assert "Email Management" in (root.findtext(f"{NS}title") or "")
    assert "Step 1" in svg and "Langkah 1" not in svg


def test_parameters_substituted(sample_library: Library, email: Procedure) -> None:
    proc = email.model_copy(deep=True)
    proc.steps[1].do = "Memeriksa lampiran maksimal {{batas_lampiran}}"
    svg = render_flowchart_single(proc, sample_library)
    assert "5 MB" in svg and "{{batas_lampiran}}" not in svg


def test_deterministic(sample_library: Library, email: Procedure) -> None:
    assert render_flowchart(email, sample_library, rows_per_page=3) == render_flowchart(
        email, sample_library, rows_per_page=3
    )


def test_pages_have_matching_connectors(sample_library: Library, email: Procedure) -> None:
    pages = render_flowchart(email, sample_library, rows_per_page=3)
    assert len(pages) == 3
    letters = []
    for svg in pages:
        root = _parse(svg)
        found = [
            g.findtext(f"{NS}text[@class='label']")
            for g in root.iter(f"{NS}g")
            if "offpage" in (g.get("class") or "").split()
        ]
        letters.append(found)
    assert letters[0] == ["A"]
    assert letters[1] == ["A", "B"]
    assert letters[2] == ["B"]


HOSTILE = 'Tutup </text><script>alert("x")</script> & \'kutip\' "ganda" ]]> <![CDATA[ x ]]> \x01\x0b'


def test_hostile_text_is_escaped(sample_library: Library, email: Procedure) -> None:
    proc = email.model_copy(deep=True)
    proc.title = HOSTILE
    proc.steps[0].do = HOSTILE
    proc.steps[5].exits[0].label = HOSTILE
    proc.roles[0].name = HOSTILE
    for swimlanes in (True, False):
        for svg in [*render_flowchart(proc, None, swimlanes=swimlanes, rows_per_page=3),
                    render_flowchart_single(proc, None, swimlanes=swimlanes)]:
            root = _parse(svg)  # well-formed XML
            assert "<script" not in svg.lower()
            assert not any(el.tag.endswith("script") for el in root.iter())
            assert "&lt;script&gt;" in svg


def test_plain_variant_has_no_lanes(sample_library: Library, email: Procedure) -> None:
    root = _parse(render_flowchart_single(email, sample_library, swimlanes=False))
    assert not [t for t in root.iter(f"{NS}text") if t.get("class") == "lane-title"]
    assert len([g for g in root.iter(f"{NS}g") if "node" in (g.get("class") or "").split()]) == len(email.steps)


def test_render_png_for_review(sample_library: Library, artifacts: Path) -> None:
    """Write the sample charts as PDF/PNG into artifacts/flowchart/ for a person to look at."""
    import shutil
    import subprocess

    from weasyprint import HTML

    out = artifacts / "flowchart"
    out.mkdir(exist_ok=True)
    proc = _sample(sample_library, "P.SMLTI 19")
    pages = render_flowchart(proc, sample_library)
    html = (
        "<html><head><style>@page{size:A4;margin:15mm} div{page-break-after:always}</style></head><body>"
        + "".join(f"<div>{p}</div>" for p in pages)
        + "</body></html>"
    )
    pdf = out / "p-smlti-19.pdf"
    HTML(string=html).write_pdf(pdf)
    assert pdf.stat().st_size > 1000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Kepala PUSDATIN" in text and "Tidak" in text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "90", str(pdf), str(out / "p-smlti-19")], check=True)
