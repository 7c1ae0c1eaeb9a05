"""Write docs/coverage.md: the sample library's ISO/IEC 20000-1 coverage matrix and gaps, as Markdown.

Run from the repository root: `python scripts/coverage_md.py [--lang en] [LIBRARY] [OUT]`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from prosedur.iso20000 import coverage
from prosedur.iso20000.report import coverage_markdown
from prosedur.load import load_library

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    lang = "id"
    if "--lang" in argv:
        i = argv.index("--lang")
        lang = argv[i + 1]
        del argv[i : i + 2]
    library_path = Path(argv[0]) if argv else ROOT / "examples" / "smlti"
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "coverage.md"
    library, problems = load_library(library_path)
    if problems:
        for p in problems:
            print(p.format(lang), file=sys.stderr)
        return 2
    out.write_text(coverage_markdown(coverage(library), lang=lang), encoding="utf-8")
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
