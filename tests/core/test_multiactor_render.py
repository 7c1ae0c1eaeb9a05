"""Activities with several actors in every output: the flowchart (layout and SVG), the SOP table's
Pelaksana columns, the narrative (HTML, Markdown, text, DOCX) and the responsibility section.

Geometry is asserted from coordinates: each part's symbol in its actor's lane on its row's band, a
joint task's symbol over both lanes, part-to-part arrows in order, nothing overlapping (the shared
checks of test_layout / test_sop)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prosedur.flow.layout import LANE_PAD, Geometry, Layout, Node, Page, layout
from prosedur.load import load_library, load_procedure_text
from prosedur.model import Library, Procedure
from prosedur.render.document import document_view
from prosedur.render.docx import render_docx
from prosedur.render.html import render_html
from prosedur.render.labels import label
from prosedur.render.narrative import narrative, narrative_html, narrative_markdown, narrative_text
from prosedur.render.sop import LABEL_MM, PT, render_sop_html, sop_layout
from prosedur.render.svg import render_flowchart

from .test_layout import check_geometry, flows
from .test_sop import check_sop_page

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "smlti"

TICKET = """\
number: P.SMLTI 97
title: Pengelolaan Tiket Layanan
roles:
  - {id: pegawai, name: Pegawai}
  - {id: admin, name: Admin}
  - {id: teknisi, name: Teknisi}
  - {id: kabid_iki, name: Kepala Bidang IKI}
  - {id: kabid_si, name: Kepala Bidang SI}
steps:
  - id: ajukan
    do: Pengajuan tiket
    parts:
      - {kind: start, actor: pegawai, do: Mengajukan tiket layanan}
      - {actor: admin, do: Mencatat tiket}
      - {actor: teknisi, do: Menerima tiket}
    time: 1 hari
  - id: periksa
    actor: teknisi
    do: Memeriksa kerusakan
  - id: rencana
    actor: [kabid_iki, kabid_si]
    do: Merencanakan perbaikan
    next_label: Rencana disetujui
  - id: kerjakan
    do: Pelaksanaan perbaikan
    parts:
      - {actor: teknisi, do: Memperbaiki perangkat}
      - {kind: decision, actor: admin, do: Memeriksa hasil perbaikan}
    exits:
      - {to: periksa}
      - {label: Sesuai, to: lapor}
  - id: lapor
    kind: io
    actor: teknisi
    do: Membuat laporan pekerjaan
    next_label: Laporan pekerjaan selesai
  - id: selesai
    kind: end
    actor: pegawai
    do: Menerima hasil perbaikan
"""

LANES = ["pegawai", "admin", "teknisi", "kabid_iki", "kabid_si"]


@pytest.fixture(scope="module")
def ticket() -> Procedure:
    return load_procedure_text(TICKET)


def _nodes(page: Page, step: str) -> list[Node]:
    return sorted((n for n in page.nodes if n.step == step), key=lambda n: n.part)


def _lane_box(page: Page, role: str) -> tuple[float, float]:
    lane = next(lane for lane in page.lanes if lane.role == role)
    return lane.x, lane.x + lane.width


def _assert_rows(result: Layout, proc: Procedure) -> None:
    """Each symbol of a row in its own actor's lane, all of a row on one band; joint tasks span."""
    for page in result.pages:
        for step in proc.steps:
            nodes = _nodes(page, step.id)
            if not nodes:
                continue
            symbols = step.symbols()
            assert len(nodes) == len(symbols), step.id
            assert len({round(n.cy, 6) for n in nodes}) == 1, step.id  # one band: a shared centre line
            for node, part in zip(nodes, symbols, strict=True):
                left, _ = _lane_box(page, part.actors[0])
                _, right = _lane_box(page, part.actors[-1])
                assert left <= node.cx <= right, (step.id, node.part)
                if len(part.actors) > 1:  # a joint task: one symbol over every lane of its actors
                    assert node.x < _lane_box(page, part.actors[0])[1] and node.x + node.w > _lane_box(
                        page, part.actors[-1])[0]
                    assert left <= node.x and node.x + node.w <= right
                else:
                    lo, hi = _lane_box(page, part.actors[0])
                    if node.w > hi - lo:  # a long question's diamond (or a long oval) over empty lanes
                        assert node.kind in ("decision", "start", "end") and len(nodes) == 1, step.id
                    else:
                        assert lo <= node.x and node.x + node.w <= hi


def test_flowchart_draws_every_part_in_its_lane(ticket: Procedure) -> None:
    result = layout(ticket, lanes=LANES)
    check_geometry(ticket, result)
    _assert_rows(result, ticket)
    page = result.pages[0]
    row = _nodes(page, "ajukan")
    assert [(n.id, n.kind, n.lane) for n in row] == [
        ("ajukan", "start", 0), ("ajukan#2", "process", 1), ("ajukan#3", "process", 2)]
    assert [n.lines for n in row] == [("Mengajukan", "tiket layanan"), ("Mencatat tiket",), ("Menerima tiket",)]
    # parts linked in order, straight across from one to the next on the row's centre line
    by_pair = {(e.source, e.target): e for e in page.edges}
    for a, b in zip(row, row[1:], strict=False):
        points = by_pair[(a.id, b.id)].points
        assert points == ((a.x + a.w, a.cy), (b.x, b.cy))
    # the row is left from its last part; the next row's arrow arrives at its first
    assert ("ajukan#3", "periksa") in by_pair and not any(e.source in ("ajukan", "ajukan#2") and
                                                           e.target == "periksa" for e in page.edges)
    assert {e.target for e in page.edges if e.source == "kerjakan#2"} == {"periksa", "lapor"}
    assert ("rencana", "kerjakan") in by_pair


def test_joint_task_spans_both_lanes(ticket: Procedure) -> None:
    page = layout(ticket, lanes=LANES).pages[0]
    (joint,) = _nodes(page, "rencana")
    lane_w = page.lanes[0].width
    assert (joint.lane, joint.span) == (3, 2)
    assert joint.w == pytest.approx(2 * lane_w - 2 * LANE_PAD)
    assert joint.cx == pytest.approx(page.lanes[4].x)  # centred on the line between its two lanes
    # a line into or out of the joint box runs down a lane's middle, never along the lane border
    for edge in page.edges:
        for x, _y in edge.points:
            assert all(abs(x - lane.x) > 0.5 for lane in page.lanes[1:]), edge


def test_arrow_labels_are_placed_beside_their_first_segment(ticket: Procedure) -> None:
    page = layout(ticket, lanes=LANES).pages[0]
    labelled = {e.label: e for e in page.edges if e.label}
    assert set(labelled) == {"Rencana disetujui", "Sesuai", "Laporan pekerjaan selesai"}
    for edge in labelled.values():
        assert edge.label_at is not None
        (x1, y1), (x2, y2) = edge.points[0], edge.points[1]
        lx, ly = edge.label_at
        assert min(x1, x2) - 80 < lx < max(x1, x2) + 80 and min(y1, y2) - 12 < ly < max(y1, y2) + 12


def test_flowchart_svg_has_a_symbol_per_part(ticket: Procedure) -> None:
    (svg,) = render_flowchart(ticket, None, rows_per_page=20)
    for text in ("Mengajukan tiket", "Mencatat tiket", "Menerima tiket", "Memperbaiki perangkat",
                 "Rencana disetujui", "Laporan pekerjaan selesai"):
        assert text in svg
    assert 'id="fc-p-smlti-97-1-ajukan"' in svg and 'id="fc-p-smlti-97-1-ajukan:2"' in svg
    assert "Langkah 1 (2 dari 3) (proses): Mencatat tiket" in svg
    assert "Pelaksana: Kepala Bidang IKI, Kepala Bidang SI." in svg
    assert svg.count('class="num"') == len(ticket.steps)  # the row's number once


def test_sop_table_has_a_symbol_in_every_acting_column(ticket: Procedure, sample_library: Library) -> None:
    view = document_view(ticket, sample_library)
    sop = sop_layout(view, ticket)
    assert [a for a, _ in sop.actors] == LANES
    assert sop.flow is not None
    check_geometry(ticket, sop.flow)
    _assert_rows(sop.flow, ticket)
    steps = {s.id: s for s in ticket.steps}
    lane_w = sop.lane_width * PT
    for page in sop.pages:
        assert page.flow is not None
        check_sop_page(page.flow, lane_w * len(sop.actors))
        top = page.top_band
        for row in page.rows:
            nodes = _nodes(page.flow, row.step.id)
            covered = {lane for n in nodes for lane in n.lanes}
            assert covered == {LANES.index(a) for a in steps[row.step.id].actors}, row.step.id
            for node in nodes:  # centred in the table row
                assert node.cy / PT == pytest.approx(top + row.height / 2, abs=0.01)
            top += row.height
    # the arrow label printed in the table
    html = render_sop_html(ticket, sample_library)
    assert "Rencana disetujui" in html and "Laporan pekerjaan selesai" in html
    assert html.count('class="symbol ') == sum(len(s.symbols()) for s in ticket.steps)


NARRATIVE_ID = [
    "1. Pegawai mengajukan tiket layanan, lalu Admin mencatat tiket, lalu Teknisi menerima tiket.",
    "2. Teknisi memeriksa kerusakan.",
    # the arrow's label is said where the flow goes on (the DOCX has no flowchart text to carry it)
    "3. Kepala Bidang IKI bersama Kepala Bidang SI merencanakan perbaikan. Rencana disetujui, lanjut ke langkah 4.",
    "4. Teknisi memperbaiki perangkat, lalu Admin memeriksa hasil perbaikan. Jika Sesuai, lanjut ke langkah 5; "
    "jika tidak, kembali ke langkah 2.",
]


def test_narrative_names_every_actor(ticket: Procedure) -> None:
    assert narrative_text(ticket).splitlines()[:4] == NARRATIVE_ID
    english = narrative_text(ticket, lang="en").splitlines()
    assert english[0] == ("1. Pegawai mengajukan tiket layanan, then Admin mencatat tiket, then Teknisi "
                          "menerima tiket.")
    assert english[2] == ("3. Kepala Bidang IKI together with Kepala Bidang SI merencanakan perbaikan. "
                          "Rencana disetujui, continue with step 4.")
    markdown = narrative_markdown(ticket).splitlines()
    assert markdown[0] == ("1. **Pegawai** mengajukan tiket layanan, lalu **Admin** mencatat tiket, lalu "
                           "**Teknisi** menerima tiket.")
    assert markdown[2] == ("3. **Kepala Bidang IKI** bersama **Kepala Bidang SI** merencanakan perbaikan. "
                           "Rencana disetujui, lanjut ke langkah 4.")
    html = narrative_html(ticket)
    assert ("<strong>Kepala Bidang IKI</strong> bersama <strong>Kepala Bidang SI</strong> merencanakan"
            in html)
    assert "<strong>Admin</strong> mencatat tiket, lalu <strong>Teknisi</strong>" in html


def test_narrative_falls_back_to_the_row_text() -> None:
    text = TICKET.replace("{actor: admin, do: Mencatat tiket}", "{actor: admin}")
    assert narrative_text(load_procedure_text(text)).splitlines()[0] == (
        "1. Pegawai mengajukan tiket layanan, lalu pengajuan tiket oleh Admin, lalu Teknisi menerima tiket.")
    bare = text.replace(", do: Mengajukan tiket layanan}", "}").replace(", do: Menerima tiket}", "}")
    assert narrative_text(load_procedure_text(bare)).splitlines()[0] == "1. Pengajuan tiket oleh Pegawai, Admin, Teknisi."
    item = narrative(load_procedure_text(bare))[0]
    assert [seg.actors for seg in item.segments] == [["Pegawai", "Admin", "Teknisi"]]


def _docx_paragraphs(data: bytes) -> list[Any]:
    """Every body paragraph in order, those in the section frames' cells included."""
    from docx.text.paragraph import Paragraph

    doc = Document(io.BytesIO(data))
    return [Paragraph(p, doc) for p in doc.element.body.iter(qn("w:p"))]


def test_docx_narrative_is_the_same_text_with_every_actor_bold(ticket: Procedure, sample_library: Library) -> None:
    paragraphs = _docx_paragraphs(render_docx(ticket, sample_library))
    items = {p.text.split("\t", 1)[0]: p for p in paragraphs if p.style.name == "Step"}
    for line in NARRATIVE_ID:
        number, sentence = line.split(" ", 1)
        assert items[number].text.split("\t", 1)[1].startswith(sentence.split(". Jika")[0])
    bold = [r.text for r in items["3."].runs if r.bold]
    assert bold == ["Kepala Bidang IKI", "Kepala Bidang SI"]
    assert [r.text for r in items["1."].runs if r.bold] == ["Pegawai", "Admin", "Teknisi"]


def test_responsibility_section_lists_every_acting_role(tmp_path: Path) -> None:
    # kabid_si acts only jointly and is not in the procedure's roles list: a library role (permenpan)
    text = TICKET.replace("  - {id: kabid_si, name: Kepala Bidang SI}\n", "")
    root = tmp_path / "lib"
    (root / "prosedur").mkdir(parents=True)
    (root / "pustaka.yaml").write_text((SAMPLE / "pustaka.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (root / "prosedur" / "p97.yaml").write_text(text, encoding="utf-8")
    library, problems = load_library(root)
    assert not problems
    proc = library.procedures[0]
    view = document_view(proc, library)
    assert [r.id for r in view.roles] == LANES
    name = library.info.roles["kabid_si"].name
    assert view.roles[-1].name == name
    html = render_html(proc, library)
    section = html.split('id="responsibilities"', 1)[1].split("</section>", 1)[0]
    assert name in section
    paragraphs = _docx_paragraphs(render_docx(proc, library))
    start = next(i for i, p in enumerate(paragraphs) if p.text == label("responsibilities"))
    end = next(i for i, p in enumerate(paragraphs) if i > start and p.style.name == "Heading 1")
    names = [p.text.split(" (")[0] for p in paragraphs[start:end] if p.style.name == "List Caption"]
    assert names == [r.name for r in view.roles]


def test_two_parts_by_one_actor_share_the_lane_without_overlap() -> None:
    text = TICKET.replace("{actor: teknisi, do: Menerima tiket}", "{actor: pegawai, do: Menerima tiket}")
    proc = load_procedure_text(text)
    for result in (layout(proc, lanes=LANES), sop_layout(document_view(proc), proc).flow):
        assert result is not None
        check_geometry(proc, result)


@st.composite
def multi_actor_flows(draw: Any) -> tuple[Procedure, int]:
    """Random flows (test_layout.flows) with some rows turned into parts over distinct lanes and some
    steps into joint tasks of two adjacent lanes."""
    proc = draw(flows())
    n_roles = draw(st.integers(min_value=2, max_value=6))
    roles = [f"r{i}" for i in range(n_roles)]
    data = proc.model_dump(exclude_defaults=True)
    last = len(data["steps"]) - 1
    for i, step in enumerate(data["steps"]):
        choice = draw(st.sampled_from(["plain", "plain", "parts", "joint"]))
        step["actor"] = draw(st.sampled_from(roles))
        if choice == "joint":
            k = draw(st.integers(min_value=0, max_value=n_roles - 2))
            step["actor"] = roles[k : k + 2]
        elif choice == "parts":
            lanes = draw(st.lists(st.sampled_from(roles), min_size=2, max_size=min(4, n_roles), unique=True))
            kinds = ["process"] * len(lanes)
            if i == 0:
                kinds[0] = "start"
            kind = step.pop("kind", "process")
            if kind in ("decision", "end") or i == last:
                kinds[-1] = "end" if i == last else kind
            step["parts"] = [{"kind": k, "actor": a, "do": "Memeriksa berkas"} for k, a in zip(kinds, lanes, strict=True)]
            del step["actor"]
    again = Procedure.model_validate(data)
    return again, n_roles


@settings(max_examples=int(os.environ.get("PROSEDUR_EXAMPLES", "40")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(case=multi_actor_flows(), rows=st.sampled_from([13, 5, 60]), cut=st.integers(min_value=1, max_value=9))
def test_random_multi_actor_flows_are_clean(case: tuple[Procedure, int], rows: int, cut: int) -> None:
    """Free layout and the SOP grid: every part in its lane on its band, no line through a symbol,
    no two symbols overlapping, every edge drawn."""
    proc, n_roles = case
    roles = [f"r{i}" for i in range(n_roles)]
    free = layout(proc, lanes=roles, rows_per_page=rows)
    check_geometry(proc, free)
    _assert_rows(free, proc)
    n = len(proc.steps)
    lane_w = 106.0 / n_roles
    geometry = Geometry(
        lane_width=lane_w * PT,
        row_heights=tuple((15.0 + 4 * (i % 3)) * PT for i in range(n)),
        page_rows=tuple([cut] * (n // cut) + ([n % cut] if n % cut else [])),
        shape_width=max(6.0, min(lane_w - 7.0, 22.0)) * PT,
        shape_height=8 * PT,
        decision_height=11 * PT,
        band=11 * PT,
        connector_width=6 * PT,
        connector_height=7 * PT,
        track_gap=1.25 * PT,
        label_size=LABEL_MM * PT,
    )
    grid = layout(proc, lanes=roles, geometry=geometry)
    check_geometry(proc, grid)
    _assert_rows(grid, proc)
