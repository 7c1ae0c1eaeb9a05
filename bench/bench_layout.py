"""Flowchart layout + SVG versus Graphviz `dot` (one cluster per role) on synthetic flows.

Prints, per flow size: our time (median ms), crossings, bends, connector-shape intersections and
lane-order violations (both must be 0), next to `dot -Tjson` time, its crossings and its lane-order
violations (a lane is violated when its cluster's x range overlaps another's or the clusters'
left-to-right order differs from the role order). Usage: python bench/bench_layout.py [repeats]

Crossings are counted the same way for both: pairs of edges whose drawn paths intersect, where
neither end of the meeting is an end the two edges share (edges into one step may meet there).
Ours are counted per sheet of the printed chart; dot's splines are flattened into 8 pieces per
Bézier segment. The intersection test is a few lines of orientation arithmetic (no geometry library
is a dependency of the project for this alone).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time

from prosedur.flow.graph import edges
from prosedur.flow.layout import crossing_points, layout
from prosedur.model import Procedure
from prosedur.render.svg import render_flowchart
from prosedur.synth import synthetic_procedure


def ours(proc: Procedure, repeats: int) -> tuple[float, dict[str, int]]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        render_flowchart(proc)
        times.append(time.perf_counter() - start)
    result = layout(proc)
    m = result.metrics
    pairs = 0
    for page in result.pages:
        found: set[tuple[int, int]] = set()
        segments = {k: list(zip(e.points, e.points[1:], strict=False)) for k, e in enumerate(page.edges)}
        for k, points in crossing_points(page).items():
            for x, y in points:
                for j, segs in segments.items():
                    if j != k and any(a[0] == b[0] == x and min(a[1], b[1]) < y < max(a[1], b[1]) for a, b in segs):
                        found.add((min(j, k), max(j, k)))
        pairs += len(found)
    return statistics.median(times) * 1000, {
        "crossings": pairs,
        "bends": m.bends,
        "hits": m.connector_shape_intersections,
        "lane": m.lane_order_violations,
    }


def dot_source(proc: Procedure) -> str:
    lines = ["digraph G {", "rankdir=TB; newrank=true; node [shape=box, fontsize=8];"]
    for i, role in enumerate(proc.actors()):
        lines.append(f'subgraph cluster_{i} {{ label="{role}";')
        for step in proc.steps:
            if step.actor == role:
                shape = {"decision": "diamond", "start": "oval", "end": "oval", "io": "parallelogram"}.get(
                    step.kind.value, "box"
                )
                label = step.do.replace('"', "'")[:60]
                lines.append(f'"{step.id}" [shape={shape}, label="{label}"];')
        lines.append("}")
    ids = {s.id for s in proc.steps}
    for e in edges(proc):
        if e.target in ids:
            lines.append(f'"{e.source}" -> "{e.target}";')
    lines.append("}")
    return "\n".join(lines)


Pt = tuple[float, float]


def _bezier(points: list[list[float]], pieces: int = 8) -> list[Pt]:
    """A B-spline's control points (1 + 3k of them, as dot writes them) flattened to a polyline."""
    out: list[Pt] = [(points[0][0], points[0][1])]
    for i in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[i : i + 4]
        for step in range(1, pieces + 1):
            t = step / pieces
            u = 1 - t
            out.append((
                u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
            ))
    return out


def _cross(a: Pt, b: Pt, c: Pt, d: Pt) -> bool:
    """Do segments ab and cd properly intersect (each strictly separates the other's ends)?"""
    def orient(p: Pt, q: Pt, r: Pt) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    return orient(a, b, c) * orient(a, b, d) < 0 and orient(c, d, a) * orient(c, d, b) < 0


def _near(p: Pt, q: Pt, tol: float) -> bool:
    return abs(p[0] - q[0]) <= tol and abs(p[1] - q[1]) <= tol


def dot_crossings(data: dict) -> int:
    """Pairs of dot's edges whose drawn splines intersect away from an end they share."""
    lines: list[tuple[int, int, list[Pt]]] = []
    for e in data.get("edges", []):
        pts: list[Pt] = []
        for op in e.get("_draw_", []):
            if op.get("op") in ("b", "B"):
                pts += _bezier(op["points"])
        if len(pts) > 1:
            lines.append((e["tail"], e["head"], pts))
    count = 0
    for i, (t1, h1, p1) in enumerate(lines):
        for t2, h2, p2 in lines[i + 1 :]:
            shared = [p1[0] if t1 in (t2, h2) else None, p1[-1] if h1 in (t2, h2) else None]
            hit = False
            for a, b in zip(p1, p1[1:], strict=False):
                for c, d in zip(p2, p2[1:], strict=False):
                    if _cross(a, b, c, d) and not any(s is not None and (_near(a, s, 12) or _near(b, s, 12))
                                                      for s in shared):
                        hit = True
                        break
                if hit:
                    break
            count += hit
    return count


def graphviz(proc: Procedure, repeats: int) -> tuple[float, int, int]:
    src = dot_source(proc)
    times = []
    out = ""
    for _ in range(repeats):
        start = time.perf_counter()
        out = subprocess.run(["dot", "-Tjson"], input=src, capture_output=True, text=True, check=True).stdout
        times.append(time.perf_counter() - start)
    data = json.loads(out)
    ranges: dict[int, tuple[float, float]] = {}
    for obj in data.get("objects", []):
        name = obj.get("name", "")
        if name.startswith("cluster_") and "bb" in obj:
            x1, _y1, x2, _y2 = (float(v) for v in obj["bb"].split(","))
            ranges[int(name.split("_")[1])] = (x1, x2)
    order = [ranges[i] for i in sorted(ranges)]
    violations = 0
    for a, b in zip(order, order[1:], strict=False):
        if b[0] < a[1]:  # not strictly to the right of the previous lane
            violations += 1
    return statistics.median(times) * 1000, dot_crossings(data), violations


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    have_dot = shutil.which("dot") is not None
    print(f"{'steps':>5} {'ours ms':>8} {'cross':>5} {'bends':>5} {'hits':>4} {'lane':>4} | "
          f"{'dot ms':>8} {'dot cross':>9} {'dot lane':>8}")
    for k in (10, 25, 50, 200):
        proc = synthetic_procedure(k, seed=k)
        ms, m = ours(proc, repeats)
        dot_ms, dot_cross, dot_lane = graphviz(proc, max(3, repeats // 5)) if have_dot else (float("nan"), -1, -1)
        print(
            f"{k:>5} {ms:>8.2f} {m['crossings']:>5} {m['bends']:>5} {m['hits']:>4} {m['lane']:>4} | "
            f"{dot_ms:>8.1f} {dot_cross:>9} {dot_lane:>8}"
        )


if __name__ == "__main__":
    main()
