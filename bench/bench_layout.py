"""Flowchart layout + SVG versus Graphviz `dot` (one cluster per role) on synthetic flows.

Prints, per flow size: our time (median ms), crossings, bends, connector-shape intersections and
lane-order violations (both must be 0), next to `dot -Tjson` time and its lane-order violations
(a lane is violated when its cluster's x range overlaps another's or the clusters' left-to-right
order differs from the role order). Usage: python bench/bench_layout.py [repeats]
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time

from prosedur.flow.graph import edges
from prosedur.flow.layout import layout
from prosedur.model import Procedure
from prosedur.render.svg import render_flowchart
from prosedur.synth import synthetic_procedure


def ours(proc: Procedure, repeats: int) -> tuple[float, dict[str, int]]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        render_flowchart(proc)
        times.append(time.perf_counter() - start)
    m = layout(proc).metrics
    return statistics.median(times) * 1000, {
        "crossings": m.crossings,
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


def graphviz(proc: Procedure, repeats: int) -> tuple[float, int]:
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
    return statistics.median(times) * 1000, violations


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    have_dot = shutil.which("dot") is not None
    print(f"{'steps':>5} {'ours ms':>8} {'cross':>5} {'bends':>5} {'hits':>4} {'lane':>4} | {'dot ms':>8} {'dot lane':>8}")
    for k in (10, 25, 50, 200):
        proc = synthetic_procedure(k, seed=k)
        ms, m = ours(proc, repeats)
        dot_ms, dot_lane = graphviz(proc, max(3, repeats // 5)) if have_dot else (float("nan"), -1)
        print(
            f"{k:>5} {ms:>8.2f} {m['crossings']:>5} {m['bends']:>5} {m['hits']:>4} {m['lane']:>4} | "
            f"{dot_ms:>8.1f} {dot_lane:>8}"
        )


if __name__ == "__main__":
    main()
