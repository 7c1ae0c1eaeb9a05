"""The SOP table's exit-label placement (`_place_grid_labels`): CPU ms per procedure, and a hash of
every SOP page SVG so a speed change can show its output is byte-identical.

Procedures: the sample libraries (examples/smlti, examples/permenpan), 20 synthetic procedures of a
spread of sizes and lane counts, and `hard_text_procedure()`; both languages. Prints the CPU ms per
procedure and language of `sop_layout` and of the label placement inside it (process time, so the
other jobs on the machine count less), then one hash over all page SVGs (and the count of pages).

Usage: python bench/bench_sop_labels.py [passes]   (default 2; the first pass fills the caches)
       python bench/bench_sop_labels.py --hashes    (one hash per procedure and language, to diff)
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prosedur.flow import layout as engine
from prosedur.load import load_library
from prosedur.model import Library, Procedure
from prosedur.render.document import document_view
from prosedur.render.sop import page_svg, sop_layout
from prosedur.synth import hard_text_procedure, synthetic_procedure

ROOT = Path(__file__).resolve().parent.parent
SPREAD = [(k, lanes) for k in (8, 16, 30, 50, 80) for lanes in (2, 3, 5, 7)]  # 20 synthetic procedures


def cases() -> list[tuple[str, Procedure, Library | None]]:
    out: list[tuple[str, Procedure, Library | None]] = []
    for name in ("smlti", "permenpan"):
        library, _problems = load_library(ROOT / "examples" / name)
        out += [(f"{name}/{p.number}", p, library) for p in library.procedures]
    out += [(f"synth k={k} lanes={lanes}", synthetic_procedure(k, seed=k, lanes=lanes), None) for k, lanes in SPREAD]
    out.append(("hard_text", hard_text_procedure(), None))
    return out


class Timer:
    """Wraps the label placement to add up its CPU time."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn, self.spent, self.calls = fn, 0.0, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.spent += time.process_time() - start
            self.calls += 1


def main() -> None:
    hashes = "--hashes" in sys.argv
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    passes = int(args[0]) if args else 2
    todo = [(name, proc, library, lang) for name, proc, library in cases() for lang in ("id", "en")]
    timer = Timer(engine._place_grid_labels)
    engine._place_grid_labels = timer  # type: ignore[assignment]
    total = hashlib.sha256()
    pages = 0
    for n in range(passes):
        timer.spent, timer.calls = 0.0, 0
        start = time.process_time()
        for name, proc, library, lang in todo:
            view = document_view(proc, library, lang=lang)
            layout = sop_layout(view, proc)
            one = hashlib.sha256()
            for page in layout.pages:
                one.update(page_svg(layout, page, lang).encode())
            if n == 0:
                pages += len(layout.pages)
                total.update(one.digest())
                if hashes:
                    print(f"{one.hexdigest()[:16]}  {lang}  {name}")
        spent = time.process_time() - start
        print(f"pass {n + 1}: {len(todo)} procedure-languages, sop_layout+page_svg {1000 * spent / len(todo):.1f} ms each, "
              f"label placement {1000 * timer.spent / len(todo):.1f} ms each ({timer.calls} calls)")
    print(f"hash {total.hexdigest()} over {pages} pages")


if __name__ == "__main__":
    main()
