"""Whole-library build times against the targets: HTML+SVG for 500 procedures, every format, one edit.

Run: /work/venv/bin/python bench/bench_build.py [n] [--jobs J] [--full-sample K] [--langs id,en]
  n              procedures in the synthetic library (default 500, 10-40 steps each, seed 2)
  --full-sample  build every format for only K procedures (default 50) and scale to n, unless K >= n
Prints wall-clock seconds next to each target. Both languages are built unless --langs says otherwise,
as `prosedur build` does; the per-document numbers divide by (procedures x languages).
Last measured (docs/documents.md, "Build speed"): HTML+SVG of 500 cold 17.5-18.3 s with --jobs 2 on two
cores shared at load 2 (19 s before issue 10's speed work), over the 10 s target; one job's CPU 30.7 s (39.3 s).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from prosedur.site.build import ALL_FORMATS, LANGS, build, resolve_engine
from prosedur.synth import synthetic_library

TARGET_HTML_500 = 10.0
TARGET_ALL_500 = 150.0
TARGET_INCREMENTAL = 1.5


ENGINE = "auto"


def timed_build(root: Path, out: Path, jobs: int, formats: tuple[str, ...], langs: tuple[str, ...]) -> tuple[float, int]:
    start = time.perf_counter()
    report = build(root, out, jobs=jobs, formats=formats, langs=langs, pdf_engine=ENGINE)
    elapsed = time.perf_counter() - start
    if report.failed:
        first = next(iter(report.failed.items()))
        print(f"  ! {len(report.failed)} failed, first: {first[0]}: {first[1][:200]}")
    return elapsed, len(report.built)


def touch_one(root: Path) -> Path:
    """Edit one procedure the way an author would: new wording of its purpose, printed in the document."""
    path = sorted((root / "prosedur").glob("*.yaml"))[len(list((root / "prosedur").glob("*.yaml"))) // 2]
    text = path.read_text(encoding="utf-8")
    marker = "purpose: "
    assert marker in text, path
    path.write_text(text.replace(marker, f"{marker}(disunting {time.time():.0f}) ", 1), encoding="utf-8")
    return path


def line(name: str, seconds: float, target: float | None, note: str = "") -> None:
    verdict = "" if target is None else ("ok" if seconds <= target else "OVER")
    tgt = "" if target is None else f"{target:8.1f}"
    print(f"{name:<44} {seconds:9.2f} {tgt:>8} {verdict:>5}  {note}")


def charts_per_document(root: Path, out: Path, langs: tuple[str, ...]) -> str:
    """How often an all-formats build of the procedures at `root` asks for a chart layout, how many it lays out
    (prosedur.shared: one per chart and arguments) and how many passes of the engine those take (the
    fit loop), per procedure and language: counted in this process (jobs=1)."""
    from prosedur.flow import layout as engine

    counts = {"asked": 0, "made": 0, "passes": 0}
    originals = engine.layout, engine._fitted, engine._layout

    def counting(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return fn(*args, **kwargs)
        return wrapper

    engine._fitted = counting("made", engine._fitted)  # type: ignore[assignment]
    engine._layout = counting("passes", engine._layout)  # type: ignore[assignment]
    asked = counting("asked", engine.layout)
    import prosedur.render.drawingml as drawingml
    import prosedur.render.sop as sop
    import prosedur.render.svg as svg

    callers = (svg, drawingml, sop)
    for module in callers:
        module.layout = asked  # type: ignore[attr-defined]
    try:
        report = build(root, out, jobs=1, formats=ALL_FORMATS, langs=langs, pdf_engine=ENGINE, force=True)
    finally:
        engine.layout, engine._fitted, engine._layout = originals
        for module in callers:
            module.layout = engine.layout  # type: ignore[attr-defined]
    docs = max(1, len(report.built))
    return (f"layout() asked {counts['asked'] / docs:.1f}, laid out {counts['made'] / docs:.1f}, "
            f"engine passes {counts['passes'] / docs:.1f} per procedure and language")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--full-sample", type=int, default=50)
    parser.add_argument("--langs", default=",".join(LANGS))
    parser.add_argument("--skip-full", action="store_true")
    parser.add_argument("--pdf-engine", default="auto", choices=("auto", "chromium", "weasyprint"))
    args = parser.parse_args()
    global ENGINE
    ENGINE = args.pdf_engine
    langs = tuple(x for x in args.langs.split(",") if x)
    n, jobs = args.n, args.jobs
    tmp = Path(tempfile.mkdtemp(prefix="bench-build-"))
    try:
        start = time.perf_counter()
        root = synthetic_library(tmp / "lib", n, steps=(10, 40), seed=2)
        print(f"{n} synthetic procedures written in {time.perf_counter() - start:.1f} s; jobs={jobs}, "
              f"langs={','.join(langs)}, cpus={os.cpu_count()}, load={os.getloadavg()[0]:.1f}, "
              f"PDF engine={resolve_engine(ENGINE)}")
        print(f"{'build':<44} {'seconds':>9} {'target':>8} {'':>5}")

        t_html, built = timed_build(root, tmp / "site", jobs, ("html",), langs)
        line(f"HTML+SVG, {n} procedures (cold)", t_html, TARGET_HTML_500 * n / 500,
             f"{built} pages, {1000 * t_html / max(built, 1):.1f} ms each")
        t_noop, built = timed_build(root, tmp / "site", jobs, ("html",), langs)
        line("HTML+SVG, nothing changed", t_noop, None, f"{built} rebuilt")
        touch_one(root)
        t_inc, built = timed_build(root, tmp / "site", jobs, ("html",), langs)
        line("HTML+SVG, one procedure edited", t_inc, TARGET_INCREMENTAL, f"{built} rebuilt")

        if not args.skip_full:
            k = min(args.full_sample, n)
            sub = root if k >= n else synthetic_library(tmp / f"lib{k}", k, steps=(10, 40), seed=2)
            t_all, built = timed_build(sub, tmp / "full", jobs, ALL_FORMATS, langs)
            scaled = t_all * n / k
            note = f"{built} builds, {t_all / max(built, 1):.2f} s each"
            if k < n:
                line(f"all formats, {k} procedures (measured)", t_all, None, note)
                line(f"all formats, {n} procedures (scaled x{n / k:g})", scaled, TARGET_ALL_500 * n / 500,
                     "extrapolated from the line above")
            else:
                line(f"all formats, {n} procedures", t_all, TARGET_ALL_500 * n / 500, note)
            touch_one(sub)
            t_inc_all, built = timed_build(sub, tmp / "full", jobs, ALL_FORMATS, langs)
            line("all formats, one procedure edited", t_inc_all, TARGET_INCREMENTAL, f"{built} rebuilt")
            # the same as a user runs it: a new process, so Python's start and imports count too
            touch_one(sub)
            command = [str(Path(sys.executable).with_name("prosedur")), "build", str(sub), "--out",
                       str(tmp / "full"), "-j", str(jobs), "--langs", ",".join(langs), "--pdf-engine", ENGINE]
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True)
            t_cli = time.perf_counter() - start
            line("  the same, `prosedur build` as a new process", t_cli, None,
                 done.stdout.strip().splitlines()[-1][:60] if done.returncode == 0 else f"exit {done.returncode}")
            small = synthetic_library(tmp / "lib5", 5, steps=(10, 40), seed=2)
            print(f"{'charts, all formats, 5 procedures':<44} {charts_per_document(small, tmp / 'five', langs)}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
