"""Write docs/coverage.md: the sample library's ISO/IEC 20000-1 coverage matrix and gaps, as Markdown.

Run from the repository root: `python scripts/coverage_md.py [--lang en] [LIBRARY] [OUT]`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from prosedur.iso20000 import coverage
from prosedur.iso20000.report import coverage_markdown, coverage_summary_markdown
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
    cov = coverage(library)
    out.write_text(coverage_markdown(cov, lang=lang), encoding="utf-8")
    print(f"written: {out}")
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if README_START in text and README_END in text:
        head, rest = text.split(README_START, 1)
        _, tail = rest.split(README_END, 1)
        section = readme_section(cov, lang)
        readme.write_text(head + README_START + "\n" + section + README_END + tail, encoding="utf-8")
        print(f"updated: {readme}")
    return 0


README_START = "<!-- coverage:start -->"
README_END = "<!-- coverage:end -->"


def readme_section(cov: object, lang: str = "id") -> str:
    """The README's copy: the summary and gap table; the full matrix stays in docs/coverage.md."""
    lines = coverage_summary_markdown(cov, lang=lang, heading="###")  # type: ignore[arg-type]
    return "\n".join(lines) + "\n\nFull matrix: [docs/coverage.md](docs/coverage.md).\n"


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
