"""Geometry of the swimlane layout: checked independently of the layout's own metrics."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prosedur.flow.graph import successors
from prosedur.flow.layout import (
    NUMBER_DIGIT,
    NUMBER_HEIGHT,
    Layout,
    Node,
    label_box,
    layout,
    text_width,
    wrap,
)
from prosedur.model import Library, Procedure

EPS = 0.5


def _interior_hit(node: Node, p1: tuple[float, float], p2: tuple[float, float]) -> bool:
    """Does an axis-parallel segment pass through the open interior of the node's box?"""
    x, y, w, h = node.x + EPS, node.y + EPS, node.w - 2 * EPS, node.h - 2 * EPS
    if p1[0] == p2[0]:
        lo, hi = sorted((p1[1], p2[1]))
        return x < p1[0] < x + w and lo < y + h and hi > y
    lo, hi = sorted((p1[0], p2[0]))
    return y < p1[1] < y + h and lo < x + w and hi > x


def _on_border(node: Node, pt: tuple[float, float]) -> bool:
    """Is `pt` on the outline of the node's symbol (diamond, capsule box, pentagon ...)?"""
    px, py = pt
    if node.kind == "decision":
        return abs(abs(px - node.cx) / (node.w / 2) + abs(py - node.cy) / (node.h / 2) - 1) < 0.02
    inside_x = node.x - 0.01 <= px <= node.x + node.w + 0.01
    inside_y = node.y - 0.01 <= py <= node.y + node.h + 0.01
    if not (inside_x and inside_y):
        return False
    on_top_bottom = abs(py - node.y) < 0.01 or abs(py - node.y - node.h) < 0.01
    if on_top_bottom:
        return True
    # sides: left/right border (a parallelogram's or pentagon's slanted sides lie within the box)
    return node.border_x(-1, py - node.cy) - 0.01 <= px <= node.border_x(1, py - node.cy) + 0.01 and (
        abs(px - node.border_x(-1, py - node.cy)) < 0.01 or abs(px - node.border_x(1, py - node.cy)) < 0.01
    )


def check_geometry(proc: Procedure, result: Layout) -> None:
    """Every promise of the layout, asserted from the coordinates alone."""
    seen_steps: list[str] = []
    step_of: dict[str, str] = {}  # node id -> its step (the parts of a row are several nodes)
    part_of: dict[str, int] = {}
    outs: dict[str, set[int]] = {}
    ins: dict[str, set[int]] = {}
    for page in result.pages:
        nodes = page.nodes
        by_id = {n.id: n for n in nodes}
        # lanes: left to right in the declared order, no gaps or overlaps, each where it is on the
        # first sheet (a lane may be wider than another, never from one sheet to the next)
        for a, b in zip(page.lanes, page.lanes[1:], strict=False):
            assert b.x == pytest.approx(a.x + a.width)
        assert [(lane.x, lane.width) for lane in page.lanes] == [(lane.x, lane.width) for lane in result.pages[0].lanes]
        assert [lane.role for lane in page.lanes] == (result.lanes or [""])
        for node in nodes:  # inside its lane (a joint task: inside the lanes it spans)
            first, last = page.lanes[node.lane], page.lanes[node.lane + node.span - 1]
            if node.w > last.x + last.width - first.x:  # a long question's diamond or a long oval reaches
                # over the row's empty neighbour lanes: centred in its own lane, inside the chart
                assert node.kind in ("decision", "start", "end"), node.id
                assert first.x < node.cx < first.x + first.width, node.id
                assert page.lanes[0].x <= node.x and node.x + node.w <= page.lanes[-1].x + page.lanes[-1].width
            else:
                assert first.x <= node.x and node.x + node.w <= last.x + last.width, node.id
            assert node.y >= 0 and node.y + node.h <= page.height
        # no two shapes overlap
        for i, a in enumerate(nodes):
            for b in nodes[i + 1 :]:
                apart = a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y
                assert apart, (a.id, b.id)
        for edge in page.edges:
            pts = edge.points
            assert len(pts) >= 2
            for p1, p2 in zip(pts, pts[1:], strict=False):
                assert p1[0] == p2[0] or p1[1] == p2[1], f"not orthogonal: {edge}"
                assert p1 != p2
                for node in nodes:
                    if node.id in (edge.source, edge.target):
                        continue
                    assert not _interior_hit(node, p1, p2), (edge.source, edge.target, node.id)
            source, target = by_id[edge.source], by_id[edge.target]
            assert _on_border(source, pts[0]), (edge.source, pts[0])
            assert _on_border(target, pts[-1]), (edge.target, pts[-1])
            # the last segment arrives from outside the target
            (x1, y1), (x2, y2) = pts[-2], pts[-1]
            mid = ((x1 + x2) / 2, (y1 + y2) / 2)
            if target.kind == "decision":
                inside = abs(mid[0] - target.cx) / (target.w / 2) + abs(mid[1] - target.cy) / (target.h / 2) < 0.99
            else:  # within the symbol's own sides (a parallelogram's slanted side is inside its box)
                dy = mid[1] - target.cy
                inside = (target.border_x(-1, dy) + EPS < mid[0] < target.border_x(1, dy) - EPS
                          and target.y + EPS < mid[1] < target.y + target.h - EPS)
            assert not inside, edge
        for node in nodes:
            if node.kind != "offpage" and node.part <= 1:
                seen_steps.append(node.step)
            step_of[node.id] = node.step
            part_of[node.id] = node.part
        for ref in page.offpage:
            side = outs if ref.direction == "out" else ins
            side.setdefault(ref.label, set()).add(page.number)
            assert by_id[ref.node].label == ref.label
    # every step drawn once, numbered in source order
    assert seen_steps == list(dict.fromkeys(s.id for s in proc.steps))
    # off-page connectors come in pairs with the same letter
    assert set(outs) == set(ins)
    for label in outs:
        assert len(ins[label]) == 1
        assert not (outs[label] & ins[label])
    # every edge between existing steps is drawn (directly or via a connector pair)
    drawn = {(e.source, e.target) for page in result.pages for e in page.edges}
    letter_of = {o.label: o.step for page in result.pages for o in page.offpage}
    resolved = set()
    for s, t in drawn:
        if s.startswith("in:"):
            continue
        if step_of[s] == step_of.get(t) and part_of[s] and part_of[t] == part_of[s] + 1:  # inside one row
            continue
        t = letter_of[t[4:]] if t.startswith("out:") else step_of[t]
        resolved.add((step_of[s], t))
    expected = {(e.source, e.target) for edges in successors(proc).values() for e in edges}
    assert expected == resolved
    m = result.metrics
    assert m.connector_shape_intersections == 0
    assert m.lane_order_violations == 0


# -- the samples ----------------------------------------------------------------------------------------


def test_email_sample_layout(email: Procedure) -> None:
    result = layout(email)
    check_geometry(email, result)
    assert len(result.pages) == 1
    assert result.lanes == ["pemohon", "kepala_pusdatin", "staf_iki", "kabid_iki"]
    nodes = {n.id: n for n in result.pages[0].nodes}
    assert [nodes[s.id].number for s in email.steps] == list(range(1, 9))
    # rows top to bottom in source order
    ys = [nodes[s.id].y for s in email.steps]
    assert ys == sorted(ys)
    # the "Tidak" loop-back goes around the side, outside the lanes
    back = [e for e in result.pages[0].edges if e.label == "Tidak"]
    assert len(back) == 1 and back[0].back
    left = result.pages[0].lanes[0].x
    assert any(x < left for x, _y in back[0].points)
    # the "Ya" exit goes straight down to the next step in the same lane
    ya = next(e for e in result.pages[0].edges if e.label == "Ya")
    assert len(ya.points) == 2 and ya.points[0][0] == ya.points[1][0]


def test_every_sample_layout_is_clean(sample_library: Library) -> None:
    for proc in sample_library.procedures:
        for rows in (13, 4, 1):
            for lanes in (True, False):
                check_geometry(proc, layout(proc, rows_per_page=rows, swimlanes=lanes))


def test_exit_labels_stay_on_the_page(sample_library: Library) -> None:
    """A label pushed left of the first lane was clipped by the SVG's viewBox (P.SMLTI 25 "Tidak
    tercapai", P.SMLTI 19 plain "Tidak")."""
    for proc in sample_library.procedures:
        for lanes in (True, False):
            for page in layout(proc, swimlanes=lanes).pages:
                for edge in page.edges:
                    if edge.label and edge.label_at is not None:
                        x, _y, w, _h = box = label_box(edge.label_at, edge.label_anchor, edge.printed_label)
                        assert x >= 0 and x + w <= page.width, (proc.number, edge.label, box, page.width)


def _overlaps_number(box: tuple[float, float, float, float], node: Node) -> bool:
    nb = (node.x, node.y - NUMBER_HEIGHT, 2.0 + NUMBER_DIGIT * len(str(node.number)), NUMBER_HEIGHT)
    return box[0] < nb[0] + nb[2] and nb[0] < box[0] + box[2] and box[1] < nb[1] + nb[3] and nb[1] < box[1] + box[3]


def test_a_label_prefers_the_channel_to_the_step_number(sample_library: Library) -> None:
    proc = sample_library.procedure("P.SMLTI 25")
    assert proc is not None
    page = layout(proc).pages[0]
    edge = next(e for e in page.edges if e.label == "Tidak tercapai")
    assert edge.label_at is not None
    box = label_box(edge.label_at, edge.label_anchor, edge.printed_label)
    assert not any(_overlaps_number(box, n) for n in page.nodes)
    assert box[0] >= 0


def test_page_break_pairs_connectors(email: Procedure) -> None:
    result = layout(email, rows_per_page=3)
    assert len(result.pages) == 3
    check_geometry(email, result)
    first = result.pages[0].offpage
    assert [(o.label, o.direction, o.other_page) for o in first] == [("A", "out", 2)]
    assert ("A", "in", 1) in [(o.label, o.direction, o.other_page) for o in result.pages[1].offpage]


def test_lane_order_can_be_given(email: Procedure) -> None:
    result = layout(email, lanes=["kabid_iki", "pemohon"])
    assert result.lanes == ["kabid_iki", "pemohon", "kepala_pusdatin", "staf_iki"]
    check_geometry(email, result)


def test_plain_variant_has_one_column(email: Procedure) -> None:
    result = layout(email, swimlanes=False)
    assert len(result.pages[0].lanes) == 1
    assert {n.lane for n in result.pages[0].nodes} == {0}
    check_geometry(email, result)


def test_max_height_breaks_pages(email: Procedure) -> None:
    tall = layout(email)
    short = layout(email, max_height=tall.pages[0].height / 2)
    assert len(short.pages) > 1
    assert all(page.height <= tall.pages[0].height / 2 + 60 for page in short.pages)
    check_geometry(email, short)


def test_deterministic(email: Procedure) -> None:
    a, b = layout(email, rows_per_page=3), layout(email, rows_per_page=3)
    assert [(p.nodes, p.edges) for p in a.pages] == [(p.nodes, p.edges) for p in b.pages]


def test_wrap_fits_width() -> None:
    text = "Mengirimkan memo pemenuhan permintaan kepada unit kerja pemohon, dilengkapi Form Kesediaan"
    lines = wrap(text, 90)
    assert len(lines) > 2
    assert all(text_width(line) <= 90 for line in lines)
    assert " ".join(lines) == text
    assert text_width("WWW") > text_width("iii")
    assert all(text_width(part) <= 30 for part in wrap("Pertanggungjawaban", 30))


# -- random flows -----------------------------------------------------------------------------------


@st.composite
def flows(draw: Any) -> Procedure:
    """A random flow: up to 60 steps over up to 7 roles, decisions jumping forward and back."""
    n = draw(st.integers(min_value=2, max_value=60))
    roles = [f"r{i}" for i in range(draw(st.integers(min_value=1, max_value=7)))]
    steps: list[dict[str, Any]] = []
    ids = [f"s{i}" for i in range(n)]
    for i in range(n):
        kind = "process"
        if i == 0:
            kind = "start"
        elif i == n - 1:
            kind = "end"
        else:
            kind = draw(st.sampled_from(["process", "process", "decision", "io"]))
        words = draw(st.integers(min_value=1, max_value=14))
        step: dict[str, Any] = {
            "id": ids[i],
            "kind": kind,
            "actor": draw(st.sampled_from(roles)),
            "do": " ".join(["Memeriksa", "kelengkapan", "berkas", "permohonan"] * 4)[: words * 9],
        }
        if kind == "decision":
            k = draw(st.integers(min_value=2, max_value=3))
            targets = draw(st.lists(st.sampled_from(ids), min_size=k, max_size=k, unique=True))
            step["exits"] = [{"label": f"L{j}", "to": t} for j, t in enumerate(targets)]
        elif kind != "end" and draw(st.integers(0, 4)) == 0:
            step["next"] = draw(st.sampled_from(ids))
        steps.append(step)
    return Procedure.model_validate({"number": "P.X 01", "title": "Acak", "steps": steps})


@settings(max_examples=int(os.environ.get("PROSEDUR_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(proc=flows(), rows=st.sampled_from([13, 5, 60]), lanes=st.booleans())
def test_random_flows_are_clean(proc: Procedure, rows: int, lanes: bool) -> None:
    check_geometry(proc, layout(proc, rows_per_page=rows, swimlanes=lanes))
