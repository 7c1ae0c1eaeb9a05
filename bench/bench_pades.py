"""What the PAdES signature adds to an issued PDF: signing (and checking) time beside rendering the unsigned PDF.

Run: .venv/bin/python bench/bench_pades.py [rounds]. For P.SMLTI 19, the ISO/TR 10013 document PDF and the
PermenPAN-RB SOP PDF: median wall and CPU seconds of rendering, of `pades.sign_pdf` on that rendering (a demo
RSA-2048 certificate, no time-stamp server) and of `pades.check_pdf` on the signed file, and the bytes the
signature adds. Target: signing adds < 150 ms. The identity is loaded once (the web app caches it too).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from prosedur import pades
from prosedur.integrity import content_hash
from prosedur.load import load_library
from prosedur.render.pdf import render_pdf
from prosedur.render.sop import render_sop_pdf

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.150


def median_both(fn: Callable[[], object], rounds: int) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds) over `rounds` calls."""
    wall, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    library, _ = load_library(ROOT / "examples" / "smlti")
    proc = library.procedure("P.SMLTI 19")
    assert proc is not None
    digest = str(content_hash(proc))
    url = f"https://sop.example.go.id/verifikasi/{digest}/"
    folder = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    ca, p12, passphrase = pades.make_demo_identity(folder, library.info.organisation)
    made = time.perf_counter() - start
    start = time.perf_counter()
    identity = pades.load_identity(p12, passphrase)  # first call also imports pyHanko
    loaded = time.perf_counter() - start
    roots = pades.load_trust_roots([ca])
    print(f"demo identity made in {made:.3f} s; loaded (PKCS#12 + pyHanko import) in {loaded:.3f} s, once per process")

    renderers: dict[str, Callable[[], bytes]] = {
        "document PDF": lambda: render_pdf(proc, library, content_hash=digest, verify_url=url),
        "SOP PDF": lambda: render_sop_pdf(proc, library, content_hash=digest, verify_url=url),
    }
    for render in renderers.values():
        render()  # warm up WeasyPrint and fonts
    pades.sign_pdf(renderers["SOP PDF"](), identity, content_hash=digest, reason="x", location=None)  # warm up
    print(f"{'P.SMLTI 19':<14} {'bytes':>8} {'render':>8} {'cpu':>7} | {'sign':>7} {'cpu':>7} {'+bytes':>7} {'+%':>6}"
          f" | {'check':>7} {'cpu':>7}")
    added: list[float] = []
    for name, render in renderers.items():
        pdf = render()
        t_render, c_render = median_both(render, rounds)
        signed = pades.sign_pdf(pdf, identity, content_hash=digest, reason="Salinan terkendali", location="Jakarta")
        t_sign, c_sign = median_both(lambda pdf=pdf: pades.sign_pdf(  # type: ignore[misc]
            pdf, identity, content_hash=digest, reason="Salinan terkendali", location="Jakarta"), rounds)
        result = pades.check_pdf(signed, roots)
        assert result.ok, result.messages("en")
        t_check, c_check = median_both(lambda signed=signed: pades.check_pdf(signed, roots), rounds)  # type: ignore[misc]
        added.append(t_sign)
        print(f"{name:<14} {len(pdf):>8} {t_render:8.3f} {c_render:7.3f} | {t_sign:7.3f} {c_sign:7.3f} "
              f"{len(signed) - len(pdf):>7} {100 * t_sign / t_render:5.1f}% | {t_check:7.3f} {c_check:7.3f}")
    worst = max(added)
    verdict = "ok" if worst < TARGET else "OVER"
    print(f"seconds, median of {rounds}; signing adds at most {worst * 1000:.0f} ms; target < {TARGET * 1000:.0f} ms: {verdict}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus")


if __name__ == "__main__":
    main()
