"""The structured editor's live preview: parse + lint + layout + SVG of one procedure, in-process.

    python bench/bench_preview.py [--steps 50] [--runs 200]

Each run starts from the YAML text (as the web preview does after turning the form into source),
so it times `load_procedure_text`, `lint_procedure`, and `render_flowchart_single` (layout + SVG).
Prints p50/p95/max in milliseconds per stage and in total. Target: total p95 under 20 ms for 50 steps.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from pathlib import Path

from prosedur.lint import lint_procedure
from prosedur.load import load_procedure_text
from prosedur.model import Library, LibraryInfo
from prosedur.render.svg import render_flowchart_single
from prosedur.serialize import serialize_procedure
from prosedur.synth import _library_info, synthetic_procedure


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    proc = synthetic_procedure(args.steps, seed=1)
    text = serialize_procedure(proc)
    info = LibraryInfo.model_validate(_library_info())
    stages: dict[str, list[float]] = {"parse": [], "lint": [], "svg": [], "total": []}
    for i in range(args.runs + 10):
        gc.collect()
        t0 = time.perf_counter()
        parsed = load_procedure_text(text, "<preview>")
        t1 = time.perf_counter()
        library = Library(root=Path("."), info=info, procedures=[parsed])
        lint_procedure(parsed, library)
        t2 = time.perf_counter()
        svg = render_flowchart_single(parsed, library)
        t3 = time.perf_counter()
        if i < 10:  # warm-up
            continue
        for key, value in (("parse", t1 - t0), ("lint", t2 - t1), ("svg", t3 - t2), ("total", t3 - t0)):
            stages[key].append(value * 1000)
    print(f"preview of a {args.steps}-step procedure ({len(text):,} bytes YAML, {len(svg):,} bytes SVG), "
          f"{args.runs} runs")
    for key, values in stages.items():
        print(f"  {key:<6} p50 {statistics.median(values):6.2f} ms   p95 {pct(values, 0.95):6.2f} ms   "
              f"max {max(values):6.2f} ms")
    verdict = "OK" if pct(stages["total"], 0.95) < 20 else "SLOWER THAN TARGET"
    print(f"target total p95 < 20 ms: {verdict}")


if __name__ == "__main__":
    main()
