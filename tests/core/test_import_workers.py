"""The import's worker processes: a runaway file is stopped at its time limit, a worker that dies fails only
its own file."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from prosedur.importer.run import _read_one, read_all
from tests.pdf_bytes import pdf_of


def _sop_like_pdf(path: Path, pages: int = 30) -> Path:
    """A text PDF of many pages that the reader has to look through (it is then refused: not an SOP)."""
    objs: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    font = 3 + 2 * pages
    line = b" ".join(b"BT /F1 9 Tf %d %d Td (kata kata kata kata kata) Tj ET" % (40 + 150 * (k % 3), 40 + 11 * (k // 3))
                     for k in range(200))
    for i in range(pages):
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
                    f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode())
        objs.append(b"<< /Length %d >>\nstream\n" % len(line) + line + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    path.write_bytes(pdf_of(objs, b"1.4"))
    return path


def crash_on_second(args: tuple[str, int, float]) -> Any:
    """Stands in for a reader that kills its process (a segfault, the OOM killer) on files named 'b…'."""
    if Path(args[0]).name.startswith("b"):
        os._exit(9)
    return _read_one(args)


def test_a_file_that_overruns_its_time_is_refused_and_the_others_are_read(tmp_path: Path) -> None:
    slow = _sop_like_pdf(tmp_path / "panjang.pdf", pages=6)
    quick = tmp_path / "bukan.pdf"
    quick.write_bytes(b"bukan pdf")
    start = time.monotonic()
    results = read_all([slow, quick], jobs=2, pool=True, seconds=0.05)
    assert time.monotonic() - start < 30
    (p1, s1, e1), (p2, s2, e2) = results
    assert p1 == str(slow) and s1 is None and e1 is not None
    assert "melewati batas" in e1[0] and "overran" in e1[1]
    assert p2 == str(quick) and e2 is not None and "bukan PDF" in e2[0], "the other file is judged on its own"
    # given its time, the same file is read to its end (and refused for what it is)
    (_, _, err), = read_all([slow], pool=True)
    assert err is not None and "overran" not in err[1]


def test_a_worker_that_dies_fails_its_file_and_the_batch_ends(tmp_path: Path) -> None:
    files = []
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        (tmp_path / name).write_bytes(b"bukan pdf")
        files.append(tmp_path / name)
    done: list[int] = []
    start = time.monotonic()
    results = read_all(files, jobs=2, pool=True, reader=crash_on_second,
                       progress=lambda n, _total: done.append(n))
    assert time.monotonic() - start < 30, "a dead worker never leaves the batch waiting"
    assert [r[0] for r in results] == [str(f) for f in files], "results stay in the files' order"
    by_name = {Path(r[0]).name: r[2] for r in results}
    assert by_name["b.pdf"] is not None and "berhenti tiba-tiba" in by_name["b.pdf"][0]
    assert "stopped abruptly" in by_name["b.pdf"][1]
    assert all(err is not None for err in by_name.values()), "every file has an outcome"
    assert done[-1] == 3


def stuck(args: tuple[str, int, float]) -> Any:
    """Stands in for a parse stuck where the worker's alarm is not heard (inside C code): it ignores SIGALRM."""
    import signal

    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    time.sleep(3600)


def test_a_worker_stuck_past_its_alarm_is_killed_and_its_file_refused(tmp_path: Path) -> None:
    f = tmp_path / "a.pdf"
    f.write_bytes(b"bukan pdf")
    start = time.monotonic()
    (path, sheet, err), = read_all([f], pool=True, reader=stuck, seconds=0.5, grace=3)
    assert time.monotonic() - start < 60
    assert path == str(f) and sheet is None and err is not None and "overran" in err[1]
