"""Load and lint a synthetic library of 1,000 procedures; print throughput and memory.

    python bench/bench_lint.py [--n 1000] [--min-steps 10] [--max-steps 200] [--repeat 3]

Three paths are timed separately (best of `--repeat`), each on one core:
- naive: `yaml.load(CSafeLoader)` + `Procedure.model_validate`, with no positions and no safety
  limits — the floor a reader can compare our loader against;
- load: `prosedur.load.load_library` (located, strict, bounded);
- lint: `prosedur.lint.lint` on the loaded library.
Peak memory is measured in a separate traced run (tracemalloc slows allocation, so it never runs
while timing); ru_maxrss is the process high-water mark at the end. The target is load + lint of all
1,000 procedures in under 2 s.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from prosedur.load import load_library
from prosedur.model import Procedure
from prosedur.synth import synthetic_library

try:
    from prosedur.lint import lint as _lint
except ImportError:  # pragma: no cover - the linter may not be installed yet
    _lint = None

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


def naive_load(root: Path) -> list[Procedure]:
    """The plain path: parse, validate, nothing else (no positions, limits or duplicate-key check)."""
    out = []
    for file in sorted((root / "prosedur").glob("*.yaml")):
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - safe loader
        out.append(Procedure.model_validate(data))
    return out


def best_of(repeat: int, func: Callable[[], Any]) -> tuple[float, Any]:
    best = float("inf")
    result: Any = None
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - started)
    return best, result


def traced_peak(func: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--min-steps", type=int, default=10)
    parser.add_argument("--max-steps", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as promised

    with tempfile.TemporaryDirectory(prefix="prosedur-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        synthetic_library(root, args.n, steps=(args.min_steps, args.max_steps), seed=args.seed)
        gen_s = time.perf_counter() - started
        files = list((root / "prosedur").glob("*.yaml"))
        size = sum(f.stat().st_size for f in files)

        naive_s, naive = best_of(args.repeat, lambda: naive_load(root))
        steps = sum(len(p.steps) for p in naive)
        load_s, (library, problems) = best_of(args.repeat, lambda: load_library(root))
        assert len(library.procedures) == args.n and not problems, problems[:3]

        rows: list[tuple[str, float, int]] = [
            ("naive (safe_load + validate)", naive_s, traced_peak(lambda: naive_load(root))),
            ("load (prosedur.load)", load_s, traced_peak(lambda: load_library(root))),
        ]
        findings: list[Any] = []
        if _lint is not None:
            lint_fn = _lint
            lint_s, findings = best_of(args.repeat, lambda: lint_fn(library))
            rows.append(("lint (prosedur.lint)", lint_s, traced_peak(lambda: lint_fn(library))))
            rows.append(("load + lint", load_s + lint_s, 0))

    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"library: {args.n} procedures, {steps} steps, {size / 1e6:.1f} MB of YAML "
          f"(generated in {gen_s:.2f} s, seed {args.seed}, steps {args.min_steps}-{args.max_steps})")
    print(f"python {sys.version.split()[0]}, libyaml {'yes' if _Loader.__name__.startswith('C') else 'no'}, "
          f"best of {args.repeat}, one core")
    print(f"{'path':32} {'seconds':>8} {'proc/s':>9} {'steps/s':>10} {'peak MB':>8}")
    for name, seconds, peak in rows:
        peak_text = f"{peak / 1e6:8.1f}" if peak else f"{'':>8}"
        print(f"{name:32} {seconds:8.3f} {args.n / seconds:9.0f} {steps / seconds:10.0f} {peak_text}")
    print(f"loader cost over naive: {load_s / naive_s:.2f}x")
    print(f"ru_maxrss: {maxrss_kb / 1024:.0f} MB")
    if _lint is None:
        print("lint: prosedur.lint not available; skipped")
    else:
        by_severity = Counter(str(getattr(f, "severity", "?")) for f in findings)
        detail = ", ".join(f"{n} {sev}" for sev, n in sorted(by_severity.items())) or "none"
        print(f"findings: {len(findings)} ({detail}); the generator aims for none")
        total = load_s + (rows[2][1] if len(rows) > 2 else 0.0)
        verdict = "met" if total < 2.0 else "NOT met"
        print(f"target load + lint of {args.n} < 2 s: {verdict} ({total:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
