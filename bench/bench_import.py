"""Import every reference SOP in a two-process pool: time per file, and the recognition rates against the
hand-checked expected files (tests/core/import_expected); then the same expected files written as Word SOPs
in each symbol style (tests/core/docx_sop.py) and imported. Run: python bench/bench_import.py [FOLDER]."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.core.docx_sop import STYLES, write_sop_docx  # noqa: E402
from tests.core.import_check import MEASURES, REFERENCE, expected_files, load, rate, score  # noqa: E402

from prosedur.importer.run import import_files, pdf_files  # noqa: E402


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else REFERENCE
    files = pdf_files([folder])
    if not files:
        sys.exit(f"no PDFs under {folder}")

    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        results = import_files(files, Path(tmp) / "lib", jobs=2, progress=progress)
        took = time.perf_counter() - start
    print(file=sys.stderr)
    sheets = {r.file: r.sheet for r in results if r.sheet is not None}
    print(f"{len(files)} files in {took:.1f} s ({took / len(files):.2f} s per file, 2 processes); "
          f"{len(sheets)} read, {sum(1 for r in results if r.error)} refused, "
          f"{sum(len(s.issues) for s in sheets.values())} items not read or noted")
    totals: dict[str, list[tuple[int, int]]] = {m: [] for m in MEASURES}
    pictures: dict[str, list[tuple[int, int]]] = {m: [] for m in MEASURES}
    for expected in expected_files():
        exp = load(expected)
        sheet = sheets.get(exp["file"])
        if sheet is None:
            continue
        got = score(sheet, exp)
        for m in MEASURES:
            (pictures if exp.get("ocr") else totals)[m].append(got[m])
        print(f"  {expected.stem}{' (OCR)' if exp.get('ocr') else ''}: "
              + ", ".join(f"{m} {a}/{b}" for m, (a, b) in got.items()))
    n = len(totals["identity"])
    print(f"rates over {n} hand-checked files: " + ", ".join(f"{m} {rate(v):.1%}" for m, v in totals.items()))
    if pictures["identity"]:
        print(f"rates over {len(pictures['identity'])} hand-checked picture tables (OCR): "
              + ", ".join(f"{m} {rate(v):.1%}" for m, v in pictures.items()))
    word()


def word() -> None:
    """The hand-checked files as Word SOPs, per symbol style: time per file and the same rates."""
    exps = [load(e) for e in expected_files()]
    for style in STYLES:
        with tempfile.TemporaryDirectory() as tmp:
            files = [write_sop_docx(e, style, Path(tmp) / f"{Path(e['file']).stem}.docx") for e in exps]
            start = time.perf_counter()
            results = import_files(files, Path(tmp) / "lib", jobs=1)
            took = time.perf_counter() - start
        totals: dict[str, list[tuple[int, int]]] = {m: [] for m in MEASURES}
        for e, r in zip(exps, results, strict=True):
            if r.sheet is None:
                continue
            for m, v in score(r.sheet, e).items():
                totals[m].append(v)
        print(f"DOCX ({style}): {len(files)} files in {took:.2f} s ({1000 * took / len(files):.0f} ms per file, "
              f"1 process), {sum(1 for r in results if r.written)} written; "
              + ", ".join(f"{m} {rate(v):.1%}" for m, v in totals.items()))


if __name__ == "__main__":
    main()
