"""DOCX speed: our renderer against pandoc on equivalent Markdown, per procedure of the sample library;
with `--routes`, the flowchart as DrawingML shapes (the default) against PNG pictures, side by side.

Target: under 0.15 s per document, LibreOffice excluded. Printed, not asserted (the machine is shared).

    /work/venv/bin/python bench/bench_docx.py [LIBRARY] [--runs N] [--routes]

`--routes` columns, CPU seconds per document: `png cold` = the PNG route with an empty raster cache
(what a build pays when a flowchart changed), `png warm` = PNGs cached, `shapes` = DrawingML; then the
file sizes. The look is compared by converting both with LibreOffice (tests/core/test_sop_docx.py and
docs/documents.md).

Columns: `cold` = first render in a fresh cache (includes rasterising the flowchart), `warm` = mean of
N renders with the flowchart PNG cached (the web app's repeated downloads), `raster` = mean time to
rasterise the flowchart pages alone, `pandoc` = mean wall time of `pandoc -o x.docx x.md` with the
same sections, tables and flowchart PNG (process start included, as a user would run it).
Each is given as wall time and as CPU time: the machine is shared, and CPU time is what our code
costs regardless of what else runs.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from prosedur.load import load_library
from prosedur.model import Library, Procedure
from prosedur.render.document import DocumentView, document_view
from prosedur.render.docx import render_docx
from prosedur.render.labels import label
from prosedur.render.raster import svg_to_png

ROOT = Path(__file__).resolve().parent.parent


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(heads: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(map(_cell, heads)) + " |", "|" + "---|" * len(heads)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out + [""]


def markdown(view: DocumentView, images: list[Path]) -> str:
    """The same content as the DOCX, in Markdown, for the pandoc comparison."""
    def L(key: str) -> str:  # noqa: N802
        return label(key, view.lang)

    md = [f"% {view.number} {view.title}", "", f"# 1 {L('purpose')}", "", view.purpose, "",
          f"# 2 {L('scope')}", ""]
    md += [f"- {x}" for x in view.scope_includes + view.scope_excludes] + [""]
    md += [f"# 3 {L('definitions')}", ""] + _table([L("term"), L("meaning")], [list(d) for d in view.definitions])
    md += [f"# 4 {L('references')}", ""] + [f"1. {r[1]} {r[2]}" for r in view.references] + [""]
    md += [f"## {L('legal_basis')}", ""] + [f"1. {x}" for x in view.legal_basis] + [""]
    md += [f"# 5 {L('responsibilities')}", ""] + _table(
        [L("role"), L("responsibility"), L("authority")],
        [[r.name, "; ".join(r.responsibilities), "; ".join(r.authorities)] for r in view.roles],
    )
    md += [f"# 6 {L('activities')}", "", f"## {L('provisions')}", ""] + [f"1. {x}" for x in view.provisions]
    md += ["", f"## {L('flowchart')}", ""] + [f"![]({img}){{width=170mm}}" for img in images] + [""]
    md += [f"## {L('narrative')}", ""]
    md += [f"{s.number}. **{s.actor}** {s.text}" for s in view.steps] + [""]
    md += [f"# 7 {L('measurements')}", ""] + _table(["", "", "", "", ""], [list(m) for m in view.measurements])
    md += [f"# 8 {L('records')}", ""] + _table([""] * 6, [list(r) for r in view.records])
    md += [f"# 9 {L('attachments')}", ""] + [f"- {a[0]}" for a in view.attachments] + [""]
    md += [f"# 10 {L('related')}", ""] + [f"- {r[0]} {r[1]}" for r in view.related] + [""]
    md += [f"# 11 {L('clauses')}", "", ", ".join(view.clauses), ""]
    people = [p for p in [view.prepared, *view.reviewed, view.approved] if p]
    md += [f"# 12 {L('approval')}", ""] + _table(
        [p.role for p in people], [[p.name for p in people], [p.position for p in people],
                                   [p.nip for p in people], [p.date for p in people]])
    md += [f"# 13 {L('history')}", ""] + _table([""] * 5, [[str(h[0]), *h[1:]] for h in view.history])
    return "\n".join(md)


def flowchart_svgs(proc: Procedure, library: Library) -> list[str]:
    try:
        from prosedur.render.svg import render_flowchart
    except ImportError:
        return []
    return render_flowchart(proc, library, lang="id", swimlanes=True, rows_per_page=13)


def _cpu(fn: object, runs: int) -> tuple[float, bytes]:
    c0 = time.process_time()
    data = b""
    for _ in range(runs):
        data = fn()  # type: ignore[operator]
    return (time.process_time() - c0) / runs, data


def compare_routes(library: Library, runs: int) -> None:
    """The flowchart as DrawingML shapes against PNG pictures: CPU per document and size."""
    render_docx(library.procedures[0], library, flowchart="png")
    render_docx(library.procedures[0], library, flowchart="shapes")
    print(f"{'procedure':<14}{'sheets':>7}{'png cold':>10}{'png warm':>10}{'shapes':>10}{'png KB':>9}{'shapes KB':>11}")
    totals = [0.0, 0.0, 0.0, 0, 0]
    for proc in library.procedures:
        sheets = len(flowchart_svgs(proc, library))

        def cold(proc: Procedure = proc) -> bytes:
            svg_to_png.cache_clear()
            return render_docx(proc, library, flowchart="png")

        png_cold, png = _cpu(cold, 1)
        png_warm, _ = _cpu(lambda proc=proc: render_docx(proc, library, flowchart="png"), runs)
        shapes, drawn = _cpu(lambda proc=proc: render_docx(proc, library, flowchart="shapes"), runs)
        for i, value in enumerate((png_cold, png_warm, shapes, len(png), len(drawn))):
            totals[i] += value
        print(f"{proc.number:<14}{sheets:>7}{png_cold:>10.3f}{png_warm:>10.3f}{shapes:>10.3f}"
              f"{len(png) / 1024:>9.0f}{len(drawn) / 1024:>11.0f}")
    print(f"{'library':<14}{'':>7}{totals[0]:>10.2f}{totals[1]:>10.2f}{totals[2]:>10.2f}"
          f"{totals[3] / 1024:>9.0f}{totals[4] / 1024:>11.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("library", nargs="?", default=str(ROOT / "examples" / "smlti"))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--routes", action="store_true", help="DrawingML shapes against PNG pictures")
    args = parser.parse_args()
    library, problems = load_library(Path(args.library))
    if args.routes:
        compare_routes(library, args.runs)
        return
    pandoc = shutil.which("pandoc")
    render_docx(library.procedures[0], library)  # imports, cairo's cffi set-up: once per process

    print(f"{'':<20}{'--- wall s ---':^40}{'--- cpu s ---':^40}")
    print(f"{'procedure':<14}{'pages':>6}" + f"{'cold':>10}{'warm':>10}{'raster':>10}{'pandoc':>10}" * 2
          + f"{'ours KB':>9}{'pandoc KB':>11}")
    warm_all = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for proc in library.procedures:
            svgs = flowchart_svgs(proc, library)
            svg_to_png.cache_clear()
            w0, c0 = time.perf_counter(), time.process_time()
            data = render_docx(proc, library, flowchart="png")
            cold = (time.perf_counter() - w0, time.process_time() - c0)
            w0, c0 = time.perf_counter(), time.process_time()
            for _ in range(args.runs):
                render_docx(proc, library, flowchart="png")
            warm = ((time.perf_counter() - w0) / args.runs, (time.process_time() - c0) / args.runs)
            warm_all.append(warm[1])
            w0, c0 = time.perf_counter(), time.process_time()
            pngs = [svg_to_png.__wrapped__(svg) for svg in svgs]
            raster = (time.perf_counter() - w0, time.process_time() - c0)

            images = []
            for i, png in enumerate(pngs):
                path = work / f"flow-{i}.png"
                path.write_bytes(png)
                images.append(path)
            md = work / "doc.md"
            md.write_text(markdown(document_view(proc, library), images), encoding="utf-8")
            pan, pandoc_kb = (float("nan"), float("nan")), float("nan")
            if pandoc:
                out = work / "doc.docx"
                runs = max(1, args.runs // 3)
                w0 = time.perf_counter()
                c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                for _ in range(runs):
                    subprocess.run([pandoc, "-o", str(out), str(md)], check=True, cwd=work)
                c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime)
                pan = ((time.perf_counter() - w0) / runs, cpu / runs)
                pandoc_kb = out.stat().st_size / 1024
            cols = "".join(f"{x[k]:>10.3f}" for k in (0, 1) for x in (cold, warm, raster, pan))
            print(f"{proc.number:<14}{len(svgs):>6}{cols}{len(data) / 1024:>9.0f}{pandoc_kb:>11.0f}")
    worst = max(warm_all)
    print(f"target < 0.150 s per document (warm CPU, LibreOffice excluded): worst {worst:.3f} s "
          f"-> {'met' if worst < 0.15 else 'NOT met'}")


if __name__ == "__main__":
    main()
