"""Server-side SVG charts: well-formed, deterministic, escaped, accessible, proportional."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from prosedur.iso20000.charts import Bar, Series, bar_chart, line_chart

NS = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script> & "kutip"'


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_bar_chart_is_accessible_and_proportional() -> None:
    svg = bar_chart([Bar("Bidang IKI", 50, "5/10"), Bar("PUSDATIN", 100)], title="Tingkat pemahaman")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.find(f"{NS}title").text == "Tingkat pemahaman"  # type: ignore[union-attr]
    desc = root.find(f"{NS}desc").text or ""  # type: ignore[union-attr]
    assert "Bidang IKI: 50% (5/10)" in desc and "PUSDATIN: 100%" in desc
    fills = [r for r in root.iter(f"{NS}rect") if r.get("fill") == "#0b5cad"]
    widths = [float(r.get("width", "0")) for r in fills]
    assert len(widths) == 2 and widths[1] == 2 * widths[0] > 0


def test_bar_values_are_clamped_to_the_axis() -> None:
    root = parse(bar_chart([Bar("a", 250), Bar("b", -5)], title="t"))
    track, full = [float(r.get("width", "0")) for r in root.iter(f"{NS}rect") if r.get("fill") == "#eef2f6"][0], \
        [float(r.get("width", "0")) for r in root.iter(f"{NS}rect") if r.get("fill") == "#0b5cad"]
    assert full == [track, 0.0]


def test_labels_are_escaped_everywhere() -> None:
    for svg in (bar_chart([Bar(EVIL, 10, EVIL)], title=EVIL),
                line_chart([Series(EVIL, (1.0, 2.0))], [EVIL, "W2"], title=EVIL)):
        assert "<script>" not in svg
        root = parse(svg)  # well-formed despite the quotes and ampersand
        assert root.find(f"{NS}title").text == EVIL  # type: ignore[union-attr]


def test_charts_are_deterministic() -> None:
    bars = [Bar("x", 33.333), Bar("y", 66.667)]
    assert bar_chart(bars, title="t") == bar_chart(list(bars), title="t")
    series = [Series("a", (0.0, 50.0, None, 100.0))]
    assert line_chart(series, ["1", "2", "3", "4"], title="t") == line_chart(series, ["1", "2", "3", "4"], title="t")


def test_line_chart_breaks_at_missing_weeks_and_maps_values() -> None:
    root = parse(line_chart([Series("IKI", (0.0, 100.0, None, 50.0, 50.0))], ["W1", "W2", "W3", "W4", "W5"],
                            title="Mingguan", height=240))
    lines = list(root.iter(f"{NS}polyline"))
    assert len(lines) == 2  # W1-W2, then W4-W5
    first = [tuple(map(float, p.split(","))) for p in (lines[0].get("points") or "").split()]
    (x0, y0), (x1, y1) = first
    assert x1 > x0 and y1 < y0  # 100 % is drawn higher than 0 %
    assert len(list(root.iter(f"{NS}circle"))) == 4
    legend = [t.text for t in root.iter(f"{NS}text")]
    assert "IKI" in legend


def test_series_are_told_apart_without_colour() -> None:
    root = parse(line_chart([Series("a", (1.0, 2.0)), Series("b", (2.0, 3.0))], ["1", "2"], title="t"))
    dashes = {p.get("stroke-dasharray") for p in root.iter(f"{NS}polyline")}
    assert len(dashes) == 2


@given(st.lists(st.tuples(st.text(max_size=40), st.floats(-1e6, 1e6)), max_size=12))
def test_any_input_gives_well_formed_svg(items: list[tuple[str, float]]) -> None:
    text_ok = items  # control characters included: they are dropped, never break the XML
    root = parse(bar_chart([Bar(lbl, v) for lbl, v in text_ok], title="t"))
    assert root.tag == f"{NS}svg"
    root = parse(line_chart([Series(lbl, (v, None, v)) for lbl, v in text_ok[:5]], ["a", "b", "c"], title="t"))
    assert root.tag == f"{NS}svg"
