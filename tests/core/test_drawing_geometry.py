"""The drawing as a draughtsman checks it (tests/core/geometry_check.py), on every sample procedure,
the PermenPAN-RB samples and synthetic stress charts of 25/60/120 steps on 6/8/10 lanes — for the
document's flowchart and for the SOP table's drawing alike.

Hard rules (none may occur anywhere): two lines sharing a stretch, two exits from one point of a
decision, a line entering a decision at an exit's vertex, a label over a shape or another label or
off the drawing, lanes out of order, a sheet under three steps. Every crossing is drawn with a hop
(checked on the layout objects and on rendered SVG). On the document's chart every exit label is
also clear of lines, lane borders and step numbers and beside its first segment (room is made for
it), on every sample and on the 25-, 60- and 120-step stress charts (the last in 44 pt lanes); the
label clearances that routing does not yet reach everywhere in narrow SOP columns are held to a
ceiling: the test fails when they grow.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from geometry_check import crossings, diamond_text_problems, hop_arcs, page_ref_problems, problems  # noqa: E402

from prosedur.flow.layout import (  # noqa: E402
    CONNECTOR_H,
    DIAMOND_RATIO,
    LABEL_SIZE,
    PAGE_REF_SIZE,
    ROW_GAP,
    TERMINATOR_RATIO,
    Layout,
    _layout,
    crossing_points,
    diamond_reach,
    gapped_pieces,
    hop_path,
    label_box,
    lane_widths,
    layout,
    page_ref_box,
    page_ref_spot,
    page_ref_words,
)
from prosedur.load import load_library  # noqa: E402
from prosedur.model import Library, Procedure  # noqa: E402
from prosedur.render.document import document_view  # noqa: E402
from prosedur.render.sop import LABEL_MM, PT, SopLayout, page_svg, sop_layout  # noqa: E402
from prosedur.render.svg import _max_height, render_flowchart, role_titles  # noqa: E402
from prosedur.synth import hard_text_procedure, synthetic_procedure  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
STRESS = ((25, 6), (60, 8), (120, 10))
HARD = ("share a segment", "two exits leave", "at an exit vertex", "overlaps shape", "overlaps label",
        "leaves the drawing", "lane order")
# known residuals of label placement (counted over the whole corpus); lower these as routing improves.
# 27/111 on the routing branch; 30/159 merged with the 7 pt labels, wide diamonds and ovals; 23/100 with
# hyphenated two-line labels, a label weighed by how many rules cut it, spots past a stub's bend and
# channels meeting a connector above or below its page text (2 of the 100). 46 of the 100 are 7 pt SOP labels
# across a lane rule: beside a line down the middle of a 30 pt (10-lane) column there are 12 pt, and
# "Tidak" alone is 20 pt wide at 7 pt (a trade-off of the legible size; the ceiling is not raised for it)
# Per drawing since the document's chart makes room for its labels (row gaps under a decision, wider
# side margins, spots down a channel, a break after "/"): its samples and 25/60-step charts have none;
# the 10-lane chart had 21 by exits in its 44 pt lanes, most of them bottom exits beside a line down a
# lane's middle (18.5 pt each side; "Sesuai", "Layak" are 22-24 pt at 7 pt and hyphenate no narrower);
# 5 since such an exit turns aside under its diamond, its label under the turn (`_jogged_exit`), and a
# gap is made where the line is too short to turn or a stub's label needs two lines past the border.
# The 5 left: two stubs whose gap the other exit's line crosses, three side exits into a crowded margin
# channel. 6 with sheets cut by their real height (the 120-step chart on 24 sheets, was 30): fuller sheets
# bring more loop-backs onto one sheet (s58/s60 "Tidak lengkap" into one crowded channel).
# 0 since room is made for those six as a draughtsman would: a turn aside gets the row gap that takes the
# other exit's line across below its label (`_turn_room`; sheets 1 and 13); a side exit's label stands in
# the margin past the channel line that crosses its first segment (sheets 12 and 18, 7+ lanes only); a
# side exit into a crowded channel leaves the free bottom vertex, its label beside the stub (`_drop_room`,
# sheet 12); a turn back under a connector in a short gap runs in as short as its arrowhead allows
# (JOG_SHORT, sheet 11); and on 7+ lanes a label's margin never narrows every lane (`_narrowed`).
# A label across the lanes' outer frame is counted apart (FRAME_CEILING): none on the samples; on the
# stress charts 11 -> 10 before the checker counted them, 9 since a page whose labels' margins are given
# back (`_narrowed`) is built again asking for row gaps and free bottom vertices instead (60 steps sheet 3:
# "Ditolak" now leaves s16's bottom vertex, its label in the lane). The 9 left are side exits of a diamond
# whose side vertex lies 2 pt inside the frame (the outer lane's diamond reaches its edge), its bottom
# vertex taken and the margin full of channel tracks at the label's height: "Sesuai" is 24 pt (20 pt
# hyphenated) where the frame and the exit's channel leave 7; a clean spot needs 13 pt or more of margin
# past the chart's, which narrows every lane (tried before: 44.25 -> 42.5 pt, a sheet more at 120 steps).
# The SOP table's labels search every spot beside their leg inside one cell, its rows grow where a label
# finds none, its lanes are at least 13 mm wide: SOP 17/66 -> 3/62 (of the 62, 43 across a lane rule:
# 8- and 10-lane labels beside a line down a column's middle; 17 mm lanes would leave 37, see sop.MIN_LANE).
# The hard-text procedure (synth.hard_text_procedure) adds 2 on its SOP pages (8 lanes), none on its chart.
# SOP stress 64 -> 37 with Pelaksana columns at least 17 mm (Kegiatan and Mutu Baku give up width at 8-10 lanes).
# SOP 3/37 -> 2/14 where the line makes room for a label that fits no row height: a bottom exit turns aside
# under its diamond (`_jogged_exit`), a side exit into an off-page connector takes its channel across the
# column rule (`_channel_across`), a label sits under the bend of a short drop. Of the 14, 11 are at
# decisions in the first column (a left exit's channel beside the table's edge, a line into the top vertex).
# SOP 2/14 -> 1/13 since such a decision's exit leaves its free right vertex where no line runs across
# that gutter, else its free bottom vertex, its label beside the drop (P.SMLTI 20 "Ditolak"; SOP crossings
# unchanged: 108 on this corpus, 241 on 12 other synthetic SOPs). Left: the other vertices taken, or
# the way right would cross a line.
CEILING = {("samples", "sop"): 1, ("stress", "sop"): 13, ("samples", "doc"): 0, ("stress", "doc"): 0}
FRAME = "crosses the lanes' frame"
FRAME_CEILING = {"samples": 0, "stress": 9}


def _kind(problem: str) -> str:
    for key in (*HARD, "overlaps line", "crosses lane border", FRAME, "crosses row border", "not beside",
                "off a vertex", "step number"):
        if key in problem:
            return key
    return problem


def _doc(proc: Procedure, library: Library | None) -> Layout:
    return layout(proc, lane_titles=role_titles(proc, library), max_height=_max_height(proc, True))


def _row_rules(sop: SopLayout, page) -> list[float]:  # noqa: ANN001 - a SopPage
    """The y (pt) of the table's row rules inside the Pelaksana cell of a page."""
    ys, y = [], page.top_band
    if page.top_band:
        ys.append(y * PT)
    for row in page.rows[:-1]:
        y += row.height
        ys.append(y * PT)
    if page.bottom_band:
        ys.append((page.lanes_height - page.bottom_band) * PT)
    return ys


def _sop_problems(sop: SopLayout, page) -> list[str]:  # noqa: ANN001 - a SopPage
    """The checker's problems on one SOP page's drawing: 7 pt labels, its row rules, the Pelaksana width."""
    assert page.flow is not None
    return problems(page.flow, LABEL_MM * PT, row_lines=_row_rules(sop, page), numbered=False,
                    bounds=(0.0, sop.lane_width * len(sop.actors) * PT))


def _corpus() -> list[tuple[str, Procedure, Library | None]]:
    out: list[tuple[str, Procedure, Library | None]] = []
    for folder in ("smlti", "permenpan"):
        library, issues = load_library(ROOT / "examples" / folder)
        assert not issues, [i.format() for i in issues]
        out += [("samples", proc, library) for proc in library.procedures]
    out += [("stress", synthetic_procedure(k, seed=k, lanes=lanes), None) for k, lanes in STRESS]
    out.append(("stress", hard_text_procedure(), None))  # 200-character title, 400-character step, 60-character roles, a URL
    return out


@pytest.fixture(scope="module")
def checked() -> dict[str, list[tuple[str, str]]]:
    """Every problem of every chart: {corpus: [(chart, problem)]}, plus the hard checks' inputs."""
    found: dict[str, list[tuple[str, str]]] = {"samples": [], "stress": []}
    for corpus, proc, library in _corpus():
        doc = _doc(proc, library)
        for page in doc.pages:
            found[corpus] += [(f"{proc.number} doc {page.number} ({len(doc.lanes)} lanes)", p)
                              for p in problems(page, LABEL_SIZE, bounds=(0.0, page.width))]
        steps = [len({n.step for n in page.nodes if n.step}) for page in doc.pages]
        if len(proc.steps) > 3 and len(steps) > 1 and min(steps) < 3:
            found[corpus].append((f"{proc.number} doc", f"unbalanced sheets {steps}"))
        sop = sop_layout(document_view(proc, library), proc)
        for page in sop.pages:
            found[corpus] += [(f"{proc.number} sop {page.number}", p) for p in _sop_problems(sop, page)]
        rows = [len(page.rows) for page in sop.pages]
        if len(rows) > 1 and min(rows) < 3:
            found[corpus].append((f"{proc.number} sop", f"unbalanced sheets {rows}"))
    return found


def test_no_hard_defect_anywhere(checked: dict[str, list[tuple[str, str]]]) -> None:
    hard = [f"{chart}: {p}" for items in checked.values() for chart, p in items
            if _kind(p) in HARD or p.startswith("unbalanced")]
    assert not hard, "\n".join(hard[:30])


MORE_SEEDS = [(k, seed, lanes) for k in (60, 120) for lanes in (9, 10) for seed in (1, 2, 3)]


def test_no_hard_defect_on_more_nine_and_ten_lane_charts() -> None:
    """The document's chart of other 9- and 10-lane synthetic procedures has no hard defect either
    (their label residuals are not held). On synthetic_procedure(120, seed=2, lanes=9) sheet 16 (with
    lanes of one width: lanes=10, sheet 17) three lines enter decision s88's top vertex, two of them
    from the right channel: the second goes over the level line and the line from above, round the
    diamond and into its free left vertex (it shared the level line's last stretch before)."""
    hard, around = [], 0
    for k, seed, lanes in MORE_SEEDS:
        for page in _doc(synthetic_procedure(k, seed=seed, lanes=lanes), None).pages:
            hard += [f"{k}/{seed}/{lanes} doc {page.number}: {p}" for p in problems(page, LABEL_SIZE, bounds=(0.0, page.width))
                     if _kind(p) in HARD]
            nodes = {n.id: n for n in page.nodes}
            for e in page.edges:
                t = nodes[e.target]
                if t.kind == "decision" and e.points[-1] in ((t.x, t.cy), (t.x + t.w, t.cy)):
                    (xa, ya), (xb, yb) = e.points[-3:-1]
                    if xa == xb and ya < t.y and yb == t.cy:  # down beside the diamond from above its row
                        around += 1
                        assert not any(x.source == t.id and x.points[0] == e.points[-1] for x in page.edges)
    assert not hard, "\n".join(hard[:30])
    assert around >= 1  # the case above is drawn (and checked)


def test_exits_leave_from_vertices_and_labels_keep_off_lines(checked: dict[str, list[tuple[str, str]]]) -> None:
    """Everywhere each exit has a vertex of its own; on the samples no label lies over a line."""
    bad = [f"{chart}: {p}" for items in checked.values() for chart, p in items if _kind(p) == "off a vertex"]
    bad += [f"{chart}: {p}" for chart, p in checked["samples"] if _kind(p) == "overlaps line"]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(("corpus", "drawing"), list(CEILING))
def test_label_clearance_residuals_do_not_grow(checked: dict[str, list[tuple[str, str]]], corpus: str,
                                               drawing: str) -> None:
    soft = Counter(_kind(p) for chart, p in checked[corpus]
                   if _kind(p) not in (*HARD, FRAME) and f" {drawing} " in chart)
    assert sum(soft.values()) <= CEILING[(corpus, drawing)], dict(soft)


@pytest.mark.parametrize("corpus", list(FRAME_CEILING))
def test_labels_across_the_lanes_frame_do_not_grow(checked: dict[str, list[tuple[str, str]]], corpus: str) -> None:
    """A label across the lanes' outer frame (drawn as a line) is held to its own ceiling: none on the
    samples, the document's chart's side exits out of a wide diamond in an outer lane on the stress
    charts (see FRAME_CEILING's comment); the SOP's labels stay inside its table (off the drawing is hard)."""
    across = [f"{chart}: {p}" for chart, p in checked[corpus] if _kind(p) == FRAME]
    assert len(across) <= FRAME_CEILING[corpus], "\n".join(across)
    assert not [a for a in across if " sop " in a]


def test_document_chart_labels_are_clear_up_to_ten_lanes(checked: dict[str, list[tuple[str, str]]]) -> None:
    """The document's chart leaves no label on a line, a lane border or a step number, nor away from
    its first segment, on any sample and on the stress charts of 6, 8 and 10 lanes (across the outer
    frame: FRAME_CEILING)."""
    bad = [f"{chart}: {p}" for items in checked.values() for chart, p in items
           if " doc " in chart and _kind(p) not in (*HARD, FRAME)]
    assert not bad, "\n".join(bad)


def test_bottom_exits_in_narrow_lanes_turn_aside_with_their_label_clean() -> None:
    """On the 10-lane chart (44 pt lanes) a decision's bottom exit whose label fits neither side of a
    line down the lane's middle turns aside under the diamond: a stub, a turn to near its lane's
    border, and on. Each such exit leaves the bottom vertex, stays in its lane until it turns back or
    into its target's side, and its label is clean and inside that lane; one that turns back under
    its target's top runs into it at least as long as its arrowhead and a little line (JOG_SHORT)."""
    from prosedur.flow.layout import JOG_DROP, JOG_IN, JOG_SHORT

    turned = back = 0
    for page in [page for seed in (120, 1) for page in _doc(synthetic_procedure(120, seed=seed, lanes=10), None).pages]:
        nodes = {n.id: n for n in page.nodes}
        found = problems(page, LABEL_SIZE, bounds=(0.0, page.width))
        for e in page.edges:
            s = nodes[e.source]
            if len(e.points) < 4:
                continue
            (x0, y0), (x1, y1), (x2, y2) = e.points[:3]
            if s.kind != "decision" or (x0, y0) != (s.cx, s.y + s.h) or (x1, y1) != (x0, y0 + JOG_DROP) or y2 != y1:
                continue
            turned += 1
            lane = next(lane for lane in page.lanes if lane.x <= x0 < lane.x + lane.width)
            assert min(abs(x2 - lane.x), abs(lane.x + lane.width - x2)) == pytest.approx(JOG_IN)
            assert e.label and e.label_at
            box = label_box(e.label_at, e.label_anchor, e.printed_label, LABEL_SIZE)
            assert lane.x <= box[0] and box[0] + box[2] <= lane.x + lane.width
            name = f"label {e.label!r} ({e.source}->{e.target})"
            assert not [p for p in found if p.startswith(name)]
            (xa, ya), (xb, yb) = e.points[-2:]
            if len(e.points) == 6 and xa == xb == x0:  # back under the target: its last run straight down
                back += 1
                assert yb - ya >= JOG_SHORT, (e.source, e.target, yb - ya)
    assert back >= 1, back
    # 13 of them on 30 sheets, 9 on the fuller 24, 7 with the edge lanes wider (two seeds): never vacuous
    assert turned >= 8, turned

def test_every_crossing_gets_a_hop_in_the_path() -> None:
    for k, lanes in STRESS:
        proc = synthetic_procedure(k, seed=k, lanes=lanes)
        for page in _doc(proc, None).pages:
            hops = crossing_points(page)
            assert sum(len(v) for v in hops.values()) == len(crossings(page))
            for index, edge in enumerate(page.edges):
                d = hop_path(edge.points, hops.get(index, []), 3.0)
                assert d.count("A") == len(hops.get(index, [])), (edge.source, edge.target)


def test_hops_are_drawn_in_the_rendered_chart_and_sop() -> None:
    proc = synthetic_procedure(60, seed=60, lanes=8)
    pages = render_flowchart(proc)
    result = _doc(proc, None)
    expected = sum(len(crossings(page)) for page in result.pages)
    assert expected > 0  # the stress chart has crossings to prove it on
    assert sum(hop_arcs(svg) for svg in pages) == expected
    sop = sop_layout(document_view(proc, None), proc)
    drawn = sum(hop_arcs(page_svg(sop, page, "id")) for page in sop.pages)
    assert drawn == sum(len(crossings(page.flow)) for page in sop.pages if page.flow is not None) > 0


def test_the_checker_catches_what_it_claims() -> None:
    """The checker is no rubber stamp: a shared stretch, a label on a line and an exit off its own
    vertex planted into a clean page are each reported."""
    from dataclasses import replace

    proc = synthetic_procedure(25, seed=25, lanes=6)
    page = _doc(proc, None).pages[0]
    assert not [p for p in problems(page, LABEL_SIZE) if _kind(p) in HARD]
    a = page.edges[0]
    twin = replace(a, source="x", target="y")
    page.edges.append(twin)
    assert any("share a segment" in p for p in problems(page, LABEL_SIZE))
    page.edges.pop()
    labelled = next(k for k, e in enumerate(page.edges) if e.label)
    e = page.edges[labelled]
    other = next(o for o in page.edges if o is not e and len(o.points) > 1)
    on_line = replace(e, label_at=((other.points[0][0] + other.points[1][0]) / 2 - 2,
                                   (other.points[0][1] + other.points[1][1]) / 2 + 2))
    page.edges[labelled] = on_line
    assert any("overlaps line" in p or "overlaps shape" in p for p in problems(page, LABEL_SIZE))
    page.edges[labelled] = e
    decision = next(n for n in page.nodes if n.kind == "decision")
    exits = [k for k, x in enumerate(page.edges) if x.source == decision.id]
    first, second = page.edges[exits[0]], page.edges[exits[1]]
    page.edges[exits[1]] = replace(second, points=(first.points[0], *second.points[1:]))
    assert any("two exits" in p for p in problems(page, LABEL_SIZE))


def test_every_crossing_gets_a_gap_in_the_docx_flowchart() -> None:
    """DrawingML has no arc in a connector: the DOCX flowchart breaks the horizontal line instead."""
    for k, lanes in STRESS:
        proc = synthetic_procedure(k, seed=k, lanes=lanes)
        for page in _doc(proc, None).pages:
            hops = crossing_points(page)
            for index, edge in enumerate(page.edges):
                pieces = gapped_pieces(edge.points, hops.get(index, []), 1.8 * PT)
                assert len(pieces) - 1 == len(hops.get(index, [])), (proc.number, edge.source, edge.target)


def test_connector_page_text_stays_in_its_lane() -> None:
    """Every off-page connector's "lanjut ke / hlm. 99" ("cont. on / p. 99") lies inside its lane and
    off every line, shape and exit label, in both languages: beside the connector where its lane has
    room, broken or under / over it where it has not (P.SMLTI 18 sheet 2 printed "lanjut ke" across
    the next lane's border); never smaller than 7 pt."""
    bad: list[str] = []
    sides: Counter[int] = Counter()
    for _name, proc, library in _corpus():
        for lang in ("id", "en"):
            chart = layout(proc, lane_titles=role_titles(proc, library, lang), max_height=_max_height(proc, True),
                           lang=lang)
            for page in chart.pages:
                bad += [f"{proc.number} {lang} {page.number}: {p}" for p in page_ref_problems(page, lang)]
                for node in page.nodes:
                    if node.kind == "offpage":
                        lane = page.lanes[node.lane]
                        ref = next(o for o in page.offpage if o.node == node.id)
                        sides[page_ref_spot(node, lane.x, lane.width, ref.direction, lang).side] += 1
    assert PAGE_REF_SIZE >= 7.0
    assert not bad, "\n".join(bad[:30])
    assert sides[0] > 20 and sides[1] + sides[-1] > 20, sides  # both placements are drawn and checked


def test_the_page_text_check_catches_a_line_and_a_narrow_lane() -> None:
    """The connector check is no rubber stamp: a line planted through a connector's page text, and
    the text of a connector pushed to its lane's border, are reported."""
    from dataclasses import replace

    proc = synthetic_procedure(25, seed=25, lanes=6)
    page = next(pg for pg in _doc(proc, None).pages if any(n.kind == "offpage" for n in pg.nodes))
    assert not page_ref_problems(page)
    node = next(n for n in page.nodes if n.kind == "offpage")
    lane = page.lanes[node.lane]
    ref = next(o for o in page.offpage if o.node == node.id)
    box = page_ref_box(node, page_ref_spot(node, lane.x, lane.width, ref.direction, "id"), ("lanjut ke", "hlm. 99"))
    y = box[1] + box[3] / 2
    page.edges.append(replace(page.edges[0], source="x", target="y", points=((box[0] - 5, y), (box[0] + 5, y))))
    assert any("overlaps line x->y" in p for p in page_ref_problems(page))
    page.edges.pop()
    # a lane hardly wider than the connector: nothing fits beside it, and "lanjut ke" under it is wider still
    page.lanes[node.lane] = replace(lane, x=node.x - 3, width=node.w + 6)
    assert any("leaves its lane" in p for p in page_ref_problems(page))


def test_diamonds_near_two_to_one_and_ovals_wider_than_tall() -> None:
    """Every decision of the document's chart is DIAMOND_RATIO wide:tall with each text line inside
    its outline, and every terminator at least TERMINATOR_RATIO, on the samples and the stress charts
    (more seeds of 6-10 lanes too); in the SOP table as well. A decision in a lane at the chart's
    edge reaches inward only, its centre kept in its lane: there its lane is made wider for a long
    question (`lane_widths`). Only on 9-10 lanes, where the other lanes have no width to spare
    (LANE_MIN, 43 pt, keeps their exit labels clean), may such a diamond as wide as its lane allows
    stay taller, never below 1:1 (was 0.9:1, and on any number of lanes)."""
    charts = [(name, proc, library) for name, proc, library in _corpus()]
    charts += [("more", synthetic_procedure(k, seed=seed, lanes=lanes), None)
               for k, lanes in (*STRESS, (40, 7), (40, 9)) for seed in (1, 2)]
    bad: list[str] = []
    diamonds = edge = 0
    for _name, proc, library in charts:
        chart = _doc(proc, library)
        n_lanes = len(chart.lanes)
        for page in chart.pages:
            bad += [f"{proc.number} {page.number}: {p}" for p in diamond_text_problems(page, chart.font_size,
                                                                                       chart.line_height)]
            widths = [lane.width for lane in page.lanes]
            for node in page.nodes:
                ratio = node.w / node.h
                if node.kind in ("start", "end") and ratio < TERMINATOR_RATIO[0]:
                    bad.append(f"{proc.number} {node.id}: oval {ratio:.2f}:1")
                if node.kind != "decision":
                    continue
                diamonds += 1
                own = widths[node.lane]
                beside = (widths[node.lane - 1] if node.lane else 0.0, widths[node.lane + 1] if node.lane + 1 < n_lanes else 0.0)
                widest = diamond_reach(own, *beside)
                if (n_lanes >= 9 and 0.0 in beside and ratio < DIAMOND_RATIO[0] and node.w >= widest - own / 8):
                    edge += 1
                    if ratio < 1.0:
                        bad.append(f"{proc.number} {node.id}: edge diamond {ratio:.2f}:1")
                elif not DIAMOND_RATIO[0] <= ratio <= DIAMOND_RATIO[1]:
                    bad.append(f"{proc.number} {n_lanes} lanes {node.id}: diamond {ratio:.2f}:1 ({node.w} x {node.h})")
        sop = sop_layout(document_view(proc, library), proc)
        for sop_page in sop.pages:
            assert sop_page.flow is not None
            for node in sop_page.flow.nodes:
                ratio = node.w / node.h
                if node.kind == "decision" and not DIAMOND_RATIO[0] <= ratio <= DIAMOND_RATIO[1]:
                    bad.append(f"{proc.number} SOP {node.id}: diamond {ratio:.2f}:1")
                if node.kind in ("start", "end") and ratio < TERMINATOR_RATIO[0]:
                    bad.append(f"{proc.number} SOP {node.id}: oval {ratio:.2f}:1")
    assert not bad, "\n".join(bad[:30])
    # a ceiling, as CEILING: 13 of the 219 (with lanes of one width 23, down to 0.9:1)
    assert diamonds > 200 and edge <= 13, (diamonds, edge)


@pytest.fixture(scope="module")
def documents() -> list[tuple[Procedure, Library | None, Layout]]:
    return [(proc, library, _doc(proc, library)) for _corpus_name, proc, library in _corpus()]


def _meet(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _page_text_box(page, node) -> tuple[float, float, float, float]:  # noqa: ANN001 - a Page, a Node
    """The box of an off-page connector's "lanjut ke / hlm. 99", placed by the layout's rule."""
    lane = page.lanes[node.lane]
    ref = next(o for o in page.offpage if o.node == node.id)
    spot = page_ref_spot(node, lane.x, lane.width, ref.direction, "id")
    return page_ref_box(node, spot, spot.lines(page_ref_words(ref.direction, "id")[1].format(n=99)))


def test_connectors_sharing_a_row_keep_clear_of_each_other(documents: list[tuple[Procedure, Library | None, Layout]]) -> None:
    """Off-page connectors of a sheet share a row at its top and at its foot: no connector or its
    page text meets another symbol or another connector's page text (page_ref_problems checks the
    text against shapes, lines and labels; this adds text against text)."""
    clashes, shared = [], 0
    for proc, _library, doc in documents:
        for page in doc.pages:
            conns = [n for n in page.nodes if n.kind == "offpage"]
            shared += len(conns) - len({(n.id[:3], n.y) for n in conns})
            for node in conns:
                mine = [_page_text_box(page, node), (node.x, node.y, node.w, node.h)]
                for other in page.nodes:
                    if other is node:
                        continue
                    boxes = [(other.x, other.y, other.w, other.h)]
                    if other.kind == "offpage":
                        boxes.append(_page_text_box(page, other))
                    if any(_meet(box, own) for box in boxes for own in mine):
                        clashes.append(f"{proc.number} {page.number}: {node.id} / {other.id}")
    assert not clashes, clashes
    assert shared > 0  # the corpus does share rows (50 of its 194 connectors stand beside another)


def test_connectors_of_p_smlti_18_share_one_row_each(documents: list[tuple[Procedure, Library | None, Layout]]) -> None:
    """The sheets of the issue: on sheet 2 incoming A and B side by side at the top and outgoing C and D
    at the foot; on sheet 1 the four outgoing connectors on one row, B (its line round the left
    channel, its lane's place taken by A) in the free lane towards that channel."""
    doc = next(doc for proc, _library, doc in documents if proc.number == "P.SMLTI 18")
    for page, least in ((doc.pages[0], 4), (doc.pages[1], 2)):
        ins = [n for n in page.nodes if n.id.startswith("in:")]
        outs = [n for n in page.nodes if n.id.startswith("out:")]
        assert len(outs) >= least and len({n.y for n in outs}) == 1, [(n.id, n.lane, n.y) for n in outs]
        assert len({n.lane for n in outs}) == len(outs)
        assert len({n.y for n in ins}) <= 1
        steps = [n for n in page.nodes if n.step]
        assert max((n.y + n.h for n in ins), default=0.0) < min(n.y for n in steps)
        assert max(n.y + n.h for n in steps) < min(n.y for n in outs)
    assert len([n for n in doc.pages[1].nodes if n.id.startswith("in:")]) >= 2


def test_sheets_are_cut_by_the_height_they_will_have(documents: list[tuple[Procedure, Library | None, Layout]]) -> None:
    """The page cut foresees a sheet's rows of connectors: cut once at the chart's lane width, no sheet
    is taller than the page allows (so `layout` never cuts again shorter), and a sheet leaves no room
    for the next sheet's first step (with a row of connectors in and one out that it may bring)
    unless moving it would leave that sheet under three steps. (The cut before this counted one
    row per connector side: P.SMLTI 18 came out 644 pt tall, was cut again shorter, 5 sheets.)"""
    taller, loose = [], []
    for proc, library, doc in documents:
        limit = _max_height(proc, True)
        once = _layout(proc, lane_titles=role_titles(proc, library), max_height=limit,
                       widths=tuple(lane.width for lane in doc.pages[0].lanes))
        taller += [f"{proc.number} {page.number}: {page.height:.0f}" for page in [*once.pages, *doc.pages] if page.height > limit]
        for page, after in zip(doc.pages, doc.pages[1:], strict=False):
            steps = [n for n in after.nodes if n.step]
            first = max(n.h for n in steps if n.step == steps[0].step)
            if len({n.step for n in steps}) > 3 and page.height + first + 3 * ROW_GAP + 2 * CONNECTOR_H <= limit:
                loose.append(f"{proc.number} {page.number}: {page.height:.0f} + {first:.0f} of {limit:.0f}")
    assert not taller, taller
    assert not loose, loose


def test_sop_lines_make_room_for_labels_that_fit_no_row() -> None:
    """In the 17 mm Pelaksana columns of the 8- and 10-lane SOP tables a label too wide for the room
    beside its exit however tall the row gets room from its line: a bottom exit turns aside under its
    diamond (a stub, a turn to near the column rule, on down), and a side exit into an off-page
    connector takes its channel across the column rule. Each such exit's label is clean (no
    problem of the checker names it) and lies inside one column: the turned exit's own, the moved
    channel's next column."""
    from prosedur.flow.layout import JOG_DROP

    turned = across = 0
    for k, lanes in STRESS[1:]:
        proc = synthetic_procedure(k, seed=k, lanes=lanes)
        sop = sop_layout(document_view(proc, None), proc)
        lane_w = sop.lane_width * PT
        for page in sop.pages:
            assert page.flow is not None
            nodes = {n.id: n for n in page.flow.nodes}
            found = _sop_problems(sop, page)
            for e in page.flow.edges:
                s, pts = nodes[e.source], e.points
                if s.kind != "decision" or not e.label or not e.label_at or len(pts) < 4:
                    continue
                (x0, y0), (x1, y1), (x2, y2) = pts[:3]
                column = int(x0 // lane_w)
                if (x0, y0) == (s.cx, s.y + s.h) and (x1, y1) == (x0, y0 + JOG_DROP) and y2 == y1:
                    turned += 1
                    assert column * lane_w < x2 < (column + 1) * lane_w  # it turns inside its own column
                elif y0 == y1 == s.cy and x1 == x2 and int(x1 // lane_w) != column and e.target.startswith("out:"):
                    column = int(x1 // lane_w)
                    box = label_box(e.label_at, e.label_anchor, e.printed_label, LABEL_MM * PT)
                    rule = max(column, int(x0 // lane_w)) * lane_w
                    if not (box[1] - 4 < y0 < box[1] + box[3] + 4 and box[0] < max(x1, rule) and min(x1, rule) < box[0] + box[2]):
                        continue  # a channel the router put there, its label not over the stub
                    across += 1
                else:
                    continue
                box = label_box(e.label_at, e.label_anchor, e.printed_label, LABEL_MM * PT)
                assert column * lane_w < box[0] and box[0] + box[2] < (column + 1) * lane_w, (e.source, e.label)
                name = f"label {e.label!r} ({e.source}->{e.target})"
                assert not [p for p in found if p.startswith(name)]
    # 8 turned and 3 across (one of them the router's own, its label over the stub); none turned before
    assert turned >= 6 and across >= 2, (turned, across)  # the test is never vacuous


def test_lane_widths_follow_what_the_lanes_hold() -> None:
    """`lane_widths`: lanes that hold alike are equal; a lane that wants more gets it from those that
    want less, which keep their wants and floors; what a lane needs comes before what others want;
    the lanes never take more than their space, in quarter points."""
    assert lane_widths(500.0, [40.0] * 5, [0.0] * 5, [60.0] * 5) == (100.0,) * 5
    widths = lane_widths(500.0, [40.0] * 5, [0.0] * 5, [160.0, 50.0, 50.0, 90.0, 30.0])
    assert widths[0] == max(widths) > 100.0 and widths[3] >= 90.0 and min(widths) >= 50.0
    assert widths[1] == widths[2] == widths[4]  # alike once their wants are met
    assert sum(widths) <= 500.0 and all(w * 4 == int(w * 4) for w in widths)
    # every lane wants more than its share: the widest wants are cut back alike, the need is kept
    widths = lane_widths(440.0, [40.0] * 10, [56.0, *[0.0] * 8, 56.0], [47.0, *[46.0] * 8, 50.0])
    assert widths[0] == widths[-1] == 56.0 and min(widths) >= 40.0 and sum(widths) <= 440.0
    # needs that do not all fit are cut back with the wants, alike
    widths = lane_widths(440.0, [43.0] * 10, [57.5, *[0.0] * 8, 57.5], [43.0, 46.0, 46.0, *[43.0] * 7])
    assert widths == (45.5, 45.5, 45.5, *[43.0] * 6, 45.5)


def test_a_lane_with_long_text_is_wider_and_lanes_line_up(documents: list[tuple[Procedure, Library | None, Layout]]) -> None:
    """A draughtsman widens the lane that carries long text and narrows the lanes that carry little:
    the hard-text procedure's 400-character step stood 392 pt tall in a 62 pt lane when every lane
    had one width (63 % of a sheet); its lane is now the widest and the box under 40 %. A long question
    in the edge lane of the 10-lane chart widens that lane. On every chart each lane keeps its place
    and width from sheet to sheet, so the lanes line up when the sheets are laid side by side."""
    hard = next(doc for proc, _library, doc in documents if proc.title.startswith("Pengelolaan dan Pertanggungjawaban"))
    giant = max((n for page in hard.pages for n in page.nodes if n.step), key=lambda n: n.h)
    lanes = hard.pages[0].lanes
    assert lanes[giant.lane].width == max(lane.width for lane in lanes) > 1.3 * min(lane.width for lane in lanes)
    assert giant.h < 0.4 * _max_height(hard_text_procedure(), True), giant.h
    ten = _doc(synthetic_procedure(120, seed=120, lanes=10), None).pages[0].lanes
    assert ten[0].width > min(lane.width for lane in ten[1:-1]) and ten[-1].width > min(lane.width for lane in ten[1:-1])
    for proc, _library, doc in documents:
        first = [(lane.role, lane.x, lane.width) for lane in doc.pages[0].lanes]
        for page in doc.pages[1:]:
            assert [(lane.role, lane.x, lane.width) for lane in page.lanes] == first, (proc.number, page.number)


def test_a_first_column_decision_leaves_from_a_vertex_with_room_for_its_label() -> None:
    """P.SMLTI 20 step 4 (first column, "Diterima" out of its right vertex): "Ditolak" loops back up
    to step 2. A channel at the table's edge left its label no room between the channel and the line
    into the top vertex ("not beside its first segment"); the exit leaves the free bottom vertex
    instead, its label clean beside the drop inside the first column."""
    library, _issues = load_library(ROOT / "examples" / "smlti")
    proc = next(p for p in library.procedures if p.number == "P.SMLTI 20")
    sop = sop_layout(document_view(proc, library), proc)
    lane_w = sop.lane_width * PT
    seen = 0
    for page in sop.pages:
        assert page.flow is not None
        nodes = {n.id: n for n in page.flow.nodes}
        found = _sop_problems(sop, page)
        for e in page.flow.edges:
            if e.label != "Ditolak" or nodes[e.source].kind != "decision":
                continue
            s = nodes[e.source]
            seen += 1
            assert s.x + s.w < lane_w  # the first column's decision
            assert e.points[0] == (s.cx, s.y + s.h)  # its bottom vertex
            assert e.label_at is not None
            box = label_box(e.label_at, e.label_anchor, e.printed_label, LABEL_MM * PT)
            assert box[0] > 0 and box[0] + box[2] < lane_w
            assert not [p for p in found if "'Ditolak'" in p], found
    assert seen == 1
